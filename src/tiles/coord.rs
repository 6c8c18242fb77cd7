//! Tile addresses (XYZ / "slippy map" scheme: y = 0 at the north edge) and their footprints.

use std::fmt;
use std::str::FromStr;

use super::mercator::{lonlat_to_mercator, mercator_to_lonlat, HALF_WORLD_M, MAX_LATITUDE};
use super::{TileError, MAX_ZOOM};

/// A valid tile address: `z <= MAX_ZOOM` and `x, y < 2^z`. Fields are private so that every value in
/// circulation has been checked once, by [`TileCoord::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TileCoord {
    z: u8,
    x: u32,
    y: u32,
}

impl TileCoord {
    /// Checks the address; the error names the value out of range and the allowed range.
    pub fn new(z: u8, x: u32, y: u32) -> Result<TileCoord, TileError> {
        Self::check(z as u64, x as u64, y as u64)
    }

    /// Parses the three path segments of `/{z}/{x}/{y}`; numbers too big for any integer type are
    /// reported as out of range, not as unparsable.
    pub fn parse_parts(z: &str, x: &str, y: &str) -> Result<TileCoord, TileError> {
        let num = |s: &str, field: &'static str| -> Result<u64, TileError> {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                Ok(s.parse::<u64>().unwrap_or(u64::MAX))
            } else {
                Err(TileError::UnparsableTileAddress {
                    input: s.to_string(),
                    field,
                })
            }
        };
        Self::check(num(z, "z")?, num(x, "x")?, num(y, "y")?)
    }

    fn check(z: u64, x: u64, y: u64) -> Result<TileCoord, TileError> {
        if z > MAX_ZOOM as u64 {
            return Err(TileError::ZoomOutOfRange {
                z: z.min(u32::MAX as u64) as u32,
                max: MAX_ZOOM,
            });
        }
        let z = z as u8;
        let max = (1u32 << z) - 1;
        if x > max as u64 {
            return Err(TileError::ColumnOutOfRange { x, z, max });
        }
        if y > max as u64 {
            return Err(TileError::RowOutOfRange { y, z, max });
        }
        Ok(TileCoord {
            z,
            x: x as u32,
            y: y as u32,
        })
    }

    /// Zoom level.
    pub fn z(&self) -> u8 {
        self.z
    }

    /// Column, 0 at 180°W.
    pub fn x(&self) -> u32 {
        self.x
    }

    /// Row, 0 at the northern edge (85.05°N).
    pub fn y(&self) -> u32 {
        self.y
    }

    /// Width (= height) of the tile in EPSG:3857 metres.
    pub fn size_m(&self) -> f64 {
        2.0 * HALF_WORLD_M / (1u32 << self.z) as f64
    }

    /// (min_x, min_y, max_x, max_y) in EPSG:3857 metres.
    pub fn bounds_mercator(&self) -> (f64, f64, f64, f64) {
        let s = self.size_m();
        let west = -HALF_WORLD_M + self.x as f64 * s;
        let north = HALF_WORLD_M - self.y as f64 * s;
        (west, north - s, west + s, north)
    }

    /// The mercator bounds grown by `buffer` tile units of a grid of `extent` units: the box the
    /// server should query its index with so that features reaching into the buffer are not missed.
    pub fn buffered_bounds_mercator(&self, extent: u32, buffer: u32) -> (f64, f64, f64, f64) {
        let (w, s, e, n) = self.bounds_mercator();
        let pad = self.size_m() * buffer as f64 / extent.max(1) as f64;
        (w - pad, s - pad, e + pad, n + pad)
    }

    /// (west, south, east, north) in degrees.
    pub fn bounds_lonlat(&self) -> (f64, f64, f64, f64) {
        let (x0, y0, x1, y1) = self.bounds_mercator();
        let (west, south) = mercator_to_lonlat(x0, y0);
        let (east, north) = mercator_to_lonlat(x1, y1);
        (west, south, east, north)
    }
}

impl fmt::Display for TileCoord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.z, self.x, self.y)
    }
}

/// Parses `"z/x/y"`, the inverse of `Display`.
impl FromStr for TileCoord {
    type Err = TileError;
    fn from_str(s: &str) -> Result<Self, TileError> {
        let mut it = s.split('/');
        match (it.next(), it.next(), it.next(), it.next()) {
            (Some(z), Some(x), Some(y), None) => TileCoord::parse_parts(z, x, y),
            _ => Err(TileError::UnparsableTileAddress {
                input: s.to_string(),
                field: "z/x/y",
            }),
        }
    }
}

