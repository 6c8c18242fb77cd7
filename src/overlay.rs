//! GP-access layers, computed in parallel: on an OpenStreetMap road network when one is present,
//! otherwise estimated from the official IoD2019 road distances; plus the official reference
//! figures and what-if scenarios (a surgery closes, a new one opens).

use crate::atlas::gp::{GpKind, GpSite};
use crate::atlas::layers::{Direction, Group, Layer, LayerMeta, Method, Values};
use crate::atlas::{Atlas, AtlasError};
use crate::sources::{self, DataDir, SourceError};
use crate::travel::{speeds, Networks, TravelError, TravelMode};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Average door-to-door car speed for the no-network estimate. DfT's congestion statistics
/// (CGN0501) put average weekday speeds on local 'A' roads in England at about 25 mph, i.e. 40 km/h.
pub const ESTIMATE_CAR_KMH: f64 = 40.0;

/// Below this straight-line distance the road/straight ratio of one area is too noisy to use, so
/// the region's median ratio is used instead.
pub const MIN_STRAIGHT_KM_FOR_FACTOR: f64 = 0.1;

pub const MODES: [TravelMode; 3] = [TravelMode::Walk, TravelMode::Cycle, TravelMode::Car];

#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(transparent)]
    Atlas(#[from] AtlasError),
    #[error("road network {path}: {source}")]
    Network { path: PathBuf, source: TravelError },
    #[error(
        "GP site '{0}' is not among the sites in use (see /api/gp-sites or `needsmap data status`)"
    )]
    UnknownSite(String),
    #[error("cannot place a new site at '{0}': give a postcode (\"GL1 2EH\"), a lon,lat pair (\"-2.24,51.86\") or an ODS code")]
    BadSite(String),
}

/// How the travel-time layers of this atlas were made.
#[derive(Debug, Clone, Serialize)]
pub enum AccessBasis {
    /// Routed on this OSM file.
    Network { file: PathBuf },
    /// Estimated from IoD2019 road distances (no network file present).
    Estimate,
}

pub fn layer_id(mode: TravelMode) -> &'static str {
    match mode {
        TravelMode::Walk => "gp_walk_min",
        TravelMode::Cycle => "gp_cycle_min",
        TravelMode::Car => "gp_car_min",
    }
}

/// The distance layer that goes with a mode's minutes.
pub fn km_layer_id(mode: TravelMode) -> &'static str {
    match mode {
        TravelMode::Walk => "gp_walk_km",
        TravelMode::Cycle => "gp_cycle_km",
        TravelMode::Car => "gp_car_km",
    }
}

fn estimate_kmh(mode: TravelMode) -> f64 {
    match mode {
        TravelMode::Walk => speeds::WALK_KMH,
        TravelMode::Cycle => speeds::CYCLE_KMH,
        TravelMode::Car => ESTIMATE_CAR_KMH,
    }
}

fn meta(
    id: &str,
    title: &str,
    unit: &str,
    description: String,
    source: &sources::Source,
    method: Method,
) -> LayerMeta {
    LayerMeta::from_source(
        id,
        title,
        unit,
        description,
        source,
        Direction::HigherIsWorse,
        method,
        Group::GpAccess,
    )
}

/// The OSM extract the GP-access layers route on: `network` when given, otherwise the
/// Gloucestershire extract when it is in the data directory; `None` means they are estimated.
pub fn network_path(
    data: &DataDir,
    network: Option<&Path>,
) -> Result<Option<PathBuf>, OverlayError> {
    Ok(match network {
        Some(p) => Some(p.to_path_buf()),
        None if data.has("osm_gloucestershire") => Some(data.require("osm_gloucestershire")?),
        None => None,
    })
}

/// Parse an OSM extract into its walk, cycle and car networks. The crate reads networks for the
/// atlas only through here, so the log (target `needsmap::overlay`) shows how often a file is
/// parsed, and callers keep the result to reuse it (scenarios) instead of parsing again.
pub fn read_networks(path: &Path) -> Result<Networks, OverlayError> {
    tracing::info!(path = %path.display(), "parsing OSM network");
    Networks::from_pbf(path).map_err(|e| OverlayError::Network {
        path: path.to_path_buf(),
        source: e,
    })
}

