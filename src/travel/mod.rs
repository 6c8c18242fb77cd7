//! Travel-time engine: routes on an OpenStreetMap network to answer "how many minutes from
//! each LSOA population-weighted centroid to the nearest GP site, on foot, by bike, by car".
//!
//! The pipeline is
//! 1. [`Networks::from_pbf`] reads an `.osm.pbf` once (blocks decoded in parallel) and builds one
//!    contracted graph shared by the three [`TravelMode`]s (chains of degree-2 nodes become one
//!    edge; each mode has its own costs), with the tag rules of [`profile`] and the speeds of
//!    [`speeds`];
//! 2. [`Network::snap`] projects a point onto the nearest segment of that mode's largest strongly
//!    connected component (a grid of chains in a local metric projection);
//! 3. [`Network::nearest_facility`] runs ONE multi-source Dijkstra on the reversed graph, seeded
//!    from every snapped destination, so one-way streets are honoured in the traveller's
//!    direction (origin → destination).
//!
//! Off-network legs (point → snapped position) are walked at [`speeds::WALK_KMH`] in every mode:
//! a patient always walks from the front door to the road and from the car park into the surgery.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

mod csvio;
mod graph;
mod pbf;
pub mod profile;
mod route;
mod snap;
pub mod speeds;
pub mod transit;

pub use csvio::{read_points_csv, write_travel_csv, NamedPoint};
pub use graph::{
    ContractedSize, Network, NetworkBuilder, NetworkStats, NetworksBuilder, NodeId, Segment,
    SegmentId, DEFAULT_MAX_SNAP_M,
};
pub use pbf::{available_memory, PEAK_BYTES_PER_PBF_BYTE};
pub use route::{Access, FacilityLabels, ScenarioAccess, Seed, SeedLabels, Unreachable};
pub use snap::Snap;

/// How a person travels. Each mode has its own graph because the legal network differs
/// (footpaths, one-way streets, motorways).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TravelMode {
    Walk,
    Cycle,
    Car,
}

impl TravelMode {
    /// All modes, in a fixed order (the order [`Networks`] stores them in).
    pub const ALL: [TravelMode; 3] = [TravelMode::Walk, TravelMode::Cycle, TravelMode::Car];

    /// Stable lower-case name used on the command line and in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            TravelMode::Walk => "walk",
            TravelMode::Cycle => "cycle",
            TravelMode::Car => "car",
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            TravelMode::Walk => 0,
            TravelMode::Cycle => 1,
            TravelMode::Car => 2,
        }
    }
}

impl fmt::Display for TravelMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TravelMode {
    type Err = TravelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "walk" => Ok(TravelMode::Walk),
            "cycle" => Ok(TravelMode::Cycle),
            "car" => Ok(TravelMode::Car),
            _ => Err(TravelError::UnknownMode(s.to_string())),
        }
    }
}

/// Everything that can go wrong while loading networks or point files.
#[derive(Debug, thiserror::Error)]
pub enum TravelError {
    #[error("unknown travel mode {0:?} (expected walk, cycle or car)")]
    UnknownMode(String),
    #[error("cannot read OSM PBF {path}: {source}")]
    Pbf {
        path: PathBuf,
        #[source]
        source: osmpbf::Error,
    },
    #[error("{file} holds no usable {mode} network (no highway way that mode may use){}", describe_extent(.extent))]
    EmptyNetwork {
        file: String,
        mode: TravelMode,
        extent: Option<[f64; 4]>,
    },
    #[error("the {mode} network of {file} misses the region: none of the {points} {what} (a sample of at most 200 tried) is within {max_snap_m} m of it{}", describe_extent(.extent))]
    ExtentMisses {
        file: String,
        mode: TravelMode,
        extent: Option<[f64; 4]>,
        points: usize,
        what: String,
        max_snap_m: f64,
    },
    #[error("{path} ({file_mb} MB) would need about {needed_mb} MB to route on but only {available_mb} MB are available; use a smaller extract or a machine with more memory (NEEDSMAP_SKIP_MEMORY_CHECK=1 tries anyway)")]
    TooLarge {
        path: PathBuf,
        file_mb: u64,
        needed_mb: u64,
        available_mb: u64,
    },
    #[error("invalid network: {0}")]
    InvalidNetwork(String),
    #[error("cannot open {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    CsvHeader { path: PathBuf, message: String },
    #[error("{path}, line {line}, field {field:?}: {message}")]
    CsvField {
        path: PathBuf,
        line: u64,
        field: String,
        message: String,
    },
    #[error("{path}, line {line}: {source}")]
    Csv {
        path: PathBuf,
        line: u64,
        #[source]
        source: csv::Error,
    },
    #[error("writing travel CSV: {0}")]
    Write(#[from] csv::Error),
    #[error("write_travel_csv: {origins} origins but {results} results")]
    LengthMismatch { origins: usize, results: usize },
}

fn describe_extent(extent: &Option<[f64; 4]>) -> String {
    match extent {
        Some([w, s, e, n]) => format!("; its nodes span lon {w:.4}..{e:.4}, lat {s:.4}..{n:.4}"),
        None => "; it has no nodes".into(),
    }
}

/// The three per-mode networks built from a single parse of one PBF file. They share one node
/// table and one contracted topology; each mode has its own costs and components.
#[derive(Debug)]
pub struct Networks {
    pub(crate) networks: [Network; 3],
}

/// Read the routable ways of every mode from `path` without building the networks yet (e.g. to
/// build them with [`NetworksBuilder::contract`] off, as a reference).
pub fn read_pbf(path: impl AsRef<Path>) -> Result<NetworksBuilder, TravelError> {
    pbf::read(path.as_ref(), [true; 3])
}

impl Networks {
    /// Parse `path` once and build the walk, cycle and car networks from that parse.
    pub fn from_pbf(path: impl AsRef<Path>) -> Result<Networks, TravelError> {
        let path = path.as_ref();
        let t = std::time::Instant::now();
        let builder = pbf::read(path, [true; 3])?;
        let read_s = t.elapsed().as_secs_f64();
        let networks = builder.build(&path.display().to_string())?;
        tracing::debug!(
            path = %path.display(),
            read_s,
            build_s = t.elapsed().as_secs_f64() - read_s,
            "built the walk, cycle and car networks"
        );
        Ok(networks)
    }

