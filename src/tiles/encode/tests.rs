use super::*;
use crate::tiles::HALF_WORLD_M;
use geo_types::{Coord, LineString, Point, Polygon};
use mvt_reader::feature::Value;
use mvt_reader::Reader;

/// The z0 tile with extent 4096: a point at tile unit (x, y) in Mercator metres, so that hand-made
/// shapes land exactly on grid points.
fn unit(x: f64, y: f64) -> Coord<f64> {
    let u = 2.0 * HALF_WORLD_M / 4096.0;
    Coord {
        x: -HALF_WORLD_M + x * u,
        y: HALF_WORLD_M - y * u,
    }
}

fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
    LineString(pts.iter().map(|&(x, y)| unit(x, y)).collect())
}

fn polygon_shape(polys: Vec<Polygon<f64>>) -> MercatorShape {
    MercatorShape::from_mercator(MercatorGeometry::Polygons(MultiPolygon(polys))).unwrap()
}

fn z0() -> TileCoord {
    TileCoord::new(0, 0, 0).unwrap()
}

/// Shoelace exactly as the spec (4.3.4.4) and mvt-reader use it, on decoded coordinates.
fn spec_area(ls: &LineString<f32>) -> f64 {
    ls.0.windows(2)
        .map(|w| (w[0].x as f64 * w[1].y as f64) - (w[1].x as f64 * w[0].y as f64))
        .sum::<f64>()
        / 2.0
}

/// Test-side protobuf walk: the (field, wire type, payload) triples of one message.
fn fields(mut b: &[u8]) -> Vec<(u32, u32, Vec<u8>)> {
    fn varint(b: &mut &[u8]) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = b[0];
            *b = &b[1..];
            v |= ((byte & 0x7f) as u64) << shift;
            shift += 7;
            if byte < 0x80 {
                return v;
            }
        }
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b);
        let (field, wire) = ((key >> 3) as u32, (key & 7) as u32);
        let payload = match wire {
            0 => {
                let v = varint(&mut b);
                v.to_le_bytes().to_vec()
            }
            1 => {
                let p = b[..8].to_vec();
                b = &b[8..];
                p
            }
            2 => {
                let n = varint(&mut b) as usize;
                let p = b[..n].to_vec();
                b = &b[n..];
                p
            }
            5 => {
                let p = b[..4].to_vec();
                b = &b[4..];
                p
            }
            w => panic!("unexpected wire type {w}"),
        };
        out.push((field, wire, payload));
    }
    out
}

#[test]
fn point_tile_matches_hand_computed_bytes() {
    // Null Island is the centre of the z0 tile: (2048, 2048). zigzag(2048) = 4096 = varint 80 20.
    let shape = MercatorShape::from_lonlat_point(Point::new(0.0, 0.0)).unwrap();
    let mut layer = TileLayer::new("p");
    layer.push(TileFeature::new(&shape).with_id(1).with_property("k", "v"));
    let bytes = encode_tile(z0(), &[layer]).unwrap().unwrap();
    let feature = [
        0x08, 0x01, // id = 1
        0x12, 0x02, 0x00, 0x00, // tags [key 0, value 0]
        0x18, 0x01, // type POINT
        0x22, 0x05, 0x09, 0x80, 0x20, 0x80, 0x20, // MoveTo(1) +2048 +2048
    ];
    let mut layer_bytes = vec![0x0A, 0x01, b'p', 0x12, feature.len() as u8];
    layer_bytes.extend_from_slice(&feature);
    layer_bytes.extend_from_slice(&[0x1A, 0x01, b'k']); // keys
    layer_bytes.extend_from_slice(&[0x22, 0x03, 0x0A, 0x01, b'v']); // values: Value{string "v"}
    layer_bytes.extend_from_slice(&[0x28, 0x80, 0x20]); // extent 4096
    layer_bytes.extend_from_slice(&[0x78, 0x02]); // version 2
    let mut want = vec![0x1A, layer_bytes.len() as u8];
    want.extend_from_slice(&layer_bytes);
    assert_eq!(bytes, want);
}