/// Add every GP-access layer to the atlas, reading the network [`network_path`] names (see
/// [`add_gp_access_layers_on`] to route on networks already parsed).
pub fn add_gp_access_layers(
    atlas: &mut Atlas,
    data: &DataDir,
    network: Option<&Path>,
) -> Result<AccessBasis, OverlayError> {
    let networks = match network_path(data, network)? {
        Some(path) => Some((read_networks(&path)?, path)),
        None => None,
    };
    add_gp_access_layers_on(
        atlas,
        data,
        networks.as_ref().map(|(n, p)| (p.as_path(), n)),
    )
}

/// Add every GP-access layer to the atlas: routed on `networks` (parsed from the file at the
/// path) when given, otherwise estimates that say so.
pub fn add_gp_access_layers_on(
    atlas: &mut Atlas,
    data: &DataDir,
    networks: Option<(&Path, &Networks)>,
) -> Result<AccessBasis, OverlayError> {
    let codes: std::collections::HashSet<String> =
        atlas.areas.iter().map(|a| a.code.clone()).collect();
    let ind_src = data.manifest.get("iod2019_indicators")?.clone();
    let road = sources::indicators::read_gp_road_distance(
        &data.require("iod2019_indicators")?,
        Some(&codes),
    )?;
    let road_km: Vec<Option<f64>> = atlas
        .areas
        .iter()
        .map(|a| road.get(&a.code).copied())
        .collect();
    atlas.layers.insert(Layer {
        meta: meta(
            "gp_road_km_iod2019",
            "Road distance to a GP surgery (IoD2019)",
            "km",
            "Official IoD2019 indicator (File 8, Barriers to Housing and Services domain): mean road distance to the nearest GP surgery from the population-weighted postcodes of the LSOA, reference year 2019.".into(),
            &ind_src,
            Method::Reference,
        ),
        values: Values::Number(road_km.clone()),
    });

    let acs_src = data.manifest.get("dft_acs0505_2013")?.clone();
    let acs = sources::indicators::read_acs0505(&data.require("dft_acs0505_2013")?, Some(&codes))?;
    let missing_acs = atlas
        .areas
        .iter()
        .filter(|a| !acs.contains_key(&a.code))
        .count();
    let absent_note = format!(
        " {missing_acs} of the region's LSOAs were created after 2001 and have no ACS0505 value (ACS0505 uses 2001 LSOAs); they are left blank, not estimated."
    );
    for (id, title, pick) in [
        (
            "gp_pt_walk_min_2013",
            "Minutes to a GP by public transport/walk (DfT 2013)",
            0usize,
        ),
        (
            "gp_cycle_min_2013",
            "Minutes to a GP by cycle (DfT 2013)",
            1,
        ),
        ("gp_car_min_2013", "Minutes to a GP by car (DfT 2013)", 2),
    ] {
        let values = atlas
            .areas
            .iter()
            .map(|a| {
                acs.get(&a.code)
                    .and_then(|r| [r.pt_walk_min, r.cycle_min, r.car_min][pick])
            })
            .collect();
        atlas.layers.insert(Layer {
            meta: meta(id, title, "minutes", format!("Official DfT Accessibility Statistics table ACS0505 (2013), modelled travel time to the nearest GP.{absent_note}"), &acs_src, Method::Reference),
            values: Values::Number(values),
        });
    }

    match networks {
        Some((path, networks)) => {
            let osm = data.manifest.get("osm_gloucestershire")?.clone();
            let origins: Vec<(f64, f64)> = atlas
                .areas
                .iter()
                .map(|a| (a.centroid.x(), a.centroid.y()))
                .collect();
            let sites: Vec<(f64, f64)> = atlas
                .gp_sites
                .sites
                .iter()
                .map(|s| (s.lon, s.lat))
                .collect();
            let results: Vec<(
                TravelMode,
                Vec<Result<crate::travel::Access, crate::travel::Unreachable>>,
            )> = MODES
                .par_iter()
                .map(|&m| {
                    (
                        m,
                        networks.get(m).nearest_facility_detailed(&origins, &sites),
                    )
                })
                .collect();
            let mut nearest = vec![None; atlas.areas.len()];
            for (mode, res) in results {
                let unreachable = res.iter().filter(|r| r.is_err()).count();
                let values: Vec<Option<f64>> = res
                    .iter()
                    .map(|r| r.as_ref().ok().map(|a| a.minutes))
                    .collect();
                let km: Vec<Option<f64>> = res
                    .iter()
                    .map(|r| r.as_ref().ok().map(|a| a.metres / 1000.0))
                    .collect();
                atlas.layers.insert(Layer {
                    meta: meta(
                        km_layer_id(mode),
                        &format!("Network distance to the nearest GP by {} (km)", mode.as_str()),
                        "km",
                        format!("Routed by needsmap on the OpenStreetMap network ({}): distance along the {} network from the population-weighted centroid to the nearest GP site; blank where there is no route.", path.display(), mode.as_str()),
                        &osm,
                        Method::Network,
                    ),
                    values: Values::Number(km),
                });
                if mode == TravelMode::Walk {
                    nearest = res
                        .iter()
                        .map(|r| {
                            r.as_ref()
                                .ok()
                                .map(|a| atlas.gp_sites.sites[a.destination].code.clone())
                        })
                        .collect();
                }
                let mut m = meta(
                    layer_id(mode),
                    &format!("Minutes to the nearest GP by {}", mode.as_str()),
                    "minutes",
                    format!(
                        "Routed by needsmap on the OpenStreetMap network ({}): multi-source Dijkstra from all {} GP sites in use to each LSOA's population-weighted centroid, one-way streets honoured; the walk from the centroid to the nearest {} road is included at {} km/h. {} areas have no route (no usable road within reach) and are left blank.",
                        path.display(),
                        atlas.gp_sites.len(),
                        mode.as_str(),
                        speeds::WALK_KMH,
                        unreachable
                    ),
                    &osm,
                    Method::Network,
                );
                m.vintage = format!(
                    "network file {}; GP sites {}",
                    path.file_name().and_then(|f| f.to_str()).unwrap_or("?"),
                    atlas
                        .gp_sites
                        .sites
                        .first()
                        .map(|s| s.vintage.as_str())
                        .unwrap_or("")
                );
                atlas.layers.insert(Layer {
                    meta: m,
                    values: Values::Number(values),
                });
            }
            insert_nearest(
                atlas,
                nearest,
                "nearest by walking on the road network",
                &osm,
                Method::Network,
            );
            Ok(AccessBasis::Network {
                file: path.to_path_buf(),
            })
        }
        None => {
            let est = Estimate::new(atlas, &road_km);
            let ep_src = data.manifest.get("epraccur")?.clone();
            let minutes = est.minutes_for(atlas, &atlas.gp_sites.sites);
            let nearest: Vec<Option<String>> = minutes
                .iter()
                .map(|m| m.as_ref().map(|r| r.site_code.clone()))
                .collect();
            for mode in MODES {
                let km: Vec<Option<f64>> = minutes
                    .iter()
                    .map(|r| r.as_ref().map(|r| r.road_km))
                    .collect();
                atlas.layers.insert(Layer {
                    meta: LayerMeta {
                        vintage: format!("GP sites {}; road distances IoD2019", ep_src.vintage),
                        ..meta(
                            km_layer_id(mode),
                            &format!("Road distance to the nearest GP by {} (km, estimate)", mode.as_str()),
                            "km",
                            "ESTIMATE — straight-line distance from the population-weighted centroid to today's nearest GP site × the area's IoD2019 road/straight-line ratio (see gp_detour_factor). The same estimated road distance serves every mode until a road network is present.".into(),
                            &ep_src,
                            Method::Estimate,
                        )
                    },
                    values: Values::Number(km),
                });
                let values: Vec<Option<f64>> = minutes
                    .iter()
                    .map(|r| r.as_ref().map(|r| r.road_km / estimate_kmh(mode) * 60.0))
                    .collect();
                let m = meta(
                    layer_id(mode),
                    &format!("Minutes to the nearest GP by {} (estimate)", mode.as_str()),
                    "minutes",
                    format!(
                        "ESTIMATE — no road network for this region is present (the OpenStreetMap extract `{}` is not in the data directory). For each LSOA: detour factor = official IoD2019 road distance to a GP ÷ straight-line distance from the population-weighted centroid to the nearest GP site open on 1 January 2019 (practices whose NHS ODS open/close dates cover that day, plus 2017 branch surgeries whose parent was then open); where that straight line is under {} km the region's median factor ({:.2}) is used. Estimated road distance to today's nearest site = straight line × factor; minutes at {} km/h. Replaced automatically by network routing when the extract is present.",
                        data.manifest.get("osm_gloucestershire")?.file,
                        MIN_STRAIGHT_KM_FOR_FACTOR,
                        est.median_factor,
                        estimate_kmh(mode)
                    ),
                    &ep_src,
                    Method::Estimate,
                );
                atlas.layers.insert(Layer {
                    meta: LayerMeta {
                        vintage: format!("GP sites {}; road distances IoD2019", ep_src.vintage),
                        ..m
                    },
                    values: Values::Number(values),
                });
            }
            atlas.layers.insert(Layer {
                meta: LayerMeta {
                    unit: "ratio".into(),
                    direction: Direction::Neutral,
                    ..meta(
                        "gp_detour_factor",
                        "Road/straight-line ratio to a GP (estimate input)",
                        "ratio",
                        format!("Computed: IoD2019 road distance to a GP ÷ straight-line distance from the centroid to the nearest GP site open on 1 January 2019; the region's median ({:.2}) where the straight line is under {} km. Used to estimate GP travel times without a road network.", est.median_factor, MIN_STRAIGHT_KM_FOR_FACTOR),
                        &ind_src,
                        Method::Computed,
                    )
                },
                values: Values::Number(est.factor.clone()),
            });
            insert_nearest(
                atlas,
                nearest,
                "nearest by straight line",
                &ep_src,
                Method::Estimate,
            );
            Ok(AccessBasis::Estimate)
        }
    }
}

