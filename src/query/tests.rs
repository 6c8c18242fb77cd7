//! Unit tests of the filter language. Expected trees, columns and truth
//! values are written out by hand from the grammar and the examples in the
//! task, not produced by the code under test.

use std::cmp::Ordering;

use super::*;

fn p(s: &str) -> Expr {
    match Filter::parse(s) {
        Ok(f) => f.into_expr(),
        Err(e) => panic!("{s:?} failed: {e}"),
    }
}

fn err(s: &str) -> QueryError {
    match Filter::parse(s) {
        Ok(f) => panic!("{s:?} parsed as {f:?}"),
        Err(e) => e,
    }
}

fn syntax(column: usize, expected: &str, found: &str) -> QueryError {
    QueryError::Syntax {
        column,
        expected: expected.into(),
        found: found.into(),
    }
}

fn num(field: &str, op: CmpOp, x: f64) -> Expr {
    Expr::compare(field, op, Value::Number(x))
}

fn text(field: &str, op: CmpOp, s: &str) -> Expr {
    Expr::compare(field, op, Value::Text(s.into()))
}

fn texts(items: &[&str]) -> Vec<Value> {
    items.iter().map(|s| Value::Text(s.to_string())).collect()
}

const VALUE: &str = r#"a value (number, "text" or null)"#;
const OPERATOR: &str = "an operator (=, !=, <, <=, >, >=), `in` or `not in`";