#[test]
fn polygon_matches_the_spec_example() {
    // Spec 4.3.5 "Example Polygon": (3,6) (8,12) (20,34) → 9 6 12 18 10 12 24 44 15.
    let shape = polygon_shape(vec![Polygon::new(
        ring(&[(3.0, 6.0), (8.0, 12.0), (20.0, 34.0)]),
        vec![],
    )]);
    let mut layer = TileLayer::new("a");
    layer.tolerance = 0.0;
    layer.push(TileFeature::new(&shape));
    let bytes = encode_tile(z0(), &[layer]).unwrap().unwrap();
    let geometry = [9u8, 6, 12, 18, 10, 12, 24, 44, 15];
    let mut layer_bytes = vec![0x0A, 0x01, b'a', 0x12, 13, 0x18, 0x03, 0x22, 9];
    layer_bytes.extend_from_slice(&geometry);
    layer_bytes.extend_from_slice(&[0x28, 0x80, 0x20, 0x78, 0x02]);
    let mut want = vec![0x1A, layer_bytes.len() as u8];
    want.extend_from_slice(&layer_bytes);
    assert_eq!(bytes, want);
}

#[test]
fn counter_clockwise_input_is_reversed() {
    // The same triangle listed the other way round must come out with the spec's winding.
    let shape = polygon_shape(vec![Polygon::new(
        ring(&[(20.0, 34.0), (8.0, 12.0), (3.0, 6.0)]),
        vec![],
    )]);
    let mut layer = TileLayer::new("a");
    layer.tolerance = 0.0;
    layer.push(TileFeature::new(&shape));
    let bytes = encode_tile(z0(), &[layer]).unwrap().unwrap();
    let f = Reader::new(bytes).unwrap().get_features(0).unwrap();
    let geo_types::Geometry::MultiPolygon(mp) = &f[0].geometry else {
        panic!("{:?}", f[0].geometry)
    };
    assert_eq!(mp.0.len(), 1);
    assert_eq!(spec_area(mp.0[0].exterior()), 19.0);
}

#[test]
fn multipolygon_with_holes_keeps_rings_in_order() {
    let outer = [
        (100.0, 100.0),
        (100.0, 900.0),
        (900.0, 900.0),
        (900.0, 100.0),
    ]; // anticlockwise on screen
    let hole = [
        (300.0, 300.0),
        (600.0, 300.0),
        (600.0, 600.0),
        (300.0, 600.0),
    ]; // clockwise on screen
    let second = [
        (1000.0, 1000.0),
        (1200.0, 1000.0),
        (1200.0, 1200.0),
        (1000.0, 1200.0),
    ];
    let shape = polygon_shape(vec![
        Polygon::new(ring(&outer), vec![ring(&hole)]),
        Polygon::new(ring(&second), vec![]),
    ]);
    let mut layer = TileLayer::new("areas");
    layer.push(TileFeature::new(&shape).with_id(7));
    let bytes = encode_tile(z0(), &[layer]).unwrap().unwrap();
    let f = Reader::new(bytes).unwrap().get_features(0).unwrap();
    assert_eq!(f[0].id, Some(7));
    let geo_types::Geometry::MultiPolygon(mp) = &f[0].geometry else {
        panic!()
    };
    assert_eq!(mp.0.len(), 2);
    assert_eq!(mp.0[0].interiors().len(), 1);
    assert_eq!(spec_area(mp.0[0].exterior()), 800.0 * 800.0);
    assert_eq!(spec_area(&mp.0[0].interiors()[0]), -300.0 * 300.0);
    assert_eq!(spec_area(mp.0[1].exterior()), 200.0 * 200.0);
}

