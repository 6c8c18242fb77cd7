//! Summaries and printable profiles in the IoD2025 vintage (393 LSOA 2021 areas): the library,
//! `GET /api/summary?vintage=2025`, `/profile/...?vintage=2025` and `needsmap --vintage 2025
//! summary|profile`. Expected figures come straight from the official files, read here with the
//! csv crate (and ONS's MSOA 2021 polygons with the geojson crate), never from the product.

mod common;
use common::*;
use geo::{Contains, InteriorPoint};
use needsmap::model::{SummaryAnswer, SummaryLevel};
use needsmap::server::Limits;
use needsmap::summary::summarise;
use needsmap::vintage::Vintage;
use needsmap::Atlas;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

/// The county's IoD2025 table (LSOA 2021, MHCLG's File 7 figures with `LADCD_ACTIVE`). The
/// official File 1 of 2025 is not in the data mirror; this extract carries the same deciles.
const IOD2025_COUNTY: &str = "iod2025_gloucestershire";
const IOD2025_INDICATORS: &str = "iod2025_indicators";
const LSOA21: &str = "lsoa21_bgc_gloucestershire";
const MSOA21: &str = "msoa21_bgc_gloucestershire";
const LOOKUP: &str = "lsoa11_to_lsoa21_gloucestershire";

fn atlas25() -> Arc<Atlas> {
    static A: OnceLock<Arc<Atlas>> = OnceLock::new();
    A.get_or_init(|| Arc::new(open_county(Vintage::V2025).expect("the 2025 atlas")))
        .clone()
}

/// Per district code, from the official 2025 table: (LSOAs, LSOAs in national decile 1, codes).
fn districts_2025() -> BTreeMap<String, (usize, usize, BTreeSet<String>)> {
    let (h, rows) = csv_rows(&source(IOD2025_COUNTY));
    let (code, lad, dec) = (
        col(&h, "lsoa21_code"),
        col(&h, "LADCD_ACTIVE"),
        col(&h, "IMD_decile"),
    );
    let mut out: BTreeMap<String, (usize, usize, BTreeSet<String>)> = BTreeMap::new();
    for r in &rows {
        let e = out.entry(r[lad].to_string()).or_default();
        e.0 += 1;
        e.1 += usize::from(r[dec].trim() == "1");
        e.2.insert(r[code].to_string());
    }
    out
}

/// Code → official IDACI 2025 numerator (File 8), every English LSOA 2021.
fn idaci_numerators() -> BTreeMap<String, f64> {
    let (h, rows) = csv_rows(&source(IOD2025_INDICATORS));
    let (code, n) = (
        col(&h, "lsoa21_code"),
        col(
            &h,
            "income_deprivation_affecting_children_index_idaci_numerator",
        ),
    );
    rows.iter()
        .filter_map(|r| Some((r[code].to_string(), r[n].trim().parse::<f64>().ok()?)))
        .collect()
}

fn features(id: &str) -> Vec<geojson::Feature> {
    let text = std::fs::read_to_string(source(id)).unwrap();
    match text.parse::<geojson::GeoJson>().unwrap() {
        geojson::GeoJson::FeatureCollection(fc) => fc.features,
        other => panic!("{id}: not a FeatureCollection: {other:?}"),
    }
}

fn prop(f: &geojson::Feature, key: &str) -> String {
    f.property(key).and_then(Value::as_str).unwrap().to_string()
}

fn geometry(f: &geojson::Feature) -> geo::Geometry<f64> {
    geo::Geometry::try_from(f.geometry.clone().unwrap().value).unwrap()
}

/// The JSON of an answer has no count of "-0" people anywhere.
fn no_negative_zero(v: &Value) {
    let text = v.to_string();
    assert!(!text.contains(":-0.0") && !text.contains(":-0,"), "{text}");
}

