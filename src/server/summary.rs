//! `/api/summary`: figures per district, ward or MSOA (JSON, CSV, or GeoJSON outlines for a
//! choropleth), from the one model of `needsmap summary`.

use super::error::{ApiError, ApiResult, Params};
use super::state::AppState;
use super::vintage::{InVintage, VintageQuery};
use super::work::blocking;
use crate::model::summary::{SummaryFeatureCollection, SummaryLevel};
use crate::model::{ErrorBody, SummaryAnswer};
use crate::summary::{summarise, SummaryError, DEFAULT_MINUTES};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// The query string of `/api/summary`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// `district` (default), `ward` or `msoa`.
    #[serde(default)]
    pub by: Option<String>,
    /// GP-access threshold in minutes (default 45): people beyond it are counted per mode.
    #[serde(default)]
    pub minutes: Option<String>,
    /// `json` (default), `csv`, or `geojson` (each row's outline, dissolved from its LSOAs).
    #[serde(default)]
    pub format: Option<String>,
}

impl From<SummaryError> for ApiError {
    fn from(e: SummaryError) -> ApiError {
        match e {
            SummaryError::BadMinutes(_) => ApiError::bad_request(e.to_string()),
            SummaryError::Unavailable(_) => ApiError::not_found(e.to_string()),
        }
    }
}

/// Parse the query; every mistake is a 400 naming what is accepted.
pub fn parse(q: &SummaryQuery) -> ApiResult<(SummaryLevel, f64, &'static str)> {
    let level = match q.by.as_deref().map(str::trim) {
        None | Some("") => SummaryLevel::District,
        Some(b) => b.parse().map_err(ApiError::bad_request)?,
    };
    let minutes = match q.minutes.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_MINUTES,
        Some(m) => m.parse::<f64>().map_err(|_| {
            ApiError::bad_request(format!(
                "minutes='{}' is not a number: use e.g. minutes=45",
                m.chars().take(20).collect::<String>()
            ))
        })?,
    };
    let format = match q
        .format
        .as_deref()
        .map(|f| f.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("json") => "json",
        Some("csv") => "csv",
        Some("geojson") => "geojson",
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format='{}' is not offered: use json, csv or geojson",
                other.chars().take(20).collect::<String>()
            )))
        }
    };
    Ok((level, minutes, format))
}

#[utoipa::path(
    get,
    path = "/api/summary",
    tag = "summary",
    summary = "Figures per district, ward or MSOA: LSOAs, population, children, income-deprived children, weighted IMD score, deciles 1 and 1-2, child poverty, people beyond a GP-access threshold",
    params(SummaryQuery, VintageQuery),
    responses(
        (status = 200, description = "One row per district, ward or MSOA and the region's total; `method` says how LSOAs were assigned (wards: by population-weighted centroid)", content(
            (SummaryAnswer = "application/json"),
            (String = "text/csv"),
            (SummaryFeatureCollection = "application/geo+json"),
        )),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Unknown `by`, bad `minutes`, `format` or `vintage`; the message lists what is accepted", body = ErrorBody),
        (status = 404, description = "The level is not available for this atlas (e.g. wards outside the county)", body = ErrorBody),
    )
)]
pub async fn summary(
    State(s): State<Arc<AppState>>,
    InVintage(v): InVintage,
    Params(q): Params<SummaryQuery>,
) -> ApiResult<Response> {
    let (level, minutes, format) = parse(&q)?;
    let atlas = v.atlas.clone();
    let answer = blocking(&s, move |_| Ok(summarise(&atlas, level, minutes)?)).await?;
    match format {
        "csv" => {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::from("\u{feff}".as_bytes()));
            let write = |w: &mut csv::Writer<Vec<u8>>| -> std::io::Result<()> {
                w.write_record(answer.csv_header())?;
                for r in answer.csv_rows() {
                    w.write_record(r)?;
                }
                w.flush()
            };
            write(&mut w).map_err(|e| ApiError::internal(e.to_string()))?;
            let bytes = w
                .into_inner()
                .map_err(|e| ApiError::internal(e.to_string()))?;
            let mut res =
                ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], bytes).into_response();
            res.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"needsmap-summary.csv\""),
            );
            Ok(res)
        }
        "geojson" => {
            let atlas = v.atlas.clone();
            let fc = blocking(&s, move |_| Ok(crate::summary::features(&atlas, answer)?)).await?;
            let mut res = Json(fc).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            );
            Ok(res)
        }
        _ => Ok(Json(answer).into_response()),
    }
}