#[test]
fn clipped_to_the_buffer_and_dropped_when_outside() {
    // A square from -500 to 500 in tile units at z2 tile (1,1): overlaps the top-left corner.
    let t = TileCoord::new(2, 1, 1).unwrap();
    let (west, _, _, north) = t.bounds_mercator();
    let u = t.size_m() / 4096.0;
    let c = |x: f64, y: f64| Coord {
        x: west + x * u,
        y: north - y * u,
    };
    let sq = Polygon::new(
        LineString(vec![
            c(-500.0, -500.0),
            c(500.0, -500.0),
            c(500.0, 500.0),
            c(-500.0, 500.0),
        ]),
        vec![],
    );
    let shape =
        MercatorShape::from_mercator(MercatorGeometry::Polygons(MultiPolygon(vec![sq]))).unwrap();
    let far = Polygon::new(
        LineString(vec![c(5000.0, 0.0), c(6000.0, 0.0), c(6000.0, 100.0)]),
        vec![],
    );
    let far =
        MercatorShape::from_mercator(MercatorGeometry::Polygons(MultiPolygon(vec![far]))).unwrap();
    let mut layer = TileLayer::new("areas");
    layer.push(TileFeature::new(&shape).with_id(1));
    layer.push(TileFeature::new(&far).with_id(2));
    let bytes = encode_tile(t, &[layer]).unwrap().unwrap();
    let f = Reader::new(bytes).unwrap().get_features(0).unwrap();
    assert_eq!(f.len(), 1, "the far square is omitted");
    let geo_types::Geometry::MultiPolygon(mp) = &f[0].geometry else {
        panic!()
    };
    assert_eq!(spec_area(mp.0[0].exterior()), 564.0 * 564.0);
    for p in mp.0[0].exterior().0.iter() {
        assert!(
            p.x >= -64.0 && p.x <= 500.0 && p.y >= -64.0 && p.y <= 500.0,
            "{p:?}"
        );
    }

    // Only the far square: nothing left, so the tile is empty.
    let mut layer = TileLayer::new("areas");
    layer.push(TileFeature::new(&far));
    assert_eq!(encode_tile(t, &[layer]).unwrap(), None);
}

#[test]
fn collapsed_polygons_vanish() {
    let tiny = polygon_shape(vec![Polygon::new(
        ring(&[(10.0, 10.0), (10.2, 10.1), (10.1, 10.3)]),
        vec![],
    )]);
    let mut layer = TileLayer::new("areas");
    layer.push(TileFeature::new(&tiny));
    assert_eq!(encode_tile(z0(), &[layer]).unwrap(), None);
    // A hole that collapses is dropped but its exterior stays.
    let shape = polygon_shape(vec![Polygon::new(
        ring(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)]),
        vec![ring(&[(50.0, 50.0), (50.2, 50.0), (50.2, 50.2)])],
    )]);
    let mut layer = TileLayer::new("areas");
    layer.push(TileFeature::new(&shape));
    let f = Reader::new(encode_tile(z0(), &[layer]).unwrap().unwrap())
        .unwrap()
        .get_features(0)
        .unwrap();
    let geo_types::Geometry::MultiPolygon(mp) = &f[0].geometry else {
        panic!()
    };
    assert!(mp.0[0].interiors().is_empty());
}

#[test]
fn properties_round_trip_and_are_deduplicated() {
    let a = polygon_shape(vec![Polygon::new(
        ring(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]),
        vec![],
    )]);
    let b = polygon_shape(vec![Polygon::new(
        ring(&[(200.0, 0.0), (300.0, 0.0), (300.0, 100.0)]),
        vec![],
    )]);
    let mut layer = TileLayer::new("areas");
    layer.push(
        TileFeature::new(&a)
            .with_property("code", "E01022100")
            .with_property("district", "Cheltenham")
            .with_property("imd", 12.5f64)
            .with_property("rank", -3i64)
            .with_property("pop", 1500u64)
            .with_property("share", 0.25f32)
            .with_property("selected", true),
    );
    layer.push(
        TileFeature::new(&b)
            .with_property("code", String::from("E01022101"))
            .with_property("district", "Cheltenham")
            .with_property("imd", 12.5f64),
    );
    let bytes = encode_tile(z0(), &[layer]).unwrap().unwrap();

    // Raw structure: 7 distinct keys, and 8 distinct values (Cheltenham and 12.5 are shared).
    let tile = fields(&bytes);
    assert_eq!(tile.len(), 1);
    let layer_fields = fields(&tile[0].2);
    assert_eq!(layer_fields.iter().filter(|f| f.0 == 3).count(), 7);
    assert_eq!(layer_fields.iter().filter(|f| f.0 == 4).count(), 8);
    assert_eq!(layer_fields.iter().filter(|f| f.0 == 2).count(), 2);

    let f = Reader::new(bytes).unwrap().get_features(0).unwrap();
    let p0 = f[0].properties.as_ref().unwrap();
    assert_eq!(p0["code"], Value::String("E01022100".into()));
    assert_eq!(p0["district"], Value::String("Cheltenham".into()));
    assert_eq!(p0["imd"], Value::Double(12.5));
    assert_eq!(p0["rank"], Value::SInt(-3));
    assert_eq!(p0["pop"], Value::UInt(1500));
    assert_eq!(p0["share"], Value::Float(0.25));
    assert_eq!(p0["selected"], Value::Bool(true));
    let p1 = f[1].properties.as_ref().unwrap();
    assert_eq!(p1.len(), 3);
    assert_eq!(p1["code"], Value::String("E01022101".into()));
    assert_eq!(p1["imd"], Value::Double(12.5));
}

