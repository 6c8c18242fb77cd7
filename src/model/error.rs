//! The error body every endpoint answers with.

use serde::Serialize;
use utoipa::ToSchema;

/// `{ "error": kind, "detail": sentence, "column"?: n }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable kind: `bad_filter`, `bad_request`, `not_found`, `timeout`, ...
    pub error: String,
    /// What was wrong, in a sentence.
    pub detail: String,
    /// 1-based column of a filter mistake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}
