//! Property tests and a real-data check for the vector-tile encoder. Tiles are decoded with
//! `mvt-reader`, an independent implementation of the spec, and areas are compared with geo's general
//! boolean overlay rather than with our own clipper.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::str::FromStr;

use geo::{Area, BooleanOps};
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};
use mvt_reader::feature::Value;
use mvt_reader::Reader;
use needsmap::tiles::{
    encode_tile, tiles_covering, MercatorGeometry, MercatorShape, PropValue, TileCoord, TileError,
    TileFeature, TileLayer, DEFAULT_BUFFER, DEFAULT_EXTENT, MAX_ZOOM,
};
use proptest::prelude::*;

mod common;

/// Real data comes through the project's fetch logic (mirror or publisher, checksum verified).
fn opendata(rel: &str) -> PathBuf {
    common::by_file(rel)
}

const EXTENT: f64 = DEFAULT_EXTENT as f64;
const BUF: f64 = DEFAULT_BUFFER as f64;

/// Shoelace as the spec states it (positive = exterior) on decoded, closed rings.
fn spec_area(ls: &LineString<f32>) -> f64 {
    ls.0.windows(2)
        .map(|w| (w[0].x as f64 * w[1].y as f64) - (w[1].x as f64 * w[0].y as f64))
        .sum::<f64>()
        / 2.0
}

fn to_f64(ls: &LineString<f32>) -> LineString<f64> {
    LineString(
        ls.0.iter()
            .map(|c| Coord {
                x: c.x as f64,
                y: c.y as f64,
            })
            .collect(),
    )
}

/// (id, properties, polygons in tile units) of one decoded feature.
type Decoded = (Option<u64>, HashMap<String, Value>, MultiPolygon<f64>);

/// Decodes the polygons of one layer, checking the structural rules of spec 4.3.4 on the way:
/// coordinates inside extent ± buffer, exteriors with positive area, interiors with negative area.
fn decoded_polygons(bytes: &[u8], layer: usize) -> Vec<Decoded> {
    let reader = Reader::new(bytes.to_vec()).expect("mvt-reader parses the tile");
    let mut out = Vec::new();
    for f in reader.get_features(layer).expect("features decode") {
        let mp = match &f.geometry {
            geo_types::Geometry::MultiPolygon(mp) => mp.clone(),
            geo_types::Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
            g => panic!("expected polygons, got {g:?}"),
        };
        let mut polys = Vec::new();
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                assert!(
                    ring.0.len() >= 4,
                    "ring with fewer than 3 distinct points: {ring:?}"
                );
                for c in &ring.0 {
                    assert!(
                        (-BUF..=EXTENT + BUF).contains(&(c.x as f64))
                            && (-BUF..=EXTENT + BUF).contains(&(c.y as f64)),
                        "coordinate {c:?} outside the buffered tile"
                    );
                }
            }
            assert!(
                spec_area(p.exterior()) > 0.0,
                "exterior must have positive area"
            );
            for h in p.interiors() {
                assert!(spec_area(h) < 0.0, "interior must have negative area");
            }
            polys.push(Polygon::new(
                to_f64(p.exterior()),
                p.interiors().iter().map(to_f64).collect(),
            ));
        }
        out.push((f.id, f.properties.unwrap_or_default(), MultiPolygon(polys)));
    }
    out
}

fn ring_area(ls: &LineString<f64>) -> f64 {
    (ls.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0)
        .abs()
}

/// Area in the spec's sense: exteriors add, holes subtract (rings may overlap their exterior's edge
/// after clipping, which geo's validity-minded routines would not like).
fn net_area(mp: &MultiPolygon<f64>) -> f64 {
    mp.0.iter()
        .map(|p| ring_area(p.exterior()) - p.interiors().iter().map(ring_area).sum::<f64>())
        .sum()
}

fn ring_len(ls: &LineString<f64>) -> f64 {
    ls.0.windows(2)
        .map(|w| ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt())
        .sum()
}

// ---------------------------------------------------------------------------------------------------
// Property tests

