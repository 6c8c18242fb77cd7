//! Errors of the filter language.
//!
//! Every error that comes from a place in the text carries the 1-based
//! *character* column (not byte offset) so that a web form or terminal can put a
//! caret under the mistake, also when the text holds "Café" or "Ynys Môn".

use thiserror::Error;

use super::schema::FieldKind;

/// What went wrong with a filter or sort key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryError {
    /// The text does not follow the grammar.
    #[error("column {column}: expected {expected} but found {found}")]
    Syntax {
        /// 1-based character column of the offending token.
        column: usize,
        /// What the grammar allowed there, in words.
        expected: String,
        /// What was there instead (`end of input` at the end).
        found: String,
    },
    /// The input is longer than [`MAX_INPUT_CHARS`](super::MAX_INPUT_CHARS).
    #[error("the filter is {length} characters long; at most {max} are allowed")]
    TooLong {
        /// Length of the input in characters.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// Brackets and `not` are nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    #[error("column {column}: brackets and `not` are nested more than {max} deep")]
    TooDeep {
        /// Column of the `(` or `not` that went over the limit.
        column: usize,
        /// The limit.
        max: usize,
    },
    /// A field the schema does not know (found by [`Filter::check`](super::Filter::check)).
    #[error("column {column}: unknown field `{field}`{}", did_you_mean(.suggestion))]
    UnknownField {
        /// The field as written (lower-cased).
        field: String,
        /// Column where the field name starts.
        column: usize,
        /// The closest known field, if one is close enough to be a likely typo.
        suggestion: Option<String>,
    },
    /// A value or operator that cannot apply to the field's kind, e.g. a text
    /// field compared with a number, or `<` on text.
    #[error("column {column}: field `{field}` holds {kind} and cannot be used with {found}")]
    TypeMismatch {
        /// The field being compared.
        field: String,
        /// Column of the offending value or operator.
        column: usize,
        /// The field's kind according to the schema.
        kind: FieldKind,
        /// The offending value or operator, in words.
        found: String,
    },
}

impl QueryError {
    /// The 1-based character column the error points at, if it points at one
    /// (the HTTP API returns it beside the message).
    pub fn column(&self) -> Option<usize> {
        match self {
            QueryError::Syntax { column, .. }
            | QueryError::TooDeep { column, .. }
            | QueryError::UnknownField { column, .. }
            | QueryError::TypeMismatch { column, .. } => Some(*column),
            QueryError::TooLong { .. } => None,
        }
    }
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean {s}?"),
        None => String::new(),
    }
}
