//! The routable graph: one node table shared by the three modes and one *contracted* topology.
//!
//! Way pieces between two consecutive way nodes are the unit of snapping ("segments"), but the
//! searches run on *chains*: maximal runs of pieces through nodes of degree 2 whose rules (allowed
//! directions and speed, for every mode) do not change. A chain keeps its two end junctions, its
//! length, and per mode the seconds of each direction (`f32`, infinite = forbidden); the interior
//! nodes are kept only as geometry for snapping. Junctions are listed in one CSR of incident
//! chains, shared by all modes; a mode simply sees infinite costs on chains it may not use.
//!
//! Because a chain has one speed per mode and direction, any position along it costs a fixed
//! fraction of the chain's time, so the contracted graph gives exactly the distances of the
//! uncontracted one (tested against it).
//!
//! Memory per chain: ends 8 B, interior offset 4 B, metres 4 B, two CSR entries 8 B, 8 B of costs
//! per mode; per node: coordinates 8 B (1e-7° integers) and a slot 4 B; per junction 8 B. A
//! topology built for one mode alone also keeps two 12-byte reverse arcs per chain, so that its
//! searches read each junction's neighbours in one run of memory.
//!
//! Nodes (numbered by the PBF reader) and junctions follow a Hilbert curve over the network's
//! extent, and chains are numbered from their first junction, so places near each other on the
//! ground are near each other in every array a search or the build walks through.

// Parallel arrays indexed by node, junction and chain id: index loops say what is meant.
#![allow(clippy::needless_range_loop)]

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use super::snap::SnapGrid;
use super::{haversine_m, speeds, TravelError, TravelMode};

/// Index of a node in the shared node table.
pub type NodeId = u32;
/// Index of a segment (two consecutive way nodes).
pub type SegmentId = u32;

/// Default maximum distance from a point to the network before the point counts as
/// "no nearby road" (metres). 2 km is far beyond any residential centroid's distance to a road,
/// so only points that are genuinely off the network (another country, a lake) fail.
pub const DEFAULT_MAX_SNAP_M: f64 = 2_000.0;

pub(crate) const NONE: u32 = u32::MAX;
/// Slot flag: the node is inside a chain; the low bits are its index in `interior`.
const INTERIOR: u32 = 1 << 31;

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

/// Degrees ↔ the 1e-7° integers of the node table (the OSM PBF resolution). Division, not
/// multiplication by 1e-7, so that decimal inputs such as 0.0025 come back bit-identical.
pub(crate) fn to_e7(deg: f64) -> i32 {
    (deg * 1e7).round() as i32
}
pub(crate) fn from_e7(v: i32) -> f64 {
    v as f64 / 1e7
}

/// Pieces of way for up to three modes, before contraction. Shared by [`NetworkBuilder`]
/// (one mode), [`NetworksBuilder`] (all modes) and the PBF reader.
#[derive(Debug, Clone)]
pub(crate) struct RawGraph {
    lon: Vec<i32>,
    lat: Vec<i32>,
    /// First node with invalid coordinates (reported by `build`).
    invalid_node: Option<(usize, f64, f64)>,
    /// The nodes are numbered along a Hilbert curve already (as the PBF reader does), so the
    /// junctions need no sorting of their own.
    along_curve: bool,
    from: Vec<NodeId>,
    to: Vec<NodeId>,
    metres: Vec<f32>,
    /// Per mode slot, per piece: seconds `[from → to, to → from]`, infinite if forbidden.
    /// Only the slots of `stored` are kept (a one-mode run holds a third of the costs); the
    /// others read as infinite.
    cost: [Vec<[f32; 2]>; 3],
    stored: [bool; 3],
}

impl Default for RawGraph {
    fn default() -> Self {
        RawGraph::for_modes([true; 3])
    }
}

impl RawGraph {
    /// An empty graph keeping the costs of the mode slots in `stored` only.
    pub fn for_modes(stored: [bool; 3]) -> RawGraph {
        RawGraph {
            lon: Vec::new(),
            lat: Vec::new(),
            invalid_node: None,
            along_curve: false,
            from: Vec::new(),
            to: Vec::new(),
            metres: Vec::new(),
            cost: Default::default(),
            stored,
        }
    }

    /// The whole node table at once, in 1e-7° and in Hilbert order (see `hilbert_order`).
    fn set_nodes_along_curve(&mut self, lon: Vec<i32>, lat: Vec<i32>) {
        debug_assert!(self.lon.is_empty());
        let bad = lon.iter().zip(&lat).position(|(&x, &y)| {
            x.unsigned_abs() > 1_800_000_000 || y.unsigned_abs() > 900_000_000
        });
        self.invalid_node = bad.map(|i| (i, from_e7(lon[i]), from_e7(lat[i])));
        (self.lon, self.lat) = (lon, lat);
        self.along_curve = self.invalid_node.is_none();
    }

    pub fn add_node(&mut self, lon: f64, lat: f64) -> NodeId {
        self.along_curve = false;
        let ok = lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat);
        if !ok && self.invalid_node.is_none() {
            self.invalid_node = Some((self.lon.len(), lon, lat));
        }
        let (x, y) = if ok { (to_e7(lon), to_e7(lat)) } else { (0, 0) };
        self.lon.push(x);
        self.lat.push(y);
        (self.lon.len() - 1) as NodeId
    }

    pub fn node_count(&self) -> usize {
        self.lon.len()
    }

    pub fn piece_count(&self) -> usize {
        self.from.len()
    }

    pub fn reserve(&mut self, nodes: usize, pieces: usize) {
        self.lon.reserve(nodes);
        self.lat.reserve(nodes);
        self.from.reserve(pieces);
        self.to.reserve(pieces);
        self.metres.reserve(pieces);
        for k in 0..3 {
            if self.stored[k] {
                self.cost[k].reserve(pieces);
            }
        }
    }

    fn node_deg(&self, v: NodeId) -> Option<(f64, f64)> {
        let i = v as usize;
        (i < self.lon.len()).then(|| (from_e7(self.lon[i]), from_e7(self.lat[i])))
    }

    /// Haversine metres between two nodes, NaN if either does not exist.
    pub fn straight_m(&self, a: NodeId, b: NodeId) -> f64 {
        match (self.node_deg(a), self.node_deg(b)) {
            (Some(p), Some(q)) => haversine_m(p.0, p.1, q.0, q.1),
            _ => f64::NAN,
        }
    }

    pub fn add_piece(&mut self, from: NodeId, to: NodeId, metres: f64, cost: [[f32; 2]; 3]) {
        self.from.push(from);
        self.to.push(to);
        self.metres.push(metres as f32);
        for k in 0..3 {
            if self.stored[k] {
                self.cost[k].push(cost[k]);
            }
        }
    }

    /// Seconds of piece `i` in every mode slot (infinite in slots not stored).
    #[inline]
    fn cost_of(&self, i: usize) -> [[f32; 2]; 3] {
        let mut out = [[f32::INFINITY; 2]; 3];
        for k in 0..3 {
            if self.stored[k] {
                out[k] = self.cost[k][i];
            }
        }
        out
    }

    /// Whether piece `i` is used by mode slot `k`.
    fn in_mode(&self, i: usize, k: usize) -> bool {
        self.stored[k] && (self.cost[k][i][0].is_finite() || self.cost[k][i][1].is_finite())
    }

    fn validate(&self) -> Result<(), TravelError> {
        let n = self.lon.len();
        let bad = |msg: String| Err(TravelError::InvalidNetwork(msg));
        if n >= INTERIOR as usize || self.from.len() >= INTERIOR as usize {
            return bad(format!(
                "too large: {n} nodes, {} segments (this engine indexes at most {})",
                self.from.len(),
                INTERIOR - 1
            ));
        }
        if let Some((i, lon, lat)) = self.invalid_node {
            return bad(format!("node {i} has invalid coordinates ({lon}, {lat})"));
        }
        // Pieces are checked in parallel; the first bad one in input order is reported.
        match (0..self.from.len())
            .into_par_iter()
            .find_map_first(|i| self.piece_problem(i))
        {
            Some(msg) => bad(msg),
            None => Ok(()),
        }
    }

    /// What is wrong with piece `i`, if anything.
    fn piece_problem(&self, i: usize) -> Option<String> {
        let n = self.lon.len();
        let (f, t) = (self.from[i] as usize, self.to[i] as usize);
        if f >= n || t >= n {
            return Some(format!(
                "segment {i} refers to node {} but there are {n} nodes",
                f.max(t)
            ));
        }
        let m = self.metres[i];
        if !(m.is_finite() && m >= 0.0) {
            return Some(format!("segment {i} has invalid length {m}"));
        }
        for c in self.cost_of(i) {
            for (dir, s) in [("forward", c[0]), ("backward", c[1])] {
                if s.is_nan() || s < 0.0 {
                    return Some(format!("segment {i} has invalid {dir} time {s}"));
                }
            }
        }
        if (0..3).all(|k| !self.in_mode(i, k)) {
            return Some(format!("segment {i} allows no direction"));
        }
        None
    }

    /// Contract and freeze. `modes[k]` says which mode slots carry costs; `contract = false`
    /// keeps every piece as its own chain (the reference the tests compare against).
    pub fn freeze(self, modes: [bool; 3], contract: bool) -> Result<Topology, TravelError> {
        self.validate()?;
        let mut topo = Topology::contract(self, modes, contract);
        topo.grid = SnapGrid::build(&topo);
        Ok(topo)
    }

    /// [`RawGraph::freeze`] for one mode slot `k`, building the snap grid while that mode's
    /// strongly connected components are found: the two are independent, so they run side
    /// by side.
    fn freeze_one(self, k: usize, contract: bool) -> Result<(Topology, Components), TravelError> {
        let t = std::time::Instant::now();
        self.validate()?;
        let validate_s = t.elapsed().as_secs_f64();
        let mut modes = [false; 3];
        modes[k] = true;
        let mut topo = Topology::contract(self, modes, contract);
        let contract_s = t.elapsed().as_secs_f64() - validate_s;
        let (grid, components) = rayon::join(
            || SnapGrid::build(&topo),
            || strongly_connected(&topo, &topo.cost[k]),
        );
        topo.grid = grid;
        tracing::debug!(
            validate_s,
            contract_s,
            grid_and_components_s = t.elapsed().as_secs_f64() - validate_s - contract_s,
            junctions = topo.junction_count(),
            chains = topo.chain_count(),
            "froze one mode"
        );
        Ok((topo, components))
    }
}

