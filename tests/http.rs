//! HTTP tests against a real server bound to 127.0.0.1 on a free port, serving the real atlas.

mod common;
use common::*;
use mvt_reader::feature::Value as MvtValue;
use needsmap::server::{router, AppState};
use proptest::prelude::*;
use reqwest::blocking::Client;
use reqwest::header;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// One server per test binary, on a port the OS picks.
fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let atlas = Arc::new(
            needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None)
                .expect("atlas"),
        );
        let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
        let state = Arc::new(AppState::new(atlas, web).expect("state"));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, router(state)).await.unwrap();
            });
        });
        format!(
            "http://{}",
            rx.recv_timeout(Duration::from_secs(120))
                .expect("server started")
        )
    })
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(60))
        .gzip(false)
        .brotli(false)
        .build()
        .unwrap()
}

fn get(path: &str) -> reqwest::blocking::Response {
    client().get(format!("{}{path}", base())).send().unwrap()
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
    assert!(walk["description"]
        .as_str()
        .unwrap()
        .starts_with("ESTIMATE"));
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
    // Every documented path is served (not 404), with example parameters.
    let (_, doc) = json("/api/openapi.json");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    for p in &paths {
        let url = p
            .replace("{code}", "E01022333")
            .replace("{postcode}", "GL1%202EH")
            .replace("{z}", "10")
            .replace("{x}", "505")
            .replace("{y}", "338");
        assert_eq!(get(&url).status(), 200, "{url}");
    }
    let served = [
        "/healthz",
        "/api/layers",
        "/api/areas",
        "/api/areas/{code}",
        "/api/postcode/{postcode}",
        "/api/gp-sites",
        "/api/districts",
        "/api/openapi.json",
        "/tiles/areas.json",
        "/tiles/areas/{z}/{x}/{y}.mvt",
    ];
    assert_eq!(
        paths.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        served.into_iter().collect()
    );
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
    let r = tile(9, x, y, &format!("?where={}", enc("imd_decile <= 1")));
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
        let (i, a) = atlas.area(code).unwrap();
        assert_eq!(
            props.get("district"),
            Some(&MvtValue::String(a.district.clone()))
        );
        for id in ["imd_decile", "imd_score", "children", "gp_walk_min"] {
            let want = atlas.number(id, i).map(needsmap::report::round3);
            let got = match props.get(id) {
                Some(MvtValue::Double(v)) => Some(*v),
                Some(MvtValue::Float(v)) => Some(*v as f64),
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
    // Same zoom range semantics: every county LSOA appears at z8 in some tile.
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
                    if let Some(MvtValue::String(c)) = f.properties.unwrap_or_default().get("code")
                    {
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
    let r = client()
        .post(format!("{}/api/areas", base()))
        .body(vec![b'x'; 100_000])
        .send()
        .unwrap();
    assert_eq!(r.status(), 413);
    let r = client()
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
        let r2 = client()
            .get(format!("{}{path}", base()))
            .header(header::IF_NONE_MATCH, &tag)
            .send()
            .unwrap();
        assert_eq!(r2.status(), 304, "{path}");
        assert!(r2.bytes().unwrap().is_empty());
        let r3 = client()
            .get(format!("{}{path}", base()))
            .header(header::IF_NONE_MATCH, "\"other\"")
            .send()
            .unwrap();
        assert_eq!(r3.status(), 200);
    }
    let r = client()
        .get(format!("{}/api/layers", base()))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
    let r = client()
        .get(format!("{}/api/layers", base()))
        .header(header::ACCEPT_ENCODING, "br")
        .send()
        .unwrap();
    assert_eq!(r.headers()[header::CONTENT_ENCODING], "br");
    let r = client()
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
                let client = client();
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
