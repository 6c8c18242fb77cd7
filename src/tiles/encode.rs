//! Building and encoding tiles: grid transform → clip → quantise → simplify → winding → protobuf.
//!
//! Message layout (vector_tile.proto, spec 2.1): Tile{3: Layer*}; Layer{1: name, 2: Feature*,
//! 3: keys*, 4: Value*, 5: extent, 15: version = 2}; Feature{1: id, 2: packed tags, 3: type,
//! 4: packed geometry}; Value{1: string, 2: float, 3: double, 5: uint64, 6: sint64, 7: bool}.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use geo_types::{MultiLineString, MultiPoint, MultiPolygon};

use super::clip::{clip_line, clip_ring_in_place, Window};
use super::coord::TileCoord;
use super::mercator::{MercatorGeometry, MercatorShape, PartBox};
use super::pbf::*;
use super::simplify::Simplifier;
use super::{TileError, DEFAULT_BUFFER, DEFAULT_EXTENT, DEFAULT_TOLERANCE, MAX_EXTENT};

/// A property value. Integers are written as `sint64` (negative values stay short) and `uint64`.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue<'a> {
    Str(Cow<'a, str>),
    Double(f64),
    Float(f32),
    Int(i64),
    Uint(u64),
    Bool(bool),
}

impl<'a> From<&'a str> for PropValue<'a> {
    fn from(v: &'a str) -> Self {
        PropValue::Str(Cow::Borrowed(v))
    }
}
impl From<String> for PropValue<'_> {
    fn from(v: String) -> Self {
        PropValue::Str(Cow::Owned(v))
    }
}
impl<'a> From<Cow<'a, str>> for PropValue<'a> {
    fn from(v: Cow<'a, str>) -> Self {
        PropValue::Str(v)
    }
}
impl From<f64> for PropValue<'_> {
    fn from(v: f64) -> Self {
        PropValue::Double(v)
    }
}
impl From<f32> for PropValue<'_> {
    fn from(v: f32) -> Self {
        PropValue::Float(v)
    }
}
impl From<i64> for PropValue<'_> {
    fn from(v: i64) -> Self {
        PropValue::Int(v)
    }
}
impl From<i32> for PropValue<'_> {
    fn from(v: i32) -> Self {
        PropValue::Int(v as i64)
    }
}
impl From<u64> for PropValue<'_> {
    fn from(v: u64) -> Self {
        PropValue::Uint(v)
    }
}
impl From<u32> for PropValue<'_> {
    fn from(v: u32) -> Self {
        PropValue::Uint(v as u64)
    }
}
impl From<bool> for PropValue<'_> {
    fn from(v: bool) -> Self {
        PropValue::Bool(v)
    }
}

/// One feature to put in a layer. It borrows the pre-projected shape so that building a tile's
/// feature list copies no coordinates.
#[derive(Debug, Clone)]
pub struct TileFeature<'a> {
    pub id: Option<u64>,
    pub geometry: &'a MercatorShape,
    /// Keys must be unique within the feature (spec 4.4).
    pub properties: Vec<(Cow<'a, str>, PropValue<'a>)>,
}

impl<'a> TileFeature<'a> {
    pub fn new(geometry: &'a MercatorShape) -> Self {
        TileFeature {
            id: None,
            geometry,
            properties: Vec::new(),
        }
    }

    pub fn with_id(mut self, id: u64) -> Self {
        self.id = Some(id);
        self
    }

    pub fn with_property(
        mut self,
        key: impl Into<Cow<'a, str>>,
        value: impl Into<PropValue<'a>>,
    ) -> Self {
        self.properties.push((key.into(), value.into()));
        self
    }
}

/// A named layer of a tile and how its geometry is gridded.
#[derive(Debug, Clone)]
pub struct TileLayer<'a> {
    /// Unique within the tile.
    pub name: Cow<'a, str>,
    /// Grid size in tile units, 1..=[`MAX_EXTENT`].
    pub extent: u32,
    /// Margin kept around the tile in tile units, at most `extent`.
    pub buffer: u32,
    /// Douglas–Peucker tolerance in tile units (0 keeps every non-collinear vertex).
    pub tolerance: f64,
    /// Tiny-polygon reduction threshold in square tile units (0 = off). A polygon feature whose whole
    /// area (not just the part in this tile) is below it is not drawn as itself: its area goes into an
    /// accumulator, and each time that reaches `min_area` the feature that tipped it over is written as
    /// a square of exactly `min_area` at the centre of its box. Dense clusters of sub-pixel areas
    /// (cities at low zoom) thus keep their ink and a sample of their values, in a bounded number of
    /// features, instead of vanishing or costing one feature each.
    pub min_area: f64,
    pub features: Vec<TileFeature<'a>>,
}

