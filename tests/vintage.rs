//! Acceptance tests of the second vintage (IoD2025 on LSOA 2021), the 2011→2021 lookup, the change
//! between vintages and DWP child poverty, on the real files of the mirror. Expected figures are
//! computed here from the files with the csv crate directly (or from other official files), not
//! through the readers under test.

mod common;
use common::*;
use needsmap::sources::lookup::LookupChange;
use needsmap::sources::{boundaries, child_poverty, iod, iod2025, lookup};
use needsmap::vintage::{self, Deciles, Top10Status};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

fn num(s: &str) -> f64 {
    s.replace(',', "")
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// The county's 393 LSOA 2021 codes from the boundary layer.
fn codes21() -> HashSet<String> {
    boundaries::read_lsoa21_geojson(&source("lsoa21_bgc_gloucestershire"), None)
        .unwrap()
        .into_iter()
        .map(|b| b.boundary.code)
        .collect()
}

#[test]
fn lsoa21_boundaries_have_393_areas_in_the_six_districts() {
    let b = boundaries::read_lsoa21_geojson(&source("lsoa21_bgc_gloucestershire"), None).unwrap();
    assert_eq!(b.len(), 393);
    let codes: BTreeSet<&str> = b.iter().map(|x| x.boundary.code.as_str()).collect();
    assert_eq!(codes.len(), 393, "codes are unique");
    assert!(b.iter().all(|x| GLOS.contains(&x.district_code.as_str())));
    assert!(b
        .iter()
        .all(|x| x.boundary.code.starts_with("E01") && !x.boundary.polygon.0.is_empty()));
    // The same 393 codes as the county's IoD2025 table, read directly.
    let (h, rows) = csv_rows(&source("iod2025_gloucestershire"));
    let c = col(&h, "lsoa21_code");
    let want: BTreeSet<&str> = rows.iter().map(|r| &r[c]).collect();
    assert_eq!(codes, want);
}

#[test]
fn county_2025_decile_one_and_top_10_percent_match_the_official_csv() {
    let wanted = codes21();
    let rows = iod2025::read_imd2025(&source("iod2025"), Some(&wanted)).unwrap();
    assert_eq!(rows.len(), 393);
    let got_decile1: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.imd.decile == 1)
        .map(|r| r.code.clone())
        .collect();
    let region = vintage::region_deciles(rows.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    let got_top10: BTreeSet<String> = region
        .iter()
        .filter(|(_, &d)| d == 1)
        .map(|(c, _)| c.clone())
        .collect();

    // Straight from the county CSV: national decile column, and the 10% of the county with the
    // lowest national ranks (the first floor(393 / 10) = 39 by rank; 39 × 10 ≤ 393 < 40 × 10).
    let (h, csv) = csv_rows(&source("iod2025_gloucestershire"));
    let (code, dec, rank, lad) = (
        col(&h, "lsoa21_code"),
        col(&h, "IMD_decile"),
        col(&h, "IMD_rank"),
        col(&h, "LADCD_ACTIVE"),
    );
    let want_decile1: BTreeSet<String> = csv
        .iter()
        .filter(|r| num(&r[dec]) == 1.0)
        .map(|r| r[code].to_string())
        .collect();
    let mut by_rank: Vec<(f64, String)> = csv
        .iter()
        .map(|r| (num(&r[rank]), r[code].to_string()))
        .collect();
    by_rank.sort_by(|a, b| a.0.total_cmp(&b.0));
    let want_top10: BTreeSet<String> = by_rank
        .iter()
        .take(csv.len() / 10)
        .map(|x| x.1.clone())
        .collect();
    assert_eq!(got_decile1, want_decile1);
    assert_eq!(got_top10, want_top10);
    assert_eq!(want_top10.len(), 39);
    // PROVENANCE: 12 in national decile 1 (Gloucester 9, Cheltenham 2, Tewkesbury 1).
    let mut per_lad: BTreeMap<&str, usize> = BTreeMap::new();
    for r in csv.iter().filter(|r| num(&r[dec]) == 1.0) {
        *per_lad.entry(&r[lad]).or_default() += 1;
    }
    assert_eq!(
        per_lad,
        BTreeMap::from([("E07000078", 2), ("E07000081", 9), ("E07000083", 1)])
    );
    // Every score/rank/decile agrees with the county file for every area and domain.
    let by_code: HashMap<&str, &iod2025::Iod2025Row> =
        rows.iter().map(|r| (r.code.as_str(), r)).collect();
    for r in &csv {
        let p = by_code[&r[code]];
        assert_eq!(p.imd.rank as f64, num(&r[rank]));
        assert_eq!(p.imd.score, num(&r[col(&h, "IMD_score")]));
        for (d, (_, _, stem)) in iod2025::DOMAINS_2025.iter().enumerate() {
            assert_eq!(
                p.domains[d].decile as f64,
                num(&r[col(&h, &format!("{stem}_decile"))]),
                "{} {stem}",
                &r[code]
            );
        }
    }
}

#[test]
fn county_2025_subdomains_and_indicators() {
    let wanted = codes21();
    let sub = iod2025::read_subdomains2025(&source("iod2025_subdomains"), Some(&wanted)).unwrap();
    assert_eq!(sub.len(), 393);
    let ind = iod2025::read_indicators2025(&source("iod2025_indicators"), Some(&wanted)).unwrap();
    assert_eq!(ind.len(), 393);
    // Independently: blanks (suppressed numerators) and the county's IDACI numerator total.
    let (h, rows) = csv_rows(&source("iod2025_indicators"));
    let (c, n, g) = (
        col(&h, "lsoa21_code"),
        col(
            &h,
            "income_deprivation_affecting_children_index_idaci_numerator",
        ),
        col(&h, "patient_to_gp_ratio"),
    );
    let county: Vec<_> = rows.iter().filter(|r| wanted.contains(&r[c])).collect();
    let blanks = county.iter().filter(|r| r[n].trim().is_empty()).count();
    let total: f64 = county
        .iter()
        .filter(|r| !r[n].trim().is_empty())
        .map(|r| num(&r[n]))
        .sum();
    assert_eq!(
        ind.values().filter(|x| x.idaci_numerator.is_none()).count(),
        blanks
    );
    assert_eq!(
        ind.values().filter_map(|x| x.idaci_numerator).sum::<f64>(),
        total
    );
    assert!(blanks < 393 / 10, "{blanks} suppressed numerators");
    for r in &county {
        assert_eq!(ind[&r[c]].patient_to_gp_ratio, Some(num(&r[g])));
    }
    println!("county IDACI 2025 numerator: {total} children in income-deprived families ({blanks} LSOAs suppressed)");
}

#[test]
fn lookup_has_354_unchanged_and_39_split_and_covers_both_geographies() {
    let rows = lookup::read_lsoa11_to_lsoa21(&source("lsoa11_to_lsoa21_gloucestershire")).unwrap();
    assert_eq!(rows.len(), 393);
    let count = |k: LookupChange| rows.iter().filter(|r| r.change == k).count();
    assert_eq!(
        (
            count(LookupChange::Unchanged),
            count(LookupChange::Split),
            count(LookupChange::Merge),
            count(LookupChange::Complex)
        ),
        (354, 39, 0, 0)
    );
    assert!(rows
        .iter()
        .filter(|r| r.change == LookupChange::Unchanged)
        .all(|r| r.lsoa11 == r.lsoa21));
    let l21: BTreeSet<&str> = rows.iter().map(|r| r.lsoa21.as_str()).collect();
    let l11: BTreeSet<&str> = rows.iter().map(|r| r.lsoa11.as_str()).collect();
    assert_eq!(l21.len(), 393);
    assert_eq!(
        l21,
        codes21()
            .iter()
            .map(|s| s.as_str())
            .collect::<BTreeSet<_>>()
    );
    // Every county LSOA 2011 (official File 1) appears; the 39 splits come from 19 parents.
    let (h, f1) = csv_rows(&source("iod2019_file1"));
    let (c, lad) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
    );
    let county11: BTreeSet<&str> = f1
        .iter()
        .filter(|r| GLOS.contains(&&r[lad]))
        .map(|r| &r[c])
        .collect();
    assert_eq!(county11.len(), 373);
    assert_eq!(l11, county11);
    let split_parents: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.change == LookupChange::Split)
        .map(|r| r.lsoa11.as_str())
        .collect();
    assert_eq!(split_parents.len(), 19);
}

