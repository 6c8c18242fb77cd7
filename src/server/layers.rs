//! `/api/layers`: the layer registry with colouring hints, serialised once at load.

use super::constant;
use super::vintage::{InVintage, VintageQuery};
use crate::model::ErrorBody;
use crate::model::LayerList;
use axum::response::Response;

#[utoipa::path(get, path = "/api/layers", tag = "layers", summary = "The layer registry with class breaks for colouring", params(VintageQuery), responses((status = 200, body = LayerList), (status = 400, description = "Unknown vintage", body = ErrorBody), (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody)))]
pub async fn list(InVintage(v): InVintage) -> Response {
    constant("application/json", &v.layers_json)
}
