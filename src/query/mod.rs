//! A small filter language for choosing areas, shared by the CLI and the HTTP
//! API (`?where=`), e.g.
//!
//! ```text
//! imd_decile <= 2 and district = "Gloucester"
//! gp_walk_min > 45 and (imd_decile <= 2 or idaci_decile <= 2)
//! not district in ["Cotswold", "Stroud"]
//! gp_walk_min = null
//! ```
//!
//! * **Grammar.** `or` of `and`s of `not`s of primaries; a primary is a
//!   bracketed expression, `field op value` (`= == != < <= > >=`) or
//!   `field [not] in [v, ...]`. Values are numbers (`3`, `-1.5`, `2e3`),
//!   double- or single-quoted text with backslash escapes (`\\ \" \' \n \t \r
//!   \u{e9}`), or `null`. Keywords (`and or not in null`) and field names are
//!   case-insensitive; field names are normalised to lower case.
//! * **Missing values are never treated as 0.** Evaluation uses SQL-style
//!   three-valued logic ([`Truth`]): a comparison with a missing value is
//!   unknown, `not unknown` is unknown, and a row matches only when the filter
//!   is definitely true. `= null` / `!= null` test for missing values.
//! * **Text equality ignores ASCII case** (`district = "gloucester"` finds
//!   "Gloucester"), for `=`, `!=` and `in` alike; text has no ordering here
//!   (`<` on text is a [`QueryError::TypeMismatch`]).
//! * **Limits.** At most [`MAX_INPUT_CHARS`] characters and [`MAX_DEPTH`]
//!   nested brackets/`not`s, so hostile input gets an error, never a stack
//!   overflow.
//! * **Errors** name the 1-based character column, what was expected and
//!   what was found: `column 14: expected a value (number, "text" or null)
//!   but found end of input`.

mod ast;
mod error;
mod eval;
mod lexer;
mod parser;
mod schema;
mod sort;

use std::fmt;

pub use ast::{CmpOp, Expr, Value};
pub use error::QueryError;
pub use eval::{Record, Truth};
pub(crate) use schema::levenshtein;
pub use schema::{FieldKind, Schema};
pub use sort::SortKey;

use ast::{LeafSpan, Render};

/// Longest accepted filter or sort key, in characters.
pub const MAX_INPUT_CHARS: usize = 4096;

/// Deepest accepted nesting of `(` and `not`.
pub const MAX_DEPTH: usize = 64;

/// A parsed filter: the syntax tree plus where each comparison sits in the
/// text, so that [`Filter::check`] can point at mistakes.
///
/// Equality compares the trees only, so a filter equals the one parsed from
/// its own [`Display`](fmt::Display) output.
#[derive(Clone)]
pub struct Filter {
    expr: Expr,
    /// Columns of each leaf of `expr`, left to right.
    spans: Vec<LeafSpan>,
}

impl Filter {
    /// Parses filter text (see the module docs for the language).
    pub fn parse(s: &str) -> Result<Filter, QueryError> {
        // Cheap byte bound first so a huge body is not copied into chars.
        let length = if s.len() > MAX_INPUT_CHARS * 4 {
            s.chars().count()
        } else {
            let chars: Vec<char> = s.chars().collect();
            if chars.len() <= MAX_INPUT_CHARS {
                let (expr, spans) = parser::parse(lexer::tokenize(&chars)?)?;
                return Ok(Filter { expr, spans });
            }
            chars.len()
        };
        Err(QueryError::TooLong {
            length,
            max: MAX_INPUT_CHARS,
        })
    }

    /// The syntax tree.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// Gives up the column information and returns the tree.
    pub fn into_expr(self) -> Expr {
        self.expr
    }

    /// Checks field names and kinds against `schema`; reports the leftmost
    /// problem. Columns refer to the parsed text (or, for a filter built with
    /// `From<Expr>`, to its canonical form).
    pub fn check<S: Schema + ?Sized>(&self, schema: &S) -> Result<(), QueryError> {
        schema::check(&self.expr, &self.spans, schema)
    }

    /// Three-valued result for one row.
    pub fn evaluate<R: Record + ?Sized>(&self, r: &R) -> Truth {
        eval::evaluate(&self.expr, r)
    }

    /// Whether the row is selected: only a definite `True` counts, so rows
    /// with missing values are left out unless the filter asks for `null`.
    pub fn matches<R: Record + ?Sized>(&self, r: &R) -> bool {
        self.evaluate(r) == Truth::True
    }

    /// The distinct fields the filter refers to, in order of first use.
    pub fn fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for leaf in self.expr.leaves() {
            let (Expr::Compare { field, .. } | Expr::In { field, .. }) = leaf else {
                continue;
            };
            if !out.contains(&field.as_str()) {
                out.push(field);
            }
        }
        out
    }
}

impl From<Expr> for Filter {
    /// Wraps a tree built in code; columns in errors then refer to the
    /// canonical text (`filter.to_string()`).
    fn from(expr: Expr) -> Filter {
        let mut spans = Vec::new();
        let mut sink = String::new();
        // Writing to a String cannot fail.
        let _ = Render::new(&mut sink, Some(&mut spans)).expr(&expr, 0);
        Filter { expr, spans }
    }
}

impl PartialEq for Filter {
    fn eq(&self, other: &Filter) -> bool {
        self.expr == other.expr
    }
}

impl fmt::Debug for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Filter").field(&self.expr).finish()
    }
}

impl fmt::Display for Filter {
    /// The canonical form (see [`Expr`]'s `Display`); it parses back to an
    /// equal filter as long as it fits within [`MAX_INPUT_CHARS`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}

impl std::str::FromStr for Filter {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Filter::parse(s)
    }
}

#[cfg(test)]
mod tests;
