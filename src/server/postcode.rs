//! `/api/postcode/{postcode}`: the postcode's LSOA, its figures and grant eligibility.

use super::error::{ApiResult, PathParams};
use super::state::AppState;
use super::vintage::{InVintage, VintageQuery};
use super::work::blocking;
use crate::model::{ErrorBody, PostcodeAnswer};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

#[utoipa::path(
    get,
    path = "/api/postcode/{postcode}",
    tag = "areas",
    summary = "The LSOA of a postcode and its grant eligibility",
    params(("postcode" = String, Path, description = "UK postcode, any case or spacing"), VintageQuery),
    responses(
        (status = 200, body = PostcodeAnswer),
        (status = 400, description = "Not a valid UK postcode, or an unknown vintage", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
        (status = 404, description = "Unknown postcode, or outside the loaded region", body = ErrorBody),
    )
)]
pub async fn lookup(
    State(s): State<Arc<AppState>>,
    PathParams(postcode): PathParams<String>,
    InVintage(v): InVintage,
) -> ApiResult<Response> {
    // Code-Point Open is read in place from its zip: file work, so off the async workers.
    let atlas = v.atlas.clone();
    let body = blocking(&s, move |_| {
        Ok(serde_json::to_vec(&PostcodeAnswer::of(&atlas, &postcode)?).expect("answers serialise"))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