    /// Fail with a message naming the mode and the network's extent if no point of `points`
    /// (e.g. a region's centroids, called `what`) lies within snapping distance of a mode's
    /// network: the file covers some other place.
    pub fn check_covers(
        &self,
        source: &str,
        points: &[(f64, f64)],
        what: &str,
    ) -> Result<(), TravelError> {
        for (_, net) in self.iter() {
            net.check_covers(source, points, what)?;
        }
        Ok(())
    }

    /// The network of one mode.
    pub fn get(&self, mode: TravelMode) -> &Network {
        &self.networks[mode.index()]
    }

    /// Mutable access, e.g. to change a mode's maximum snap distance.
    pub fn get_mut(&mut self, mode: TravelMode) -> &mut Network {
        &mut self.networks[mode.index()]
    }

    /// `(mode, network)` pairs in [`TravelMode::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (TravelMode, &Network)> {
        TravelMode::ALL.into_iter().zip(self.networks.iter())
    }
}

impl Network {
    /// Parse `path` and build the network of a single mode.
    pub fn from_pbf(path: impl AsRef<Path>, mode: TravelMode) -> Result<Network, TravelError> {
        let path = path.as_ref();
        let mut modes = [false; 3];
        modes[mode.index()] = true;
        let t = std::time::Instant::now();
        let builder = pbf::read(path, modes)?;
        let read_s = t.elapsed().as_secs_f64();
        let network = builder.build_mode(mode, &path.display().to_string())?;
        tracing::debug!(
            path = %path.display(),
            %mode,
            read_s,
            build_s = t.elapsed().as_secs_f64() - read_s,
            "built one mode's network"
        );
        Ok(network)
    }

    /// See [`Networks::check_covers`]; a sample of at most 200 points is tried.
    pub fn check_covers(
        &self,
        source: &str,
        points: &[(f64, f64)],
        what: &str,
    ) -> Result<(), TravelError> {
        if points.is_empty() {
            return Ok(());
        }
        let step = (points.len() / 200).max(1);
        if points
            .iter()
            .step_by(step)
            .any(|&(lon, lat)| self.snap(lon, lat).is_some())
        {
            return Ok(());
        }
        Err(TravelError::ExtentMisses {
            file: source.to_string(),
            mode: self.mode(),
            extent: self.extent(),
            points: points.len(),
            what: what.to_string(),
            max_snap_m: self.max_snap_m(),
        })
    }
}

/// Great-circle distance in metres: the crate's one haversine ([`crate::geodesy::haversine_m`],
/// a leaf module), in the argument order of this module's flat lon/lat arrays. Used for edge
/// lengths, snap legs and straight-line comparisons.
#[inline]
pub fn haversine_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    crate::geodesy::haversine_m((lon1, lat1), (lon2, lat2))
}

/// Mean Earth radius, metres (from the leaf module [`crate::geodesy`]).
pub use crate::geodesy::EARTH_RADIUS_M;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_round_trips_through_strings() {
        for m in TravelMode::ALL {
            assert_eq!(m.to_string().parse::<TravelMode>().unwrap(), m);
        }
        assert_eq!("CAR".parse::<TravelMode>().unwrap(), TravelMode::Car);
        assert!(matches!(
            "bus".parse::<TravelMode>(),
            Err(TravelError::UnknownMode(s)) if s == "bus"
        ));
    }

    #[test]
    fn haversine_matches_known_distance() {
        // One degree of latitude is ~111.2 km on the mean sphere.
        let d = haversine_m(0.0, 0.0, 0.0, 1.0);
        assert!(
            (d - crate::geodesy::METRES_PER_DEGREE_LAT).abs() < 1e-6,
            "{d}"
        );
        // London (51.5074, -0.1278) to Paris (48.8566, 2.3522) is ~343.5 km great-circle.
        let d = haversine_m(-0.1278, 51.5074, 2.3522, 48.8566);
        assert!((d - 343_500.0).abs() < 1_500.0, "{d}");
    }

    #[test]
    fn networks_are_sync_and_send() {
        fn assert_sync_send<T: Sync + Send>() {}
        assert_sync_send::<Network>();
        assert_sync_send::<Networks>();
        // So that callers can use `?` into anyhow / Box<dyn Error + Send + Sync>.
        fn assert_error<E: std::error::Error + Send + Sync + 'static>() {}
        assert_error::<TravelError>();
    }
}
