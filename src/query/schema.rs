//! Checking a filter against the fields a data set actually has, so that a
//! typo gives "unknown field `imd_decil`; did you mean imd_decile?" instead of
//! silently matching nothing.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::ast::{Expr, LeafSpan, Value};
use super::error::QueryError;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// Numbers: comparable with every operator.
    Number,
    /// Text: only `=`, `!=` and `in`.
    Text,
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FieldKind::Number => "numbers",
            FieldKind::Text => "text",
        })
    }
}

/// The fields a filter may use. Names are lower case (the parser lower-cases
/// what users type).
pub trait Schema {
    /// The kind of `name`, or `None` if there is no such field.
    fn field_kind(&self, name: &str) -> Option<FieldKind>;
    /// Every field name, for "did you mean" suggestions.
    fn field_names(&self) -> Vec<String>;
}

impl<S: Schema + ?Sized> Schema for &S {
    fn field_kind(&self, name: &str) -> Option<FieldKind> {
        (**self).field_kind(name)
    }
    fn field_names(&self) -> Vec<String> {
        (**self).field_names()
    }
}

impl Schema for [(&str, FieldKind)] {
    fn field_kind(&self, name: &str) -> Option<FieldKind> {
        self.iter().find(|(n, _)| *n == name).map(|(_, k)| *k)
    }
    fn field_names(&self) -> Vec<String> {
        self.iter().map(|(n, _)| n.to_string()).collect()
    }
}

impl<const N: usize> Schema for [(&str, FieldKind); N] {
    fn field_kind(&self, name: &str) -> Option<FieldKind> {
        self.as_slice().field_kind(name)
    }
    fn field_names(&self) -> Vec<String> {
        self.as_slice().field_names()
    }
}

impl Schema for BTreeMap<String, FieldKind> {
    fn field_kind(&self, name: &str) -> Option<FieldKind> {
        self.get(name).copied()
    }
    fn field_names(&self) -> Vec<String> {
        self.keys().cloned().collect()
    }
}

impl<H: std::hash::BuildHasher> Schema for HashMap<String, FieldKind, H> {
    fn field_kind(&self, name: &str) -> Option<FieldKind> {
        self.get(name).copied()
    }
    fn field_names(&self) -> Vec<String> {
        self.keys().cloned().collect()
    }
}

/// Checks every leaf of `expr` (whose columns are `spans`, left to right) and
/// returns the first problem from the left.
pub(crate) fn check<S: Schema + ?Sized>(
    expr: &Expr,
    spans: &[LeafSpan],
    schema: &S,
) -> Result<(), QueryError> {
    let leaves = expr.leaves();
    debug_assert_eq!(leaves.len(), spans.len());
    for (leaf, span) in leaves.into_iter().zip(spans) {
        match leaf {
            Expr::Compare { field, op, value } => {
                let kind = known_field(field, span.field, schema)?;
                let mismatch = |column, found| QueryError::TypeMismatch {
                    field: field.clone(),
                    column,
                    kind,
                    found,
                };
                match value {
                    // Built in code only: the parser refuses `< null`.
                    Value::Null if !op.is_equality() => {
                        return Err(mismatch(span.op, format!("`{op} null`")))
                    }
                    Value::Null => {}
                    v => {
                        if !fits(kind, v) {
                            return Err(mismatch(span.values[0], v.describe()));
                        }
                        if kind == FieldKind::Text && !op.is_equality() {
                            return Err(mismatch(span.op, format!("`{op}`")));
                        }
                    }
                }
            }
            Expr::In { field, values } => {
                let kind = known_field(field, span.field, schema)?;
                for (v, &column) in values.iter().zip(&span.values) {
                    if !fits(kind, v) {
                        return Err(QueryError::TypeMismatch {
                            field: field.clone(),
                            column,
                            kind,
                            found: v.describe(),
                        });
                    }
                }
            }
            _ => unreachable!("leaves() yields only comparisons and memberships"),
        }
    }
    Ok(())
}

fn fits(kind: FieldKind, v: &Value) -> bool {
    matches!(
        (kind, v),
        (_, Value::Null)
            | (FieldKind::Number, Value::Number(_))
            | (FieldKind::Text, Value::Text(_))
    )
}

pub(crate) fn known_field<S: Schema + ?Sized>(
    field: &str,
    column: usize,
    schema: &S,
) -> Result<FieldKind, QueryError> {
    schema
        .field_kind(field)
        .ok_or_else(|| QueryError::UnknownField {
            field: field.to_string(),
            column,
            suggestion: suggest(field, &schema.field_names()),
        })
}

/// The known name closest to `typed` by edit distance, if it is close enough
/// to be a plausible typo (1 edit for short names, up to a third of the
/// length for longer ones). Ties go to the alphabetically first name.
pub(crate) fn suggest(typed: &str, names: &[String]) -> Option<String> {
    let len = typed.chars().count();
    let limit = if len <= 3 { 1 } else { (len / 3).max(2) };
    names
        .iter()
        .map(|n| (levenshtein(typed, n), n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n.clone())
}

/// Edit distance (insertions, deletions, substitutions) counted in characters.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != cb);
            cur[j + 1] = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_known_values() {
        // Worked by hand: kitten → sitting is the textbook 3.
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("abc", ""), 3);
        assert_eq!(levenshtein("imd_decil", "imd_decile"), 1);
        assert_eq!(levenshtein("café", "cafe"), 1);
    }

    #[test]
    fn suggestions_only_for_close_names() {
        let names: Vec<String> = ["imd_decile", "idaci_decile", "district", "gp_walk_min"]
            .map(String::from)
            .to_vec();
        assert_eq!(suggest("imd_decil", &names).as_deref(), Some("imd_decile"));
        assert_eq!(suggest("distrct", &names).as_deref(), Some("district"));
        assert_eq!(
            suggest("idaci_dcile", &names).as_deref(),
            Some("idaci_decile")
        );
        assert_eq!(suggest("population", &names), None);
        assert_eq!(suggest("xy", &names), None);
    }
}
