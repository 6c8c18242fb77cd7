//! Travel-time engine: routes on an OpenStreetMap network to answer "how many minutes from
//! each LSOA population-weighted centroid to the nearest GP site, on foot, by bike, by car".
//!
//! The pipeline is
//! 1. [`Networks::from_pbf`] reads an `.osm.pbf` once (blocks decoded in parallel) and builds one
//!    compact CSR graph per [`TravelMode`], with the tag rules of [`profile`] and the speeds of
//!    [`speeds`];
//! 2. [`Network::snap`] projects a point onto the nearest segment of that mode's largest strongly
//!    connected component (an R-tree of segments in a local metric projection);
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

pub use csvio::{read_points_csv, write_travel_csv, NamedPoint};
pub use graph::{
    Network, NetworkBuilder, NetworkStats, NodeId, Segment, SegmentId, DEFAULT_MAX_SNAP_M,
};
pub use route::{Access, Seed, SeedLabels, Unreachable};
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

    fn index(self) -> usize {
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
    #[error("OSM PBF {path} holds no usable {mode} network (no routable highway ways)")]
    EmptyNetwork { path: PathBuf, mode: TravelMode },
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

/// The three per-mode networks built from a single parse of one PBF file.
#[derive(Debug)]
pub struct Networks {
    networks: [Network; 3],
}

impl Networks {
    /// Parse `path` once and build the walk, cycle and car networks from that parse.
    pub fn from_pbf(path: impl AsRef<Path>) -> Result<Networks, TravelError> {
        let path = path.as_ref();
        let osm = pbf::OsmWays::read(path)?;
        let build = |mode| osm.build(mode, path);
        let (walk, (cycle, car)) = rayon::join(
            || build(TravelMode::Walk),
            || rayon::join(|| build(TravelMode::Cycle), || build(TravelMode::Car)),
        );
        Ok(Networks {
            networks: [walk?, cycle?, car?],
        })
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
        pbf::OsmWays::read(path)?.build(mode, path)
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
