//! The compiled atlas snapshot on the real county data: it round-trips to exactly the atlas a
//! fresh build gives, and a changed input, a truncated file or a damaged file each cause a rebuild.
//! Every test works in its own temporary data directory filled from the mirror.

mod common;
use needsmap::atlas::layers::Values;
use needsmap::atlas::snapshot::{Outcome, Rebuild};
use needsmap::sources::{sha256_file, DataDir};
use needsmap::vintage::Vintage;
use needsmap::{Atlas, Region};
use std::fs;
use std::path::Path;

/// A fresh data directory filled from the mirror (or, without one, from the checkout's data directory).
fn temp_data(dir: &Path) -> DataDir {
    let real = common::data();
    let mut d = DataDir::new(
        dir.join("data"),
        real.mirror.clone().or(Some(real.root.clone())),
    );
    d.allow_download = false;
    d
}

fn open(d: &DataDir) -> needsmap::atlas::snapshot::Opened {
    needsmap::open_atlas(d, &Region::default(), Vintage::V2019, None, false).unwrap()
}

fn bits(v: &[Option<f64>]) -> Vec<Option<u64>> {
    v.iter().map(|x| x.map(f64::to_bits)).collect()
}

/// Everything a command can read from an atlas is equal, bit for bit.
/// `same_data_dir`: whether both were built from one data directory (absent-layer reasons name it).
fn assert_same(a: &Atlas, b: &Atlas, same_data_dir: bool) {
    assert_eq!(a.region, b.region);
    assert_eq!(a.national_count, b.national_count);
    assert_eq!(a.sources, b.sources);
    assert_eq!(a.areas.len(), b.areas.len());
    for (i, (x, y)) in a.areas.iter().zip(&b.areas).enumerate() {
        assert_eq!(
            (&x.code, &x.name, &x.district_code, &x.district),
            (&y.code, &y.name, &y.district_code, &y.district)
        );
        assert_eq!(x.shape, y.shape, "{} polygon, centroid and bounds", x.code);
        assert_eq!(
            b.locate(x.centroid().unwrap().x(), x.centroid().unwrap().y()),
            a.locate(x.centroid().unwrap().x(), x.centroid().unwrap().y())
        );
        assert_eq!(b.index_of(&x.code), Some(i));
    }
    let ids = |x: &Atlas| x.layers.ids().map(String::from).collect::<Vec<_>>();
    assert_eq!(ids(a), ids(b));
    assert!(a.layers.len() > 30, "{} layers", a.layers.len());
    if same_data_dir {
        assert_eq!(a.layers.absent(), b.layers.absent());
    } else {
        let ids = |x: &Atlas| {
            x.layers
                .absent()
                .iter()
                .map(|l| l.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(a), ids(b));
    }
    for la in a.layers.iter() {
        let lb = b.layers.get(&la.meta.id).unwrap();
        for i in 0..a.areas.len() {
            assert_eq!(la.method_of(i), lb.method_of(i), "{} area {i}", la.meta.id);
        }
        assert_eq!(
            serde_json::to_value(&la.meta).unwrap(),
            serde_json::to_value(&lb.meta).unwrap()
        );
        match (&la.values, &lb.values) {
            (Values::Number(x), Values::Number(y)) => {
                assert_eq!(bits(x), bits(y), "{}", la.meta.id)
            }
            (Values::Text(x), Values::Text(y)) => assert_eq!(x, y, "{}", la.meta.id),
            _ => panic!("layer {} changed kind", la.meta.id),
        }
    }
    for (x, y) in [
        (&a.gp_sites, &b.gp_sites),
        (&a.gp_sites_2019, &b.gp_sites_2019),
    ] {
        assert_eq!(
            serde_json::to_value(&x.sites).unwrap(),
            serde_json::to_value(&y.sites).unwrap()
        );
        assert_eq!(x.excluded, y.excluded);
        assert_eq!(
            x.nearest(-2.24, 51.86, 3)
                .iter()
                .map(|s| &s.0.code)
                .collect::<Vec<_>>(),
            y.nearest(-2.24, 51.86, 3)
                .iter()
                .map(|s| &s.0.code)
                .collect::<Vec<_>>()
        );
    }
}

fn no_partial_files(d: &DataDir) {
    for e in fs::read_dir(d.root.join("atlas")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(!name.contains("partial"), "left behind: {name}");
    }
}

#[test]
fn round_trip_equals_a_fresh_build_for_every_layer_area_and_postcode() {
    let tmp = tempfile::tempdir().unwrap();
    let d = temp_data(tmp.path());
    let built = open(&d);
    assert_eq!(built.outcome, Outcome::Built(Rebuild::Missing));
    assert!(built.bytes > 0 && built.path.is_file());
    assert_eq!(built.atlas.areas.len(), 373);
    let opened = open(&d);
    assert_eq!(opened.outcome, Outcome::Opened);
    assert_same(&built.atlas, &opened.atlas, true);
    // And against the atlas the other tests load without any snapshot.
    assert_same(common::atlas(), &opened.atlas, false);
    no_partial_files(&d);

    // Postcodes: every live county postcode with coordinates in ONS's lookup lands in the same
    // LSOA whether answered from the snapshot's postcodes or from the zip.
    assert!(
        opened.atlas.postcodes.preloaded_len() > 20_000,
        "{} postcodes carried",
        opened.atlas.postcodes.preloaded_len()
    );
    let (h, rows) = common::csv_rows(&common::source("ons_postcode_lsoa_gloucestershire"));
    let (pc, term, lon) = (
        common::col(&h, "pcds"),
        common::col(&h, "doterm"),
        common::col(&h, "lon"),
    );
    let mut checked = 0;
    for r in rows
        .iter()
        .filter(|r| r[term].is_empty() && !r[lon].is_empty())
        .step_by(7)
    {
        let a = built.atlas.postcode(&r[pc]).map_err(|e| e.to_string());
        let b = opened.atlas.postcode(&r[pc]).map_err(|e| e.to_string());
        assert_eq!(a, b, "{}", &r[pc]);
        checked += 1;
    }
    assert!(checked > 2_500, "{checked}");
    // A valid postcode far outside the region is still found, and said to be outside.
    let far = opened.atlas.postcode("SW1A 2AA").unwrap_err().to_string();
    assert!(far.contains("outside the loaded region"), "{far}");
}

#[test]
fn a_changed_input_rebuilds_and_an_unchanged_touched_one_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = temp_data(tmp.path());
    let first = open(&d);
    assert_eq!(first.outcome, Outcome::Built(Rebuild::Missing));
    let branches_before = first
        .atlas
        .gp_sites
        .sites
        .iter()
        .filter(|s| s.kind == needsmap::atlas::gp::GpKind::Branch)
        .count();

    // Same bytes, new modification time: re-hashed, found equal, opened.
    let path = d.require("ebranchs").unwrap();
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, &text).unwrap();
    assert_eq!(open(&d).outcome, Outcome::Opened);

    // A new release of the branch file (its manifest entry updated with it): the snapshot is
    // rebuilt, and the rebuilt atlas reflects the new file. Drop every Gloucestershire branch.
    let kept: String = text
        .lines()
        .filter(|l| !l.contains(",\"GL"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(kept.len() < text.len());
    fs::write(&path, kept).unwrap();
    let sha = sha256_file(&path).unwrap();
    d.manifest
        .sources
        .iter_mut()
        .find(|s| s.id == "ebranchs")
        .unwrap()
        .sha256 = sha;
    let second = open(&d);
    match &second.outcome {
        Outcome::Built(Rebuild::InputChanged(why)) => assert!(why.contains("ebranchs"), "{why}"),
        other => panic!("expected a rebuild for the changed input, got {other:?}"),
    }
    let branches_after = second
        .atlas
        .gp_sites
        .sites
        .iter()
        .filter(|s| s.kind == needsmap::atlas::gp::GpKind::Branch)
        .count();
    assert!(
        branches_after < branches_before,
        "{branches_after} vs {branches_before}"
    );
    assert_eq!(open(&d).outcome, Outcome::Opened);
    no_partial_files(&d);
}

#[test]
fn a_truncated_or_damaged_snapshot_is_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let d = temp_data(tmp.path());
    let first = open(&d);
    let bytes = fs::read(&first.path).unwrap();

    fs::write(&first.path, &bytes[..bytes.len() / 2]).unwrap();
    let again = open(&d);
    assert!(
        matches!(again.outcome, Outcome::Built(Rebuild::Truncated { .. })),
        "{:?}",
        again.outcome
    );
    assert_same(&first.atlas, &again.atlas, true);
    assert_eq!(
        fs::read(&first.path).unwrap().len(),
        bytes.len(),
        "rewritten in full"
    );

    let mut damaged = bytes.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x5a;
    fs::write(&first.path, &damaged).unwrap();
    let again = open(&d);
    assert_eq!(
        again.outcome,
        Outcome::Built(Rebuild::Corrupt("checksum mismatch".into()))
    );
    assert_same(&first.atlas, &again.atlas, true);
    assert_eq!(open(&d).outcome, Outcome::Opened);

    // An empty file (a crash before the first byte) is a truncation too.
    fs::write(&first.path, b"").unwrap();
    assert!(matches!(
        open(&d).outcome,
        Outcome::Built(Rebuild::Truncated { .. })
    ));
    no_partial_files(&d);
}
