//! IoD2025 on LSOA 2021 as a second vintage, on the real files: the 393 county areas, the 2025
//! decile-1 and county top-10% sets, the IMD 2019 deciles carried through the 2011→2021 lookup and
//! the top-10% statuses — each checked against a computation made here straight from the official
//! CSVs with the csv crate — the snapshot round trip, the postcode under both vintages, and the
//! CLI (`compare`, `query`, errors for layers of another vintage, England 2025).

mod common;
use common::*;
use needsmap::atlas::layers::{ids, Values};
use needsmap::atlas::snapshot::{Opened, Outcome, Rebuild};
use needsmap::model::{CompareAnswer, PostcodeAnswer};
use needsmap::selection::AreaQuery;
use needsmap::sources::DataDir;
use needsmap::vintage::Vintage;
use needsmap::{Atlas, Region};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// The 2025 county atlas built into a fresh data directory, and the same atlas opened from the
/// snapshot that build wrote.
struct Built {
    _dir: tempfile::TempDir,
    built: Opened,
    opened: Opened,
}

fn built() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let real = data();
        let mut d = DataDir::new(
            dir.path().join("data"),
            real.mirror.clone().or(Some(real.root.clone())),
        );
        d.allow_download = false;
        let open = |what: &str| {
            needsmap::open_atlas(&d, &Region::default(), Vintage::V2025, None, false)
                .unwrap_or_else(|e| panic!("{what}: {e}"))
        };
        let built = open("build the 2025 atlas");
        let opened = open("open the 2025 snapshot");
        Built {
            _dir: dir,
            built,
            opened,
        }
    })
}

fn atlas25() -> &'static Atlas {
    &built().opened.atlas
}

/// The 393 LSOA 2021 codes of the county boundary file, with their district, read with serde_json.
fn county21() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(source("lsoa21_bgc_gloucestershire")).unwrap();
    let fc: serde_json::Value = serde_json::from_str(&text).unwrap();
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["LSOA21CD"].as_str().unwrap().to_string(),
                p["LADCD_ACTIVE"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// code → (IMD rank, IMD decile) from the official 2025 CSV, for the county's codes.
fn imd2025(county: &BTreeMap<String, String>) -> HashMap<String, (u32, u8)> {
    let (h, rows) = csv_rows(&source("iod2025"));
    let (c, r, d) = (
        col(&h, "lsoa21_code"),
        col(&h, "IMD_rank"),
        col(&h, "IMD_decile"),
    );
    rows.iter()
        .filter(|x| county.contains_key(&x[c]))
        .map(|x| {
            (
                x[c].to_string(),
                (x[r].parse().unwrap(), x[d].parse().unwrap()),
            )
        })
        .collect()
}

/// code → (IMD rank, IMD decile) of the county's LSOA 2011 areas, from official IoD2019 File 1
/// (ranks written with thousands separators).
fn imd2019() -> HashMap<String, (u32, u8)> {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (c, lad, r, d) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Index of Multiple Deprivation (IMD) Rank"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    rows.iter()
        .filter(|x| GLOS.contains(&&x[lad]))
        .map(|x| {
            (
                x[c].to_string(),
                (
                    x[r].replace(',', "").parse().unwrap(),
                    x[d].parse().unwrap(),
                ),
            )
        })
        .collect()
}

/// The codes in a region's most deprived 10%: ranked by national rank, position × 10 ≤ n.
fn county_top10(ranks: &HashMap<String, (u32, u8)>) -> BTreeSet<String> {
    let mut v: Vec<(&u32, &String)> = ranks.iter().map(|(c, (r, _))| (r, c)).collect();
    v.sort();
    let n = v.len();
    v.iter()
        .enumerate()
        .filter(|(pos, _)| (pos + 1) * 10 <= n)
        .map(|(_, (_, c))| c.to_string())
        .collect()
}

/// LSOA 2021 code → its LSOA 2011 parents, from the lookup CSV.
fn parents() -> BTreeMap<String, BTreeSet<String>> {
    let (h, rows) = csv_rows(&source("lsoa11_to_lsoa21_gloucestershire"));
    let (a, b) = (col(&h, "LSOA11CD"), col(&h, "LSOA21CD"));
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        m.entry(r[b].to_string())
            .or_default()
            .insert(r[a].to_string());
    }
    m
}

