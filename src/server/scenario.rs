//! `/api/scenario`: what closing or opening GP sites would do to travel times, computed on the
//! blocking pool against a copy of the site list; the atlas itself never changes.

use super::error::{ApiError, ApiResult, Params};
use super::state::AppState;
use super::vintage::{InVintage, VintageQuery};
use super::work::{blocking, Cancel};
use crate::atlas::gp::GpSite;
use crate::atlas::Atlas;
use crate::model::{ErrorBody, ScenarioAnswer};
use crate::overlay::{self, OverlayError, PtMeasure, Scenario, ScenarioOutcome};
use crate::travel::TravelMode;
use axum::extract::State;
use axum::http::{header, StatusCode};
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
    /// `walk` (default), `cycle`, `car`, or by public transport: `pt` (journeys with at least one
    /// ride, layer `gp_pt_min`) or `walk_or_pt` (the better of that and walking all the way,
    /// `gp_pt_walk_min`, the county health and wellbeing pack's measure).
    mode: Option<String>,
    /// Travel-time threshold in minutes (0 < minutes ≤ 1440): who crosses it is counted.
    minutes: Option<f64>,
}

/// A checked scenario request.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRequest {
    pub close: Vec<String>,
    pub open: Vec<String>,
    pub mode: ScenarioMode,
    pub minutes: Option<f64>,
}

/// How a scenario's travel times are made: on the road networks (or their estimate), or by the
/// timetable router on the data directory's GTFS feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioMode {
    Road(TravelMode),
    Pt(PtMeasure),
}

impl ScenarioMode {
    fn parse(v: &str) -> ApiResult<ScenarioMode> {
        if let Some(p) = PtMeasure::from_mode(v) {
            return Ok(ScenarioMode::Pt(p));
        }
        v.parse().map(ScenarioMode::Road).map_err(|_| {
            ApiError::bad_request(format!(
                "mode '{}' is not offered: use walk, cycle or car, or by public transport pt or walk_or_pt",
                short(v)
            ))
        })
    }
}

