//! The routable graph of one mode: node coordinates, undirected way *segments* (the unit of
//! snapping) and two CSR adjacency arrays (forward for one-to-all searches, reversed for the
//! multi-source "nearest facility" search). Costs are stored as `f32` to halve memory on
//! national networks; searches accumulate in `f64`.

use std::fmt;

use super::snap::SnapIndex;
use super::{haversine_m, speeds, TravelError, TravelMode};

/// Index of a graph node (a way node used by this mode).
pub type NodeId = u32;
/// Index of a segment (two consecutive way nodes).
pub type SegmentId = u32;

/// Default maximum distance from a point to the network before the point counts as
/// "no nearby road" (metres). 2 km is far beyond any residential centroid's distance to a road,
/// so only points that are genuinely off the network (another country, a lake) fail.
pub const DEFAULT_MAX_SNAP_M: f64 = 2_000.0;

const NONE: u32 = u32::MAX;

/// One piece of way between two consecutive nodes, with the cost of each direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub from: NodeId,
    pub to: NodeId,
    /// Length along the segment (haversine), metres.
    pub metres: f64,
    /// Seconds to travel `from → to`, `None` if that direction is not allowed.
    pub forward_s: Option<f64>,
    /// Seconds to travel `to → from`, `None` if that direction is not allowed.
    pub backward_s: Option<f64>,
}

/// Compressed sparse rows: the neighbours of node `v` are `nodes[offsets[v]..offsets[v + 1]]`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Csr {
    pub offsets: Vec<u32>,
    pub nodes: Vec<NodeId>,
    pub seconds: Vec<f32>,
    pub metres: Vec<f32>,
}

impl Csr {
    /// Counting sort of `(tail, head, seconds, metres)` edges by tail.
    fn build<I>(node_count: usize, edges: I) -> Csr
    where
        I: Iterator<Item = (NodeId, NodeId, f32, f32)> + Clone,
    {
        let mut offsets = vec![0u32; node_count + 1];
        for (tail, ..) in edges.clone() {
            offsets[tail as usize + 1] += 1;
        }
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        let m = offsets[node_count] as usize;
        let mut next = offsets.clone();
        let (mut nodes, mut seconds, mut metres) = (vec![0; m], vec![0.0; m], vec![0.0; m]);
        for (tail, head, s, len) in edges {
            let at = next[tail as usize] as usize;
            next[tail as usize] += 1;
            nodes[at] = head;
            seconds[at] = s;
            metres[at] = len;
        }
        Csr {
            offsets,
            nodes,
            seconds,
            metres,
        }
    }

    pub fn range(&self, v: NodeId) -> std::ops::Range<usize> {
        self.offsets[v as usize] as usize..self.offsets[v as usize + 1] as usize
    }
}

/// Collects nodes and segments, then freezes them into a [`Network`]. Used by the PBF reader
/// and directly by tests and benchmarks that need synthetic graphs.
#[derive(Debug, Clone)]
pub struct NetworkBuilder {
    mode: TravelMode,
    lon: Vec<f64>,
    lat: Vec<f64>,
    seg_from: Vec<NodeId>,
    seg_to: Vec<NodeId>,
    seg_m: Vec<f32>,
    seg_fwd_s: Vec<f32>,
    seg_bwd_s: Vec<f32>,
}

impl NetworkBuilder {
    pub fn new(mode: TravelMode) -> NetworkBuilder {
        NetworkBuilder {
            mode,
            lon: Vec::new(),
            lat: Vec::new(),
            seg_from: Vec::new(),
            seg_to: Vec::new(),
            seg_m: Vec::new(),
            seg_fwd_s: Vec::new(),
            seg_bwd_s: Vec::new(),
        }
    }

    /// Add a node at WGS84 `lon`, `lat` and return its id.
    pub fn add_node(&mut self, lon: f64, lat: f64) -> NodeId {
        self.lon.push(lon);
        self.lat.push(lat);
        (self.lon.len() - 1) as NodeId
    }

    /// Number of nodes added so far.
    pub fn node_count(&self) -> usize {
        self.lon.len()
    }

    /// Number of segments added so far.
    pub fn segment_count(&self) -> usize {
        self.seg_from.len()
    }

    /// Add a straight segment whose length is the haversine distance between its nodes and whose
    /// time is that length at `kmh`. Returns `None` (and adds nothing) if neither direction is
    /// allowed.
    pub fn add_way_segment(
        &mut self,
        from: NodeId,
        to: NodeId,
        forward: bool,
        backward: bool,
        kmh: f64,
    ) -> Option<SegmentId> {
        if !forward && !backward {
            return None;
        }
        let (f, t) = (from as usize, to as usize);
        let metres = match (self.lon.get(f), self.lon.get(t)) {
            (Some(_), Some(_)) => haversine_m(self.lon[f], self.lat[f], self.lon[t], self.lat[t]),
            _ => f64::NAN, // rejected by build() with a message naming the segment
        };
        let seconds = metres / speeds::mps(kmh);
        Some(self.add_segment(
            from,
            to,
            metres,
            forward.then_some(seconds),
            backward.then_some(seconds),
        ))
    }

