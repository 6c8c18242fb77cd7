//! `/healthz`: liveness, the region and the vintages of the data.

use super::constant;
use super::state::AppState;
use crate::model::Health;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

#[utoipa::path(get, path = "/healthz", tag = "health", summary = "Liveness, region and data vintages", responses((status = 200, body = Health)))]
pub async fn healthz(State(s): State<Arc<AppState>>) -> Response {
    constant("application/json", &s.health_json)
}
