//! What-if scenarios: GP sites close or open; who is then further from (or nearer to) a GP.

use super::{estimate_kmh, layer_id, Estimate, OverlayError};
use crate::atlas::gp::{GpKind, GpSite};
use crate::atlas::layers::{ids, Method, Values};
use crate::atlas::Atlas;
use crate::travel::{Networks, TravelMode};
use serde::Serialize;
use std::collections::BTreeMap;

/// A what-if: sites closed and opened, everything else as today. Never touches the atlas.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    pub close: Vec<String>,
    pub open: Vec<GpSite>,
}

impl Scenario {
    /// Interpret `--open` values: a postcode, "lon,lat", or an ODS code of a known (e.g. 2019) site.
    pub fn site_from(atlas: &Atlas, spec: &str, n: usize) -> Result<GpSite, OverlayError> {
        let new = |lon: f64, lat: f64, postcode: String, name: String| GpSite {
            code: format!("NEW{n}"),
            name,
            postcode,
            kind: GpKind::Practice,
            parent: None,
            lon,
            lat,
            status: "scenario".into(),
            source: "scenario".into(),
            vintage: "scenario".into(),
        };
        if let Some((a, b)) = spec.split_once(',') {
            if let (Ok(lon), Ok(lat)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
                    return Ok(new(
                        lon,
                        lat,
                        String::new(),
                        format!("new site at {lon:.5},{lat:.5}"),
                    ));
                }
            }
            return Err(OverlayError::BadSite(spec.into()));
        }
        if let Some(s) = atlas
            .gp_sites_2019
            .by_code(spec)
            .or_else(|| atlas.gp_sites.by_code(spec))
        {
            return Ok(GpSite {
                status: "scenario".into(),
                ..s.clone()
            });
        }
        match crate::sources::codepoint::Postcode::parse(spec) {
            Ok(pc) => {
                let p = atlas
                    .postcodes
                    .locate(&pc)?
                    .ok_or_else(|| OverlayError::BadSite(spec.into()))?;
                Ok(new(
                    p.lon,
                    p.lat,
                    pc.to_string(),
                    format!("new site at {pc}"),
                ))
            }
            Err(_) => Err(OverlayError::BadSite(spec.into())),
        }
    }

    /// Whether the scenario closes this site (its code, or its parent practice's, is closed).
    pub fn closes(&self, s: &GpSite) -> bool {
        self.close.iter().any(|c| {
            c.eq_ignore_ascii_case(&s.code)
                || s.parent
                    .as_deref()
                    .is_some_and(|p| p.eq_ignore_ascii_case(c))
        })
    }

    /// True when this scenario closes the site in use with this code (a closed practice closes
    /// its branches too).
    pub fn closes_code(&self, atlas: &Atlas, code: &str) -> bool {
        match atlas.gp_sites.by_code(code) {
            Some(s) => self.closes(s),
            None => self.close.iter().any(|c| c.eq_ignore_ascii_case(code)),
        }
    }

    /// Sites in use whose code or name is nearest what was typed, best first: the "did you
    /// mean" of an unknown code. Codes by edit distance; names containing the text rank first.
    pub fn suggest<'a>(atlas: &'a Atlas, typed: &str, k: usize) -> Vec<&'a GpSite> {
        let t = typed.trim().to_ascii_uppercase();
        let mut scored: Vec<(usize, &GpSite)> = atlas
            .gp_sites
            .sites
            .iter()
            .map(|s| {
                let by_name = t.len() >= 3 && s.name.to_ascii_uppercase().contains(&t);
                let d = crate::query::levenshtein(&t, &s.code.to_ascii_uppercase());
                (if by_name { 0 } else { d }, s)
            })
            .filter(|(d, _)| *d <= 3)
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
        scored.into_iter().take(k).map(|(_, s)| s).collect()
    }

    /// The sites in use that this scenario closes.
    pub fn closed_sites<'a>(&self, atlas: &'a Atlas) -> Vec<&'a GpSite> {
        atlas
            .gp_sites
            .sites
            .iter()
            .filter(|s| self.closes(s))
            .collect()
    }

    /// The site list of this scenario.
    pub fn sites(&self, atlas: &Atlas) -> Result<Vec<GpSite>, OverlayError> {
        for c in &self.close {
            if atlas.gp_sites.by_code(c).is_none() {
                return Err(OverlayError::UnknownSite(c.clone()));
            }
        }
        let mut sites: Vec<GpSite> = atlas
            .gp_sites
            .sites
            .iter()
            .filter(|s| !self.closes(s))
            .cloned()
            .collect();
        sites.extend(self.open.iter().cloned());
        Ok(sites)
    }
}

