//! England under IoD2025 without its LSOA 2021 boundaries (not in the data mirror): every English
//! LSOA 2021 answers tables, and every map, point or distance question says which source it needs
//! and where ONS publishes it. (DWP child poverty on the county's LSOA 2021 areas: tests/vintage2025.rs.)
//! Expected figures come straight from the official CSVs, read here with the csv crate.

mod common;
use common::*;
use needsmap::atlas::layers::{ids, AbsentCause};
use needsmap::atlas::snapshot::{self, Outcome};
use needsmap::selection::AreaQuery;
use needsmap::server::{AppState, Limits};
use needsmap::vintage::Vintage;
use needsmap::{Atlas, AtlasError, Region};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

const ENGLAND_WALES_21: &str = "lsoa21_bgc_england_wales";

/// The England 2025 atlas from the checkout's data directory (built once, then its snapshot).
fn england() -> &'static Arc<Atlas> {
    static ATLAS: OnceLock<Arc<Atlas>> = OnceLock::new();
    ATLAS.get_or_init(|| {
        assert!(
            !data().has(ENGLAND_WALES_21),
            "these tests are about England without its LSOA 2021 boundaries"
        );
        Arc::new(
            needsmap::open_atlas(&data(), &Region::England, Vintage::V2025, None, false)
                .expect("England 2025 opens without boundaries")
                .atlas,
        )
    })
}

/// Official IoD2025 (File 7 content): every English LSOA 2021 → IMD decile.
fn iod2025_deciles() -> &'static BTreeMap<String, u8> {
    static DECILES: OnceLock<BTreeMap<String, u8>> = OnceLock::new();
    DECILES.get_or_init(|| {
        let (h, rows) = csv_rows(&source("iod2025"));
        let (code, decile) = (col(&h, "lsoa21_code"), col(&h, "IMD_decile"));
        rows.iter()
            .filter(|r| r[code].starts_with("E01"))
            .map(|r| (r[code].to_string(), r[decile].parse().unwrap()))
            .collect()
    })
}

/// Official IoD2019 File 1: LSOA 2011 code → district (2019).
fn file1_districts() -> HashMap<String, String> {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (code, lad) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
    );
    rows.iter()
        .map(|r| (r[code].to_string(), r[lad].to_string()))
        .collect()
}

/// The manifest's word on the missing boundaries: every refusal must carry all three.
fn must_name(text: &str) {
    let d = data();
    let s = d.manifest.get(ENGLAND_WALES_21).unwrap();
    assert!(text.contains(ENGLAND_WALES_21), "{text}");
    assert!(text.contains(&s.url), "{text}");
    assert!(text.contains(&s.file), "{text}");
}

#[test]
fn every_english_lsoa_2021_is_an_area_without_a_shape() {
    let atlas = england();
    let official = iod2025_deciles();
    assert!(
        official.len() > 33_000,
        "{} English LSOAs 2021",
        official.len()
    );
    let codes: BTreeSet<&str> = atlas.areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes.len(), atlas.areas.len(), "no area twice");
    assert_eq!(
        codes,
        official.keys().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert_eq!(atlas.national_count, official.len());
    assert!(atlas.areas.iter().all(|a| a.shape.is_none()));
    let missing = atlas
        .unmapped
        .as_ref()
        .expect("marked as built without boundaries");
    assert_eq!(missing.id, ENGLAND_WALES_21);
    must_name(&atlas.mapped().unwrap_err().to_string());
    assert!(
        atlas.gp_sites.sites.is_empty(),
        "no margin to keep GP sites within"
    );
    for (i, a) in atlas.areas.iter().enumerate() {
        assert_eq!(
            atlas.number(ids::IMD_DECILE, i),
            Some(official[&a.code] as f64),
            "{}",
            a.code
        );
    }
}