impl<'a> TileLayer<'a> {
    /// A layer with the default extent (4096), buffer (64) and tolerance (1 unit).
    pub fn new(name: impl Into<Cow<'a, str>>) -> Self {
        TileLayer {
            name: name.into(),
            extent: DEFAULT_EXTENT,
            buffer: DEFAULT_BUFFER,
            tolerance: DEFAULT_TOLERANCE,
            min_area: 0.0,
            features: Vec::new(),
        }
    }

    /// The same layer with tiny-polygon reduction below `min_area` square tile units.
    pub fn with_min_area(mut self, min_area: f64) -> Self {
        self.min_area = min_area;
        self
    }

    /// The same layer with a Douglas–Peucker tolerance of `tolerance` tile units.
    pub fn with_tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    pub fn push(&mut self, feature: TileFeature<'a>) {
        self.features.push(feature);
    }

    fn validate(&self) -> Result<(), TileError> {
        let bad = |reason: String| {
            Err(TileError::InvalidLayer {
                layer: self.name.to_string(),
                reason,
            })
        };
        if self.name.is_empty() {
            return bad("the name is empty".into());
        }
        if self.extent == 0 || self.extent > MAX_EXTENT {
            return bad(format!(
                "extent {} is outside 1..={MAX_EXTENT}",
                self.extent
            ));
        }
        if self.buffer > self.extent {
            return bad(format!(
                "buffer {} is larger than the extent {}",
                self.buffer, self.extent
            ));
        }
        if !self.tolerance.is_finite() || self.tolerance < 0.0 {
            return bad(format!(
                "tolerance {} is not a finite number >= 0",
                self.tolerance
            ));
        }
        let max_area = (self.extent as f64) * (self.extent as f64);
        if !self.min_area.is_finite() || self.min_area < 0.0 || self.min_area > max_area {
            return bad(format!(
                "min_area {} is not a number in 0..={max_area} (square tile units)",
                self.min_area
            ));
        }
        Ok(())
    }
}

