//! Summaries by district, ward and MSOA (issue 10) on the real files, and the printable locality
//! profiles over HTTP. Every expected figure is computed here from the official CSVs (csv crate)
//! or the ward polygons, independently of the product's readers.

mod common;

use common::{atlas, col, csv_rows, http, serve_state, source, web_dir, GLOS};
use geo::Contains;
use needsmap::atlas::layers::{ids, Method};
use needsmap::model::SummaryLevel;
use needsmap::server::AppState;
use needsmap::summary::summarise;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

/// IoD2019 File 1: county rows (code, district name, decile).
fn file1() -> Vec<(String, String, u8)> {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (c, lad, name, dec) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Local Authority District name (2019)"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    rows.iter()
        .filter(|r| GLOS.contains(&&r[lad]))
        .map(|r| {
            (
                r[c].to_string(),
                r[name].to_string(),
                r[dec].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn district_rows_match_file_1_and_file_6() {
    let a = atlas();
    let s = summarise(a, SummaryLevel::District, 45.0).unwrap();
    // The county's 2019 areas each carry their own district (England 2025 gives its rule instead).
    let method = needsmap::summary::method_of(a, SummaryLevel::District);
    assert!(
        method.ends_with("every LSOA counts in its own district."),
        "{method}"
    );
    let f1 = file1();
    // LSOA counts and the share in national decile 1, per district, from File 1.
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, d, dec) in &f1 {
        let e = counts.entry(d).or_default();
        e.0 += 1;
        e.1 += usize::from(*dec == 1);
    }
    // Populations per district from File 6.
    let (h, rows) = csv_rows(&source("iod2019_file6"));
    let (lad, pop) = (
        col(&h, "Local Authority District name (2019)"),
        col(&h, "Total population: mid 2015 (excluding prisoners)"),
    );
    let mut population: BTreeMap<String, f64> = BTreeMap::new();
    for r in &rows {
        if counts.contains_key(&r[lad]) {
            *population.entry(r[lad].to_string()).or_default() +=
                r[pop].replace(',', "").parse::<f64>().unwrap();
        }
    }
    assert_eq!(s.rows.len(), 6);
    for r in &s.rows {
        let (n, d1) = counts[r.name.as_str()];
        assert_eq!(r.lsoas, n, "{}", r.name);
        assert_eq!(r.lsoas_decile1, d1, "{}", r.name);
        assert!(
            (r.share_lsoas_decile1 - d1 as f64 / n as f64).abs() < 1e-4,
            "{}",
            r.name
        );
        assert_eq!(r.population, Some(population[&r.name]), "{}", r.name);
        println!(
            "{:<15} {:>3} LSOAs, population {:>7?}, decile 1: {} ({:.1}%), child poverty FYE2022 {:?}",
            r.name,
            r.lsoas,
            r.population,
            r.lsoas_decile1,
            100.0 * r.share_lsoas_decile1,
            r.child_poverty
        );
    }
    // The figures, which File 1 (above) must also give.
    let expected = [
        ("Gloucester", 78),
        ("Cheltenham", 75),
        ("Stroud", 69),
        ("Cotswold", 51),
        ("Forest of Dean", 50),
        ("Tewkesbury", 50),
    ];
    for (name, n) in expected {
        assert_eq!(counts[name].0, n, "File 1: {name}");
    }
    assert_eq!(s.region_total.lsoas, 373);
    assert_eq!(
        s.region_total.population,
        Some(population.values().sum::<f64>())
    );
    // Child poverty by district sums whole MSOAs: the county's 75 MSOAs make 22,166 (PROVENANCE).
    assert_eq!(s.region_total.child_poverty, Some(22_166.0));
    assert_eq!(s.region_total.child_poverty_msoas, 75);
    assert_eq!(
        s.rows.iter().map(|r| r.child_poverty.unwrap()).sum::<f64>(),
        22_166.0
    );
    assert!(s.method.contains("nest exactly"));
}

#[test]
fn every_lsoa_lands_in_exactly_one_ward_by_its_population_weighted_centroid() {
    let a = atlas();
    let s = summarise(a, SummaryLevel::Ward, 45.0).unwrap();
    assert_eq!(s.unassigned, 0);
    assert_eq!(s.rows.iter().map(|r| r.lsoas).sum::<usize>(), 373);
    assert!(
        s.method.contains("population-weighted centroid"),
        "{}",
        s.method
    );
    // Independently: the ONS centroid CSV and the ward polygons, read here.
    let (h, rows) = csv_rows(&source("lsoa11_pwc"));
    let (x, y, c) = (col(&h, "X"), col(&h, "Y"), col(&h, "lsoa11cd"));
    let centroid: HashMap<String, geo::Point<f64>> = rows
        .iter()
        .map(|r| {
            (
                r[c].to_string(),
                geo::Point::new(r[x].parse().unwrap(), r[y].parse().unwrap()),
            )
        })
        .collect();
    let text = std::fs::read_to_string(source("wards_wd25_gloucestershire")).unwrap();
    let fc: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    let wards: Vec<(String, String, geo::Geometry<f64>)> = fc
        .features
        .into_iter()
        .map(|f| {
            let p = |k: &str| f.property(k).unwrap().as_str().unwrap().to_string();
            let (code, lad) = (p("WD25CD"), p("LAD25CD"));
            (code, lad, f.geometry.unwrap().try_into().unwrap())
        })
        .collect();
    assert_eq!(wards.len(), 138);
    let layer = a.layers.get(ids::WARD).unwrap();
    let mut by_ward: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fallback = 0;
    for (i, area) in a.areas.iter().enumerate() {
        let p = centroid[&area.code];
        let hits: Vec<&str> = wards
            .iter()
            .filter(|(_, lad, g)| *lad == area.district_code && g.contains(&p))
            .map(|(c, _, _)| c.as_str())
            .collect();
        let got = layer.text(i).expect("every LSOA has a ward");
        match hits.as_slice() {
            [one] => assert_eq!(got, *one, "{}", area.code),
            [] => {
                fallback += 1;
                assert_eq!(layer.method_of(i), Method::Estimate, "{}", area.code);
            }
            many => assert!(many.contains(&got), "{}: {many:?}", area.code),
        }
        *by_ward.entry(got).or_default() += 1;
    }
    println!(
        "{} wards hold LSOAs ({} have none); {fallback} LSOAs by the nearest-ward fallback",
        by_ward.len(),
        138 - by_ward.len()
    );
    for r in &s.rows {
        assert_eq!(r.lsoas, by_ward[r.code.as_str()], "{}", r.code);
        assert_eq!(r.child_poverty, None, "MSOAs do not nest in wards");
    }
}

#[test]
fn msoa_rows_are_the_75_msoas_with_their_dwp_counts() {
    let a = atlas();
    let s = summarise(a, SummaryLevel::Msoa, 30.0).unwrap();
    assert_eq!(s.rows.len(), 75);
    let (h, rows) = csv_rows(&source("cilif_msoa11_gloucestershire"));
    let (c, y) = (
        col(&h, "MSOA11CD"),
        col(&h, "children_rel_low_income_u16_FYE2022_provisional"),
    );
    let dwp: HashMap<&str, f64> = rows
        .iter()
        .map(|r| (&r[c], r[y].parse().unwrap()))
        .collect();
    for r in &s.rows {
        assert_eq!(r.child_poverty, Some(dwp[r.code.as_str()]), "{}", r.code);
        assert_eq!(r.child_poverty_msoas, 1);
    }
    // People beyond the threshold: recomputed from the layer for walking.
    let walk = a.layers.get(ids::GP_WALK_MIN).unwrap();
    let people: f64 = (0..a.areas.len())
        .filter(|&i| walk.number(i).is_some_and(|t| t > 30.0))
        .map(|i| a.number(ids::POPULATION, i).unwrap())
        .sum();
    let g = s
        .region_total
        .gp_beyond
        .iter()
        .find(|g| g.mode == "walk")
        .unwrap();
    assert_eq!(g.people, Some(people));
    let mode = s.gp_modes.iter().find(|m| m.mode == "walk").unwrap();
    assert_eq!(
        mode.estimate,
        (0..a.areas.len()).any(|i| walk.method_of(i) == Method::Estimate)
    );
}

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let atlas = Arc::new(
            needsmap::load_with_overlays(&common::data(), &Default::default(), None).unwrap(),
        );
        let mut state = AppState::new(atlas, web_dir()).unwrap();
        state.data = Some(common::data());
        serve_state(state)
    })
}

