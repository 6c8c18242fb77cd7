//! Acceptance tests of the atlas on the real official files. Expected figures are computed here
//! from the files by other paths than the importer (the csv crate directly, other official files).

mod common;
use common::*;
use geo::{Contains, CoordsIter};
use needsmap::selection::AreaQuery;
use needsmap::{AtlasError, Region};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

fn num(s: &str) -> f64 {
    s.replace(',', "")
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn county_has_373_lsoas_in_six_districts_with_official_counts() {
    let atlas = atlas();
    assert_eq!(atlas.areas.len(), 373);
    // Counts per district from official File 6, read directly.
    let (h, rows) = csv_rows(&source("iod2019_file6"));
    let lad = col(&h, "Local Authority District code (2019)");
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        if GLOS.contains(&&r[lad]) {
            *expected.entry(r[lad].to_string()).or_default() += 1;
        }
    }
    let got: BTreeMap<String, usize> = atlas
        .districts()
        .into_iter()
        .map(|(code, _, n)| (code, n))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 6);
    assert_eq!(expected.values().sum::<usize>(), 373);
}

#[test]
fn every_lsoa_has_polygon_centroid_and_imd_values() {
    let atlas = atlas();
    for (i, a) in atlas.areas.iter().enumerate() {
        assert!(
            a.shape.as_ref().unwrap().polygon.coords_count() >= 4,
            "{} polygon",
            a.code
        );
        let c = a.centroid().unwrap();
        assert!(
            (-3.0..-1.3).contains(&c.x()) && (51.4..52.3).contains(&c.y()),
            "{} centroid {c:?}",
            a.code
        );
        for layer in [
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
        ] {
            assert!(atlas.number(layer, i).is_some(), "{} lacks {layer}", a.code);
        }
        let rank = atlas.number("imd_rank", i).unwrap();
        assert!((1.0..=32_844.0).contains(&rank));
    }
    // Population-weighted centroids lie inside (or within metres of) their own polygon: PROVENANCE
    // reports 371 of 373 strictly inside for the BGC generalisation.
    let inside = atlas
        .areas
        .iter()
        .filter(|a| {
            a.shape
                .as_ref()
                .unwrap()
                .polygon
                .contains(&a.centroid().unwrap())
        })
        .count();
    assert!(inside >= 371, "{inside} centroids inside their polygon");
}

#[test]
fn county_population_equals_the_sum_in_official_file_6() {
    let (h, rows) = csv_rows(&source("iod2019_file6"));
    let (lad, pop, kids) = (
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Total population: mid 2015 (excluding prisoners)"),
        col(
            &h,
            "Dependent Children aged 0-15: mid 2015 (excluding prisoners)",
        ),
    );
    let (mut want_pop, mut want_kids) = (0.0, 0.0);
    for r in rows.iter().filter(|r| GLOS.contains(&&r[lad])) {
        want_pop += num(&r[pop]);
        want_kids += num(&r[kids]);
    }
    let sel = AreaQuery::default().run(atlas());
    assert_eq!(sel.totals.population, Some(want_pop));
    assert_eq!(sel.totals.children, Some(want_kids));
    assert!(
        want_pop > 600_000.0,
        "Gloucestershire had about 620,000 people in 2015: {want_pop}"
    );
}

#[test]
fn decile_1_set_matches_official_file_1() {
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let (code, lad, decile) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
        col(&h, "Index of Multiple Deprivation (IMD) Decile"),
    );
    let want: BTreeSet<String> = rows
        .iter()
        .filter(|r| GLOS.contains(&&r[lad]) && num(&r[decile]) == 1.0)
        .map(|r| r[code].to_string())
        .collect();
    let atlas = atlas();
    let q = AreaQuery::parse(atlas, Some("imd_decile <= 1"), Some("imd_rank"), None).unwrap();
    let got: BTreeSet<String> = q
        .run(atlas)
        .areas
        .iter()
        .map(|&i| atlas.areas[i].code.clone())
        .collect();
    assert_eq!(got, want);
    assert_eq!(got.len(), 12);
    // The same through a district filter: PROVENANCE counts 9 in Gloucester.
    let q = AreaQuery::parse(
        atlas,
        Some("imd_decile <= 1 and district = \"Gloucester\""),
        None,
        None,
    )
    .unwrap();
    assert_eq!(q.run(atlas).count, 9);
}