fn insert_nearest(
    atlas: &mut Atlas,
    nearest: Vec<Option<String>>,
    how: &str,
    source: &sources::Source,
    method: Method,
) {
    atlas.layers.insert(Layer {
        meta: LayerMeta {
            direction: Direction::Neutral,
            ..meta("gp_nearest", "Nearest GP site", "ODS code", format!("NHS ODS code of the GP site in use {how} from the population-weighted centroid."), source, method)
        },
        values: Values::Text(nearest),
    });
}

/// The estimate's per-area inputs: road/straight-line detour factors.
#[derive(Debug, Clone)]
pub struct Estimate {
    pub factor: Vec<Option<f64>>,
    pub median_factor: f64,
}

/// One area's estimated access to a set of sites.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimatedAccess {
    pub site_code: String,
    pub straight_km: f64,
    pub road_km: f64,
}

impl Estimate {
    /// Detour factors from the official road distances and the sites open on the indicator's date.
    pub fn new(atlas: &Atlas, road_km: &[Option<f64>]) -> Estimate {
        let straight19: Vec<Option<f64>> = atlas
            .areas
            .par_iter()
            .map(|a| {
                atlas
                    .gp_sites_2019
                    .nearest(a.centroid.x(), a.centroid.y(), 1)
                    .first()
                    .map(|(_, m)| m / 1000.0)
            })
            .collect();
        let raw: Vec<Option<f64>> = road_km
            .iter()
            .zip(&straight19)
            .map(|(r, s)| match (r, s) {
                (Some(r), Some(s)) if *s >= MIN_STRAIGHT_KM_FOR_FACTOR => Some(r / s),
                _ => None,
            })
            .collect();
        let mut sorted: Vec<f64> = raw.iter().flatten().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let median_factor = if sorted.is_empty() {
            1.0
        } else {
            sorted[sorted.len() / 2]
        };
        let factor = raw
            .iter()
            .zip(road_km)
            .map(|(f, r)| match (f, r) {
                (Some(f), _) => Some(*f),
                (None, Some(_)) => Some(median_factor),
                (None, None) => None,
            })
            .collect();
        Estimate {
            factor,
            median_factor,
        }
    }

