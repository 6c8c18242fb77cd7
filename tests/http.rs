//! HTTP tests against a real server bound to 127.0.0.1 on a free port, serving the real atlas.

mod common;
use common::*;
use mvt_reader::feature::Value as MvtValue;
use needsmap::server::{AppState, Limits};
use proptest::prelude::*;
use reqwest::header;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// One server per test binary, on a port the OS picks.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| start(Limits::default()))
}

/// The Gloucestershire atlas with overlays, loaded once and shared by every server here.
fn shared_atlas() -> Arc<needsmap::Atlas> {
    static ATLAS: OnceLock<Arc<needsmap::Atlas>> = OnceLock::new();
    ATLAS
        .get_or_init(|| {
            Arc::new(
                needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None)
                    .expect("atlas"),
            )
        })
        .clone()
}

/// Serve the real atlas with `limits` on a free port; its base URL.
fn start(limits: Limits) -> String {
    start_with(limits, |_| {})
}

/// [`start`], with a change to the state before it serves.
fn start_with(limits: Limits, change: impl FnOnce(&mut AppState)) -> String {
    let mut state = AppState::with_limits(shared_atlas(), web_dir(), limits).expect("state");
    change(&mut state);
    serve_state(state)
}

fn get(path: &str) -> reqwest::blocking::Response {
    http().get(format!("{}{path}", base())).send().unwrap()
}

