//! GP-access layers of the county on the real files, and the scenario engine.

mod common;
use common::*;
use needsmap::atlas::layers::{ids, AbsentCause, Method};
use needsmap::geodesy::haversine_m;
use needsmap::overlay::{km_layer_id, layer_id};
use needsmap::overlay::{run_scenario, Scenario};
use needsmap::selection::AreaQuery;
use needsmap::travel::TravelMode;
use std::collections::BTreeSet;

#[test]
fn every_lsoa_has_a_value_or_an_explained_absence() {
    let atlas = atlas();
    for id in [
        "gp_walk_min",
        "gp_cycle_min",
        "gp_car_min",
        "gp_walk_km",
        "gp_cycle_km",
        "gp_car_km",
        "gp_road_km_iod2019",
        "gp_nearest",
    ] {
        let l = atlas.layers.get(id).unwrap();
        assert_eq!(l.values.missing(), 0, "{id} has gaps");
    }
    // ACS0505 is on 2001 LSOAs: the absent areas are exactly those missing from DfT's table.
    let (h, rows) = csv_rows(&source("dft_acs0505_2013"));
    let code = col(&h, "LSOA_code");
    let in_acs: BTreeSet<String> = rows.iter().map(|r| r[code].to_string()).collect();
    let expected_missing: BTreeSet<&str> = atlas
        .areas
        .iter()
        .map(|a| a.code.as_str())
        .filter(|c| !in_acs.contains(*c))
        .collect();
    assert_eq!(expected_missing.len(), 9);
    for id in [
        "gp_pt_walk_min_2013",
        "gp_cycle_min_2013",
        "gp_car_min_2013",
    ] {
        let l = atlas.layers.get(id).unwrap();
        let missing: BTreeSet<&str> = (0..atlas.areas.len())
            .filter(|&i| l.number(i).is_none())
            .map(|i| atlas.areas[i].code.as_str())
            .collect();
        assert_eq!(missing, expected_missing, "{id}");
        assert!(
            l.meta.description.contains("9 of the region's LSOAs"),
            "{}",
            l.meta.description
        );
        assert_eq!(l.meta.method, Method::Reference);
    }
    for id in ["gp_walk_min", "gp_cycle_min", "gp_car_min"] {
        let m = &atlas.layers.get(id).unwrap().meta;
        assert_eq!(
            m.method,
            Method::Estimate,
            "no county network in the data directory"
        );
        assert!(m.description.contains("ESTIMATE") && m.description.contains("IoD2019"));
    }
}