#[test]
fn unchanged_areas_keep_their_2011_district_and_new_ones_are_blank() {
    let atlas = england();
    let file1 = file1_districts();
    let mut blank = 0;
    for a in &atlas.areas {
        match file1.get(&a.code) {
            Some(lad) => {
                assert_eq!(&a.district_code, lad, "{}", a.code);
                assert!(!a.name.is_empty() && !a.district.is_empty(), "{}", a.code);
            }
            None => {
                blank += 1;
                assert!(
                    a.district_code.is_empty() && a.name.is_empty(),
                    "{}",
                    a.code
                );
                assert_eq!(
                    a.district,
                    needsmap::atlas::v2025::DISTRICT_NOT_MIRRORED,
                    "{}",
                    a.code
                );
            }
        }
    }
    let new_codes = iod2025_deciles()
        .keys()
        .filter(|c| !file1.contains_key(*c))
        .count();
    assert_eq!(blank, new_codes);
    assert!(new_codes > 1000 && new_codes < 3000, "{new_codes}");
    // District lists: the blank group holds exactly the new codes.
    let districts = atlas.districts();
    let unknown = districts.iter().find(|(code, _, _)| code.is_empty());
    assert_eq!(unknown.map(|d| d.2), Some(new_codes));
    // ... and the district summary says how districts were given and how many have none.
    let method =
        needsmap::summary::method_of(atlas, needsmap::model::summary::SummaryLevel::District);
    assert!(
        method.contains("IoD2019 district")
            && method.contains(&format!("the {new_codes} areas new since 2011")),
        "{method}"
    );
}

#[test]
fn queries_answer_the_official_decile_1_set() {
    let atlas = england();
    let expected: BTreeSet<String> = iod2025_deciles()
        .iter()
        .filter(|(_, d)| **d <= 1)
        .map(|(c, _)| c.clone())
        .collect();
    let sel = AreaQuery::parse(atlas, Some("imd_decile <= 1"), None, None)
        .unwrap()
        .run(atlas);
    let got: BTreeSet<String> = sel
        .areas
        .iter()
        .map(|&i| atlas.areas[i].code.clone())
        .collect();
    assert_eq!(got, expected);
    // CSV: the same rows, blank lon/lat; GeoJSON: refused with the source named.
    let mut csv = Vec::new();
    needsmap::report::write_areas(&mut csv, needsmap::report::Format::Csv, atlas, &sel, false)
        .unwrap();
    let mut r = csv::Reader::from_reader(&csv[..]);
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), expected.len());
    let (lon, code) = (col(&h, "lon"), col(&h, "code"));
    assert!(rows.iter().all(|x| x[lon].is_empty()));
    assert_eq!(
        rows.iter()
            .map(|x| x[code].to_string())
            .collect::<BTreeSet<_>>(),
        expected
    );
    let err = needsmap::report::write_areas(
        &mut Vec::new(),
        needsmap::report::Format::Geojson,
        atlas,
        &sel,
        false,
    )
    .unwrap_err();
    must_name(&err.to_string());
}

/// The cause recorded for an absent layer.
fn cause(atlas: &Atlas, id: &str) -> Option<AbsentCause> {
    atlas.layers.absence(id).map(|a| a.cause)
}

#[test]
fn geometry_layers_are_absent_with_the_reason_and_table_layers_answer() {
    let atlas = england();
    for id in [
        ids::GP_WALK_MIN,
        ids::GP_CAR_MIN,
        ids::GP_NEAREST,
        ids::CENTROID_BASIS,
    ] {
        assert!(atlas.layers.get(id).is_none(), "{id}");
        let why = atlas.layers.why_missing(id).unwrap_or_default();
        must_name(&why);
        assert_eq!(cause(atlas, id), Some(AbsentCause::NoBoundaries), "{id}");
    }
    // Joined by code, not measured: present.
    for id in [ids::GP_ROAD_KM_IOD2019, ids::PATIENT_TO_GP_RATIO] {
        let l = atlas.layers.get(id).unwrap_or_else(|| panic!("{id}"));
        assert!(l.values.missing() < atlas.areas.len(), "{id} has values");
    }
    // Child poverty reaches LSOA 2021 areas through the county's lookup only.
    let why = atlas
        .layers
        .why_missing(ids::CHILD_POVERTY_MSOA)
        .unwrap_or_default();
    assert!(why.contains("lookup"), "{why}");
    assert_eq!(
        cause(atlas, ids::CHILD_POVERTY_MSOA),
        Some(AbsentCause::OutsideCoverage)
    );
    // Published only in File 7, which the mirror lacks.
    assert_eq!(
        cause(atlas, ids::IDACI_DECILE),
        Some(AbsentCause::NotInMirror)
    );
    // A point cannot be placed, and says why.
    match atlas.postcode("GL1 2EH") {
        Err(e @ AtlasError::BoundariesMissing(_)) => must_name(&e.to_string()),
        other => panic!("expected the missing boundaries, got {other:?}"),
    }
    assert_eq!(atlas.locate(-2.24, 51.86), None);
}

