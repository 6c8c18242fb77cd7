//! `/api/region`: the loaded region, its districts and vintages (CONTRACTS.md §B).

use super::constant;
use super::vintage::{InVintage, VintageQuery};
use crate::model::ErrorBody;
use crate::model::RegionInfo;
use axum::response::Response;

#[utoipa::path(get, path = "/api/region", tag = "region", summary = "The loaded region: name, bounds, districts and data vintages", params(VintageQuery), responses((status = 200, body = RegionInfo), (status = 400, description = "Unknown vintage", body = ErrorBody), (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody)))]
pub async fn info(InVintage(v): InVintage) -> Response {
    constant("application/json", &v.region_json)
}