fn json(path: &str) -> (u16, Value) {
    let r = get(path);
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert!(ct.contains("json"), "{path}: content type {ct}");
    (status, r.json().unwrap())
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn decile1_codes(district: Option<&str>) -> BTreeSet<String> {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (code, lad, decile) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    rows.iter()
        .filter(|r| {
            GLOS.contains(&&r[lad]) && &r[decile] == "1" && district.is_none_or(|d| &r[lad] == d)
        })
        .map(|r| r[code].to_string())
        .collect()
}

#[test]
fn healthz_and_layers() {
    let (s, h) = json("/healthz");
    assert_eq!(s, 200);
    assert_eq!(h["areas"], 373);
    assert_eq!(
        h["region"],
        serde_json::json!({ "id": "gloucestershire", "name": "Gloucestershire" })
    );
    assert!(h["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == "iod2019"));
    let (s, l) = json("/api/layers");
    assert_eq!(s, 200);
    let layers = l["layers"].as_array().unwrap();
    let ids: BTreeSet<&str> = layers.iter().map(|x| x["id"].as_str().unwrap()).collect();
    for id in [
        "imd_score",
        "imd_rank",
        "imd_decile",
        "imd_county_decile",
        "idaci_score",
        "idaci_rank",
        "idaci_decile",
        "population",
        "children",
        "children_income_deprived",
        "gp_walk_min",
        "gp_cycle_min",
        "gp_car_min",
        "gp_road_km_iod2019",
        "gp_pt_walk_min_2013",
        "gp_cycle_min_2013",
        "gp_car_min_2013",
        "gp_nearest",
    ] {
        assert!(ids.contains(id), "layer {id} missing");
    }
    for x in layers.iter().filter(|x| x["kind"] == "number") {
        let b: Vec<f64> = x["breaks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert!(
            b.windows(2).all(|w| w[0] < w[1]),
            "{} breaks {b:?}",
            x["id"]
        );
        assert!(x["min"].as_f64().unwrap() <= x["max"].as_f64().unwrap());
    }
    let walk = layers.iter().find(|x| x["id"] == "gp_walk_min").unwrap();
    assert_eq!(
        walk["method"], "estimate",
        "no Gloucestershire network here, so the layer must say it is estimated"
    );
    let d = walk["description"].as_str().unwrap();
    assert!(
        d.starts_with("ESTIMATE") && d.contains("Estimated for all 373 areas"),
        "{}",
        walk["description"]
    );
    let acs = layers
        .iter()
        .find(|x| x["id"] == "gp_car_min_2013")
        .unwrap();
    assert_eq!(
        acs["missing"], 9,
        "nine post-2001 LSOAs have no ACS0505 value"
    );
}

#[test]
fn areas_json_csv_geojson_agree_with_the_official_file() {
    let want = decile1_codes(None);
    let (s, v) = json(&format!(
        "/api/areas?where={}&sort=imd_rank",
        enc("imd_decile <= 1")
    ));
    assert_eq!(s, 200);
    assert_eq!(v["count"], want.len());
    let got: BTreeSet<String> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, want);
    let ranks: Vec<f64> = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["imd_rank"].as_f64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
    let pop: f64 = v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["population"].as_f64().unwrap())
        .sum();
    assert_eq!(v["totals"]["population"].as_f64().unwrap(), pop);
    // Limit keeps count and totals over all matches.
    let (_, lim) = json(&format!(
        "/api/areas?where={}&sort=imd_rank:desc&limit=3",
        enc("imd_decile <= 1")
    ));
    assert_eq!(lim["count"], want.len());
    assert_eq!(lim["returned"], 3);
    assert_eq!(lim["totals"], v["totals"]);

    let r = get(&format!(
        "/api/areas?where={}&format=csv",
        enc("imd_decile <= 1")
    ));
    assert_eq!(r.status(), 200);
    assert!(r.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("filename="));
    let text = r.text().unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM for Excel");
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(&rd.headers().unwrap()[0], "code");
    let csv_codes: BTreeSet<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(csv_codes, want);

    let r = get(&format!(
        "/api/areas?where={}&format=geojson",
        enc("imd_decile <= 1")
    ));
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/geo+json");
    let g: Value = r.json().unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert_eq!(g["features"].as_array().unwrap().len(), want.len());
    assert!(matches!(
        g["features"][0]["geometry"]["type"].as_str(),
        Some("Polygon" | "MultiPolygon")
    ));
}

#[test]
fn area_profile_and_postcode_eligibility() {
    let (s, p) = json("/api/areas/E01022333");
    assert_eq!(s, 200);
    let imd = p["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "imd_score")
        .unwrap();
    assert_eq!(imd["national_decile"], 1);
    assert_eq!(
        imd["county_rank"], 1,
        "E01022333 is the county's most deprived LSOA (lowest IMD rank, 621)"
    );
    assert_eq!(p["gp_sites"].as_array().unwrap().len(), 3);
    let (s, e) = json("/api/areas/E0102XXXX");
    assert_eq!(s, 404);
    assert_eq!(e["error"], "not_found");

    let (h, rows) = csv_rows(&source("ons_postcode_lsoa_gloucestershire"));
    let (pcds, lsoa) = (col(&h, "pcds"), col(&h, "lsoa11cd"));
    let want = rows
        .iter()
        .find(|r| &r[pcds] == "GL1 2EH")
        .map(|r| r[lsoa].to_string())
        .unwrap();
    let (s, pc) = json("/api/postcode/gl1%202eh");
    assert_eq!(s, 200);
    assert_eq!(pc["area"]["code"], want.as_str());
    let national = decile1_codes(None).contains(&want);
    assert_eq!(pc["eligible"]["national_top10"], national);
    assert!(pc["message"].as_str().unwrap().contains(&want));
    // A decile-1 postcode: any live postcode ONS puts in the most deprived LSOA.
    let deprived = rows
        .iter()
        .find(|r| {
            &r[lsoa] == "E01022333"
                && r[col(&h, "doterm")].is_empty()
                && !r[col(&h, "lon")].is_empty()
        })
        .unwrap();
    let (_, pc) = json(&format!("/api/postcode/{}", enc(&deprived[pcds])));
    assert_eq!(pc["eligible"]["national_top10"], true);
    assert_eq!(pc["eligible"]["county_top10"], true);
    let (s, e) = json("/api/postcode/NOTAPOSTCODE");
    assert_eq!(s, 400);
    assert!(e["detail"]
        .as_str()
        .unwrap()
        .contains("not a valid UK postcode"));
    let (s, _) = json("/api/postcode/GL99%209ZZ");
    assert_eq!(s, 404);
}

#[test]
fn gp_sites_districts_tilejson_openapi() {
    let r = get("/api/gp-sites");
    assert_eq!(r.headers()[header::CONTENT_TYPE], "application/geo+json");
    let g: Value = r.json().unwrap();
    assert_eq!(
        g["features"].as_array().unwrap().len(),
        atlas().gp_sites.len()
    );
    let d: Value = get("/api/districts").json().unwrap();
    let names: BTreeSet<&str> = d["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from([
            "Cheltenham",
            "Cotswold",
            "Forest of Dean",
            "Gloucester",
            "Stroud",
            "Tewkesbury"
        ])
    );
    let (s, tj) = json("/tiles/areas.json");
    assert_eq!(s, 200);
    assert_eq!(tj["tilejson"], "3.0.0");
    assert!(tj["tiles"][0]
        .as_str()
        .unwrap()
        .ends_with("/tiles/areas/{z}/{x}/{y}.mvt"));
    assert!(tj["vector_layers"][0]["fields"]["imd_decile"].is_string());
}

