//! The travel engine on a real OpenStreetMap extract (Liechtenstein, 2013), checked against an
//! independent reading of the same file: ways parsed here with osmpbf, a plain Dijkstra over
//! OSM node ids, and straight-line geometry.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::OnceLock;

use needsmap::travel::{
    read_points_csv, speeds, write_travel_csv, Network, Networks, TravelMode, Unreachable,
};
use osmpbf::{Element, ElementReader};

mod common;

/// Real data comes through the project's fetch logic (mirror or publisher, checksum verified).
fn opendata(rel: &str) -> PathBuf {
    common::by_file(rel)
}

const PBF: &str = "osm/liechtenstein-2013-08-03.osm.pbf";

/// Town centres (approximate, from the map) used as real-world origins and destinations.
const PLACES: [(&str, f64, f64); 6] = [
    ("Vaduz", 9.5215, 47.1410),
    ("Schaan", 9.5095, 47.1650),
    ("Malbun", 9.6100, 47.1020),
    ("Balzers", 9.4990, 47.0660),
    ("Eschen", 9.5230, 47.2110),
    ("Triesenberg", 9.5420, 47.1180),
];

fn networks() -> &'static Networks {
    static NETS: OnceLock<Networks> = OnceLock::new();
    NETS.get_or_init(|| {
        let path = opendata(PBF);
        Networks::from_pbf(&path)
            .unwrap_or_else(|e| panic!("building networks from {}: {e}", path.display()))
    })
}

/// Our own spherical distance (deliberately not the library's function).
fn great_circle_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (la1, la2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// Ways and node coordinates read independently of the library.
struct RawOsm {
    nodes: HashMap<i64, (f64, f64)>,
    ways: Vec<(i64, Vec<i64>, HashMap<String, String>)>,
}

fn raw() -> &'static RawOsm {
    static RAW: OnceLock<RawOsm> = OnceLock::new();
    RAW.get_or_init(|| {
        let mut nodes = HashMap::new();
        let mut ways = Vec::new();
        ElementReader::from_path(opendata(PBF))
            .expect("open pbf")
            .for_each(|e| match e {
                Element::Node(n) => {
                    nodes.insert(n.id(), (n.lon(), n.lat()));
                }
                Element::DenseNode(n) => {
                    nodes.insert(n.id(), (n.lon(), n.lat()));
                }
                Element::Way(w) => {
                    let tags: HashMap<String, String> = w
                        .tags()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect();
                    if tags.contains_key("highway") {
                        ways.push((w.id(), w.refs().collect(), tags));
                    }
                }
                Element::Relation(_) => {}
            })
            .expect("read pbf");
        ways.sort_by_key(|w| w.0);
        RawOsm { nodes, ways }
    })
}

fn is(tags: &HashMap<String, String>, key: &str, values: &[&str]) -> bool {
    tags.get(key).is_some_and(|v| values.contains(&v.as_str()))
}

/// Simplified walking rules, written from the task description, not from the library.
fn walkable(tags: &HashMap<String, String>) -> bool {
    const OK: &[&str] = &[
        "footway",
        "path",
        "pedestrian",
        "steps",
        "track",
        "residential",
        "living_street",
        "service",
        "unclassified",
        "road",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
        "trunk",
        "trunk_link",
        "cycleway",
        "bridleway",
    ];
    const NO: &[&str] = &[
        "no",
        "private",
        "agricultural",
        "forestry",
        "emergency",
        "military",
        "delivery",
        "permit",
        "use_sidepath",
        "agricultural;forestry",
    ];
    if !is(tags, "highway", OK) {
        return false;
    }
    match tags.get("foot") {
        Some(v) => !NO.contains(&v.as_str()),
        None => !is(tags, "access", NO),
    }
}

