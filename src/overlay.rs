//! GP-access layers, computed in parallel: routed on an OpenStreetMap road network for the areas
//! the network covers, estimated from the official IoD2019 road distances everywhere else; plus
//! the official reference figures and what-if scenarios (a surgery closes, a new one opens).
//!
//! What each layer is comes from the catalogue ([`crate::atlas::layers::catalogue`]); this module
//! supplies the values, each area's method, and a note on how this run made them.

use crate::atlas::gp::{GpKind, GpSite};
use crate::atlas::layers::catalogue::{self, declared, source, Vars};
use crate::atlas::layers::{ids, Layer, LayerMeta, Method, Values};
use crate::atlas::{Atlas, AtlasError};
use crate::sources::{self, DataDir, SourceError};
use crate::travel::{speeds, Access, Network, Networks, TravelError, TravelMode};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Average door-to-door car speed for the no-network estimate. DfT's congestion statistics
/// (CGN0501) put average weekday speeds on local 'A' roads in England at about 25 mph, i.e. 40 km/h.
pub const ESTIMATE_CAR_KMH: f64 = 40.0;

/// Below this straight-line distance the road/straight ratio of one area is too noisy to use, so
/// the region's median ratio is used instead.
pub const MIN_STRAIGHT_KM_FOR_FACTOR: f64 = 0.1;

pub const MODES: [TravelMode; 3] = [TravelMode::Walk, TravelMode::Cycle, TravelMode::Car];

/// Where GTFS feeds are looked for in the data directory.
pub const GTFS_DIR: &str = "transit/gtfs";

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
    /// Routed on this OSM file for the areas it covers (walking network), estimated elsewhere.
    Network {
        file: PathBuf,
        covered: usize,
        areas: usize,
    },
    /// Estimated from IoD2019 road distances (no network file present).
    Estimate,
}

/// The minutes layer of a mode.
pub fn layer_id(mode: TravelMode) -> &'static str {
    match mode {
        TravelMode::Walk => ids::GP_WALK_MIN,
        TravelMode::Cycle => ids::GP_CYCLE_MIN,
        TravelMode::Car => ids::GP_CAR_MIN,
    }
}

/// The distance layer that goes with a mode's minutes.
pub fn km_layer_id(mode: TravelMode) -> &'static str {
    match mode {
        TravelMode::Walk => ids::GP_WALK_KM,
        TravelMode::Cycle => ids::GP_CYCLE_KM,
        TravelMode::Car => ids::GP_CAR_KM,
    }
}

fn estimate_kmh(mode: TravelMode) -> f64 {
    match mode {
        TravelMode::Walk => speeds::WALK_KMH,
        TravelMode::Cycle => speeds::CYCLE_KMH,
        TravelMode::Car => ESTIMATE_CAR_KMH,
    }
}

/// One area's answer from a network: `None` where the network does not cover the area (the
/// estimate answers there), `Some(None)` where it covers the area but finds no route.
type Routed = Option<Option<Access>>;

