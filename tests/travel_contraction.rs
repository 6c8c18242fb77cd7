//! The contracted graph against the plain one (one edge per OSM segment) on a real extract
//! (Liechtenstein, 2013): same statistics, same one-to-all times, same door-to-door answers.

use std::path::PathBuf;

use needsmap::travel::{read_pbf, Networks, TravelError, TravelMode};

mod common;

const PBF: &str = "osm/liechtenstein-2013-08-03.osm.pbf";

fn pbf() -> PathBuf {
    common::by_file(PBF)
}

/// Small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn both() -> (Networks, Networks) {
    let builder = read_pbf(pbf()).expect("read pbf");
    let name = pbf().display().to_string();
    let small = builder.clone().build(&name).expect("contracted");
    let plain = builder.contract(false).build(&name).expect("plain");
    (small, plain)
}

#[test]
fn contracted_graph_answers_like_the_plain_graph_on_liechtenstein() {
    let (small, plain) = both();
    let mut rng = Rng(0x1ec7_0001);
    let origins: Vec<(f64, f64)> = (0..300)
        .map(|_| (9.48 + rng.unit() * 0.08, 47.05 + rng.unit() * 0.18))
        .collect();
    let dests: Vec<(f64, f64)> = (0..8)
        .map(|_| (9.48 + rng.unit() * 0.08, 47.05 + rng.unit() * 0.18))
        .collect();
    for mode in TravelMode::ALL {
        let (s, p) = (small.get(mode), plain.get(mode));
        let (ss, ps) = (s.stats(), p.stats());
        println!(
            "{ss}\ncontracted {:?}, plain {:?}",
            s.contracted(),
            p.contracted()
        );
        assert_eq!(
            (ss.nodes, ss.segments, ss.edges, ss.km),
            (ps.nodes, ps.segments, ps.edges, ps.km)
        );
        assert_eq!(
            (
                ss.weak_components,
                ss.strong_components,
                ss.main_component_nodes
            ),
            (
                ps.weak_components,
                ps.strong_components,
                ps.main_component_nodes
            )
        );
        assert_eq!(ss.snappable_segments, ps.snappable_segments);
        // Real networks are mostly chains: far fewer edges to search.
        assert!(
            (s.contracted().chains as f64) < 0.7 * p.contracted().chains as f64,
            "{mode}: {:?} vs {:?}",
            s.contracted(),
            p.contracted()
        );

        let (a, b) = (
            s.nearest_facility_detailed(&origins, &dests),
            p.nearest_facility_detailed(&origins, &dests),
        );
        let mut routed = 0;
        for (x, y) in a.iter().zip(&b) {
            match (x, y) {
                (Ok(x), Ok(y)) => {
                    assert!((x.metres - y.metres).abs() <= 0.1, "{mode}: {x:?} vs {y:?}");
                    assert!(
                        (x.minutes - y.minutes).abs() <= 1e-6 * y.minutes.max(1.0),
                        "{mode}: {x:?} vs {y:?}"
                    );
                    assert!((x.origin_snap_m - y.origin_snap_m).abs() < 1e-6);
                    routed += 1;
                }
                (Err(x), Err(y)) => assert_eq!(x.status(), y.status()),
                other => panic!("{mode}: {other:?}"),
            }
        }
        assert!(routed > 150, "{mode}: only {routed} routed");

        // One-to-all from a spread of nodes: every node, interior ones included.
        let n = s.node_count();
        assert_eq!(n, p.node_count());
        for k in 0..4 {
            let from = ((k * 7919 + 13) % n) as u32;
            let (x, y) = (s.one_to_all(from), p.one_to_all(from));
            let mut reached = 0;
            for v in 0..n {
                let ok = (x[v].is_infinite() && y[v].is_infinite())
                    || (x[v] - y[v]).abs() <= 1e-3 + 1e-6 * y[v];
                assert!(ok, "{mode}: {from} → {v}: {} vs {}", x[v], y[v]);
                reached += x[v].is_finite() as usize;
            }
            println!("{mode}: one-to-all from node {from} reaches {reached} of {n} nodes");
        }
    }
}

#[test]
fn a_network_far_from_the_region_is_refused_naming_mode_and_extent() {
    let (small, _) = both();
    // Gloucestershire LSOA-like points: hundreds of kilometres from Liechtenstein.
    let points = [(-2.24, 51.86), (-2.08, 51.90), (-2.5, 51.75)];
    let err = small
        .check_covers("liechtenstein.osm.pbf", &points, "LSOA centroids")
        .unwrap_err();
    let msg = err.to_string();
    println!("{msg}");
    assert!(matches!(err, TravelError::ExtentMisses { .. }));
    assert!(
        msg.contains("walk") && msg.contains("liechtenstein.osm.pbf"),
        "{msg}"
    );
    assert!(msg.contains("lon 9.") && msg.contains("lat 47."), "{msg}");
    // Points inside the extract pass.
    small
        .check_covers("liechtenstein.osm.pbf", &[(9.5215, 47.1410)], "towns")
        .unwrap();
}
