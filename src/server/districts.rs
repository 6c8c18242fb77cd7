//! `/api/districts`: GeoJSON of district outlines, dissolved once in the background.

use super::constant;
use super::error::{ApiError, ApiResult};
use super::vintage::{InVintage, VintageQuery};
use crate::model::{DistrictCollection, ErrorBody};
use axum::response::Response;

#[utoipa::path(
    get,
    path = "/api/districts",
    tag = "region",
    summary = "GeoJSON of district outlines dissolved from the LSOAs",
    params(VintageQuery),
    responses(
        (status = 200, body = DistrictCollection, content_type = "application/geo+json"),
        (status = 400, description = "Unknown vintage", body = ErrorBody),
        (status = 404, description = "The vintage has no boundaries for this region (`no_boundaries`)", body = ErrorBody),
        (status = 500, description = "The outlines could not be computed", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
        (status = 504, description = "Still being computed after start-up; ask again", body = ErrorBody),
    )
)]
pub async fn outlines(InVintage(v): InVintage) -> ApiResult<Response> {
    v.atlas.mapped()?;
    // Waits (within the request timeout) for the one background job: never `null`, never a
    // second dissolve of the same districts.
    let mut rx = v.districts.clone();
    let done = rx
        .wait_for(Option::is_some)
        .await
        .map_err(|_| ApiError::internal("the district outlines job ended without an answer"))?;
    match done.as_deref() {
        Some(Ok(bytes)) => Ok(constant("application/geo+json", bytes)),
        Some(Err(why)) => Err(ApiError::internal(why.clone())),
        None => Err(ApiError::internal(
            "the district outlines job ended without an answer",
        )),
    }
}
