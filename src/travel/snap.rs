//! Putting arbitrary points (LSOA centroids, GP sites) onto the network.
//!
//! Points are projected onto the nearest *segment*, not the nearest node: on a rural lane with
//! nodes 500 m apart, nearest-node snapping could add minutes that are not there. Only segments
//! of the mode's largest strongly connected component are candidates, so a point next to a
//! private car park or a one-way fragment can never be trapped there and get a bogus time.
//!
//! The index is a uniform grid of cells listing the *chains* (contracted edges) passing through
//! them, shared by the three modes: about one 4-byte entry per chain and per cell it crosses,
//! much less than an R-tree of every segment per mode. A query scans rings of cells around the
//! point and stops once no unscanned cell can hold anything nearer.
//!
//! The grid lives in a local equirectangular projection (metres, scaled by the cosine of the
//! network's central latitude). Over a county this is accurate to well under 1%; over England
//! the east–west scale drifts by a few percent at the far north/south, which can only change
//! which of two almost equally near roads is chosen. The reported snap distance is always the
//! haversine distance to the snapped position.

use super::graph::{bit, from_e7, Network, SegmentId, Topology};
use super::haversine_m;
use super::route::Unreachable;
use super::EARTH_RADIUS_M;
use rayon::prelude::*;

/// Where a point lands on the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The segment the point was projected onto (see [`Network::segment`]).
    pub segment: SegmentId,
    /// Position along the segment from its `from` node (0) to its `to` node (1).
    pub fraction: f64,
    /// Haversine distance from the point to the snapped position, metres.
    pub distance_m: f64,
    /// The snapped position.
    pub lon: f64,
    pub lat: f64,
}

/// Affine lon/lat ↔ local metres around a reference point.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LocalProjection {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl LocalProjection {
    pub(crate) fn around(lon0: f64, lat0: f64) -> LocalProjection {
        let m_per_deg_lat = EARTH_RADIUS_M.to_radians();
        LocalProjection {
            lon0,
            lat0,
            m_per_deg_lat,
            m_per_deg_lon: m_per_deg_lat * lat0.to_radians().cos(),
        }
    }

    #[inline]
    pub(crate) fn forward(&self, lon: f64, lat: f64) -> [f64; 2] {
        [
            (lon - self.lon0) * self.m_per_deg_lon,
            (lat - self.lat0) * self.m_per_deg_lat,
        ]
    }

    fn inverse(&self, p: [f64; 2]) -> (f64, f64) {
        (
            self.lon0 + p[0] / self.m_per_deg_lon,
            self.lat0 + p[1] / self.m_per_deg_lat,
        )
    }
}

/// Uniform grid over the projected extent: `cells[cell_start[i]..cell_start[i + 1]]` are the
/// chains with a sample point in cell `i` (samples at most one cell apart along every segment).
#[derive(Debug, Clone, Default)]
pub(crate) struct SnapGrid {
    projection: LocalProjection,
    x0: f64,
    y0: f64,
    cell_m: f64,
    nx: i64,
    ny: i64,
    cell_start: Vec<u32>,
    cells: Vec<u32>,
}

impl SnapGrid {
    pub fn bytes(&self) -> usize {
        (self.cell_start.len() + self.cells.len()) * 4
    }