#[test]
fn points_and_lines() {
    let t = TileCoord::new(2, 1, 1).unwrap();
    let (west, _, _, north) = t.bounds_mercator();
    let u = t.size_m() / 4096.0;
    let c = |x: f64, y: f64| Coord {
        x: west + x * u,
        y: north - y * u,
    };
    let pts = MercatorShape::from_mercator(MercatorGeometry::Points(MultiPoint(vec![
        Point(c(10.0, 20.0)),
        Point(c(-100.0, 20.0)),  // outside the 64-unit buffer
        Point(c(4100.0, -30.0)), // inside the buffer
    ])))
    .unwrap();
    let line =
        MercatorShape::from_mercator(MercatorGeometry::Lines(MultiLineString(vec![LineString(
            vec![c(-1000.0, 100.0), c(2000.0, 100.0), c(2000.0, 9000.0)],
        )])))
        .unwrap();
    let mut sites = TileLayer::new("gp_sites");
    sites.push(TileFeature::new(&pts));
    let mut roads = TileLayer::new("roads");
    roads.push(TileFeature::new(&line));
    let empty = TileLayer::new("districts");
    let bytes = encode_tile(t, &[sites, empty, roads]).unwrap().unwrap();
    let r = Reader::new(bytes).unwrap();
    assert_eq!(
        r.get_layer_names().unwrap(),
        vec!["gp_sites", "roads"],
        "empty layers are omitted"
    );
    let f = r.get_features(0).unwrap();
    let geo_types::Geometry::MultiPoint(mp) = &f[0].geometry else {
        panic!()
    };
    let got: Vec<(f32, f32)> = mp.0.iter().map(|p| (p.x(), p.y())).collect();
    assert_eq!(got, vec![(10.0, 20.0), (4100.0, -30.0)]);
    let f = r.get_features(1).unwrap();
    let geo_types::Geometry::LineString(ls) = &f[0].geometry else {
        panic!("{:?}", f[0].geometry)
    };
    let got: Vec<(f32, f32)> = ls.0.iter().map(|p| (p.x, p.y)).collect();
    assert_eq!(got, vec![(-64.0, 100.0), (2000.0, 100.0), (2000.0, 4160.0)]);
}

#[test]
fn bad_layers_and_properties_are_errors() {
    let a = polygon_shape(vec![Polygon::new(
        ring(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]),
        vec![],
    )]);
    let mut l = TileLayer::new("areas");
    l.extent = 0;
    assert!(matches!(
        encode_tile(z0(), &[l]),
        Err(TileError::InvalidLayer { .. })
    ));
    let mut l = TileLayer::new("areas");
    l.tolerance = f64::NAN;
    assert!(matches!(
        encode_tile(z0(), &[l]),
        Err(TileError::InvalidLayer { .. })
    ));
    let mut l = TileLayer::new("areas");
    l.buffer = 5000;
    let msg = encode_tile(z0(), &[l]).unwrap_err().to_string();
    assert!(msg.contains("buffer 5000"), "{msg}");
    let err = encode_tile(z0(), &[TileLayer::new("x"), TileLayer::new("x")]).unwrap_err();
    assert!(err.to_string().contains("same name"), "{err}");
    let mut l = TileLayer::new("areas");
    l.push(TileFeature::new(&a).with_property("code", "x"));
    l.push(
        TileFeature::new(&a)
            .with_property("code", "y")
            .with_property("code", "z"),
    );
    assert_eq!(
        encode_tile(z0(), &[l]),
        Err(TileError::DuplicateProperty {
            layer: "areas".into(),
            feature: 1,
            key: "code".into()
        })
    );
}