    /// Add a segment with explicit length and per-direction seconds (`None` = not allowed).
    /// Values are validated by [`NetworkBuilder::build`].
    pub fn add_segment(
        &mut self,
        from: NodeId,
        to: NodeId,
        metres: f64,
        forward_s: Option<f64>,
        backward_s: Option<f64>,
    ) -> SegmentId {
        self.seg_from.push(from);
        self.seg_to.push(to);
        self.seg_m.push(metres as f32);
        self.seg_fwd_s
            .push(forward_s.map_or(f32::INFINITY, |s| s as f32));
        self.seg_bwd_s
            .push(backward_s.map_or(f32::INFINITY, |s| s as f32));
        (self.seg_from.len() - 1) as SegmentId
    }

    /// Validate, build both CSR arrays, find the largest strongly connected component and index
    /// its segments for snapping.
    pub fn build(self) -> Result<Network, TravelError> {
        let n = self.lon.len();
        let bad = |msg: String| Err(TravelError::InvalidNetwork(msg));
        if n >= NONE as usize || self.seg_from.len() * 2 >= NONE as usize {
            return bad(format!(
                "too large: {n} nodes, {} segments",
                self.seg_from.len()
            ));
        }
        for (i, (&lon, &lat)) in self.lon.iter().zip(&self.lat).enumerate() {
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return bad(format!("node {i} has invalid coordinates ({lon}, {lat})"));
            }
        }
        for i in 0..self.seg_from.len() {
            let (f, t) = (self.seg_from[i] as usize, self.seg_to[i] as usize);
            if f >= n || t >= n {
                return bad(format!(
                    "segment {i} refers to node {} but there are {n} nodes",
                    f.max(t)
                ));
            }
            let m = self.seg_m[i];
            if !(m.is_finite() && m >= 0.0) {
                return bad(format!("segment {i} has invalid length {m}"));
            }
            for (dir, s) in [
                ("forward", self.seg_fwd_s[i]),
                ("backward", self.seg_bwd_s[i]),
            ] {
                if s.is_nan() || s < 0.0 {
                    return bad(format!("segment {i} has invalid {dir} time {s}"));
                }
            }
            if self.seg_fwd_s[i].is_infinite() && self.seg_bwd_s[i].is_infinite() {
                return bad(format!("segment {i} allows no direction"));
            }
        }
        let directed = |i: usize| {
            let (f, t, m) = (self.seg_from[i], self.seg_to[i], self.seg_m[i]);
            let fw = self.seg_fwd_s[i];
            let bw = self.seg_bwd_s[i];
            [
                fw.is_finite().then_some((f, t, fw, m)),
                bw.is_finite().then_some((t, f, bw, m)),
            ]
        };
        let edges = (0..self.seg_from.len()).flat_map(directed).flatten();
        let forward = Csr::build(n, edges.clone());
        let reverse = Csr::build(n, edges.map(|(t, h, s, m)| (h, t, s, m)));
        let (component, component_count) = strongly_connected(&forward, &reverse);
        let mut sizes = vec![0usize; component_count];
        for &c in &component {
            sizes[c as usize] += 1;
        }
        // Largest component; ties go to the lowest id so builds are deterministic.
        let main_component = (0..component_count)
            .max_by_key(|&c| (sizes[c], std::cmp::Reverse(c)))
            .map_or(NONE, |c| c as u32);
        let weak_components = weakly_connected_count(n, &self.seg_from, &self.seg_to);
        let snappable: Vec<SegmentId> = (0..self.seg_from.len() as SegmentId)
            .filter(|&s| {
                component[self.seg_from[s as usize] as usize] == main_component
                    && component[self.seg_to[s as usize] as usize] == main_component
            })
            .collect();
        let snap_index = SnapIndex::build(
            &self.lon,
            &self.lat,
            &self.seg_from,
            &self.seg_to,
            &snappable,
        );
        Ok(Network {
            mode: self.mode,
            lon: self.lon,
            lat: self.lat,
            seg_from: self.seg_from,
            seg_to: self.seg_to,
            seg_m: self.seg_m,
            seg_fwd_s: self.seg_fwd_s,
            seg_bwd_s: self.seg_bwd_s,
            forward,
            reverse,
            component,
            main_component,
            main_component_nodes: sizes.get(main_component as usize).copied().unwrap_or(0),
            strong_components: component_count,
            weak_components,
            snappable_segments: snappable.len(),
            snap_index,
            max_snap_m: DEFAULT_MAX_SNAP_M,
        })
    }
}