    /// Estimated access from every area to the nearest of `sites` (in parallel).
    pub fn minutes_for(&self, atlas: &Atlas, sites: &[GpSite]) -> Vec<Option<EstimatedAccess>> {
        let index = crate::atlas::gp::GpSites::new(sites.to_vec(), BTreeMap::new());
        atlas
            .areas
            .par_iter()
            .zip(&self.factor)
            .map(|(a, f)| {
                let f = (*f)?;
                let (site, m) = index
                    .nearest(a.centroid.x(), a.centroid.y(), 1)
                    .into_iter()
                    .next()?;
                let straight_km = m / 1000.0;
                Some(EstimatedAccess {
                    site_code: site.code.clone(),
                    straight_km,
                    road_km: straight_km * f,
                })
            })
            .collect()
    }
}

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

    /// The site list of this scenario.
    pub fn sites(&self, atlas: &Atlas) -> Result<Vec<GpSite>, OverlayError> {
        for c in &self.close {
            if atlas.gp_sites.by_code(c).is_none() {
                return Err(OverlayError::UnknownSite(c.clone()));
            }
        }
        let closed = |s: &GpSite| {
            self.close.iter().any(|c| {
                c.eq_ignore_ascii_case(&s.code)
                    || s.parent
                        .as_deref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(c))
            })
        };
        let mut sites: Vec<GpSite> = atlas
            .gp_sites
            .sites
            .iter()
            .filter(|s| !closed(s))
            .cloned()
            .collect();
        sites.extend(self.open.iter().cloned());
        Ok(sites)
    }
}

