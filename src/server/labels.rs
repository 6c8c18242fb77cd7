//! `/api/labels`: place names for the map (districts, wards, LSOAs) as GeoJSON points, made once
//! per vintage on first use. A request chooses the kinds and, optionally, a box: the page loads the few
//! district and ward names at start and LSOA names only for the view it shows close in, so a
//! national map never ships tens of thousands of names up front.

use super::error::{ApiError, ApiResult, Params};
use super::state::AppState;
use super::vintage::{InVintage, VintageQuery};
use crate::model::labels::LonLatBox;
use crate::model::{ErrorBody, LabelCollection, LabelKind};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// The query string of `/api/labels`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LabelQuery {
    /// Kinds of label, comma-separated: `district`, `ward`, `lsoa` (default: all three).
    #[param(example = "district,ward")]
    #[serde(default)]
    pub kind: Option<String>,
    /// Only labels whose point lies in this box: `west,south,east,north` in degrees (default:
    /// the whole region).
    #[param(example = "-2.30,51.83,-2.19,51.89")]
    #[serde(default)]
    pub bbox: Option<String>,
}

/// The kinds and box asked for; a mistake is a 400 naming the parameter.
pub fn parse(q: &LabelQuery) -> ApiResult<(Vec<LabelKind>, Option<LonLatBox>)> {
    let mut kinds = Vec::new();
    for piece in q.kind.as_deref().unwrap_or("").split(',') {
        if piece.trim().is_empty() {
            continue;
        }
        let k: LabelKind = piece.parse().map_err(ApiError::bad_request)?;
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    if kinds.is_empty() {
        kinds = LabelKind::ALL.to_vec();
    }
    let within = match q.bbox.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(b) => Some(b.parse::<LonLatBox>().map_err(ApiError::bad_request)?),
    };
    Ok((kinds, within))
}

#[utoipa::path(
    get,
    path = "/api/labels",
    tag = "areas",
    summary = "Place-name label points: districts, wards (when their boundaries are in the data directory) and LSOAs, by kind and box",
    params(LabelQuery, VintageQuery),
    responses(
        (status = 200, body = LabelCollection, content_type = "application/geo+json"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown `kind`, malformed `bbox` or unknown vintage; the message names the parameter", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
    )
)]
pub async fn list(
    State(s): State<Arc<AppState>>,
    InVintage(v): InVintage,
    Params(q): Params<LabelQuery>,
) -> ApiResult<Response> {
    let (kinds, within) = parse(&q)?;
    let mut res = Json(v.labels(&s.wards).select(&kinds, within)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(res)
}
