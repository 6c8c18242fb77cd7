//! `/api/scenario` over HTTP on the real county atlas: every reported change is checked against
//! nearest sites recomputed here by brute force over the site list, decile figures against the
//! official IoD2019 File 1, and the base data is shown not to change.

mod common;
use common::*;
use needsmap::atlas::gp::GpSite;
use needsmap::geodesy::haversine_m;
use needsmap::server::AppState;
use needsmap::travel::speeds::WALK_KMH;
use needsmap::Atlas;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

fn shared_atlas() -> Arc<Atlas> {
    static ATLAS: OnceLock<Arc<Atlas>> = OnceLock::new();
    ATLAS
        .get_or_init(|| {
            Arc::new(
                needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None)
                    .expect("atlas"),
            )
        })
        .clone()
}

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| serve_state(AppState::new(shared_atlas(), web_dir()).expect("state")))
}

fn get(path: &str) -> (u16, Vec<u8>) {
    let r = http().get(format!("{}{path}", base())).send().unwrap();
    (r.status().as_u16(), r.bytes().unwrap().to_vec())
}

fn json(path: &str) -> (u16, Value) {
    let (s, b) = get(path);
    (
        s,
        serde_json::from_slice(&b).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Nearest site by brute force over every site: (metres, code).
fn brute_nearest<'a>(sites: &[&'a GpSite], lon: f64, lat: f64) -> (f64, &'a str) {
    sites
        .iter()
        .map(|s| (haversine_m((lon, lat), (s.lon, s.lat)), s.code.as_str()))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap()
}

/// Walking minutes by the atlas's documented estimate: straight line × the area's detour factor
/// at the walking speed.
fn walk_min(atlas: &Atlas, i: usize, metres: f64) -> f64 {
    metres / 1000.0 * atlas.number("gp_detour_factor", i).unwrap() / WALK_KMH * 60.0
}

/// IMD decile per LSOA straight from IoD2019 File 1.
fn file1_deciles() -> HashMap<String, u8> {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (code, decile) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    rows.iter()
        .map(|r| (r[code].to_string(), r[decile].parse().unwrap()))
        .collect()
}

/// The practice that is nearest (by brute force) to the most areas, with its sites.
fn busiest_practice(atlas: &Atlas) -> String {
    let all: Vec<&GpSite> = atlas.gp_sites.sites.iter().collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for a in &atlas.areas {
        let (_, code) = brute_nearest(&all, a.centroid().unwrap().x(), a.centroid().unwrap().y());
        let s = atlas.gp_sites.by_code(code).unwrap();
        *count
            .entry(s.parent.clone().unwrap_or_else(|| s.code.clone()))
            .or_default() += 1;
    }
    let (code, n) = count
        .into_iter()
        .max_by_key(|(c, n)| (*n, std::cmp::Reverse(c.clone())))
        .unwrap();
    assert!(n >= 2, "{code} is nearest to {n} areas");
    code
}