/// A star-shaped (hence simple) polygon in tile units, optionally with a star-shaped hole around the
/// same centre, in either orientation. Spoke i sits at angle (i + j)/n·360° with j < 0.5, so gaps are
/// under 1.5 slots; with n ≥ 6 and radii ≥ 0.3 r every edge stays ≥ 0.3·cos 45° r > 0.2 r from the
/// centre, and a hole of radius ≤ 0.2 r lies inside.
fn star_polygon() -> impl Strategy<Value = Polygon<f64>> {
    (
        -0.6f64..1.6,
        -0.6f64..1.6,
        0.5f64..9000.0,
        prop::collection::vec((0.0f64..0.5, 0.3f64..1.0), 3..40),
        prop::option::of(prop::collection::vec(0.05f64..0.2, 3..12)),
        any::<bool>(),
    )
        .prop_map(|(cx, cy, r, spokes, hole, reverse)| {
            let (cx, cy) = (cx * EXTENT, cy * EXTENT);
            let at = |i: usize, n: usize, j: f64, f: f64| {
                let t = (i as f64 + j) / n as f64 * std::f64::consts::TAU;
                Coord {
                    x: cx + r * f * t.cos(),
                    y: cy + r * f * t.sin(),
                }
            };
            let n = spokes.len();
            let mut ext: Vec<Coord<f64>> = spokes
                .iter()
                .enumerate()
                .map(|(i, &(j, f))| at(i, n, j, f))
                .collect();
            let mut holes = Vec::new();
            if let (Some(h), true) = (hole, n >= 6) {
                let mut pts: Vec<Coord<f64>> = h
                    .iter()
                    .enumerate()
                    .map(|(i, &f)| at(i, h.len(), 0.0, f))
                    .collect();
                if !reverse {
                    pts.reverse();
                }
                holes.push(LineString(pts));
            }
            if reverse {
                ext.reverse();
            }
            Polygon::new(LineString(ext), holes)
        })
}

fn tile_strategy() -> impl Strategy<Value = TileCoord> {
    (0u8..=MAX_ZOOM, 0.0f64..1.0, 0.0f64..1.0).prop_map(|(z, fx, fy)| {
        let n = 1u32 << z;
        TileCoord::new(
            z,
            ((fx * n as f64) as u32).min(n - 1),
            ((fy * n as f64) as u32).min(n - 1),
        )
        .unwrap()
    })
}

