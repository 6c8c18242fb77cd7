//! `/api/labels`: place names for the map (districts, wards, LSOAs) as GeoJSON points, made at
//! start-up.

use super::constant;
use super::state::AppState;
use crate::model::LabelCollection;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

#[utoipa::path(get, path = "/api/labels", tag = "areas", summary = "Place-name label points: districts, wards (when their boundaries are in the data directory) and LSOAs", responses((status = 200, body = LabelCollection, content_type = "application/geo+json")))]
pub async fn list(State(s): State<Arc<AppState>>) -> Response {
    constant("application/geo+json", &s.labels_json)
}