/// LSOA 2021 code → the lookup's change letters for it (U, S, M, X).
fn letters() -> BTreeMap<String, BTreeSet<String>> {
    let (h, rows) = csv_rows(&source("lsoa11_to_lsoa21_gloucestershire"));
    let (b, k) = (col(&h, "LSOA21CD"), col(&h, "CHGIND_derived"));
    let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        m.entry(r[b].to_string())
            .or_default()
            .insert(r[k].to_string());
    }
    m
}

fn selected(atlas: &Atlas, filter: &str) -> BTreeSet<String> {
    let q = AreaQuery::parse(atlas, Some(filter), None, None).unwrap();
    q.run(atlas)
        .areas
        .iter()
        .map(|&i| atlas.areas[i].code.clone())
        .collect()
}

fn text_of(atlas: &Atlas, id: &str, i: usize) -> String {
    atlas.layers.get(id).unwrap().text(i).unwrap().to_string()
}

#[test]
fn the_393_areas_are_the_lsoa21_boundaries_of_the_county() {
    let atlas = atlas25();
    let county = county21();
    assert_eq!(atlas.areas.len(), 393);
    assert_eq!(county.len(), 393);
    assert_eq!(atlas.vintage, Vintage::V2025);
    for a in &atlas.areas {
        assert_eq!(county.get(&a.code), Some(&a.district_code), "{}", a.code);
        assert!(!a.district.is_empty() && !a.name.is_empty());
        // The travel-time origin lies in (or on) the area for split areas by construction.
        let i = atlas.index_of(&a.code).unwrap();
        let basis = text_of(atlas, ids::CENTROID_BASIS, i);
        if basis.starts_with("geometric") {
            assert_eq!(
                atlas.locate(a.centroid().unwrap().x(), a.centroid().unwrap().y()),
                Some(i)
            );
        }
    }
    // 354 areas unchanged since 2011 keep ONS's population-weighted centroid.
    let pwc = (0..393)
        .filter(|&i| text_of(atlas, ids::CENTROID_BASIS, i).starts_with("population-weighted"))
        .count();
    assert_eq!(pwc, 354);
    assert_eq!(atlas.national_count, 33_755);
}

#[test]
fn the_2025_decile_1_and_county_top10_sets_are_the_official_ones() {
    let atlas = atlas25();
    let official = imd2025(&county21());
    assert_eq!(official.len(), 393);
    let decile1: BTreeSet<String> = official
        .iter()
        .filter(|(_, (_, d))| *d == 1)
        .map(|(c, _)| c.clone())
        .collect();
    assert!(!decile1.is_empty());
    assert_eq!(selected(atlas, "imd_decile <= 1"), decile1);
    let top10 = county_top10(&official);
    assert_eq!(
        top10.len(),
        39,
        "393 areas: positions 1..39 are the top 10%"
    );
    assert_eq!(selected(atlas, "imd_county_decile = 1"), top10);
    // Every value of the IMD layers is the file's.
    for (i, a) in atlas.areas.iter().enumerate() {
        let (rank, decile) = official[&a.code];
        assert_eq!(atlas.number(ids::IMD_RANK, i), Some(rank as f64));
        assert_eq!(atlas.number(ids::IMD_DECILE, i), Some(decile as f64));
    }
}

