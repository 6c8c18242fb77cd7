//! What the page draws around the areas, over HTTP on the real county atlases (2019 by default,
//! 2025 opened on first use, as `needsmap serve` does): `/api/labels?kind=&bbox=&vintage=`, the
//! `inside` flag of `/api/gp-sites` and the district outlines of `/api/districts`.
//! Every expectation is computed here from the official files: the ONS centroids CSV, the LSOA
//! 2011 and 2021 boundary files and the May 2025 wards.

mod common;
use common::*;
use geo::{Area, Contains, Intersects};
use needsmap::server::Limits;
use needsmap::vintage::Vintage;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

const WARDS: &str = "wards_wd25_gloucestershire";
const LSOA11: &str = "lsoa11_bgc_gloucestershire";
const LSOA21: &str = "lsoa21_bgc_gloucestershire";

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let wards = wards();
        // Opening 2025 may build its atlas (no snapshot yet) on a busy machine: these checks are
        // about what is answered, not how soon.
        let limits = Limits {
            request_timeout: std::time::Duration::from_secs(600),
            ..Limits::default()
        };
        let atlas = Arc::new(open_county(Vintage::V2019).unwrap());
        serve_state(two_vintage_state(atlas, limits).with_wards(wards))
    })
}

fn get(path: &str) -> (u16, Value) {
    let r = http().get(format!("{}{path}", base())).send().unwrap();
    let status = r.status().as_u16();
    (status, serde_json::from_slice(&r.bytes().unwrap()).unwrap())
}

/// Official polygons of a boundary file: code → geometry.
fn polygons(id: &str, key: &str) -> BTreeMap<String, (String, geo::Geometry<f64>)> {
    let fc: geojson::FeatureCollection =
        serde_json::from_slice(&std::fs::read(source(id)).unwrap()).unwrap();
    let name_key = key.replace("CD", "NM");
    fc.features
        .iter()
        .map(|f| {
            let p = f.properties.as_ref().unwrap();
            (
                p[key].as_str().unwrap().to_string(),
                (
                    p[name_key.as_str()].as_str().unwrap().to_string(),
                    geo::Geometry::try_from(f.geometry.clone().unwrap()).unwrap(),
                ),
            )
        })
        .collect()
}

/// The official ONS population-weighted centroids of LSOA 2011: code → (lon, lat).
fn centroids_2011() -> BTreeMap<String, (f64, f64)> {
    let (h, rows) = csv_rows(&source("lsoa11_pwc"));
    let (code, lon, lat) = (col(&h, "lsoa11cd"), col(&h, "X"), col(&h, "Y"));
    rows.iter()
        .map(|r| {
            (
                r[code].to_string(),
                (r[lon].parse().unwrap(), r[lat].parse().unwrap()),
            )
        })
        .collect()
}

