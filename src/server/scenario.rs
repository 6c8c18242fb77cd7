//! `/api/scenario`: what closing or opening GP sites would do to travel times, computed on the
//! blocking pool against a copy of the site list; the atlas itself never changes.

use super::error::{ApiError, ApiResult, Params};
use super::state::AppState;
use super::vintage::{InVintage, VintageQuery};
use super::work::blocking;
use crate::atlas::gp::GpSite;
use crate::atlas::Atlas;
use crate::model::{ErrorBody, ScenarioAnswer};
use crate::overlay::{self, OverlayError, Scenario};
use crate::travel::TravelMode;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use utoipa::IntoParams;

/// Most sites closed plus opened in one request: each opening costs a search per area.
pub const MAX_CHANGES: usize = 20;

/// The query string of `/api/scenario` (documentation; `close` and `open` repeat, so the query
/// is read as pairs by [`ScenarioRequest::parse`]).
#[derive(Debug, Clone, Default, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ScenarioQuery {
    /// ODS codes of sites to close, comma-separated and/or repeated (`close=L84003,L84005`); a
    /// practice code closes its branches too.
    close: Option<Vec<String>>,
    /// A new site, repeatable: a postcode (`GL1 2EH`), `lon,lat` (`-2.24,51.86`) or the ODS code
    /// of a known site. It must lie in the region.
    open: Option<Vec<String>>,
    /// `walk` (default), `cycle` or `car`.
    mode: Option<String>,
    /// Travel-time threshold in minutes (0 < minutes ≤ 1440): who crosses it is counted.
    minutes: Option<f64>,
}

/// A checked scenario request.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRequest {
    pub close: Vec<String>,
    pub open: Vec<String>,
    pub mode: TravelMode,
    pub minutes: Option<f64>,
}

impl ScenarioRequest {
    /// Read the query's pairs; every mistake is named.
    pub fn parse(pairs: &[(String, String)]) -> ApiResult<ScenarioRequest> {
        let mut r = ScenarioRequest {
            close: Vec::new(),
            open: Vec::new(),
            mode: TravelMode::Walk,
            minutes: None,
        };
        for (k, v) in pairs {
            match k.as_str() {
                "close" => r.close.extend(
                    v.split(',')
                        .map(|c| c.trim().to_ascii_uppercase())
                        .filter(|c| !c.is_empty()),
                ),
                "open" if !v.trim().is_empty() => r.open.push(v.trim().to_string()),
                "open" => {}
                "mode" => {
                    r.mode = v.parse().map_err(|_| {
                        ApiError::bad_request(format!(
                            "mode '{}' is not offered: use walk, cycle or car",
                            short(v)
                        ))
                    })?
                }
                "minutes" => {
                    let m: f64 = v.trim().parse().map_err(|_| {
                        ApiError::bad_request(format!("minutes '{}' is not a number", short(v)))
                    })?;
                    if !(m > 0.0 && m <= 1440.0) {
                        return Err(ApiError::bad_request(format!(
                            "minutes must be above 0 and at most 1440, not {m}"
                        )));
                    }
                    r.minutes = Some(m);
                }
                // Read by the vintage selection shared by every endpoint.
                "vintage" => {}
                other => {
                    return Err(ApiError::bad_request(format!(
                        "unknown parameter '{}': use close, open, mode and minutes",
                        short(other)
                    )))
                }
            }
        }
        r.close.sort();
        r.close.dedup();
        let n = r.close.len() + r.open.len();
        if n > MAX_CHANGES {
            return Err(ApiError::bad_request(format!(
                "{n} changes asked for; at most {MAX_CHANGES} sites closed plus opened per request"
            )));
        }
        Ok(r)
    }