#[test]
fn every_decile_layer_is_consistent_with_its_rank() {
    let atlas = atlas();
    for i in 0..atlas.areas.len() {
        for (rank, decile) in [
            ("imd_rank", "imd_decile"),
            ("idaci_rank", "idaci_decile"),
            ("income_rank", "income_decile"),
        ] {
            let r = atlas.number(rank, i).unwrap() as u32;
            let d = atlas.number(decile, i).unwrap();
            assert_eq!(d, needsmap::sources::iod::decile_of_rank(r, 32_844) as f64);
        }
    }
    // County deciles: exactly the 10% with the best national IMD ranks are county decile 1.
    let county1 = (0..atlas.areas.len())
        .filter(|&i| atlas.number("imd_county_decile", i) == Some(1.0))
        .count();
    assert_eq!(county1, 37, "ceil(rank*10/373) = 1 for ranks 1..=37");
}

#[test]
fn point_in_polygon_agrees_with_ons_postcode_assignment() {
    let (h, rows) = csv_rows(&source("ons_postcode_lsoa_gloucestershire"));
    let (term, lsoa, lon, lat) = (
        col(&h, "doterm"),
        col(&h, "lsoa11cd"),
        col(&h, "lon"),
        col(&h, "lat"),
    );
    let atlas = atlas();
    let (mut n, mut agree) = (0usize, 0usize);
    for r in rows
        .iter()
        .filter(|r| r[term].is_empty() && !r[lon].is_empty())
    {
        n += 1;
        if atlas
            .locate(num(&r[lon]), num(&r[lat]))
            .map(|i| atlas.areas[i].code.as_str())
            == Some(&r[lsoa])
        {
            agree += 1;
        }
    }
    let share = agree as f64 / n as f64;
    eprintln!(
        "point-in-polygon agrees with ONS for {agree} of {n} live GL postcodes ({:.2}%)",
        share * 100.0
    );
    assert!(n > 20_000, "{n} live postcodes with coordinates");
    assert!(share >= 0.99, "agreement {share}");
}

/// Ordnance Survey's OSTN15 test points (developer pack: OSTN15_OSGM15_TestInput_OSGBtoETRS and
/// the RESULT lines of its OSGB→ETRS89 output): easting, northing → latitude, longitude.
const OSTN15_POINTS: [(&str, f64, f64, f64, f64); 8] = [
    ("TP01", 91_492.146, 11_318.804, 49.922_263_94, -6.299_777_52),
    (
        "TP02",
        170_370.718,
        11_572.405,
        49.960_061_38,
        -5.203_046_10,
    ),
    (
        "TP05",
        438_710.920,
        114_792.250,
        50.931_279_38,
        -1.450_514_34,
    ),
    (
        "TP08",
        362_269.991,
        169_978.690,
        51.427_547_43,
        -2.544_076_18,
    ),
    (
        "TP12",
        389_544.190,
        261_912.153,
        52.255_293_82,
        -2.154_586_14,
    ),
    (
        "TP16",
        357_455.843,
        383_290.436,
        53.344_802_80,
        -2.640_493_21,
    ),
    (
        "TP26",
        256_340.925,
        664_697.269,
        55.853_999_53,
        -4.296_490_16,
    ),
    (
        "TP38",
        421_300.525,
        1_072_147.239,
        59.534_707_94,
        -1.625_169_66,
    ),
];