/// The paths of the OpenAPI document.
fn documented_paths() -> BTreeSet<String> {
    let (s, doc) = json("/api/openapi.json");
    assert_eq!(s, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    doc["paths"].as_object().unwrap().keys().cloned().collect()
}

#[test]
fn openapi_documents_every_routed_path_and_only_those() {
    let paths = documented_paths();
    // Every documented path is served with example parameters.
    for p in &paths {
        let url = p
            .replace("{code}", "E01022333")
            .replace("{postcode}", "GL1%202EH")
            .replace("{z}", "10")
            .replace("{x}", "505")
            .replace("{y}", "338")
            .replace("{fontstack}", "DejaVu%20Sans")
            .replace("{range}", "0-255");
        assert_eq!(get(&url).status(), 200, "{url}");
    }
    // Every path is routed through utoipa-axum's `routes!`, which documents it; the router's
    // only other routes are the API's 404 catch-all and the page's static files. Read from the
    // source, so a route added by hand fails here.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/server");
    let mut by_hand: BTreeSet<String> = BTreeSet::new();
    let mut routed = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let path = f.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        routed += text.matches("routes!(").count();
        if path.ends_with("openapi.rs") {
            // `routes_with_suffix`: routes a documented path without its `.mvt`, checked below.
            continue;
        }
        for call in [".route(", ".route_service(", ".nest_service("] {
            for (k, _) in text.match_indices(call) {
                let rest = text[k + call.len()..].trim_start();
                // A path that is not a literal is reported as such and fails below.
                let path = rest
                    .strip_prefix('"')
                    .map(|r| r[..r.find('"').unwrap()].to_string())
                    .unwrap_or_else(|| format!("computed: {}", &rest[..20.min(rest.len())]));
                by_hand.insert(path);
            }
        }
    }
    // By hand: the API's 404 catch-all, the page and its vendored packages; nothing else.
    assert!(
        by_hand.remove("/api/{*rest}") && by_hand.remove("/"),
        "{by_hand:?}"
    );
    assert!(
        by_hand.iter().all(|p| p.starts_with("/vendor/")),
        "routed without documentation: {by_hand:?}"
    );
    assert_eq!(
        routed,
        paths.len(),
        "one documented path per routed handler"
    );
    // The tile route (axum cannot match `{y}.mvt`) is documented with its suffix.
    assert!(paths.contains("/tiles/areas/{z}/{x}/{y}.mvt"), "{paths:?}");
    // The README's API table lists exactly the documented paths (and the page, `/`).
    let readme =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let listed: BTreeSet<String> = readme
        .match_indices("`GET /")
        .map(|(k, _)| {
            let rest = &readme[k + 5..];
            let end = rest.find(['`', '?', '[']).unwrap();
            rest[..end].to_string()
        })
        .filter(|p| p != "/")
        .collect();
    assert_eq!(listed, paths, "README table vs OpenAPI paths");
    // An undocumented API path is a JSON 404.
    let (s, e) = json("/api/not-an-endpoint");
    assert_eq!((s, e["error"].as_str()), (404, Some("not_found")));
}

fn tile(z: u32, x: u32, y: u32, query: &str) -> reqwest::blocking::Response {
    get(&format!("/tiles/areas/{z}/{x}/{y}.mvt{query}"))
}

fn tile_of(lon: f64, lat: f64, z: u32) -> (u32, u32) {
    let n = 2f64.powi(z as i32);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let lat_r = lat.to_radians();
    let y = ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0 * n)
        .floor() as u32;
    (x, y)
}