impl ScenarioRequest {
    /// Read the query's pairs; every mistake is named.
    pub fn parse(pairs: &[(String, String)]) -> ApiResult<ScenarioRequest> {
        let mut r = ScenarioRequest {
            close: Vec::new(),
            open: Vec::new(),
            mode: ScenarioMode::Road(TravelMode::Walk),
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
                "mode" => r.mode = ScenarioMode::parse(v)?,
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

/// A public-transport question this server cannot answer (no feed, no walk network): the
/// request is sound but the data is not there, so 409 with the atlas's recorded reason.
fn pt_error(e: OverlayError) -> ApiError {
    match e {
        OverlayError::PtAbsent { .. } => {
            ApiError::new(StatusCode::CONFLICT, "layer_absent", e.to_string())
        }
        OverlayError::Stopped => ApiError::timeout(),
        OverlayError::Transit(t) => {
            tracing::error!(error = %t, "public-transport scenario failed");
            ApiError::internal(format!(
                "public transport could not be routed on this server's GTFS feeds: {t}"
            ))
        }
        other => site_error(other),
    }
}

/// Before and after by public transport: the atlas must have the layer (else its recorded
/// reason), the server its data directory's feeds and a walk network (else the reason now).
/// The feeds are read once per server; each request routes every area again (see the
/// endpoint's description for what that costs).
fn pt_outcome(
    s: &AppState,
    atlas: &Atlas,
    scenario: &Scenario,
    measure: PtMeasure,
    cancel: &Cancel,
) -> ApiResult<ScenarioOutcome> {
    if let Some(e) = overlay::pt_unavailable(atlas, measure) {
        return Err(pt_error(e));
    }
    let Some(data) = &s.data else {
        return Err(pt_error(OverlayError::PtAbsent {
            layer: measure.layer_id(),
            reason: "absent on this server: it was started without a data directory to read GTFS feeds from".into(),
        }));
    };
    let walk = s.networks.as_deref().map(|n| n.get(TravelMode::Walk));
    let walk = overlay::pt_walk_network(data, measure, walk).map_err(pt_error)?;
    let feeds = s
        .pt_feeds
        .get_or_init(|| {
            crate::pt_access::read_feeds(&data.root)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|why| {
            ApiError::internal(format!(
                "public transport could not be routed on this server's GTFS feeds: {why}"
            ))
        })?;
    cancel.check()?;
    overlay::run_pt_scenario_on(atlas, &feeds, scenario, measure, walk, &|| {
        cancel.is_cancelled()
    })
    .map_err(pt_error)
}

#[utoipa::path(
    get,
    path = "/api/scenario",
    tag = "gp",
    summary = "What closing or opening GP sites does: areas whose nearest site or time changes, and who crosses the threshold, by IMD decile",
    description = "Walk, cycle and car are routed on the road network when the server has one, estimated from the IoD2019 road distances otherwise; `method` says which. They answer in milliseconds. \n\nPublic transport (`mode=pt` or `walk_or_pt`) is routed on the GTFS feeds of the server's data directory (`transit/gtfs/*.zip`) with the OpenStreetMap walk network, by the same method as the atlas's `gp_pt_min` / `gp_pt_walk_min` layers (weekday departures every minute 07:00-09:59, median, nearest open site; `method` is `network`). It is computed on request: one timetable search per area over the 180 departure minutes, before and after sharing each search. Expect seconds to minutes depending on the feeds and the machine (the first request also reads the feeds). If it runs past the server's request timeout (`serve --request-timeout`, 30 s by default) the answer is 504 and the work stops within one area's search. Without a feed or a walk network the answer is 409 with the reason the atlas recorded for the layer (the folder to fill; DfT's 2013 figures `gp_pt_walk_min_2013` remain the reference). \n\nAt most 20 sites closed plus opened. The atlas never changes: each request works on its own copy of the site list.",
    params(ScenarioQuery, VintageQuery),
    responses(
        (status = 200, body = ScenarioAnswer),
        (status = 400, description = "Unknown code (with suggestions), malformed or out-of-region site, bad mode or minutes, more than 20 changes", body = ErrorBody),
        (status = 409, description = "`mode=pt` or `walk_or_pt` where public transport cannot be routed (no GTFS feed in the data directory, or no walk network to reach the stops): `error` is `layer_absent` and `detail` the layer's recorded reason", body = ErrorBody),
        (status = 504, description = "The answer took too long (public transport on a large feed can); its work was stopped", body = ErrorBody),
    )
)]
pub async fn run(
    State(s): State<Arc<AppState>>,
    InVintage(v): InVintage,
    Params(pairs): Params<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let req = ScenarioRequest::parse(&pairs)?;
    let atlas = v.atlas.clone();
    let state = s.clone();
    let body = blocking(&s, move |cancel| {
        let scenario = req.scenario(&atlas)?;
        cancel.check()?;
        let outcome = match req.mode {
            ScenarioMode::Road(mode) => {
                overlay::run_scenario(&atlas, &scenario, mode, state.networks.as_deref())
                    .map_err(site_error)?
            }
            ScenarioMode::Pt(measure) => pt_outcome(&state, &atlas, &scenario, measure, cancel)?,
        };
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
        assert_eq!(
            (r.mode, r.minutes),
            (ScenarioMode::Road(TravelMode::Car), Some(15.0))
        );
        let mode = |m: &str| ScenarioRequest::parse(&pairs(&[("mode", m)])).unwrap().mode;
        assert_eq!(mode("pt"), ScenarioMode::Pt(PtMeasure::Pt));
        assert_eq!(mode("walk_or_pt"), ScenarioMode::Pt(PtMeasure::WalkOrPt));
        assert_eq!(mode("Walk-Or-PT"), ScenarioMode::Pt(PtMeasure::WalkOrPt));
    }

    #[test]
    fn bad_input_is_named() {
        let err = |q: &[(&str, &str)]| ScenarioRequest::parse(&pairs(q)).unwrap_err().body.detail;
        let e = err(&[("mode", "train")]);
        assert!(
            e.contains("walk, cycle or car") && e.contains("pt or walk_or_pt"),
            "{e}"
        );
        assert!(err(&[("minutes", "abc")]).contains("not a number"));
        assert!(err(&[("minutes", "0")]).contains("above 0"));
        assert!(err(&[("minutes", "NaN")]).contains("above 0"));
        assert!(err(&[("colse", "L84003")]).contains("unknown parameter 'colse'"));
        let many: Vec<String> = (0..=MAX_CHANGES).map(|i| format!("A{i:05}")).collect();
        assert!(err(&[("close", &many.join(","))]).contains("at most 20"));
        assert!(ScenarioRequest::parse(&pairs(&[("close", &many[..20].join(","))])).is_ok());
    }
}