#[test]
fn bng_to_wgs84_matches_published_ostn15_test_points() {
    for (id, e, n, lat, lon) in OSTN15_POINTS {
        let (got_lon, got_lat) = needsmap::geodesy::bng_to_lonlat(e, n).unwrap();
        // 1e-7 degrees is about a centimetre; OS publishes the results to 8 decimals.
        assert!(
            (got_lat - lat).abs() < 1e-7 && (got_lon - lon).abs() < 1e-7,
            "{id}: got {got_lat},{got_lon} want {lat},{lon}"
        );
    }
}

#[test]
fn postcodes_normalise_locate_and_fail_clearly() {
    let atlas = atlas();
    let (h, rows) = csv_rows(&source("ons_postcode_lsoa_gloucestershire"));
    let (pcds, lsoa) = (col(&h, "pcds"), col(&h, "lsoa11cd"));
    let want = rows
        .iter()
        .find(|r| &r[pcds] == "GL1 2EH")
        .map(|r| r[lsoa].to_string())
        .unwrap();
    for input in ["GL1 2EH", "gl12eh", "GL1  2EH", " gl1 2eh "] {
        let (p, i) = atlas.postcode(input).unwrap();
        assert_eq!(p.postcode.as_str(), "GL1 2EH");
        assert_eq!(atlas.areas[i].code, want);
    }
    assert!(matches!(
        atlas.postcode("GL1 2E"),
        Err(AtlasError::Postcode(_))
    ));
    assert!(matches!(
        atlas.postcode("GL99 9ZZ"),
        Err(AtlasError::PostcodeNotFound(_))
    ));
    // A real London postcode is outside the loaded region.
    assert!(matches!(
        atlas.postcode("SW1A 1AA"),
        Err(AtlasError::OutsideRegion { .. })
    ));
    assert!(matches!(
        atlas.area("E0100000X"),
        Err(AtlasError::UnknownArea(_))
    ));
}

#[test]
fn gp_practices_in_the_county_match_epraccur_and_the_ons_postcode_lookup() {
    // Independent count: active GP practices (status A, setting 4) whose postcode ONS places in
    // one of the six districts.
    let (h, rows) = csv_rows(&source("ons_postcode_lsoa_gloucestershire"));
    let (pcds, lad) = (col(&h, "pcds"), col(&h, "ladcd"));
    let in_county: HashMap<String, String> = rows
        .iter()
        .map(|r| (r[pcds].to_string(), r[lad].to_string()))
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(source("epraccur"))
        .unwrap();
    let mut want = BTreeSet::new();
    for r in reader.records().map(|r| r.unwrap()) {
        if &r[12] == "A"
            && &r[25] == "4"
            && in_county
                .get(&r[9])
                .is_some_and(|l| GLOS.contains(&l.as_str()))
        {
            want.insert(r[0].to_string());
        }
    }
    let atlas = atlas();
    let got: BTreeSet<String> = atlas
        .gp_sites
        .sites
        .iter()
        .filter(|s| {
            s.kind == needsmap::atlas::gp::GpKind::Practice && atlas.locate(s.lon, s.lat).is_some()
        })
        .map(|s| s.code.clone())
        .collect();
    // PROVENANCE: 64 practices of NHS Gloucestershire plus the Welsh W93019 in the Forest of Dean.
    // L84005 has a postcode newer than the May 2022 lookup, so the lookup-based count misses it.
    let only_ours: Vec<_> = got.difference(&want).collect();
    let only_theirs: Vec<_> = want.difference(&got).collect();
    assert!(
        only_theirs.is_empty(),
        "practices the atlas misses: {only_theirs:?}"
    );
    assert!(
        only_ours.iter().all(|c| c.as_str() == "L84005"),
        "unexpected extra practices: {only_ours:?}"
    );
    assert_eq!(got.len(), 65);
    // The 15 km margin brings in sites across the county line, and exclusions are counted.
    assert!(atlas.gp_sites.len() > got.len());
    assert!(atlas.gp_sites.excluded.values().sum::<usize>() > 10_000);
}