    /// The scenario on this atlas: unknown codes get suggestions, new sites must lie in the region.
    pub fn scenario(&self, atlas: &Atlas) -> ApiResult<Scenario> {
        for c in &self.close {
            if atlas.gp_sites.by_code(c).is_none() {
                let near = Scenario::suggest(atlas, c, 3);
                let hint = if near.is_empty() {
                    "; see /api/gp-sites for the codes in use".to_string()
                } else {
                    format!(
                        "; did you mean {}?",
                        near.iter()
                            .map(|s| format!("{} ({})", s.code, s.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                return Err(ApiError::bad_request(format!(
                    "unknown GP site code '{}' in close{hint}",
                    short(c)
                )));
            }
        }
        let mut open: Vec<GpSite> = Vec::with_capacity(self.open.len());
        for (n, spec) in self.open.iter().enumerate() {
            let site = Scenario::site_from(atlas, spec, n + 1).map_err(site_error)?;
            if atlas.locate(site.lon, site.lat).is_none() {
                return Err(ApiError::bad_request(format!(
                    "open '{}' ({:.5},{:.5}) is outside {}: new sites must lie in the region",
                    short(spec),
                    site.lon,
                    site.lat,
                    atlas.region
                )));
            }
            open.push(site);
        }
        Ok(Scenario {
            close: self.close.clone(),
            open,
        })
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn site_error(e: OverlayError) -> ApiError {
    match e {
        OverlayError::BadSite(_) | OverlayError::UnknownSite(_) => {
            ApiError::bad_request(e.to_string())
        }
        OverlayError::Atlas(a) => a.into(),
        other => {
            tracing::error!(error = %other, "scenario failed");
            ApiError::internal("the scenario could not be computed; see the server log")
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/scenario",
    tag = "gp",
    summary = "What closing or opening GP sites does: areas whose nearest site or time changes, and who crosses the threshold, by IMD decile",
    description = "Routed on the road network when the server has one, estimated from the IoD2019 road distances otherwise; `method` says which. At most 20 sites closed plus opened. The atlas never changes: each request works on its own copy of the site list.",
    params(ScenarioQuery, VintageQuery),
    responses(
        (status = 200, body = ScenarioAnswer),
        (status = 400, description = "Unknown code (with suggestions), malformed or out-of-region site, bad mode or minutes, more than 20 changes", body = ErrorBody),
        (status = 504, description = "The answer took too long", body = ErrorBody),
    )
)]
pub async fn run(
    State(s): State<Arc<AppState>>,
    InVintage(v): InVintage,
    Params(pairs): Params<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let req = ScenarioRequest::parse(&pairs)?;
    let atlas = v.atlas.clone();
    let networks = s.networks.clone();
    let body = blocking(&s, move |cancel| {
        let scenario = req.scenario(&atlas)?;
        cancel.check()?;
        let outcome = overlay::run_scenario(&atlas, &scenario, req.mode, networks.as_deref())
            .map_err(site_error)?;
        let answer = ScenarioAnswer::of(&outcome, req.minutes);
        Ok(serde_json::to_vec(&answer).expect("answers serialise"))
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn close_splits_and_repeats_open_keeps_its_comma() {
        let r = ScenarioRequest::parse(&pairs(&[
            ("close", "l84003, L84005"),
            ("close", "L84003"),
            ("open", "GL1 2EH"),
            ("open", "-2.24,51.86"),
            ("mode", "Car"),
            ("minutes", "15"),
        ]))
        .unwrap();
        assert_eq!(r.close, ["L84003", "L84005"]);
        assert_eq!(r.open, ["GL1 2EH", "-2.24,51.86"]);
        assert_eq!((r.mode, r.minutes), (TravelMode::Car, Some(15.0)));
    }

    #[test]
    fn bad_input_is_named() {
        let err = |q: &[(&str, &str)]| ScenarioRequest::parse(&pairs(q)).unwrap_err().body.detail;
        assert!(err(&[("mode", "train")]).contains("walk, cycle or car"));
        assert!(err(&[("minutes", "abc")]).contains("not a number"));
        assert!(err(&[("minutes", "0")]).contains("above 0"));
        assert!(err(&[("minutes", "NaN")]).contains("above 0"));
        assert!(err(&[("colse", "L84003")]).contains("unknown parameter 'colse'"));
        let many: Vec<String> = (0..=MAX_CHANGES).map(|i| format!("A{i:05}")).collect();
        assert!(err(&[("close", &many.join(","))]).contains("at most 20"));
        assert!(ScenarioRequest::parse(&pairs(&[("close", &many[..20].join(","))])).is_ok());
    }
}
