//! Property tests of the filter language (`needsmap::query`).
//!
//! The evaluation property compares against a reference evaluator written
//! here from the documented semantics (SQL three-valued logic, missing never
//! 0, ASCII-case-insensitive text equality), independently of the module's
//! own code.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use needsmap::query::{
    CmpOp, Expr, FieldKind, Filter, QueryError, Record, SortKey, Truth, Value, MAX_INPUT_CHARS,
};
use proptest::collection::vec;
use proptest::prelude::*;

// ------------------------------------------------------------- generators

const KEYWORDS: [&str; 5] = ["and", "or", "not", "in", "null"];

fn field_name() -> impl Strategy<Value = String> + Clone {
    "[a-z_][a-z0-9_]{0,10}".prop_filter("keywords are not field names", |s| {
        !KEYWORDS.contains(&s.as_str())
    })
}

fn any_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-50i32..50).prop_map(f64::from),
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    // Any chars, including quotes, backslashes, control and non-BMP chars.
    vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

fn op() -> impl Strategy<Value = CmpOp> {
    proptest::sample::select(CmpOp::ALL.to_vec())
}

/// Comparisons and memberships; `null` only with `=`/`!=` (as the grammar
/// demands).
fn leaf(
    field: impl Strategy<Value = String> + Clone + 'static,
    value: impl Strategy<Value = Value> + Clone + 'static,
) -> BoxedStrategy<Expr> {
    prop_oneof![
        (field.clone(), op(), value.clone()).prop_map(|(f, op, v)| {
            let op = match (&v, op) {
                (Value::Null, CmpOp::Lt | CmpOp::Le) => CmpOp::Eq,
                (Value::Null, CmpOp::Gt | CmpOp::Ge) => CmpOp::Ne,
                _ => op,
            };
            Expr::compare(f, op, v)
        }),
        (field, vec(value, 1..4)).prop_map(|(f, vs)| Expr::is_in(f, vs)),
    ]
    .boxed()
}

fn tree(leaf: BoxedStrategy<Expr>) -> impl Strategy<Value = Expr> {
    leaf.prop_recursive(5, 48, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::or(a, b)),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::and(a, b)),
            inner.prop_map(Expr::negate),
        ]
    })
}

fn any_value() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        any_number().prop_map(Value::Number),
        any_text().prop_map(Value::Text),
        Just(Value::Null),
    ]
}

fn any_tree() -> impl Strategy<Value = Expr> {
    tree(leaf(field_name(), any_value()))
}

// Small pools so that equalities actually hit during evaluation.
const FIELDS: [&str; 4] = ["a", "b", "t", "u"];
const NUMBERS: [f64; 6] = [-1.0, 0.0, -0.0, 1.0, 2.5, 1e3];
const TEXTS: [&str; 7] = [
    "Gloucester",
    "gloucester",
    "GLOUCESTER",
    "Stroud",
    "CAFÉ",
    "café",
    "",
];

fn pool_value() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        3 => proptest::sample::select(NUMBERS.to_vec()).prop_map(Value::Number),
        3 => proptest::sample::select(TEXTS.to_vec()).prop_map(|s| Value::Text(s.to_string())),
        1 => Just(Value::Null),
    ]
}

fn pool_tree() -> impl Strategy<Value = Expr> {
    let field = proptest::sample::select(FIELDS.to_vec()).prop_map(String::from);
    tree(leaf(field, pool_value()))
}

/// What one field of a generated row holds.
#[derive(Debug, Clone)]
enum Cell {
    Missing,
    Num(f64),
    Text(String),
}

#[derive(Debug, Clone)]
struct Row(BTreeMap<&'static str, Cell>);

impl Record for Row {
    fn number(&self, field: &str) -> Option<f64> {
        match self.0.get(field) {
            Some(Cell::Num(x)) => Some(*x),
            _ => None,
        }
    }
    fn text(&self, field: &str) -> Option<&str> {
        match self.0.get(field) {
            Some(Cell::Text(s)) => Some(s),
            _ => None,
        }
    }
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        2 => Just(Cell::Missing),
        3 => proptest::sample::select(NUMBERS.to_vec()).prop_map(Cell::Num),
        1 => Just(Cell::Num(f64::NAN)),
        3 => proptest::sample::select(TEXTS.to_vec()).prop_map(|s| Cell::Text(s.to_string())),
    ]
}

fn row() -> impl Strategy<Value = Row> {
    vec(cell(), FIELDS.len()).prop_map(|cells| Row(FIELDS.iter().copied().zip(cells).collect()))
}

// ------------------------------------------------------ reference semantics