/// Encodes one tile with a fresh [`TileEncoder`]. `Ok(None)` means no layer has any feature left after
/// clipping (the server answers 204 No Content).
pub fn encode_tile(
    coord: TileCoord,
    layers: &[TileLayer<'_>],
) -> Result<Option<Vec<u8>>, TileError> {
    TileEncoder::new().encode(coord, layers)
}

/// Reusable scratch space for encoding; keep one per worker thread to avoid re-allocating buffers for
/// every tile.
#[derive(Debug, Default)]
pub struct TileEncoder {
    ring: Vec<[f64; 2]>,
    tmp: Vec<[f64; 2]>,
    pieces: Vec<Vec<[f64; 2]>>,
    grid_pts: Vec<[i32; 2]>,
    simple: Vec<[i32; 2]>,
    simplifier: Simplifier,
    geom: Vec<u32>,
    tags: Vec<u32>,
    layer_body: Vec<u8>,
    key_stamp: Vec<usize>,
    value_buf: Vec<u8>,
}

/// Where a tile sits in Mercator metres and how its buffered window looks in both spaces.
#[derive(Debug, Clone, Copy)]
struct Grid {
    west: f64,
    north: f64,
    scale: f64,
    /// Buffered window in tile units.
    window: Window,
    /// Same window in Mercator metres, for rejecting parts by their boxes before any transform.
    merc_window: Window,
}

impl Grid {
    fn new(coord: TileCoord, extent: u32, buffer: u32) -> Grid {
        let (west, _, _, north) = coord.bounds_mercator();
        let scale = extent as f64 / coord.size_m();
        let lo = -(buffer as f64);
        let hi = extent as f64 + buffer as f64;
        Grid {
            west,
            north,
            scale,
            window: [lo, lo, hi, hi],
            merc_window: [
                west + lo / scale,
                north - hi / scale,
                west + hi / scale,
                north - lo / scale,
            ],
        }
    }

    #[inline]
    fn tile_xy(&self, x: f64, y: f64) -> [f64; 2] {
        [(x - self.west) * self.scale, (self.north - y) * self.scale]
    }

    /// False for disjoint boxes and for the all-NaN box of an empty part.
    #[inline]
    fn touches(&self, b: &PartBox) -> bool {
        let w = &self.merc_window;
        b[0] <= w[2] && b[2] >= w[0] && b[1] <= w[3] && b[3] >= w[1]
    }

    /// True when the part box, carried into tile units, lies inside the window, so clipping can be
    /// skipped. Slightly conservative so that float error never lets a vertex escape the window.
    #[inline]
    fn contains(&self, b: &PartBox) -> bool {
        let [x0, y1] = self.tile_xy(b[0], b[1]);
        let [x1, y0] = self.tile_xy(b[2], b[3]);
        let w = &self.window;
        let eps = 1e-6;
        x0 >= w[0] + eps && x1 <= w[2] - eps && y0 >= w[1] + eps && y1 <= w[3] - eps
    }
}

/// Rounds to the nearest grid point. Inputs are inside the window (|v| < 2^18), so a shifted truncating
/// cast does the job without the libm call `f64::round` compiles to on baseline x86-64.
#[inline]
fn quantise(v: f64) -> i32 {
    const SHIFT: f64 = (1u64 << 20) as f64;
    ((v + 0.5 + SHIFT) as i64 - (1i64 << 20)) as i32
}

/// Drops consecutive repeats, including the wrap-around from last to first of a ring.
fn dedup_ring(pts: &mut Vec<[i32; 2]>) {
    pts.dedup();
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
}

/// Twice the signed area by the spec's shoelace formula; positive = clockwise on screen (y down),
/// which is what MVT 2.1 requires of exterior rings.
fn area2(ring: &[[i32; 2]]) -> i64 {
    let mut sum = 0i64;
    let mut prev = ring[ring.len() - 1];
    for &p in ring {
        sum += prev[0] as i64 * p[1] as i64 - p[0] as i64 * prev[1] as i64;
        prev = p;
    }
    sum
}

const CMD_MOVE_TO: u32 = 1;
const CMD_LINE_TO: u32 = 2;
const CMD_CLOSE_PATH: u32 = 7;
const GEOM_POINT: u64 = 1;
const GEOM_LINESTRING: u64 = 2;
const GEOM_POLYGON: u64 = 3;

#[inline]
fn command(id: u32, count: usize) -> u32 {
    (id & 0x7) | ((count as u32) << 3)
}

/// Appends MoveTo/LineTo commands for `pts` (optionally reversed) with deltas from `cursor`.
fn write_path(
    geom: &mut Vec<u32>,
    cursor: &mut [i32; 2],
    pts: &[[i32; 2]],
    reverse: bool,
    close: bool,
) {
    let mut emit = |geom: &mut Vec<u32>, i: usize, p: [i32; 2]| {
        if i == 1 {
            geom.push(command(CMD_LINE_TO, pts.len() - 1));
        }
        geom.push(zigzag32(p[0] - cursor[0]));
        geom.push(zigzag32(p[1] - cursor[1]));
        *cursor = p;
    };
    geom.push(command(CMD_MOVE_TO, 1));
    if reverse {
        for (i, &p) in pts.iter().rev().enumerate() {
            emit(geom, i, p);
        }
    } else {
        for (i, &p) in pts.iter().enumerate() {
            emit(geom, i, p);
        }
    }
    if close {
        geom.push(command(CMD_CLOSE_PATH, 1));
    }
}

/// Property value identity for de-duplication; floats compare by bit pattern so NaN de-duplicates too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Str(&'a str),
    Double(u64),
    Float(u32),
    Int(i64),
    Uint(u64),
    Bool(bool),
}

impl<'a> ValueKey<'a> {
    fn of(v: &'a PropValue<'a>) -> Self {
        match v {
            PropValue::Str(s) => ValueKey::Str(s),
            PropValue::Double(d) => ValueKey::Double(d.to_bits()),
            PropValue::Float(f) => ValueKey::Float(f.to_bits()),
            PropValue::Int(i) => ValueKey::Int(*i),
            PropValue::Uint(u) => ValueKey::Uint(*u),
            PropValue::Bool(b) => ValueKey::Bool(*b),
        }
    }

