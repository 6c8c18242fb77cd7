//! `/api/region`: the loaded region, its districts and vintages (CONTRACTS.md §B).

use super::constant;
use super::state::AppState;
use crate::model::RegionInfo;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

#[utoipa::path(get, path = "/api/region", tag = "region", summary = "The loaded region: name, bounds, districts and data vintages", responses((status = 200, body = RegionInfo)))]
pub async fn info(State(s): State<Arc<AppState>>) -> Response {
    constant("application/json", &s.region_json)
}
