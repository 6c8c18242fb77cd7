//! `/glyphs/{fontstack}/{range}.pbf`: the map's label fonts, made here from a packaged font (see
//! [`crate::tiles::glyphs`]) so the page needs no font server.

use super::error::{ApiError, ApiResult, PathParams};
use super::state::AppState;
use super::work::blocking;
use crate::model::ErrorBody;
use crate::tiles::glyphs::{parse_range, GlyphError, Glyphs};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

impl From<GlyphError> for ApiError {
    fn from(e: GlyphError) -> ApiError {
        match e {
            GlyphError::BadRange(_) => ApiError::bad_request(e.to_string()),
            GlyphError::UnknownFont(_) => ApiError::not_found(e.to_string()),
            GlyphError::Font { .. } => {
                tracing::error!(error = %e, "label font unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "font_unavailable",
                    e.to_string(),
                )
            }
        }
    }
}

/// One range of 256 glyphs. axum matches `{range}` with its `.pbf`, so the handler strips it; the
/// document names the full path (see `routes_with_suffix`).
#[utoipa::path(
    get,
    path = "/glyphs/{fontstack}/{range}.pbf",
    tag = "tiles",
    summary = "Label glyphs (MapLibre SDF protobuf) made from the packaged DejaVu fonts",
    params(
        ("fontstack" = String, Path, description = "Comma-separated font names; the first served one is used: `DejaVu Sans` or `DejaVu Sans Bold`"),
        ("range" = String, Path, description = "Code points START-END, 256 of them, e.g. 0-255"),
    ),
    responses(
        (status = 200, description = "Glyph protobuf", content_type = "application/x-protobuf"),
        (status = 400, description = "Bad range", body = ErrorBody),
        (status = 404, description = "No served font in the stack", body = ErrorBody),
        (status = 503, description = "The font file is missing on the server", body = ErrorBody),
    )
)]
pub async fn range(
    State(s): State<Arc<AppState>>,
    PathParams((stack, range)): PathParams<(String, String)>,
) -> ApiResult<Response> {
    let Some(range) = range.strip_suffix(".pbf") else {
        return Err(ApiError::not_found(
            "glyphs are served as /glyphs/{fontstack}/{range}.pbf",
        ));
    };
    let start = parse_range(range)?;
    Glyphs::font_of(&stack)?;
    let state = s.clone();
    let pbf = blocking(&s, move |_| Ok(state.glyphs.range(&stack, start)?)).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-protobuf"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        Body::from(pbf.as_ref().clone()),
    )
        .into_response())
}