fn missing(c: &Cell) -> bool {
    match c {
        Cell::Missing => true,
        Cell::Num(x) => x.is_nan(),
        Cell::Text(_) => false,
    }
}

/// `field op value` as SQL would answer it (None = unknown). Folds case by
/// lower-casing copies, deliberately not the module's `eq_ignore_ascii_case`.
#[allow(clippy::manual_ignore_case_cmp)]
fn ref_compare(c: &Cell, op: CmpOp, v: &Value) -> Option<bool> {
    match (v, c) {
        (Value::Null, c) => match op {
            CmpOp::Eq => Some(missing(c)),
            CmpOp::Ne => Some(!missing(c)),
            _ => None,
        },
        (Value::Number(v), Cell::Num(x)) if !x.is_nan() => Some(match op {
            CmpOp::Eq => x == v,
            CmpOp::Ne => x != v,
            CmpOp::Lt => x < v,
            CmpOp::Le => x <= v,
            CmpOp::Gt => x > v,
            CmpOp::Ge => x >= v,
        }),
        (Value::Text(v), Cell::Text(x)) => match op {
            CmpOp::Eq => Some(x.to_ascii_lowercase() == v.to_ascii_lowercase()),
            CmpOp::Ne => Some(x.to_ascii_lowercase() != v.to_ascii_lowercase()),
            _ => None,
        },
        _ => None,
    }
}

fn ref_or(x: Option<bool>, y: Option<bool>) -> Option<bool> {
    if x == Some(true) || y == Some(true) {
        Some(true)
    } else if x == Some(false) && y == Some(false) {
        Some(false)
    } else {
        None
    }
}

fn ref_eval(e: &Expr, r: &Row) -> Option<bool> {
    let cell = |f: &str| r.0.get(f).cloned().unwrap_or(Cell::Missing);
    match e {
        Expr::Or(a, b) => ref_or(ref_eval(a, r), ref_eval(b, r)),
        Expr::And(a, b) => {
            // De Morgan, holds in Kleene logic.
            let not = |t: Option<bool>| t.map(|b| !b);
            not(ref_or(not(ref_eval(a, r)), not(ref_eval(b, r))))
        }
        Expr::Not(a) => ref_eval(a, r).map(|b| !b),
        Expr::Compare { field, op, value } => ref_compare(&cell(field), *op, value),
        Expr::In { field, values } => values
            .iter()
            .map(|v| ref_compare(&cell(field), CmpOp::Eq, v))
            .fold(Some(false), ref_or),
    }
}

// ------------------------------------------------------------- properties

/// Pieces of the language (and of mistakes) glued at random: reaches far
/// deeper into the parser than uniformly random strings do.
fn token_soup() -> impl Strategy<Value = String> {
    let pieces = vec![
        "a",
        "imd_decile",
        "District",
        "AND",
        "or",
        "Not",
        "in",
        "NULL",
        "(",
        ")",
        "[",
        "]",
        ",",
        "=",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "!",
        "1",
        "-2.5e3",
        "0.5",
        "1e999",
        "12abc",
        "1.",
        "\"x\"",
        "'y'",
        "\"",
        "'",
        "\\",
        "\"\\u{e9}\"",
        "\"\\q\"",
        "\"\\u{d800}\"",
        "é",
        "🏠",
        "#",
        "-",
        ":",
        " ",
        "  ",
        "\n",
        "\t",
    ];
    vec((proptest::sample::select(pieces), any::<bool>()), 0..30).prop_map(|parts| {
        let mut s = String::new();
        for (p, space) in parts {
            s.push_str(p);
            if space {
                s.push(' ');
            }
        }
        s
    })
}