/// One area whose access changes under a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The area's index in the atlas (its feature id in the area tiles).
    pub area: usize,
    pub code: String,
    pub name: String,
    pub district: String,
    pub before_min: Option<f64>,
    pub after_min: Option<f64>,
    pub delta_min: Option<f64>,
    pub nearest_before: Option<String>,
    pub nearest_after: Option<String>,
    pub population: Option<f64>,
    pub children: Option<f64>,
    pub imd_decile: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioOutcome {
    pub mode: String,
    pub method: String,
    pub changes: Vec<Change>,
    /// Sites in use that the scenario closes (branches of a closed practice included).
    pub closed: Vec<GpSite>,
    /// The scenario's new sites.
    pub opened: Vec<GpSite>,
    /// IMD decile → (areas, people, children) whose time changed.
    pub by_imd_decile: BTreeMap<u8, (usize, f64, f64)>,
}

/// Recompute access for a scenario and compare with today. Areas whose base layer was routed are
/// routed again on `networks`; the others (all of them without `networks`) use the estimate, as
/// the base layer did.
pub fn run_scenario(
    atlas: &Atlas,
    scenario: &Scenario,
    mode: TravelMode,
    networks: Option<&Networks>,
) -> Result<ScenarioOutcome, OverlayError> {
    // Travel times start from centroids: an atlas without boundaries has none.
    atlas.mapped()?;
    let after_sites = scenario.sites(atlas)?;
    let n = atlas.areas.len();
    let base = atlas.layers.get(layer_id(mode));
    let routed: Vec<usize> = match networks {
        Some(_) => (0..n)
            .filter(|&i| base.is_some_and(|l| l.method_of(i) == Method::Network))
            .collect(),
        None => Vec::new(),
    };
    // Routed areas: the engine keeps today's search and recomputes only what closing/opening
    // changes. `after_sites` is today's list minus the closed sites (in order), then the new ones.
    let network_part = match networks {
        Some(ns) if !routed.is_empty() => {
            let origins = routed
                .iter()
                .map(|&i| atlas.shape(i).map(|s| (s.centroid.x(), s.centroid.y())))
                .collect::<Result<Vec<(f64, f64)>, _>>()?;
            let base = &atlas.gp_sites.sites;
            let kept = &after_sites[..after_sites.len() - scenario.open.len()];
            let mut k = 0;
            let close: Vec<usize> = (0..base.len())
                .filter(|&j| {
                    if kept.get(k).is_some_and(|s| s.code == base[j].code) {
                        k += 1;
                        false
                    } else {
                        true
                    }
                })
                .collect();
            let pts = |sites: &[GpSite]| -> Vec<(f64, f64)> {
                sites.iter().map(|s| (s.lon, s.lat)).collect()
            };
            let r = ns
                .get(mode)
                .scenario(&origins, &pts(base), &close, &pts(&scenario.open));
            let code = |j: usize| {
                base.get(j)
                    .unwrap_or_else(|| &scenario.open[j - base.len()])
                    .code
                    .clone()
            };
            let conv = |v: Vec<Result<crate::travel::Access, crate::travel::Unreachable>>| {
                v.into_iter()
                    .map(|r| r.ok().map(|a| (a.minutes, code(a.destination))))
                    .collect::<Vec<Option<(f64, String)>>>()
            };
            Some((conv(r.before), conv(r.after)))
        }
        _ => None,
    };
    let factor: Vec<Option<f64>> = match atlas.layers.get(ids::GP_DETOUR_FACTOR).map(|l| &l.values)
    {
        Some(Values::Number(v)) => v.clone(),
        _ => vec![None; n],
    };
    let est = Estimate {
        factor,
        median_factor: f64::NAN,
    };
    let kmh = estimate_kmh(mode);
    let estimated = |sites: &[GpSite]| -> Vec<Option<(f64, String)>> {
        if routed.len() == n {
            return vec![None; n];
        }
        est.minutes_for(atlas, sites)
            .into_iter()
            .map(|r| r.map(|r| (r.road_km / kmh * 60.0, r.site_code)))
            .collect()
    };
    let (mut before, mut after) = rayon::join(
        || estimated(&atlas.gp_sites.sites),
        || estimated(&after_sites),
    );
    if let Some((net_before, net_after)) = network_part {
        for ((&i, b), a) in routed.iter().zip(net_before).zip(net_after) {
            before[i] = b;
            after[i] = a;
        }
    }
    let method = match routed.len() {
        0 => Method::Estimate,
        r if r == n => Method::Network,
        _ => Method::Mixed,
    };
    Ok(outcome(
        atlas,
        scenario,
        mode.as_str(),
        method,
        &before,
        &after,
    ))
}