#[test]
fn district_rows_count_the_official_2025_areas_and_no_people() {
    let a = atlas25();
    let s = summarise(&a, SummaryLevel::District, 45.0).unwrap();
    let want = districts_2025();
    assert_eq!(want.values().map(|d| d.0).sum::<usize>(), 393);
    assert_eq!(s.rows.len(), want.len());
    let idaci = idaci_numerators();
    for r in &s.rows {
        let (n, d1, codes) = &want[&r.code];
        assert_eq!(r.lsoas, *n, "{}", r.name);
        assert_eq!(r.lsoas_decile1, *d1, "{}", r.name);
        assert!((r.share_lsoas_decile1 - *d1 as f64 / *n as f64).abs() < 1e-4);
        // No population in IoD2025 here: null, never a count of 0 people.
        assert_eq!(r.population, None, "{}", r.name);
        assert_eq!(r.children, None);
        assert_eq!((r.people_decile1, r.share_people_decile1), (None, None));
        assert_eq!(r.imd_score_weighted, None);
        assert!(r.gp_beyond.iter().all(|g| g.people.is_none()));
        // The official IDACI numerator, summed over the district's areas.
        let sum: f64 = codes.iter().filter_map(|c| idaci.get(c)).sum();
        let got = r.children_income_deprived.unwrap();
        assert!((got - sum).abs() < 0.05, "{}: {got} vs {sum}", r.name);
        println!(
            "2025 {:<15} {:>3} LSOAs, decile 1: {}, income-deprived children {got}",
            r.name, r.lsoas, r.lsoas_decile1
        );
    }
    assert_eq!(s.region_total.lsoas, 393);
    assert_eq!(s.region_total.population, None);
    // PROVENANCE: 12 county LSOAs in decile 1 in 2025 (Gloucester 9, Cheltenham 2, Tewkesbury 1).
    assert_eq!(s.region_total.lsoas_decile1, 12);
    assert_eq!(s.vintage, "IoD2025, LSOA 2021");
    assert!(s.method.contains("LSOAs 2021 nest exactly"), "{}", s.method);
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("No population in IoD2025") && n.contains("File 7")),
        "{:?}",
        s.notes
    );
    no_negative_zero(&serde_json::to_value(&s).unwrap());
    // CSV: the people columns are empty, not 0.
    let header = s.csv_header();
    let pop = header.iter().position(|h| h == "population").unwrap();
    assert!(s.csv_rows().iter().all(|r| r[pop].is_empty()));
}

#[test]
fn wards_are_assigned_by_centroid_and_the_method_says_which_centroid() {
    let a = atlas25();
    let s = summarise(&a, SummaryLevel::Ward, 45.0).unwrap();
    assert_eq!(s.unassigned, 0);
    assert_eq!(s.rows.iter().map(|r| r.lsoas).sum::<usize>(), 393);
    // Every ward code is one of ONS's May 2025 wards, in the row's district.
    let wards: BTreeMap<String, String> = features("wards_wd25_gloucestershire")
        .iter()
        .map(|f| (prop(f, "WD25CD"), prop(f, "LAD25NM")))
        .collect();
    for r in &s.rows {
        assert_eq!(
            wards.get(&r.code).map(String::as_str),
            r.district.as_deref(),
            "{}",
            r.code
        );
        assert_eq!(r.child_poverty, None, "MSOAs do not nest in wards");
    }
    // The split areas have no population-weighted centroid: the lookup says how many there are.
    let (h, rows) = csv_rows(&source(LOOKUP));
    let (c21, chg) = (col(&h, "LSOA21CD"), col(&h, "CHGIND_derived"));
    let changed: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r[chg].trim() != "U")
        .map(|r| &r[c21])
        .collect();
    assert_eq!(changed.len(), 39);
    assert!(
        s.method.contains(&format!(
            "the {} areas unchanged since 2011, and a point inside the polygon for the {} other areas",
            393 - changed.len(),
            changed.len()
        )),
        "{}",
        s.method
    );
}

#[test]
fn msoas_are_the_2021_msoas_that_contain_their_lsoas() {
    let a = atlas25();
    let s = summarise(&a, SummaryLevel::Msoa, 45.0).unwrap();
    assert_eq!(s.unassigned, 0);
    // Independently: each LSOA 2021 polygon's interior point lies in one MSOA 2021 polygon.
    let msoas: Vec<(String, geo::Geometry<f64>)> = features(MSOA21)
        .iter()
        .map(|f| (prop(f, "MSOA21CD"), geometry(f)))
        .collect();
    let mut want: BTreeMap<String, usize> = BTreeMap::new();
    for f in features(LSOA21) {
        let p = geometry(&f).interior_point().unwrap();
        let hits: Vec<&String> = msoas
            .iter()
            .filter(|(_, g)| g.contains(&p))
            .map(|(c, _)| c)
            .collect();
        assert_eq!(hits.len(), 1, "{}", prop(&f, "LSOA21CD"));
        *want.entry(hits[0].clone()).or_default() += 1;
    }
    let got: BTreeMap<String, usize> = s.rows.iter().map(|r| (r.code.clone(), r.lsoas)).collect();
    assert_eq!(got, want);
    assert!(s.method.contains("MSOAs 2021"), "{}", s.method);
}

/// A server with 2019 by default and 2025 opened on first use, with its data directory.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let atlas = Arc::new(open_county(Vintage::V2019).unwrap());
        let mut state = two_vintage_state(atlas, Limits::default());
        state.data = Some(data());
        serve_state(state)
    })
}

fn get(path: &str) -> reqwest::blocking::Response {
    http().get(format!("{}{path}", base())).send().unwrap()
}

