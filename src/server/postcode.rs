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
    summary = "The LSOA of a postcode and its grant eligibility, under the vintage asked for and each other vintage served",
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
    // The other vintages answer too (opened on first use): grant teams compare both.
    let mut others = Vec::new();
    for other in s.vintages().into_iter().filter(|o| *o != v.vintage) {
        match s.served(other).await {
            Ok(o) => others.push(o.atlas.clone()),
            Err(why) => tracing::warn!(?why, "a postcode answered without another vintage"),
        }
    }
    let atlas = v.atlas.clone();
    let body = blocking(&s, move |_| {
        let others: Vec<&crate::Atlas> = others.iter().map(|a| &**a).collect();
        let answer = PostcodeAnswer::of_vintages(&atlas, &others, &postcode)?;
        Ok(serde_json::to_vec(&answer).expect("answers serialise"))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