/// The rectangle of tiles at one zoom covering a bounding box; iterates row by row, west to east.
#[derive(Debug, Clone)]
pub struct TileRange {
    z: u8,
    x0: u32,
    x1: u32,
    y1: u32,
    next_x: u32,
    next_y: u32,
    done: bool,
}

impl TileRange {
    /// Zoom of every tile in the range.
    pub fn zoom(&self) -> u8 {
        self.z
    }

    fn remaining(&self) -> usize {
        if self.done {
            return 0;
        }
        let width = (self.x1 - self.x0 + 1) as usize;
        let full_rows_after = (self.y1 - self.next_y) as usize;
        full_rows_after * width + (self.x1 - self.next_x + 1) as usize
    }
}

impl Iterator for TileRange {
    type Item = TileCoord;
    fn next(&mut self) -> Option<TileCoord> {
        if self.done {
            return None;
        }
        let t = TileCoord {
            z: self.z,
            x: self.next_x,
            y: self.next_y,
        };
        if self.next_x < self.x1 {
            self.next_x += 1;
        } else if self.next_y < self.y1 {
            self.next_x = self.x0;
            self.next_y += 1;
        } else {
            self.done = true;
        }
        Some(t)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining();
        (n, Some(n))
    }
}

impl ExactSizeIterator for TileRange {}