fn nearest(sites: &[needsmap::atlas::gp::GpSite], lon: f64, lat: f64) -> (f64, (f64, f64)) {
    sites
        .iter()
        .map(|s| (haversine_m((lon, lat), (s.lon, s.lat)), (s.lon, s.lat)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap()
}

#[test]
fn the_estimate_equals_the_official_road_distance_where_the_nearest_site_is_unchanged() {
    let atlas = atlas();
    let walk_kmh = needsmap::travel::speeds::WALK_KMH;
    let mut checked = 0;
    for (i, a) in atlas.areas.iter().enumerate() {
        let (d_now, at_now) = nearest(
            &atlas.gp_sites.sites,
            a.centroid().unwrap().x(),
            a.centroid().unwrap().y(),
        );
        let (d_2019, at_2019) = nearest(
            &atlas.gp_sites_2019.sites,
            a.centroid().unwrap().x(),
            a.centroid().unwrap().y(),
        );
        let official = atlas.number("gp_road_km_iod2019", i).unwrap();
        let estimated_km = atlas.number("gp_walk_min", i).unwrap() / 60.0 * walk_kmh;
        assert!((atlas.number("gp_walk_km", i).unwrap() - estimated_km).abs() < 1e-9);
        if at_now == at_2019 && d_2019 >= 100.0 {
            assert!(
                (estimated_km - official).abs() < 1e-9,
                "{}: {estimated_km} vs {official}",
                a.code
            );
            checked += 1;
        } else {
            // Elsewhere the estimate scales today's straight line by the area's own ratio.
            let factor = atlas.number("gp_detour_factor", i).unwrap();
            assert!(
                (estimated_km - d_now / 1000.0 * factor).abs() < 1e-6,
                "{}",
                a.code
            );
        }
    }
    assert!(
        checked > 250,
        "only {checked} areas kept their nearest site"
    );
    // Car and cycle are the same distance at their documented speeds.
    for i in 0..atlas.areas.len() {
        let w = atlas.number("gp_walk_min", i).unwrap() * walk_kmh;
        let c = atlas.number("gp_cycle_min", i).unwrap() * needsmap::travel::speeds::CYCLE_KMH;
        let d = atlas.number("gp_car_min", i).unwrap() * needsmap::overlay::ESTIMATE_CAR_KMH;
        assert!((w - c).abs() < 1e-6 && (w - d).abs() < 1e-6);
    }
}

#[test]
fn the_45_minute_question_is_consistent_with_the_layer() {
    let atlas = atlas();
    let layer = atlas.layers.get("gp_walk_min").unwrap();
    let beyond: Vec<usize> = (0..atlas.areas.len())
        .filter(|&i| layer.number(i).is_some_and(|v| v > 45.0))
        .collect();
    let q = AreaQuery::parse(atlas, Some("gp_walk_min > 45"), None, None).unwrap();
    let sel = q.run(atlas);
    assert_eq!(sel.areas, beyond);
    let within = AreaQuery::parse(atlas, Some("gp_walk_min <= 45"), None, None)
        .unwrap()
        .run(atlas);
    assert_eq!(sel.count + within.count, 373);
    let people: f64 = beyond
        .iter()
        .map(|&i| atlas.number("population", i).unwrap())
        .sum();
    assert_eq!(sel.totals.population, Some(people));
    // The CLI answers the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_needsmap"))
        .args([
            "access", "--mode", "walk", "--beyond", "45", "--format", "json",
        ])
        .env("NEEDSMAP_DATA_DIR", data().root)
        .env("NEEDSMAP_MIRROR", data().mirror.unwrap())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"]["count"], beyond.len());
    assert_eq!(v["method"], "estimate");
    assert_eq!(
        v["result"]["totals"]["population"].as_f64().unwrap(),
        people
    );
}

#[test]
fn scenarios_never_touch_the_base_data_and_move_times_the_right_way() {
    let atlas = atlas();
    let before: Vec<Option<f64>> = (0..atlas.areas.len())
        .map(|i| atlas.number("gp_walk_min", i))
        .collect();
    let closing = "L84003";
    let closed = Scenario {
        close: vec![closing.into()],
        open: vec![],
    };
    let out = run_scenario(atlas, &closed, TravelMode::Walk, None).unwrap();
    assert_eq!(out.method, "estimate");
    assert!(!out.changes.is_empty());
    for c in &out.changes {
        assert!(
            c.delta_min.unwrap() > 0.0,
            "closing can only lengthen journeys: {c:?}"
        );
        assert!(
            c.nearest_before
                .as_deref()
                .is_some_and(|n| n == closing || n.starts_with(closing)),
            "{c:?}"
        );
    }
    let people: f64 = out.by_imd_decile.values().map(|v| v.1).sum();
    let expect: f64 = out.changes.iter().map(|c| c.population.unwrap()).sum();
    assert_eq!(people, expect);
    let opened = Scenario {
        close: vec![],
        open: vec![Scenario::site_from(atlas, "GL1 2EH", 1).unwrap()],
    };
    let out = run_scenario(atlas, &opened, TravelMode::Car, None).unwrap();
    assert!(!out.changes.is_empty());
    for c in &out.changes {
        assert!(
            c.delta_min.unwrap() < 0.0,
            "opening can only shorten journeys: {c:?}"
        );
        assert_eq!(
            c.nearest_after.as_deref(),
            Some("NEW1"),
            "only areas now nearest the new site change: {c:?}"
        );
    }
    // The LSOA the new site stands in is among them unless a surgery already stood closer.
    let (_, home) = atlas.postcode("GL1 2EH").unwrap();
    let home_code = &atlas.areas[home].code;
    let (d_now, _) = nearest(
        &atlas.gp_sites.sites,
        atlas.areas[home].centroid().unwrap().x(),
        atlas.areas[home].centroid().unwrap().y(),
    );
    let new_site = &opened.open[0];
    let d_new = haversine_m(
        (
            atlas.areas[home].centroid().unwrap().x(),
            atlas.areas[home].centroid().unwrap().y(),
        ),
        (new_site.lon, new_site.lat),
    );
    assert_eq!(
        out.changes.iter().any(|c| &c.code == home_code),
        d_new < d_now,
        "{home_code}: new site {d_new} m, nearest today {d_now} m"
    );
    let after: Vec<Option<f64>> = (0..atlas.areas.len())
        .map(|i| atlas.number("gp_walk_min", i))
        .collect();
    assert_eq!(before, after, "the base layer is unchanged");
    assert!(run_scenario(
        atlas,
        &Scenario {
            close: vec!["X99999".into()],
            open: vec![]
        },
        TravelMode::Walk,
        None
    )
    .is_err());
    assert!(Scenario::site_from(atlas, "not a place", 1).is_err());
}

/// A network that covers none of the region (the only OSM extract here is Liechtenstein's) must
/// leave every area its estimate — the same values as with no network at all — and say why. It
/// used to switch every layer to "network" and leave all 373 areas blank.
#[test]
fn a_network_covering_no_area_keeps_every_estimate_and_says_so() {
    let data = data();
    let pbf = source("osm_liechtenstein");
    let routed =
        needsmap::load_with_overlays(&data, &needsmap::Region::default(), Some(&pbf)).unwrap();
    let base = atlas();
    let n = base.areas.len();
    for mode in needsmap::overlay::MODES {
        for id in [layer_id(mode), km_layer_id(mode)] {
            let (l, b) = (routed.layers.get(id).unwrap(), base.layers.get(id).unwrap());
            assert_eq!(l.meta.method, Method::Estimate, "{id}");
            assert_eq!(l.values.missing(), 0, "{id}");
            for i in 0..n {
                assert_eq!(l.number(i), b.number(i), "{id} of {}", base.areas[i].code);
                assert_eq!(l.method_of(i), Method::Estimate);
            }
            let d = &l.meta.description;
            assert!(
                d.starts_with("ESTIMATE — ")
                    && d.contains("Estimated for all 373 areas")
                    && d.contains("liechtenstein")
                    && d.contains("does not cover them"),
                "{d}"
            );
            assert!(!d.contains("Routed by needsmap"), "{d}");
        }
    }
    let nearest = (
        routed.layers.get(ids::GP_NEAREST).unwrap(),
        base.layers.get(ids::GP_NEAREST).unwrap(),
    );
    assert!((0..n).all(|i| nearest.0.text(i) == nearest.1.text(i) && nearest.0.text(i).is_some()));
    assert!(
        routed.layers.get(ids::GP_DETOUR_FACTOR).is_some(),
        "the estimate's inputs stay listed"
    );
    // The official reference layers stay.
    assert_eq!(
        routed
            .layers
            .get(ids::GP_ROAD_KM_IOD2019)
            .unwrap()
            .values
            .missing(),
        0
    );
    // A scenario on that network estimates every area too, as the base layer does.
    let networks = needsmap::travel::Networks::from_pbf(&pbf).unwrap();
    let closed = Scenario {
        close: vec!["L84003".into()],
        open: vec![],
    };
    let with = run_scenario(&routed, &closed, TravelMode::Walk, Some(&networks)).unwrap();
    let without = run_scenario(base, &closed, TravelMode::Walk, None).unwrap();
    assert_eq!(with.method, "estimate");
    assert_eq!(
        with.changes
            .iter()
            .map(|c| (&c.code, c.after_min))
            .collect::<Vec<_>>(),
        without
            .changes
            .iter()
            .map(|c| (&c.code, c.after_min))
            .collect::<Vec<_>>()
    );
}

#[test]
fn public_transport_layers_are_absent_with_a_reason() {
    let atlas = atlas();
    for id in [ids::GP_PT_MIN, ids::GP_PT_WALK_MIN] {
        assert!(atlas.layers.get(id).is_none());
        let a = atlas
            .layers
            .absence(id)
            .unwrap_or_else(|| panic!("{id} not listed as absent"));
        assert!(
            a.reason.contains("no GTFS timetable in") && a.reason.contains("transit/gtfs"),
            "{}",
            a.reason
        );
        assert_eq!(a.cause, AbsentCause::NoTimetable, "{id}");
    }
    let j: serde_json::Value = serde_json::from_str(
        &String::from_utf8(
            std::process::Command::new(env!("CARGO_BIN_EXE_needsmap"))
                .args(["layers", "--format", "json"])
                .env("NEEDSMAP_DATA_DIR", data().root)
                .env("NEEDSMAP_MIRROR", data().mirror.unwrap())
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap(),
    )
    .unwrap();
    assert!(
        j["absent"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == ids::GP_PT_MIN
                && a["cause"] == "no_timetable"
                && a["reason"].as_str().unwrap().contains("GTFS")),
        "{j}"
    );
}

/// On a real network (Liechtenstein's roads): an origin is routed only when the network covers
/// it and its nearest GP site; elsewhere the estimate answers, and merging keeps both methods.
#[test]
fn a_network_routes_exactly_the_areas_it_covers() {
    use needsmap::overlay::coverage::{merge, route_covered};
    let networks = needsmap::travel::Networks::from_pbf(source("osm_liechtenstein")).unwrap();
    let net = networks.get(TravelMode::Walk);
    let (vaduz, schaan, triesen, gloucester) = (
        (9.5209, 47.1410),
        (9.5095, 47.1650),
        (9.5290, 47.1070),
        (-2.2446, 51.8642),
    );
    let origins = [vaduz, gloucester, schaan];
    // Schaan's nearest site (by straight line) is in Gloucester: off the network, so not covered.
    let nearest = [Some(triesen), Some(gloucester), Some(gloucester)];
    let routed = route_covered(net, &origins, &nearest, &[triesen, gloucester]);
    let a = routed[0].expect("Vaduz is covered").expect("and routed");
    assert_eq!(a.destination, 0);
    let straight = haversine_m(vaduz, triesen);
    assert!(
        a.metres >= straight * 0.95 && a.metres < straight * 2.0,
        "{a:?} vs {straight} m"
    );
    assert_eq!(
        routed[1], None,
        "Gloucester is not on Liechtenstein's roads"
    );
    assert_eq!(routed[2], None);
    let (values, methods) = merge(Some(&routed), 3, |a| a.minutes, |i| Some(1000.0 + i as f64));
    assert_eq!(values, vec![Some(a.minutes), Some(1001.0), Some(1002.0)]);
    assert_eq!(
        methods,
        vec![Method::Network, Method::Estimate, Method::Estimate]
    );
}