fn get(path: &str) -> reqwest::blocking::Response {
    http().get(format!("{}{path}", base())).send().unwrap()
}

#[test]
fn the_api_answers_every_level_and_refuses_bad_input_clearly() {
    let r = get("/api/summary?by=county");
    assert_eq!(r.status(), 400);
    let e: serde_json::Value = r.json().unwrap();
    let detail = e["detail"].as_str().unwrap();
    assert!(
        detail.contains("district, ward or msoa") && detail.contains("county"),
        "{detail}"
    );
    for bad in [
        "/api/summary?minutes=abc",
        "/api/summary?minutes=-5",
        "/api/summary?format=xlsx",
    ] {
        let r = get(bad);
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(
            r.json::<serde_json::Value>().unwrap()["error"],
            "bad_request"
        );
    }
    let s: serde_json::Value = get("/api/summary?by=ward&minutes=20").json().unwrap();
    assert_eq!(s["by"], "ward");
    assert!(s["method"]
        .as_str()
        .unwrap()
        .contains("population-weighted centroid"));
    assert_eq!(s["minutes"], 20.0);
    let n: u64 = s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["lsoas"].as_u64().unwrap())
        .sum();
    assert_eq!(n, 373);
    // The API and the library give the same answer.
    let lib = serde_json::to_value(summarise(atlas(), SummaryLevel::Ward, 20.0).unwrap()).unwrap();
    assert_eq!(s, lib);
    let r = get("/api/summary?by=district&format=csv");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = r.text().unwrap();
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 1 + 6 + 1, "header, six districts, the region");
    assert!(lines[0].starts_with("\u{feff}level,code,name"));
    let g: serde_json::Value = get("/api/summary?by=msoa&format=geojson").json().unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert_eq!(g["features"].as_array().unwrap().len(), 75);
    assert!(g["features"][0]["geometry"]["type"]
        .as_str()
        .unwrap()
        .contains("Polygon"));
}