/// One area whose access changes under a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
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
    /// IMD decile → (areas, people, children) whose time changed.
    pub by_imd_decile: BTreeMap<u8, (usize, f64, f64)>,
}

/// Recompute access for a scenario and compare with today. With `networks`, routes on them;
/// otherwise uses the estimate.
pub fn run_scenario(
    atlas: &Atlas,
    scenario: &Scenario,
    mode: TravelMode,
    networks: Option<&Networks>,
) -> Result<ScenarioOutcome, OverlayError> {
    let after_sites = scenario.sites(atlas)?;
    let (before, after, method): (Vec<Option<(f64, String)>>, Vec<Option<(f64, String)>>, &str) =
        match networks {
            Some(n) => {
                let origins: Vec<(f64, f64)> = atlas
                    .areas
                    .iter()
                    .map(|a| (a.centroid.x(), a.centroid.y()))
                    .collect();
                let net = n.get(mode);
                let run = |sites: &[GpSite]| -> Vec<Option<(f64, String)>> {
                    let pts: Vec<(f64, f64)> = sites.iter().map(|s| (s.lon, s.lat)).collect();
                    net.nearest_facility(&origins, &pts)
                        .into_iter()
                        .map(|r| r.map(|a| (a.minutes, sites[a.destination].code.clone())))
                        .collect()
                };
                let (b, a) = rayon::join(|| run(&atlas.gp_sites.sites), || run(&after_sites));
                (b, a, "network")
            }
            None => {
                let factor: Vec<Option<f64>> =
                    match atlas.layers.get("gp_detour_factor").map(|l| &l.values) {
                        Some(Values::Number(v)) => v.clone(),
                        _ => vec![None; atlas.areas.len()],
                    };
                let est = Estimate {
                    factor,
                    median_factor: f64::NAN,
                };
                let kmh = estimate_kmh(mode);
                let conv = |v: Vec<Option<EstimatedAccess>>| {
                    v.into_iter()
                        .map(|r| r.map(|r| (r.road_km / kmh * 60.0, r.site_code)))
                        .collect::<Vec<_>>()
                };
                let (b, a) = rayon::join(
                    || conv(est.minutes_for(atlas, &atlas.gp_sites.sites)),
                    || conv(est.minutes_for(atlas, &after_sites)),
                );
                (b, a, "estimate")
            }
        };
    let mut changes = Vec::new();
    let mut by_decile: BTreeMap<u8, (usize, f64, f64)> = BTreeMap::new();
    for (i, a) in atlas.areas.iter().enumerate() {
        let (b, af) = (before[i].as_ref(), after[i].as_ref());
        let differs = match (b, af) {
            // Co-located sites tie; only a change in time counts.
            (Some(x), Some(y)) => (x.0 - y.0).abs() > 1e-6,
            (None, None) => false,
            _ => true,
        };
        if !differs {
            continue;
        }
        let population = atlas.number("population", i);
        let children = atlas.number("children", i);
        let imd_decile = atlas.number("imd_decile", i);
        if let Some(d) = imd_decile {
            let e = by_decile.entry(d as u8).or_default();
            e.0 += 1;
            e.1 += population.unwrap_or(0.0);
            e.2 += children.unwrap_or(0.0);
        }
        changes.push(Change {
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
    Ok(ScenarioOutcome {
        mode: mode.as_str().into(),
        method: method.into(),
        changes,
        by_imd_decile: by_decile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_ids_are_the_documented_ones() {
        assert_eq!(
            MODES.map(layer_id),
            ["gp_walk_min", "gp_cycle_min", "gp_car_min"]
        );
        assert!(estimate_kmh(TravelMode::Walk) < estimate_kmh(TravelMode::Cycle));
        assert!(estimate_kmh(TravelMode::Cycle) < estimate_kmh(TravelMode::Car));
    }
}
