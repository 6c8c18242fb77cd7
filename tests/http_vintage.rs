//! `?vintage=` over HTTP against a real server on 127.0.0.1: the default vintage (2019) opened at
//! start, 2025 opened from its snapshot on first use. Expected figures come straight from the
//! official CSVs (read here with the csv crate), never from the server.

mod common;
use common::*;
use mvt_reader::feature::Value as MvtValue;
use needsmap::server::{AppState, Limits};
use needsmap::vintage::Vintage;
use reqwest::header;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

/// The county's IoD2025 table (LSOA 2021): code → IMD decile.
const IOD2025_COUNTY: &str = "deprivation/iod2025/imd2025_lsoa21_gloucestershire_humaniverse.csv";

/// The 2019 atlas, opened once for every server here.
fn atlas_2019() -> Arc<needsmap::Atlas> {
    static ATLAS: OnceLock<Arc<needsmap::Atlas>> = OnceLock::new();
    ATLAS
        .get_or_init(|| Arc::new(open_county(Vintage::V2019).expect("the 2019 atlas")))
        .clone()
}

/// A server as `needsmap serve` makes one: 2019 by default, 2025 on first use.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| serve_state(two_vintage_state(atlas_2019(), Limits::default())))
}

fn get_at(base: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::blocking::Response {
    let mut r = http().get(format!("{base}{path}"));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.send().unwrap()
}

fn get(path: &str) -> reqwest::blocking::Response {
    get_at(base(), path, &[])
}

fn json(path: &str) -> (u16, Value) {
    let r = get(path);
    (r.status().as_u16(), r.json().unwrap())
}

/// Code → IMD decile, straight from an official CSV.
fn deciles(rel: &str, code_col: &str, decile_col: &str) -> BTreeMap<String, u8> {
    let (h, rows) = csv_rows(&by_file(rel));
    let (c, d) = (col(&h, code_col), col(&h, decile_col));
    rows.iter()
        .map(|r| (r[c].to_string(), r[d].trim().parse().unwrap()))
        .collect()
}

fn county_2025() -> BTreeMap<String, u8> {
    deciles(IOD2025_COUNTY, "lsoa21_code", "IMD_decile")
}

/// The county's LSOA 2011 codes, from the IoD2019 file's district column.
fn county_2011_codes() -> BTreeSet<String> {
    let (h, rows) = csv_rows(&source("iod2019"));
    let (c, lad) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
    );
    rows.iter()
        .filter(|r| GLOS.contains(&&r[lad]))
        .map(|r| r[c].to_string())
        .collect()
}

fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = 2f64.powi(z as i32);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    (x, y)
}

fn tile_codes(bytes: Vec<u8>) -> BTreeSet<String> {
    let reader = mvt_reader::Reader::new(bytes).unwrap();
    reader
        .get_features(0)
        .unwrap()
        .iter()
        .map(
            |f| match f.properties.as_ref().and_then(|p| p.get("code")) {
                Some(MvtValue::String(c)) => c.clone(),
                other => panic!("feature without a code: {other:?}"),
            },
        )
        .collect()
}

#[test]
fn areas_of_2025_are_the_official_lsoa_2021_areas_with_their_deciles() {
    let expected = county_2025();
    assert_eq!(expected.len(), 393, "the county's LSOA 2021 areas");
    let (s, v) = json("/api/areas?vintage=2025");
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["count"].as_u64(), Some(expected.len() as u64));
    let got: BTreeMap<String, u8> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["code"].as_str().unwrap().to_string(),
                a["imd_decile"].as_u64().unwrap() as u8,
            )
        })
        .collect();
    assert_eq!(got, expected, "codes and IMD 2025 deciles as published");
    // Without the parameter the server's default, 2019 on LSOA 2011, answers.
    let (s, v) = json("/api/areas?limit=0");
    assert_eq!(s, 200);
    assert_eq!(v["count"].as_u64(), Some(county_2011_codes().len() as u64));
    // A filter runs on the vintage asked for: the 2025 decile-1 set, as published.
    let (s, v) = json("/api/areas?vintage=2025&where=imd_decile%20%3C%3D%201");
    assert_eq!(s, 200, "{v}");
    let got: BTreeSet<&str> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    let want: BTreeSet<&str> = expected
        .iter()
        .filter(|(_, d)| **d == 1)
        .map(|(c, _)| c.as_str())
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn an_unknown_vintage_is_a_400_listing_the_valid_ones() {
    for path in [
        "/api/areas?vintage=1999",
        "/api/layers?vintage=1999",
        "/api/region?vintage=2030",
        "/api/areas/E01022333?vintage=nineteen",
        "/tiles/areas.json?vintage=1999",
        "/tiles/areas/9/252/169.mvt?vintage=1999",
    ] {
        let (s, e) = json(path);
        assert_eq!(s, 400, "{path}: {e}");
        assert_eq!(e["error"], "bad_vintage", "{path}");
        let detail = e["detail"].as_str().unwrap();
        assert!(
            detail.contains("2019") && detail.contains("2025"),
            "{path}: {detail}"
        );
    }
    // A server that only opened its default names only that one.
    let single = serve_state(AppState::new(atlas_2019(), web_dir()).expect("state"));
    let r = get_at(&single, "/api/areas?vintage=2025", &[]);
    assert_eq!(r.status(), 400);
    let e: Value = r.json().unwrap();
    assert_eq!(e["error"], "bad_vintage");
    assert!(
        e["detail"].as_str().unwrap().contains("valid: 2019 ("),
        "{e}"
    );
}

