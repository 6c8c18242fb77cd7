//! `/api/gp-sites`: GeoJSON of the GP sites in use, serialised once at load.

use super::constant;
use super::vintage::{InVintage, VintageQuery};
use crate::model::ErrorBody;
use crate::model::GpSiteCollection;
use axum::response::Response;

#[utoipa::path(get, path = "/api/gp-sites", tag = "gp", summary = "GeoJSON of the GP sites in use", params(VintageQuery), responses((status = 200, body = GpSiteCollection, content_type = "application/geo+json"), (status = 400, description = "Unknown vintage", body = ErrorBody), (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody)))]
pub async fn list(InVintage(v): InVintage) -> Response {
    constant("application/geo+json", &v.gp_sites_json)
}