#[test]
fn tiles_decode_with_the_atlas_values_and_highlight_a_selection() {
    let atlas = atlas();
    // The z9 tile around Gloucester Cross covers the whole city (a z10 edge runs through it).
    let (x, y) = tile_of(-2.2446, 51.8642, 9);
    let r = tile(
        9,
        x,
        y,
        &format!(
            "?layers=imd_decile,imd_score,children,gp_walk_min&where={}",
            enc("imd_decile <= 1")
        ),
    );
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/vnd.mapbox-vector-tile"
    );
    assert!(r.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let bytes = r.bytes().unwrap().to_vec();
    let reader = mvt_reader::Reader::new(bytes).unwrap();
    assert_eq!(reader.get_layer_names().unwrap(), vec!["areas".to_string()]);
    let features = reader.get_features(0).unwrap();
    let mut selected = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for f in &features {
        let props: HashMap<String, MvtValue> = f.properties.clone().unwrap_or_default();
        let Some(MvtValue::String(code)) = props.get("code") else {
            panic!("feature without code")
        };
        let (i, _) = atlas.area(code).unwrap();
        assert_eq!(
            f.id,
            Some(i as u64),
            "feature id = the area's index in the atlas"
        );
        let keys: BTreeSet<&str> = props.keys().map(String::as_str).collect();
        assert!(
            keys.is_subset(&BTreeSet::from([
                "code",
                "selected",
                "imd_decile",
                "imd_score",
                "children",
                "gp_walk_min"
            ])),
            "only the layers asked for: {keys:?}"
        );
        for id in ["imd_decile", "imd_score", "children", "gp_walk_min"] {
            let want = atlas.number(id, i).map(needsmap::report::round3);
            let got = match props.get(id) {
                Some(MvtValue::Double(v)) => Some(*v),
                Some(MvtValue::Float(v)) => Some(*v as f64),
                Some(MvtValue::SInt(v)) => Some(*v as f64),
                Some(MvtValue::Int(v)) => Some(*v as f64),
                Some(MvtValue::UInt(v)) => Some(*v as f64),
                None => None,
                other => panic!("{id}: {other:?}"),
            };
            assert_eq!(got, want, "{code} {id}");
        }
        if props.get("selected") == Some(&MvtValue::Bool(true)) {
            selected.insert(code.clone());
        }
        seen.insert(code.clone());
        use geo::CoordsIter;
        for c in f.geometry.coords_iter() {
            assert!(
                (-64.0..=4160.0).contains(&c.x) && (-64.0..=4160.0).contains(&c.y),
                "{code}: {c:?}"
            );
        }
    }
    let gloucester = decile1_codes(Some("E07000081"));
    assert_eq!(gloucester.len(), 9);
    assert!(
        gloucester.is_subset(&seen),
        "Gloucester decile-1 LSOAs in the tile"
    );
    assert!(gloucester.is_subset(&selected));
    assert!(
        selected.is_subset(&decile1_codes(None)),
        "only decile-1 areas are selected"
    );
    // Every county LSOA appears at z8 in some tile (none is under a pixel there), with `code` only.
    let mut all = BTreeSet::new();
    let [w, s, e, n] = atlas.bounds();
    let (x0, y0) = tile_of(w, n, 8);
    let (x1, y1) = tile_of(e, s, 8);
    for tx in x0..=x1 {
        for ty in y0..=y1 {
            let r = tile(8, tx, ty, "");
            if r.status() == 200 {
                let rd = mvt_reader::Reader::new(r.bytes().unwrap().to_vec()).unwrap();
                for f in rd.get_features(0).unwrap() {
                    let props = f.properties.unwrap_or_default();
                    assert_eq!(props.len(), 1, "without ?layers= only `code`: {props:?}");
                    if let Some(MvtValue::String(c)) = props.get("code") {
                        all.insert(c.clone());
                    }
                }
            }
        }
    }
    assert_eq!(all.len(), 373);
}

#[test]
fn tile_addresses_and_errors() {
    assert_eq!(
        tile(3, 0, 0, "").status(),
        204,
        "empty tile far from the region"
    );
    for (path, status) in [
        ("/tiles/areas/17/0/0.mvt", 400),
        ("/tiles/areas/15/0/0.mvt", 400),
        ("/tiles/areas/10/505/338.mvt?layers=imd_decile,nope", 400),
        ("/tiles/areas/10/1024/0.mvt", 400),
        ("/tiles/areas/10/0/1024.mvt", 400),
        ("/tiles/areas/a/0/0.mvt", 400),
        ("/tiles/areas/-1/0/0.mvt", 400),
        ("/tiles/areas/10/505/338.png", 404),
    ] {
        let r = get(path);
        assert_eq!(r.status(), status, "{path}");
        let v: Value = r.json().unwrap();
        assert!(
            v["error"].is_string() && v["detail"].is_string(),
            "{path}: {v}"
        );
    }
    let (s, e) = json(&format!(
        "/tiles/areas/10/505/338.mvt?where={}",
        enc("imd_decile <=")
    ));
    assert_eq!(s, 400);
    assert_eq!(e["column"], 14);
    let (s, e) = json("/tiles/areas/10/505/338.mvt?layers=imd_decil");
    assert_eq!((s, e["error"].as_str()), (400, Some("bad_layer")));
    let detail = e["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("unknown layer \"imd_decil\"; valid: ")
            && detail.contains("imd_decile")
            && detail.contains("gp_walk_min"),
        "{detail}"
    );
}