/// Simplified car rules.
fn driveable(tags: &HashMap<String, String>) -> bool {
    const OK: &[&str] = &[
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
    ];
    const NO: &[&str] = &[
        "no",
        "private",
        "agricultural",
        "forestry",
        "emergency",
        "military",
        "delivery",
        "permit",
        "agricultural;forestry",
    ];
    is(tags, "highway", OK)
        && !is(tags, "oneway", &["reversible", "alternating"])
        && ["motorcar", "motor_vehicle", "vehicle", "access"]
            .iter()
            .find_map(|k| tags.get(*k))
            .is_none_or(|v| !NO.contains(&v.as_str()))
}

/// Undirected graph over OSM node ids (metres per edge) and its largest connected component.
struct WalkGraph {
    adj: HashMap<i64, Vec<(i64, f64)>>,
    main: HashSet<i64>,
}

fn undirected_graph(keep: fn(&HashMap<String, String>) -> bool) -> WalkGraph {
    let raw = raw();
    let mut adj: HashMap<i64, Vec<(i64, f64)>> = HashMap::new();
    for (_, refs, tags) in &raw.ways {
        if !keep(tags) {
            continue;
        }
        for w in refs.windows(2) {
            let (Some(&a), Some(&b)) = (raw.nodes.get(&w[0]), raw.nodes.get(&w[1])) else {
                continue;
            };
            if w[0] == w[1] {
                continue;
            }
            let m = great_circle_m(a, b);
            adj.entry(w[0]).or_default().push((w[1], m));
            adj.entry(w[1]).or_default().push((w[0], m));
        }
    }
    // Largest connected component by BFS.
    let mut seen: HashSet<i64> = HashSet::new();
    let mut main = HashSet::new();
    let mut ids: Vec<i64> = adj.keys().copied().collect();
    ids.sort();
    for &s in &ids {
        if !seen.insert(s) {
            continue;
        }
        let mut comp = HashSet::from([s]);
        let mut q = VecDeque::from([s]);
        while let Some(v) = q.pop_front() {
            for &(w, _) in &adj[&v] {
                if seen.insert(w) {
                    comp.insert(w);
                    q.push_back(w);
                }
            }
        }
        if comp.len() > main.len() {
            main = comp;
        }
    }
    WalkGraph { adj, main }
}

fn walk_graph() -> &'static WalkGraph {
    static G: OnceLock<WalkGraph> = OnceLock::new();
    G.get_or_init(|| undirected_graph(walkable))
}

/// Plain Dijkstra over the test's own graph (metres).
fn walk_dijkstra(g: &WalkGraph, from: i64) -> HashMap<i64, f64> {
    let mut dist = HashMap::from([(from, 0.0)]);
    let mut heap = BinaryHeap::from([(Reverse(0u64), from)]);
    while let Some((Reverse(dmm), v)) = heap.pop() {
        let d = dmm as f64 / 1000.0;
        if d > dist[&v] + 1e-3 {
            continue;
        }
        for &(w, m) in &g.adj[&v] {
            let nd = dist[&v] + m;
            if dist.get(&w).is_none_or(|&old| nd < old) {
                dist.insert(w, nd);
                heap.push((Reverse((nd * 1000.0) as u64), w));
            }
        }
    }
    dist
}

fn nearest_main_node(g: &WalkGraph, p: (f64, f64)) -> i64 {
    let nodes = &raw().nodes;
    *g.main
        .iter()
        .min_by(|a, b| {
            great_circle_m(nodes[a], p)
                .total_cmp(&great_circle_m(nodes[b], p))
                .then(a.cmp(b))
        })
        .unwrap()
}

/// Small deterministic generator (xorshift64*), so the test needs no `rand`.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Random origins near (within ~50 m of) random walkable nodes: spread like real addresses.
fn random_origins(count: usize, seed: u64) -> Vec<(f64, f64)> {
    let g = walk_graph();
    let mut ids: Vec<i64> = g.main.iter().copied().collect();
    ids.sort();
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let (lon, lat) = raw().nodes[&ids[(rng.next() % ids.len() as u64) as usize]];
            (
                lon + (rng.unit() - 0.5) * 0.0012,
                lat + (rng.unit() - 0.5) * 0.0008,
            )
        })
        .collect()
}