/// A frozen, read-only routable graph of one mode. `Sync`: many threads may route on it at once;
/// every search allocates its own labels.
#[derive(Debug)]
pub struct Network {
    mode: TravelMode,
    lon: Vec<f64>,
    lat: Vec<f64>,
    seg_from: Vec<NodeId>,
    seg_to: Vec<NodeId>,
    seg_m: Vec<f32>,
    seg_fwd_s: Vec<f32>,
    seg_bwd_s: Vec<f32>,
    pub(crate) forward: Csr,
    pub(crate) reverse: Csr,
    component: Vec<u32>,
    main_component: u32,
    main_component_nodes: usize,
    strong_components: usize,
    weak_components: usize,
    snappable_segments: usize,
    pub(crate) snap_index: SnapIndex,
    max_snap_m: f64,
}

/// Size figures for reports and sanity checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkStats {
    pub mode: TravelMode,
    pub nodes: usize,
    /// Directed edges (a two-way segment counts twice).
    pub edges: usize,
    pub segments: usize,
    /// Total length of all segments, km.
    pub km: f64,
    /// Weakly connected components (direction ignored), singletons included.
    pub weak_components: usize,
    /// Strongly connected components, singletons included.
    pub strong_components: usize,
    /// Nodes of the largest strongly connected component (the only one points snap to).
    pub main_component_nodes: usize,
    /// Segments points may snap to.
    pub snappable_segments: usize,
}

impl fmt::Display for NetworkStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} nodes, {} edges, {} segments, {:.1} km, {} weak / {} strong components, \
             main component {} nodes ({:.1}%), {} snappable segments",
            self.mode,
            self.nodes,
            self.edges,
            self.segments,
            self.km,
            self.weak_components,
            self.strong_components,
            self.main_component_nodes,
            100.0 * self.main_component_nodes as f64 / self.nodes.max(1) as f64,
            self.snappable_segments
        )
    }
}

impl Network {
    pub fn mode(&self) -> TravelMode {
        self.mode
    }

    pub fn node_count(&self) -> usize {
        self.lon.len()
    }

    pub fn segment_count(&self) -> usize {
        self.seg_from.len()
    }

    /// Directed edges.
    pub fn edge_count(&self) -> usize {
        self.forward.nodes.len()
    }

    /// `(lon, lat)` of a node.
    pub fn node_lon_lat(&self, node: NodeId) -> (f64, f64) {
        (self.lon[node as usize], self.lat[node as usize])
    }

    /// A segment's ends, length and per-direction times.
    pub fn segment(&self, id: SegmentId) -> Segment {
        let i = id as usize;
        let opt = |s: f32| s.is_finite().then_some(s as f64);
        Segment {
            from: self.seg_from[i],
            to: self.seg_to[i],
            metres: self.seg_m[i] as f64,
            forward_s: opt(self.seg_fwd_s[i]),
            backward_s: opt(self.seg_bwd_s[i]),
        }
    }

    /// Outgoing edges of `node` as `(head, seconds, metres)`.
    pub fn out_edges(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64, f64)> + '_ {
        self.forward.range(node).map(|e| {
            (
                self.forward.nodes[e],
                self.forward.seconds[e] as f64,
                self.forward.metres[e] as f64,
            )
        })
    }

    /// Whether `node` belongs to the largest strongly connected component.
    pub fn in_main_component(&self, node: NodeId) -> bool {
        self.component[node as usize] == self.main_component
    }

    /// Maximum snap distance in metres (default [`DEFAULT_MAX_SNAP_M`](super::DEFAULT_MAX_SNAP_M)).
    pub fn max_snap_m(&self) -> f64 {
        self.max_snap_m
    }

    /// Change the maximum snap distance; points farther from the network are unreachable.
    pub fn set_max_snap_m(&mut self, metres: f64) {
        self.max_snap_m = metres;
    }

    /// Builder-style [`Network::set_max_snap_m`].
    pub fn with_max_snap_m(mut self, metres: f64) -> Network {
        self.max_snap_m = metres;
        self
    }

    pub fn stats(&self) -> NetworkStats {
        NetworkStats {
            mode: self.mode,
            nodes: self.node_count(),
            edges: self.edge_count(),
            segments: self.segment_count(),
            km: self.seg_m.iter().map(|&m| m as f64).sum::<f64>() / 1000.0,
            weak_components: self.weak_components,
            strong_components: self.strong_components,
            main_component_nodes: self.main_component_nodes,
            snappable_segments: self.snappable_segments,
        }
    }
}