/// Per-piece seconds per metre for comparing rules; `None` if the piece cannot carry a
/// proportional split (zero length).
fn oriented(cost: &[[f32; 2]; 3], flip: bool) -> [[f32; 2]; 3] {
    if flip {
        cost.map(|c| [c[1], c[0]])
    } else {
        *cost
    }
}

/// Collects nodes and segments of one mode, then freezes them into a [`Network`]. Used by
/// tests and benchmarks that need synthetic graphs.
#[derive(Debug, Clone)]
pub struct NetworkBuilder {
    mode: TravelMode,
    raw: RawGraph,
    contract: bool,
}

impl NetworkBuilder {
    pub fn new(mode: TravelMode) -> NetworkBuilder {
        let mut stored = [false; 3];
        stored[mode.index()] = true;
        NetworkBuilder {
            mode,
            raw: RawGraph::for_modes(stored),
            contract: true,
        }
    }

    /// Whether to contract chains of degree-2 nodes (default `true`). `false` builds the plain
    /// graph with one edge per segment: slower and bigger, but handy as a reference.
    pub fn contract(mut self, yes: bool) -> NetworkBuilder {
        self.contract = yes;
        self
    }

    /// Add a node at WGS84 `lon`, `lat` (stored to 1e-7°) and return its id.
    pub fn add_node(&mut self, lon: f64, lat: f64) -> NodeId {
        self.raw.add_node(lon, lat)
    }

    /// Number of nodes added so far.
    pub fn node_count(&self) -> usize {
        self.raw.node_count()
    }

    /// Number of segments added so far.
    pub fn segment_count(&self) -> usize {
        self.raw.piece_count()
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
        let metres = self.raw.straight_m(from, to);
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
        let mut cost = [[f32::INFINITY; 2]; 3];
        cost[self.mode.index()] = [
            forward_s.map_or(f32::INFINITY, |s| s as f32),
            backward_s.map_or(f32::INFINITY, |s| s as f32),
        ];
        self.raw.add_piece(from, to, metres, cost);
        (self.raw.piece_count() - 1) as SegmentId
    }

    /// Validate, contract, find the largest strongly connected component and index it for
    /// snapping.
    pub fn build(self) -> Result<Network, TravelError> {
        let mut modes = [false; 3];
        modes[self.mode.index()] = true;
        let km = mode_km(&self.raw, self.mode.index());
        let topo = Arc::new(self.raw.freeze(modes, self.contract)?);
        Ok(Network::new(topo, self.mode, km))
    }
}

/// Each stored mode's seconds `[forward, backward]` over `metres` under its rule (infinite where
/// it may not go); `None` if no stored mode may use the segment in either direction.
fn rule_cost(
    stored: [bool; 3],
    metres: f64,
    rules: &[Option<super::profile::WayRule>; 3],
) -> Option<[[f32; 2]; 3]> {
    let mut cost = [[f32::INFINITY; 2]; 3];
    let mut any = false;
    for (k, rule) in rules.iter().enumerate() {
        let Some(r) = rule.filter(|_| stored[k]) else {
            continue;
        };
        let s = (metres / speeds::mps(r.kmh)) as f32;
        cost[k] = [
            if r.forward { s } else { f32::INFINITY },
            if r.backward { s } else { f32::INFINITY },
        ];
        any |= r.forward || r.backward;
    }
    any.then_some(cost)
}

/// Collects the ways of all three modes into one shared graph: a piece carries a rule per mode.
/// The PBF reader and the England-scale benchmark use it.
#[derive(Debug, Clone)]
pub struct NetworksBuilder {
    raw: RawGraph,
    contract: bool,
}

impl Default for NetworksBuilder {
    fn default() -> Self {
        NetworksBuilder {
            raw: RawGraph::default(),
            contract: true,
        }
    }
}

impl NetworksBuilder {
    pub fn new() -> NetworksBuilder {
        NetworksBuilder::default()
    }

    /// A builder for the modes of `modes` only (`[walk, cycle, car]`): the costs of the
    /// others are not stored, and rules given for them are ignored.
    pub(crate) fn for_modes(modes: [bool; 3]) -> NetworksBuilder {
        NetworksBuilder {
            raw: RawGraph::for_modes(modes),
            contract: true,
        }
    }

    /// Whether to contract chains of degree-2 nodes (default `true`); `false` is the plain
    /// reference graph.
    pub fn contract(mut self, yes: bool) -> NetworksBuilder {
        self.contract = yes;
        self
    }

    /// Reserve room for `nodes` nodes and `segments` segments.
    pub fn reserve(&mut self, nodes: usize, segments: usize) {
        self.raw.reserve(nodes, segments);
    }

    pub fn add_node(&mut self, lon: f64, lat: f64) -> NodeId {
        self.raw.add_node(lon, lat)
    }

    pub fn node_count(&self) -> usize {
        self.raw.node_count()
    }

    /// Every node at once, in 1e-7° and already in Hilbert order (the PBF reader's numbering).
    pub(crate) fn set_nodes_along_curve(&mut self, lon: Vec<i32>, lat: Vec<i32>) {
        self.raw.set_nodes_along_curve(lon, lat);
    }