#[test]
fn all_modes_build_with_sensible_sizes() {
    let nets = networks();
    let [walk, cycle, car] = TravelMode::ALL.map(|m| nets.get(m).stats());
    for s in [&walk, &cycle, &car] {
        println!("{s}");
        assert!(s.nodes > 5_000 && s.segments > 5_000, "{s}");
        assert!(s.main_component_nodes as f64 > 0.9 * s.nodes as f64, "{s}");
        assert!(s.snappable_segments <= s.segments);
    }
    // Cars use a subset of the public network; cycling lacks footways and steps.
    assert!(car.km < cycle.km && cycle.km < walk.km);
    assert!(car.nodes < cycle.nodes && cycle.nodes < walk.nodes);

    // Independent totals from the test's own parse and rules.
    let raw = raw();
    let mut totals = [(HashSet::new(), 0.0f64), (HashSet::new(), 0.0f64)];
    for (_, refs, tags) in &raw.ways {
        for (k, ok) in [walkable(tags), driveable(tags)].into_iter().enumerate() {
            if !ok {
                continue;
            }
            for w in refs.windows(2) {
                if let (Some(&a), Some(&b)) = (raw.nodes.get(&w[0]), raw.nodes.get(&w[1])) {
                    if w[0] != w[1] {
                        totals[k].0.insert(w[0]);
                        totals[k].0.insert(w[1]);
                        totals[k].1 += great_circle_m(a, b) / 1000.0;
                    }
                }
            }
        }
    }
    for ((nodes, km), s) in totals.iter().zip([&walk, &car]) {
        let (n, k) = (nodes.len() as f64, *km);
        println!("independent {}: {n} nodes, {k:.1} km", s.mode);
        assert!(
            (s.nodes as f64 - n).abs() <= 0.01 * n,
            "{}: {} vs {n} nodes",
            s.mode,
            s.nodes
        );
        assert!(
            (s.km - k).abs() <= 0.01 * k,
            "{}: {} vs {k} km",
            s.mode,
            s.km
        );
    }

    // The single-mode constructor builds the same graph as the all-modes one.
    let car_only = Network::from_pbf(opendata(PBF), TravelMode::Car).unwrap();
    assert_eq!(car_only.stats(), car);
}

#[test]
fn walking_distances_match_an_independent_dijkstra() {
    let nets = networks();
    let walk = nets.get(TravelMode::Walk);
    let g = walk_graph();
    let coords = &raw().nodes;
    let anchors: Vec<i64> = PLACES
        .iter()
        .map(|&(_, lon, lat)| nearest_main_node(g, (lon, lat)))
        .collect();
    let mut compared = 0;
    for (i, &a) in anchors.iter().enumerate() {
        let reference = walk_dijkstra(g, a);
        for (j, &b) in anchors.iter().enumerate() {
            if i == j {
                continue;
            }
            let want = reference[&b];
            let got = walk.nearest_facility(&[coords[&a]], &[coords[&b]])[0]
                .unwrap_or_else(|| panic!("{} → {} unreachable", PLACES[i].0, PLACES[j].0));
            assert!(
                got.origin_snap_m < 0.5 && got.destination_snap_m < 0.5,
                "{got:?}"
            );
            println!(
                "{} → {}: library {:.1} m, reference {want:.1} m",
                PLACES[i].0, PLACES[j].0, got.metres
            );
            assert!(
                (got.metres - want).abs() <= 0.005 * want + 5.0,
                "{} → {}: {} vs {want}",
                PLACES[i].0,
                PLACES[j].0,
                got.metres
            );
            // Constant walking speed: minutes follow from metres.
            let mins = (got.metres + got.origin_snap_m + got.destination_snap_m)
                / (speeds::WALK_KMH / 3.6)
                / 60.0;
            assert!((got.minutes - mins).abs() < 1e-6 * mins.max(1.0));
            compared += 1;
        }
    }
    assert_eq!(compared, 30);
}

