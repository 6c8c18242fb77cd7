//! `/api/gp-sites`: GeoJSON of the GP sites in use, serialised once at load.

use super::constant;
use super::state::AppState;
use crate::model::GpSiteCollection;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

#[utoipa::path(get, path = "/api/gp-sites", tag = "gp", summary = "GeoJSON of the GP sites in use", responses((status = 200, body = GpSiteCollection, content_type = "application/geo+json")))]
pub async fn list(State(s): State<Arc<AppState>>) -> Response {
    constant("application/geo+json", &s.gp_sites_json)
}
