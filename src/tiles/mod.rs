//! Mapbox Vector Tiles (spec 2.1) for the area layers of the map.
//!
//! The server projects every area once at load time into a [`MercatorShape`] (EPSG:3857), finds the
//! shapes that touch a tile with its own spatial index, and hands them to [`encode_tile`]. Encoding then
//! only has to move coordinates into the tile grid, clip them to the tile plus its buffer, simplify for
//! the zoom (a fixed tolerance in tile units *is* a zoom-dependent tolerance on the ground), quantise,
//! and write the protobuf. Everything here is self-contained so that the module builds on its own.
//!
//! # What the map draws, zoom by zoom
//!
//! The design target is England: 32,844 LSOAs in one map, every tile z0..=14 within 500 KB (the
//! usual ceiling; MapLibre parses every byte on the main thread). Before this design every feature
//! carried every layer (~45 properties) at every zoom: z4/7/5 was 5.5 MB, z5/15/10 7.1 MB.
//!
//! * **Content.** Per area: the feature id (the area's index, for MapLibre `promoteId`-free
//!   feature-state), `code`, and only the layers named in `?layers=` (the page asks for the one it
//!   colours by; the full profile comes from the API on click). That alone took z5/15/10 from
//!   7.1 MB to 0.6 MB: geometry and per-feature overhead are what is left.
//! * **Simplification within a pixel** ([`ZoomPolicy::for_zoom`]): quantise to 1/8 px (extent 4096
//!   on a 512 px tile), then Douglas–Peucker with 0.75 px tolerance, so every drawn vertex is
//!   within 0.84 px of the boundary. Extent 1024 was measured too: it saves under 2 % at z4..=10,
//!   because simplified vertices at low zoom are far apart and cost two varint bytes either way.
//! * **Sub-pixel areas** ([`TileLayer::min_area`]): a polygon whose whole area is under the
//!   threshold is not drawn as itself; its area accumulates and each time the sum reaches the
//!   threshold, the area that tipped it is drawn as a square of that size at its centre. Towns stay
//!   inked at their true density, with a sample of their own values, in a bounded number of
//!   features; simply dropping them would leave every city blank at low zoom. The threshold is
//!   1 px², or 3 x 3 px at z0..=7 ([`LOW_ZOOM_MAX`]): at z7 the tile over London and the South East
//!   (7/63/42) holds 13,000 areas of over a pixel each, 783 KB even with one layer.
//! * **Not districts or MSOAs at low zoom**: the page colours by LSOA values and keys hover and
//!   click on the LSOA id; a district would need an aggregate per layer (a mean of deciles is not
//!   a decile) and a second id space. Coalesced squares keep every feature an LSOA with its own
//!   value, so the colour scale, hover and click work the same at every zoom.
//!
//! Measured on the heaviest England tiles with `?layers=imd_score` (a distinct double per area,
//! the costliest single layer), bytes / features, by `tests/tiles_england.rs` (`policy_sweep`):
//!
//! | policy (tolerance, min area, buffer) | 4/7/5 | 5/15/10 | 6/31/20 | 7/63/42 | 8/127/85 | 9/255/170 |
//! |---|---|---|---|---|---|---|
//! | 0.5 px, 1 px², 8 px | 307K / 5592 | 609K / 10792 | 654K / 11274 | 783K / 12965 | 405K / 6916 | 263K / 4540 |
//! | 0.5 px, 4 px², 8 px | 144K / 2569 | 323K / 5423 | 353K / 5695 | 557K / 8858 | 380K / 6434 | 262K / 4526 |
//! | 0.9 px, 9 px², 8 px | 73K / 1344 | 202K / 3573 | 219K / 3699 | 357K / 5860 | 301K / 5104 | 253K / 4415 |
//! | 0.9 px, 9 px², 2 px | 70K / 1283 | 196K / 3477 | 214K / 3614 | 342K / 5622 | 289K / 4893 | 246K / 4288 |
//!
//! The test `every_england_tile_is_at_most_500_kb` checks the served policy on every tile z0..=10
//! covering England and the eight densest tiles (by population-weighted centroids) of each zoom
//! z11..=14; its per-zoom maxima are in `benches/README.md`.
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
pub mod glyphs;
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

/// Highest zoom served. At z14 one tile unit (extent 4096) is ~0.4 m on the ground in England, far
/// finer than the 20 m generalised boundaries; clients over-zoom beyond it (TileJSON `maxzoom`).
pub const MAX_ZOOM: u8 = 14;
/// Tile grid size in tile units (the MVT default; what MapLibre and Mapbox GL expect).
pub const DEFAULT_EXTENT: u32 = 4096;
/// Extra margin kept around the tile, in tile units, so that strokes and labels at tile seams join up.
pub const DEFAULT_BUFFER: u32 = 64;
/// Douglas–Peucker tolerance in tile units: 1/8 of a screen pixel for a 512 px tile, so invisible,
/// while removing most of the vertices that quantisation piles onto the same few pixels at low zoom.
pub const DEFAULT_TOLERANCE: f64 = 1.0;
/// Highest zoom drawn with the coarser 3 x 3 px tiny-polygon threshold.
pub const LOW_ZOOM_MAX: u8 = 7;

/// How one zoom level is drawn, in screen pixels of a tile drawn 512 px wide (MapLibre's size for
/// vector tiles): the grid size, the Douglas–Peucker tolerance, the tiny-polygon threshold and the
/// buffer. See the module docs for the choices and their measurements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoomPolicy {
    /// Grid size in tile units.
    pub extent: u32,
    /// Douglas–Peucker tolerance, pixels.
    pub tolerance_px: f64,
    /// Polygons with less area than this many square pixels are coalesced into squares of it.
    pub min_area_px: f64,
    /// Margin around the tile, pixels.
    pub buffer_px: f64,
}

impl ZoomPolicy {
    /// The served design at zoom `z` (see the module docs for the measurements behind it):
    /// extent 4096, simplification within 0.75 px, a 4 px buffer, and areas under one pixel
    /// coalesced into pixel squares, or under 3 x 3 px at z0..=7, where England's towns would
    /// otherwise put 13,000 features in one tile.
    pub fn for_zoom(z: u8) -> ZoomPolicy {
        ZoomPolicy {
            extent: DEFAULT_EXTENT,
            tolerance_px: 0.75,
            min_area_px: if z <= LOW_ZOOM_MAX { 9.0 } else { 1.0 },
            buffer_px: 4.0,
        }
    }

    /// Tile units per screen pixel.
    pub fn units_per_px(&self) -> f64 {
        self.extent as f64 / 512.0
    }

    /// The layer with this policy's extent, buffer, tolerance and tiny-polygon threshold.
    pub fn apply<'a>(&self, mut layer: TileLayer<'a>) -> TileLayer<'a> {
        let u = self.units_per_px();
        layer.extent = self.extent;
        layer.buffer = (self.buffer_px * u).round() as u32;
        layer.tolerance = self.tolerance_px * u;
        layer.min_area = self.min_area_px * u * u;
        layer
    }
}

/// Largest extent accepted/// Largest extent accepted, so that extent + buffer coordinates fit comfortably in an `i32`.
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