#[test]
fn every_2021_area_carries_its_2019_decile_and_the_statuses_agree_with_the_csvs() {
    let atlas = atlas25();
    let county = county21();
    let after = imd2025(&county);
    let before = imd2019();
    assert_eq!(before.len(), 373);
    let parents = parents();
    let letters = letters();
    let top19 = county_top10(&before);
    let top25 = county_top10(&after);
    let status = |was: bool, now: bool| match (was, now) {
        (false, true) => "entered",
        (true, false) => "left",
        (true, true) => "stayed",
        (false, false) => "never",
    };
    let mut national: BTreeMap<&str, usize> = BTreeMap::new();
    let mut within: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, a) in atlas.areas.iter().enumerate() {
        let ps = &parents[&a.code];
        // The most deprived parent's decile (a unchanged or split area has one parent).
        let carried = ps.iter().map(|p| before[p].1).min().unwrap();
        assert_eq!(
            atlas.number(ids::IMD_DECILE_2019, i),
            Some(carried as f64),
            "{}",
            a.code
        );
        assert_eq!(
            atlas.number(ids::IMD_DECILE_CHANGE, i),
            Some(after[&a.code].1 as f64 - carried as f64)
        );
        let n = status(carried == 1, after[&a.code].1 == 1);
        let c = status(
            ps.iter().any(|p| top19.contains(p)),
            top25.contains(&a.code),
        );
        assert_eq!(text_of(atlas, ids::TOP10_STATUS, i), n, "{}", a.code);
        assert_eq!(text_of(atlas, ids::TOP10_STATUS_COUNTY, i), c, "{}", a.code);
        let expected_kind = match (ps.len(), letters[&a.code].iter().next().map(String::as_str)) {
            (1, Some("U")) => "unchanged",
            (1, Some("S")) => "split",
            other => panic!(
                "{}: the mirror's lookup has only U and S rows, got {other:?}",
                a.code
            ),
        };
        assert_eq!(text_of(atlas, ids::LOOKUP_CHANGE, i), expected_kind);
        *national.entry(n).or_default() += 1;
        *within.entry(c).or_default() += 1;
    }
    let kinds: BTreeMap<String, usize> = (0..393).fold(BTreeMap::new(), |mut m, i| {
        *m.entry(text_of(atlas, ids::LOOKUP_CHANGE, i)).or_default() += 1;
        m
    });
    assert_eq!(kinds["unchanged"], 354);
    assert_eq!(kinds["split"], 39);
    // The filter language and the compare model count the same.
    let answer = CompareAnswer::of(atlas).unwrap();
    assert_eq!(answer.rows.len(), 393);
    for s in ["entered", "left", "stayed", "never"] {
        let want = national.get(s).copied().unwrap_or(0);
        assert_eq!(answer.national[s], want, "{s}");
        assert_eq!(answer.county[s], within.get(s).copied().unwrap_or(0), "{s}");
        assert_eq!(
            selected(atlas, &format!("top10_status = \"{s}\"")).len(),
            want,
            "{s}"
        );
    }
    println!("national: {national:?}\ncounty: {within:?}");
}

#[test]
fn the_snapshot_round_trips_to_the_fresh_build() {
    let b = built();
    assert_eq!(b.built.outcome, Outcome::Built(Rebuild::Missing));
    assert_eq!(b.opened.outcome, Outcome::Opened);
    let (x, y) = (&b.built.atlas, &b.opened.atlas);
    assert_eq!((x.vintage, y.vintage), (Vintage::V2025, Vintage::V2025));
    assert_eq!(x.region, y.region);
    assert_eq!(x.national_count, y.national_count);
    assert_eq!(x.sources, y.sources);
    assert_eq!(x.areas.len(), y.areas.len());
    for (a, c) in x.areas.iter().zip(&y.areas) {
        assert_eq!(
            (&a.code, &a.name, &a.district_code, &a.district),
            (&c.code, &c.name, &c.district_code, &c.district)
        );
        assert_eq!(a.shape, c.shape, "{}", a.code);
    }
    let ids_of = |a: &Atlas| a.layers.ids().map(String::from).collect::<Vec<_>>();
    assert_eq!(ids_of(x), ids_of(y));
    assert!(x.layers.len() > 60, "{} layers", x.layers.len());
    assert_eq!(x.layers.absent(), y.layers.absent());
    for l in x.layers.iter() {
        let m = y.layers.get(&l.meta.id).unwrap();
        assert_eq!(
            serde_json::to_value(&l.meta).unwrap(),
            serde_json::to_value(&m.meta).unwrap()
        );
        match (&l.values, &m.values) {
            (Values::Number(p), Values::Number(q)) => {
                let bits =
                    |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
                assert_eq!(bits(p), bits(q), "{}", l.meta.id)
            }
            (Values::Text(p), Values::Text(q)) => assert_eq!(p, q, "{}", l.meta.id),
            _ => panic!("{} changed kind", l.meta.id),
        }
    }
    assert_eq!(x.gp_sites.len(), y.gp_sites.len());
    assert!(x.gp_sites.len() > 60);
}

