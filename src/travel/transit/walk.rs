//! Walking times between snapped points on a walk [`Network`], through the representation-
//! independent [`Network::one_to_many`] (CONTRACTS.md §D). Searches start part-way along the
//! origin's segment and end part-way along each target's; a partial move in a direction the
//! segment forbids is not allowed, except a zero-length one. Snap legs (point → road) are *not*
//! included: callers add them at their own walking speed. The test checks the call against a
//! Floyd–Warshall brute force on random graphs.

use crate::travel::{Network, Snap};

/// Seconds (at the network's own speed) from `from` to each of `to`, or `None` when a target is
/// farther than `max_seconds` or cannot be reached. Snap legs excluded. Delegates to
/// [`Network::one_to_many`] (CONTRACTS.md §D), so it follows the graph's representation.
pub fn one_to_many(net: &Network, from: &Snap, to: &[Snap], max_seconds: f64) -> Vec<Option<f64>> {
    net.one_to_many(from, to, max_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::travel::NodeId;

    fn partial(fraction: f64, full_s: Option<f64>) -> Option<f64> {
        if fraction <= 0.0 {
            Some(0.0)
        } else {
            full_s.map(|s| fraction * s)
        }
    }
    use crate::travel::{speeds, NetworkBuilder, TravelMode};
    use proptest::prelude::*;

    /// Brute force: Floyd–Warshall over the nodes plus the two snapped points as extra nodes.
    fn brute(net: &Network, from: &Snap, to: &Snap) -> Option<f64> {
        let n = net.node_count();
        let (a, b) = (n, n + 1); // from, to
        let m = n + 2;
        let mut d = vec![vec![f64::INFINITY; m]; m];
        for (i, row) in d.iter_mut().enumerate() {
            row[i] = 0.0;
        }
        for v in 0..n as NodeId {
            for (w, c, _) in net.out_edges(v) {
                let x = &mut d[v as usize][w as usize];
                *x = x.min(c);
            }
        }
        let attach = |d: &mut Vec<Vec<f64>>, p: &Snap, x: usize, outgoing: bool| {
            let seg = net.segment(p.segment);
            let f = p.fraction;
            if outgoing {
                if let Some(c) = partial(f, seg.backward_s) {
                    d[x][seg.from as usize] = d[x][seg.from as usize].min(c);
                }
                if let Some(c) = partial(1.0 - f, seg.forward_s) {
                    d[x][seg.to as usize] = d[x][seg.to as usize].min(c);
                }
            } else {
                if let Some(c) = partial(f, seg.forward_s) {
                    d[seg.from as usize][x] = d[seg.from as usize][x].min(c);
                }
                if let Some(c) = partial(1.0 - f, seg.backward_s) {
                    d[seg.to as usize][x] = d[seg.to as usize][x].min(c);
                }
            }
        };
        attach(&mut d, from, a, true);
        attach(&mut d, to, b, false);
        if from.segment == to.segment {
            let seg = net.segment(from.segment);
            let c = if to.fraction >= from.fraction {
                partial(to.fraction - from.fraction, seg.forward_s)
            } else {
                partial(from.fraction - to.fraction, seg.backward_s)
            };
            if let Some(c) = c {
                d[a][b] = d[a][b].min(c);
            }
        }
        for k in 0..m {
            for i in 0..m {
                for j in 0..m {
                    if d[i][k] + d[k][j] < d[i][j] {
                        d[i][j] = d[i][k] + d[k][j];
                    }
                }
            }
        }
        d[a][b].is_finite().then_some(d[a][b])
    }

    #[test]
    fn straight_line_times() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let ns: Vec<_> = (0..4).map(|i| b.add_node(i as f64 * 0.001, 0.0)).collect();
        for w in ns.windows(2) {
            b.add_way_segment(w[0], w[1], true, true, speeds::WALK_KMH);
        }
        let net = b.build().unwrap();
        let from = net.snap(0.00025, 0.0).unwrap();
        let to = [
            net.snap(0.0025, 0.0).unwrap(),
            net.snap(0.0005, 0.0).unwrap(),
        ];
        let seg_s = 111.195 / speeds::mps(speeds::WALK_KMH);
        let got = one_to_many(&net, &from, &to, 1e9);
        assert!((got[0].unwrap() - 2.25 * seg_s).abs() < 0.05, "{got:?}");
        assert!((got[1].unwrap() - 0.25 * seg_s).abs() < 0.05, "{got:?}");
        // A bound below the time hides the far target only.
        let got = one_to_many(&net, &from, &to, seg_s);
        assert!(got[0].is_none() && got[1].is_some());
    }

    proptest! {
        #[test]
        fn matches_floyd_warshall(
            coords in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 2..12),
            pairs in prop::collection::vec((0usize..12, 0usize..12, any::<bool>()), 1..25),
            pts in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 2..6),
        ) {
            let mut b = NetworkBuilder::new(TravelMode::Walk);
            for &(x, y) in &coords { b.add_node(x, y); }
            let n = coords.len();
            for &(i, j, oneway) in &pairs {
                b.add_way_segment((i % n) as NodeId, (j % n) as NodeId, true, !oneway, 5.0);
            }
            let mut net = b.build().unwrap();
            net.set_max_snap_m(f64::INFINITY);
            let snaps: Vec<Snap> = pts.iter().filter_map(|&(x, y)| net.snap(x, y)).collect();
            prop_assume!(snaps.len() >= 2);
            let got = one_to_many(&net, &snaps[0], &snaps[1..], f64::INFINITY);
            for (t, g) in snaps[1..].iter().zip(got) {
                let want = brute(&net, &snaps[0], t);
                match (g, want) {
                    (Some(g), Some(w)) => prop_assert!((g - w).abs() < 1e-6 * w.max(1.0), "{} vs {}", g, w),
                    (None, None) => {}
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }
}