/// Tiles at zoom `z` that intersect (or touch) `bbox_lonlat` = (west, south, east, north) in degrees.
/// Latitudes beyond the Mercator square are clamped; boxes crossing the antimeridian (west > east)
/// must be split by the caller.
pub fn tiles_covering(bbox_lonlat: (f64, f64, f64, f64), z: u8) -> Result<TileRange, TileError> {
    let (west, south, east, north) = bbox_lonlat;
    let bad = |reason| TileError::InvalidBbox {
        west,
        south,
        east,
        north,
        reason,
    };
    if z > MAX_ZOOM {
        return Err(TileError::ZoomOutOfRange {
            z: z as u32,
            max: MAX_ZOOM,
        });
    }
    if ![west, south, east, north].iter().all(|v| v.is_finite()) {
        return Err(bad("a bound is not a finite number"));
    }
    if west > east {
        return Err(bad("west is greater than east"));
    }
    if south > north {
        return Err(bad("south is greater than north"));
    }
    let n = 1u32 << z;
    let max = (n - 1) as f64;
    let tile_index = |metres: f64| -> u32 {
        let f = (metres + HALF_WORLD_M) / (2.0 * HALF_WORLD_M) * n as f64;
        f.floor().clamp(0.0, max) as u32
    };
    let (mx0, my_south) = lonlat_to_mercator(west.clamp(-180.0, 180.0), south.max(-MAX_LATITUDE));
    let (mx1, my_north) = lonlat_to_mercator(east.clamp(-180.0, 180.0), north.min(MAX_LATITUDE));
    let x0 = tile_index(mx0);
    let x1 = tile_index(mx1);
    // Rows count from the north, so flip the y axis.
    let y0 = tile_index(-my_north);
    let y1 = tile_index(-my_south);
    Ok(TileRange {
        z,
        x0,
        x1,
        y1,
        next_x: x0,
        next_y: y0,
        done: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64), tol: f64) -> bool {
        (a.0 - b.0).abs() < tol
            && (a.1 - b.1).abs() < tol
            && (a.2 - b.2).abs() < tol
            && (a.3 - b.3).abs() < tol
    }

    #[test]
    fn z0_is_the_whole_world() {
        let t = TileCoord::new(0, 0, 0).unwrap();
        assert!(close(
            t.bounds_lonlat(),
            (-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE),
            1e-9
        ));
        let h = HALF_WORLD_M;
        assert!(close(t.bounds_mercator(), (-h, -h, h, h), 1e-6));
    }

    #[test]
    fn z1_quadrants() {
        // (1,0,0) is the north-west quarter, (1,1,1) the south-east one.
        let nw = TileCoord::new(1, 0, 0).unwrap();
        assert!(close(
            nw.bounds_lonlat(),
            (-180.0, 0.0, 0.0, MAX_LATITUDE),
            1e-9
        ));
        let se = TileCoord::new(1, 1, 1).unwrap();
        assert!(close(
            se.bounds_lonlat(),
            (0.0, -MAX_LATITUDE, 180.0, 0.0),
            1e-9
        ));
    }

    #[test]
    fn known_tile_for_gloucester() {
        // Gloucester Cathedral (-2.2466, 51.8675): by the OSM wiki formulas, z10 tile is x=505,
        // y = floor((1 - ln(tan φ + sec φ)/π)/2 · 1024) = 338.
        let lon: f64 = -2.2466;
        let lat: f64 = 51.8675;
        let n = 1024.0;
        let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
        let phi = lat.to_radians();
        let y = ((1.0 - (phi.tan() + 1.0 / phi.cos()).ln() / std::f64::consts::PI) / 2.0 * n)
            .floor() as u32;
        assert_eq!((x, y), (505, 338));
        let tiles: Vec<_> = tiles_covering((lon, lat, lon, lat), 10).unwrap().collect();
        assert_eq!(tiles, vec![TileCoord::new(10, 505, 338).unwrap()]);
        let (w, s, e, nn) = tiles[0].bounds_lonlat();
        assert!(w <= lon && lon <= e && s <= lat && lat <= nn);
    }

    #[test]
    fn covering_enumerates_the_rectangle() {
        let r = tiles_covering((-10.0, -10.0, 10.0, 10.0), 2).unwrap();
        assert_eq!(r.len(), 4);
        let v: Vec<String> = r.map(|t| t.to_string()).collect();
        assert_eq!(v, ["2/1/1", "2/2/1", "2/1/2", "2/2/2"]);
        let world: Vec<_> = tiles_covering((-180.0, -90.0, 180.0, 90.0), 3)
            .unwrap()
            .collect();
        assert_eq!(world.len(), 64);
        let mut sorted = world.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 64);
        // Each tile's centre lies in the box, and the iterator's length is exact while consuming.
        let mut r = tiles_covering((-3.0, 51.5, -1.5, 52.2), 9).unwrap();
        let mut left = r.len();
        while let Some(t) = r.next() {
            left -= 1;
            assert_eq!(r.len(), left);
            let (w, s, e, n) = t.bounds_lonlat();
            assert!(e >= -3.0 && w <= -1.5 && n >= 51.5 && s <= 52.2, "{t}");
        }
    }

    #[test]
    fn invalid_addresses_are_explained() {
        assert_eq!(
            TileCoord::new(MAX_ZOOM + 1, 0, 0),
            Err(TileError::ZoomOutOfRange {
                z: MAX_ZOOM as u32 + 1,
                max: MAX_ZOOM
            })
        );
        assert_eq!(
            TileCoord::new(2, 4, 0),
            Err(TileError::ColumnOutOfRange { x: 4, z: 2, max: 3 })
        );
        assert_eq!(
            TileCoord::new(2, 0, 9),
            Err(TileError::RowOutOfRange { y: 9, z: 2, max: 3 })
        );
        let msg = TileCoord::new(3, 8, 0).unwrap_err().to_string();
        assert!(msg.contains("x=8") && msg.contains("0..=7"), "{msg}");
        assert!(TileCoord::new(MAX_ZOOM, (1 << MAX_ZOOM) - 1, (1 << MAX_ZOOM) - 1).is_ok());
        assert_eq!(
            "10/505/338".parse::<TileCoord>(),
            TileCoord::new(10, 505, 338)
        );
        assert!(matches!(
            "10/-1/3".parse::<TileCoord>(),
            Err(TileError::UnparsableTileAddress { field: "x", .. })
        ));
        assert!(matches!(
            TileCoord::parse_parts("99999999999999999999999", "0", "0"),
            Err(TileError::ZoomOutOfRange { .. })
        ));
        assert!(matches!(
            "1/2".parse::<TileCoord>(),
            Err(TileError::UnparsableTileAddress { .. })
        ));
        assert!(matches!(
            tiles_covering((1.0, 0.0, -1.0, 1.0), 3),
            Err(TileError::InvalidBbox { .. })
        ));
        assert!(matches!(
            tiles_covering((f64::NAN, 0.0, 1.0, 1.0), 3),
            Err(TileError::InvalidBbox { .. })
        ));
        assert!(matches!(
            tiles_covering((0.0, 0.0, 1.0, 1.0), 17),
            Err(TileError::ZoomOutOfRange { .. })
        ));
    }

    #[test]
    fn buffered_bounds_grow_by_buffer_fraction() {
        let t = TileCoord::new(4, 7, 5).unwrap();
        let (w, s, e, n) = t.bounds_mercator();
        let (bw, bs, be, bn) = t.buffered_bounds_mercator(4096, 64);
        let pad = t.size_m() / 64.0;
        assert!(close(
            (bw, bs, be, bn),
            (w - pad, s - pad, e + pad, n + pad),
            1e-6
        ));
    }
}