/// IoD2019 deciles (national, county) of the county's LSOA 2011 areas through the product reader.
fn before_2019() -> HashMap<String, Deciles> {
    let rows = iod::read_file7(&source("iod2019")).unwrap();
    let county: Vec<_> = rows
        .iter()
        .filter(|r| GLOS.contains(&r.lad_code.as_str()))
        .collect();
    let region = vintage::region_deciles(county.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    county
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                Deciles {
                    national: r.imd.decile,
                    region: region[&r.code],
                },
            )
        })
        .collect()
}

fn after_2025() -> HashMap<String, Deciles> {
    let rows = iod2025::read_imd2025(&source("iod2025"), Some(&codes21())).unwrap();
    let region = vintage::region_deciles(rows.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    rows.iter()
        .map(|r| {
            (
                r.code.clone(),
                Deciles {
                    national: r.imd.decile,
                    region: region[&r.code],
                },
            )
        })
        .collect()
}

#[test]
fn every_2021_area_has_a_2019_decile_through_the_lookup() {
    let rows = lookup::read_lsoa11_to_lsoa21(&source("lsoa11_to_lsoa21_gloucestershire")).unwrap();
    let changes = vintage::compare(&rows, &before_2019(), &after_2025()).unwrap();
    assert_eq!(changes.len(), 393);
    // The library's one-call version for a region gives the same table.
    assert_eq!(
        vintage::region_changes(&data(), &needsmap::Region::default()).unwrap(),
        changes
    );
    let err = vintage::region_changes(&data(), &needsmap::Region::England)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Gloucestershire") && err.contains("Exact Fit"),
        "{err}"
    );

    // Oracle from the official File 1 and the lookup CSV, read directly.
    let (h, f1) = csv_rows(&source("iod2019_file1"));
    let (c, dec) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    let decile19: HashMap<&str, f64> = f1.iter().map(|r| (&r[c], num(&r[dec]))).collect();
    let (lh, lk) = csv_rows(&source("lsoa11_to_lsoa21_gloucestershire"));
    let (a, b, k) = (
        col(&lh, "LSOA11CD"),
        col(&lh, "LSOA21CD"),
        col(&lh, "CHGIND_derived"),
    );
    let parent: HashMap<&str, (&str, &str)> = lk.iter().map(|r| (&r[b], (&r[a], &r[k]))).collect();
    let (gh, g25) = csv_rows(&source("iod2025_gloucestershire"));
    let (gc, gd) = (col(&gh, "lsoa21_code"), col(&gh, "IMD_decile"));
    let decile25: HashMap<&str, f64> = g25.iter().map(|r| (&r[gc], num(&r[gd]))).collect();
    for ch in &changes {
        let (p, kind) = parent[ch.lsoa21.as_str()];
        assert_eq!(ch.lsoa11, vec![p.to_string()]);
        assert_eq!(ch.lookup.letter().to_string(), kind);
        assert_eq!(ch.before.national as f64, decile19[p], "{}", ch.lsoa21);
        assert_eq!(ch.after.national as f64, decile25[ch.lsoa21.as_str()]);
        assert_eq!(
            ch.decile_change as f64,
            decile25[ch.lsoa21.as_str()] - decile19[p]
        );
    }
    let (national, region) = vintage::status_counts(&changes);
    let n = |m: &BTreeMap<Top10Status, usize>, s| m.get(&s).copied().unwrap_or(0);
    let in25 = decile25.values().filter(|&&d| d == 1.0).count();
    let in19_carried = changes
        .iter()
        .filter(|c| decile19[c.lsoa11[0].as_str()] == 1.0)
        .count();
    assert_eq!(
        n(&national, Top10Status::Entered) + n(&national, Top10Status::Stayed),
        in25
    );
    assert_eq!(
        n(&national, Top10Status::Left) + n(&national, Top10Status::Stayed),
        in19_carried
    );
    assert_eq!(national.values().sum::<usize>(), 393);
    assert_eq!(
        n(&region, Top10Status::Entered) + n(&region, Top10Status::Stayed),
        39
    );
    println!("top 10% of England, 2019 carried → 2025: {national:?}");
    println!("top 10% of the county, 2019 carried → 2025: {region:?}");
}

