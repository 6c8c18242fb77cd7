//! Web Mercator (EPSG:3857) projection and pre-projected shapes.
//!
//! Projecting costs a `ln(tan)` per vertex; doing it once at load rather than once per tile request is
//! what lets the encoder do only multiply-adds per vertex.

use std::f64::consts::PI;

use geo_types::{
    Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon, Rect,
};

use super::TileError;

/// Sphere radius of Web Mercator (the WGS84 semi-major axis), metres, from the leaf module
/// [`crate::geodesy`]: not the mean radius used for distances on the ground.
pub use crate::geodesy::WEB_MERCATOR_RADIUS_M;
/// Half the width of the projected world: x and y both run over -HALF_WORLD_M..=HALF_WORLD_M.
pub const HALF_WORLD_M: f64 = PI * WEB_MERCATOR_RADIUS_M;
/// Latitude at which the Mercator square ends (atan(sinh(pi)) in degrees); latitudes are clamped to it.
pub const MAX_LATITUDE: f64 = 85.051_128_779_806_59;

/// Projects WGS84 longitude/latitude in degrees to EPSG:3857 metres; latitude is clamped to
/// ±[`MAX_LATITUDE`] because the poles are at infinity.
#[inline]
pub fn lonlat_to_mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
    let x = lon.to_radians() * WEB_MERCATOR_RADIUS_M;
    // asinh(tan φ) = ln tan(π/4 + φ/2), but exact at the equator and better conditioned near it.
    let y = lat.to_radians().tan().asinh() * WEB_MERCATOR_RADIUS_M;
    (x, y)
}

/// Inverse of [`lonlat_to_mercator`]: EPSG:3857 metres to longitude/latitude in degrees.
#[inline]
pub fn mercator_to_lonlat(x: f64, y: f64) -> (f64, f64) {
    let lon = (x / WEB_MERCATOR_RADIUS_M).to_degrees();
    let lat = (y / WEB_MERCATOR_RADIUS_M).sinh().atan().to_degrees();
    (lon, lat)
}

/// A geometry already projected to EPSG:3857.
#[derive(Debug, Clone, PartialEq)]
pub enum MercatorGeometry {
    /// Areas (LSOAs, districts). Rings may be open or closed; orientation does not matter.
    Polygons(MultiPolygon<f64>),
    /// Outlines, routes.
    Lines(MultiLineString<f64>),
    /// Sites (GP practices).
    Points(MultiPoint<f64>),
}

/// A shape projected once to Web Mercator, with the bounding boxes that let a tile skip the parts
/// (polygons, holes, lines) it does not touch without looking at their vertices.
#[derive(Debug, Clone, PartialEq)]
pub struct MercatorShape {
    geometry: MercatorGeometry,
    bbox: Rect<f64>,
    /// One box per ring (polygons: each exterior then its interiors, in order) or per line string;
    /// empty for points.
    part_boxes: Vec<PartBox>,
}

fn check_lonlat(index: usize, c: Coord<f64>) -> Result<(), TileError> {
    let reason = if !c.x.is_finite() || !c.y.is_finite() {
        "not a finite number"
    } else if !(-180.0..=180.0).contains(&c.x) {
        "longitude outside -180..=180 (is it really WGS84 lon/lat?)"
    } else if !(-90.0..=90.0).contains(&c.y) {
        "latitude outside -90..=90 (is it really WGS84 lon/lat?)"
    } else {
        return Ok(());
    };
    Err(TileError::InvalidCoordinate {
        index,
        x: c.x,
        y: c.y,
        reason,
    })
}

/// Projects every coordinate, numbering them in input order so errors can point at the bad one.
fn project_line(ls: &LineString<f64>, counter: &mut usize) -> Result<LineString<f64>, TileError> {
    let mut out = Vec::with_capacity(ls.0.len());
    for &c in &ls.0 {
        check_lonlat(*counter, c)?;
        *counter += 1;
        let (x, y) = lonlat_to_mercator(c.x, c.y);
        out.push(Coord { x, y });
    }
    Ok(LineString(out))
}

/// Projected coordinates may sit a little outside the Mercator square (float noise from other tools,
/// ~20 m at most), not more: anything further is a unit or projection mix-up.
const MERCATOR_LIMIT: f64 = HALF_WORLD_M * (1.0 + 1e-6);

fn check_mercator(index: usize, c: Coord<f64>) -> Result<(), TileError> {
    let reason = if !c.x.is_finite() || !c.y.is_finite() {
        "not a finite number"
    } else if c.x.abs() > MERCATOR_LIMIT || c.y.abs() > MERCATOR_LIMIT {
        "outside the Web Mercator square (±20037508.34 m)"
    } else {
        return Ok(());
    };
    Err(TileError::InvalidCoordinate {
        index,
        x: c.x,
        y: c.y,
        reason,
    })
}

/// Axis-aligned box `[min_x, min_y, max_x, max_y]`; all NaN for a part without coordinates, which
/// then never intersects anything (every comparison with NaN is false).
pub(crate) type PartBox = [f64; 4];