#[test]
fn profiles_are_pages_and_unknown_places_are_readable_404s() {
    let r = get("/profile/district/Gloucester");
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().unwrap();
    let s = summarise(atlas(), SummaryLevel::District, 45.0).unwrap();
    let row = s.rows.iter().find(|r| r.name == "Gloucester").unwrap();
    assert!(page.contains("<title>Gloucester — locality profile</title>"));
    assert!(page.contains(&needsmap::report::locality::whole(row.population.unwrap())));
    assert!(page.contains("@page { size: A4"));
    assert!(page.contains("<svg") && page.matches("<path ").count() == 78);
    assert!(page.contains("OGL") || page.contains("Open Government Licence"));
    // England's figures come from the national file: 32,844 LSOAs.
    assert!(page.contains("32,844"), "England column");
    let r = get("/profile/district/E07000099");
    assert_eq!(r.status(), 404);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().unwrap();
    assert!(
        page.contains("No such district") && page.contains("Gloucester (E07000081)"),
        "{page}"
    );
    let ward = atlas()
        .layers
        .get(ids::WARD)
        .unwrap()
        .text(0)
        .unwrap()
        .to_string();
    let r = get(&format!("/profile/ward/{ward}"));
    assert_eq!(r.status(), 200);
    assert!(r.text().unwrap().contains("population-weighted centroid"));
    assert_eq!(get("/profile/ward/E05999999").status(), 404);
}
