//! Mapbox Vector Tiles (spec 2.1) for the area layers of the map.
//!
//! The server projects every area once at load time into a [`MercatorShape`] (EPSG:3857), finds the
//! shapes that touch a tile with its own spatial index, and hands them to [`encode_tile`]. Encoding then
//! only has to move coordinates into the tile grid, clip them to the tile plus its buffer, simplify for
//! the zoom (a fixed tolerance in tile units *is* a zoom-dependent tolerance on the ground), quantise,
//! and write the protobuf. Everything here is self-contained so that the module builds on its own.
//!
//! ```
//! use needsmap::tiles::{encode_tile, MercatorShape, PropValue, TileCoord, TileFeature, TileLayer};
//! use geo_types::polygon;
//!
//! let square = polygon![(x: -2.3, y: 51.8), (x: -2.2, y: 51.8), (x: -2.2, y: 51.9), (x: -2.3, y: 51.9)];
//! let shape = MercatorShape::from_lonlat_polygon(&square).unwrap();
//! let mut layer = TileLayer::new("areas");
//! layer.push(TileFeature::new(&shape).with_id(1).with_property("code", "E01022100"));
//! let coord = TileCoord::new(10, 505, 338).unwrap();
//! let bytes = encode_tile(coord, &[layer]).unwrap().expect("the square lies in this tile");
//! assert!(!bytes.is_empty());
//! ```

mod clip;
mod coord;
mod encode;
mod mercator;
mod pbf;
mod simplify;

pub use clip::{clip_polygon, clip_ring};
pub use coord::{tiles_covering, TileCoord, TileRange};
pub use encode::{encode_tile, PropValue, TileEncoder, TileFeature, TileLayer};
pub use mercator::{
    lonlat_to_mercator, mercator_to_lonlat, MercatorGeometry, MercatorShape, HALF_WORLD_M,
    MAX_LATITUDE, WEB_MERCATOR_RADIUS_M,
};
pub use simplify::simplify_ring;

/// Highest zoom served. At z16 one tile unit (extent 4096) is ~6 cm on the ground in England, far finer
/// than the 20 m generalised boundaries; clients over-zoom beyond it.
pub const MAX_ZOOM: u8 = 16;
/// Tile grid size in tile units (the MVT default; what MapLibre and Mapbox GL expect).
pub const DEFAULT_EXTENT: u32 = 4096;
/// Extra margin kept around the tile, in tile units, so that strokes and labels at tile seams join up.
pub const DEFAULT_BUFFER: u32 = 64;
/// Douglas–Peucker tolerance in tile units: 1/8 of a screen pixel for a 512 px tile, so invisible,
/// while removing most of the vertices that quantisation piles onto the same few pixels at low zoom.
pub const DEFAULT_TOLERANCE: f64 = 1.0;
/// Largest extent accepted, so that extent + buffer coordinates fit comfortably in an `i32`.
pub const MAX_EXTENT: u32 = 1 << 16;

/// What went wrong when building tile coordinates, shapes or tiles. Each variant names the bad value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TileError {
    #[error("zoom {z} is out of range: allowed 0..={max}")]
    ZoomOutOfRange { z: u32, max: u8 },
    #[error("tile x={x} is out of range at zoom {z}: allowed 0..={max}")]
    ColumnOutOfRange { x: u64, z: u8, max: u32 },
    #[error("tile y={y} is out of range at zoom {z}: allowed 0..={max}")]
    RowOutOfRange { y: u64, z: u8, max: u32 },
    #[error("tile address {input:?}: {field} is not a non-negative integer")]
    UnparsableTileAddress { input: String, field: &'static str },
    #[error("bounding box (west {west}, south {south}, east {east}, north {north}) is invalid: {reason}")]
    InvalidBbox {
        west: f64,
        south: f64,
        east: f64,
        north: f64,
        reason: &'static str,
    },
    #[error("coordinate #{index} ({x}, {y}) is invalid: {reason}")]
    InvalidCoordinate {
        index: usize,
        x: f64,
        y: f64,
        reason: &'static str,
    },
    #[error("geometry is empty: it has no coordinates")]
    EmptyGeometry,
    #[error("geometry type {0} cannot be put in a vector tile")]
    UnsupportedGeometry(&'static str),
    #[error("layer {layer:?}: {reason}")]
    InvalidLayer { layer: String, reason: String },
    #[error("layer {layer:?}, feature #{feature}: property key {key:?} occurs more than once")]
    DuplicateProperty {
        layer: String,
        feature: usize,
        key: String,
    },
}
