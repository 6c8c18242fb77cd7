//! API errors: one JSON body ([`ErrorBody`]) with a fitting status, whatever went wrong.

use crate::atlas::AtlasError;
use crate::model::ErrorBody;
use crate::query::QueryError;
use crate::tiles::TileError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

/// An error answer: a status and the JSON body.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, error: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                detail: detail.into(),
                column: None,
            },
        }
    }
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }
    pub fn internal(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }
    /// The request ran out of time ([`super::Limits::request_timeout`]); its work was cancelled.
    pub fn timeout() -> ApiError {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            "the answer took too long and was abandoned; try a narrower request",
        )
    }

    /// The error kind for a bare status (a tower-http layer's answer without a body).
    pub fn for_status(status: StatusCode) -> ApiError {
        let (error, detail) = match status {
            StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => {
                return ApiError::timeout()
            }
            StatusCode::PAYLOAD_TOO_LARGE => (
                "payload_too_large",
                format!(
                    "request bodies are limited to {} bytes; this API only reads",
                    super::MAX_BODY_BYTES
                ),
            ),
            StatusCode::METHOD_NOT_ALLOWED => (
                "method_not_allowed",
                "this service is read-only: use GET".to_string(),
            ),
            StatusCode::NOT_FOUND => ("not_found", "no such page or file".to_string()),
            s if s.is_server_error() => ("internal", format!("the server could not answer ({s})")),
            s => ("bad_request", format!("the request was refused ({s})")),
        };
        ApiError::new(status, error, detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CACHE_CONTROL, "no-store")],
            Json(self.body),
        )
            .into_response()
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        let mut err = ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", e.to_string());
        err.body.column = e.column();
        err
    }
}

impl From<AtlasError> for ApiError {
    fn from(e: AtlasError) -> ApiError {
        match e {
            AtlasError::UnknownArea(_)
            | AtlasError::PostcodeNotFound(_)
            | AtlasError::OutsideRegion { .. } => ApiError::not_found(e.to_string()),
            AtlasError::Postcode(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_postcode", e.to_string())
            }
            // A map, point or distance of a vintage built without boundaries: absent, with why.
            AtlasError::BoundariesMissing(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "no_boundaries", e.to_string())
            }
            other => {
                tracing::error!(error = %other, "data error while answering");
                ApiError::internal("the server could not read its data; see its log")
            }
        }
    }
}

impl From<TileError> for ApiError {
    fn from(e: TileError) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_tile", e.to_string())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError::bad_request(format!(
            "the query string could not be read: {}",
            e.body_text()
        ))
    }
}

impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> ApiError {
        ApiError::bad_request(format!("the path could not be read: {}", e.body_text()))
    }
}

/// `Query<T>` whose rejection is our JSON 400 (axum's own is plain text).
#[derive(Debug, Clone, Copy, Default)]
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(Params(
            Query::<T>::from_request_parts(parts, state).await?.0,
        ))
    }
}

/// `Path<T>` whose rejection is our JSON 400.
#[derive(Debug, Clone, Copy, Default)]
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Ok(PathParams(
            Path::<T>::from_request_parts(parts, state).await?.0,
        ))
    }
}