#[test]
fn network_distance_is_never_shorter_than_straight_line() {
    let nets = networks();
    let dests: Vec<(f64, f64)> = PLACES.iter().map(|&(_, lon, lat)| (lon, lat)).collect();
    let origins = random_origins(400, 0x5eed_0001);
    for (mode, net) in nets.iter() {
        let results = net.nearest_facility(&origins, &dests);
        let mut ok = 0;
        for (o, r) in origins.iter().zip(&results) {
            let Some(a) = r else { continue };
            ok += 1;
            let straight = great_circle_m(*o, dests[a.destination]);
            let travelled = a.metres + a.origin_snap_m + a.destination_snap_m;
            assert!(
                travelled >= straight * (1.0 - 1e-4) - 0.5,
                "{mode}: {o:?} {a:?} straight {straight}"
            );
            // Time can never beat the fastest speed of the mode.
            let fastest_kmh = match mode {
                TravelMode::Walk => speeds::WALK_KMH,
                TravelMode::Cycle => speeds::CYCLE_KMH,
                TravelMode::Car => 130.0,
            };
            assert!(
                a.minutes * 60.0 >= straight / (fastest_kmh / 3.6) - 1e-6,
                "{mode}: {a:?}"
            );
            if mode == TravelMode::Cycle {
                let want = a.metres / (speeds::CYCLE_KMH / 3.6)
                    + (a.origin_snap_m + a.destination_snap_m) / (speeds::WALK_KMH / 3.6);
                assert!(
                    (a.minutes * 60.0 - want).abs() < 1e-3 + 1e-5 * want,
                    "{a:?}"
                );
            }
        }
        println!("{mode}: {ok} of {} origins routed", origins.len());
        // Origins lie within ~50 m of a walkable path, so walking and cycling route nearly all;
        // Alpine hiking paths can be kilometres from a car road.
        let share = if mode == TravelMode::Car { 0.8 } else { 0.95 };
        assert!(
            ok as f64 >= share * origins.len() as f64,
            "{mode}: only {ok} routed"
        );
    }

    // Snapping never lands farther away than the nearest walkable node (a segment end).
    let g = walk_graph();
    let main_nodes: Vec<(f64, f64)> = g.main.iter().map(|id| raw().nodes[id]).collect();
    let nearest_node_m = |p: (f64, f64), nodes: &[(f64, f64)]| {
        nodes
            .iter()
            .map(|&q| great_circle_m(p, q))
            .fold(f64::INFINITY, f64::min)
    };
    for (o, r) in origins.iter().zip(
        nets.get(TravelMode::Walk)
            .nearest_facility(&origins, &dests),
    ) {
        let a = r.unwrap();
        assert!(
            a.origin_snap_m <= nearest_node_m(*o, &main_nodes) + 0.5,
            "{o:?} {a:?}"
        );
    }
    // Car failures are honest: nothing driveable within the 2 km snap limit.
    // (Nodes of the largest driveable component, direction ignored: a superset of the strongly
    // connected component the library snaps to.)
    let car_nodes: Vec<(f64, f64)> = undirected_graph(driveable)
        .main
        .iter()
        .map(|id| raw().nodes[id])
        .collect();
    let car = nets.get(TravelMode::Car);
    for (o, r) in origins
        .iter()
        .zip(car.nearest_facility_detailed(&origins, &dests))
    {
        match r {
            Ok(a) => assert!(a.origin_snap_m <= car.max_snap_m()),
            Err(Unreachable::NoNearbyRoad { nearest_m: Some(m) }) => {
                assert!(m > car.max_snap_m());
                assert!(
                    nearest_node_m(*o, &car_nodes) >= m - 1.0,
                    "{o:?}: a car road is nearer than {m}"
                );
            }
            Err(other) => panic!("{o:?}: {other:?}"),
        }
    }
}