    pub fn segment_count(&self) -> usize {
        self.raw.piece_count()
    }

    /// Add the straight segment `from → to` with each mode's rule (`None` = mode may not use
    /// it). Returns `false` (and adds nothing) if no mode may use it.
    pub fn add_way_segment(
        &mut self,
        from: NodeId,
        to: NodeId,
        rules: [Option<super::profile::WayRule>; 3],
    ) -> bool {
        let metres = self.raw.straight_m(from, to);
        match rule_cost(self.raw.stored, metres, &rules) {
            Some(cost) => {
                self.raw.add_piece(from, to, metres, cost);
                true
            }
            None => false,
        }
    }

    /// Many straight segments at once: `(from, to, way)` with each way's rules in `rules`,
    /// exactly as [`NetworksBuilder::add_way_segment`] one by one would add them (same order,
    /// same lengths and costs), but with every array filled in parallel. Pieces no stored mode
    /// may use are left out, as one by one.
    pub(crate) fn add_way_pieces(
        &mut self,
        pieces: &[(NodeId, NodeId, u32)],
        rules: &[[Option<super::profile::WayRule>; 3]],
    ) {
        let raw = &mut self.raw;
        let stored = raw.stored;
        let usable = |w: u32| rule_cost(stored, 1.0, &rules[w as usize]).is_some();
        let kept: Vec<(NodeId, NodeId, u32)>;
        let pieces = if pieces.par_iter().all(|p| usable(p.2)) {
            pieces
        } else {
            kept = pieces.iter().copied().filter(|p| usable(p.2)).collect();
            &kept[..]
        };
        let metres: Vec<f64> = pieces
            .par_iter()
            .map(|&(a, b, _)| raw.straight_m(a, b))
            .collect();
        raw.from.par_extend(pieces.par_iter().map(|p| p.0));
        raw.to.par_extend(pieces.par_iter().map(|p| p.1));
        raw.metres.par_extend(metres.par_iter().map(|&m| m as f32));
        for k in 0..3 {
            if stored[k] {
                raw.cost[k].par_extend(pieces.par_iter().zip(&metres).map(|(&(.., w), &m)| {
                    rule_cost(stored, m, &rules[w as usize]).map_or([f32::INFINITY; 2], |c| c[k])
                }));
            }
        }
    }

    /// Contract and freeze into the three networks (sharing one topology). A mode without any
    /// segment is an error naming the mode and `source`.
    pub fn build(self, source: &str) -> Result<super::Networks, TravelError> {
        let km = [0, 1, 2].map(|k| mode_km(&self.raw, k));
        for mode in TravelMode::ALL {
            if km[mode.index()].1 == 0 {
                return Err(TravelError::EmptyNetwork {
                    file: source.to_string(),
                    mode,
                    extent: self.raw.extent(),
                });
            }
        }
        let topo = Arc::new(self.raw.freeze([true; 3], self.contract)?);
        let new = |m: TravelMode| Network::new(topo.clone(), m, km[m.index()]);
        let (walk, (cycle, car)) = rayon::join(
            || new(TravelMode::Walk),
            || rayon::join(|| new(TravelMode::Cycle), || new(TravelMode::Car)),
        );
        Ok(super::Networks {
            networks: [walk, cycle, car],
        })
    }

    /// Contract and freeze the network of one mode only (segments of other modes are left
    /// out of the topology).
    pub fn build_mode(mut self, mode: TravelMode, source: &str) -> Result<Network, TravelError> {
        let k = mode.index();
        let keep: Vec<bool> = (0..self.raw.piece_count())
            .map(|i| self.raw.in_mode(i, k))
            .collect();
        if !keep.iter().all(|&x| x) {
            let raw = &mut self.raw;
            let mut it = keep.iter();
            raw.from.retain(|_| *it.next().unwrap_or(&false));
            let mut it = keep.iter();
            raw.to.retain(|_| *it.next().unwrap_or(&false));
            let mut it = keep.iter();
            raw.metres.retain(|_| *it.next().unwrap_or(&false));
            for cost in &mut raw.cost {
                if !cost.is_empty() {
                    let mut it = keep.iter();
                    cost.retain(|_| *it.next().unwrap_or(&false));
                }
            }
        }
        let km = mode_km(&self.raw, k);
        if km.1 == 0 {
            return Err(TravelError::EmptyNetwork {
                file: source.to_string(),
                mode,
                extent: self.raw.extent(),
            });
        }
        let (topo, components) = self.raw.freeze_one(k, self.contract)?;
        Ok(Network::with_components(
            Arc::new(topo),
            mode,
            km,
            components,
        ))
    }
}

impl RawGraph {
    /// `[west, south, east, north]` of all nodes, `None` if there are none.
    pub fn extent(&self) -> Option<[f64; 4]> {
        extent_of(&self.lon, &self.lat)
    }
}

pub(crate) fn extent_of(lon: &[i32], lat: &[i32]) -> Option<[f64; 4]> {
    if lon.is_empty() {
        return None;
    }
    let (w, e) = (lon.iter().min()?, lon.iter().max()?);
    let (s, n) = (lat.iter().min()?, lat.iter().max()?);
    Some([from_e7(*w), from_e7(*s), from_e7(*e), from_e7(*n)])
}

/// `(km, segments)` of mode slot `k`, summed in input order so that a single-mode and an
/// all-modes build of the same file report bit-identical figures.
fn mode_km(raw: &RawGraph, k: usize) -> (f64, usize) {
    let mut km = 0.0;
    let mut count = 0;
    for i in 0..raw.piece_count() {
        if raw.in_mode(i, k) {
            km += raw.metres[i] as f64;
            count += 1;
        }
    }
    (km / 1000.0, count)
}

/// The contracted graph shared by the modes. Read-only once built.
pub(crate) struct Topology {
    pub lon: Vec<i32>,
    pub lat: Vec<i32>,
    /// Per node: junction id, `INTERIOR | index into interior`, or `NONE` (unused node).
    pub slot: Vec<u32>,
    /// Junction → node.
    pub junction_node: Vec<NodeId>,
    /// CSR over junctions of incident chains: entry `chain << 1 | end` (end 0 = the chain
    /// starts here, 1 = it ends here). A loop chain appears twice.
    pub offsets: Vec<u32>,
    pub adj: Vec<u32>,
    /// Per chain: start and end junction.
    pub ends: Vec<[u32; 2]>,
    /// Chain `c`'s interior nodes are `interior[interior_start[c]..interior_start[c + 1]]`.
    pub interior_start: Vec<u32>,
    pub interior: Vec<NodeId>,
    /// Per chain: length in metres.
    pub metres: Vec<f32>,
    /// Per mode slot, per chain: seconds `[start → end, end → start]` (empty if not built).
    pub cost: [Vec<[f32; 2]>; 3],
    /// For a topology built for one mode only: that mode's slot and, beside each entry of
    /// `adj`, the [`ReverseArc`] it stands for (empty when several modes share the topology:
    /// one copy per mode would cost more than the graph).
    pub arcs_mode: Option<usize>,
    pub reverse_arcs: Vec<ReverseArc>,
    pub grid: SnapGrid,
}

/// An entry of a junction's list seen by a reverse search (times *to* the seeds): the far
/// junction, the seconds from it along the chain to here (infinite if not allowed) and the
/// chain's metres. The search reads a junction's arcs as one run of memory instead of three
/// chain arrays per entry (the chain's ends, costs and length lie wherever the chain does).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
pub(crate) struct ReverseArc {
    pub head: u32,
    pub seconds: f32,
    pub metres: f32,
}

impl Topology {
    pub fn chain_count(&self) -> usize {
        self.ends.len()
    }