    fn write(&self, buf: &mut Vec<u8>) {
        match *self {
            ValueKey::Str(s) => put_bytes(buf, 1, s.as_bytes()),
            ValueKey::Float(bits) => {
                put_key(buf, 2, WIRE_FIXED32);
                buf.extend_from_slice(&bits.to_le_bytes());
            }
            ValueKey::Double(bits) => {
                put_key(buf, 3, WIRE_FIXED64);
                buf.extend_from_slice(&bits.to_le_bytes());
            }
            ValueKey::Uint(u) => {
                put_key(buf, 5, WIRE_VARINT);
                put_varint(buf, u);
            }
            ValueKey::Int(i) => {
                put_key(buf, 6, WIRE_VARINT);
                put_varint(buf, zigzag64(i));
            }
            ValueKey::Bool(b) => {
                put_key(buf, 7, WIRE_VARINT);
                put_varint(buf, b as u64);
            }
        }
    }
}

/// A small multiplicative hasher: keys are short strings and numbers from our own data, so HashDoS
/// resistance buys nothing here and SipHash would dominate the tag-building cost.
#[derive(Default)]
struct QuickHasher(u64);

impl Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    #[inline]
    fn write_u8(&mut self, v: u8) {
        self.write_u64(v as u64);
    }

    #[inline]
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64);
    }

    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }

    fn finish(&self) -> u64 {
        // Fold the high bits down: hashbrown uses the top 7 bits as tags and the low bits as index.
        self.0 ^ (self.0 >> 29)
    }
}

type QuickMap<K, V> = HashMap<K, V, BuildHasherDefault<QuickHasher>>;