/// District codes → names from the official IoD2019 File 1 (independent of the DWP files).
fn district_names() -> BTreeMap<String, String> {
    let (h, f1) = csv_rows(&source("iod2019_file1"));
    let (c, n) = (
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Local Authority District name (2019)"),
    );
    f1.iter()
        .filter(|r| GLOS.contains(&&r[c]))
        .map(|r| (r[c].to_string(), r[n].to_string()))
        .collect()
}

#[test]
fn child_poverty_district_totals_from_msoas_agree_with_the_official_ltla_table() {
    let msoas = child_poverty::read_msoa_table(&source("cilif_msoa11_gloucestershire")).unwrap();
    assert_eq!(msoas.len(), 75);
    let ltla = child_poverty::read_statxplore(&source("cilif_ltla_gb")).unwrap();
    assert!(ltla.ambiguous.is_empty(), "{:?}", ltla.ambiguous);
    let ltla = ltla.areas;
    let totals = child_poverty::district_totals(&msoas);
    let names = district_names();
    assert_eq!(totals.len(), 6);
    let (mut county_msoa, mut county_ltla) = ([0.0; 8], [0.0; 8]);
    for (code, t) in &totals {
        let official = ltla
            .get(&names[code])
            .unwrap_or_else(|| panic!("{} not in the LTLA table", names[code]));
        for (k, fye) in child_poverty::YEARS.iter().enumerate() {
            let (ours, theirs) = (
                t[k].expect("no suppressed MSOA in the county"),
                official[k].expect("official total"),
            );
            let diff = ours - theirs;
            println!("{:<15} FYE{fye}: from MSOAs {ours:>6}  LTLA table {theirs:>6}  difference {diff:>+4} ({:+.2}%)", names[code], 100.0 * diff / theirs);
            // Stat-Xplore rounds/perturbs each cell (disclosure control): the sum of 10-16 MSOA
            // cells may drift from the district cell by a little, never by much.
            assert!(
                diff.abs() <= (0.02 * theirs).max(30.0),
                "{} FYE{fye}: {ours} vs {theirs}",
                names[code]
            );
            county_msoa[k] += ours;
            county_ltla[k] += theirs;
        }
    }
    // PROVENANCE: county FYE2022 = 22,166 from MSOAs, 22,185 in the LA table.
    assert_eq!((county_msoa[7], county_ltla[7]), (22_166.0, 22_185.0));
    for k in 0..8 {
        assert!(
            (county_msoa[k] - county_ltla[k]).abs() / county_ltla[k] < 0.01,
            "FYE{}: {} vs {}",
            child_poverty::YEARS[k],
            county_msoa[k],
            county_ltla[k]
        );
    }
    // The county MSOA table equals the raw GB MSOA export, matched by name.
    let gb = child_poverty::read_statxplore(&source("cilif_msoa11_gb")).unwrap();
    // Scottish Intermediate Zone names repeat across cities; English MSOA names never do.
    assert!(
        gb.ambiguous.iter().all(|n| !n
            .rsplit_once(' ')
            .is_some_and(|(_, d)| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit()))),
        "{:?}",
        gb.ambiguous
    );
    let gb = gb.areas;
    for m in &msoas {
        assert_eq!(gb.get(&m.name), Some(&m.counts), "{}", m.name);
    }
    // Every county LSOA 2011 reaches its MSOA by ONS's naming rule.
    let (h, f1) = csv_rows(&source("iod2019_file1"));
    let (n, lad) = (
        col(&h, "LSOA name (2011)"),
        col(&h, "Local Authority District code (2019)"),
    );
    let msoa_names: HashSet<&str> = msoas.iter().map(|m| m.name.as_str()).collect();
    let mut reached = HashSet::new();
    for r in f1.iter().filter(|r| GLOS.contains(&&r[lad])) {
        let m = child_poverty::msoa_name_of_lsoa11(&r[n]).unwrap_or_else(|| panic!("{}", &r[n]));
        assert!(msoa_names.contains(m), "{} → {m}", &r[n]);
        reached.insert(m.to_string());
    }
    assert_eq!(reached.len(), 75);
}
