//! `needsmap access --mode pt|walk_or_pt` and `needsmap scenario --mode pt` on the county, run as
//! a user would. No Gloucestershire GTFS feed exists on these machines, so the county's answer
//! is the recorded reason: which folder to fill, with what, and that DfT's 2013 figures remain
//! the reference. (The routed path is tested on Porto Alegre in `tests/pt_scenario.rs`.)

mod common;
use common::*;

/// The reason the atlas recorded, read from `layers --format json` (not from the product's
/// pt code), for the layer a mode asks about.
fn recorded_reason(id: &str) -> String {
    let out = needsmap(&["layers", "--format", "json"]);
    assert!(out.status.success());
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let absent = j["absent"]
        .as_array()
        .unwrap_or_else(|| panic!("no absent list in {j}"));
    absent
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} neither present nor listed absent: {absent:?}"))["reason"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn county_without_a_feed_says_why_for_access_and_scenarios() {
    let d = data();
    let feeds = needsmap::pt_access::gtfs_feeds(&d.root);
    assert!(
        feeds.is_empty(),
        "this test is about the county without a feed, but {feeds:?} are present"
    );
    // The 2013 reference stays in the layer list.
    let layers = needsmap(&["layers"]);
    let text = String::from_utf8(layers.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("gp_pt_walk_min_2013")),
        "{text}"
    );
    for (mode, id) in [("pt", "gp_pt_min"), ("walk_or_pt", "gp_pt_walk_min")] {
        let reason = recorded_reason(id);
        let out = needsmap(&["access", "--mode", mode, "--beyond", "45"]);
        assert_eq!(out.status.code(), Some(1), "access --mode {mode}");
        let e = String::from_utf8(out.stderr).unwrap();
        assert!(
            e.contains(id) && e.contains(&reason) && e.contains("transit/gtfs"),
            "access --mode {mode}: {e}"
        );
        assert!(e.contains("gp_pt_walk_min_2013"), "{e}");
        assert!(out.stdout.is_empty(), "no partial answer: {:?}", out.stdout);
    }
    // A scenario by public transport: the same reason, not an empty list of changes.
    let site = atlas().gp_sites.sites[0].code.clone();
    let out = needsmap(&["scenario", "--mode", "pt", "--close", &site]);
    assert_eq!(out.status.code(), Some(1));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(
        e.contains("gp_pt_min") && e.contains("transit/gtfs") && e.contains("source gtfs"),
        "{e}"
    );
    // An unknown site is still the user's mistake first (usage error, exit 2).
    let out = needsmap(&["scenario", "--mode", "walk_or_pt", "--close", "NOSUCH1"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(e.contains("NOSUCH1"), "{e}");
}