#[test]
fn layers_say_what_2025_has_and_lacks() {
    let atlas = atlas25();
    for id in [
        ids::IMD_SCORE,
        ids::IMD_COUNTY_DECILE,
        ids::INCOME_DECILE,
        ids::LIVING_ENV_SCORE,
        ids::CYP_SCORE,
        ids::OUTDOORS_DECILE,
        ids::PATIENT_TO_GP_RATIO,
        ids::CHILDREN_INCOME_DEPRIVED,
        ids::GP_WALK_MIN,
        ids::GP_NEAREST,
    ] {
        assert!(atlas.layers.get(id).is_some(), "{id} missing");
    }
    let title = &atlas.layers.get(ids::IMD_DECILE).unwrap().meta.title;
    assert!(title.contains("2025"), "{title}");
    // The IDACI numerator is the official count, read straight from File 8's column.
    let (h, rows) = csv_rows(&source("iod2025_indicators"));
    let (c, n) = (
        col(&h, "lsoa21_code"),
        col(
            &h,
            "income_deprivation_affecting_children_index_idaci_numerator",
        ),
    );
    let file: HashMap<&str, Option<f64>> = rows
        .iter()
        .map(|r| (r.get(c).unwrap(), r[n].parse().ok()))
        .collect();
    for (i, a) in atlas.areas.iter().enumerate() {
        assert_eq!(
            atlas.number(ids::CHILDREN_INCOME_DEPRIVED, i),
            file[a.code.as_str()]
        );
    }
    let absent: BTreeMap<&str, &str> = atlas
        .layers
        .absent()
        .iter()
        .map(|a| (a.id.as_str(), a.reason.as_str()))
        .collect();
    for id in [ids::IDACI_SCORE, ids::IDACI_RANK, ids::IDACI_DECILE] {
        let why = absent
            .get(id)
            .unwrap_or_else(|| panic!("{id} not listed absent"));
        assert!(why.contains("File 7") && why.contains("https://"), "{why}");
    }
    assert!(absent.contains_key(ids::POPULATION));
    let why = atlas.layers.why_missing(ids::IDACI_DECILE).unwrap();
    assert!(
        why.contains("vintage 2025") && why.contains("File 7"),
        "{why}"
    );
}