#[test]
fn errors_are_json_with_fitting_status() {
    let (s, e) = json(&format!("/api/areas?where={}", enc("imd_decil <= 2")));
    assert_eq!((s, e["error"].as_str()), (400, Some("bad_filter")));
    assert_eq!(e["column"], 1);
    assert!(
        e["detail"].as_str().unwrap().contains("imd_decile"),
        "suggests the right field"
    );
    let (s, e) = json("/api/areas?limit=lots");
    assert_eq!(s, 400);
    assert!(e["detail"].as_str().unwrap().contains("limit"));
    let (s, _) = json("/api/areas?format=xlsx");
    assert_eq!(s, 400);
    let (s, _) = json("/api/nothing-here");
    assert_eq!(s, 404);
    let long = "a".repeat(10_000);
    let r = get(&format!("/api/areas?where={long}"));
    assert_eq!(r.status(), 414);
    let r = http()
        .post(format!("{}/api/areas", base()))
        .body(vec![b'x'; 100_000])
        .send()
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = http()
        .post(format!("{}/api/areas", base()))
        .body("x")
        .send()
        .unwrap();
    assert_eq!(r.status(), 405);
    // Static files cannot escape web/.
    for p in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/vendor/maplibre-gl/../../package.json",
        "/..%2f..%2fCargo.toml",
    ] {
        let r = get(p);
        let status = r.status().as_u16();
        let body = r.text().unwrap();
        assert!(
            !body.contains("[package]") && !body.contains("\"devDependencies\""),
            "{p} leaked a file"
        );
        assert!(
            (400..500).contains(&status) || status == 200 && body.contains("<html"),
            "{p}: {status}"
        );
    }
}

#[test]
fn etag_304_compression_and_cors() {
    for path in [
        "/api/layers".to_string(),
        "/tiles/areas/10/505/338.mvt".to_string(),
        format!("/api/areas?where={}", enc("imd_decile <= 2")),
    ] {
        let r = get(&path);
        assert_eq!(r.status(), 200);
        let tag = r.headers()[header::ETAG].to_str().unwrap().to_string();
        let r2 = http()
            .get(format!("{}{path}", base()))
            .header(header::IF_NONE_MATCH, &tag)
            .send()
            .unwrap();
        assert_eq!(r2.status(), 304, "{path}");
        assert!(r2.bytes().unwrap().is_empty());
        let r3 = http()
            .get(format!("{}{path}", base()))
            .header(header::IF_NONE_MATCH, "\"other\"")
            .send()
            .unwrap();
        assert_eq!(r3.status(), 200);
    }
    let r = http()
        .get(format!("{}/api/layers", base()))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
    let r = http()
        .get(format!("{}/api/layers", base()))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
    let r = http()
        .get(format!("{}/api/layers", base()))
        .header(header::ORIGIN, "https://example.org")
        .send()
        .unwrap();
    assert_eq!(r.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

#[test]
fn load_test_concurrent_clients_get_no_errors() {
    let _ = base();
    let paths: Vec<String> = vec![
        "/healthz".into(),
        "/api/layers".into(),
        format!("/api/areas?where={}&limit=20", enc("idaci_decile <= 3")),
        "/api/areas/E01022100".into(),
        "/api/postcode/GL50%203EG".into(),
        "/tiles/areas/10/505/338.mvt".into(),
        "/tiles/areas/12/2021/1353.mvt".into(),
        "/tiles/areas/8/126/84.mvt".into(),
    ];
    let clients = 8;
    let per_client = 60;
    let started = std::time::Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let paths = paths.clone();
            let base = base().to_string();
            std::thread::spawn(move || {
                // Each client keeps its connection alive across its requests, as a browser does.
                let client = reqwest::blocking::Client::builder()
                    .timeout(std::time::Duration::from_secs(600))
                    .build()
                    .unwrap();
                let mut errors = Vec::new();
                for k in 0..per_client {
                    let p = &paths[(c + k) % paths.len()];
                    match client.get(format!("{base}{p}")).send() {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes();
                        }
                        Ok(r) => errors.push(format!("{p}: {}", r.status())),
                        Err(e) => errors.push(format!("{p}: {e}")),
                    }
                }
                errors
            })
        })
        .collect();
    let errors: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    eprintln!(
        "load test: {} requests from {clients} clients in {:?}",
        clients * per_client,
        started.elapsed()
    );
    assert!(errors.is_empty(), "{errors:?}");
}