#[test]
fn closing_a_practice_matches_a_brute_force_recomputation_and_leaves_the_atlas_alone() {
    let atlas = shared_atlas();
    let (s, areas_before) = get("/api/areas?format=json");
    assert_eq!(s, 200);
    let (_, sites_before) = get("/api/gp-sites");

    let practice = busiest_practice(&atlas);
    let closed = |s: &GpSite| s.code == practice || s.parent.as_deref() == Some(&practice);
    let all: Vec<&GpSite> = atlas.gp_sites.sites.iter().collect();
    let kept: Vec<&GpSite> = all.iter().copied().filter(|s| !closed(s)).collect();
    assert!(kept.len() < all.len());

    // Brute force, before and after, for every area.
    let mut expect: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    let mut ties = BTreeSet::new();
    for (i, a) in atlas.areas.iter().enumerate() {
        let (x, y) = (a.centroid().unwrap().x(), a.centroid().unwrap().y());
        let (d0, c0) = brute_nearest(&all, x, y);
        let (d1, _) = brute_nearest(&kept, x, y);
        let closed_now = closed(atlas.gp_sites.by_code(c0).unwrap());
        // The atlas orders neighbours in a local projection: within 2 % of each other, two
        // sites may be taken in either order.
        if closed_now && d1 <= d0 * 1.02 {
            ties.insert(a.code.clone());
        }
        if closed_now {
            expect.insert(
                a.code.clone(),
                (walk_min(&atlas, i, d0), walk_min(&atlas, i, d1), i),
            );
        }
    }
    assert!(!expect.is_empty());
    // A threshold some area is sure to cross: the before time of the area losing most.
    let (&_, &(t_before, _, _)) = expect
        .iter()
        .max_by(|a, b| (a.1 .1 - a.1 .0).total_cmp(&(b.1 .1 - b.1 .0)))
        .unwrap();
    let minutes = (t_before * 100.0).ceil() / 100.0;

    let (s, v) = json(&format!(
        "/api/scenario?close={practice}&mode=walk&minutes={minutes}"
    ));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["method"], "estimate");
    assert_eq!(v["mode"], "walk");
    let closed_codes: BTreeSet<&str> = v["closed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    let want: BTreeSet<&str> = all
        .iter()
        .filter(|s| closed(s))
        .map(|s| s.code.as_str())
        .collect();
    assert_eq!(closed_codes, want);

    let changes = v["changes"].as_array().unwrap();
    let reported: BTreeSet<String> = changes
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = expect.keys().cloned().collect();
    for code in reported.symmetric_difference(&expected) {
        assert!(
            ties.contains(code),
            "{code}: reported {} expected {}",
            reported.contains(code),
            expected.contains(code)
        );
    }
    let deciles = file1_deciles();
    let mut by_decile: BTreeMap<u64, (u64, f64, f64)> = BTreeMap::new();
    let (mut lose, mut gain) = ((0usize, 0.0f64), (0usize, 0.0f64));
    for c in changes {
        let code = c["code"].as_str().unwrap();
        let i = c["feature_id"].as_u64().unwrap() as usize;
        assert_eq!(atlas.areas[i].code, code, "feature id is the area index");
        let (before, after) = (
            c["before_min"].as_f64().unwrap(),
            c["after_min"].as_f64().unwrap(),
        );
        // The reported sites, measured here, give the reported times exactly.
        let site = |k: &str| atlas.gp_sites.by_code(c[k].as_str().unwrap()).unwrap();
        let (x, y) = (
            atlas.areas[i].centroid().unwrap().x(),
            atlas.areas[i].centroid().unwrap().y(),
        );
        let at = |s: &GpSite| walk_min(&atlas, i, haversine_m((x, y), (s.lon, s.lat)));
        assert!((at(site("nearest_before")) - before).abs() < 1e-6, "{c}");
        assert!((at(site("nearest_after")) - after).abs() < 1e-6, "{c}");
        assert!(!closed(site("nearest_after")), "{c}");
        // ... and are the nearest, up to the projection's ordering of near-equal sites.
        let (d0, _) = brute_nearest(&all, x, y);
        let (d1, _) = brute_nearest(&kept, x, y);
        let (b, a) = (walk_min(&atlas, i, d0), walk_min(&atlas, i, d1));
        assert!(
            before >= b - 1e-6 && before <= b * 1.02 + 1e-6,
            "{c}: brute {b}"
        );
        assert!(
            after >= a - 1e-6 && after <= a * 1.02 + 1e-6,
            "{c}: brute {a}"
        );
        assert!((c["delta_min"].as_f64().unwrap() - (after - before)).abs() < 1e-9);
        let d = deciles[code];
        assert_eq!(c["imd_decile"].as_f64(), Some(d as f64), "{code}");
        let pop = atlas.number("population", i).unwrap();
        assert_eq!(c["population"].as_f64(), Some(pop));
        let e = by_decile.entry(d as u64).or_default();
        e.0 += 1;
        e.1 += pop;
        e.2 += atlas.number("children", i).unwrap();
        let crossing = c["crossing"].as_str();
        if before <= minutes && after > minutes {
            assert_eq!(crossing, Some("lose"), "{c}");
            lose = (lose.0 + 1, lose.1 + pop);
        } else if before > minutes && after <= minutes {
            assert_eq!(crossing, Some("gain"), "{c}");
            gain = (gain.0 + 1, gain.1 + pop);
        } else {
            assert_eq!(crossing, None, "{c}");
        }
    }
    let got: BTreeMap<u64, (u64, f64, f64)> = v["by_imd_decile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["decile"].as_u64().unwrap(),
                (
                    d["areas"].as_u64().unwrap(),
                    d["people"].as_f64().unwrap(),
                    d["children"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        by_decile.keys().collect::<Vec<_>>()
    );
    for (k, e) in &by_decile {
        let g = got[k];
        assert_eq!(g.0, e.0);
        assert!((g.1 - e.1).abs() < 1e-6 && (g.2 - e.2).abs() < 1e-6, "{k}");
    }
    let t = &v["threshold"];
    assert_eq!(t["minutes"].as_f64(), Some(minutes));
    assert!(lose.0 >= 1, "the chosen threshold is crossed");
    assert_eq!(t["lose"]["areas"].as_u64(), Some(lose.0 as u64));
    assert!((t["lose"]["people"].as_f64().unwrap() - lose.1).abs() < 1e-6);
    assert_eq!(t["gain"]["areas"].as_u64(), Some(gain.0 as u64));
    let lose_by_decile: u64 = t["lose"]["by_imd_decile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["areas"].as_u64().unwrap())
        .sum();
    assert_eq!(lose_by_decile, lose.0 as u64);
    assert!(
        v["summary"].as_str().unwrap().contains("lose access"),
        "{}",
        v["summary"]
    );

    // The base data is what it was.
    assert_eq!(get("/api/areas?format=json").1, areas_before);
    assert_eq!(get("/api/gp-sites").1, sites_before);
}

#[test]
fn a_new_site_only_shortens_journeys_to_itself() {
    let atlas = shared_atlas();
    let (lon, lat) = (-2.24, 51.86);
    let (s, v) = json(&format!(
        "/api/scenario?open={}&mode=walk",
        enc("-2.24,51.86")
    ));
    assert_eq!(s, 200, "{v}");
    assert!(v["threshold"].is_null());
    let all: Vec<&GpSite> = atlas.gp_sites.sites.iter().collect();
    let reported: BTreeSet<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["nearest_after"], "NEW1", "{c}");
            assert!(c["delta_min"].as_f64().unwrap() < 0.0, "{c}");
            c["code"].as_str().unwrap()
        })
        .collect();
    assert!(!reported.is_empty());
    for a in &atlas.areas {
        let (x, y) = (a.centroid().unwrap().x(), a.centroid().unwrap().y());
        let (d0, _) = brute_nearest(&all, x, y);
        let d_new = haversine_m((x, y), (lon, lat));
        if d_new < d0 * 0.98 {
            assert!(
                reported.contains(a.code.as_str()),
                "{}: {d_new} < {d0}",
                a.code
            );
        } else if d_new > d0 * 1.02 {
            assert!(
                !reported.contains(a.code.as_str()),
                "{}: {d_new} > {d0}",
                a.code
            );
        }
    }
}