fn kinds(v: &Value) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in v["features"].as_array().unwrap() {
        *out.entry(f["properties"]["kind"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    out
}

fn point(f: &Value) -> (f64, f64) {
    let c = &f["geometry"]["coordinates"];
    (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
}

#[test]
fn place_kinds_come_without_the_lsoas() {
    let (s, v) = get("/api/labels?kind=district,ward");
    assert_eq!(s, 200, "{v}");
    let wards = polygons(WARDS, "WD25CD").len();
    assert_eq!(
        kinds(&v),
        BTreeMap::from([("district".to_string(), GLOS.len()), ("ward".into(), wards)])
    );
    // No kind is every kind: the LSOAs as well.
    let (_, all) = get("/api/labels");
    assert_eq!(kinds(&all)["lsoa"], polygons(LSOA11, "LSOA11CD").len());
}

#[test]
fn lsoa_names_in_a_box_are_those_whose_official_centroid_lies_in_it() {
    // Gloucester city centre at about zoom 13.
    let (w, s, e, n) = (-2.30, 51.83, -2.19, 51.89);
    let (st, v) = get(&format!("/api/labels?kind=lsoa&bbox={w},{s},{e},{n}"));
    assert_eq!(st, 200, "{v}");
    let official = polygons(LSOA11, "LSOA11CD");
    let pwc = centroids_2011();
    let expected: BTreeSet<(String, String)> = official
        .iter()
        .filter(|(code, _)| {
            let (x, y) = pwc[code.as_str()];
            x >= w && x <= e && y >= s && y <= n
        })
        .map(|(code, (name, _))| (code.clone(), name.clone()))
        .collect();
    let got: BTreeSet<(String, String)> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["properties"]["kind"], "lsoa");
            let p = &f["properties"];
            (
                p["code"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(expected.len() >= 20, "{}", expected.len());
    assert_eq!(got, expected);
}

#[test]
fn the_2025_labels_are_lsoa_2021_names_and_points() {
    let (s, v) = get("/api/labels?kind=lsoa&vintage=2025");
    assert_eq!(s, 200, "{v}");
    assert!(v["placement"].as_str().unwrap().contains("LSOA 2021"));
    let official = polygons(LSOA21, "LSOA21CD");
    let pwc = centroids_2011();
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), official.len());
    let (mut kept, mut inside) = (0, 0);
    for f in features {
        let code = f["properties"]["code"].as_str().unwrap();
        let (name, polygon) = &official[code];
        assert_eq!(f["properties"]["name"].as_str().unwrap(), name);
        let (x, y) = point(f);
        // An area unchanged since 2011 keeps its code and ONS's 2011 centroid; any other label
        // lies inside its own 2021 polygon.
        match pwc.get(code) {
            Some(&(px, py)) if (px - x).abs() < 1e-9 && (py - y).abs() < 1e-9 => kept += 1,
            _ => {
                assert!(polygon.contains(&geo::Point::new(x, y)), "{f}");
                inside += 1;
            }
        }
    }
    assert!(kept > 300 && inside > 0, "{kept} kept, {inside} inside");
    // District and ward names in 2025 too.
    let (_, places) = get("/api/labels?kind=district,ward&vintage=2025");
    assert_eq!(kinds(&places)["district"], GLOS.len());
    assert_eq!(kinds(&places)["ward"], polygons(WARDS, "WD25CD").len());
}

#[test]
fn bad_kinds_boxes_and_vintages_are_400s_naming_the_parameter() {
    for (q, names) in [
        ("kind=msoa", "kind='msoa'"),
        ("kind=district,parish", "kind='parish'"),
        ("kind=lsoa&bbox=1,2,3", "bbox="),
        ("kind=lsoa&bbox=a,b,c,d", "bbox="),
        ("kind=lsoa&bbox=-2.2,51.9,-2.3,51.8", "upside down"),
        ("kind=lsoa&bbox=-200,51,-2,52", "longitudes"),
        ("vintage=1999", "vintage"),
    ] {
        let (s, v) = get(&format!("/api/labels?{q}"));
        assert_eq!(s, 400, "{q}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(names), "{q}: {v}");
    }
}

#[test]
fn gp_sites_say_whether_they_lie_in_the_county() {
    let (s, v) = get("/api/gp-sites");
    assert_eq!(s, 200);
    let lsoas: Vec<geo::Geometry<f64>> = polygons(LSOA11, "LSOA11CD")
        .into_values()
        .map(|(_, g)| g)
        .collect();
    let (mut yes, mut no) = (0, 0);
    for f in v["features"].as_array().unwrap() {
        let (x, y) = point(f);
        let p = geo::Point::new(x, y);
        let expected = lsoas.iter().any(|g| g.intersects(&p));
        assert_eq!(f["properties"]["inside"].as_bool(), Some(expected), "{f}");
        if expected {
            yes += 1
        } else {
            no += 1
        }
    }
    // The county's own sites, and its neighbours' (they can be an area's nearest GP).
    assert!(yes > 50 && no > 0, "{yes} inside, {no} outside");
}

#[test]
fn district_outlines_cover_their_official_lsoas_in_micro_degrees() {
    let (s, v) = get("/api/districts");
    assert_eq!(s, 200);
    // LSOA → district from IoD2019 File 1, areas from the official boundary file.
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (lsoa, lad) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
    );
    let district_of: BTreeMap<&str, &str> = rows.iter().map(|r| (&r[lsoa], &r[lad])).collect();
    let mut expected: BTreeMap<String, f64> = BTreeMap::new();
    for (code, (_, g)) in polygons(LSOA11, "LSOA11CD") {
        *expected
            .entry(district_of[code.as_str()].to_string())
            .or_default() += g.unsigned_area();
    }
    let features = v["features"].as_array().unwrap();
    assert_eq!(features.len(), GLOS.len());
    for f in features {
        // Every coordinate has at most six decimals.
        let text = f["geometry"]["coordinates"].to_string();
        for n in text.split(|c| "[],".contains(c)).filter(|n| !n.is_empty()) {
            let decimals = n.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 6, "{n}");
        }
        let g = geo::Geometry::<f64>::try_from(
            serde_json::from_value::<geojson::Geometry>(f["geometry"].clone()).unwrap(),
        )
        .unwrap();
        let want = expected[f["properties"]["code"].as_str().unwrap()];
        let rel = (g.unsigned_area() - want).abs() / want;
        assert!(rel < 1e-5, "{}: {rel}", f["properties"]["code"]);
    }
}