/// Whatever parse says about `s` must be well-formed: an error points inside
/// the text (or just past its end), and a success prints a canonical form
/// that is a fixed point.
fn parse_is_well_behaved(s: &str) -> Result<(), TestCaseError> {
    match Filter::parse(s) {
        Ok(f) => {
            let canonical = f.to_string();
            if canonical.chars().count() <= MAX_INPUT_CHARS {
                let again = Filter::parse(&canonical)
                    .map_err(|e| TestCaseError::fail(format!("{canonical:?}: {e}")))?;
                prop_assert_eq!(&again, &f);
                prop_assert_eq!(again.to_string(), canonical);
            }
        }
        Err(e) => {
            if let Some(col) = e.column() {
                prop_assert!(col >= 1 && col <= s.chars().count() + 1, "{e} for {s:?}");
            }
            prop_assert!(!e.to_string().is_empty());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// (1) Arbitrary strings never make the parser panic.
    #[test]
    fn parse_never_panics_on_any_string(s in any::<String>()) {
        parse_is_well_behaved(&s)?;
    }

    /// (1b) Nor on near-valid input built from the language's own pieces.
    #[test]
    fn parse_never_panics_on_token_soup(s in token_soup()) {
        parse_is_well_behaved(&s)?;
        let _ = SortKey::parse(&s);
    }

    /// (2) Display then parse gives back the same tree.
    #[test]
    fn display_parse_round_trip(e in any_tree()) {
        let canonical = e.to_string();
        prop_assume!(canonical.chars().count() <= MAX_INPUT_CHARS);
        let parsed = Filter::parse(&canonical)
            .map_err(|err| TestCaseError::fail(format!("{canonical:?}: {err}")))?;
        prop_assert_eq!(parsed.expr(), &e);
        prop_assert_eq!(parsed, Filter::from(e));
    }

    /// Columns recorded for a tree built in code agree with those the parser
    /// records for its canonical text: both report the same schema error.
    #[test]
    fn built_and_parsed_filters_check_alike(e in pool_tree()) {
        let schema = [("a", FieldKind::Number), ("t", FieldKind::Text), ("u", FieldKind::Number)];
        let built = Filter::from(e.clone());
        let parsed = Filter::parse(&e.to_string()).unwrap();
        let (x, y) = (built.check(&schema), parsed.check(&schema));
        prop_assert_eq!(&x, &y);
        if let Err(QueryError::UnknownField { field, .. }) = &x {
            prop_assert_eq!(field.as_str(), "b");
        }
    }

    /// (3) Evaluation agrees with the reference evaluator, missing values
    /// and all.
    #[test]
    fn evaluation_matches_reference(e in pool_tree(), r in row()) {
        let f = Filter::from(e.clone());
        let want = ref_eval(&e, &r);
        prop_assert_eq!(f.evaluate(&r).definite(), want, "{} on {:?}", f, r);
        prop_assert_eq!(f.matches(&r), want == Some(true));
    }

    /// (4) `not not f` is `f`, and `not f` flips every definite answer.
    #[test]
    fn double_negation(e in pool_tree(), r in row()) {
        let f = Filter::from(e.clone());
        let not_f = Filter::from(Expr::negate(e.clone()));
        let not_not_f = Filter::from(Expr::negate(Expr::negate(e)));
        let t = f.evaluate(&r);
        prop_assert_eq!(not_not_f.evaluate(&r), t);
        match t.definite() {
            Some(b) => {
                prop_assert_eq!(not_f.evaluate(&r), Truth::from_bool(!b));
                prop_assert_eq!(not_f.matches(&r), !f.matches(&r));
                prop_assert_eq!(not_not_f.matches(&r), f.matches(&r));
            }
            None => {
                // Unknown stays unknown: neither f nor its negation selects the row.
                prop_assert_eq!(not_f.evaluate(&r), Truth::Unknown);
                prop_assert!(!f.matches(&r) && !not_f.matches(&r));
            }
        }
    }

    /// Sorting: a total order, missing values last in both directions,
    /// present values in numeric-then-text order.
    #[test]
    fn sort_order(rows in vec(row(), 0..40), field in proptest::sample::select(FIELDS.to_vec()), descending in any::<bool>()) {
        let key = SortKey { field: field.to_string(), descending };
        for a in &rows {
            for b in &rows {
                prop_assert_eq!(key.compare(a, b), key.compare(b, a).reverse());
            }
        }
        let mut sorted = rows.clone();
        sorted.sort_by(|a, b| key.compare(a, b));
        let cells: Vec<Cell> = sorted.iter().map(|r| r.0[field].clone()).collect();
        for w in cells.windows(2) {
            let (x, y) = (&w[0], &w[1]);
            prop_assert!(!missing(x) || missing(y), "missing before present: {:?}", cells);
            if missing(x) || missing(y) {
                continue;
            }
            // Reference order of two present cells, ascending.
            let asc = match (x, y) {
                (Cell::Num(p), Cell::Num(q)) => p.partial_cmp(q).unwrap(),
                (Cell::Num(_), Cell::Text(_)) => Ordering::Less,
                (Cell::Text(_), Cell::Num(_)) => Ordering::Greater,
                (Cell::Text(p), Cell::Text(q)) => p
                    .to_ascii_lowercase()
                    .cmp(&q.to_ascii_lowercase())
                    .then(p.cmp(q)),
                _ => unreachable!(),
            };
            let want = if descending { asc.reverse() } else { asc };
            prop_assert!(want != Ordering::Greater, "{:?} before {:?}", x, y);
        }
    }
}
