//! Evaluating a filter against one area's values, with SQL-style
//! three-valued logic.
//!
//! Missing values are never treated as 0: a comparison that needs a value the
//! record does not have is [`Truth::Unknown`], and only [`Truth::True`]
//! selects a row. So `gp_walk_min > 45` and `not gp_walk_min > 45` both leave
//! out areas with no walking time, and `gp_walk_min = null` finds them.

use std::cmp::Ordering;

use super::ast::{CmpOp, Expr, Value};

/// One row's values, looked up by lower-case field name.
///
/// Return `None` when the row has no value of that kind for the field (a
/// number field asked for text, or a missing value). A `NaN` number is
/// treated as missing.
pub trait Record {
    /// The field's numeric value.
    fn number(&self, field: &str) -> Option<f64>;
    /// The field's text value.
    fn text(&self, field: &str) -> Option<&str>;
}

impl<R: Record + ?Sized> Record for &R {
    fn number(&self, field: &str) -> Option<f64> {
        (**self).number(field)
    }
    fn text(&self, field: &str) -> Option<&str> {
        (**self).text(field)
    }
}

/// The result of a condition under three-valued logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Truth {
    /// Definitely holds.
    True,
    /// Definitely does not hold.
    False,
    /// Cannot be decided because a value is missing (or the comparison makes
    /// no sense for the value's kind, e.g. `<` on text).
    Unknown,
}

impl Truth {
    /// `true` → `True`, `false` → `False`.
    pub fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    /// Kleene `and`: `False` wins over `Unknown`.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Kleene `or`: `True` wins over `Unknown`.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// `Some(bool)` for a definite answer.
    pub fn definite(self) -> Option<bool> {
        match self {
            Truth::True => Some(true),
            Truth::False => Some(false),
            Truth::Unknown => None,
        }
    }
}

impl std::ops::Not for Truth {
    type Output = Truth;
    /// `not Unknown` is `Unknown`.
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

fn number_of<R: Record + ?Sized>(r: &R, field: &str) -> Option<f64> {
    r.number(field).filter(|x| !x.is_nan())
}

fn is_missing<R: Record + ?Sized>(r: &R, field: &str) -> bool {
    number_of(r, field).is_none() && r.text(field).is_none()
}

/// `field op value` for one row.
fn compare<R: Record + ?Sized>(r: &R, field: &str, op: CmpOp, value: &Value) -> Truth {
    match value {
        Value::Null => match op {
            CmpOp::Eq => Truth::from_bool(is_missing(r, field)),
            CmpOp::Ne => Truth::from_bool(!is_missing(r, field)),
            _ => Truth::Unknown,
        },
        Value::Number(v) => match number_of(r, field) {
            // Neither side is NaN, so partial_cmp always answers.
            Some(x) => x
                .partial_cmp(v)
                .map_or(Truth::Unknown, |o| Truth::from_bool(op.holds(o))),
            None => Truth::Unknown,
        },
        Value::Text(v) => match r.text(field) {
            // Text is only tested for (in)equality; names are typed by people,
            // so "gloucester" finds "Gloucester".
            Some(x) if op.is_equality() => {
                let same = x.eq_ignore_ascii_case(v);
                Truth::from_bool(op.holds(if same {
                    Ordering::Equal
                } else {
                    Ordering::Less
                }))
            }
            _ => Truth::Unknown,
        },
    }
}

/// Evaluates `e` for one row.
pub(crate) fn evaluate<R: Record + ?Sized>(e: &Expr, r: &R) -> Truth {
    match e {
        Expr::Or(a, b) => match evaluate(a, r) {
            Truth::True => Truth::True,
            left => left.or(evaluate(b, r)),
        },
        Expr::And(a, b) => match evaluate(a, r) {
            Truth::False => Truth::False,
            left => left.and(evaluate(b, r)),
        },
        Expr::Not(a) => !evaluate(a, r),
        Expr::Compare { field, op, value } => compare(r, field, *op, value),
        Expr::In { field, values } => {
            let mut acc = Truth::False;
            for v in values {
                acc = acc.or(compare(r, field, CmpOp::Eq, v));
                if acc == Truth::True {
                    break;
                }
            }
            acc
        }
    }
}