/// District code → (name, LSOAs) of the county, from IoD2019 File 1 read with the csv crate.
fn county_districts() -> BTreeMap<String, (String, usize)> {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (lad, name) = (
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Local Authority District name (2019)"),
    );
    let mut m: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for r in rows.iter().filter(|r| GLOS.contains(&&r[lad])) {
        m.entry(r[lad].to_string())
            .or_insert_with(|| (r[name].to_string(), 0))
            .1 += 1;
    }
    m
}

#[test]
fn region_names_the_loaded_districts_as_the_official_file_does() {
    let want = county_districts();
    let (s, r) = json("/api/region");
    assert_eq!(s, 200);
    assert_eq!(
        (r["id"].as_str(), r["name"].as_str()),
        (Some("gloucestershire"), Some("Gloucestershire"))
    );
    assert_eq!(r["lsoa_count"], want.values().map(|v| v.1).sum::<usize>());
    assert_eq!(r["vintages"], serde_json::json!(["2019"]));
    assert_eq!(r["default_vintage"], "2019");
    let bbox = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let region = bbox(&r["bbox"]);
    let districts = r["districts"].as_array().unwrap();
    assert_eq!(districts.len(), want.len());
    for d in districts {
        let code = d["code"].as_str().unwrap();
        let (name, n) = &want[code];
        assert_eq!(
            (
                d["name"].as_str().unwrap(),
                d["lsoa_count"].as_u64().unwrap() as usize
            ),
            (name.as_str(), *n),
            "{code}"
        );
        let b = bbox(&d["bbox"]);
        assert!(
            b[0] < b[2]
                && b[1] < b[3]
                && b[0] >= region[0]
                && b[1] >= region[1]
                && b[2] <= region[2]
                && b[3] <= region[3],
            "{code}: {b:?} in {region:?}"
        );
        // The district's bbox holds every one of its areas' centroids.
        let (_, areas) = json(&format!(
            "/api/areas?where={}",
            enc(&format!("district_code = \"{code}\""))
        ));
        assert_eq!(areas["count"].as_u64().unwrap() as usize, *n);
        for a in areas["areas"].as_array().unwrap() {
            let (x, y) = (a["lon"].as_f64().unwrap(), a["lat"].as_f64().unwrap());
            assert!(
                x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3],
                "{code}: {x},{y}"
            );
        }
    }
}

#[test]
fn profile_regional_ranks_match_the_official_national_ranks() {
    // Regional rank of the IMD score = 1 + county areas with a better (lower) national rank.
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (code, lad, rank) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Index of Multiple Deprivation (IMD) Rank"),
    );
    let county: Vec<(String, u32)> = rows
        .iter()
        .filter(|r| GLOS.contains(&&r[lad]))
        .map(|r| {
            (
                r[code].to_string(),
                r[rank].replace(',', "").parse().unwrap(),
            )
        })
        .collect();
    for (c, national) in county.iter().step_by(37) {
        let want = 1 + county.iter().filter(|(_, r)| r < national).count();
        let (s, p) = json(&format!("/api/areas/{c}"));
        assert_eq!(s, 200);
        let imd = p["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == "imd_score")
            .unwrap();
        assert_eq!(imd["county_rank"].as_u64().unwrap() as usize, want, "{c}");
        assert_eq!(imd["county_of"].as_u64().unwrap() as usize, county.len());
        assert_eq!(imd["national_rank"].as_u64().unwrap() as u32, *national);
    }
}