#[test]
fn region_and_tilejson_name_the_vintage_and_its_geography() {
    let (s, r) = json("/api/region?vintage=2025");
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["vintage"], "2025");
    assert_eq!(r["geography"], "LSOA 2021");
    assert_eq!(r["default_vintage"], "2019");
    assert_eq!(r["vintages"], serde_json::json!(["2019", "2025"]));
    assert_eq!(r["lsoa_count"].as_u64(), Some(county_2025().len() as u64));
    let (_, r) = json("/api/region");
    assert_eq!(
        (r["vintage"].as_str(), r["geography"].as_str()),
        (Some("2019"), Some("LSOA 2011"))
    );

    let (s, t) = json("/tiles/areas.json?vintage=2025");
    assert_eq!(s, 200);
    let url = t["tiles"][0].as_str().unwrap();
    assert!(
        url.ends_with("/tiles/areas/{z}/{x}/{y}.mvt?vintage=2025"),
        "{url}"
    );
    assert!(t["description"].as_str().unwrap().contains("LSOA 2021"));
    // Without the parameter, the default's URL stays bare.
    let (_, t) = json("/tiles/areas.json");
    let url = t["tiles"][0].as_str().unwrap();
    assert!(url.ends_with("/tiles/areas/{z}/{x}/{y}.mvt"), "{url}");
    assert!(t["description"].as_str().unwrap().contains("LSOA 2011"));
}

#[test]
fn tiles_of_2025_carry_2021_codes_and_their_own_etags() {
    let codes_2021: BTreeSet<String> = county_2025().into_keys().collect();
    let codes_2011 = county_2011_codes();
    // An area that is new in 2021 (one of a split): where it is, from the 2025 profile.
    let new_area = codes_2021
        .iter()
        .find(|c| !codes_2011.contains(*c))
        .expect("the lookup has splits");
    let (s, p) = json(&format!("/api/areas/{new_area}?vintage=2025"));
    assert_eq!(s, 200, "{p}");
    let (lon, lat) = (p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap());
    let (x, y) = tile_of(lon, lat, 11);
    let path = |q: &str| format!("/tiles/areas/11/{x}/{y}.mvt?layers=imd_decile{q}");

    let r25 = get(&path("&vintage=2025"));
    assert_eq!(r25.status(), 200);
    let tag25 = r25.headers()[header::ETAG].to_str().unwrap().to_string();
    let in25 = tile_codes(r25.bytes().unwrap().to_vec());
    assert!(in25.contains(new_area), "{new_area} drawn in its tile");
    assert!(
        in25.is_subset(&codes_2021),
        "only LSOA 2021 codes: {in25:?}"
    );

    let r19 = get(&path(""));
    assert_eq!(r19.status(), 200);
    let tag19 = r19.headers()[header::ETAG].to_str().unwrap().to_string();
    let in19 = tile_codes(r19.bytes().unwrap().to_vec());
    assert!(
        in19.is_subset(&codes_2011),
        "only LSOA 2011 codes: {in19:?}"
    );
    assert!(!in19.contains(new_area));
    assert_ne!(
        tag25, tag19,
        "the same address is another tile in another year"
    );
    assert!(tag25.contains("2025"), "{tag25}");

    // The 2025 tag revalidates the 2025 tile only.
    let again = get_at(base(), &path("&vintage=2025"), &[("if-none-match", &tag25)]);
    assert_eq!(again.status(), 304);
    let other = get_at(base(), &path(""), &[("if-none-match", &tag25)]);
    assert_eq!(other.status(), 200);
}