impl TileEncoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Encodes `layers` for `coord`. Layers left without features are omitted; `Ok(None)` when no
    /// layer has any. Errors for invalid layer settings, duplicate layer names and duplicate property
    /// keys within a feature.
    pub fn encode(
        &mut self,
        coord: TileCoord,
        layers: &[TileLayer<'_>],
    ) -> Result<Option<Vec<u8>>, TileError> {
        for (i, layer) in layers.iter().enumerate() {
            layer.validate()?;
            if layers[..i].iter().any(|l| l.name == layer.name) {
                return Err(TileError::InvalidLayer {
                    layer: layer.name.to_string(),
                    reason: "another layer of the tile has the same name".into(),
                });
            }
        }
        let mut out = Vec::new();
        for layer in layers {
            self.encode_layer(coord, layer, &mut out)?;
        }
        Ok((!out.is_empty()).then_some(out))
    }

    fn encode_layer<'l>(
        &mut self,
        coord: TileCoord,
        layer: &'l TileLayer<'l>,
        out: &mut Vec<u8>,
    ) -> Result<(), TileError> {
        let grid = Grid::new(coord, layer.extent, layer.buffer);
        let mut keys: Vec<&'l str> = Vec::new();
        let mut key_index: QuickMap<&'l str, u32> = QuickMap::default();
        let mut values: Vec<ValueKey<'l>> = Vec::new();
        let mut value_index: QuickMap<ValueKey<'l>, u32> = QuickMap::default();
        let mut body = std::mem::take(&mut self.layer_body);
        body.clear();
        put_bytes(&mut body, 1, layer.name.as_bytes());
        let mut n_features = 0usize;
        // Area of the sub-pixel polygons skipped so far (tiny-polygon reduction), tile units².
        let mut tiny_acc = 0.0f64;
        let area_scale = grid.scale * grid.scale;

        for (fi, feature) in layer.features.iter().enumerate() {
            let shape = feature.geometry;
            let b = shape.bbox();
            if !grid.touches(&[b.min().x, b.min().y, b.max().x, b.max().y]) {
                continue;
            }
            self.geom.clear();
            let geom_type = match shape.geometry() {
                MercatorGeometry::Polygons(_)
                    if layer.min_area > 0.0 && shape.area() * area_scale < layer.min_area =>
                {
                    tiny_acc += shape.area() * area_scale;
                    if tiny_acc < layer.min_area {
                        continue;
                    }
                    tiny_acc -= layer.min_area;
                    let c =
                        grid.tile_xy((b.min().x + b.max().x) / 2.0, (b.min().y + b.max().y) / 2.0);
                    self.square(c, layer.min_area.sqrt(), &grid);
                    GEOM_POLYGON
                }
                MercatorGeometry::Polygons(mp) => {
                    self.polygons(mp, shape.part_boxes(), &grid, layer.tolerance);
                    GEOM_POLYGON
                }
                MercatorGeometry::Lines(ml) => {
                    self.lines(ml, shape.part_boxes(), &grid, layer.tolerance);
                    GEOM_LINESTRING
                }
                MercatorGeometry::Points(mp) => {
                    self.points(mp, &grid);
                    GEOM_POINT
                }
            };
            if self.geom.is_empty() {
                continue;
            }

            // Tags, only now that the feature is known to stay, so unused keys never enter the layer.
            self.tags.clear();
            for (key, value) in &feature.properties {
                let key: &'l str = key;
                let ki = *key_index.entry(key).or_insert_with(|| {
                    keys.push(key);
                    (keys.len() - 1) as u32
                });
                let ki_us = ki as usize;
                if self.key_stamp.len() <= ki_us {
                    self.key_stamp.resize(ki_us + 1, usize::MAX);
                }
                if self.key_stamp[ki_us] == fi {
                    self.key_stamp.clear();
                    self.layer_body = body;
                    return Err(TileError::DuplicateProperty {
                        layer: layer.name.to_string(),
                        feature: fi,
                        key: key.to_string(),
                    });
                }
                self.key_stamp[ki_us] = fi;
                let vk = ValueKey::of(value);
                let vi = *value_index.entry(vk).or_insert_with(|| {
                    values.push(vk);
                    (values.len() - 1) as u32
                });
                self.tags.push(ki);
                self.tags.push(vi);
            }

            let tags_len = packed_len(&self.tags);
            let geom_len = packed_len(&self.geom);
            let mut len = key_len(3)
                + varint_len(geom_type)
                + key_len(4)
                + varint_len(geom_len as u64)
                + geom_len;
            if let Some(id) = feature.id {
                len += key_len(1) + varint_len(id);
            }
            if !self.tags.is_empty() {
                len += key_len(2) + varint_len(tags_len as u64) + tags_len;
            }
            put_key(&mut body, 2, WIRE_LEN);
            put_varint(&mut body, len as u64);
            let start = body.len();
            if let Some(id) = feature.id {
                put_key(&mut body, 1, WIRE_VARINT);
                put_varint(&mut body, id);
            }
            if !self.tags.is_empty() {
                put_packed(&mut body, 2, &self.tags, tags_len);
            }
            put_key(&mut body, 3, WIRE_VARINT);
            put_varint(&mut body, geom_type);
            put_packed(&mut body, 4, &self.geom, geom_len);
            debug_assert_eq!(body.len() - start, len);
            n_features += 1;
        }
        self.key_stamp.clear();

        if n_features > 0 {
            for k in &keys {
                put_bytes(&mut body, 3, k.as_bytes());
            }
            for v in &values {
                self.value_buf.clear();
                v.write(&mut self.value_buf);
                put_bytes(&mut body, 4, &self.value_buf);
            }
            put_key(&mut body, 5, WIRE_VARINT);
            put_varint(&mut body, layer.extent as u64);
            put_key(&mut body, 15, WIRE_VARINT);
            put_varint(&mut body, 2);
            put_bytes(out, 3, &body);
        }
        self.layer_body = body;
        Ok(())
    }

    /// Grids one ring into `self.simple`; returns its doubled signed area, or `None` if it collapsed
    /// (fewer than three distinct points or zero area) or lies outside the window.
    fn grid_ring(
        &mut self,
        coords: &[geo_types::Coord<f64>],
        b: &PartBox,
        grid: &Grid,
        tol: f64,
    ) -> Option<i64> {
        let n = if coords.len() > 1 && coords.first() == coords.last() {
            coords.len() - 1
        } else {
            coords.len()
        };
        self.ring.clear();
        self.ring
            .extend(coords[..n].iter().map(|c| grid.tile_xy(c.x, c.y)));
        if !grid.contains(b) {
            clip_ring_in_place(&mut self.ring, &mut self.tmp, grid.window);
        }
        self.grid_pts.clear();
        self.grid_pts
            .extend(self.ring.iter().map(|p| [quantise(p[0]), quantise(p[1])]));
        dedup_ring(&mut self.grid_pts);
        if self.grid_pts.len() < 3 {
            return None;
        }
        self.simplifier.ring(&self.grid_pts, tol, &mut self.simple);
        dedup_ring(&mut self.simple);
        if self.simple.len() < 3 {
            return None;
        }
        let a = area2(&self.simple);
        (a != 0).then_some(a)
    }

    /// A square of side `side` (tile units) centred on `c`, as one clockwise exterior ring; nothing
    /// when the centre is outside the buffered window (the neighbouring tile draws it).
    fn square(&mut self, c: [f64; 2], side: f64, grid: &Grid) {
        let w = grid.window;
        if !(c[0] >= w[0] && c[0] <= w[2] && c[1] >= w[1] && c[1] <= w[3]) {
            return;
        }
        let h = (side / 2.0).max(0.5);
        let (x0, x1) = (
            quantise(c[0] - h),
            quantise(c[0] + h).max(quantise(c[0] - h) + 1),
        );
        let (y0, y1) = (
            quantise(c[1] - h),
            quantise(c[1] + h).max(quantise(c[1] - h) + 1),
        );
        // Clockwise on screen (y down): top-left, top-right, bottom-right, bottom-left.
        let ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
        let mut cursor = [0i32; 2];
        write_path(&mut self.geom, &mut cursor, &ring, false, true);
    }

    fn polygons(&mut self, mp: &MultiPolygon<f64>, boxes: &[PartBox], grid: &Grid, tol: f64) {
        let mut cursor = [0i32; 2];
        let mut bi = 0;
        for poly in &mp.0 {
            let n_rings = 1 + poly.interiors().len();
            let pboxes = &boxes[bi..bi + n_rings];
            bi += n_rings;
            if !grid.touches(&pboxes[0]) {
                continue;
            }
            let Some(a) = self.grid_ring(&poly.exterior().0, &pboxes[0], grid, tol) else {
                continue; // holes of a vanished exterior go with it
            };
            write_path(&mut self.geom, &mut cursor, &self.simple, a < 0, true);
            for (hole, hb) in poly.interiors().iter().zip(&pboxes[1..]) {
                if !grid.touches(hb) {
                    continue;
                }
                if let Some(a) = self.grid_ring(&hole.0, hb, grid, tol) {
                    write_path(&mut self.geom, &mut cursor, &self.simple, a > 0, true);
                }
            }
        }
    }

    fn lines(&mut self, ml: &MultiLineString<f64>, boxes: &[PartBox], grid: &Grid, tol: f64) {
        let mut cursor = [0i32; 2];
        for (line, b) in ml.0.iter().zip(boxes) {
            if !grid.touches(b) {
                continue;
            }
            self.ring.clear();
            self.ring
                .extend(line.0.iter().map(|c| grid.tile_xy(c.x, c.y)));
            let mut pieces = std::mem::take(&mut self.pieces);
            pieces.clear();
            if grid.contains(b) {
                pieces.push(std::mem::take(&mut self.ring));
            } else {
                clip_line(&self.ring, grid.window, &mut pieces);
            }
            for piece in &pieces {
                self.grid_pts.clear();
                self.grid_pts
                    .extend(piece.iter().map(|p| [quantise(p[0]), quantise(p[1])]));
                self.grid_pts.dedup();
                self.simplifier.line(&self.grid_pts, tol, &mut self.simple);
                self.simple.dedup();
                if self.simple.len() >= 2 {
                    write_path(&mut self.geom, &mut cursor, &self.simple, false, false);
                }
            }
            self.pieces = pieces;
        }
    }

    fn points(&mut self, mp: &MultiPoint<f64>, grid: &Grid) {
        let w = grid.window;
        self.grid_pts.clear();
        for p in &mp.0 {
            let [x, y] = grid.tile_xy(p.x(), p.y());
            if x >= w[0] && x <= w[2] && y >= w[1] && y <= w[3] {
                self.grid_pts.push([quantise(x), quantise(y)]);
            }
        }
        if self.grid_pts.is_empty() {
            return;
        }
        self.geom.push(command(CMD_MOVE_TO, self.grid_pts.len()));
        let mut cursor = [0i32; 2];
        for &p in &self.grid_pts {
            self.geom.push(zigzag32(p[0] - cursor[0]));
            self.geom.push(zigzag32(p[1] - cursor[1]));
            cursor = p;
        }
    }
}

#[cfg(test)]
mod tests;
