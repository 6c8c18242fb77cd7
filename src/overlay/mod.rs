//! GP-access layers, computed in parallel: routed on an OpenStreetMap road network for the areas
//! the network covers, estimated from the official IoD2019 road distances everywhere else; plus
//! the official reference figures and what-if scenarios (a surgery closes, a new one opens).
//!
//! What each layer is comes from the catalogue ([`crate::atlas::layers::catalogue`]); this module
//! supplies the values, each area's method, and a note on how this run made them.

pub mod coverage;
mod estimate;
mod pt_scenario;
mod scenario;

pub use coverage::Coverage;
pub use estimate::{Estimate, EstimatedAccess};
pub use pt_scenario::{
    pt_unavailable, pt_walk_network, run_pt_scenario, run_pt_scenario_on, PtMeasure,
};
pub use scenario::{run_scenario, Change, Scenario, ScenarioOutcome};

use crate::atlas::layers::catalogue::{declared, source, LayerSpec, Vars};
use crate::atlas::layers::{ids, AbsentCause, Layer, LayerMeta, Method, Values};
use crate::atlas::{Atlas, AtlasError};
use crate::sources::{self, DataDir, Source, SourceError};
use crate::travel::{speeds, Networks, TravelError, TravelMode};
use coverage::merge;
use serde::Serialize;
use std::collections::HashSet;
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
    /// A public-transport question (`--mode pt`) where the atlas could not compute the layer.
    #[error("{layer} (public transport to a GP) is not available; the layer is {reason}")]
    PtAbsent { layer: &'static str, reason: String },
    /// Public transport layers (issue 11): a GTFS feed in transit/gtfs/ could not be used.
    #[error("public transport to a GP: {0}")]
    Transit(#[from] crate::travel::transit::TransitError),
    /// The caller stopped a long computation before it finished (e.g. a request timed out).
    #[error("the computation was stopped before it finished")]
    Stopped,
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
    /// Not made: the atlas has no boundaries, so no centroids to measure from.
    NoBoundaries,
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
/// get the estimate, and each layer says which is which.
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
    // The two tables above join by code; everything below measures from centroids.
    if let Some(missing) = &atlas.unmapped {
        let reason = format!("measured from each area's centroid: {missing}");
        // `mark_absent` leaves the layers made above alone.
        let specs: Vec<&LayerSpec> =
            crate::atlas::layers::catalogue::for_vintage(atlas.layers.vintage())
                .filter(|s| crate::atlas::layers::catalogue::shared(s))
                .collect();
        for spec in specs {
            atlas
                .layers
                .mark_absent(spec, AbsentCause::NoBoundaries, reason.clone());
        }
        atlas.layers.sort_as_catalogue();
        return Ok(AccessBasis::NoBoundaries);
    }

    // The estimate answers wherever no network does, so it is always made.
    let est = Estimate::new(atlas, &road_km);
    let estimated = est.minutes_for(atlas, &atlas.gp_sites.sites);
    let no_road = road_km.iter().filter(|r| r.is_none()).count();
    let factor_note = if no_road == 0 {
        format!(
            " The region's median ({:.2}) where the straight line is under \
            {MIN_STRAIGHT_KM_FOR_FACTOR} km.",
            est.median_factor
        )
    } else {
        format!(
            " The region's median ({:.2}) where the straight line is under \
            {MIN_STRAIGHT_KM_FOR_FACTOR} km, and for the {no_road} areas with no IoD2019 road \
            distance (LSOA 2021 areas split since 2011).",
            est.median_factor
        )
    };
    let factor_meta = with_note(
        declared(ids::GP_DETOUR_FACTOR).meta(&ind_src, &vars),
        &factor_note,
    );
    atlas
        .layers
        .insert(Layer::new(factor_meta, Values::Number(est.factor.clone())));

    // Every area's centroid, in area order (an error, not a misaligned list, if one had none).
    let origins = atlas.centroids()?;
    let coverage = networks
        .map(|(path, networks)| Coverage::route(atlas, &origins, networks, path.to_path_buf()));
    let ep_src = manifest.get(source::EPRACCUR)?.clone();
    let run = Run {
        vars,
        osm: manifest.get(source::OSM_GLOUCESTERSHIRE)?.clone(),
        gp_vintage: atlas
            .gp_sites
            .sites
            .first()
            .map(|s| s.vintage.clone())
            .unwrap_or_else(|| ep_src.vintage.clone()),
        sites: ep_src,
        network: coverage.as_ref().map(|c| c.file.clone()),
        gp_sites: atlas.gp_sites.len(),
        median_factor: est.median_factor,
    };
    let mut layers = Vec::new();
    for mode in MODES {
        let routed = coverage.as_ref().map(|c| c.of(mode));
        let kmh = estimate_kmh(mode);
        let (minutes, methods) = merge(
            routed,
            n,
            |a| a.minutes,
            |i| estimated[i].as_ref().map(|e| e.road_km / kmh * 60.0),
        );
        let (km, _) = merge(
            routed,
            n,
            |a| a.metres / 1000.0,
            |i| estimated[i].as_ref().map(|e| e.road_km),
        );
        let how = How::of(&methods, &minutes, mode);
        if mode == TravelMode::Walk {
            let site = |a: &crate::travel::Access| atlas.gp_sites.sites[a.destination].code.clone();
            let (nearest, _) = merge(routed, n, site, |i| {
                estimated[i].as_ref().map(|e| e.site_code.clone())
            });
            let notes = how.describe(
                &run,
                "nearest by walking on the road network.",
                "nearest by straight line.",
            );
            layers.push(Layer::with_area_methods(
                run.meta(declared(ids::GP_NEAREST), &how, notes),
                Values::Text(nearest),
                methods.clone(),
            ));
        }
        let km_notes = how.describe(
            &run,
            &format!("distance along the {mode} network; blank where there is no route."),
            "straight-line distance from the population-weighted centroid to today's nearest \
                GP site × the area's IoD2019 road/straight-line ratio (see gp_detour_factor); \
                the same estimated road distance serves every mode.",
        );
        layers.push(Layer::with_area_methods(
            run.meta(declared(km_layer_id(mode)), &how, km_notes),
            Values::Number(km),
            methods.clone(),
        ));
        let minutes_notes = how.describe(&run, &run.routing_note(mode), &run.estimate_note(kmh));
        layers.push(Layer::with_area_methods(
            run.meta(declared(layer_id(mode)), &how, minutes_notes),
            Values::Number(minutes),
            methods,
        ));
    }
    for l in layers {
        atlas.layers.insert(l);
    }
    atlas.layers.sort_as_catalogue();
    // Public transport (issue 11): routed when transit/gtfs/*.zip and a walk network exist.
    crate::pt_access::add_or_mark_absent(
        atlas,
        data,
        networks.map(|(_, n)| n.get(TravelMode::Walk)),
        &origins,
        &run.vars,
    )?;

    Ok(match coverage {
        Some(c) => {
            let walk = c.of(TravelMode::Walk);
            AccessBasis::Network {
                covered: walk.iter().filter(|r| r.is_some()).count(),
                areas: n,
                file: c.file,
            }
        }
        None => AccessBasis::Estimate,
    })
}

/// What this run of the overlay used: the facts its descriptions quote.
struct Run {
    vars: Vars,
    osm: Source,
    sites: Source,
    gp_vintage: String,
    network: Option<PathBuf>,
    gp_sites: usize,
    median_factor: f64,
}

impl Run {
    fn routing_note(&self, mode: TravelMode) -> String {
        format!(
            "multi-source Dijkstra from all {} GP sites in use to each LSOA's \
                population-weighted centroid, one-way streets honoured; the walk from the \
                centroid to the nearest {mode} road is included at {} km/h.",
            self.gp_sites,
            speeds::WALK_KMH
        )
    }

    fn estimate_note(&self, kmh: f64) -> String {
        format!(
            "For each LSOA: detour factor = official IoD2019 road distance to a GP ÷ \
                straight-line distance from the population-weighted centroid to the nearest GP \
                site open on 1 January 2019 (practices whose NHS ODS open/close dates cover that \
                day, plus 2017 branch surgeries whose parent was then open); where that straight \
                line is under {MIN_STRAIGHT_KM_FOR_FACTOR} km the region's median factor ({:.2}) \
                is used. Estimated road distance to today's nearest site = straight line × \
                factor; minutes at {kmh} km/h.",
            self.median_factor
        )
    }

    /// Metadata from the catalogue row with this run's source, vintage and notes.
    fn meta(&self, spec: &LayerSpec, how: &How, notes: String) -> LayerMeta {
        let routed = how.routed > 0;
        let mut meta = spec.meta(if routed { &self.osm } else { &self.sites }, &self.vars);
        let file = self
            .network
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let gp = &self.gp_vintage;
        meta.vintage = match (routed, how.estimated > 0) {
            (true, false) => format!("network file {file}; GP sites {gp}"),
            (true, true) => format!("network file {file}; GP sites {gp}; road distances IoD2019"),
            (false, _) => format!("GP sites {}; road distances IoD2019", self.sites.vintage),
        };
        meta.description = format!("{}{}{notes}", how.lead(), meta.description);
        meta
    }
}

/// How a routed-or-estimated layer was made this run: how many areas each way.
struct How {
    routed: usize,
    estimated: usize,
    no_route: usize,
    mode: TravelMode,
}

impl How {
    fn of(methods: &[Method], values: &[Option<f64>], mode: TravelMode) -> How {
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
            mode,
        }
    }

    /// What a reader must see first: whether the figures are estimates.
    fn lead(&self) -> &'static str {
        match (self.routed, self.estimated) {
            (_, 0) => "",
            (0, _) => "ESTIMATE — ",
            _ => {
                "MIXED — routed where the road network covers the area, estimated elsewhere; each \
                area's profile gives its own method. "
            }
        }
    }

    /// The run-specific part of the description: which areas were routed and how, which were
    /// estimated and why.
    fn describe(&self, run: &Run, network_note: &str, estimate_note: &str) -> String {
        let areas = self.routed + self.estimated;
        let mut text = String::new();
        if let (Some(path), true) = (&run.network, self.routed > 0) {
            let which = if self.estimated == 0 {
                format!("all {areas} areas")
            } else {
                format!("the {} areas it covers", self.routed)
            };
            text.push_str(&format!(
                " Routed by needsmap on the OpenStreetMap network ({}) for {which}: \
                    {network_note} {} areas have no route (no usable road within reach) and are left \
                    blank.",
                path.display(),
                self.no_route
            ));
        }
        if self.estimated > 0 {
            let why = match &run.network {
                None => "no road network for this region is present (the OpenStreetMap extract is not in \
                    the data directory; network routing replaces the estimate automatically when it \
                    is)".to_string(),
                Some(path) => format!(
                    "the road network {} does not cover them (no {} road within reach of the area's \
                        population-weighted centroid and of its nearest GP site)",
                    path.display(),
                    self.mode
                ),
            };
            let which = if self.routed == 0 {
                format!("all {areas} areas")
            } else {
                format!("the other {} areas", self.estimated)
            };
            text.push_str(&format!(" Estimated for {which}: {why}. {estimate_note}"));
        }
        text
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
    let note = format!(
        " {missing} of the region's LSOAs were created after 2001 and have no ACS0505 \
        value (ACS0505 uses 2001 LSOAs); they are left blank, not estimated."
    );
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

    fn run(network: Option<&str>) -> Run {
        let source = |id: &str| Source {
            id: id.into(),
            title: id.into(),
            publisher: String::new(),
            url: String::new(),
            licence: "OGL v3".into(),
            attribution: String::new(),
            vintage: "2025-10".into(),
            file: String::new(),
            sha256: String::new(),
            member: None,
            needed_for: String::new(),
            notes: String::new(),
        };
        Run {
            vars: Vars {
                national: 32_844,
                areas: 3,
            },
            osm: source("osm"),
            sites: source("epraccur"),
            gp_vintage: "2025-10".into(),
            network: network.map(PathBuf::from),
            gp_sites: 90,
            median_factor: 1.3,
        }
    }

    #[test]
    fn descriptions_say_which_areas_were_routed_and_which_estimated() {
        let net = run(Some("/data/osm/some.osm.pbf"));
        let mixed = How::of(
            &[Method::Network, Method::Network, Method::Estimate],
            &[Some(1.0), None, Some(2.0)],
            TravelMode::Walk,
        );
        let text = mixed.describe(&net, "ROUTE", "EST");
        assert!(
            text.contains("for the 2 areas it covers: ROUTE 1 areas have no route"),
            "{text}"
        );
        assert!(text.contains("Estimated for the other 1 areas: the road network /data/osm/some.osm.pbf does not cover them"), "{text}");
        let meta = net.meta(declared(ids::GP_WALK_MIN), &mixed, text);
        assert!(
            meta.description
                .starts_with("MIXED — routed where the road network covers the area"),
            "{}",
            meta.description
        );
        assert_eq!(
            (meta.source.as_str(), meta.vintage.as_str()),
            (
                "osm",
                "network file some.osm.pbf; GP sites 2025-10; road distances IoD2019"
            )
        );

        let none = How::of(
            &[Method::Estimate; 2],
            &[Some(1.0), Some(2.0)],
            TravelMode::Car,
        );
        let text = none.describe(&net, "ROUTE", "EST");
        assert!(
            !text.contains("ROUTE")
                && text.contains("Estimated for all 2 areas")
                && text.contains("no car road"),
            "{text}"
        );
        let meta = net.meta(declared(ids::GP_CAR_MIN), &none, text);
        assert!(
            meta.description.starts_with("ESTIMATE — Minutes by car"),
            "{}",
            meta.description
        );
        assert_eq!(meta.source, "epraccur");

        let absent = How::of(&[Method::Estimate], &[Some(1.0)], TravelMode::Car);
        assert!(absent
            .describe(&run(None), "", "EST")
            .contains("no road network for this region is present"));

        let all = How::of(&[Method::Network], &[Some(1.0)], TravelMode::Walk);
        let text = all.describe(&net, "ROUTE", "EST");
        assert!(
            text.contains("for all 1 areas") && !text.contains("Estimated"),
            "{text}"
        );
        let meta = net.meta(declared(ids::GP_WALK_MIN), &all, text);
        assert!(
            meta.description.starts_with("Minutes on foot"),
            "{}",
            meta.description
        );
    }
}
