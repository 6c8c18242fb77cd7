//! `/api/layers`: the layer registry with colouring hints, serialised once at load.

use super::constant;
use super::state::AppState;
use crate::model::LayerList;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;

#[utoipa::path(get, path = "/api/layers", tag = "layers", summary = "The layer registry with class breaks for colouring", responses((status = 200, body = LayerList)))]
pub async fn list(State(s): State<Arc<AppState>>) -> Response {
    constant("application/json", &s.layers_json)
}