    pub fn junction_count(&self) -> usize {
        self.junction_node.len()
    }

    /// Total pieces (segment ids run over `0..piece_count`).
    pub fn piece_count(&self) -> usize {
        self.interior.len() + self.ends.len()
    }

    /// First segment id of chain `c`.
    #[inline]
    pub fn piece_start(&self, c: usize) -> usize {
        self.interior_start[c] as usize + c
    }

    /// Pieces in chain `c`.
    #[inline]
    pub fn pieces_of(&self, c: usize) -> usize {
        (self.interior_start[c + 1] - self.interior_start[c]) as usize + 1
    }

    /// The chain holding segment `s` and the segment's index within it.
    pub fn chain_of_piece(&self, s: usize) -> (usize, usize) {
        // piece_start is strictly increasing in c.
        let (mut lo, mut hi) = (0usize, self.ends.len());
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if self.piece_start(mid) <= s {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        (lo, s - self.piece_start(lo))
    }

    /// Node `i` (0 = start junction, `pieces` = end junction) along chain `c`.
    #[inline]
    pub fn chain_point(&self, c: usize, i: usize) -> NodeId {
        let inner = (self.interior_start[c + 1] - self.interior_start[c]) as usize;
        if i == 0 {
            self.junction_node[self.ends[c][0] as usize]
        } else if i > inner {
            self.junction_node[self.ends[c][1] as usize]
        } else {
            self.interior[self.interior_start[c] as usize + i - 1]
        }
    }

    #[inline]
    pub fn deg(&self, v: NodeId) -> (f64, f64) {
        (from_e7(self.lon[v as usize]), from_e7(self.lat[v as usize]))
    }

    fn straight(&self, a: NodeId, b: NodeId) -> f64 {
        let (p, q) = (self.deg(a), self.deg(b));
        haversine_m(p.0, p.1, q.0, q.1)
    }

    /// Straight-line length of each piece of chain `c` (for proportional splits).
    pub fn piece_lengths(&self, c: usize, out: &mut Vec<f64>) {
        out.clear();
        let n = self.pieces_of(c);
        let mut prev = self.chain_point(c, 0);
        for i in 1..=n {
            let next = self.chain_point(c, i);
            out.push(self.straight(prev, next));
            prev = next;
        }
    }

    /// Position along chain `c` (0 at its start, 1 at its end) of `fraction` of piece `k`.
    pub fn chain_fraction(&self, c: usize, k: usize, fraction: f64) -> f64 {
        let n = self.pieces_of(c);
        if k >= n {
            return 1.0;
        }
        if n == 1 {
            return fraction;
        }
        let mut lens = Vec::with_capacity(n);
        self.piece_lengths(c, &mut lens);
        let total: f64 = lens.iter().sum();
        if total <= 0.0 {
            return (k as f64 + fraction) / n as f64;
        }
        let before: f64 = lens[..k].iter().sum();
        ((before + fraction * lens[k]) / total).clamp(0.0, 1.0)
    }

    /// Where node `v` lies: `Junction(j)` or `OnChain(c, i)`; `None` if no chain uses it.
    pub fn locate(&self, v: NodeId) -> Option<Place> {
        let s = *self.slot.get(v as usize)?;
        if s == NONE {
            None
        } else if s & INTERIOR == 0 {
            Some(Place::Junction(s))
        } else {
            let pos = (s & !INTERIOR) as usize;
            let c = self.interior_start.partition_point(|&x| x as usize <= pos) - 1;
            Some(Place::OnChain(c, pos - self.interior_start[c] as usize + 1))
        }
    }

    /// Bytes held by each structure, for reports.
    pub fn memory(&self) -> Vec<(&'static str, usize)> {
        let v = |len: usize, size: usize| len * size;
        vec![
            ("node coordinates", v(self.lon.len() + self.lat.len(), 4)),
            ("node slots", v(self.slot.len(), 4)),
            ("junction nodes", v(self.junction_node.len(), 4)),
            ("junction CSR", v(self.offsets.len() + self.adj.len(), 4)),
            ("chain ends", v(self.ends.len(), 8)),
            (
                "chain geometry",
                v(self.interior_start.len() + self.interior.len(), 4),
            ),
            ("chain metres", v(self.metres.len(), 4)),
            (
                "chain costs (all modes)",
                self.cost.iter().map(|c| c.len() * 8).sum(),
            ),
            (
                "reverse arcs (one-mode networks)",
                v(self.reverse_arcs.len(), std::mem::size_of::<ReverseArc>()),
            ),
            ("snap grid", self.grid.bytes()),
        ]
    }

    fn contract(raw: RawGraph, modes: [bool; 3], contract: bool) -> Topology {
        let n = raw.lon.len();
        let p = raw.from.len();
        // Incidence CSR of pieces per node (transient).
        let mut deg = vec![0u32; n + 1];
        for i in 0..p {
            deg[raw.from[i] as usize + 1] += 1;
            deg[raw.to[i] as usize + 1] += 1;
        }
        for i in 0..n {
            deg[i + 1] += deg[i];
        }
        let inc_off = deg;
        let mut fill = inc_off.clone();
        let mut inc = vec![0u32; 2 * p];
        for i in 0..p {
            for v in [raw.from[i], raw.to[i]] {
                inc[fill[v as usize] as usize] = i as u32;
                fill[v as usize] += 1;
            }
        }
        drop(fill);
        let degree = |v: usize| inc_off[v + 1] - inc_off[v];
        let proportional = |i: usize| {
            let m = raw.metres[i] as f64;
            let h = raw.straight_m(raw.from[i], raw.to[i]);
            m > 0.0 && (m - h).abs() <= 0.05 + 1e-4 * m
        };
        // A node is interior if it has degree 2 (no loop piece) and its two pieces carry the
        // same rule in every mode, oriented along the chain.
        let same_rule = |v: usize| -> bool {
            let (a, b) = (
                inc[inc_off[v] as usize] as usize,
                inc[inc_off[v] as usize + 1] as usize,
            );
            if a == b || raw.from[a] == raw.to[a] || raw.from[b] == raw.to[b] {
                return false;
            }
            if !(proportional(a) && proportional(b)) {
                return false;
            }
            // Travel along the chain: through a towards v, then b away from v.
            let ca = oriented(&raw.cost_of(a), raw.to[a] as usize != v);
            let cb = oriented(&raw.cost_of(b), raw.from[b] as usize != v);
            let (ma, mb) = (raw.metres[a] as f64, raw.metres[b] as f64);
            (0..3).all(|k| {
                (0..2).all(|d| {
                    let (x, y) = (ca[k][d], cb[k][d]);
                    match (x.is_finite(), y.is_finite()) {
                        (false, false) => true,
                        (true, true) => {
                            let (sa, sb) = (x as f64 / ma, y as f64 / mb);
                            (sa - sb).abs() <= 1e-5 * sa.max(sb)
                        }
                        _ => false,
                    }
                })
            })
        };
        let mut slot = vec![NONE; n];
        let is_junction: Vec<bool> = (0..n)
            .into_par_iter()
            .map(|v| {
                let d = degree(v);
                d != 0 && (!contract || d != 2 || !same_rule(v))
            })
            .collect();
        // Junctions (and so the chains walked from them) are numbered along a Hilbert curve:
        // a search's wave front then touches labels, adjacency and costs that sit close
        // together in memory instead of a row of the file apart.
        let mut junction_node = if raw.along_curve {
            (0..n)
                .into_par_iter()
                .filter(|&v| is_junction[v])
                .map(|v| v as NodeId)
                .collect()
        } else {
            hilbert_order(&raw.lon, &raw.lat, |v| is_junction[v])
        };
        drop(is_junction);
        for (j, &v) in junction_node.iter().enumerate() {
            slot[v as usize] = j as u32;
        }
        // Walk chains from every junction, in parallel over blocks of junctions. A chain is
        // kept by the end that comes first (lower junction; for a loop, the earlier place in the
        // junction's list), so chains come out in the order of a serial walk over junctions
        // and their lists, and interior nodes are numbered in chain order.
        let inc_of = |v: usize| &inc[inc_off[v] as usize..inc_off[v + 1] as usize];
        let walk = |start: usize, first: usize, slot: &[u32], interior: &mut Vec<NodeId>| {
            let mut total_m = 0.0f64;
            let mut total_s = [[0.0f64; 2]; 3];
            let mut at = start;
            let mut piece = first;
            loop {
                let flip = raw.from[piece] as usize != at;
                let c = oriented(&raw.cost_of(piece), flip);
                total_m += raw.metres[piece] as f64;
                for k in 0..3 {
                    for d in 0..2 {
                        total_s[k][d] += c[k][d] as f64;
                    }
                }
                let next = if flip { raw.from[piece] } else { raw.to[piece] } as usize;
                if slot[next] != NONE {
                    // A junction. (Interior nodes are marked only after every walk.)
                    return (next, piece, total_m, total_s);
                }
                // Interior node (degree 2, not a junction): continue through its other piece.
                interior.push(next as NodeId);
                let pair = inc_of(next);
                piece = if pair[0] as usize == piece {
                    pair[1]
                } else {
                    pair[0]
                } as usize;
                at = next;
            }
        };
        #[derive(Default)]
        struct Walked {
            ends: Vec<[u32; 2]>,
            interior_end: Vec<u32>,
            interior: Vec<NodeId>,
            metres: Vec<f32>,
            cost: [Vec<[f32; 2]>; 3],
        }
        impl Walked {
            fn push(&mut self, ends: [u32; 2], m: f64, s: [[f64; 2]; 3], modes: [bool; 3]) {
                self.ends.push(ends);
                self.interior_end.push(self.interior.len() as u32);
                self.metres.push(m as f32);
                for k in 0..3 {
                    if modes[k] {
                        self.cost[k].push(s[k].map(|s| s as f32));
                    }
                }
            }
        }
        // Unit tests use tiny blocks so that their small graphs cross block boundaries too.
        const BLOCK: usize = if cfg!(test) { 3 } else { 1 << 14 };
        let jn = junction_node.len();
        let mut blocks: Vec<Walked> = (0..jn.div_ceil(BLOCK))
            .into_par_iter()
            .map(|b| {
                let mut out = Walked::default();
                for j in b * BLOCK..((b + 1) * BLOCK).min(jn) {
                    let v = junction_node[j] as usize;
                    let list = inc_of(v);
                    for (q, &first) in list.iter().enumerate() {
                        let mark = out.interior.len();
                        let (far, last, m, secs) =
                            walk(v, first as usize, &slot, &mut out.interior);
                        let far_j = slot[far] as usize;
                        let keep = if far_j != j {
                            j < far_j
                        } else {
                            // A loop: its other end is the last piece's place in the same list
                            // (for a one-piece loop, that piece's other place).
                            let other = (0..list.len())
                                .find(|&p| p != q && list[p] as usize == last)
                                .unwrap_or(q);
                            q < other
                        };
                        if keep {
                            out.push([j as u32, far_j as u32], m, secs, modes);
                        } else {
                            out.interior.truncate(mark);
                        }
                    }
                }
                out
            })
            .collect();
        // Interior nodes are numbered in chain order across the blocks.
        let mut base = 0u32;
        for block in &blocks {
            for (i, &v) in block.interior.iter().enumerate() {
                slot[v as usize] = INTERIOR | (base + i as u32);
            }
            base += block.interior.len() as u32;
        }
        // What is left unwalked are rings of degree-2 nodes: each one's first node (in piece
        // order) becomes a junction, and the ring one chain after all the others.
        let mut rings = Walked::default();
        for piece in 0..p {
            let v = raw.from[piece] as usize;
            if slot[v] != NONE {
                continue;
            }
            let j = junction_node.len() as u32;
            slot[v] = j;
            junction_node.push(v as NodeId);
            let mark = rings.interior.len();
            let (_, _, m, secs) = walk(v, piece, &slot, &mut rings.interior);
            for (i, &u) in rings.interior.iter().enumerate().skip(mark) {
                slot[u as usize] = INTERIOR | (base + i as u32);
            }
            rings.push([j, j], m, secs, modes);
        }
        blocks.push(rings);
        // The pieces and their incidence lists are done with: free them before the chains are
        // gathered into one table, so the two never take memory at the same time.
        drop(inc);
        let RawGraph {
            lon,
            lat,
            from: f,
            to: t,
            metres: m,
            cost: c,
            ..
        } = raw;
        drop((f, t, m, c));
        let chains: usize = blocks.iter().map(|b| b.ends.len()).sum();
        let mut ends: Vec<[u32; 2]> = Vec::with_capacity(chains);
        let mut interior_start: Vec<u32> = Vec::with_capacity(chains + 1);
        interior_start.push(0);
        let mut interior: Vec<NodeId> =
            Vec::with_capacity(blocks.iter().map(|b| b.interior.len()).sum());
        let mut metres: Vec<f32> = Vec::with_capacity(chains);
        let mut cost: [Vec<[f32; 2]>; 3] = Default::default();
        for k in 0..3 {
            if modes[k] {
                cost[k].reserve(chains);
            }
        }
        // Block by block, each freed as soon as it is copied.
        for mut block in blocks {
            let base = interior.len() as u32;
            ends.append(&mut block.ends);
            interior_start.extend(block.interior_end.iter().map(|&e| base + e));
            interior.append(&mut block.interior);
            metres.append(&mut block.metres);
            for k in 0..3 {
                cost[k].append(&mut block.cost[k]);
            }
        }
        // Junction CSR of incident chain ends.
        let jn = junction_node.len();
        let mut offsets = vec![0u32; jn + 1];
        for e in &ends {
            offsets[e[0] as usize + 1] += 1;
            offsets[e[1] as usize + 1] += 1;
        }
        for i in 0..jn {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut adj = vec![0u32; offsets[jn] as usize];
        for (c, e) in ends.iter().enumerate() {
            for end in 0..2 {
                let j = e[end] as usize;
                adj[next[j] as usize] = (c as u32) << 1 | end as u32;
                next[j] += 1;
            }
        }
        drop(next);
        drop(inc_off);
        let arcs_mode = (modes.iter().filter(|&&m| m).count() == 1)
            .then(|| modes.iter().position(|&m| m))
            .flatten();
        let reverse_arcs = match arcs_mode {
            Some(k) => adj
                .par_iter()
                .map(|&entry| {
                    let (c, end) = (entry as usize >> 1, entry as usize & 1);
                    ReverseArc {
                        head: ends[c][1 - end],
                        seconds: cost[k][c][end ^ 1],
                        metres: metres[c],
                    }
                })
                .collect(),
            None => Vec::new(),
        };
        Topology {
            lon,
            lat,
            slot,
            junction_node,
            offsets,
            adj,
            ends,
            interior_start,
            interior,
            metres,
            cost,
            arcs_mode,
            reverse_arcs,
            grid: SnapGrid::default(),
        }
    }
}

/// The nodes `v` with `keep[v]`, ordered along a Hilbert curve over their bounding box (ties,
/// i.e. nodes in one cell of the 2^16 × 2^16 curve, by node id, so the order is deterministic).
pub(crate) fn hilbert_order(
    lon: &[i32],
    lat: &[i32],
    keep: impl Fn(usize) -> bool + Sync,
) -> Vec<NodeId> {
    let kept = || (0..lon.len()).into_par_iter().filter(|&v| keep(v));
    let (w, s, e, n) = kept().map(|v| (lon[v], lat[v], lon[v], lat[v])).reduce(
        || (i32::MAX, i32::MAX, i32::MIN, i32::MIN),
        |a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)),
    );
    // Scale both axes onto 0..2^16 (one cell per ~1.6 m over a county, ~10 m over England).
    let scale = |v: i32, lo: i32, hi: i32| -> u32 {
        let span = (hi as i64 - lo as i64).max(1) as u64;
        ((((v as i64 - lo as i64) as u64) << 16) / (span + 1)) as u32
    };
    let mut keyed: Vec<(u32, NodeId)> = kept()
        .map(|v| {
            let (x, y) = (scale(lon[v], w, e), scale(lat[v], s, n));
            (hilbert_index(x, y), v as NodeId)
        })
        .collect();
    keyed.par_sort_unstable();
    keyed.into_iter().map(|(_, v)| v).collect()
}