#[test]
fn the_api_answers_summaries_in_the_vintage_asked_for() {
    let want = districts_2025();
    let s: Value = get("/api/summary?by=district&vintage=2025").json().unwrap();
    assert_eq!(s["vintage"], "IoD2025, LSOA 2021");
    assert_eq!(s["region_total"]["lsoas"], 393);
    assert_eq!(s["region_total"]["population"], Value::Null);
    for r in s["rows"].as_array().unwrap() {
        let code = r["code"].as_str().unwrap();
        assert_eq!(
            r["lsoas"].as_u64().unwrap() as usize,
            want[code].0,
            "{code}"
        );
    }
    no_negative_zero(&s);
    // The API and the library give the same answer.
    let lib: SummaryAnswer = summarise(&atlas25(), SummaryLevel::District, 45.0).unwrap();
    assert_eq!(s, serde_json::to_value(lib).unwrap());
    // The default stays 2019 (373 LSOA 2011 areas).
    let d: Value = get("/api/summary?by=district").json().unwrap();
    assert_eq!(d["region_total"]["lsoas"], 373);
    assert_eq!(d["vintage"], "IoD2019, LSOA 2011");
    assert!(d["region_total"]["population"].as_f64().unwrap() > 600_000.0);
    // Wards, MSOAs, CSV and GeoJSON in 2025.
    let w: Value = get("/api/summary?by=ward&vintage=2025").json().unwrap();
    assert!(w["method"]
        .as_str()
        .unwrap()
        .contains("LSOAs 2021 do not nest"));
    let g: Value = get("/api/summary?by=msoa&vintage=2025&format=geojson")
        .json()
        .unwrap();
    let n: u64 = g["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["lsoas"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 393);
    let csv = get("/api/summary?by=district&vintage=2025&format=csv")
        .text()
        .unwrap();
    assert_eq!(csv.trim_end().split("\r\n").count(), 1 + want.len() + 1);
    // A vintage that does not exist: 400 naming the valid ones.
    let r = get("/api/summary?vintage=1999");
    assert_eq!(r.status(), 400);
    let e: Value = r.json().unwrap();
    assert_eq!(e["error"], "bad_vintage");
    assert!(e["detail"]
        .as_str()
        .unwrap()
        .contains("2025 (IoD2025 on LSOA 2021)"));
}

#[test]
fn profiles_are_printed_in_the_vintage_asked_for() {
    let want = districts_2025();
    let r = get("/profile/district/Gloucester?vintage=2025");
    assert_eq!(r.status(), 200);
    let page = r.text().unwrap();
    let n = want["E07000081"].0;
    assert!(
        page.contains(&format!("{n} LSOAs · figures on IoD2025, LSOA 2021")),
        "{n}"
    );
    assert_eq!(
        page.matches("<path ").count(),
        n,
        "one map shape per LSOA 2021"
    );
    assert!(page.contains("National IMD 2025 decile"));
    // England's 2025 figures: every English LSOA 2021 of the national table.
    let (h, rows) = csv_rows(&source("iod2025"));
    let code = col(&h, "lsoa21_code");
    let england = rows.iter().filter(|r| r[code].starts_with("E01")).count();
    assert!(
        page.contains(&needsmap::report::locality::whole(england as f64)),
        "England's {england} LSOAs"
    );
    assert!(page.contains("n/a"), "people are not counted in 2025");
    assert!(
        !page.contains("32,844"),
        "no 2019 England figure in a 2025 profile"
    );
    // A ward of the 2025 assignment.
    let a = atlas25();
    let ward = a
        .layers
        .get(needsmap::atlas::layers::ids::WARD)
        .unwrap()
        .text(0)
        .unwrap()
        .to_string();
    let r = get(&format!("/profile/ward/{ward}?vintage=2025"));
    assert_eq!(r.status(), 200);
    assert!(r.text().unwrap().contains("LSOAs 2021 do not nest"));
    assert_eq!(
        get("/profile/district/Gloucester?vintage=1999").status(),
        400
    );
}

#[test]
fn the_cli_summarises_and_profiles_in_2025() {
    let want = districts_2025();
    let out = needsmap(&[
        "--vintage",
        "2025",
        "summary",
        "--by",
        "district",
        "--format",
        "csv",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let (code, lsoas, pop) = (col(&h, "code"), col(&h, "lsoas"), col(&h, "population"));
    let mut seen = 0;
    for row in r.records().map(Result::unwrap) {
        if let Some(d) = want.get(&row[code]) {
            assert_eq!(row[lsoas].parse::<usize>().unwrap(), d.0);
            seen += 1;
        }
        assert_eq!(&row[pop], "", "no population in 2025");
    }
    assert_eq!(seen, want.len());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tewkesbury.html");
    let out = needsmap(&[
        "--vintage",
        "2025",
        "profile",
        "--district",
        "Tewkesbury",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = want["E07000083"].0;
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{n} LSOAs")));
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.contains("figures on IoD2025, LSOA 2021"));
}