    pub fn build(topo: &Topology) -> SnapGrid {
        let Some([w, s, e, n]) = super::graph::extent_of(&topo.lon, &topo.lat) else {
            return SnapGrid::default();
        };
        let projection = LocalProjection::around((w + e) / 2.0, (s + n) / 2.0);
        let [x0, y0] = projection.forward(w, s);
        let [x1, y1] = projection.forward(e, n);
        let area = ((x1 - x0).max(1.0)) * ((y1 - y0).max(1.0));
        let target_cells = (topo.piece_count() / 4).clamp(1, 1 << 26) as f64;
        let cell_m = (area / target_cells).sqrt().clamp(25.0, 50_000.0);
        let nx = (((x1 - x0) / cell_m).floor() as i64 + 1).max(1);
        let ny = (((y1 - y0) / cell_m).floor() as i64 + 1).max(1);
        let mut grid = SnapGrid {
            projection,
            x0,
            y0,
            cell_m,
            nx,
            ny,
            cell_start: vec![0; (nx * ny) as usize + 1],
            cells: Vec::new(),
        };
        // The cells of every chain are worked out once, in parallel over blocks of chains
        // (projection, sampling, sort and dedup are the cost); then one counting pass and one
        // fill in chain order, so each cell lists its chains in increasing order as before.
        const BLOCK: usize = 1 << 14;
        let cn = topo.chain_count();
        let blocks: Vec<(Vec<u32>, Vec<u32>)> = (0..cn.div_ceil(BLOCK))
            .into_par_iter()
            .map(|b| {
                let chains = b * BLOCK..((b + 1) * BLOCK).min(cn);
                let (mut cells, mut ends) = (Vec::new(), Vec::with_capacity(chains.len()));
                let mut scratch: Vec<u32> = Vec::new();
                for c in chains {
                    grid.chain_cells(topo, c, &mut scratch);
                    cells.extend_from_slice(&scratch);
                    ends.push(cells.len() as u32);
                }
                (cells, ends)
            })
            .collect();
        for (cells, _) in &blocks {
            for &cell in cells {
                grid.cell_start[cell as usize + 1] += 1;
            }
        }
        for i in 0..(nx * ny) as usize {
            grid.cell_start[i + 1] += grid.cell_start[i];
        }
        let mut next = grid.cell_start.clone();
        grid.cells = vec![0; *grid.cell_start.last().unwrap_or(&0) as usize];
        for (b, (cells, ends)) in blocks.iter().enumerate() {
            let mut start = 0usize;
            for (i, &end) in ends.iter().enumerate() {
                let c = (b * BLOCK + i) as u32;
                for &cell in &cells[start..end as usize] {
                    grid.cells[next[cell as usize] as usize] = c;
                    next[cell as usize] += 1;
                }
                start = end as usize;
            }
        }
        grid
    }

    #[inline]
    fn project(&self, topo: &Topology, v: u32) -> [f64; 2] {
        self.projection
            .forward(from_e7(topo.lon[v as usize]), from_e7(topo.lat[v as usize]))
    }

    fn cell_of(&self, p: [f64; 2]) -> (i64, i64) {
        (
            ((p[0] - self.x0) / self.cell_m).floor() as i64,
            ((p[1] - self.y0) / self.cell_m).floor() as i64,
        )
    }