/// Position of cell `(x, y)` (each in `0..2^16`) along the Hilbert curve that fills the
/// 2^16 × 2^16 grid: consecutive positions are neighbouring cells.
fn hilbert_index(mut x: u32, mut y: u32) -> u32 {
    const SIDE: u32 = 1 << 16;
    let mut d = 0u32;
    let mut s = SIDE / 2;
    while s > 0 {
        let rx = u32::from(x & s != 0);
        let ry = u32::from(y & s != 0);
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant so that the sub-curve starts and ends where its parent needs.
        if ry == 0 {
            if rx == 1 {
                x = SIDE - 1 - x;
                y = SIDE - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// Where a node lies in the contracted graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Place {
    Junction(u32),
    /// Chain and the node's index along it (0 would be the start junction).
    OnChain(usize, usize),
}

/// A frozen, read-only routable graph of one mode: a view on a [`Topology`] that may be shared
/// with the other modes. `Sync`: many threads may route on it at once; searches borrow scratch
/// buffers from a pool instead of allocating graph-sized arrays.
pub struct Network {
    mode: TravelMode,
    pub(crate) topo: Arc<Topology>,
    /// Bit per junction: in this mode's largest strongly connected component.
    main: Vec<u64>,
    /// Bit per chain: usable by this mode and inside the main component (snappable).
    pub(crate) snappable: Vec<u64>,
    stats: NetworkStats,
    contracted: ContractedSize,
    max_snap_m: f64,
    /// Labels of the last scenario base (see `route.rs`).
    pub(crate) scenario_base: Mutex<Option<(u64, Arc<super::route::FacilityLabels>)>>,
    /// Weakly connected components, counted when [`Network::stats`] first asks (a union–find
    /// over every chain that only reports use).
    weak_components: OnceLock<usize>,
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("stats", &self.stats())
            .field("contracted", &self.contracted)
            .field("max_snap_m", &self.max_snap_m)
            .finish()
    }
}

/// Size figures for reports and sanity checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkStats {
    pub mode: TravelMode,
    /// Nodes used by this mode.
    pub nodes: usize,
    /// Directed edges (a two-way segment counts twice).
    pub edges: usize,
    pub segments: usize,
    /// Total length of all segments, km.
    pub km: f64,
    /// Weakly connected components (direction ignored).
    pub weak_components: usize,
    /// Strongly connected components, singletons included.
    pub strong_components: usize,
    /// Nodes of the largest strongly connected component (the only one points snap to).
    pub main_component_nodes: usize,
    /// Segments points may snap to.
    pub snappable_segments: usize,
}

/// Size of one mode's share of the contracted graph. Not part of [`NetworkStats`]: it depends
/// on which other modes share the topology (their branches end chains too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractedSize {
    /// Junctions (nodes searched) used by this mode.
    pub junctions: usize,
    /// Chains (contracted edges) used by this mode.
    pub chains: usize,
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

#[inline]
pub(crate) fn bit(bits: &[u64], i: usize) -> bool {
    bits[i >> 6] >> (i & 63) & 1 == 1
}

fn set_bit(bits: &mut [u64], i: usize) {
    bits[i >> 6] |= 1 << (i & 63);
}

impl Network {
    fn new(topo: Arc<Topology>, mode: TravelMode, km: (f64, usize)) -> Network {
        let components = strongly_connected(&topo, &topo.cost[mode.index()]);
        Network::with_components(topo, mode, km, components)
    }

    /// [`Network::new`] with the mode's strongly connected components already found.
    fn with_components(
        topo: Arc<Topology>,
        mode: TravelMode,
        (km, segments): (f64, usize),
        (component, count): Components,
    ) -> Network {
        let k = mode.index();
        let cost = &topo.cost[k];
        let uses = |c: usize| cost[c][0].is_finite() || cost[c][1].is_finite();
        let (jn, cn) = (topo.junction_count(), topo.chain_count());
        // Junctions of this mode.
        let mut in_mode = vec![0u64; jn.div_ceil(64)];
        let (mut chains, mut edges, mut mode_interior) = (0usize, 0usize, 0usize);
        for c in 0..cn {
            if uses(c) {
                chains += 1;
                let pieces = topo.pieces_of(c);
                edges +=
                    pieces * (cost[c][0].is_finite() as usize + cost[c][1].is_finite() as usize);
                mode_interior += pieces - 1;
                set_bit(&mut in_mode, topo.ends[c][0] as usize);
                set_bit(&mut in_mode, topo.ends[c][1] as usize);
            }
        }
        let junctions = (0..jn).filter(|&j| bit(&in_mode, j)).count();
        // Node-level sizes: junctions plus interior nodes of chains inside one component.
        let mut sizes = vec![0usize; count];
        // Lowest node id per component: breaks ties between equally large components the
        // same way whether or not the graph is contracted.
        let mut lowest = vec![NONE; count];
        for j in 0..jn {
            if bit(&in_mode, j) {
                let k = component[j] as usize;
                sizes[k] += 1;
                lowest[k] = lowest[k].min(topo.junction_node[j]);
            }
        }
        let mut strong = junctions;
        for c in 0..cn {
            if !uses(c) {
                continue;
            }
            let [a, b] = topo.ends[c];
            let inner = topo.pieces_of(c) - 1;
            if component[a as usize] == component[b as usize] {
                let k = component[a as usize] as usize;
                sizes[k] += inner;
                for i in 1..=inner {
                    lowest[k] = lowest[k].min(topo.chain_point(c, i));
                }
            } else {
                strong += inner; // interior of a one-way link between components: singletons
            }
        }
        // Components are numbered over all junctions; count only those of this mode.
        let mut seen = vec![false; count];
        let mut strong_junction_components = 0;
        for j in 0..jn {
            if bit(&in_mode, j) && !std::mem::replace(&mut seen[component[j] as usize], true) {
                strong_junction_components += 1;
            }
        }
        strong = strong - junctions + strong_junction_components;
        // A lone node is no network to route on: with no component of two or more nodes there is
        // no main component. (It also keeps the answer independent of contraction: a lone node
        // may be the interior of a one-way chain, which the contracted graph does not list.)
        let main_component = (0..count)
            .max_by_key(|&c| (sizes[c], std::cmp::Reverse(lowest[c])))
            .filter(|&c| sizes[c] > 1);
        let mut main = vec![0u64; jn.div_ceil(64)];
        if let Some(m) = main_component {
            for j in 0..jn {
                if component[j] as usize == m && bit(&in_mode, j) {
                    set_bit(&mut main, j);
                }
            }
        }
        let mut snappable = vec![0u64; cn.div_ceil(64)];
        let mut snappable_segments = 0;
        for c in 0..cn {
            let [a, b] = topo.ends[c];
            if uses(c) && bit(&main, a as usize) && bit(&main, b as usize) {
                set_bit(&mut snappable, c);
                snappable_segments += topo.pieces_of(c);
            }
        }
        let stats = NetworkStats {
            mode,
            nodes: junctions + mode_interior,
            edges,
            segments,
            km,
            // Counted on first use of `stats()`: a routing run does not report it.
            weak_components: 0,
            strong_components: strong,
            main_component_nodes: main_component.map_or(0, |m| sizes[m]),
            snappable_segments,
        };
        Network {
            mode,
            topo,
            main,
            snappable,
            stats,
            contracted: ContractedSize { junctions, chains },
            max_snap_m: DEFAULT_MAX_SNAP_M,
            scenario_base: Mutex::new(None),
            weak_components: OnceLock::new(),
        }
    }

    pub fn mode(&self) -> TravelMode {
        self.mode
    }

    /// Seconds per chain of this mode.
    #[inline]
    pub(crate) fn cost(&self) -> &[[f32; 2]] {
        &self.topo.cost[self.mode.index()]
    }

    /// This mode's reverse arcs, if the topology was built for it alone.
    pub(crate) fn reverse_arcs(&self) -> Option<&[ReverseArc]> {
        (self.topo.arcs_mode == Some(self.mode.index())).then_some(&self.topo.reverse_arcs[..])
    }

    /// Node ids run over `0..node_count()`; the table is shared by the modes, so some nodes may
    /// not be used by this mode (see [`NetworkStats::nodes`]).
    pub fn node_count(&self) -> usize {
        self.topo.lon.len()
    }

    /// Segment ids run over `0..segment_count()`; segments other modes use but this one may not
    /// have neither direction allowed.
    pub fn segment_count(&self) -> usize {
        self.topo.piece_count()
    }

    /// Directed edges of this mode (segment level).
    pub fn edge_count(&self) -> usize {
        self.stats.edges
    }

    /// `(lon, lat)` of a node.
    pub fn node_lon_lat(&self, node: NodeId) -> (f64, f64) {
        self.topo.deg(node)
    }

    /// A segment's ends, length and per-direction times in this mode.
    pub fn segment(&self, id: SegmentId) -> Segment {
        let topo = &self.topo;
        let (c, k) = topo.chain_of_piece(id as usize);
        let n = topo.pieces_of(c);
        let share = if n == 1 {
            1.0
        } else {
            let mut lens = Vec::with_capacity(n);
            topo.piece_lengths(c, &mut lens);
            let total: f64 = lens.iter().sum();
            if total > 0.0 {
                lens[k] / total
            } else {
                1.0 / n as f64
            }
        };
        let cost = self.cost()[c];
        let opt = |s: f32| s.is_finite().then_some(s as f64 * share);
        Segment {
            from: topo.chain_point(c, k),
            to: topo.chain_point(c, k + 1),
            metres: topo.metres[c] as f64 * share,
            forward_s: opt(cost[0]),
            backward_s: opt(cost[1]),
        }
    }

    /// Outgoing edges of `node` (segment level) as `(head, seconds, metres)`.
    pub fn out_edges(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64, f64)> + '_ {
        let topo = &self.topo;
        // (segment, node is the segment's `from`)
        let mut pieces: Vec<(SegmentId, bool)> = Vec::new();
        match topo.locate(node) {
            Some(Place::Junction(j)) => {
                let j = j as usize;
                for e in topo.offsets[j]..topo.offsets[j + 1] {
                    let entry = topo.adj[e as usize] as usize;
                    let (c, end) = (entry >> 1, entry & 1);
                    let s = if end == 0 {
                        topo.piece_start(c)
                    } else {
                        topo.piece_start(c) + topo.pieces_of(c) - 1
                    };
                    pieces.push((s as SegmentId, end == 0));
                }
            }
            Some(Place::OnChain(c, k)) => {
                let s = topo.piece_start(c) + k;
                pieces.push(((s - 1) as SegmentId, false));
                pieces.push((s as SegmentId, true));
            }
            None => {}
        }
        pieces.into_iter().filter_map(move |(s, forward)| {
            let seg = self.segment(s);
            if forward {
                seg.forward_s.map(|t| (seg.to, t, seg.metres))
            } else {
                seg.backward_s.map(|t| (seg.from, t, seg.metres))
            }
        })
    }

    /// Whether `node` belongs to the largest strongly connected component.
    pub fn in_main_component(&self, node: NodeId) -> bool {
        match self.topo.locate(node) {
            Some(Place::Junction(j)) => bit(&self.main, j as usize),
            Some(Place::OnChain(c, _)) => bit(&self.snappable, c),
            None => false,
        }
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
        let weak = *self.weak_components.get_or_init(|| {
            weakly_connected_count(&self.topo, self.cost(), self.contracted.junctions)
        });
        NetworkStats {
            weak_components: weak,
            ..self.stats
        }
    }

    /// Junctions and chains this mode searches.
    pub fn contracted(&self) -> ContractedSize {
        self.contracted
    }

    /// `[west, south, east, north]` of the node table.
    pub fn extent(&self) -> Option<[f64; 4]> {
        extent_of(&self.topo.lon, &self.topo.lat)
    }

    /// Bytes held by each structure: the shared topology (`shared = true`, counted once for
    /// all modes) and this mode's own bit sets.
    pub fn memory(&self) -> Vec<(&'static str, usize, bool)> {
        let mut out: Vec<_> = self
            .topo
            .memory()
            .into_iter()
            .map(|(k, v)| (k, v, true))
            .collect();
        out.push((
            "main-component bits (this mode)",
            (self.main.len() + self.snappable.len()) * 8,
            false,
        ));
        out
    }
}

