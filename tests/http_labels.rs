//! Place names and label glyphs over HTTP on the real county atlas: label points checked against
//! the official population-weighted centroids and ward boundaries, glyphs against the font itself.

mod common;
use common::*;
use geo::Contains;
use needsmap::server::AppState;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

const WARDS: &str = "wards_wd25_gloucestershire";

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let atlas = Arc::new(
            needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None).unwrap(),
        );
        let wards = wards();
        serve_state(AppState::new(atlas, web_dir()).unwrap().with_wards(wards))
    })
}

fn get(path: &str) -> (u16, Vec<u8>) {
    let r = http().get(format!("{}{path}", base())).send().unwrap();
    (r.status().as_u16(), r.bytes().unwrap().to_vec())
}

#[test]
fn labels_sit_at_the_official_points_and_inside_their_wards() {
    let (s, body) = get("/api/labels");
    assert_eq!(s, 200);
    let v: Value = serde_json::from_slice(&body).unwrap();
    let mut by_kind: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for f in v["features"].as_array().unwrap() {
        by_kind
            .entry(f["properties"]["kind"].as_str().unwrap().to_string())
            .or_default()
            .push(f);
    }
    // LSOAs: the ONS population-weighted centroids, read here from the official CSV.
    let (h, rows) = csv_rows(&source("lsoa11_pwc"));
    let (code, lon, lat) = (col(&h, "lsoa11cd"), col(&h, "X"), col(&h, "Y"));
    let official: BTreeMap<&str, (f64, f64)> = rows
        .iter()
        .map(|r| (&r[code], (r[lon].parse().unwrap(), r[lat].parse().unwrap())))
        .collect();
    assert_eq!(by_kind["lsoa"].len(), 373);
    for f in &by_kind["lsoa"] {
        let (x, y) = official[f["properties"]["code"].as_str().unwrap()];
        let c = &f["geometry"]["coordinates"];
        assert!(
            (c[0].as_f64().unwrap() - x).abs() < 1e-6 && (c[1].as_f64().unwrap() - y).abs() < 1e-6,
            "{f}"
        );
    }
    // Districts: the six official names, each label on the centroid of one of its own LSOAs.
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (lad, lad_name) = (
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Local Authority District name (2019)"),
    );
    let districts: BTreeSet<(String, String)> = rows
        .iter()
        .filter(|r| GLOS.contains(&&r[lad]))
        .map(|r| (r[lad].to_string(), r[lad_name].to_string()))
        .collect();
    let got: BTreeSet<(String, String)> = by_kind["district"]
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["code"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, districts);
    // Wards: every one of the county's 138, its label inside its own boundary.
    let fc: geojson::FeatureCollection =
        serde_json::from_slice(&std::fs::read(source(WARDS)).unwrap()).unwrap();
    let polys: BTreeMap<String, geo::Geometry<f64>> = fc
        .features
        .iter()
        .map(|f| {
            let code = f.properties.as_ref().unwrap()["WD25CD"]
                .as_str()
                .unwrap()
                .to_string();
            (
                code,
                geo::Geometry::try_from(f.geometry.clone().unwrap()).unwrap(),
            )
        })
        .collect();
    assert_eq!(by_kind["ward"].len(), 138);
    for f in &by_kind["ward"] {
        let c = &f["geometry"]["coordinates"];
        let p = geo::Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            polys[f["properties"]["code"].as_str().unwrap()].contains(&p),
            "{f}"
        );
    }
}

/// One protobuf field: number, varint value (or length), bytes of a length-delimited field.
type Field<'a> = (u32, u64, &'a [u8]);

/// Minimal protobuf reading for the test: the fields of a message.
fn fields(mut b: &[u8]) -> Vec<Field<'_>> {
    fn varint(b: &mut &[u8]) -> u64 {
        let (mut v, mut shift) = (0u64, 0);
        loop {
            let byte = b[0];
            *b = &b[1..];
            v |= ((byte & 0x7f) as u64) << shift;
            if byte < 0x80 {
                return v;
            }
            shift += 7;
        }
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let key = varint(&mut b);
        match key & 7 {
            0 => out.push(((key >> 3) as u32, varint(&mut b), &[][..])),
            2 => {
                let n = varint(&mut b) as usize;
                out.push(((key >> 3) as u32, n as u64, &b[..n]));
                b = &b[n..];
            }
            w => panic!("wire type {w}"),
        }
    }
    out
}

#[test]
fn glyphs_are_distance_fields_of_the_packaged_font() {
    let (s, body) = get("/glyphs/DejaVu%20Sans/0-255.pbf");
    assert_eq!(s, 200);
    let stack = fields(&body);
    assert_eq!(stack.len(), 1);
    let inner = fields(stack[0].2);
    assert_eq!(inner[0].2, b"DejaVu Sans");
    assert_eq!(inner[1].2, b"0-255");
    // The font file, read here with ttf-parser, gives the expected box of 'H' at 24 px.
    let font = std::fs::read(
        needsmap::tiles::glyphs::font_dirs(&web_dir())
            .iter()
            .map(|d| d.join("DejaVuSans.ttf"))
            .find(|p| p.is_file())
            .expect("DejaVuSans.ttf (npm ci --prefix web)"),
    )
    .unwrap();
    let face = ttf_parser::Face::parse(&font, 0).unwrap();
    let scale = 24.0 / face.units_per_em() as f64;
    let bbox = face
        .glyph_bounding_box(face.glyph_index('H').unwrap())
        .unwrap();
    let glyphs: BTreeMap<u64, Vec<Field>> = inner
        .iter()
        .filter(|f| f.0 == 3)
        .map(|f| {
            let g = fields(f.2);
            (g[0].1, g)
        })
        .collect();
    assert!(glyphs.contains_key(&(' ' as u64)) && glyphs.contains_key(&('é' as u64)));
    let h = &glyphs[&('H' as u64)];
    let get = |k: u32| h.iter().find(|f| f.0 == k).unwrap();
    let (w, ht) = (get(3).1 as i64, get(4).1 as i64);
    assert_eq!(
        w,
        ((bbox.x_max as f64 * scale).ceil() - (bbox.x_min as f64 * scale).floor()) as i64
    );
    assert_eq!(
        ht,
        ((bbox.y_max as f64 * scale).ceil() - (bbox.y_min as f64 * scale).floor()) as i64
    );
    let bitmap = get(2).2;
    assert_eq!(bitmap.len() as i64, (w + 6) * (ht + 6));
    // Inside the left stem the field is above the edge value (192), the corners are far outside.
    let px = |x: i64, y: i64| bitmap[(y * (w + 6) + x) as usize];
    let stem_x =
        3 + ((bbox.x_min as f64 + 100.0) * scale - (bbox.x_min as f64 * scale).floor()) as i64;
    assert!(px(stem_x, 3 + ht / 2) > 192, "{}", px(stem_x, 3 + ht / 2));
    assert!(
        px(0, 0) < 128 && px(w + 5, ht + 5) < 128,
        "{} {}",
        px(0, 0),
        px(w + 5, ht + 5)
    );
    // Bad input.
    assert_eq!(get_status("/glyphs/Comic%20Sans/0-255.pbf"), 404);
    assert_eq!(get_status("/glyphs/DejaVu%20Sans/1-256.pbf"), 400);
}

fn get_status(path: &str) -> u16 {
    get(path).0
}
