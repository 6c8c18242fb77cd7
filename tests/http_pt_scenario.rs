//! `/api/scenario?mode=pt|walk_or_pt` over HTTP on the real county atlas, served on 127.0.0.1.
//!
//! No Gloucestershire timetable or county walk network can be brought onto these machines, so
//! what is checked is what a caller gets without them: a 409 whose message is the reason the
//! atlas recorded for the layer (read here from `/api/layers` and from the command line), for
//! the county as it is (no feed) and for a data directory holding real GTFS feeds (Porto
//! Alegre's, under `transit/gtfs/`) but no walk network. The routing itself is checked against
//! brute force in `tests/pt_scenario.rs`.

mod common;
use common::*;
use needsmap::server::AppState;
use needsmap::{Atlas, DataDir, Region};
use serde_json::Value;
use std::sync::Arc;

fn get(base: &str, path: &str) -> (u16, Value) {
    let r = http().get(format!("{base}{path}")).send().unwrap();
    let status = r.status().as_u16();
    let body = r.bytes().unwrap();
    (
        status,
        serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
}

/// A server of `atlas` that reads its feeds from `data` and has no road network.
fn serve(atlas: Atlas, data: DataDir) -> String {
    let mut state = AppState::new(Arc::new(atlas), web_dir()).expect("state");
    state.data = Some(data);
    serve_state(state)
}

/// The reason `/api/layers` gives for an absent layer (the server's own listing, not the pt code).
fn listed_reason(base: &str, id: &str) -> String {
    let (s, layers) = get(base, "/api/layers");
    assert_eq!(s, 200);
    assert!(
        layers["layers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["id"] != id),
        "{id} is present, this test is about its absence"
    );
    layers["absent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("{id} neither present nor listed absent"))["reason"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `(status, error kind, detail)` of a scenario request expected to fail.
fn refused(base: &str, query: &str) -> (u16, String, String) {
    let (s, body) = get(base, &format!("/api/scenario?{query}"));
    (
        s,
        body["error"].as_str().unwrap_or_default().to_string(),
        body["detail"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn county_without_a_feed_is_409_with_the_recorded_reason() {
    let d = data();
    assert!(
        needsmap::pt_access::gtfs_feeds(&d.root).is_empty(),
        "this test is about the county without a feed"
    );
    let atlas = needsmap::load_with_overlays(&d, &Region::default(), None).expect("atlas");
    let site = atlas.gp_sites.sites[0].code.clone();
    let base = serve(atlas, d.clone());
    let folder = d.root.join("transit/gtfs").display().to_string();
    for (mode, id) in [("pt", "gp_pt_min"), ("walk_or_pt", "gp_pt_walk_min")] {
        let reason = listed_reason(&base, id);
        let (s, kind, detail) = refused(&base, &format!("close={site}&mode={mode}&minutes=45"));
        assert_eq!(
            (s, kind.as_str()),
            (409, "layer_absent"),
            "{mode}: {detail}"
        );
        assert!(detail.contains(id) && detail.contains(&reason), "{detail}");
        // The folder to fill, and DfT's 2013 figures as the reference meanwhile.
        assert!(detail.contains(&folder), "{detail} does not name {folder}");
        assert!(detail.contains("gp_pt_walk_min_2013"), "{detail}");
        // A scenario that only opens a site is refused the same way, not answered empty.
        let (s, _, _) = refused(&base, &format!("open={}&mode={mode}", enc("GL1 2EH")));
        assert_eq!(s, 409);
    }

    // Same wording as `needsmap scenario --mode pt` on the same data.
    let out = needsmap(&["scenario", "--mode", "pt", "--close", &site]);
    assert_eq!(out.status.code(), Some(1));
    let cli = String::from_utf8(out.stderr).unwrap();
    let (_, _, detail) = refused(&base, &format!("close={site}&mode=pt"));
    assert!(
        cli.contains(&detail),
        "CLI said {cli:?}, the API {detail:?}"
    );

    // The caller's own mistakes come first, whatever the data: 400 with suggestions.
    let near = &site[..site.len() - 1];
    let (s, kind, detail) = refused(&base, &format!("close={near}X&mode=pt"));
    assert_eq!((s, kind.as_str()), (400, "bad_request"), "{detail}");
    assert!(
        detail.contains(&format!("{near}X")) && detail.contains("did you mean"),
        "{detail}"
    );
    let (s, _, detail) = refused(&base, "close=&mode=bus");
    assert_eq!(s, 400);
    assert!(detail.contains("pt or walk_or_pt"), "{detail}");
}

fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[test]
fn feeds_without_a_walk_network_is_409_saying_the_walk_network_is_missing() {
    // A data directory of its own: the county's sources come from the mirror as usual, plus
    // the two real Porto Alegre GTFS feeds where a county feed would go.
    let tmp = tempfile::tempdir().unwrap();
    let real = data();
    let mut d = DataDir::new(tmp.path(), real.mirror.clone());
    d.allow_download = false;
    let gtfs = tmp.path().join("transit/gtfs");
    std::fs::create_dir_all(&gtfs).unwrap();
    for f in ["poa_eptc.zip", "poa_trensurb.zip"] {
        std::fs::copy(by_file(&format!("transit/porto_alegre/{f}")), gtfs.join(f)).unwrap();
    }
    assert!(
        !d.has("osm_gloucestershire"),
        "this test is about a data directory without the county's walk network"
    );
    // The atlas as the product builds it from that directory.
    let atlas = needsmap::load_with_overlays(&d, &Region::default(), None).expect("atlas");
    let site = atlas.gp_sites.sites[0].code.clone();
    let base = serve(atlas, d);
    for (mode, id) in [("pt", "gp_pt_min"), ("walk_or_pt", "gp_pt_walk_min")] {
        let reason = listed_reason(&base, id);
        assert!(reason.contains("walk network"), "{reason}");
        let (s, kind, detail) = refused(&base, &format!("close={site}&mode={mode}"));
        assert_eq!((s, kind.as_str()), (409, "layer_absent"), "{detail}");
        assert!(detail.contains(&reason) && detail.contains(id), "{detail}");
        assert!(
            detail.contains("GTFS timetables are present") && detail.contains("walk network"),
            "{detail}"
        );
        assert!(!detail.contains("no GTFS timetable"), "{detail}");
    }
    // Walking scenarios on the same server still answer (estimated: no network).
    let (s, body) = get(&base, &format!("/api/scenario?close={site}&mode=walk"));
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["method"], "estimate");
}