#[test]
fn csv_keeps_the_spreadsheet_conventions_and_the_layer_columns() {
    let r = get(&format!(
        "/api/areas?where={}&sort=code",
        enc("imd_decile <= 2")
    ));
    let v: Value = r.json().unwrap();
    let text = get(&format!(
        "/api/areas?where={}&sort=code&format=csv",
        enc("imd_decile <= 2")
    ))
    .text()
    .unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM");
    assert!(
        text.ends_with("\r\n")
            && text.matches("\r\n").count() == v["count"].as_u64().unwrap() as usize + 1,
        "CRLF after the header and every row"
    );
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let (_, layers) = json("/api/layers");
    let mut want: Vec<String> = ["code", "name", "district", "district_code", "lon", "lat"]
        .map(String::from)
        .to_vec();
    want.extend(
        layers["layers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_string()),
    );
    assert_eq!(header, want);
    // Each CSV row says what the JSON row says; missing values are blank, never 0.
    for (row, area) in rd
        .records()
        .map(|r| r.unwrap())
        .zip(v["areas"].as_array().unwrap())
    {
        for (k, cell) in header.iter().zip(row.iter()) {
            let expected = match &area[k] {
                Value::Null => String::new(),
                Value::String(t) => t.clone(),
                n => n.to_string(),
            };
            assert_eq!(cell, expected, "{} {k}", area["code"]);
        }
    }
}

#[test]
fn typed_query_rejections_are_json_400_naming_the_parameter() {
    for (query, names) in [
        ("format=xlsx", "format"),
        ("limit=-3", "limit"),
        ("limit=lots", "limit"),
        ("where=a&where=b", "where"),
    ] {
        let r = get(&format!("/api/areas?{query}"));
        assert_eq!(r.status(), 400, "{query}");
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("json"),
            "{query}"
        );
        let e: Value = r.json().unwrap();
        assert_eq!(e["error"], "bad_request", "{query}");
        assert!(
            e["detail"].as_str().unwrap().contains(names),
            "{query}: {e}"
        );
    }
    // An empty limit is no limit, as the page sends it.
    let (s, v) = json("/api/areas?limit=");
    assert_eq!((s, v["returned"].as_u64()), (200, Some(373)));
}

#[test]
fn a_timed_out_request_answers_504_json_and_districts_are_never_null() {
    // District outlines that are not ready: the request waits for them until its time is up.
    let (tx, rx) = tokio::sync::watch::channel(None);
    let slow = start_with(
        Limits {
            request_timeout: Duration::from_millis(300),
            ..Limits::default()
        },
        |s| assert!(s.replace_districts(rx)),
    );
    let districts = || {
        let r = http().get(format!("{slow}/api/districts")).send().unwrap();
        assert!(r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("json"));
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    let (s, e) = districts();
    assert_eq!(
        s, 504,
        "a timeout is the gateway's 504, not 503 (unavailable)"
    );
    assert_eq!(e["error"], "timeout");
    // A failed job is a JSON 500 naming it, never 200 with null.
    tx.send(Some(Arc::new(Err(
        "the district outlines could not be dissolved".into(),
    ))))
    .unwrap();
    let (s, e) = districts();
    assert_eq!((s, e["error"].as_str()), (500, Some("internal")));
    assert!(e["detail"].as_str().unwrap().contains("district outlines"));
    // Once the job answers, every request gets that answer.
    let outlines: Value = get("/api/districts").json().unwrap();
    tx.send(Some(Arc::new(Ok(serde_json::to_vec(&outlines)
        .unwrap()
        .into()))))
        .unwrap();
    let (s, v) = districts();
    assert_eq!((s, v), (200, outlines));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]
    #[test]
    fn random_tile_addresses_never_5xx(z in prop_oneof![0u64..=18, any::<u64>()], x in prop_oneof![0u64..70_000, any::<u64>()], y in prop_oneof![0u64..70_000, any::<u64>()]) {
        let s = get(&format!("/tiles/areas/{z}/{x}/{y}.mvt")).status().as_u16();
        prop_assert!(s == 200 || s == 204 || s == 400, "{z}/{x}/{y}: {s}");
    }

    #[test]
    fn random_filters_never_5xx(f in "[ a-z_<>=!()\\[\\],\"'0-9.-]{0,60}") {
        let s = get(&format!("/api/areas?limit=1&where={}", enc(&f))).status().as_u16();
        prop_assert!(s == 200 || s == 400, "{f:?}: {s}");
        let s = get(&format!("/tiles/areas/9/252/169.mvt?where={}", enc(&f))).status().as_u16();
        prop_assert!(s == 200 || s == 204 || s == 400, "{f:?}: {s}");
    }
}