#[test]
fn encoder_is_reusable() {
    let a = polygon_shape(vec![Polygon::new(
        ring(&[(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]),
        vec![],
    )]);
    let mut enc = TileEncoder::new();
    let mut first = None;
    for _ in 0..3 {
        let mut l = TileLayer::new("areas");
        l.push(TileFeature::new(&a).with_property("code", "x").with_id(3));
        let bytes = enc.encode(z0(), &[l]).unwrap().unwrap();
        if let Some(f) = &first {
            assert_eq!(f, &bytes);
        }
        first = Some(bytes);
    }
}

#[test]
fn tiny_polygons_are_coalesced_into_squares_of_their_total_area() {
    // 100 squares of 2x2 units (4 units² each) on a 10x10 grid, 20 units apart; min_area 63.9 units²
    // (just under 64, so float noise in the areas cannot move the tipping points) means 400 units² of
    // tiny area become floor(400 / 63.9) = 6 squares, each drawn 8x8 units on the grid.
    let shapes: Vec<MercatorShape> = (0..100)
        .map(|k| {
            let (x, y) = (
                100.0 + 20.0 * (k % 10) as f64,
                100.0 + 20.0 * (k / 10) as f64,
            );
            polygon_shape(vec![Polygon::new(
                ring(&[(x, y), (x + 2.0, y), (x + 2.0, y + 2.0), (x, y + 2.0)]),
                vec![],
            )])
        })
        .collect();
    // And one big square that is drawn as itself.
    let big = polygon_shape(vec![Polygon::new(
        ring(&[
            (1000.0, 1000.0),
            (1100.0, 1000.0),
            (1100.0, 1100.0),
            (1000.0, 1100.0),
        ]),
        vec![],
    )]);
    let mut layer = TileLayer::new("a").with_min_area(63.9);
    for (i, s) in shapes.iter().enumerate() {
        layer.push(TileFeature::new(s).with_id(i as u64));
    }
    layer.push(TileFeature::new(&big).with_id(1000));
    let bytes = encode_tile(z0(), &[layer]).unwrap().unwrap();
    let reader = Reader::new(bytes).unwrap();
    let features = reader.get_features(0).unwrap();
    let ids: Vec<u64> = features.iter().map(|f| f.id.unwrap()).collect();
    assert_eq!(ids.len(), 7, "{ids:?}");
    assert_eq!(*ids.last().unwrap(), 1000);
    // Squares carry the ids of the features that filled the accumulator: every 16th.
    assert_eq!(&ids[..6], &[15, 31, 47, 63, 79, 95]);
    let mut total = 0.0;
    for f in &features[..6] {
        let geo_types::Geometry::MultiPolygon(mp) = &f.geometry else {
            panic!("{:?}", f.geometry)
        };
        let a: f64 = mp.0.iter().map(|p| spec_area(p.exterior())).sum();
        assert!(a > 0.0, "exterior rings are clockwise (positive spec area)");
        total += a;
    }
    assert_eq!(total, 6.0 * 64.0);
    // Without the threshold every feature is drawn.
    let mut layer = TileLayer::new("a");
    for (i, s) in shapes.iter().enumerate() {
        layer.push(TileFeature::new(s).with_id(i as u64));
    }
    let reader = Reader::new(encode_tile(z0(), &[layer]).unwrap().unwrap()).unwrap();
    assert_eq!(reader.get_features(0).unwrap().len(), 100);
    // A bad threshold is an error naming the layer.
    let mut layer = TileLayer::new("a").with_min_area(-1.0);
    layer.push(TileFeature::new(&big));
    assert!(matches!(
        encode_tile(z0(), &[layer]),
        Err(TileError::InvalidLayer { .. })
    ));
}