#[test]
fn england_region_loads_all_32844_lsoas_and_answers_the_same_queries() {
    let data = data();
    let atlas = needsmap::Atlas::load(&data, &Region::England).unwrap();
    assert_eq!(atlas.areas.len(), 32_844);
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let decile = col(&h, "Index of Multiple Deprivation (IMD) Decile");
    let want = rows.iter().filter(|r| num(&r[decile]) == 1.0).count();
    let q = AreaQuery::parse(&atlas, Some("imd_decile <= 1"), None, None).unwrap();
    assert_eq!(q.run(&atlas).count, want);
    let q = AreaQuery::parse(
        &atlas,
        Some("imd_decile <= 1 and district = \"Gloucester\""),
        None,
        None,
    )
    .unwrap();
    assert_eq!(q.run(&atlas).count, 9);
    let (_, i) = atlas.postcode("GL1 2EH").unwrap();
    assert!(atlas.areas[i].code.starts_with("E0102"));
    assert_eq!(atlas.national_count, 32_844);
}

#[test]
fn a_shapefile_in_british_national_grid_reads_back_to_the_same_polygons() {
    use shapefile::dbase::{FieldName, FieldValue, Record, TableWriterBuilder};
    use shapefile::{Point, Polygon, PolygonRing};
    let atlas = atlas();
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("lsoa.shp");
    let table = TableWriterBuilder::new()
        .add_character_field(FieldName::try_from("LSOA11CD").unwrap(), 9)
        .add_character_field(FieldName::try_from("LSOA11NM").unwrap(), 40);
    let mut writer = shapefile::Writer::from_path(&shp, table).unwrap();
    for a in atlas.areas.iter().take(25) {
        let mut rings = Vec::new();
        for p in &a.shape.as_ref().unwrap().polygon.0 {
            let bng = |c: &geo::Coord<f64>| {
                let (e, n) = needsmap::geodesy::lonlat_to_bng(c.x, c.y).unwrap();
                Point::new(e, n)
            };
            // Shapefile outer rings are clockwise.
            let mut outer: Vec<Point> = p.exterior().coords().map(bng).collect();
            if geo::LineString::from(outer.iter().map(|q| (q.x, q.y)).collect::<Vec<_>>())
                .coords()
                .count()
                > 2
                && signed_area(&outer) > 0.0
            {
                outer.reverse();
            }
            rings.push(PolygonRing::Outer(outer));
            for hole in p.interiors() {
                let mut inner: Vec<Point> = hole.coords().map(bng).collect();
                if signed_area(&inner) < 0.0 {
                    inner.reverse();
                }
                rings.push(PolygonRing::Inner(inner));
            }
        }
        let mut rec = Record::default();
        rec.insert(
            "LSOA11CD".into(),
            FieldValue::Character(Some(a.code.clone())),
        );
        rec.insert(
            "LSOA11NM".into(),
            FieldValue::Character(Some(a.name.clone())),
        );
        writer
            .write_shape_and_record(&Polygon::with_rings(rings), &rec)
            .unwrap();
    }
    drop(writer);
    std::fs::write(shp.with_extension("prj"), r#"PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1830",6377563.396,299.3249646]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"]]"#).unwrap();
    let read = needsmap::sources::boundaries::read_shapefile(&shp, None).unwrap();
    assert_eq!(read.len(), 25);
    for (b, a) in read.iter().zip(&atlas.areas) {
        assert_eq!(b.code, a.code);
        let (x, y): (Vec<f64>, Vec<f64>) = b.polygon.coords_iter().map(|c| (c.x, c.y)).unzip();
        let (ax, ay): (Vec<f64>, Vec<f64>) = a
            .shape
            .as_ref()
            .unwrap()
            .polygon
            .coords_iter()
            .map(|c| (c.x, c.y))
            .unzip();
        assert_eq!(x.len(), ax.len());
        let mut sx: Vec<f64> = x.clone();
        let mut sax: Vec<f64> = ax.clone();
        sx.sort_by(f64::total_cmp);
        sax.sort_by(f64::total_cmp);
        for (p, q) in sx.iter().zip(&sax) {
            assert!((p - q).abs() < 1e-6, "{}: {p} vs {q}", a.code);
        }
        let (mut sy, mut say) = (y, ay);
        sy.sort_by(f64::total_cmp);
        say.sort_by(f64::total_cmp);
        for (p, q) in sy.iter().zip(&say) {
            assert!((p - q).abs() < 1e-6, "{}: {p} vs {q}", a.code);
        }
    }
    // Wrong CRS: a projection needsmap does not know is refused by name.
    std::fs::write(
        shp.with_extension("prj"),
        r#"PROJCS["WGS_1984_UTM_Zone_30N",GEOGCS["GCS_WGS_1984"]]"#,
    )
    .unwrap();
    let err = needsmap::sources::boundaries::read_shapefile(&shp, None)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("coordinate reference system") && err.contains("lsoa.prj"),
        "{err}"
    );
}