#[test]
fn the_snapshot_keeps_the_missing_boundaries_and_reopens() {
    let first = england();
    let again =
        needsmap::open_atlas(&data(), &Region::England, Vintage::V2025, None, false).unwrap();
    assert_eq!(again.outcome, Outcome::Opened);
    let b = &again.atlas;
    assert_eq!(b.unmapped, first.unmapped);
    assert_eq!(b.areas.len(), first.areas.len());
    assert!(b.areas.iter().all(|a| a.shape.is_none()));
    for (x, y) in first.areas.iter().zip(&b.areas) {
        assert_eq!(
            (&x.code, &x.name, &x.district_code),
            (&y.code, &y.name, &y.district_code)
        );
    }
    assert_eq!(
        first.layers.ids().collect::<Vec<_>>(),
        b.layers.ids().collect::<Vec<_>>()
    );
    assert_eq!(first.layers.absent(), b.layers.absent());
    // Without the boundaries they are not an input; the file appearing changes the list.
    let inputs = snapshot::inputs_for(&data(), &Region::England, Vintage::V2025, None);
    assert!(inputs.iter().all(|(id, _)| id != ENGLAND_WALES_21));
    assert!(inputs.iter().any(|(id, _)| id == "iod2025"));
}

#[test]
fn the_cli_answers_tables_and_refuses_maps_naming_the_source() {
    england(); // the snapshot exists before the commands open it
    let expected = iod2025_deciles().values().filter(|d| **d <= 1).count();
    let g = ["--region", "england", "--vintage", "2025"];
    let run = |rest: &[&str]| needsmap(&[&g[..], rest].concat());
    let out = ok(&[&g[..], &["query", "imd_decile <= 1", "--format", "csv"]].concat());
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(r.records().count(), expected);

    let out = ok(&[&g[..], &["area", "E01000001", "--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "E01000001");
    assert!(v["lon"].is_null() && v["lat"].is_null());

    ok(&[&g[..], &["layers", "--format", "json"]].concat());

    for refused in [
        &["query", "imd_decile <= 1", "--format", "geojson"][..],
        &["postcode", "GL1 2EH"][..],
        &["access", "--mode", "walk", "--beyond", "15"][..],
    ] {
        let out = run(refused);
        assert!(!out.status.success(), "{refused:?} should fail");
        must_name(&String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn the_server_answers_tables_and_404s_maps_with_the_reason() {
    let base = serve_state(
        AppState::with_limits(england().clone(), web_dir(), Limits::default()).expect("state"),
    );
    let get = |path: &str| http().get(format!("{base}{path}")).send().unwrap();
    let expected = iod2025_deciles().values().filter(|d| **d <= 1).count();
    let res = get("/api/areas?where=imd_decile%20%3C%3D%201&format=csv");
    assert_eq!(res.status(), 200);
    let body = res.text().unwrap();
    assert_eq!(
        csv::Reader::from_reader(body.as_bytes()).records().count(),
        expected
    );
    let res = get("/api/areas/E01000001");
    assert_eq!(res.status(), 200);
    for path in [
        "/api/areas?where=imd_decile%20%3C%3D%201&format=geojson",
        "/tiles/areas.json",
        "/tiles/areas/6/31/21.mvt",
        "/api/districts",
        "/api/postcode/GL1%202EH",
    ] {
        let res = get(path);
        assert_eq!(res.status(), 404, "{path}");
        let v: serde_json::Value = res.json().unwrap();
        assert_eq!(v["error"], "no_boundaries", "{path}: {v}");
        must_name(v["detail"].as_str().unwrap());
    }
}