#[test]
fn car_honours_one_way_streets_and_walking_does_not() {
    let nets = networks();
    let (car, walk) = (nets.get(TravelMode::Car), nets.get(TravelMode::Walk));
    let raw = raw();
    let mut checked = 0;
    'ways: for (id, refs, tags) in &raw.ways {
        if !(driveable(tags) && is(tags, "oneway", &["yes"]) && walkable(tags)) {
            continue;
        }
        for w in refs.windows(2) {
            let (Some(&a), Some(&b)) = (raw.nodes.get(&w[0]), raw.nodes.get(&w[1])) else {
                continue;
            };
            let len = great_circle_m(a, b);
            if len < 40.0 {
                continue;
            }
            let (Some(fwd), Some(back)) = (
                car.nearest_facility(&[a], &[b])[0],
                car.nearest_facility(&[b], &[a])[0],
            ) else {
                continue; // not in the main strongly connected component
            };
            if fwd.origin_snap_m > 0.5 || back.origin_snap_m > 0.5 {
                continue;
            }
            println!(
                "way {id}: {len:.1} m; car with the flow {:.1} m, against {:.1} m",
                fwd.metres, back.metres
            );
            assert!((fwd.metres - len).abs() < 1.0, "way {id}: {fwd:?} vs {len}");
            assert!(
                back.metres > fwd.metres + 10.0,
                "way {id}: one-way ignored: {back:?}"
            );
            assert!(back.minutes > fwd.minutes);
            // Pedestrians may walk against the flow.
            for (o, d) in [(a, b), (b, a)] {
                let on_foot = walk.nearest_facility(&[o], &[d])[0].unwrap();
                assert!(
                    (on_foot.metres - len).abs() < 1.0,
                    "way {id}: walk {on_foot:?}"
                );
            }
            checked += 1;
            continue 'ways; // one segment per way
        }
    }
    // The 2013 extract has a handful of qualifying one-way streets; all of them were checked.
    assert!(checked >= 8, "only {checked} one-way streets found");
}

#[test]
fn far_away_points_and_islands_never_get_a_time() {
    let nets = networks();
    let vaduz = (PLACES[0].1, PLACES[0].2);
    // ~50 km east of Malbun (Tyrol), and the middle of Lake Constance (~35 km north).
    for far in [(10.25, 47.15), (9.45, 47.58)] {
        for (mode, net) in nets.iter() {
            let r = net.nearest_facility_detailed(&[far], &[vaduz]);
            match r[0] {
                Err(Unreachable::NoNearbyRoad { nearest_m: Some(m) }) => {
                    assert!(m > 20_000.0, "{mode}: {m}")
                }
                other => panic!("{mode}: {far:?} gave {other:?}"),
            }
            assert_eq!(net.nearest_facility(&[far], &[vaduz]), vec![None]);
            // As a destination it cannot be snapped either.
            assert_eq!(
                net.nearest_facility_detailed(&[vaduz], &[far])[0],
                Err(Unreachable::NoDestination)
            );
        }
    }

    // Nodes of small walking islands (not connected to the main network in the test's own
    // graph) must snap onto main-network segments instead.
    let g = walk_graph();
    let walk = nets.get(TravelMode::Walk);
    let key = |p: (f64, f64)| ((p.0 * 1e7).round() as i64, (p.1 * 1e7).round() as i64);
    let main_coords: HashSet<(i64, i64)> = g.main.iter().map(|id| key(raw().nodes[id])).collect();
    let mut islands: Vec<i64> = g
        .adj
        .keys()
        .filter(|id| !g.main.contains(id))
        .copied()
        .collect();
    islands.sort();
    let mut tested = 0;
    for id in islands {
        let p = raw().nodes[&id];
        if main_coords.contains(&key(p)) {
            continue; // shares a location with the main network
        }
        let Some(snap) = walk.snap(p.0, p.1) else {
            continue;
        };
        let seg = walk.segment(snap.segment);
        for end in [seg.from, seg.to] {
            assert!(
                main_coords.contains(&key(walk.node_lon_lat(end))),
                "island node {id} snapped onto an island"
            );
        }
        assert!(snap.distance_m > 0.0);
        tested += 1;
    }
    assert!(tested >= 10, "only {tested} island nodes found");
}