#[test]
fn api_etags_differ_between_vintages_and_revalidate_within_one() {
    let tag = |path: &str| {
        let r = get(path);
        assert_eq!(r.status(), 200, "{path}");
        r.headers()[header::ETAG].to_str().unwrap().to_string()
    };
    let t19 = tag("/api/layers?vintage=2019");
    let t25 = tag("/api/layers?vintage=2025");
    assert_ne!(t19, t25);
    assert_eq!(t25, tag("/api/layers?vintage=2025"));
    let r = get_at(
        base(),
        "/api/layers?vintage=2025",
        &[("if-none-match", &t25)],
    );
    assert_eq!(r.status(), 304);
    // The 2019 layers answered by default are the same document as `?vintage=2019`.
    let (_, a) = json("/api/layers");
    let (_, b) = json("/api/layers?vintage=2019");
    assert_eq!(a, b);
}

#[test]
fn a_layer_not_in_the_vintage_is_a_400_listing_the_vintage_layers() {
    let ids = |v: &str| -> BTreeSet<String> {
        let (s, l) = json(&format!("/api/layers?vintage={v}"));
        assert_eq!(s, 200);
        l["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (l19, l25) = (ids("2019"), ids("2025"));
    let only25 = l25
        .difference(&l19)
        .next()
        .expect("2025 has layers 2019 has not");
    let only19 = l19
        .difference(&l25)
        .next()
        .expect("2019 has layers 2025 has not");
    for (missing, vintage, has) in [(only25, "2019", &l19), (only19, "2025", &l25)] {
        let r = get(&format!(
            "/tiles/areas/9/252/169.mvt?vintage={vintage}&layers={missing}"
        ));
        assert_eq!(r.status(), 400, "{missing} under {vintage}");
        let e: Value = r.json().unwrap();
        assert_eq!(e["error"], "bad_layer");
        let detail = e["detail"].as_str().unwrap();
        assert!(detail.contains(vintage), "{detail}");
        assert!(
            has.iter().all(|id| detail.contains(id.as_str())),
            "{detail}"
        );
        // The filter language says the same of a field the vintage lacks.
        let (s, e) = json(&format!(
            "/api/areas?vintage={vintage}&where={missing}%20%3D%201"
        ));
        assert_eq!(s, 400, "{e}");
        assert!(
            e["detail"].as_str().unwrap().contains(missing.as_str()),
            "{e}"
        );
    }
}

#[test]
fn scenarios_answer_in_the_asked_vintage_and_say_when_population_is_not_published() {
    // Under 2025 the changed areas are LSOA 2021 areas, whose population IoD2025 does not publish.
    let (status, sites) = json("/api/gp-sites?vintage=2025");
    assert_eq!(status, 200);
    let codes_2025: BTreeSet<String> = county_2025().into_keys().collect();
    // The first county practice (ODS codes L8…) whose closure changes some area.
    let (code, v) = sites["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
        .filter(|c| c.starts_with("L8"))
        .map(|code| {
            let (status, v) = json(&format!(
                "/api/scenario?close={code}&mode=walk&minutes=45&vintage=2025"
            ));
            assert_eq!(status, 200, "{v}");
            (code, v)
        })
        .find(|(_, v)| !v["changes"].as_array().unwrap().is_empty())
        .expect("closing some county practice changes some area");
    let changes = v["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "closing {code} changes some area: {v}");
    for c in changes {
        let area = c["code"].as_str().unwrap();
        assert!(
            codes_2025.contains(area),
            "{area} is an LSOA 2021 area of the county"
        );
    }
    let summary = v["summary"].as_str().unwrap();
    assert!(
        summary.contains("population not available in this vintage") && !summary.contains("-0"),
        "{summary}"
    );
    // The default vintage still answers on LSOA 2011 areas with people counted.
    let (status, v19) = json(&format!("/api/scenario?close={code}&mode=walk&minutes=45"));
    assert_eq!(status, 200);
    let codes_2011 = county_2011_codes();
    for c in v19["changes"].as_array().unwrap() {
        assert!(codes_2011.contains(c["code"].as_str().unwrap()));
    }
    if !v19["changes"].as_array().unwrap().is_empty() {
        assert!(
            v19["summary"].as_str().unwrap().contains(" people)"),
            "{v19}"
        );
    }
}