#[test]
fn a_postcode_is_answered_under_both_vintages() {
    let a19 = &needsmap::open_atlas(&data(), &Region::default(), Vintage::V2019, None, false)
        .unwrap()
        .atlas;
    let a25 = atlas25();
    // GL1 2EH's LSOA 2011 from ONS's postcode lookup; its 2021 area must be a child of it.
    let (h, rows) = csv_rows(&source("ons_postcode_lsoa_gloucestershire"));
    let (pcds, lsoa) = (col(&h, "pcds"), col(&h, "lsoa11cd"));
    let lsoa11 = rows
        .iter()
        .find(|r| &r[pcds] == "GL1 2EH")
        .map(|r| r[lsoa].to_string())
        .unwrap();
    let answer = PostcodeAnswer::of_vintages(a19, &[a25], "gl12eh").unwrap();
    assert_eq!(answer.vintages.len(), 2);
    let (v19, v25) = (&answer.vintages[0], &answer.vintages[1]);
    assert_eq!((v19.vintage, v25.vintage), (Vintage::V2019, Vintage::V2025));
    assert_eq!(v19.code.as_deref(), Some(lsoa11.as_str()));
    let code21 = v25.code.clone().unwrap();
    assert!(
        parents()[&code21].contains(&lsoa11),
        "{code21} from {lsoa11}"
    );
    assert_eq!(v19.imd_decile, Some(imd2019()[&lsoa11].1));
    assert_eq!(v25.imd_decile, Some(imd2025(&county21())[&code21].1));
    for v in [v19, v25] {
        assert_eq!(v.eligible.unwrap().national_top10, v.imd_decile == Some(1));
        assert!(v.message.contains(&format!("Under IMD {}", v.vintage)));
    }
    assert!(answer.message.contains("LSOA 2011") && answer.message.contains("LSOA 2021"));
}

/// The polygons of a boundary GeoJSON file, by the code in property `key` (read with geojson + geo).
fn polygons(id: &str, key: &str) -> Vec<(String, geo::MultiPolygon<f64>)> {
    let text = std::fs::read_to_string(source(id)).unwrap();
    let fc: geojson::FeatureCollection = text
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    fc.features
        .into_iter()
        .map(|f| {
            let code = f.property(key).unwrap().as_str().unwrap().to_string();
            let g: geo::Geometry<f64> = f.geometry.unwrap().try_into().unwrap();
            let mp = match g {
                geo::Geometry::Polygon(p) => geo::MultiPolygon(vec![p]),
                geo::Geometry::MultiPolygon(m) => m,
                other => panic!("{id} {code}: {other:?}"),
            };
            (code, mp)
        })
        .collect()
}

/// DWP's MSOA 2011 figures on the county's LSOA 2021 areas. Each area's MSOA 2011 is found here by
/// geometry (the MSOA 2011 polygon holding an interior point of the LSOA 2021 polygon; the product
/// goes through the lookup and ONS's naming rule instead), and its values read from the DWP CSV.
#[test]
fn child_poverty_reaches_2021_areas_through_their_2011_parents() {
    use geo::{Contains, InteriorPoint};
    let atlas = atlas25();
    let (h, rows) = csv_rows(&source("cilif_msoa11_gloucestershire"));
    let (code, first, last) = (
        col(&h, "MSOA11CD"),
        col(&h, "children_rel_low_income_u16_FYE2015"),
        col(&h, "children_rel_low_income_u16_FYE2022_provisional"),
    );
    let num = |s: &str| s.trim().replace(',', "").parse::<f64>().ok();
    let dwp: HashMap<String, (Option<f64>, Option<f64>)> = rows
        .iter()
        .map(|r| (r[code].to_string(), (num(&r[first]), num(&r[last]))))
        .collect();
    let msoas = polygons("msoa11_bgc_gloucestershire", "MSOA11CD");
    assert_eq!(msoas.len(), 75);
    let lsoas = polygons("lsoa21_bgc_gloucestershire", "LSOA21CD");
    assert_eq!(lsoas.len(), 393);
    let in_msoa: HashMap<String, String> = lsoas
        .iter()
        .map(|(c, poly)| {
            let p = poly.interior_point().unwrap();
            let hits: Vec<&str> = msoas
                .iter()
                .filter(|(_, mp)| mp.contains(&p))
                .map(|(m, _)| m.as_str())
                .collect();
            assert_eq!(hits.len(), 1, "{c} lies in {hits:?}");
            (c.clone(), hits[0].to_string())
        })
        .collect();
    let count = atlas
        .layers
        .get(ids::CHILD_POVERTY_MSOA)
        .expect("the count layer");
    let change = atlas.layers.get(ids::CHILD_POVERTY_MSOA_CHANGE).unwrap();
    let msoa = atlas.layers.get(ids::MSOA).unwrap();
    let mut with_value = 0;
    for (i, a) in atlas.areas.iter().enumerate() {
        let m = &in_msoa[&a.code];
        let (f, l) = dwp[m];
        assert_eq!(msoa.text(i), Some(m.as_str()), "{}", a.code);
        assert_eq!(count.number(i), l, "{}", a.code);
        let d = match (l, f) {
            (Some(l), Some(f)) => Some(l - f),
            _ => None,
        };
        assert_eq!(change.number(i), d, "{}", a.code);
        with_value += usize::from(count.number(i).is_some());
    }
    assert_eq!(atlas.areas.len(), 393);
    assert!(with_value > 380, "{with_value} areas with a count");
    assert!(count.meta.description.contains("lookup"));
    assert!(count.meta.title.contains("MSOA-level"));
    // The DWP file is an input of the 2025 snapshot: changing it rebuilds.
    let inputs =
        needsmap::atlas::snapshot::inputs_for(&data(), &Region::default(), Vintage::V2025, None);
    assert!(inputs
        .iter()
        .any(|(id, _)| id == "cilif_msoa11_gloucestershire"));
}