/// Route on `net` from the areas it covers. An area is covered when both its population-weighted
/// centroid and its nearest GP site by straight line lie within the network's snap distance: then
/// the network holds the roads of the journey that matters. Elsewhere — beyond the extract, or at
/// its edge where the nearest surgery is outside it — a routed time would be blank or wrong.
fn route_covered(
    net: &Network,
    origins: &[(f64, f64)],
    nearest_site: &[Option<(f64, f64)>],
    sites: &[(f64, f64)],
) -> Vec<Routed> {
    let covered: Vec<usize> = origins
        .par_iter()
        .zip(nearest_site)
        .enumerate()
        .filter(|(_, (o, s))| {
            net.snap(o.0, o.1).is_some() && s.is_some_and(|s| net.snap(s.0, s.1).is_some())
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = vec![None; origins.len()];
    if covered.is_empty() {
        return out;
    }
    let from: Vec<(f64, f64)> = covered.iter().map(|&i| origins[i]).collect();
    for (&i, r) in covered
        .iter()
        .zip(net.nearest_facility_detailed(&from, sites))
    {
        out[i] = Some(r.ok());
    }
    out
}

/// Each area's value and method: the network's where it covers the area, the estimate's elsewhere.
fn merge<T>(
    routed: Option<&[Routed]>,
    n: usize,
    from_network: impl Fn(&Access) -> T,
    estimate: impl Fn(usize) -> Option<T>,
) -> (Vec<Option<T>>, Vec<Method>) {
    (0..n)
        .map(|i| match routed.and_then(|r| r[i].as_ref()) {
            Some(answer) => (answer.as_ref().map(&from_network), Method::Network),
            None => (estimate(i), Method::Estimate),
        })
        .unzip()
}

/// The OSM extract the GP-access layers route on: `network` when given, otherwise the
/// Gloucestershire extract when it is in the data directory; `None` means they are estimated.
pub fn network_path(
    data: &DataDir,
    network: Option<&Path>,
) -> Result<Option<PathBuf>, OverlayError> {
    Ok(match network {
        Some(p) => Some(p.to_path_buf()),
        None if data.has(source::OSM_GLOUCESTERSHIRE) => {
            Some(data.require(source::OSM_GLOUCESTERSHIRE)?)
        }
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
/// path) where they cover an area; areas they do not cover (and every area without a network)
/// get the estimate, and the layer says which is which.
pub fn add_gp_access_layers_on(
    atlas: &mut Atlas,
    data: &DataDir,
    networks: Option<(&Path, &Networks)>,
) -> Result<AccessBasis, OverlayError> {
    let n = atlas.areas.len();
    let vars = Vars {
        national: atlas.national_count,
        areas: n,
    };
    let manifest = &data.manifest;
    let codes: HashSet<String> = atlas.areas.iter().map(|a| a.code.clone()).collect();
    let ind_src = manifest.get(source::IOD2019_INDICATORS)?.clone();
    let road = sources::indicators::read_gp_road_distance(
        &data.require(source::IOD2019_INDICATORS)?,
        Some(&codes),
    )?;
    let road_km: Vec<Option<f64>> = atlas
        .areas
        .iter()
        .map(|a| road.get(&a.code).copied())
        .collect();
    atlas.layers.insert(Layer::new(
        declared(ids::GP_ROAD_KM_IOD2019).meta(&ind_src, &vars),
        Values::Number(road_km.clone()),
    ));
    add_acs0505_reference(atlas, data, &codes, &vars)?;

    // The estimate answers wherever no network does, so it is always made.
    let est = Estimate::new(atlas, &road_km);
    let estimated = est.minutes_for(atlas, &atlas.gp_sites.sites);
    let factor_note = format!(" The region's median ({:.2}) where the straight line is under {MIN_STRAIGHT_KM_FOR_FACTOR} km.", est.median_factor);
    atlas.layers.insert(Layer::new(
        with_note(
            declared(ids::GP_DETOUR_FACTOR).meta(&ind_src, &vars),
            &factor_note,
        ),
        Values::Number(est.factor.clone()),
    ));

    let routed: Option<(PathBuf, Vec<(TravelMode, Vec<Routed>)>)> = match networks {
        Some((path, networks)) => {
            let origins: Vec<(f64, f64)> = atlas
                .areas
                .iter()
                .map(|a| (a.centroid.x(), a.centroid.y()))
                .collect();
            let nearest: Vec<Option<(f64, f64)>> = origins
                .par_iter()
                .map(|&(lon, lat)| {
                    atlas
                        .gp_sites
                        .nearest(lon, lat, 1)
                        .first()
                        .map(|(s, _)| (s.lon, s.lat))
                })
                .collect();
            let sites: Vec<(f64, f64)> = atlas
                .gp_sites
                .sites
                .iter()
                .map(|s| (s.lon, s.lat))
                .collect();
            let per_mode = MODES
                .par_iter()
                .map(|&m| {
                    (
                        m,
                        route_covered(networks.get(m), &origins, &nearest, &sites),
                    )
                })
                .collect();
            Some((path.to_path_buf(), per_mode))
        }
        None => None,
    };

    let ep_src = manifest.get(source::EPRACCUR)?.clone();
    let osm_src = manifest.get(source::OSM_GLOUCESTERSHIRE)?.clone();
    let gp_vintage = atlas
        .gp_sites
        .sites
        .first()
        .map(|s| s.vintage.clone())
        .unwrap_or_else(|| ep_src.vintage.clone());
    let site_code = |i: usize| atlas.gp_sites.sites[i].code.clone();
    let mut layers = Vec::new();
    for mode in MODES {
        let network = routed.as_ref().map(|(path, per_mode)| {
            (
                path,
                &per_mode
                    .iter()
                    .find(|(m, _)| *m == mode)
                    .expect("every mode is routed")
                    .1,
            )
        });
        let r = network.map(|(_, r)| r.as_slice());
        let kmh = estimate_kmh(mode);
        let (minutes, methods) = merge(
            r,
            n,
            |a| a.minutes,
            |i| estimated[i].as_ref().map(|e| e.road_km / kmh * 60.0),
        );
        let (km, _) = merge(
            r,
            n,
            |a| a.metres / 1000.0,
            |i| estimated[i].as_ref().map(|e| e.road_km),
        );
        let how = How::of(
            &methods,
            network.map(|(p, _)| p.as_path()),
            &minutes,
            mode,
            n,
        );
        let notes =
            |network_note: String, estimate_note: String| how.describe(network_note, estimate_note);
        let path = network
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_default();
        let minutes_meta = how.provenance(
            declared(layer_id(mode)),
            notes(
                format!(
                    "multi-source Dijkstra from all {} GP sites in use to each LSOA's population-weighted centroid, one-way streets honoured; the walk from the centroid to the nearest {} road is included at {} km/h.",
                    atlas.gp_sites.len(),
                    mode.as_str(),
                    speeds::WALK_KMH
                ),
                format!(
                    "For each LSOA: detour factor = official IoD2019 road distance to a GP ÷ straight-line distance from the population-weighted centroid to the nearest GP site open on 1 January 2019 (practices whose NHS ODS open/close dates cover that day, plus 2017 branch surgeries whose parent was then open); where that straight line is under {MIN_STRAIGHT_KM_FOR_FACTOR} km the region's median factor ({:.2}) is used. Estimated road distance to today's nearest site = straight line × factor; minutes at {kmh} km/h.",
                    est.median_factor
                ),
            ),
            (&osm_src, &ep_src),
            &vars,
            &gp_vintage,
            &path,
        );
        let km_meta = how.provenance(
            declared(km_layer_id(mode)),
            notes(
                format!("distance along the {} network; blank where there is no route.", mode.as_str()),
                "straight-line distance from the population-weighted centroid to today's nearest GP site × the area's IoD2019 road/straight-line ratio (see gp_detour_factor); the same estimated road distance serves every mode.".into(),
            ),
            (&osm_src, &ep_src),
            &vars,
            &gp_vintage,
            &path,
        );
        if mode == TravelMode::Walk {
            let (nearest, _) = merge(
                r,
                n,
                |a| site_code(a.destination),
                |i| estimated[i].as_ref().map(|e| e.site_code.clone()),
            );
            let nearest_meta = how.provenance(
                declared(ids::GP_NEAREST),
                notes(
                    "nearest by walking on the road network.".into(),
                    "nearest by straight line.".into(),
                ),
                (&osm_src, &ep_src),
                &vars,
                &gp_vintage,
                &path,
            );
            layers.push(Layer::with_area_methods(
                nearest_meta,
                Values::Text(nearest),
                methods.clone(),
            ));
        }
        layers.push(Layer::with_area_methods(
            km_meta,
            Values::Number(km),
            methods.clone(),
        ));
        layers.push(Layer::with_area_methods(
            minutes_meta,
            Values::Number(minutes),
            methods,
        ));
    }
    for l in layers {
        atlas.layers.insert(l);
    }
    atlas.layers.sort_as_catalogue();
    mark_public_transport_absent(atlas, data);

    Ok(match routed {
        Some((file, _)) => {
            let walk = atlas.layers.get(ids::GP_WALK_MIN).expect("just inserted");
            let covered = (0..n)
                .filter(|&i| walk.method_of(i) == Method::Network)
                .count();
            AccessBasis::Network {
                file,
                covered,
                areas: n,
            }
        }
        None => AccessBasis::Estimate,
    })
}

/// How a routed-or-estimated layer was made this run, for its method, source and description.
struct How {
    routed: usize,
    estimated: usize,
    no_route: usize,
    network: Option<PathBuf>,
    mode: TravelMode,
    areas: usize,
}

impl How {
    fn of(
        methods: &[Method],
        network: Option<&Path>,
        values: &[Option<f64>],
        mode: TravelMode,
        areas: usize,
    ) -> How {
        let routed = methods.iter().filter(|&&m| m == Method::Network).count();
        let no_route = methods
            .iter()
            .zip(values)
            .filter(|(&m, v)| m == Method::Network && v.is_none())
            .count();
        How {
            routed,
            estimated: methods.len() - routed,
            no_route,
            network: network.map(Path::to_path_buf),
            mode,
            areas,
        }
    }

    /// The run-specific part of the description: which areas were routed and how, which were
    /// estimated and why.
    fn describe(&self, network_note: String, estimate_note: String) -> String {
        let mut text = String::new();
        if self.routed > 0 && self.estimated > 0 {
            text.push_str(" MIXED — routed where the road network covers the area, estimated elsewhere; each area's profile gives its own method.");
        }
        if let (Some(path), true) = (&self.network, self.routed > 0) {
            let which = if self.estimated == 0 {
                format!("all {} areas", self.areas)
            } else {
                format!("the {} areas it covers", self.routed)
            };
            text.push_str(&format!(
                " Routed by needsmap on the OpenStreetMap network ({}) for {which}: {network_note} {} areas have no route (no usable road within reach) and are left blank.",
                path.display(),
                self.no_route
            ));
        }
        if self.estimated > 0 {
            let why = match &self.network {
                None => "no road network for this region is present (the OpenStreetMap extract is not in the data directory; network routing replaces the estimate automatically when it is)".to_string(),
                Some(path) => format!(
                    "the road network {} does not cover them (no {} road within reach of the area's population-weighted centroid and of its nearest GP site)",
                    path.display(),
                    self.mode.as_str()
                ),
            };
            let which = if self.routed == 0 {
                format!("all {} areas", self.areas)
            } else {
                format!("the other {} areas", self.estimated)
            };
            text.push_str(&format!(" ESTIMATE for {which}: {why}. {estimate_note}"));
        }
        text
    }

    /// Metadata from the catalogue row with this run's source, vintage and notes.
    fn provenance(
        &self,
        spec: &catalogue::LayerSpec,
        notes: String,
        (osm, sites): (&sources::Source, &sources::Source),
        vars: &Vars,
        gp_vintage: &str,
        path: &str,
    ) -> LayerMeta {
        let routed = self.routed > 0;
        let mut meta = spec.meta(if routed { osm } else { sites }, vars);
        let file = Path::new(path)
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or(path);
        meta.vintage = match (routed, self.estimated > 0) {
            (true, false) => format!("network file {file}; GP sites {gp_vintage}"),
            (true, true) => {
                format!("network file {file}; GP sites {gp_vintage}; road distances IoD2019")
            }
            (false, _) => format!("GP sites {}; road distances IoD2019", sites.vintage),
        };
        with_note(meta, &notes)
    }
}

fn with_note(mut meta: LayerMeta, note: &str) -> LayerMeta {
    meta.description.push_str(note);
    meta
}

/// The DfT 2013 reference times (ACS0505, on 2001 LSOAs: newer areas are blank and say so).
fn add_acs0505_reference(
    atlas: &mut Atlas,
    data: &DataDir,
    codes: &HashSet<String>,
    vars: &Vars,
) -> Result<(), OverlayError> {
    let acs_src = data.manifest.get(source::DFT_ACS0505_2013)?.clone();
    let acs =
        sources::indicators::read_acs0505(&data.require(source::DFT_ACS0505_2013)?, Some(codes))?;
    let missing = atlas
        .areas
        .iter()
        .filter(|a| !acs.contains_key(&a.code))
        .count();
    let note = format!(" {missing} of the region's LSOAs were created after 2001 and have no ACS0505 value (ACS0505 uses 2001 LSOAs); they are left blank, not estimated.");
    for (id, pick) in [
        (ids::GP_PT_WALK_MIN_2013, 0usize),
        (ids::GP_CYCLE_MIN_2013, 1),
        (ids::GP_CAR_MIN_2013, 2),
    ] {
        let values = atlas
            .areas
            .iter()
            .map(|a| {
                acs.get(&a.code)
                    .and_then(|r| [r.pt_walk_min, r.cycle_min, r.car_min][pick])
            })
            .collect();
        atlas.layers.insert(Layer::new(
            with_note(declared(id).meta(&acs_src, vars), &note),
            Values::Number(values),
        ));
    }
    Ok(())
}

/// Public-transport times need a GTFS feed; without one the layers are listed as absent, with
/// the reason, and DfT's 2013 figures remain the reference.
fn mark_public_transport_absent(atlas: &mut Atlas, data: &DataDir) {
    let dir = data.root.join(GTFS_DIR);
    let feeds = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| {
                    e.path()
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("zip"))
                })
                .count()
        })
        .unwrap_or(0);
    let reason = if feeds == 0 {
        format!("no GTFS feed in the data directory ({}/*.zip); DfT's 2013 public-transport times (gp_pt_walk_min_2013) are the reference", dir.display())
    } else {
        format!(
            "{feeds} GTFS feed(s) in {}, but this build does not route on public transport",
            dir.display()
        )
    };
    for id in [ids::GP_PT_MIN, ids::GP_PT_WALK_MIN] {
        atlas.layers.mark_absent(declared(id), reason.clone());
    }
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

/// Recompute access for a scenario and compare with today. Areas whose base layer was routed are
/// routed again on `networks`; the others (all of them without `networks`) use the estimate, as
/// the base layer did.
pub fn run_scenario(
    atlas: &Atlas,
    scenario: &Scenario,
    mode: TravelMode,
    networks: Option<&Networks>,
) -> Result<ScenarioOutcome, OverlayError> {
    let after_sites = scenario.sites(atlas)?;
    let n = atlas.areas.len();
    let base = atlas.layers.get(layer_id(mode));
    let routed: Vec<usize> = match networks {
        Some(_) => (0..n)
            .filter(|&i| base.is_some_and(|l| l.method_of(i) == Method::Network))
            .collect(),
        None => Vec::new(),
    };
    let on_network = |sites: &[GpSite]| -> Vec<Option<(f64, String)>> {
        let Some(net) = networks.map(|ns| ns.get(mode)) else {
            return Vec::new();
        };
        if routed.is_empty() {
            return Vec::new();
        }
        let origins: Vec<(f64, f64)> = routed
            .iter()
            .map(|&i| (atlas.areas[i].centroid.x(), atlas.areas[i].centroid.y()))
            .collect();
        let pts: Vec<(f64, f64)> = sites.iter().map(|s| (s.lon, s.lat)).collect();
        net.nearest_facility(&origins, &pts)
            .into_iter()
            .map(|r| r.map(|a| (a.minutes, sites[a.destination].code.clone())))
            .collect()
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
    let answer = |sites: &[GpSite]| -> Vec<Option<(f64, String)>> {
        let (net, mut all) = rayon::join(|| on_network(sites), || estimated(sites));
        for (&i, r) in routed.iter().zip(net) {
            all[i] = r;
        }
        all
    };
    let (before, after) = rayon::join(|| answer(&atlas.gp_sites.sites), || answer(&after_sites));
    let method = match routed.len() {
        0 => Method::Estimate,
        r if r == n => Method::Network,
        _ => Method::Mixed,
    }
    .as_str();
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
        assert_eq!(
            MODES.map(km_layer_id),
            ["gp_walk_km", "gp_cycle_km", "gp_car_km"]
        );
        assert!(estimate_kmh(TravelMode::Walk) < estimate_kmh(TravelMode::Cycle));
        assert!(estimate_kmh(TravelMode::Cycle) < estimate_kmh(TravelMode::Car));
    }

    fn access(minutes: f64) -> Access {
        Access {
            destination: 0,
            minutes,
            metres: minutes * 80.0,
            origin_snap_m: 0.0,
            destination_snap_m: 0.0,
        }
    }

    #[test]
    fn the_network_answers_where_it_covers_the_area_and_the_estimate_elsewhere() {
        // Area 0 routed, 1 covered without a route, 2 not covered.
        let routed: Vec<Routed> = vec![Some(Some(access(5.0))), Some(None), None];
        let (v, m) = merge(Some(&routed), 3, |a| a.minutes, |i| Some(100.0 + i as f64));
        assert_eq!(v, vec![Some(5.0), None, Some(102.0)]);
        assert_eq!(m, vec![Method::Network, Method::Network, Method::Estimate]);
        // Without a network every area is estimated.
        let (v, m) = merge(None, 2, |a: &Access| a.minutes, |i| Some(i as f64));
        assert_eq!(
            (v, m),
            (vec![Some(0.0), Some(1.0)], vec![Method::Estimate; 2])
        );
    }

    #[test]
    fn descriptions_say_which_areas_were_routed_and_which_estimated() {
        let path = Path::new("/data/osm/some.osm.pbf");
        let mixed = How::of(
            &[Method::Network, Method::Network, Method::Estimate],
            Some(path),
            &[Some(1.0), None, Some(2.0)],
            TravelMode::Walk,
            3,
        );
        let text = mixed.describe("ROUTE".into(), "EST".into());
        assert!(
            text.contains("MIXED")
                && text.contains("for the 2 areas it covers: ROUTE 1 areas have no route"),
            "{text}"
        );
        assert!(text.contains("ESTIMATE for the other 1 areas: the road network /data/osm/some.osm.pbf does not cover them"), "{text}");
        let none = How::of(
            &[Method::Estimate; 2],
            Some(path),
            &[Some(1.0), Some(2.0)],
            TravelMode::Car,
            2,
        );
        let text = none.describe("ROUTE".into(), "EST".into());
        assert!(
            !text.contains("MIXED")
                && !text.contains("ROUTE")
                && text.contains("ESTIMATE for all 2 areas")
                && text.contains("no car road"),
            "{text}"
        );
        let absent = How::of(&[Method::Estimate], None, &[Some(1.0)], TravelMode::Car, 1);
        assert!(absent
            .describe(String::new(), "EST".into())
            .contains("no road network for this region is present"));
        let all = How::of(
            &[Method::Network],
            Some(path),
            &[Some(1.0)],
            TravelMode::Walk,
            1,
        );
        let text = all.describe("ROUTE".into(), "EST".into());
        assert!(
            text.contains("for all 1 areas") && !text.contains("ESTIMATE"),
            "{text}"
        );
    }
}
