//! Public-transport scenarios (issue 11) on real data.
//!
//! No Gloucestershire timetable can be brought onto these machines, so the region-free part of
//! `needsmap scenario --mode pt` — one RAPTOR run per origin and minute serving today's sites
//! and the scenario's ([`needsmap::pt_access::gp_pt_minutes_for`]) — is checked end to end on
//! the Porto Alegre pair (both GTFS feeds + the OSM walk network of the same streets) against
//! brute force: the whole computation re-run from scratch on the changed site list, and the
//! `travel --mode transit` nearest-destination batch code on the same list.
//! The county's own behaviour without a feed (a clear error naming the folder and the 2013
//! reference) is checked through the command line in `tests/cli_pt.rs`.

use std::path::PathBuf;

use needsmap::pt_access::{
    gp_pt_minutes, gp_pt_minutes_for, pick_weekday, FIRST_DEPARTURE_S, WINDOW_MINUTES,
};
use needsmap::travel::transit::{gtfs::Feed, TransitNetwork, TransitOptions};
use needsmap::travel::{Network, TravelMode};

mod common;

fn poa(rel: &str) -> PathBuf {
    common::by_file(&format!("transit/porto_alegre/{rel}"))
}

type Point = (f64, f64);

/// Every 12th hexgrid cell as an origin, the cells with health care as "GP sites", and a
/// point of interest as the site a scenario opens.
fn places() -> (Vec<Point>, Vec<Point>, Point) {
    let (h, rows) = common::csv_rows(&poa("poa_hexgrid.csv"));
    let (lon, lat, hc) = (
        common::col(&h, "lon"),
        common::col(&h, "lat"),
        common::col(&h, "healthcare"),
    );
    let pt = |r: &csv::StringRecord| (r[lon].parse().unwrap(), r[lat].parse().unwrap());
    let origins = rows.iter().step_by(12).map(pt).collect();
    let sites = rows
        .iter()
        .filter(|r| r[hc].parse::<f64>().unwrap_or(0.0) > 0.0)
        .map(pt)
        .collect();
    // The POI file has latitude first: read it with the csv crate, by column name.
    let (ph, prow) = common::csv_rows(&poa("poa_points_of_interest.csv"));
    let (id, plat, plon) = (
        common::col(&ph, "id"),
        common::col(&ph, "lat"),
        common::col(&ph, "lon"),
    );
    let market = prow.iter().find(|r| &r[id] == "public_market").unwrap();
    (
        origins,
        sites,
        (market[plon].parse().unwrap(), market[plat].parse().unwrap()),
    )
}

/// Minutes equal to within float noise (both sides are whole seconds / 60).
fn same(a: &[Option<f64>], b: &[Option<f64>], what: &str) {
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        match (x, y) {
            (Some(x), Some(y)) => assert!((x - y).abs() < 1e-9, "{what}, origin {i}: {x} vs {y}"),
            (None, None) => {}
            _ => panic!("{what}, origin {i}: {x:?} vs {y:?}"),
        }
    }
}

#[test]
fn pt_scenario_equals_brute_force_rerun_on_porto_alegre() {
    let walk = Network::from_pbf(poa("poa_osm.pbf"), TravelMode::Walk).unwrap();
    let feeds = vec![
        Feed::read(poa("poa_eptc.zip")).unwrap(),
        Feed::read(poa("poa_trensurb.zip")).unwrap(),
    ];
    let (origins, sites, new_site) = places();
    assert!(origins.len() > 90 && sites.len() > 10, "{}", sites.len());

    // Today's run, from scratch, decides which site to close: the one most often nearest.
    let today = gp_pt_minutes(&walk, &feeds, &origins, &sites).unwrap();
    let mut uses = vec![0usize; sites.len()];
    for j in today.nearest.iter().flatten() {
        uses[*j] += 1;
    }
    let closed = (0..sites.len()).max_by_key(|&j| uses[j]).unwrap();
    assert!(uses[closed] > 0);

    // The scenario's one shared run: [today, closed, closed + opened].
    let mut all = sites.clone();
    all.push(new_site);
    let n = sites.len();
    let sets = vec![
        (0..=n).map(|j| j < n).collect::<Vec<bool>>(),
        (0..=n).map(|j| j < n && j != closed).collect(),
        (0..=n).map(|j| j != closed).collect(),
    ];
    let runs = gp_pt_minutes_for(&walk, &feeds, &origins, &all, &sets).unwrap();
    assert_eq!(runs.len(), 3);

    // Brute force: everything re-run on each changed site list.
    let without: Vec<Point> = (0..n).filter(|&j| j != closed).map(|j| sites[j]).collect();
    let mut with_new = without.clone();
    with_new.push(new_site);
    let after_close = gp_pt_minutes(&walk, &feeds, &origins, &without).unwrap();
    let after_open = gp_pt_minutes(&walk, &feeds, &origins, &with_new).unwrap();
    for (k, brute) in [(0, &today), (1, &after_close), (2, &after_open)] {
        same(
            &runs[k].pt_min,
            &brute.pt_min,
            &format!("set {k} gp_pt_min"),
        );
        same(
            &runs[k].pt_walk_min,
            &brute.pt_walk_min,
            &format!("set {k} gp_pt_walk_min"),
        );
    }
    // Nearest sites agree once the indices are mapped back to the full list.
    let back = |j: usize| if j >= closed { j + 1 } else { j };
    for (i, (a, b)) in runs[1].nearest.iter().zip(&after_close.nearest).enumerate() {
        assert_eq!(*a, b.map(back), "origin {i}");
        assert_ne!(*a, Some(closed), "origin {i} still goes to the closed site");
    }

    // Closing can only lengthen journeys, and closing the busiest site lengthens some.
    let mut longer = 0;
    for i in 0..origins.len() {
        match (runs[0].pt_walk_min[i], runs[1].pt_walk_min[i]) {
            (Some(b), Some(a)) => {
                assert!(a >= b - 1e-9, "origin {i}: {b} -> {a}");
                longer += usize::from(a > b);
            }
            (Some(_), None) => longer += 1,
            (None, Some(a)) => panic!("origin {i}: unreached today, {a} after a closure"),
            (None, None) => {}
        }
    }
    assert!(longer > 0, "closing the busiest site changed nothing");

    // The batch code of `travel --mode transit` (nearest destination, median over minutes) on
    // the reduced list gives the same walk-or-PT figures.
    let (date, _) = pick_weekday(&feeds).unwrap();
    let mut o = TransitOptions::new(date, FIRST_DEPARTURE_S);
    o.window_minutes = WINDOW_MINUTES;
    o.max_minutes = 120.0;
    let net = TransitNetwork::build(&walk, &feeds, o).unwrap();
    let batch: Vec<Option<f64>> = net
        .nearest(&origins, &with_new)
        .into_iter()
        .map(|r| r.map(|(_, m)| m))
        .collect();
    same(
        &runs[2].pt_walk_min,
        &batch,
        "travel batch, closed + opened",
    );
}