fn signed_area(ring: &[shapefile::Point]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum::<f64>()
        / 2.0
}

#[test]
fn malformed_inputs_name_file_row_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::read_to_string(source("iod2019")).unwrap();
    // Truncated: the header and 50 rows, then half a row.
    let mut lines = real.lines();
    let mut text: String = lines.by_ref().take(51).map(|l| format!("{l}\n")).collect();
    text.push_str(&lines.next().unwrap()[..40]);
    let p = dir.path().join("truncated.csv");
    std::fs::write(&p, text).unwrap();
    let e = needsmap::sources::iod::read_file7(&p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("truncated.csv") && e.contains("row 52"), "{e}");
    // A column missing.
    let header = real
        .lines()
        .next()
        .unwrap()
        .replace("Index of Multiple Deprivation (IMD) Score", "IMD");
    let p = dir.path().join("renamed.csv");
    std::fs::write(&p, format!("{header}\n")).unwrap();
    let e = needsmap::sources::iod::read_file7(&p)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("missing column 'Index of Multiple Deprivation (IMD) Score'"),
        "{e}"
    );
    // A bad value.
    let mut rows: Vec<String> = real.lines().take(3).map(String::from).collect();
    rows[2] = rows[2].replacen(",5.143,", ",five,", 1);
    let p = dir.path().join("bad.csv");
    std::fs::write(&p, rows.join("\n")).unwrap();
    let e = needsmap::sources::iod::read_file7(&p)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("row 3")
            && e.contains("Index of Multiple Deprivation (IMD) Score")
            && e.contains("five"),
        "{e}"
    );
    // A missing source names where to get it.
    let mut d = data();
    d.mirror = None;
    d.root = dir.path().join("empty");
    let e = needsmap::Atlas::load(&d, &Region::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("assets.publishing.service.gov.uk") && e.contains("needsmap data fetch"),
        "{e}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]
    /// The R-tree lookup returns what a scan of every polygon would.
    #[test]
    fn point_lookup_equals_brute_force(lon in -2.7f64..-1.6, lat in 51.55f64..52.13) {
        let atlas = atlas();
        let p = geo::Point::new(lon, lat);
        let brute = atlas.areas.iter().position(|a| a.shape.as_ref().unwrap().polygon.contains(&p));
        let got = atlas.locate(lon, lat);
        match brute {
            Some(b) => prop_assert!(got.is_some_and(|g| atlas.areas[g].shape.as_ref().unwrap().polygon.contains(&p)), "brute {b} got {got:?}"),
            None => {
                use geo::Intersects;
                let on_edge = got.is_none_or(|g| atlas.areas[g].shape.as_ref().unwrap().polygon.intersects(&p));
                prop_assert!(on_edge, "got {:?} for a point in no polygon", got);
            }
        }
    }
}

