//! The `needsmap` command line, run as a user would, on the real data.

mod common;
use common::*;
use std::collections::BTreeSet;
use std::process::Command;

fn fails(args: &[&str]) -> String {
    let out = needsmap(args);
    assert!(!out.status.success(), "needsmap {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// The exit code and stderr of a command that must fail.
fn fails_with(args: &[&str]) -> (i32, String) {
    let out = needsmap(args);
    let code = out.status.code().expect("exited, not killed by a signal");
    assert_ne!(code, 0, "needsmap {args:?} should fail");
    (code, String::from_utf8(out.stderr).unwrap())
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
    // clap rejects an unknown format before any data is loaded, naming the valid ones.
    let e = fails(&["query", "imd_decile <= 1", "--format", "xml"]);
    assert!(
        e.contains("invalid value 'xml' for '--format <FORMAT>'"),
        "{e}"
    );
    assert!(
        e.contains("[possible values: table, json, csv, geojson]"),
        "{e}"
    );
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

#[test]
fn bad_format_mode_and_region_are_usage_errors_listing_the_valid_values() {
    for (args, listed) in [
        (
            &["query", "--format", "xlsx"][..],
            "[possible values: table, json, csv, geojson]",
        ),
        (
            &["layers", "--format", "csv"][..],
            "[possible values: table, json, js]",
        ),
        (
            &["postcode", "GL1 2EH", "--format", "geojson"][..],
            "[possible values: table, json]",
        ),
        (
            &["access", "--beyond", "20", "--mode", "bus"][..],
            "[possible values: walk, cycle, car, pt, walk_or_pt]",
        ),
        (
            &["scenario", "--close", "L84001", "--mode", "train"][..],
            "[possible values: walk, cycle, car, pt, walk_or_pt]",
        ),
        (
            &[
                "travel",
                "--origins",
                "o.csv",
                "--destinations",
                "d.csv",
                "--format",
                "json",
            ][..],
            "[possible values: csv]",
        ),
    ] {
        let (code, e) = fails_with(args);
        assert_eq!(code, 2, "needsmap {args:?}: {e}");
        assert!(
            e.contains("invalid value") && e.contains(listed),
            "needsmap {args:?}: {e}"
        );
    }
    let (code, e) = fails_with(&["--region", "mars", "query"]);
    assert_eq!(code, 2, "{e}");
    assert!(
        e.contains("invalid value 'mars' for '--region <REGION>'"),
        "{e}"
    );
    assert!(
        e.contains("'gloucestershire', 'england', or a comma-separated list"),
        "{e}"
    );
    let (code, e) = fails_with(&["--region", "E07000078,X", "layers"]);
    assert_eq!(code, 2, "district codes are checked too: {e}");
    // Missing or conflicting flags are usage errors as well, with the flag named.
    let (code, e) = fails_with(&["access", "--beyond", "5", "--within", "3"]);
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("--within") && e.contains("--beyond"), "{e}");
    let (code, e) = fails_with(&["scenario"]);
    assert_eq!(code, 2, "{e}");
    assert!(e.contains("--close"), "{e}");
}

#[test]
fn wrong_requests_exit_2_and_unreadable_files_exit_1() {
    let (code, e) = fails_with(&["area", "E0100000X"]);
    assert_eq!(code, 2, "{e}");
    let (code, e) = fails_with(&["query", "imd_decile <="]);
    assert_eq!(code, 2, "{e}");
    // A file that cannot be read is not a wrong request: exit 1, naming the file.
    let pbf = source("osm_liechtenstein");
    let (code, e) = fails_with(&[
        "travel",
        "--network",
        pbf.to_str().unwrap(),
        "--origins",
        "/nonexistent/origins.csv",
        "--destinations",
        "/nonexistent/d.csv",
    ]);
    assert_eq!(code, 1, "{e}");
    assert!(e.contains("/nonexistent/origins.csv"), "{e}");
}

#[test]
fn query_csv_is_the_library_csv_for_the_official_decile_1_areas() {
    // The areas, from the official IoD2019 File 1 read with the csv crate.
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (code, lad, decile) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    let want: BTreeSet<String> = rows
        .iter()
        .filter(|r| GLOS.contains(&&r[lad]) && r[decile].trim() == "1")
        .map(|r| r[code].to_string())
        .collect();
    assert!(
        want.len() > 5,
        "Gloucestershire has areas in national decile 1"
    );
    let atlas = atlas();
    let areas: Vec<usize> = (0..atlas.areas.len())
        .filter(|&i| want.contains(&atlas.areas[i].code))
        .collect();
    assert_eq!(areas.len(), want.len());
    let mut expected = Vec::new();
    needsmap::report::write_csv(
        &mut expected,
        needsmap::model::AreaRows {
            atlas,
            areas: &areas,
        },
    )
    .unwrap();

    let out = needsmap(&["query", "imd_decile <= 1", "--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout == expected,
        "the CLI writes the library's CSV byte for byte, nothing added"
    );
    // And that CSV is what a spreadsheet needs: BOM, CRLF rows, one per area, missing values blank.
    let text = String::from_utf8(out.stdout).unwrap();
    let body = text
        .strip_prefix('\u{feff}')
        .expect("UTF-8 byte-order mark");
    assert!(body.ends_with("\r\n") && body.matches("\r\n").count() == want.len() + 1);
    let mut r = csv::Reader::from_reader(body.as_bytes());
    let header = r.headers().unwrap().clone();
    let dec = header.iter().position(|c| c == "imd_decile").unwrap();
    let got: BTreeSet<String> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            assert_eq!(&x[dec], "1");
            x[0].to_string()
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn scenario_and_access_parse_the_osm_file_once() {
    let pbf = source("osm_liechtenstein");
    let parses = |args: &[&str]| -> (String, usize) {
        let d = data();
        let out = Command::new(env!("CARGO_BIN_EXE_needsmap"))
            .args(["--network", pbf.to_str().unwrap()])
            .args(args)
            .env("NEEDSMAP_DATA_DIR", &d.root)
            .env("NEEDSMAP_MIRROR", d.mirror.unwrap())
            .env("NEEDSMAP_LOG", "needsmap=info")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "needsmap {args:?}: {stderr}");
        let n = stderr
            .lines()
            .filter(|l| l.contains("parsing OSM network"))
            .count();
        (String::from_utf8(out.stdout).unwrap(), n)
    };
    // Liechtenstein's roads cover none of the county's areas, so every area keeps its estimate
    // (the coverage rule) before and after: the point here is that the scenario is given the
    // networks the atlas was built on instead of parsing the file again.
    let (text, n) = parses(&["scenario", "--open", "GL1 2EH", "--mode", "car"]);
    assert_eq!(
        n, 1,
        "the OSM file is parsed once for the atlas and the scenario"
    );
    assert!(text.contains("scenario (car estimate)"), "{text}");
    // `access` opens the atlas snapshot: it parses the file once when it builds the snapshot,
    // and not at all once the snapshot for this network exists.
    let (_, n) = parses(&["access", "--beyond", "10", "--format", "json"]);
    assert!(n <= 1, "parsed {n} times");
}

#[test]
fn travel_on_an_extract_that_misses_every_origin_names_the_mode_and_its_extent() {
    // Liechtenstein's roads against an origin in Gloucester: the wrong file, not an unreachable row.
    let pbf = source("osm_liechtenstein");
    let dir = tempfile::tempdir().unwrap();
    let (o, d) = (dir.path().join("o.csv"), dir.path().join("d.csv"));
    std::fs::write(&o, "id,lon,lat\ngloucester,-2.2446,51.8642\n").unwrap();
    std::fs::write(&d, "id,lon,lat\nvaduz,9.5209,47.1410\n").unwrap();
    let (code, e) = fails_with(&[
        "--network",
        pbf.to_str().unwrap(),
        "travel",
        "--mode",
        "walk",
        "--origins",
        o.to_str().unwrap(),
        "--destinations",
        d.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{e}");
    assert!(
        e.contains("walk network") && e.contains("misses the region") && e.contains("lon 9."),
        "names the mode and the extract's extent: {e}"
    );
}