/// Districts outside the county under 2025: only the (unmirrored) boundaries say which LSOA 2021
/// areas lie in them, so this is an error naming them. England itself answers tables: see
/// tests/england2025.rs.
#[test]
fn districts_outside_the_county_in_2025_name_the_boundaries_they_need() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = DataDir::new(tmp.path().join("data"), data().mirror.clone());
    d.allow_download = false;
    let birmingham: Region = "E08000025".parse().unwrap();
    let e = needsmap::open_atlas(&d, &birmingham, Vintage::V2025, None, false)
        .unwrap_err()
        .to_string();
    let s = d.manifest.get("lsoa21_bgc_england_wales").unwrap();
    assert!(
        e.contains("lsoa21_bgc_england_wales") && e.contains(&s.url),
        "{e}"
    );
    assert!(e.contains(&s.file), "{e}");
    assert!(
        !d.root.join("atlas").exists()
            || std::fs::read_dir(d.root.join("atlas")).unwrap().count() == 0
    );
    // Nor is a snapshot written under the name it would have.
    assert!(!needsmap::atlas::snapshot::path_for(&d, &birmingham, Vintage::V2025, None).exists());
}

// ---- The command line, run as a user would (its own data directory under the test's temp dir
// would rebuild every atlas; these share the checkout's data directory like tests/cli.rs).

#[test]
fn cli_compare_query_and_errors() {
    let csv = ok(&["compare", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let h = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 393);
    let st = h.iter().position(|c| c == "top10_status").unwrap();
    let entered = rows.iter().filter(|x| &x[st] == "entered").count();
    let q = ok(&[
        "--vintage",
        "2025",
        "query",
        "top10_status = \"entered\"",
        "--format",
        "csv",
    ]);
    assert_eq!(q.lines().count() - 1, entered, "{q}");
    let q = ok(&[
        "--vintage",
        "2025",
        "query",
        "imd_decile <= 1",
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&q).unwrap();
    let official = imd2025(&county21());
    assert_eq!(
        j["count"].as_u64().unwrap() as usize,
        official.values().filter(|(_, d)| *d == 1).count()
    );
    let t = ok(&["postcode", "GL1", "2EH"]);
    assert!(t.contains("IMD 2019") && t.contains("IMD 2025"), "{t}");

    // A layer of the other vintage: exit 2, and the error lists what the vintage has.
    let out = needsmap(&["query", "top10_status = \"entered\""]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(
        e.contains("exists in vintage 2025 but not in vintage 2019") && e.contains("imd_decile"),
        "{e}"
    );
    let out = needsmap(&["--vintage", "2025", "query", "idaci_decile <= 1"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(
        e.contains("not available in vintage 2025") && e.contains("File 7"),
        "{e}"
    );
    let out = needsmap(&["--vintage", "2031", "layers"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(e.contains("2019") && e.contains("2025"), "{e}");
}