/// Every layer the atlas holds is a catalogue row, and says what the row says.
#[test]
fn every_layer_in_the_registry_is_declared_in_the_catalogue() {
    use needsmap::atlas::layers::{catalogue, Method};
    let atlas = atlas();
    let manifest = &data().manifest;
    for l in atlas.layers.iter() {
        let spec = catalogue::spec(&l.meta.id)
            .unwrap_or_else(|| panic!("{} is not in the catalogue", l.meta.id));
        let m = &l.meta;
        assert_eq!(
            (m.title.as_str(), m.unit.as_str(), m.direction, m.group),
            (spec.title, spec.unit, spec.direction, spec.group),
            "{}",
            m.id
        );
        // Routed layers fall back to the estimate where no network covers the area (here: all).
        let fallback = spec.method == Method::Network && m.method == Method::Estimate;
        assert!(
            m.method == spec.method || fallback,
            "{}: {:?} vs {:?}",
            m.id,
            m.method,
            spec.method
        );
        assert!(
            manifest.get(&m.source).is_ok(),
            "{}: source {} not in the manifest",
            m.id,
            m.source
        );
        assert!(
            !m.description.contains('{'),
            "{}: unfilled placeholder in {}",
            m.id,
            m.description
        );
    }
    let present: BTreeSet<&str> = atlas.layers.ids().collect();
    let absent: BTreeSet<&str> = atlas
        .layers
        .absent()
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    let declared: BTreeSet<&str> = catalogue::for_vintage(catalogue::Vintage::DEFAULT)
        .map(|s| s.id)
        .collect();
    assert_eq!(
        present.union(&absent).copied().collect::<BTreeSet<_>>(),
        declared,
        "every row is either a layer or listed as absent"
    );
    assert!(present.is_disjoint(&absent));
    // Presentation order is the catalogue's.
    let order: Vec<&str> = catalogue::for_vintage(catalogue::Vintage::DEFAULT)
        .map(|s| s.id)
        .filter(|id| present.contains(id))
        .collect();
    assert_eq!(atlas.layers.ids().collect::<Vec<_>>(), order);
}

/// Regional ranks and class breaks are computed at load; checked here against a direct count.
#[test]
fn derived_ranks_and_breaks_match_a_direct_computation() {
    use needsmap::atlas::layers::{ids, Direction};
    let atlas = atlas();
    for id in [
        ids::IMD_SCORE,
        ids::IDACI_SCORE,
        ids::CHILDREN_INCOME_DEPRIVED,
        ids::GP_WALK_MIN,
    ] {
        let l = atlas.layers.get(id).unwrap();
        let v: Vec<f64> = (0..atlas.areas.len())
            .map(|i| l.number(i).unwrap())
            .collect();
        let worse = |a: f64, b: f64| {
            if l.meta.direction == Direction::HigherIsWorse {
                a > b
            } else {
                a < b
            }
        };
        let ranks = l.regional_ranks().unwrap();
        assert_eq!(ranks.ranked(), 373);
        for (i, &x) in v.iter().enumerate() {
            let expected = 1 + v.iter().filter(|&&y| worse(y, x)).count() as u32;
            assert_eq!(ranks.rank(i), Some(expected), "{id} area {i}");
        }
        let b = l.breaks().unwrap();
        assert_eq!(b.min, v.iter().copied().fold(f64::INFINITY, f64::min));
        assert_eq!(b.max, v.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    }
    // The region's top decile by IMD score is the region's IMD decile 1 (no ties at the top).
    let by_score = atlas
        .layers
        .get(ids::IMD_SCORE)
        .unwrap()
        .regional_ranks()
        .unwrap();
    let top: BTreeSet<usize> = (0..373)
        .filter(|&i| by_score.decile(i) == Some(1))
        .collect();
    let county1: BTreeSet<usize> = (0..373)
        .filter(|&i| atlas.number(ids::IMD_COUNTY_DECILE, i) == Some(1.0))
        .collect();
    assert_eq!(top, county1);
    // Ranks and deciles are not ranked again; neutral layers have no ranks.
    assert!(
        atlas.layers.regional_ranks(ids::IMD_DECILE).is_none()
            && atlas.layers.regional_ranks(ids::POPULATION).is_none()
    );
}