#[test]
fn detour_ratios_are_plausible() {
    let nets = networks();
    let dests: Vec<(f64, f64)> = PLACES.iter().map(|&(_, lon, lat)| (lon, lat)).collect();
    let origins = random_origins(500, 0x5eed_0002);
    for (mode, net) in nets.iter() {
        let mut ratios: Vec<f64> = origins
            .iter()
            .zip(net.nearest_facility(&origins, &dests))
            .filter_map(|(o, r)| {
                let a = r?;
                let straight = great_circle_m(*o, dests[a.destination]);
                (straight > 1_000.0)
                    .then(|| (a.metres + a.origin_snap_m + a.destination_snap_m) / straight)
            })
            .collect();
        ratios.sort_by(f64::total_cmp);
        let q = |p: f64| ratios[((ratios.len() - 1) as f64 * p) as usize];
        println!(
            "{mode}: {} ratios, min {:.2} median {:.2} p95 {:.2} max {:.2}",
            ratios.len(),
            q(0.0),
            q(0.5),
            q(0.95),
            q(1.0)
        );
        assert!(ratios.len() > 200, "{mode}");
        assert!(q(0.0) >= 1.0);
        // Road circuity is typically 1.2–1.4; Alpine hairpins push the tail up.
        assert!((1.1..=1.8).contains(&q(0.5)), "{mode}: median {}", q(0.5));
        assert!(q(0.95) < 3.5, "{mode}: p95 {}", q(0.95));
    }
}

#[test]
fn csv_round_trip_through_the_cli_helpers() {
    let dir = std::env::temp_dir().join(format!("needsmap-travel-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (o_path, d_path) = (dir.join("origins.csv"), dir.join("gps.csv"));
    std::fs::write(
        &o_path,
        "id,lon,lat\nSchaan,9.5095,47.1650\nTyrol,10.25,47.15\nMalbun,9.6100,47.1020\n",
    )
    .unwrap();
    std::fs::write(
        &d_path,
        "lat,lon,id\n47.1410,9.5215,GP-Vaduz\n47.2110,9.5230,GP-Eschen\n",
    )
    .unwrap();
    let origins = read_points_csv(&o_path).unwrap();
    let dests = read_points_csv(&d_path).unwrap();
    let car = networks().get(TravelMode::Car);
    let o: Vec<_> = origins.iter().map(|p| p.lon_lat()).collect();
    let d: Vec<_> = dests.iter().map(|p| p.lon_lat()).collect();
    let results = car.nearest_facility_detailed(&o, &d);
    let mut out = Vec::new();
    write_travel_csv(&mut out, &origins, &dests, &results).unwrap();
    let text = String::from_utf8(out).unwrap();
    println!("{text}");
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0],
        [
            "origin_id",
            "destination_id",
            "minutes",
            "metres",
            "origin_snap_m",
            "destination_snap_m",
            "status"
        ]
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(
        (rows[1][0], rows[1][1], rows[1][6]),
        ("Schaan", "GP-Vaduz", "ok")
    );
    assert_eq!(rows[2], ["Tyrol", "", "", "", "", "", "no_nearby_road"]);
    assert_eq!(
        (rows[3][0], rows[3][1], rows[3][6]),
        ("Malbun", "GP-Vaduz", "ok")
    );
    let minutes: f64 = rows[3][2].parse().unwrap();
    // Malbun is ~8 km from Vaduz as the crow flies, up a mountain road: 10–30 minutes by car.
    assert!((10.0..30.0).contains(&minutes), "{minutes}");
}