/// Component of every junction and the number of components.
type Components = (Vec<u32>, usize);

/// Kosaraju's algorithm over the junction graph of one mode (explicit stacks, so national
/// graphs cannot overflow the call stack). Returns the component of every junction and the
/// number of components.
fn strongly_connected(topo: &Topology, cost: &[[f32; 2]]) -> Components {
    let n = topo.junction_count();
    // Heads reachable from junction v over entry e, in direction `dir` (0 forward, 1 reverse).
    let step = |e: usize, dir: usize| -> Option<u32> {
        let entry = topo.adj[e] as usize;
        let (c, end) = (entry >> 1, entry & 1);
        // Leaving v along the chain: from start (end 0) uses cost[0], from end uses cost[1].
        // Reverse graph: arriving at v means the other end travels towards v.
        let d = if dir == 0 { end } else { 1 - end };
        cost[c][d].is_finite().then(|| topo.ends[c][1 - end])
    };
    // Where every chain of the mode runs both ways or neither (walking; most of a car network
    // is not), strongly connected means connected: one labelling pass instead of Kosaraju's two.
    let both_or_neither = cost
        .par_iter()
        .all(|c| c[0].is_finite() == c[1].is_finite());
    if both_or_neither {
        return label_components(topo, 0..n as u32, |e| step(e, 1));
    }
    let mut visited = vec![false; n];
    let mut finish_order = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        stack.push((start as u32, topo.offsets[start]));
        while let Some((v, pos)) = stack.last_mut() {
            let end = topo.offsets[*v as usize + 1];
            if *pos < end {
                let e = *pos as usize;
                *pos += 1;
                if let Some(w) = step(e, 0) {
                    if !visited[w as usize] {
                        visited[w as usize] = true;
                        stack.push((w, topo.offsets[w as usize]));
                    }
                }
            } else {
                finish_order.push(*v);
                stack.pop();
            }
        }
    }
    drop(visited);
    label_components(topo, finish_order.into_iter().rev(), |e| step(e, 1))
}