/// Moves a polygon from tile units of `t` into Mercator metres.
fn to_mercator(p: &Polygon<f64>, t: TileCoord) -> Polygon<f64> {
    let (west, _, _, north) = t.bounds_mercator();
    let u = t.size_m() / EXTENT;
    let f = |ls: &LineString<f64>| {
        LineString(
            ls.0.iter()
                .map(|c| Coord {
                    x: west + c.x * u,
                    y: north - c.y * u,
                })
                .collect(),
        )
    };
    Polygon::new(f(p.exterior()), p.interiors().iter().map(f).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_polygons_encode_decode_and_keep_their_area(
        polys in prop::collection::vec(star_polygon(), 1..4),
        t in tile_strategy(),
    ) {
        // Near the world's edge at low zoom a random polygon overhangs the Mercator square, which
        // `MercatorShape` rightly rejects: trim it to the world first (with geo, not our clipper).
        let n = (1u64 << t.z()) as f64;
        let world = Rect::new(
            Coord { x: -(t.x() as f64) * EXTENT, y: -(t.y() as f64) * EXTENT },
            Coord { x: (n - t.x() as f64) * EXTENT, y: (n - t.y() as f64) * EXTENT },
        );
        let world = MultiPolygon(vec![world.to_polygon()]);
        let polys: Vec<MultiPolygon<f64>> = polys
            .iter()
            .map(|p| MultiPolygon(vec![p.clone()]).intersection(&world))
            .collect();
        let shapes: Vec<Option<MercatorShape>> = polys
            .iter()
            .map(|mp| {
                (!mp.0.is_empty()).then(|| {
                    let merc = MultiPolygon(mp.0.iter().map(|p| to_mercator(p, t)).collect());
                    MercatorShape::from_mercator(MercatorGeometry::Polygons(merc)).unwrap()
                })
            })
            .collect();
        let mut layer = TileLayer::new("areas");
        for (i, s) in shapes.iter().enumerate() {
            if let Some(s) = s {
                layer.push(TileFeature::new(s).with_id(i as u64).with_property("i", i as u64));
            }
        }
        let bytes = encode_tile(t, &[layer]).expect("valid layer encodes");
        let decoded = bytes.as_deref().map(|b| decoded_polygons(b, 0)).unwrap_or_default();
        let window = Rect::new(Coord { x: -BUF, y: -BUF }, Coord { x: EXTENT + BUF, y: EXTENT + BUF });
        for (i, p) in polys.iter().enumerate() {
            // Reference: geo's overlay of the exact polygon with the buffered window.
            let reference = p.intersection(&MultiPolygon(vec![window.to_polygon()]));
            let want = reference.unsigned_area();
            let perimeter: f64 = reference.0.iter()
                .flat_map(|q| std::iter::once(q.exterior()).chain(q.interiors()))
                .map(ring_len)
                .sum();
            let got = decoded.iter().find(|d| d.0 == Some(i as u64)).map(|d| {
                prop_assert_eq!(d.1.get("i"), Some(&Value::UInt(i as u64)));
                Ok(net_area(&d.2))
            }).transpose()?.unwrap_or(0.0);
            // Quantisation (≤ 0.71 unit) plus Douglas–Peucker (≤ 1 unit) can move the boundary by at
            // most ~1.7 units, so the area may change by about that times the perimeter.
            let bound = 2.0 * perimeter + 16.0;
            prop_assert!((got - want).abs() <= bound, "feature {}: decoded area {} vs reference {} (bound {})", i, got, want, bound);
        }
    }

    #[test]
    fn random_lines_and_points_stay_in_the_buffered_tile(
        line in prop::collection::vec((-3.0f64..4.0, -3.0f64..4.0), 2..30),
        points in prop::collection::vec((-0.5f64..1.5, -0.5f64..1.5), 1..20),
        t in tile_strategy(),
    ) {
        let (west, _, _, north) = t.bounds_mercator();
        let u = t.size_m() / EXTENT;
        let c = |(x, y): (f64, f64)| Coord { x: west + x * EXTENT * u, y: north - y * EXTENT * u };
        // Skip inputs that fall off the edge of the world at low zoom; those are rejected, not drawn.
        let Ok(line_shape) = MercatorShape::from_mercator(MercatorGeometry::Lines(
            geo_types::MultiLineString(vec![LineString(line.iter().copied().map(c).collect())]),
        )) else { return Ok(()) };
        let Ok(point_shape) = MercatorShape::from_mercator(MercatorGeometry::Points(
            geo_types::MultiPoint(points.iter().copied().map(|p| geo_types::Point(c(p))).collect()),
        )) else { return Ok(()) };
        let mut lines = TileLayer::new("lines");
        lines.push(TileFeature::new(&line_shape));
        let mut sites = TileLayer::new("sites");
        sites.push(TileFeature::new(&point_shape));
        let Some(bytes) = encode_tile(t, &[lines, sites]).unwrap() else {
            // Nothing drawn: then no input point is inside the buffered tile.
            prop_assert!(points.iter().all(|&(x, y)| !((-BUF / EXTENT..=1.0 + BUF / EXTENT).contains(&x)
                && (-BUF / EXTENT..=1.0 + BUF / EXTENT).contains(&y))));
            return Ok(());
        };
        let reader = Reader::new(bytes).unwrap();
        let names = reader.get_layer_names().unwrap();
        let inside = |x: f32, y: f32| (-BUF..=EXTENT + BUF).contains(&(x as f64)) && (-BUF..=EXTENT + BUF).contains(&(y as f64));
        for (li, name) in names.iter().enumerate() {
            for f in reader.get_features(li).unwrap() {
                match (name.as_str(), &f.geometry) {
                    ("lines", geo_types::Geometry::LineString(ls)) => {
                        prop_assert!(ls.0.len() >= 2);
                        prop_assert!(ls.0.iter().all(|p| inside(p.x, p.y)));
                    }
                    ("lines", geo_types::Geometry::MultiLineString(ml)) => {
                        prop_assert!(ml.0.iter().all(|ls| ls.0.len() >= 2 && ls.0.iter().all(|p| inside(p.x, p.y))));
                    }
                    ("sites", geo_types::Geometry::MultiPoint(mp)) => {
                        prop_assert!(mp.0.iter().all(|p| inside(p.x(), p.y())));
                        // Every input point inside the buffered tile (with a rounding margin) is kept.
                        let margin = 1e-6;
                        let expected = points.iter().filter(|&&(x, y)| {
                            let (x, y) = (x * EXTENT, y * EXTENT);
                            x >= -BUF + margin && x <= EXTENT + BUF - margin && y >= -BUF + margin && y <= EXTENT + BUF - margin
                        }).count();
                        prop_assert!(mp.0.len() >= expected && mp.0.len() <= points.len());
                    }
                    (n, g) => prop_assert!(false, "layer {} got {:?}", n, g),
                }
            }
        }
    }

    #[test]
    fn wild_mercator_input_is_rejected_or_encoded(
        coords in prop::collection::vec((prop::num::f64::ANY, prop::num::f64::ANY), 3..12),
        t in tile_strategy(),
    ) {
        let ring = LineString(coords.iter().map(|&(x, y)| Coord { x, y }).collect());
        match MercatorShape::from_mercator(MercatorGeometry::Polygons(MultiPolygon(vec![Polygon::new(ring, vec![])]))) {
            Err(e) => {
                let is_coordinate_error = matches!(e, TileError::InvalidCoordinate { .. });
                prop_assert!(is_coordinate_error, "unexpected error {}", e);
            }
            Ok(shape) => {
                let mut layer = TileLayer::new("areas");
                layer.push(TileFeature::new(&shape));
                if let Some(bytes) = encode_tile(t, &[layer]).unwrap() {
                    decoded_polygons(&bytes, 0);
                }
            }
        }
    }

    #[test]
    fn any_address_is_accepted_or_explained(z in any::<u8>(), x in any::<u32>(), y in any::<u32>()) {
        let valid = z <= MAX_ZOOM && (x as u64) < (1u64 << z) && (y as u64) < (1u64 << z);
        match TileCoord::new(z, x, y) {
            Ok(t) => {
                prop_assert!(valid);
                prop_assert_eq!((t.z(), t.x(), t.y()), (z, x, y));
                let (w, s, e, n) = t.bounds_lonlat();
                prop_assert!(w < e && s < n);
                prop_assert_eq!(TileCoord::from_str(&t.to_string()), Ok(t));
            }
            Err(TileError::ZoomOutOfRange { z: ez, max }) => prop_assert!(z > MAX_ZOOM && ez == z as u32 && max == MAX_ZOOM),
            Err(TileError::ColumnOutOfRange { x: ex, .. }) => prop_assert!(!valid && ex == x as u64),
            Err(TileError::RowOutOfRange { y: ey, .. }) => prop_assert!(!valid && ey == y as u64),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn any_address_text_parses_or_errs(s in "[0-9/a-z-]{0,24}") {
        let _ = TileCoord::from_str(&s);
    }

    #[test]
    fn covering_contains_every_point_of_the_box(
        west in -180.0f64..180.0, dw in 0.0f64..20.0,
        south in -85.0f64..85.0, ds in 0.0f64..20.0,
        z in 0u8..=12, fx in 0.0f64..1.0, fy in 0.0f64..1.0,
    ) {
        let east = (west + dw).min(180.0);
        let north = (south + ds).min(85.0);
        let tiles: Vec<TileCoord> = tiles_covering((west, south, east, north), z).unwrap().collect();
        prop_assert!(!tiles.is_empty());
        for t in &tiles {
            let (w, s, e, n) = t.bounds_lonlat();
            prop_assert!(e >= west - 1e-9 && w <= east + 1e-9 && n >= south - 1e-9 && s <= north + 1e-9);
        }
        let (lon, lat) = (west + fx * (east - west), south + fy * (north - south));
        let inside = |t: &TileCoord| {
            let (w, s, e, n) = t.bounds_lonlat();
            w <= lon && lon <= e && s <= lat && lat <= n
        };
        prop_assert!(tiles.iter().any(inside), "({}, {}) not covered", lon, lat);
    }
}

// ---------------------------------------------------------------------------------------------------
// Real data: the 373 Gloucestershire LSOAs (2011, generalised clipped boundaries)

struct Lsoa {
    code: String,
    name: String,
    district: String,
    shape: MercatorShape,
}

fn load_lsoas() -> Vec<Lsoa> {
    let path = opendata("boundaries/lsoa11_bgc_gloucestershire.geojson");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fc = geojson::FeatureCollection::from_str(&text).expect("valid GeoJSON");
    fc.features
        .into_iter()
        .map(|f| {
            let prop = |k: &str| {
                f.property(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_else(|| panic!("missing {k}"))
                    .to_string()
            };
            let geom =
                geo_types::Geometry::<f64>::try_from(&f.geometry.as_ref().expect("geometry").value)
                    .unwrap();
            Lsoa {
                code: prop("LSOA11CD"),
                name: prop("LSOA11NM"),
                district: prop("LAD19NM"),
                shape: MercatorShape::from_lonlat_geometry(&geom).expect("WGS84 polygons"),
            }
        })
        .collect()
}

/// Code → IMD 2019 score of the six Gloucestershire districts, from the deprivation table (File 7
/// layout, read with the csv crate): a source independent of the boundary file.
fn imd_scores() -> HashMap<String, f64> {
    let (h, rows) = common::csv_rows(&common::source("iod2019"));
    let (code, lad, score) = (
        common::col(&h, "LSOA code (2011)"),
        common::col(&h, "Local Authority District code (2019)"),
        common::col(&h, "Index of Multiple Deprivation (IMD) Score"),
    );
    rows.iter()
        .filter(|r| common::GLOS.contains(&&r[lad]))
        .map(|r| (r[code].to_string(), r[score].parse::<f64>().unwrap()))
        .collect()
}

#[test]
fn gloucestershire_z10_tiles_carry_every_lsoa() {
    let areas = load_lsoas();
    let imd = imd_scores();
    assert_eq!(imd.len(), 373);
    let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for a in &areas {
        let b = a.shape.bbox();
        let (w, s) = needsmap::tiles::mercator_to_lonlat(b.min().x, b.min().y);
        let (e, n) = needsmap::tiles::mercator_to_lonlat(b.max().x, b.max().y);
        bbox = (bbox.0.min(w), bbox.1.min(s), bbox.2.max(e), bbox.3.max(n));
    }

    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut area_in_tiles: HashMap<String, f64> = HashMap::new();
    let mut n_tiles = 0;
    for t in tiles_covering(bbox, 10).unwrap() {
        let (w, s, e, n) = t.buffered_bounds_mercator(DEFAULT_EXTENT, DEFAULT_BUFFER);
        let candidates: Vec<(usize, &Lsoa)> = areas
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                let b = a.shape.bbox();
                b.min().x <= e && b.max().x >= w && b.min().y <= n && b.max().y >= s
            })
            .collect();
        let mut layer = TileLayer::new("areas");
        for &(i, a) in &candidates {
            layer.push(
                TileFeature::new(&a.shape)
                    .with_id(i as u64)
                    .with_property("code", a.code.as_str())
                    .with_property("name", a.name.as_str())
                    .with_property("district", a.district.as_str())
                    .with_property("imd", PropValue::Double(imd[&a.code])),
            );
        }
        let Some(bytes) = encode_tile(t, &[layer]).unwrap() else {
            continue;
        };
        n_tiles += 1;
        let unit2 = (t.size_m() / EXTENT).powi(2);
        let tile_square = MultiPolygon(vec![Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord {
                x: EXTENT,
                y: EXTENT,
            },
        )
        .to_polygon()]);
        for (id, props, mp) in decoded_polygons(&bytes, 0) {
            let a = &areas[id.expect("id") as usize];
            let Some(Value::String(code)) = props.get("code") else {
                panic!("code missing: {props:?}")
            };
            assert_eq!(code, &a.code, "id and code disagree");
            assert_eq!(props.get("name"), Some(&Value::String(a.name.clone())));
            assert_eq!(
                props.get("district"),
                Some(&Value::String(a.district.clone()))
            );
            assert_eq!(props.get("imd"), Some(&Value::Double(imd[code])));
            seen.insert(code.clone());
            // Area strictly inside the tile (not the buffer), so tiles add up without double counting.
            *area_in_tiles.entry(code.clone()).or_default() +=
                mp.intersection(&tile_square).unsigned_area() * unit2;
        }
    }
    assert!(n_tiles >= 4, "only {n_tiles} tiles");
    let expected: BTreeSet<String> = imd.keys().cloned().collect();
    assert_eq!(
        seen, expected,
        "decoded codes must be exactly the 373 LSOAs of the county"
    );

    // Reassembled areas match each LSOA's own projected area (computed by geo, not by the encoder).
    let mut total_true = 0.0;
    let mut total_tiles = 0.0;
    let mut worst = (0.0f64, "");
    for a in &areas {
        let MercatorGeometry::Polygons(mp) = a.shape.geometry() else {
            panic!()
        };
        let truth = mp.unsigned_area();
        let got = area_in_tiles[&a.code];
        total_true += truth;
        total_tiles += got;
        if (got - truth).abs() / truth > worst.0 {
            worst = ((got - truth).abs() / truth, a.code.as_str());
        }
        assert!(
            (got - truth).abs() <= 0.03 * truth,
            "{}: {got} m² in tiles vs {truth} m²",
            a.code
        );
    }
    eprintln!(
        "{n_tiles} z10 tiles; worst LSOA area error {:.3}% ({}); county total {:.4}%",
        worst.0 * 100.0,
        worst.1,
        (total_tiles - total_true) / total_true * 100.0
    );
    assert!(
        (total_tiles - total_true).abs() <= 0.002 * total_true,
        "{total_tiles} vs {total_true}"
    );
}