/// Per area (`None` = no figure): minutes to the nearest site and its code.
pub(super) type Nearest = Vec<Option<(f64, String)>>;

/// The areas whose time changes between `before` and `after`, largest change first, and who
/// lives there by IMD decile.
pub(super) fn outcome(
    atlas: &Atlas,
    scenario: &Scenario,
    mode: &str,
    method: Method,
    before: &Nearest,
    after: &Nearest,
) -> ScenarioOutcome {
    let mut changes = Vec::new();
    let mut by_decile: BTreeMap<u8, (usize, f64, f64)> = BTreeMap::new();
    for (i, a) in atlas.areas.iter().enumerate() {
        let (b, af) = (before[i].as_ref(), after[i].as_ref());
        let differs = match (b, af) {
            // A change of time counts; so does a change of site when today's nearest closed
            // (people must go elsewhere, even to a co-located site at the same time).
            (Some(x), Some(y)) => {
                (x.0 - y.0).abs() > 1e-6 || (x.1 != y.1 && scenario.closes_code(atlas, &x.1))
            }
            (None, None) => false,
            _ => true,
        };
        if !differs {
            continue;
        }
        let population = atlas.number(ids::POPULATION, i);
        let children = atlas.number(ids::CHILDREN, i);
        let imd_decile = atlas.number(ids::IMD_DECILE, i);
        if let Some(d) = imd_decile {
            let e = by_decile.entry(d as u8).or_default();
            e.0 += 1;
            e.1 += population.unwrap_or(0.0);
            e.2 += children.unwrap_or(0.0);
        }
        changes.push(Change {
            area: i,
            code: a.code.clone(),
            name: a.name.clone(),
            district: a.district.clone(),
            before_min: b.map(|x| x.0),
            after_min: af.map(|x| x.0),
            delta_min: b.zip(af).map(|(x, y)| y.0 - x.0),
            nearest_before: b.map(|x| x.1.clone()),
            nearest_after: af.map(|x| x.1.clone()),
            population,
            children,
            imd_decile,
        });
    }
    changes.sort_by(|x, y| {
        y.delta_min
            .unwrap_or(f64::INFINITY)
            .abs()
            .total_cmp(&x.delta_min.unwrap_or(f64::INFINITY).abs())
            .then(x.code.cmp(&y.code))
    });
    ScenarioOutcome {
        mode: mode.into(),
        method: method.as_str().into(),
        changes,
        closed: scenario.closed_sites(atlas).into_iter().cloned().collect(),
        opened: scenario.open.clone(),
        by_imd_decile: by_decile,
    }
}