/// Number the junctions reachable over `step` from each root in turn, roots taken in order and
/// skipped once labelled: Kosaraju's second pass, or plain connected components when every
/// step can be walked back.
fn label_components(
    topo: &Topology,
    roots: impl IntoIterator<Item = u32>,
    step: impl Fn(usize) -> Option<u32>,
) -> Components {
    let mut component = vec![NONE; topo.junction_count()];
    let mut count = 0u32;
    let mut todo: Vec<u32> = Vec::new();
    for root in roots {
        if component[root as usize] != NONE {
            continue;
        }
        component[root as usize] = count;
        todo.push(root);
        while let Some(v) = todo.pop() {
            for e in topo.offsets[v as usize]..topo.offsets[v as usize + 1] {
                if let Some(w) = step(e as usize) {
                    if component[w as usize] == NONE {
                        component[w as usize] = count;
                        todo.push(w);
                    }
                }
            }
        }
        count += 1;
    }
    (component, count as usize)
}

/// Number of weakly connected components of one mode (union–find with path halving), given
/// the number of junctions the mode uses.
fn weakly_connected_count(topo: &Topology, cost: &[[f32; 2]], junctions: usize) -> usize {
    let n = topo.junction_count();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            parent[x as usize] = parent[parent[x as usize] as usize];
            x = parent[x as usize];
        }
        x
    }
    let mut count = junctions;
    for (c, &[a, b]) in topo.ends.iter().enumerate() {
        if !(cost[c][0].is_finite() || cost[c][1].is_finite()) {
            continue;
        }
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
    fn hilbert_index_walks_the_grid_one_step_at_a_time() {
        // The curve starts in the corner (0, 0), so its first 4^k positions fill the square of
        // side 2^k there, each exactly once, and consecutive positions are neighbouring cells.
        for side in [2u32, 16, 64] {
            let mut cells: Vec<(u32, u32, u32)> = (0..side)
                .flat_map(|x| (0..side).map(move |y| (hilbert_index(x, y), x, y)))
                .collect();
            cells.sort_unstable();
            for (i, w) in cells.windows(2).enumerate() {
                assert_eq!(
                    w[0].0,
                    i as u32,
                    "side {side}: positions 0..{}",
                    side * side
                );
                let step = w[0].1.abs_diff(w[1].1) + w[0].2.abs_diff(w[1].2);
                assert_eq!(step, 1, "side {side}: {:?} then {:?}", w[0], w[1]);
            }
            assert_eq!(cells.last().unwrap().0, side * side - 1);
        }
        // The far corner of the whole 2^16 grid is on the curve's last quarter.
        assert!(hilbert_index(65_535, 0) >= 3 << 30);
    }

    #[test]
    fn junctions_are_numbered_along_the_curve() {
        // Nodes added in a scattered order come out in Hilbert order, whatever their ids.
        let lon = [9, 0, 5, 0, 9].map(|v| v * 1_000_000);
        let lat = [0, 0, 5, 9, 9].map(|v| v * 1_000_000);
        let keep = [true, true, false, true, true];
        let order = hilbert_order(&lon, &lat, |v| keep[v]);
        // The curve over the box starts at its south-west corner and ends at its south-east one.
        assert_eq!(order, vec![1, 3, 4, 0]);
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

    proptest::proptest! {
        /// Components against an oracle (u and v together iff each reaches the other, by
        /// transitive closure), on random graphs that are two-way throughout (the one-pass
        /// path) and with one-way streets (Kosaraju).
        #[test]
        fn strong_components_match_mutual_reachability(
            n in 2usize..12,
            edges in proptest::collection::vec((0usize..12, 0usize..12, 0u8..3), 1..24),
            two_way in proptest::bool::ANY,
        ) {
            let mut b = NetworkBuilder::new(TravelMode::Car);
            let nodes: Vec<_> = (0..n)
                .map(|i| b.add_node((i % 4) as f64 * 0.001, (i / 4) as f64 * 0.001))
                .collect();
            for &(x, y, dir) in &edges {
                let (x, y) = (x % n, y % n);
                if x != y {
                    let (f, r) = if two_way { (true, true) } else { (dir != 1, dir != 0) };
                    b.add_way_segment(nodes[x], nodes[y], f, r, 30.0);
                }
            }
            let Ok(net) = b.build() else { return Ok(()) };
            let topo = &net.topo;
            let cost = &topo.cost[TravelMode::Car.index()];
            let (component, count) = strongly_connected(topo, cost);
            let jn = topo.junction_count();
            let mut reach = vec![vec![false; jn]; jn];
            for (v, row) in reach.iter_mut().enumerate() {
                row[v] = true;
            }
            for (c, &[a, b]) in topo.ends.iter().enumerate() {
                reach[a as usize][b as usize] |= cost[c][0].is_finite();
                reach[b as usize][a as usize] |= cost[c][1].is_finite();
            }
            for k in 0..jn {
                for i in 0..jn {
                    for j in 0..jn {
                        if reach[i][k] && reach[k][j] {
                            reach[i][j] = true;
                        }
                    }
                }
            }
            for u in 0..jn {
                for v in 0..jn {
                    proptest::prop_assert_eq!(
                        component[u] == component[v],
                        reach[u][v] && reach[v][u],
                        "junctions {} and {}", u, v
                    );
                }
            }
            let mut used: Vec<u32> = component.clone();
            used.sort_unstable();
            used.dedup();
            proptest::prop_assert_eq!(used, (0..count as u32).collect::<Vec<_>>());
        }
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

    #[test]
    fn chains_of_degree_two_nodes_are_contracted() {
        // A 10-segment two-way street between two T junctions: 2 junctions... plus the stubs.
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let line: Vec<_> = (0..11).map(|i| b.add_node(i as f64 * 0.001, 0.0)).collect();
        for w in line.windows(2) {
            b.add_way_segment(w[0], w[1], true, true, 5.0);
        }
        let net = b.build().unwrap();
        let (s, c) = (net.stats(), net.contracted());
        assert_eq!((s.nodes, s.segments, c.junctions, c.chains), (11, 10, 2, 1));
        // A change of speed in the middle keeps the node as a junction.
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let line: Vec<_> = (0..5).map(|i| b.add_node(i as f64 * 0.001, 0.0)).collect();
        for (i, w) in line.windows(2).enumerate() {
            b.add_way_segment(w[0], w[1], true, true, if i < 2 { 30.0 } else { 50.0 });
        }
        let c = b.build().unwrap().contracted();
        assert_eq!((c.junctions, c.chains), (3, 2));
        // A ring with no junction at all still becomes one chain.
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let ring: Vec<_> = (0..4)
            .map(|i| b.add_node((i % 2) as f64 * 0.001, (i / 2) as f64 * 0.001))
            .collect();
        for (x, y) in [(0, 1), (1, 3), (3, 2), (2, 0)] {
            b.add_way_segment(ring[x], ring[y], true, true, 5.0);
        }
        let net = b.build().unwrap();
        let (s, c) = (net.stats(), net.contracted());
        assert_eq!(
            (s.nodes, c.junctions, c.chains, s.main_component_nodes),
            (4, 1, 1, 4)
        );
        assert!((0..4).all(|v| net.in_main_component(v)));
    }

    #[test]
    fn a_mode_without_segments_is_an_error_naming_mode_and_extent() {
        use super::super::profile::WayRule;
        let mut b = NetworksBuilder::new();
        let (x, y) = (b.add_node(-2.2, 51.8), b.add_node(-2.1, 51.9));
        let walk = WayRule {
            forward: true,
            backward: true,
            kmh: 4.8,
        };
        // A footway: walking and cycling only, nothing for cars.
        assert!(b.add_way_segment(x, y, [Some(walk), Some(walk), None]));
        let err = b.build("paths.osm.pbf").unwrap_err().to_string();
        assert!(
            err.contains("paths.osm.pbf") && err.contains("car"),
            "{err}"
        );
        assert!(
            err.contains("lon -2.2000..-2.1000, lat 51.8000..51.9000"),
            "{err}"
        );
    }
}