    /// Cells holding a sample of chain `c` (every node, and points at most one cell apart in
    /// between), sorted and deduplicated.
    fn chain_cells(&self, topo: &Topology, c: usize, out: &mut Vec<u32>) {
        out.clear();
        let n = topo.pieces_of(c);
        let mut a = self.project(topo, topo.chain_point(c, 0));
        let push = |p: [f64; 2], out: &mut Vec<u32>| {
            let (i, j) = self.cell_of(p);
            let (i, j) = (i.clamp(0, self.nx - 1), j.clamp(0, self.ny - 1));
            out.push((j * self.nx + i) as u32);
        };
        push(a, out);
        for k in 1..=n {
            let b = self.project(topo, topo.chain_point(c, k));
            let len = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
            let steps = (len / self.cell_m).ceil() as usize;
            for s in 1..steps {
                let t = s as f64 / steps as f64;
                push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], out);
            }
            push(b, out);
            a = b;
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Nearest segment of a chain for which `keep` holds: `(squared metres, segment, fraction,
    /// projected point)`.
    fn nearest(
        &self,
        topo: &Topology,
        p: [f64; 2],
        keep: impl Fn(usize) -> bool,
    ) -> Option<(f64, usize, f64, [f64; 2])> {
        if self.cell_start.len() < 2 {
            return None;
        }
        let (cx, cy) = self.cell_of(p);
        let outside = |v: i64, n: i64| if v < 0 { -v } else { (v - (n - 1)).max(0) };
        let r0 = outside(cx, self.nx).max(outside(cy, self.ny));
        let mut best: Option<(f64, usize, f64, [f64; 2])> = None;
        let visit = |cell: usize, best: &mut Option<(f64, usize, f64, [f64; 2])>| {
            let range = self.cell_start[cell] as usize..self.cell_start[cell + 1] as usize;
            for &c in &self.cells[range] {
                let c = c as usize;
                if !keep(c) {
                    continue;
                }
                let first = topo.piece_start(c);
                let mut a = self.project(topo, topo.chain_point(c, 0));
                for k in 0..topo.pieces_of(c) {
                    let b = self.project(topo, topo.chain_point(c, k + 1));
                    let d = [b[0] - a[0], b[1] - a[1]];
                    let len2 = d[0] * d[0] + d[1] * d[1];
                    let t = if len2 > 0.0 {
                        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let q = [a[0] + t * d[0], a[1] + t * d[1]];
                    let dist2 = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
                    let seg = first + k;
                    if best.is_none_or(|(bd, bs, ..)| dist2 < bd || (dist2 == bd && seg < bs)) {
                        *best = Some((dist2, seg, t, q));
                    }
                    a = b;
                }
            }
        };
        let mut r = r0;
        loop {
            let (jlo, jhi) = ((cy - r).max(0), (cy + r).min(self.ny - 1));
            for j in jlo..=jhi {
                let row = (j * self.nx) as usize;
                if (j - cy).abs() == r {
                    for i in (cx - r).max(0)..=(cx + r).min(self.nx - 1) {
                        visit(row + i as usize, &mut best);
                    }
                } else {
                    for i in [cx - r, cx + r] {
                        if (0..self.nx).contains(&i) {
                            visit(row + i as usize, &mut best);
                        }
                    }
                }
            }
            // Every segment has a sample within half a cell of each of its points, so after
            // ring r anything unscanned is at least (r - 1) cells away.
            if let Some((d2, ..)) = best {
                if d2.sqrt() <= (r - 1) as f64 * self.cell_m {
                    break;
                }
            }
            let covers =
                cx - r <= 0 && cy - r <= 0 && cx + r >= self.nx - 1 && cy + r >= self.ny - 1;
            if covers {
                break;
            }
            r += 1;
        }
        best
    }
}

impl Network {
    /// Snap `(lon, lat)` onto the nearest segment of the main component, or `None` if the point
    /// is invalid or farther than [`Network::max_snap_m`] from it.
    pub fn snap(&self, lon: f64, lat: f64) -> Option<Snap> {
        self.try_snap(lon, lat).ok()
    }