/// Kosaraju's algorithm with explicit stacks (no recursion, so national graphs cannot overflow
/// the call stack). Returns the component of every node and the number of components.
fn strongly_connected(forward: &Csr, reverse: &Csr) -> (Vec<u32>, usize) {
    let n = forward.offsets.len() - 1;
    let mut visited = vec![false; n];
    let mut finish_order = Vec::with_capacity(n);
    let mut stack: Vec<(NodeId, usize)> = Vec::new();
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        stack.push((start as NodeId, forward.offsets[start] as usize));
        while let Some((v, pos)) = stack.last_mut() {
            let end = forward.offsets[*v as usize + 1] as usize;
            if *pos < end {
                let w = forward.nodes[*pos];
                *pos += 1;
                if !visited[w as usize] {
                    visited[w as usize] = true;
                    stack.push((w, forward.offsets[w as usize] as usize));
                }
            } else {
                finish_order.push(*v);
                stack.pop();
            }
        }
    }
    let mut component = vec![NONE; n];
    let mut count = 0u32;
    let mut todo: Vec<NodeId> = Vec::new();
    for &root in finish_order.iter().rev() {
        if component[root as usize] != NONE {
            continue;
        }
        component[root as usize] = count;
        todo.push(root);
        while let Some(v) = todo.pop() {
            for e in reverse.range(v) {
                let w = reverse.nodes[e];
                if component[w as usize] == NONE {
                    component[w as usize] = count;
                    todo.push(w);
                }
            }
        }
        count += 1;
    }
    (component, count as usize)
}

/// Number of weakly connected components (union–find with path halving).
fn weakly_connected_count(n: usize, from: &[NodeId], to: &[NodeId]) -> usize {
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut count = n;
    for (&a, &b) in from.iter().zip(to) {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb) as usize] = ra.min(rb);
            count -= 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a → b → c → a cycle plus a one-way tail c → d and an island e ↔ f.
    fn sample() -> Network {
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let n: Vec<_> = (0..6).map(|i| b.add_node(i as f64 * 0.001, 0.0)).collect();
        b.add_way_segment(n[0], n[1], true, false, 36.0);
        b.add_way_segment(n[1], n[2], true, false, 36.0);
        b.add_way_segment(n[2], n[0], true, false, 36.0);
        b.add_way_segment(n[2], n[3], true, false, 36.0);
        b.add_way_segment(n[4], n[5], true, true, 36.0);
        b.build().unwrap()
    }

    #[test]
    fn components_separate_one_way_tail_and_island() {
        let net = sample();
        let s = net.stats();
        assert_eq!((s.nodes, s.segments, s.edges), (6, 5, 6));
        assert_eq!(s.weak_components, 2);
        // {a,b,c}, {d}, {e,f}
        assert_eq!(s.strong_components, 3);
        assert_eq!(s.main_component_nodes, 3);
        assert!((0..3).all(|v| net.in_main_component(v)));
        assert!(!net.in_main_component(3) && !net.in_main_component(4));
        // Only the three cycle segments may be snapped to.
        assert_eq!(s.snappable_segments, 3);
    }

    #[test]
    fn csr_holds_each_allowed_direction_once() {
        let net = sample();
        let out: Vec<_> = net.out_edges(2).map(|(h, ..)| h).collect();
        assert_eq!(out, vec![0, 3]);
        assert_eq!(net.out_edges(3).count(), 0);
        assert_eq!(net.out_edges(4).count(), 1);
        // 0.001° of longitude on the equator is ~111.2 m; at 36 km/h (10 m/s) ~11.1 s.
        let (_, s, m) = net.out_edges(0).next().unwrap();
        assert!((m - 111.195).abs() < 0.01, "{m}");
        assert!((s - m / 10.0).abs() < 1e-3);
    }

    #[test]
    fn build_rejects_bad_input_with_a_message() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        b.add_node(0.0, 0.0);
        b.add_segment(0, 7, 1.0, Some(1.0), None);
        let err = b.build().unwrap_err().to_string();
        assert!(err.contains("segment 0") && err.contains("node 7"), "{err}");

        let mut b = NetworkBuilder::new(TravelMode::Walk);
        b.add_node(0.0, 95.0);
        assert!(b.build().unwrap_err().to_string().contains("node 0"));

        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let (x, y) = (b.add_node(0.0, 0.0), b.add_node(0.0, 0.001));
        b.add_segment(x, y, 1.0, Some(-1.0), None);
        assert!(b.build().unwrap_err().to_string().contains("forward time"));
        assert_eq!(
            NetworkBuilder::new(TravelMode::Walk).add_way_segment(0, 1, false, false, 5.0),
            None
        );
    }
}
