//! `/profile/district/{code}` and `/profile/ward/{code}`: printable locality profiles (HTML),
//! from the same model as `needsmap profile`. Unknown places get a 404 page a person can read.

use super::error::{ApiResult, Params, PathParams};
use super::state::{AppState, Served};
use super::vintage::{InVintage, VintageQuery};
use super::work::blocking;
use crate::locality::{self, LocalityError};
use crate::model::locality::{EnglandFigures, PlaceKind};
use crate::report::locality::{escape, html};
use crate::summary::DEFAULT_MINUTES;
use crate::vintage::Vintage;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// The query string of a profile.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProfileQuery {
    /// GP-access threshold in minutes (default 45).
    #[serde(default)]
    pub minutes: Option<String>,
}

/// England's figures in `vintage`, read once from the national file of the server's data
/// directory.
pub fn england_of(s: &AppState, vintage: Vintage) -> Result<EnglandFigures, String> {
    s.england[vintage as usize]
        .get_or_init(|| {
            let data = s.data.as_ref().ok_or_else(|| {
                "the server was started without its data directory, so England's figures were not read".to_string()
            })?;
            locality::england_in(data, vintage)
        })
        .clone()
}

fn page(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// A readable error page.
fn error_page(status: StatusCode, title: &str, detail: &str) -> Response {
    page(
        status,
        format!(
            "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{t}</title></head><body style=\"font-family:system-ui,sans-serif;max-width:40em;margin:3em auto\"><h1>{t}</h1><p>{d}</p><p><a href=\"/\">Back to the map</a></p></body></html>\n",
            t = escape(title),
            d = escape(detail)
        ),
    )
}

async fn render(
    s: Arc<AppState>,
    served: Arc<Served>,
    kind: PlaceKind,
    code: String,
    q: ProfileQuery,
) -> ApiResult<Response> {
    let minutes = match q.minutes.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_MINUTES,
        Some(m) => match m.parse::<f64>() {
            Ok(x) => x,
            Err(_) => {
                return Ok(error_page(
                    StatusCode::BAD_REQUEST,
                    "Bad threshold",
                    &format!(
                        "minutes='{}' is not a number: use e.g. ?minutes=45",
                        m.chars().take(20).collect::<String>()
                    ),
                ))
            }
        },
    };
    let st = s.clone();
    let answer = blocking(&s, move |_| {
        let atlas = &served.atlas;
        let place = match locality::find(atlas, kind, &code) {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let england = england_of(&st, atlas.vintage);
        Ok(locality::profile(atlas, &place, minutes, england).map(|p| html(&p)))
    })
    .await?;
    Ok(match answer {
        Ok(body) => page(StatusCode::OK, body),
        Err(e @ (LocalityError::Unknown { .. } | LocalityError::Ambiguous { .. })) => error_page(
            StatusCode::NOT_FOUND,
            &format!("No such {}", kind.as_str()),
            &e.to_string(),
        ),
        Err(LocalityError::Summary(e)) => error_page(
            StatusCode::BAD_REQUEST,
            "Profile not available",
            &e.to_string(),
        ),
    })
}

#[utoipa::path(
    get,
    path = "/profile/district/{code}",
    tag = "profiles",
    summary = "Printable A4 profile of a district (locality partnership): map, key figures beside the county and England, most deprived LSOAs, child poverty, GP access, sources",
    params(("code" = String, Path, description = "District code or name, e.g. E07000081 or Gloucester; or an LSOA code for its district"), ProfileQuery, VintageQuery),
    responses(
        (status = 200, description = "An HTML page", content_type = "text/html", body = String),
        (status = 400, description = "Bad threshold or vintage (a bad vintage is a JSON error)", content_type = "text/html", body = String),
        (status = 404, description = "Unknown district: an HTML page saying so", content_type = "text/html", body = String),
    )
)]
pub async fn district(
    State(s): State<Arc<AppState>>,
    InVintage(v): InVintage,
    PathParams(code): PathParams<String>,
    Params(q): Params<ProfileQuery>,
) -> ApiResult<Response> {
    render(s, v, PlaceKind::District, code, q).await
}

#[utoipa::path(
    get,
    path = "/profile/ward/{code}",
    tag = "profiles",
    summary = "Printable A4 profile of an electoral ward (May 2025; LSOAs assigned by population-weighted centroid)",
    params(("code" = String, Path, description = "Ward code (WD25CD), e.g. E05010696, a unique ward name, or an LSOA code for the ward it is assigned to"), ProfileQuery, VintageQuery),
    responses(
        (status = 200, description = "An HTML page", content_type = "text/html", body = String),
        (status = 400, description = "Bad threshold or no ward layer: an HTML page", content_type = "text/html", body = String),
        (status = 404, description = "Unknown ward: an HTML page saying so", content_type = "text/html", body = String),
    )
)]
pub async fn ward(
    State(s): State<Arc<AppState>>,
    InVintage(v): InVintage,
    PathParams(code): PathParams<String>,
    Params(q): Params<ProfileQuery>,
) -> ApiResult<Response> {
    render(s, v, PlaceKind::Ward, code, q).await
}