#[test]
fn no_effect_is_said_and_bad_input_is_a_named_400() {
    let atlas = shared_atlas();
    let (s, v) = json("/api/scenario");
    assert_eq!(s, 200);
    assert!(
        v["summary"].as_str().unwrap().starts_with("No effect"),
        "{v}"
    );
    assert_eq!(v["changes"].as_array().unwrap().len(), 0);
    // A new site exactly where one stands changes nobody's time.
    let site = atlas
        .gp_sites
        .sites
        .iter()
        .find(|s| atlas.locate(s.lon, s.lat).is_some())
        .unwrap();
    let (s, v) = json(&format!(
        "/api/scenario?open={}",
        enc(&format!("{},{}", site.lon, site.lat))
    ));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["changes"].as_array().unwrap().len(), 0, "{v}");
    assert!(
        v["summary"].as_str().unwrap().starts_with("No effect"),
        "{v}"
    );

    let bad = |q: &str| {
        let (s, v) = json(&format!("/api/scenario?{q}"));
        assert_eq!(s, 400, "{q}: {v}");
        v["detail"].as_str().unwrap().to_string()
    };
    // A typo of a real practice code is answered with that code.
    let real = &atlas
        .gp_sites
        .sites
        .iter()
        .find(|s| s.parent.is_none())
        .unwrap()
        .code;
    let typo = format!("{}X", &real[..real.len() - 1]);
    if atlas.gp_sites.by_code(&typo).is_none() {
        let d = bad(&format!("close={typo}"));
        assert!(
            d.contains("did you mean") && d.contains(real.as_str()),
            "{d}"
        );
    }
    assert!(bad("close=QQ").contains("QQ"));
    assert!(bad(&format!("open={}", enc("abc,51"))).contains("abc,51"));
    assert!(bad(&format!("open={}", enc("200,51"))).contains("200,51"));
    assert!(bad(&format!("open={}", enc("-0.1276,51.5072"))).contains("outside"));
    assert!(bad(&format!("open={}", enc("ZZ99 9ZZ"))).contains("ZZ99"));
    assert!(bad("mode=train").contains("walk, cycle or car"));
    assert!(bad("minutes=-5").contains("minutes"));
    let many: Vec<String> = atlas
        .gp_sites
        .sites
        .iter()
        .take(21)
        .map(|s| s.code.clone())
        .collect();
    assert_eq!(many.len(), 21);
    assert!(bad(&format!("close={}", many.join(","))).contains("at most 20"));
}