/// A row for evaluation tests.
#[derive(Default)]
struct Row(Vec<(&'static str, Cell)>);

enum Cell {
    N(f64),
    T(&'static str),
}

impl Row {
    fn n(mut self, f: &'static str, x: f64) -> Row {
        self.0.push((f, Cell::N(x)));
        self
    }
    fn t(mut self, f: &'static str, s: &'static str) -> Row {
        self.0.push((f, Cell::T(s)));
        self
    }
}

impl Record for Row {
    fn number(&self, field: &str) -> Option<f64> {
        self.0.iter().find_map(|(f, c)| match c {
            Cell::N(x) if *f == field => Some(*x),
            _ => None,
        })
    }
    fn text(&self, field: &str) -> Option<&str> {
        self.0.iter().find_map(|(f, c)| match c {
            Cell::T(s) if *f == field => Some(*s),
            _ => None,
        })
    }
}

fn truth(filter: &str, row: &Row) -> Truth {
    Filter::parse(filter).unwrap().evaluate(row)
}

// ---------------------------------------------------------------- parsing

#[test]
fn parses_the_examples_from_the_brief() {
    use CmpOp::*;
    assert_eq!(p("imd_decile <= 1"), num("imd_decile", Le, 1.0));
    assert_eq!(
        p(r#"imd_decile <= 2 and district = "Gloucester""#),
        Expr::and(
            num("imd_decile", Le, 2.0),
            text("district", Eq, "Gloucester")
        )
    );
    assert_eq!(
        p("gp_walk_min > 45 and (imd_decile <= 2 or idaci_decile <= 2)"),
        Expr::and(
            num("gp_walk_min", Gt, 45.0),
            Expr::or(num("imd_decile", Le, 2.0), num("idaci_decile", Le, 2.0))
        )
    );
    assert_eq!(
        p(r#"not district in ["Cotswold", "Stroud"]"#),
        Expr::negate(Expr::is_in("district", texts(&["Cotswold", "Stroud"])))
    );
    assert_eq!(
        p(r#"code in ["E01022333", "E01022100"]"#),
        Expr::is_in("code", texts(&["E01022333", "E01022100"]))
    );
    assert_eq!(
        p(r#"name != "Gloucester 010A""#),
        text("name", Ne, "Gloucester 010A")
    );
    assert_eq!(
        p("population >= 1500.5 and children_income_deprived > -1e3"),
        Expr::and(
            num("population", Ge, 1500.5),
            num("children_income_deprived", Gt, -1000.0)
        )
    );
}

#[test]
fn every_operator_and_double_equals() {
    for (s, op) in [
        ("=", CmpOp::Eq),
        ("==", CmpOp::Eq),
        ("!=", CmpOp::Ne),
        ("<", CmpOp::Lt),
        ("<=", CmpOp::Le),
        (">", CmpOp::Gt),
        (">=", CmpOp::Ge),
    ] {
        assert_eq!(p(&format!("x {s} 7")), num("x", op, 7.0), "{s}");
        assert_eq!(
            p(&format!("x{s}7")),
            num("x", op, 7.0),
            "{s} without spaces"
        );
    }
}

#[test]
fn null_values() {
    assert_eq!(
        p("gp_walk_min = null"),
        Expr::compare("gp_walk_min", CmpOp::Eq, Value::Null)
    );
    assert_eq!(
        p("gp_walk_min != NULL"),
        Expr::compare("gp_walk_min", CmpOp::Ne, Value::Null)
    );
    assert_eq!(
        p("x in [1, null]"),
        Expr::is_in("x", vec![Value::Number(1.0), Value::Null])
    );
    assert_eq!(
        err("gp_walk_min < null"),
        syntax(
            15,
            "a number or \"text\" after `<` (null only works with = and !=)",
            "`null`"
        )
    );
}

#[test]
fn not_in_is_negated_membership() {
    assert_eq!(
        p("district not in ['Stroud']"),
        p("not district in ['Stroud']")
    );
    assert_eq!(
        p("district NOT IN ['Stroud']"),
        Expr::negate(Expr::is_in("district", texts(&["Stroud"])))
    );
}

#[test]
fn precedence_and_associativity() {
    use CmpOp::Eq;
    let (a, b, c) = (num("a", Eq, 1.0), num("b", Eq, 2.0), num("c", Eq, 3.0));
    // and binds tighter than or
    assert_eq!(
        p("a = 1 or b = 2 and c = 3"),
        Expr::or(a.clone(), Expr::and(b.clone(), c.clone()))
    );
    assert_eq!(
        p("a = 1 and b = 2 or c = 3"),
        Expr::or(Expr::and(a.clone(), b.clone()), c.clone())
    );
    // brackets override
    assert_eq!(
        p("(a = 1 or b = 2) and c = 3"),
        Expr::and(Expr::or(a.clone(), b.clone()), c.clone())
    );
    // not binds tighter than and
    assert_eq!(
        p("not a = 1 and b = 2"),
        Expr::and(Expr::negate(a.clone()), b.clone())
    );
    // chains are left-associative
    assert_eq!(
        p("a = 1 or b = 2 or c = 3"),
        Expr::or(Expr::or(a.clone(), b.clone()), c.clone())
    );
    assert_eq!(p("not not a = 1"), Expr::negate(Expr::negate(a.clone())));
    // redundant brackets leave no trace
    assert_eq!(p("((a = 1))"), a);
}

#[test]
fn keywords_and_fields_are_case_insensitive() {
    assert_eq!(
        p("IMD_Decile <= 2 AND District = 'x' Or NOT c In [1]"),
        p("imd_decile <= 2 and district = 'x' or not c in [1]")
    );
    assert_eq!(p("IMD_DECILE = 1"), num("imd_decile", CmpOp::Eq, 1.0));
}

#[test]
fn string_escapes_and_quotes() {
    assert_eq!(p(r#"name = "a\"b""#), text("name", CmpOp::Eq, "a\"b"));
    assert_eq!(p(r"name = 'it\'s'"), text("name", CmpOp::Eq, "it's"));
    assert_eq!(
        p(r"name = 'back\\slash'"),
        text("name", CmpOp::Eq, "back\\slash")
    );
    assert_eq!(p(r"name = 'Caf\u{e9}'"), text("name", CmpOp::Eq, "Café"));
    assert_eq!(
        p(r#"name = "Ynys Môn""#),
        text("name", CmpOp::Eq, "Ynys Môn")
    );
    assert_eq!(p(r#"name = """#), text("name", CmpOp::Eq, ""));
}

// ------------------------------------------------------------------ errors

#[test]
fn error_message_format() {
    let e = err("imd_decile <=");
    assert_eq!(e, syntax(14, VALUE, "end of input"));
    assert_eq!(
        e.to_string(),
        r#"column 14: expected a value (number, "text" or null) but found end of input"#
    );
    assert_eq!(e.column(), Some(14));
}

#[test]
fn errors_point_at_the_exact_column() {
    let cases: &[(&str, QueryError)] = &[
        ("", syntax(1, "a field name, `not` or `(`", "end of input")),
        (
            "   ",
            syntax(4, "a field name, `not` or `(`", "end of input"),
        ),
        (
            "imd_decile <= 2 district = 1",
            syntax(17, "`and`, `or` or end of input", "`district`"),
        ),
        (
            "a = 1 and",
            syntax(10, "a field name, `not` or `(`", "end of input"),
        ),
        (
            "(a = 1",
            syntax(
                7,
                "`and`, `or` or `)` to close the `(` at column 1",
                "end of input",
            ),
        ),
        ("a = 1)", syntax(6, "`and`, `or` or end of input", "`)`")),
        (
            "a in 1",
            syntax(6, "`[` to start the list of values", "`1`"),
        ),
        ("a in [1 2]", syntax(9, "`,` or `]`", "`2`")),
        ("a in [1,]", syntax(9, VALUE, "`]`")),
        ("a in []", syntax(7, VALUE, "`]`")),
        ("a not 1", syntax(7, "`in` after `not`", "`1`")),
        (
            "null = 1",
            syntax(1, "a field name, `not` or `(`", "keyword `null`"),
        ),
        ("a = b", syntax(5, VALUE, "`b`")),
        ("a # 1", syntax(3, OPERATOR, "`#`")),
        ("a ! 1", syntax(3, OPERATOR, "`!`")),
        ("a", syntax(2, OPERATOR, "end of input")),
        (
            "a = 1 and or b = 2",
            syntax(11, "a field name, `not` or `(`", "keyword `or`"),
        ),
        (
            "a = 12abc",
            syntax(5, "a number such as 12, -3.5 or 1e3", "`12abc`"),
        ),
        ("a = - 1", syntax(5, VALUE, "`-`")),
    ];
    for (input, expected) in cases {
        assert_eq!(&err(input), expected, "input {input:?}");
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    // "é" is two bytes in UTF-8; every column after it must still be counted
    // in characters: n1 a2 m3 e4 _5 =6 _7 "8 C9 a10 f11 é12 "13 _14 a15 n16 d17 _18 x19.
    assert_eq!(
        err(r#"name = "Café" and x"#),
        syntax(20, OPERATOR, "end of input")
    );
    // Non-ASCII letters are not allowed in field names; the error points at one.
    assert_eq!(err("naïve = 1"), syntax(3, OPERATOR, "`ï`"));
    // Two emoji are two columns (each is four bytes).
    assert_eq!(
        err("x = '🏠🏠' y"),
        syntax(10, "`and`, `or` or end of input", "`y`")
    );
}

// ------------------------------------------------------------------ limits

#[test]
fn input_length_limit() {
    // A valid filter of exactly MAX_INPUT_CHARS characters is accepted ...
    let mut s = "a = 1".to_string();
    while s.len() + " or a = 1".len() <= MAX_INPUT_CHARS {
        s.push_str(" or a = 1");
    }
    s.push_str(&" ".repeat(MAX_INPUT_CHARS - s.len()));
    assert_eq!(s.chars().count(), MAX_INPUT_CHARS);
    assert!(Filter::parse(&s).is_ok());
    // ... one more character is not.
    s.push(' ');
    assert_eq!(
        err(&s),
        QueryError::TooLong {
            length: MAX_INPUT_CHARS + 1,
            max: MAX_INPUT_CHARS
        }
    );
    // Counted in characters: 4096 two-byte characters are fine length-wise.
    let accents = format!("x = '{}'", "é".repeat(MAX_INPUT_CHARS - 6));
    assert_eq!(accents.chars().count(), MAX_INPUT_CHARS);
    assert!(Filter::parse(&accents).is_ok());
    // A huge body is refused without trouble.
    let huge = "(".repeat(10_000_000);
    assert!(matches!(
        err(&huge),
        QueryError::TooLong {
            length: 10_000_000,
            ..
        }
    ));
}

#[test]
fn nesting_depth_limit() {
    let nested = |n: usize| format!("{}a = 1{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(p(&nested(MAX_DEPTH)), num("a", CmpOp::Eq, 1.0));
    assert_eq!(
        err(&nested(MAX_DEPTH + 1)),
        QueryError::TooDeep {
            column: MAX_DEPTH + 1,
            max: MAX_DEPTH
        }
    );
    let nots = |n: usize| format!("{}a = 1", "not ".repeat(n));
    assert!(Filter::parse(&nots(MAX_DEPTH)).is_ok());
    assert_eq!(
        err(&nots(MAX_DEPTH + 1)),
        QueryError::TooDeep {
            column: 4 * MAX_DEPTH + 1,
            max: MAX_DEPTH
        }
    );
    // Brackets and `not` count together: 40 + 40 > 64.
    let mixed = format!("{}a = 1{}", "not (".repeat(40), ")".repeat(40));
    assert!(matches!(err(&mixed), QueryError::TooDeep { .. }));
    // Thousands of brackets: an error, not a stack overflow.
    assert!(matches!(
        err(&"(".repeat(4000)),
        QueryError::TooDeep { column: 65, .. }
    ));
    assert!(matches!(
        err(&"not ".repeat(1000)),
        QueryError::TooDeep { .. }
    ));
}

#[test]
fn longest_chain_is_handled_end_to_end() {
    // ~585 comparisons joined by `or` give a deep left-leaning tree; parse,
    // print, re-parse, evaluate and check must all cope.
    let mut s = "a=0".to_string();
    let mut n = 1;
    while s.len() + 7 <= MAX_INPUT_CHARS {
        s.push_str(&format!(" or a={}", n % 10));
        n += 1;
    }
    let f = Filter::parse(&s).unwrap();
    assert_eq!(f.fields(), vec!["a"]);
    assert!(f.matches(&Row::default().n("a", 9.0)));
    assert!(!f.matches(&Row::default().n("a", 10.0)));
    assert_eq!(f.evaluate(&Row::default()), Truth::Unknown);
    f.check(&[("a", FieldKind::Number)]).unwrap();
    // The canonical form adds spaces, so it may not fit the limit; compare trees
    // through an unlimited path instead: Display then the parser internals.
    let canonical = f.to_string();
    let chars: Vec<char> = canonical.chars().collect();
    let (back, _) = parser::parse(lexer::tokenize(&chars).unwrap()).unwrap();
    assert_eq!(&back, f.expr());
}

// ----------------------------------------------------------------- display

#[test]
fn canonical_form() {
    let cases = [
        (
            r#"NOT District IN ['Cotswold',"Stroud"]"#,
            r#"district not in ["Cotswold", "Stroud"]"#,
        ),
        ("(a == 1 or b=2) AND c>=3", "(a = 1 or b = 2) and c >= 3"),
        ("a = 1 or (b = 2 or c = 3)", "a = 1 or (b = 2 or c = 3)"),
        ("(a = 1 or b = 2) or c = 3", "a = 1 or b = 2 or c = 3"),
        ("a = 1 and (b = 2 and c = 3)", "a = 1 and (b = 2 and c = 3)"),
        ("a = 1 or (b = 2 and c = 3)", "a = 1 or b = 2 and c = 3"),
        ("not (a = 1 and b = 2)", "not (a = 1 and b = 2)"),
        ("not (not (a = 1))", "not not a = 1"),
        ("not (x in [1])", "x not in [1]"),
        ("not x not in [1]", "not x not in [1]"),
        ("((a = 1))", "a = 1"),
        ("x = null", "x = null"),
        ("x = 1e300", "x = 1e300"),
        ("x = 0.00001", "x = 1e-5"),
        ("x = -1e3", "x = -1000"),
        ("x = 1500.5", "x = 1500.5"),
        ("x = 0.000", "x = 0"),
        (r#"x = 'a"b\\c\n'"#, r#"x = "a\"b\\c\n""#),
        (r"x = 'bell\u{7}'", r#"x = "bell\u{7}""#),
    ];
    for (input, canonical) in cases {
        let f = Filter::parse(input).unwrap();
        assert_eq!(f.to_string(), canonical, "input {input:?}");
        assert_eq!(
            Filter::parse(canonical).unwrap(),
            f,
            "round trip of {input:?}"
        );
    }
}

// -------------------------------------------------------------- evaluation

fn gloucester_row() -> Row {
    Row::default()
        .t("code", "E01022333")
        .t("name", "Gloucester 013C")
        .t("district", "Gloucester")
        .n("imd_decile", 1.0)
        .n("idaci_decile", 3.0)
        .n("population", 1600.0)
        .n("children_income_deprived", 0.0)
        .n("gp_walk_min", 12.5)
}

#[test]
fn examples_evaluate_as_worked_out_by_hand() {
    let r = gloucester_row();
    let cases = [
        ("imd_decile <= 1", true),
        (r#"imd_decile <= 2 and district = "Gloucester""#, true),
        (
            "gp_walk_min > 45 and (imd_decile <= 2 or idaci_decile <= 2)",
            false,
        ),
        (r#"not district in ["Cotswold", "Stroud"]"#, true),
        (r#"code in ["E01022333", "E01022100"]"#, true),
        (r#"name != "Gloucester 010A""#, true),
        (
            "population >= 1500.5 and children_income_deprived > -1e3",
            true,
        ),
        ("population > 1600", false),
        ("population >= 1600", true),
        ("gp_walk_min = 12.5", true),
    ];
    for (f, want) in cases {
        assert_eq!(Filter::parse(f).unwrap().matches(&r), want, "{f}");
    }
}

#[test]
fn missing_values_are_unknown_never_zero() {
    let r = Row::default().n("a", 1.0);
    // If missing were 0, `b < 1` would be true and `b = 0` would be true.
    assert_eq!(truth("b < 1", &r), Truth::Unknown);
    assert_eq!(truth("b = 0", &r), Truth::Unknown);
    assert_eq!(truth("not b = 0", &r), Truth::Unknown);
    assert_eq!(truth("b != 5", &r), Truth::Unknown);
    assert_eq!(truth("b in [0, 1]", &r), Truth::Unknown);
    assert_eq!(truth("b not in [0, 1]", &r), Truth::Unknown);
    assert!(!Filter::parse("b < 1").unwrap().matches(&r));
    assert!(!Filter::parse("not b < 1").unwrap().matches(&r));
    // null tests are definite
    assert_eq!(truth("b = null", &r), Truth::True);
    assert_eq!(truth("b != null", &r), Truth::False);
    assert_eq!(truth("a = null", &r), Truth::False);
    assert_eq!(truth("a != null", &r), Truth::True);
    assert_eq!(truth("b in [5, null]", &r), Truth::True);
    assert_eq!(truth("a in [5, null]", &r), Truth::False);
    // Kleene logic: unknown or true = true, unknown and false = false.
    assert_eq!(truth("b < 1 or a = 1", &r), Truth::True);
    assert_eq!(truth("b < 1 or a = 2", &r), Truth::Unknown);
    assert_eq!(truth("b < 1 and a = 2", &r), Truth::False);
    assert_eq!(truth("b < 1 and a = 1", &r), Truth::Unknown);
    // A text value counts as present for null tests.
    let t = Row::default().t("name", "x");
    assert_eq!(truth("name = null", &t), Truth::False);
    // NaN is treated as missing.
    let nan = Row::default().n("a", f64::NAN);
    assert_eq!(truth("a = null", &nan), Truth::True);
    assert_eq!(truth("a < 1", &nan), Truth::Unknown);
}

#[test]
fn text_equality_ignores_ascii_case_only() {
    let r = Row::default().t("district", "Gloucester").t("name", "CAFÉ");
    assert_eq!(truth("district = 'gloucester'", &r), Truth::True);
    assert_eq!(truth("district = 'GLOUCESTER'", &r), Truth::True);
    assert_eq!(truth("district != 'gloucester'", &r), Truth::False);
    assert_eq!(
        truth("district in ['stroud', 'GLOUCESTER']", &r),
        Truth::True
    );
    assert_eq!(
        truth("district not in ['stroud', 'gloucester']", &r),
        Truth::False
    );
    assert_eq!(truth("district = 'Gloucester '", &r), Truth::False);
    // Only ASCII letters fold: "É" and "é" differ.
    assert_eq!(truth("name = 'café'", &r), Truth::False);
    assert_eq!(truth("name = 'cafÉ'", &r), Truth::True);
    // No ordering on text, and no cross-kind comparison.
    assert_eq!(truth("district < 'H'", &r), Truth::Unknown);
    assert_eq!(truth("district = 1", &r), Truth::Unknown);
    let n = Row::default().n("imd_decile", 1.0);
    assert_eq!(truth("imd_decile = '1'", &n), Truth::Unknown);
}

#[test]
fn number_comparisons() {
    let r = Row::default().n("x", -0.0).n("y", 2.5);
    assert_eq!(truth("x = 0", &r), Truth::True); // -0 equals 0
    assert_eq!(
        truth("y > 2.4999 and y < 2.5001 and y <= 2.5 and y >= 2.5", &r),
        Truth::True
    );
    assert_eq!(truth("y != 2.5", &r), Truth::False);
    assert_eq!(truth("y < -1e3", &r), Truth::False);
}

#[test]
fn truth_tables() {
    use Truth::*;
    let all = [True, False, Unknown];
    for a in all {
        for b in all {
            // Kleene logic via the numeric encoding False=0, Unknown=1, True=2:
            // and = min, or = max, not = 2 - x.
            let enc = |t: Truth| match t {
                False => 0,
                Unknown => 1,
                True => 2,
            };
            assert_eq!(enc(a.and(b)), enc(a).min(enc(b)), "{a:?} and {b:?}");
            assert_eq!(enc(a.or(b)), enc(a).max(enc(b)), "{a:?} or {b:?}");
        }
        assert_eq!(enc_not(a), !a);
    }
    fn enc_not(t: Truth) -> Truth {
        match t {
            True => False,
            False => True,
            Unknown => Unknown,
        }
    }
}

// --------------------------------------------------------- schema checking

const SCHEMA: [(&str, FieldKind); 6] = [
    ("imd_decile", FieldKind::Number),
    ("idaci_decile", FieldKind::Number),
    ("gp_walk_min", FieldKind::Number),
    ("district", FieldKind::Text),
    ("code", FieldKind::Text),
    ("name", FieldKind::Text),
];

fn check_err(s: &str) -> QueryError {
    Filter::parse(s).unwrap().check(&SCHEMA).unwrap_err()
}

#[test]
fn valid_filters_pass_the_check() {
    for f in [
        "imd_decile <= 2 and district = 'Gloucester'",
        "gp_walk_min = null or district != null",
        "code in ['E01022333', null]",
        "not imd_decile in [1, 2]",
    ] {
        Filter::parse(f).unwrap().check(&SCHEMA).unwrap();
    }
}

#[test]
fn unknown_fields_with_suggestions() {
    let e = check_err("district = 'x' and imd_decil <= 1");
    assert_eq!(
        e,
        QueryError::UnknownField {
            field: "imd_decil".into(),
            column: 20,
            suggestion: Some("imd_decile".into())
        }
    );
    assert_eq!(
        e.to_string(),
        "column 20: unknown field `imd_decil`; did you mean imd_decile?"
    );
    assert_eq!(
        check_err("population > 5"),
        QueryError::UnknownField {
            field: "population".into(),
            column: 1,
            suggestion: None
        }
    );
    assert_eq!(
        check_err("population > 5").to_string(),
        "column 1: unknown field `population`"
    );
}

#[test]
fn type_mismatches_point_at_the_culprit() {
    // Text field with a number: the value's column.
    let e = check_err("district = 3");
    assert_eq!(
        e,
        QueryError::TypeMismatch {
            field: "district".into(),
            column: 12,
            kind: FieldKind::Text,
            found: "the number 3".into()
        }
    );
    assert_eq!(
        e.to_string(),
        "column 12: field `district` holds text and cannot be used with the number 3"
    );
    // `<` on text: the operator's column.
    assert_eq!(
        check_err("district < 'M'"),
        QueryError::TypeMismatch {
            field: "district".into(),
            column: 10,
            kind: FieldKind::Text,
            found: "`<`".into()
        }
    );
    // Number field with text, inside a list: that item's column.
    assert_eq!(
        check_err("imd_decile in [1, '2']"),
        QueryError::TypeMismatch {
            field: "imd_decile".into(),
            column: 19,
            kind: FieldKind::Number,
            found: "the text \"2\"".into()
        }
    );
    // The leftmost problem wins.
    assert!(matches!(
        check_err("district = 3 and nope = 1"),
        QueryError::TypeMismatch { column: 12, .. }
    ));
}

#[test]
fn trees_built_in_code_report_canonical_columns() {
    let f = Filter::from(Expr::and(
        num("imd_decile", CmpOp::Le, 2.0),
        Expr::compare("gp_walk_min", CmpOp::Lt, Value::Null),
    ));
    // canonical: "imd_decile <= 2 and gp_walk_min < null"; `<` is column 33.
    assert_eq!(f.to_string(), "imd_decile <= 2 and gp_walk_min < null");
    assert_eq!(
        f.check(&SCHEMA).unwrap_err(),
        QueryError::TypeMismatch {
            field: "gp_walk_min".into(),
            column: 33,
            kind: FieldKind::Number,
            found: "`< null`".into()
        }
    );
    let g = Filter::from(Expr::negate(Expr::is_in("distrct", texts(&["a"]))));
    assert_eq!(g.to_string(), r#"distrct not in ["a"]"#);
    assert_eq!(
        g.check(&SCHEMA).unwrap_err(),
        QueryError::UnknownField {
            field: "distrct".into(),
            column: 1,
            suggestion: Some("district".into())
        }
    );
}

#[test]
fn schema_impls_agree() {
    let map: std::collections::BTreeMap<String, FieldKind> =
        SCHEMA.iter().map(|(n, k)| (n.to_string(), *k)).collect();
    let f = Filter::parse("district < 'x'").unwrap();
    assert_eq!(f.check(&map), f.check(&SCHEMA));
    assert_eq!(f.check(&SCHEMA[..]), f.check(&SCHEMA));
}

#[test]
fn fields_are_distinct_in_order_of_use() {
    let f = Filter::parse("b = 1 and (a = 2 or b = 3) and not c in [1] and a = null").unwrap();
    assert_eq!(f.fields(), vec!["b", "a", "c"]);
}

// ----------------------------------------------------------------- sorting

#[test]
fn sort_key_forms() {
    assert_eq!(
        SortKey::parse("imd_rank").unwrap(),
        SortKey::ascending("imd_rank")
    );
    assert_eq!(
        SortKey::parse("imd_rank:desc").unwrap(),
        SortKey::descending("imd_rank")
    );
    assert_eq!(
        SortKey::parse("imd_rank:ASC").unwrap(),
        SortKey::ascending("imd_rank")
    );
    assert_eq!(
        SortKey::parse("-imd_rank").unwrap(),
        SortKey::descending("imd_rank")
    );
    assert_eq!(
        SortKey::parse("+imd_rank").unwrap(),
        SortKey::ascending("imd_rank")
    );
    assert_eq!(
        SortKey::parse("  -IMD_Rank ").unwrap(),
        SortKey::descending("imd_rank")
    );
    for k in [SortKey::ascending("a_b"), SortKey::descending("c")] {
        assert_eq!(SortKey::parse(&k.to_string()).unwrap(), k);
    }
}

#[test]
fn sort_key_errors() {
    let cases = [
        ("", syntax(1, "a field name to sort by", "end of input")),
        ("-", syntax(2, "a field name to sort by", "end of input")),
        ("1abc", syntax(1, "a field name to sort by", "`1`")),
        (
            "imd_rank:down",
            syntax(10, "`asc` or `desc` after `:`", "`down`"),
        ),
        (
            "imd_rank:",
            syntax(10, "`asc` or `desc` after `:`", "end of input"),
        ),
        (
            "-imd_rank:desc",
            syntax(
                10,
                "end of sort key (the leading sign already gives the direction)",
                "`:desc`",
            ),
        ),
        (
            "imd rank",
            syntax(5, "`:asc`, `:desc` or end of sort key", "`r`"),
        ),
        (
            "imd_rank:desc x",
            syntax(15, "`:asc`, `:desc` or end of sort key", "`x`"),
        ),
        ("dé", syntax(2, "`:asc`, `:desc` or end of sort key", "`é`")),
    ];
    for (input, expected) in cases {
        assert_eq!(SortKey::parse(input).unwrap_err(), expected, "{input:?}");
    }
    assert!(matches!(
        SortKey::parse(&"a".repeat(MAX_INPUT_CHARS + 1)),
        Err(QueryError::TooLong { .. })
    ));
    assert_eq!(
        SortKey::parse("imd_rnk")
            .unwrap()
            .check(&[("imd_rank", FieldKind::Number)]),
        Err(QueryError::UnknownField {
            field: "imd_rnk".into(),
            column: 1,
            suggestion: Some("imd_rank".into())
        })
    );
}

#[test]
fn sorting_puts_missing_last_both_ways() {
    let rows = [
        Row::default().n("v", 3.0).n("id", 0.0),
        Row::default().n("id", 1.0),
        Row::default().n("v", -1.0).n("id", 2.0),
        Row::default().n("v", 10.0).n("id", 3.0),
        Row::default().n("v", f64::NAN).n("id", 4.0),
        Row::default().n("v", 3.0).n("id", 5.0),
    ];
    let order = |key: &str| {
        let key = SortKey::parse(key).unwrap();
        let mut idx: Vec<usize> = (0..rows.len()).collect();
        idx.sort_by(|&a, &b| key.compare(&rows[a], &rows[b]));
        idx
    };
    // Stable sort: ties (rows 0 and 5; missing rows 1 and 4) keep input order.
    assert_eq!(order("v"), vec![2, 0, 5, 3, 1, 4]);
    assert_eq!(order("-v"), vec![3, 0, 5, 2, 1, 4]);
}

#[test]
fn sorting_text_and_mixed() {
    let rows = [
        Row::default().t("n", "beta"),
        Row::default().t("n", "Alpha"),
        Row::default(),
        Row::default().t("n", "alpha"),
        Row::default().n("n", 5.0),
    ];
    let key = SortKey::ascending("n");
    let desc = SortKey::descending("n");
    // Numbers before text, case-folded text order with exact order as tie-break
    // ("Alpha" < "alpha" because 'A' < 'a'), missing last.
    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by(|&a, &b| key.compare(&rows[a], &rows[b]));
    assert_eq!(idx, vec![4, 1, 3, 0, 2]);
    idx.sort_by(|&a, &b| desc.compare(&rows[a], &rows[b]));
    assert_eq!(idx, vec![0, 3, 1, 4, 2]);
    assert_eq!(key.compare(&rows[2], &rows[2]), Ordering::Equal);
}