    /// Like [`Network::snap`], but says why a point could not be snapped.
    pub fn try_snap(&self, lon: f64, lat: f64) -> Result<Snap, Unreachable> {
        if !(lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat))
        {
            return Err(Unreachable::InvalidCoordinate);
        }
        let topo = &self.topo;
        let grid = &topo.grid;
        let p = grid.projection.forward(lon, lat);
        let Some((_, segment, fraction, q)) = grid.nearest(topo, p, |c| bit(&self.snappable, c))
        else {
            return Err(Unreachable::NoNearbyRoad { nearest_m: None });
        };
        let (slon, slat) = grid.projection.inverse(q);
        let distance_m = haversine_m(lon, lat, slon, slat);
        if distance_m > self.max_snap_m() {
            return Err(Unreachable::NoNearbyRoad {
                nearest_m: Some(distance_m),
            });
        }
        Ok(Snap {
            segment: segment as SegmentId,
            fraction,
            distance_m,
            lon: slon,
            lat: slat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::{NetworkBuilder, NodeId};
    use super::super::TravelMode;
    use super::*;
    use proptest::prelude::*;

    /// Brute-force nearest distance (projected point-to-segment, then haversine) over ALL
    /// main-component segments; an independent path from the grid query.
    fn brute_force_nearest_m(net: &Network, lon: f64, lat: f64) -> Option<f64> {
        let proj = LocalProjection::around(lon, lat); // centred on the query: a different frame
        (0..net.segment_count() as SegmentId)
            .filter(|&s| {
                let seg = net.segment(s);
                net.in_main_component(seg.from) && net.in_main_component(seg.to)
            })
            .map(|s| {
                let seg = net.segment(s);
                let (alon, alat) = net.node_lon_lat(seg.from);
                let (blon, blat) = net.node_lon_lat(seg.to);
                let (a, b) = (proj.forward(alon, alat), proj.forward(blon, blat));
                let d = [b[0] - a[0], b[1] - a[1]];
                let len2 = d[0] * d[0] + d[1] * d[1];
                let t = if len2 == 0.0 {
                    0.0
                } else {
                    ((-a[0]) * d[0] + (-a[1]) * d[1]) / len2
                };
                let t = t.clamp(0.0, 1.0);
                let (x, y) = (a[0] + t * d[0], a[1] + t * d[1]);
                (x * x + y * y).sqrt()
            })
            .min_by(|a, b| a.total_cmp(b))
    }

    #[test]
    fn snaps_onto_segment_interior_with_fraction() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let x = b.add_node(0.0, 0.0);
        let y = b.add_node(0.01, 0.0);
        b.add_way_segment(x, y, true, true, 5.0);
        let net = b.build().unwrap();
        // 0.0025° east, ~55.6 m north of the road.
        let s = net.snap(0.0025, 0.0005).unwrap();
        assert_eq!(s.segment, 0);
        assert!((s.fraction - 0.25).abs() < 1e-9, "{}", s.fraction);
        assert!((s.distance_m - 55.6).abs() < 0.1, "{}", s.distance_m);
        assert!(s.lat.abs() < 1e-12 && (s.lon - 0.0025).abs() < 1e-12);
        // Beyond the end the fraction clamps to 1.
        assert_eq!(net.snap(0.0101, 0.0).unwrap().fraction, 1.0);
    }

    #[test]
    fn far_points_and_invalid_points_are_refused_with_a_reason() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let x = b.add_node(0.0, 0.0);
        let y = b.add_node(0.01, 0.0);
        b.add_way_segment(x, y, true, true, 5.0);
        let mut net = b.build().unwrap();
        // 0.05° of latitude is ~5.6 km, beyond the 2 km default.
        match net.try_snap(0.005, 0.05) {
            Err(Unreachable::NoNearbyRoad { nearest_m: Some(m) }) => {
                assert!((m - 5560.0).abs() < 5.0, "{m}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            net.try_snap(f64::NAN, 0.0),
            Err(Unreachable::InvalidCoordinate)
        );
        assert_eq!(
            net.try_snap(200.0, 0.0),
            Err(Unreachable::InvalidCoordinate)
        );
        net.set_max_snap_m(6000.0);
        assert!(net.snap(0.005, 0.05).is_some());
        net.set_max_snap_m(10.0);
        assert!(net.snap(0.005, 0.001).is_none());
    }

    #[test]
    fn islands_are_never_snapped_to() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        // Main component: a 3-segment line. Island: one segment right next to the query point.
        let m: Vec<_> = (0..4).map(|i| b.add_node(i as f64 * 0.001, 0.0)).collect();
        for w in m.windows(2) {
            b.add_way_segment(w[0], w[1], true, true, 5.0);
        }
        let i1 = b.add_node(0.0, 0.005);
        let i2 = b.add_node(0.001, 0.005);
        b.add_way_segment(i1, i2, true, true, 5.0);
        let net = b.build().unwrap();
        let s = net.snap(0.0005, 0.0049).unwrap();
        assert!(s.segment < 3, "snapped onto the island");
        assert!(s.distance_m > 500.0);
    }

    #[test]
    fn one_way_fragment_is_not_snappable() {
        // Car: a two-way loop plus a one-way spur leading out of it (a dead end one can enter
        // but not leave). A point beside the spur must snap to the loop.
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let a = b.add_node(0.0, 0.0);
        let c = b.add_node(0.001, 0.0);
        let d = b.add_node(0.002, 0.0);
        let e = b.add_node(0.003, 0.0);
        b.add_way_segment(a, c, true, true, 30.0);
        b.add_way_segment(c, d, true, false, 30.0);
        b.add_way_segment(d, e, true, false, 30.0);
        let net = b.build().unwrap();
        let s = net.snap(0.0025, 0.0).unwrap();
        assert_eq!(s.segment, 0);
        assert_eq!(s.fraction, 1.0);
    }

    proptest! {
        #[test]
        fn rtree_snap_matches_brute_force(
            coords in prop::collection::vec((0.0f64..0.05, 51.0f64..51.05), 2..25),
            pairs in prop::collection::vec((0usize..25, 0usize..25, any::<bool>()), 1..40),
            queries in prop::collection::vec((-0.01f64..0.06, 50.99f64..51.06), 1..10),
        ) {
            let mut b = NetworkBuilder::new(TravelMode::Walk);
            for &(lon, lat) in &coords { b.add_node(lon, lat); }
            let n = coords.len();
            for &(i, j, oneway) in &pairs {
                b.add_way_segment((i % n) as NodeId, (j % n) as NodeId, true, !oneway, 5.0);
            }
            let mut net = b.build().unwrap();
            net.set_max_snap_m(f64::INFINITY);
            for &(lon, lat) in &queries {
                let got = net.snap(lon, lat).map(|s| s.distance_m);
                let want = brute_force_nearest_m(&net, lon, lat);
                match (got, want) {
                    (Some(g), Some(w)) => prop_assert!((g - w).abs() <= 0.5 + 0.005 * w, "{} vs {}", g, w),
                    (None, None) => {}
                    other => prop_assert!(false, "{:?}", other),
                }
                if let Some(s) = net.snap(lon, lat) {
                    let seg = net.segment(s.segment);
                    prop_assert!(net.in_main_component(seg.from) && net.in_main_component(seg.to));
                    prop_assert!((0.0..=1.0).contains(&s.fraction));
                }
            }
        }

        /// Chains of degree-2 nodes (a path through every node, then random extra links):
        /// the contracted and the plain graph snap every query to the same place.
        #[test]
        fn contracted_and_plain_graphs_snap_alike(
            coords in prop::collection::vec((0.0f64..0.05, 51.0f64..51.05), 3..30),
            extra in prop::collection::vec((0usize..30, 0usize..30), 0..4),
            queries in prop::collection::vec((-0.01f64..0.06, 50.99f64..51.06), 1..10),
        ) {
            let build = |contract: bool| {
                let mut b = NetworkBuilder::new(TravelMode::Walk).contract(contract);
                for &(lon, lat) in &coords { b.add_node(lon, lat); }
                let n = coords.len();
                for i in 1..n { b.add_way_segment((i - 1) as NodeId, i as NodeId, true, true, 5.0); }
                for &(i, j) in &extra { b.add_way_segment((i % n) as NodeId, (j % n) as NodeId, true, true, 5.0); }
                b.build().unwrap().with_max_snap_m(f64::INFINITY)
            };
            let (small, plain) = (build(true), build(false));
            prop_assert!(small.contracted().chains <= plain.contracted().chains);
            for &(lon, lat) in &queries {
                let (a, b) = (small.snap(lon, lat).unwrap(), plain.snap(lon, lat).unwrap());
                prop_assert!((a.distance_m - b.distance_m).abs() < 1e-6, "{:?} vs {:?}", a, b);
                prop_assert!((a.lon - b.lon).abs() < 1e-9 && (a.lat - b.lat).abs() < 1e-9);
            }
        }
    }
}
