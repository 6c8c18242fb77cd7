//! Child poverty now (issue 8 §3) on the real files: the MSOA-level layers of the 2019 atlas and
//! the district totals, each checked against figures computed here independently (the csv crate,
//! the MSOA boundary polygons), never against the product's own readers.

mod common;

use common::{atlas, col, csv_rows, source, GLOS};
use geo::{Contains, InteriorPoint};
use needsmap::atlas::layers::{ids, Method};
use needsmap::model::ChildPovertyDistricts;
use needsmap::sources::child_poverty;
use std::collections::{BTreeMap, HashMap};

/// The county MSOA table read with the csv crate: code → (FYE2015, FYE2022).
fn msoa_table() -> BTreeMap<String, (f64, f64)> {
    let (h, rows) = csv_rows(&source("cilif_msoa11_gloucestershire"));
    let (c, a, b) = (
        col(&h, "MSOA11CD"),
        col(&h, "children_rel_low_income_u16_FYE2015"),
        col(&h, "children_rel_low_income_u16_FYE2022_provisional"),
    );
    rows.iter()
        .map(|r| {
            (
                r[c].to_string(),
                (r[a].parse().unwrap(), r[b].parse().unwrap()),
            )
        })
        .collect()
}

/// IoD2019 File 6 (the official denominators, CSV of the xlsx): LSOA code → children 0-15.
fn file6_children() -> HashMap<String, f64> {
    let (h, rows) = csv_rows(&source("iod2019_file6"));
    let (c, k) = (
        col(&h, "LSOA code (2011)"),
        col(
            &h,
            "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
        ),
    );
    rows.iter()
        .map(|r| (r[c].to_string(), r[k].replace(',', "").parse().unwrap()))
        .collect()
}

#[test]
fn every_lsoa_shows_its_msoas_figures_found_by_polygon_containment() {
    let a = atlas();
    // Independent route to each LSOA's MSOA: the MSOA 2011 polygon containing a point inside the
    // LSOA (the product uses ONS's naming rule instead).
    let text = std::fs::read_to_string(source("msoa11_bgc_gloucestershire")).unwrap();
    let fc: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    let msoas: Vec<(String, geo::MultiPolygon<f64>)> = fc
        .features
        .into_iter()
        .map(|f| {
            let code = f
                .property("MSOA11CD")
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            let g: geo::Geometry<f64> = f.geometry.unwrap().try_into().unwrap();
            let mp = match g {
                geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(m) => m,
                other => panic!("{other:?}"),
            };
            (code, mp)
        })
        .collect();
    assert_eq!(msoas.len(), 75);
    let table = msoa_table();
    let children = file6_children();
    let (count, change, rate, code) = (
        a.layers.get(ids::CHILD_POVERTY_MSOA).unwrap(),
        a.layers.get(ids::CHILD_POVERTY_MSOA_CHANGE).unwrap(),
        a.layers.get(ids::CHILD_POVERTY_MSOA_RATE).unwrap(),
        a.layers.get(ids::MSOA).unwrap(),
    );
    assert!(count.meta.title.contains("MSOA-level") && count.meta.title.contains("provisional"));
    assert!(rate
        .meta
        .title
        .contains("per 100 children aged 0-15 (mid-2015 population, IoD2019 File 6)"));
    assert_eq!(rate.meta.method, Method::Computed);
    // MSOA → its LSOAs, by containment.
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, area) in a.areas.iter().enumerate() {
        let p = area
            .shape
            .as_ref()
            .unwrap()
            .polygon
            .interior_point()
            .unwrap();
        let hits: Vec<&str> = msoas
            .iter()
            .filter(|(_, mp)| mp.contains(&p))
            .map(|(c, _)| c.as_str())
            .collect();
        assert_eq!(hits.len(), 1, "{} lies in {hits:?}", area.code);
        assert_eq!(code.text(i), Some(hits[0]), "{}", area.code);
        members.entry(hits[0]).or_default().push(i);
    }
    assert_eq!(members.len(), 75);
    for (m, lsoas) in &members {
        let (y2015, y2022) = table[*m];
        let denominator: f64 = lsoas.iter().map(|&i| children[&a.areas[i].code]).sum();
        for &i in lsoas {
            assert_eq!(count.number(i), Some(y2022), "{}", a.areas[i].code);
            assert_eq!(change.number(i), Some(y2022 - y2015));
            let r = rate.number(i).unwrap();
            assert!((r - 100.0 * y2022 / denominator).abs() < 1e-9, "{m}: {r}");
        }
    }
    let rates: Vec<f64> = (0..a.areas.len()).filter_map(|i| rate.number(i)).collect();
    println!(
        "MSOA rate per 100 children (mid-2015 denominators): min {:.1}, max {:.1}",
        rates.iter().cloned().fold(f64::MAX, f64::min),
        rates.iter().cloned().fold(f64::MIN, f64::max)
    );
}