const EMPTY_BOX: PartBox = [f64::NAN; 4];

fn coords_box(coords: &[Coord<f64>]) -> PartBox {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for c in coords {
        b[0] = b[0].min(c.x);
        b[1] = b[1].min(c.y);
        b[2] = b[2].max(c.x);
        b[3] = b[3].max(c.y);
    }
    if coords.is_empty() {
        EMPTY_BOX
    } else {
        b
    }
}

/// Collects per-part boxes and the overall box while checking that every coordinate is finite.
struct BoxCollector {
    parts: Vec<PartBox>,
    all: PartBox,
    index: usize,
    any: bool,
}

impl BoxCollector {
    fn visit(&mut self, coords: &[Coord<f64>], keep_part: bool) -> Result<(), TileError> {
        for &c in coords {
            check_mercator(self.index, c)?;
            self.index += 1;
        }
        let b = coords_box(coords);
        if keep_part {
            self.parts.push(b);
        }
        if !coords.is_empty() {
            self.any = true;
            self.all = [
                self.all[0].min(b[0]),
                self.all[1].min(b[1]),
                self.all[2].max(b[2]),
                self.all[3].max(b[3]),
            ];
        }
        Ok(())
    }
}

impl MercatorShape {
    /// Wraps a geometry that is already in EPSG:3857 metres. Rejects non-finite coordinates, ones
    /// outside the Mercator square, and geometries without any coordinate.
    pub fn from_mercator(geometry: MercatorGeometry) -> Result<Self, TileError> {
        let mut acc = BoxCollector {
            parts: Vec::new(),
            all: [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ],
            index: 0,
            any: false,
        };
        match &geometry {
            MercatorGeometry::Polygons(mp) => {
                for p in &mp.0 {
                    acc.visit(&p.exterior().0, true)?;
                    for r in p.interiors() {
                        acc.visit(&r.0, true)?;
                    }
                }
            }
            MercatorGeometry::Lines(ml) => {
                for l in &ml.0 {
                    acc.visit(&l.0, true)?;
                }
            }
            MercatorGeometry::Points(pts) => {
                let coords: Vec<Coord<f64>> = pts.0.iter().map(|p| p.0).collect();
                acc.visit(&coords, false)?;
            }
        }
        if !acc.any {
            return Err(TileError::EmptyGeometry);
        }
        let [x0, y0, x1, y1] = acc.all;
        Ok(MercatorShape {
            geometry,
            bbox: Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 }),
            part_boxes: acc.parts,
        })
    }

    /// Projects WGS84 (lon, lat) polygons. Coordinates outside ±180/±90 are rejected, which catches
    /// British National Grid metres passed by mistake.
    pub fn from_lonlat_polygons(mp: &MultiPolygon<f64>) -> Result<Self, TileError> {
        let mut n = 0;
        let mut polys = Vec::with_capacity(mp.0.len());
        for p in &mp.0 {
            let ext = project_line(p.exterior(), &mut n)?;
            let holes = p
                .interiors()
                .iter()
                .map(|r| project_line(r, &mut n))
                .collect::<Result<Vec<_>, _>>()?;
            polys.push(Polygon::new(ext, holes));
        }
        Self::from_mercator(MercatorGeometry::Polygons(MultiPolygon(polys)))
    }

    /// Projects one WGS84 polygon.
    pub fn from_lonlat_polygon(p: &Polygon<f64>) -> Result<Self, TileError> {
        Self::from_lonlat_polygons(&MultiPolygon(vec![p.clone()]))
    }

    /// Projects WGS84 line strings.
    pub fn from_lonlat_lines(ml: &MultiLineString<f64>) -> Result<Self, TileError> {
        let mut n = 0;
        let lines =
            ml.0.iter()
                .map(|l| project_line(l, &mut n))
                .collect::<Result<Vec<_>, _>>()?;
        Self::from_mercator(MercatorGeometry::Lines(MultiLineString(lines)))
    }

    /// Projects WGS84 points (e.g. the GP sites of one practice).
    pub fn from_lonlat_points(mp: &MultiPoint<f64>) -> Result<Self, TileError> {
        let mut pts = Vec::with_capacity(mp.0.len());
        for (i, p) in mp.0.iter().enumerate() {
            check_lonlat(i, p.0)?;
            let (x, y) = lonlat_to_mercator(p.x(), p.y());
            pts.push(Point::new(x, y));
        }
        Self::from_mercator(MercatorGeometry::Points(MultiPoint(pts)))
    }

    /// Projects one WGS84 point.
    pub fn from_lonlat_point(p: Point<f64>) -> Result<Self, TileError> {
        Self::from_lonlat_points(&MultiPoint(vec![p]))
    }

    /// Projects any `geo` geometry that has a vector-tile equivalent. Geometry collections are
    /// rejected because a tile feature has a single geometry type.
    pub fn from_lonlat_geometry(g: &geo_types::Geometry<f64>) -> Result<Self, TileError> {
        use geo_types::Geometry as G;
        match g {
            G::Point(p) => Self::from_lonlat_point(*p),
            G::MultiPoint(mp) => Self::from_lonlat_points(mp),
            G::Line(l) => {
                Self::from_lonlat_lines(&MultiLineString(vec![LineString(vec![l.start, l.end])]))
            }
            G::LineString(l) => Self::from_lonlat_lines(&MultiLineString(vec![l.clone()])),
            G::MultiLineString(ml) => Self::from_lonlat_lines(ml),
            G::Polygon(p) => Self::from_lonlat_polygon(p),
            G::MultiPolygon(mp) => Self::from_lonlat_polygons(mp),
            G::Rect(r) => Self::from_lonlat_polygon(&r.to_polygon()),
            G::Triangle(t) => Self::from_lonlat_polygon(&t.to_polygon()),
            G::GeometryCollection(_) => Err(TileError::UnsupportedGeometry("GeometryCollection")),
        }
    }

    /// The projected geometry.
    pub fn geometry(&self) -> &MercatorGeometry {
        &self.geometry
    }

    /// Bounding box in EPSG:3857 metres, for the server's spatial index.
    pub fn bbox(&self) -> Rect<f64> {
        self.bbox
    }

    /// Per-ring (polygons) or per-line boxes, aligned with the iteration order of the geometry.
    pub(crate) fn part_boxes(&self) -> &[PartBox] {
        &self.part_boxes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::polygon;

    #[test]
    fn round_trip_is_identity_within_nanodegrees() {
        for &(lon, lat) in &[
            (0.0, 0.0),
            (-2.24, 51.86),
            (179.9, -85.0),
            (-180.0, 85.0),
            (12.5, -33.3),
        ] {
            let (x, y) = lonlat_to_mercator(lon, lat);
            let (lon2, lat2) = mercator_to_lonlat(x, y);
            assert!(
                (lon - lon2).abs() < 1e-9 && (lat - lat2).abs() < 1e-9,
                "{lon},{lat}"
            );
        }
    }

    #[test]
    fn known_values() {
        // The world's corners and a hand-computed mid-latitude value: y = R ln tan(pi/4 + 45°/2).
        let (x, y) = lonlat_to_mercator(180.0, MAX_LATITUDE);
        assert!((x - HALF_WORLD_M).abs() < 1e-6);
        assert!((y - HALF_WORLD_M).abs() < 1e-3);
        let (_, y45) = lonlat_to_mercator(0.0, 45.0);
        let expected = WEB_MERCATOR_RADIUS_M * (1.0 + 2f64.sqrt()).ln();
        assert!((y45 - expected).abs() < 1e-6, "{y45} vs {expected}");
    }

    #[test]
    fn latitude_is_clamped() {
        let (_, y) = lonlat_to_mercator(0.0, 90.0);
        assert!(y.is_finite());
        assert!((y - HALF_WORLD_M).abs() < 1e-3);
        let (_, y) = lonlat_to_mercator(0.0, -89.0);
        assert!((y + HALF_WORLD_M).abs() < 1e-3);
    }

    #[test]
    fn shape_boxes_follow_rings() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.4, y: 0.2), (x: 0.4, y: 0.4)]],
        );
        let s = MercatorShape::from_lonlat_polygon(&p).unwrap();
        assert_eq!(s.part_boxes().len(), 2);
        let (x1, y1) = lonlat_to_mercator(1.0, 1.0);
        assert!((s.bbox().max().x - x1).abs() < 1e-9 && (s.bbox().max().y - y1).abs() < 1e-9);
        assert_eq!(s.bbox().min(), Coord { x: 0.0, y: 0.0 });
    }

    #[test]
    fn bad_coordinates_are_named() {
        let bng = polygon![(x: 395923.0, y: 222211.0), (x: 396000.0, y: 222211.0), (x: 396000.0, y: 222300.0)];
        match MercatorShape::from_lonlat_polygon(&bng) {
            Err(TileError::InvalidCoordinate { index: 0, x, .. }) => assert_eq!(x, 395923.0),
            other => panic!("expected InvalidCoordinate, got {other:?}"),
        }
        let nan = MercatorShape::from_lonlat_point(Point::new(0.0, f64::NAN));
        assert!(matches!(
            nan,
            Err(TileError::InvalidCoordinate { index: 0, .. })
        ));
        let far =
            MercatorGeometry::Points(MultiPoint(vec![Point::new(0.0, 0.0), Point::new(3e7, 0.0)]));
        assert!(matches!(
            MercatorShape::from_mercator(far),
            Err(TileError::InvalidCoordinate { index: 1, .. })
        ));
        let empty = MercatorShape::from_lonlat_polygons(&MultiPolygon(vec![]));
        assert_eq!(empty, Err(TileError::EmptyGeometry));
        let gc = geo_types::Geometry::GeometryCollection(geo_types::GeometryCollection(vec![]));
        assert!(matches!(
            MercatorShape::from_lonlat_geometry(&gc),
            Err(TileError::UnsupportedGeometry(_))
        ));
    }
}
