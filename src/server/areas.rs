//! `/api/areas` (a filtered, sorted list with totals, as JSON, CSV or GeoJSON) and
//! `/api/areas/{code}` (one area's profile).

use super::error::{ApiError, ApiResult, Params, PathParams};
use super::state::AppState;
use super::vintage::{filter_error, InVintage, VintageQuery};
use super::work::{blocking, stream};
use crate::model::{AreaFeatureCollection, AreaList, AreaProfile, ErrorBody};
use crate::report::{self, Format};
use crate::selection::AreaQuery;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Deserializer};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// The query string of `/api/areas`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AreasQuery {
    /// Filter, e.g. `imd_decile <= 2 and district = "Gloucester"`.
    #[serde(rename = "where", default)]
    pub filter: Option<String>,
    /// Field to sort on; `field:desc` or `-field` for descending.
    #[serde(default)]
    pub sort: Option<String>,
    /// Most areas returned (`count` and `totals` cover all matches).
    #[serde(default, deserialize_with = "limit")]
    #[param(minimum = 0)]
    pub limit: Option<usize>,
    #[serde(default, deserialize_with = "format")]
    pub format: AreaFormat,
}

/// Formats of `/api/areas`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AreaFormat {
    #[default]
    Json,
    Csv,
    Geojson,
}

/// An empty `limit=` means no limit; anything else must be a whole number.
fn limit<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!(
                "'{}' is not a whole number >= 0",
                t.chars().take(20).collect::<String>()
            ))
        }),
    }
}

/// Say what is offered (serde's message for an unknown variant does not name the parameter's choices well).
fn format<'de, D: Deserializer<'de>>(d: D) -> Result<AreaFormat, D::Error> {
    let text = String::deserialize(d)?;
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "json" => Ok(AreaFormat::Json),
        "csv" => Ok(AreaFormat::Csv),
        "geojson" => Ok(AreaFormat::Geojson),
        _ => Err(serde::de::Error::custom(format!(
            "'{}' is not offered: use json, csv or geojson",
            text.chars().take(20).collect::<String>()
        ))),
    }
}

#[utoipa::path(
    get,
    path = "/api/areas",
    tag = "areas",
    summary = "Areas matching a filter, with totals (population, children, children in income-deprived families)",
    params(AreasQuery, VintageQuery),
    responses(
        (status = 200, description = "Matching areas; large answers stream", content(
            (AreaList = "application/json"),
            (String = "text/csv"),
            (AreaFeatureCollection = "application/geo+json"),
        )),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Bad filter, sort, limit, format or vintage (filter errors carry `column`; a field not in the vintage is unknown)", body = ErrorBody),
        (status = 404, description = "GeoJSON of a vintage without boundaries for this region (`no_boundaries`, naming the source and its download); json and csv answer", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
        (status = 504, description = "The answer took too long", body = ErrorBody),
    )
)]
pub async fn list(
    State(s): State<Arc<AppState>>,
    Params(q): Params<AreasQuery>,
    InVintage(v): InVintage,
) -> ApiResult<Response> {
    if q.format == AreaFormat::Geojson {
        v.atlas.mapped()?;
    }
    let atlas = v.atlas.clone();
    let sel = blocking(&s, move |cancel| {
        let query = AreaQuery::parse(&atlas, q.filter.as_deref(), q.sort.as_deref(), q.limit)
            .map_err(|e| filter_error(e, &atlas))?;
        query
            .run_until(&atlas, || !cancel.is_cancelled())
            .ok_or_else(ApiError::timeout)
    })
    .await?;
    let (format, content_type, disposition) = match q.format {
        AreaFormat::Json => (Format::Json, "application/json", None),
        AreaFormat::Csv => (
            Format::Csv,
            "text/csv; charset=utf-8",
            Some("attachment; filename=\"needsmap-areas.csv\""),
        ),
        AreaFormat::Geojson => (
            Format::Geojson,
            "application/geo+json",
            Some("inline; filename=\"needsmap-areas.geojson\""),
        ),
    };
    let atlas = v.atlas.clone();
    let mut res = stream(&s, content_type, move |w| {
        report::write_areas(w, format, &atlas, &sel, false)
    })
    .await?;
    if let Some(d) = disposition {
        res.headers_mut()
            .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(d));
    }
    Ok(res)
}

#[utoipa::path(
    get,
    path = "/api/areas/{code}",
    tag = "areas",
    summary = "Full profile of one LSOA: every layer with national and regional rank/decile, sources, nearest GP sites",
    params(
        ("code" = String, Path, description = "LSOA code of the vintage's geography: 2011 for 2019 (e.g. E01022333), 2021 for 2025"),
        VintageQuery,
    ),
    responses(
        (status = 200, body = AreaProfile),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown vintage", body = ErrorBody),
        (status = 404, description = "Unknown LSOA code in this vintage's geography", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
    )
)]
pub async fn profile(
    PathParams(code): PathParams<String>,
    InVintage(v): InVintage,
) -> ApiResult<Response> {
    // A profile reads ranks derived at load and a few R-tree neighbours: microseconds, so it is
    // answered here rather than paying a hop to the blocking pool.
    let (i, _) = v.atlas.area(&code).map_err(|e| in_geography(e, &v))?;
    Ok(Json(AreaProfile::of(&v.atlas, i)).into_response())
}

/// An unknown code says which geography was searched: a 2011 code asked of 2025 is the usual slip.
fn in_geography(e: crate::atlas::AtlasError, v: &super::state::Served) -> ApiError {
    let mut err = ApiError::from(e);
    if err.status == axum::http::StatusCode::NOT_FOUND {
        err.body.detail = format!(
            "{} (vintage {} uses {} codes)",
            err.body.detail,
            v.vintage,
            v.vintage.geography()
        );
    }
    err
}