/// The official LTLA table parsed here with the csv crate: name → FYE2015..2022 counts.
fn ltla_official() -> BTreeMap<String, Vec<Option<f64>>> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(source("cilif_ltla_gb"))
        .unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let years: Vec<usize> = [
        "2014/15",
        "2015/16",
        "2016/17",
        "2017/18",
        "2018/19",
        "2019/20",
        "2020/21",
        "2021/22 (p)",
    ]
    .iter()
    .map(|y| {
        h.iter()
            .position(|x| x.trim() == *y)
            .unwrap_or_else(|| panic!("{y}"))
    })
    .collect();
    r.records()
        .map(|x| x.unwrap())
        .filter(|x| x.len() > years[7])
        .map(|x| {
            (
                x[0].trim().to_string(),
                years
                    .iter()
                    .map(|&k| x[k].trim().replace(',', "").parse().ok())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn district_totals_from_msoas_agree_with_the_official_ltla_table() {
    let msoas = child_poverty::read_msoa_table(&source("cilif_msoa11_gloucestershire")).unwrap();
    let ltla = child_poverty::read_statxplore(&source("cilif_ltla_gb")).unwrap();
    // District names from the official IoD2019 File 1.
    let (h, f1) = csv_rows(&source("iod2019_file1"));
    let (c, n) = (
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Local Authority District name (2019)"),
    );
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for r in f1.iter().filter(|r| GLOS.contains(&&r[c])) {
        names.insert(r[c].to_string(), r[n].to_string());
    }
    let names: Vec<(String, String)> = names.into_iter().collect();
    let model = ChildPovertyDistricts::of(&msoas, &names, &ltla);
    assert_eq!(model.districts.len(), 6);
    // Independently: sums of the MSOA CSV per LAD19CD, and the LTLA CSV parsed here.
    let (mh, mrows) = csv_rows(&source("cilif_msoa11_gloucestershire"));
    let lad = col(&mh, "LAD19CD");
    let year_cols: Vec<usize> = mh
        .iter()
        .enumerate()
        .filter(|(_, x)| x.starts_with("children_rel_low_income_u16_FYE"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(year_cols.len(), 8);
    let official = ltla_official();
    let (mut county_ours, mut county_theirs) = ([0.0; 8], [0.0; 8]);
    let mut worst: f64 = 0.0;
    for d in &model.districts {
        let theirs = &official[&d.name];
        for (k, y) in d.years.iter().enumerate() {
            let ours: f64 = mrows
                .iter()
                .filter(|r| r[lad] == d.code)
                .map(|r| r[year_cols[k]].parse::<f64>().unwrap())
                .sum();
            assert_eq!(y.from_msoas, Some(ours), "{} FYE{}", d.name, y.fye);
            assert_eq!(y.official, theirs[k], "{} FYE{}", d.name, y.fye);
            let t = theirs[k].unwrap();
            assert_eq!(y.difference, Some(ours - t));
            let rel = (ours - t) / t;
            worst = worst.max(rel.abs());
            println!(
                "{:<15} FYE{}{}: from MSOAs {ours:>6}  LTLA table {t:>6}  difference {:>+4} ({:+.2}%)",
                d.name,
                y.fye,
                if y.provisional { " (p)" } else { "    " },
                ours - t,
                100.0 * rel
            );
            // Stat-Xplore perturbs every cell (disclosure control): a sum of 10-16 MSOA cells
            // drifts a little from the district's own cell. Bound: 2% or 30 children.
            assert!(
                (ours - t).abs() <= (0.02 * t).max(30.0),
                "{} FYE{}",
                d.name,
                y.fye
            );
            county_ours[k] += ours;
            county_theirs[k] += t;
        }
    }
    println!("largest district difference: {:.2}%", 100.0 * worst);
    // PROVENANCE.md: county FYE2022 = 22,166 from MSOAs, 22,185 in the LA table.
    assert_eq!((county_ours[7], county_theirs[7]), (22_166.0, 22_185.0));
    for k in 0..8 {
        println!(
            "county FYE{}: from MSOAs {} vs LTLA {} ({:+})",
            2015 + k,
            county_ours[k],
            county_theirs[k],
            county_ours[k] - county_theirs[k]
        );
        assert!((county_ours[k] - county_theirs[k]).abs() / county_theirs[k] < 0.01);
    }
}
