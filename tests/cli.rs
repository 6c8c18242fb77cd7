//! The `needsmap` command line, run as a user would, on the real data.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::process::{Command, Output};

fn needsmap(args: &[&str]) -> Output {
    let d = data();
    Command::new(env!("CARGO_BIN_EXE_needsmap"))
        .args(args)
        .env("NEEDSMAP_DATA_DIR", &d.root)
        .env("NEEDSMAP_MIRROR", d.mirror.unwrap())
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = needsmap(args);
    assert!(
        out.status.success(),
        "needsmap {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str]) -> String {
    let out = needsmap(args);
    assert!(!out.status.success(), "needsmap {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn layers_lists_ids_units_sources_and_directions() {
    let t = ok(&["layers"]);
    for id in [
        "imd_decile",
        "idaci_decile",
        "children_income_deprived",
        "gp_walk_min",
        "gp_road_km_iod2019",
    ] {
        assert!(t.lines().any(|l| l.starts_with(id)), "{id} missing:\n{t}");
    }
    let j: serde_json::Value = serde_json::from_str(&ok(&["layers", "--format", "json"])).unwrap();
    let imd = j["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "imd_decile")
        .unwrap();
    assert_eq!(imd["direction"], "lower_is_worse");
    assert_eq!(imd["source"], "iod2019");
}

#[test]
fn query_formats() {
    let csv_text = ok(&["query", "imd_decile <= 1", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let codes: BTreeSet<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
    assert_eq!(codes.len(), 12);
    let t = ok(&[
        "query",
        "imd_decile <= 2 and district = \"Gloucester\"",
        "--sort",
        "imd_rank",
        "--limit",
        "10",
    ]);
    assert!(
        t.contains("Gloucester") && t.contains("areas match (10 shown)"),
        "{t}"
    );
    let g: serde_json::Value =
        serde_json::from_str(&ok(&["query", "imd_decile <= 1", "--format", "geojson"])).unwrap();
    assert_eq!(g["features"].as_array().unwrap().len(), 12);
    let e = fails(&["query", "imd_decile <="]);
    assert!(e.contains("column 14") && e.contains('^'), "{e}");
    let e = fails(&["query", "imd_decile <= 1", "--format", "xml"]);
    assert!(e.contains("unknown format"), "{e}");
}

#[test]
fn area_postcode_and_status() {
    let j: serde_json::Value =
        serde_json::from_str(&ok(&["area", "E01022333", "--format", "json"])).unwrap();
    assert_eq!(j["name"], "Gloucester 009E");
    let t = ok(&["area", "E01022333"]);
    assert!(t.contains("imd_decile") && t.contains("nearest GP sites"));
    assert!(fails(&["area", "E0100000X"]).contains("unknown LSOA code"));
    let t = ok(&["postcode", "gl12eh"]);
    assert!(t.contains("GL1 2EH is in"), "{t}");
    assert!(fails(&["postcode", "GL1 2E"]).contains("not a valid UK postcode"));
    let s = ok(&["data", "status"]);
    assert!(
        s.contains("iod2019") && s.contains("present, checksum ok") && s.contains("OGL v3"),
        "{s}"
    );
    assert!(
        s.contains("osm_gloucestershire") && s.contains("missing"),
        "the county network is reported missing:\n{s}"
    );
    assert!(
        s.contains("postcode not in Code-Point Open"),
        "exclusion reasons are counted:\n{s}"
    );
}

#[test]
fn travel_command_on_the_liechtenstein_network() {
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("o.csv");
    let d = dir.path().join("d.csv");
    // Vaduz and Schaan town centres, and a point in Austria 30 km away; destinations in Triesen and Balzers.
    std::fs::write(
        &o,
        "id,lon,lat\nvaduz,9.5209,47.1410\nschaan,9.5095,47.1650\nfar,9.9,47.3\n",
    )
    .unwrap();
    std::fs::write(
        &d,
        "id,lon,lat\ntriesen,9.5290,47.1070\nbalzers,9.4990,47.0660\n",
    )
    .unwrap();
    let pbf = source("osm_liechtenstein");
    let out = ok(&[
        "travel",
        "--network",
        pbf.to_str().unwrap(),
        "--origins",
        o.to_str().unwrap(),
        "--destinations",
        d.to_str().unwrap(),
        "--mode",
        "car",
    ]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][1], "triesen");
    let minutes: f64 = rows[0][2].parse().unwrap();
    let metres: f64 = rows[0][3].parse().unwrap();
    let straight = needsmap::geodesy::haversine_m((9.5209, 47.1410), (9.5290, 47.1070));
    assert!(
        metres >= straight * 0.95 && metres < straight * 3.0,
        "{metres} vs straight {straight}"
    );
    assert!(minutes > 1.0 && minutes < 30.0);
    assert_eq!(&rows[2][6], "no_nearby_road");
    assert!(
        rows[2][2].is_empty(),
        "no bogus time for a point off the network"
    );
    let e = fails(&[
        "travel",
        "--network",
        pbf.to_str().unwrap(),
        "--origins",
        "/nonexistent.csv",
        "--destinations",
        d.to_str().unwrap(),
    ]);
    assert!(e.contains("nonexistent.csv"), "{e}");
}
