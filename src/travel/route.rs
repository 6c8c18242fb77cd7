//! Shortest-time searches: one multi-source Dijkstra on the reversed graph answers "nearest
//! facility" for every origin at once, in O(E log V) whatever the number of origins.
//!
//! Searches run on the contracted graph (junctions and chains, see `graph.rs`); a point on a
//! chain at position `u` (0 = its start junction, 1 = its end) reaches the start in
//! `u · time(end → start)` and the end in `(1 − u) · time(start → end)`, because a chain has one
//! speed per direction. Costs, for an origin O on chain (a, b) at position s and a destination D
//! on chain (c, d) at position t:
//! * seeds: c gets `t · time(c→d)` if c→d is allowed, d gets `(1 − t) · time(d→c)` if d→c is
//!   allowed, both plus D's walking snap leg, so the search picks the facility that is nearest
//!   *including* the walk from the road to the door;
//! * origin: min of `s · time(b→a) + label(a)` (if b→a allowed) and
//!   `(1 − s) · time(a→b) + label(b)` (if a→b allowed), plus O's walking snap leg;
//! * a destination on the origin's own chain is also reached directly along it when the
//!   chain's direction allows;
//! * a zero-length partial move is always allowed, so a point snapped exactly onto a node can
//!   use that node whatever the direction of the segment it was snapped to.
//!
//! `minutes` include both off-network snap legs at walking speed; `metres` are on-network only.
//!
//! Label arrays (per junction) come from a small pool and are reset by a generation stamp, so a
//! search allocates nothing graph-sized. [`FacilityLabels`] keep a search's result so that a
//! scenario recomputes only what a change can affect: closing a site re-runs the region whose
//! nearest site it was; opening one runs a search that stops wherever it is not better.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::graph::{Network, NodeId, Place, ReverseArc, Topology};
use super::snap::Snap;
use super::speeds;

/// The nearest facility for one origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Access {
    /// Index into the destinations slice.
    pub destination: usize,
    /// Door-to-door minutes: network time plus both snap legs walked at [`speeds::WALK_KMH`].
    pub minutes: f64,
    /// Metres travelled on the network (snap legs excluded, see the two fields below).
    pub metres: f64,
    /// Straight-line metres from the origin to the network.
    pub origin_snap_m: f64,
    /// Straight-line metres from the network to the destination.
    pub destination_snap_m: f64,
}

/// Why an origin has no travel time. Never replaced by a made-up number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unreachable {
    /// Longitude/latitude not finite or out of range.
    InvalidCoordinate,
    /// No main-component road within the maximum snap distance (`nearest_m` is how far the
    /// nearest one was, if the network has any).
    NoNearbyRoad { nearest_m: Option<f64> },
    /// None of the destinations could be placed on the network.
    NoDestination,
    /// Snapped, but no destination can be reached in the allowed directions.
    NoRoute,
}

impl Unreachable {
    /// Short machine-readable status used in CSV output.
    pub fn status(&self) -> &'static str {
        match self {
            Unreachable::InvalidCoordinate => "invalid_coordinate",
            Unreachable::NoNearbyRoad { .. } => "no_nearby_road",
            Unreachable::NoDestination => "no_destination",
            Unreachable::NoRoute => "unreachable",
        }
    }
}

/// A starting label for [`Network::to_nearest_seed`]: reaching `node` costs `seconds` and
/// `metres` more to get to seed `source`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seed {
    pub node: NodeId,
    pub seconds: f64,
    pub metres: f64,
    pub source: usize,
}

/// Per-node result of a multi-source search.
#[derive(Debug, Clone)]
pub struct SeedLabels {
    seconds: Vec<f64>,
    metres: Vec<f64>,
    source: Vec<u32>,
}

impl SeedLabels {
    /// Seconds from `node` to its nearest seed, `None` if no seed is reachable.
    pub fn seconds(&self, node: NodeId) -> Option<f64> {
        let s = self.seconds[node as usize];
        s.is_finite().then_some(s)
    }

    /// Metres along that fastest path.
    pub fn metres(&self, node: NodeId) -> Option<f64> {
        self.seconds(node).map(|_| self.metres[node as usize])
    }

    /// Which seed's `source` the fastest path ends at.
    pub fn source(&self, node: NodeId) -> Option<usize> {
        self.seconds(node)
            .map(|_| self.source[node as usize] as usize)
    }

    pub fn len(&self) -> usize {
        self.seconds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seconds.is_empty()
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Queued {
    seconds: f64,
    node: u32,
}

impl Eq for Queued {}

impl Ord for Queued {
    /// Reversed so that `BinaryHeap` pops the smallest time; node id breaks ties so results
    /// do not depend on insertion order.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .seconds
            .total_cmp(&self.seconds)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// One junction's label, interleaved so that a search touches one place in memory per
/// junction (24 bytes, not four arrays): valid only if `stamp` equals the search's generation.
#[derive(Clone, Copy)]
#[repr(C)]
struct Label {
    seconds: f64,
    metres: f32,
    source: u32,
    stamp: u32,
}

impl Default for Label {
    fn default() -> Self {
        Label {
            seconds: f64::INFINITY,
            metres: 0.0,
            source: u32::MAX,
            stamp: 0,
        }
    }
}

/// Per-junction labels of one search. A label is valid only if its stamp equals `generation`,
/// so resetting is O(1) and the array is reused from search to search.
#[derive(Clone, Default)]
pub(crate) struct Labels {
    label: Vec<Label>,
    generation: u32,
    heap: BinaryHeap<Queued>,
}

impl Labels {
    fn reset(&mut self, n: usize) {
        if self.label.len() < n {
            self.label.resize(n, Label::default());
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.label.iter_mut().for_each(|l| l.stamp = 0);
            self.generation = 1;
        }
        self.heap.clear();
    }

    #[inline]
    fn seconds(&self, v: usize) -> f64 {
        let l = &self.label[v];
        if l.stamp == self.generation {
            l.seconds
        } else {
            f64::INFINITY
        }
    }

    #[inline]
    fn set(&mut self, v: usize, seconds: f64, metres: f64, source: u32) {
        self.label[v] = Label {
            seconds,
            metres: metres as f32,
            source,
            stamp: self.generation,
        };
    }

    /// Offer a label; queue it if it improves on the current one.
    #[inline]
    fn offer(&mut self, v: usize, seconds: f64, metres: f64, source: u32) {
        if seconds < self.seconds(v) {
            self.set(v, seconds, metres, source);
            self.heap.push(Queued {
                seconds,
                node: v as u32,
            });
        }
    }

    /// `(seconds, metres, source)` of junction `v`, if reached.
    #[inline]
    fn get(&self, v: usize) -> Option<(f64, f64, u32)> {
        let s = self.seconds(v);
        s.is_finite().then(|| {
            let l = &self.label[v];
            (s, l.metres as f64, l.source)
        })
    }

    /// Forget junction `v`'s label (it will be searched again).
    #[inline]
    fn clear(&mut self, v: usize) {
        self.label[v].seconds = f64::INFINITY;
    }

    fn bytes(&self) -> usize {
        self.label.len() * std::mem::size_of::<Label>()
    }
}

/// Reusable label arrays, at most one per concurrent search.
static POOL: Mutex<Vec<Labels>> = Mutex::new(Vec::new());

fn take_labels(n: usize) -> Labels {
    let mut l = POOL
        .lock()
        .map(|mut p| p.pop().unwrap_or_default())
        .unwrap_or_default();
    l.reset(n);
    l
}

fn return_labels(l: Labels) {
    if let Ok(mut p) = POOL.lock() {
        if p.len() < 8 {
            p.push(l);
        }
    }
}

/// Direction of a search: `Reverse` labels are times *to* the seeds (edges walked backwards),
/// `Forward` labels times *from* them.
#[derive(Clone, Copy, PartialEq)]
enum Direction {
    Forward,
    Reverse,
}

/// What a search reads: the topology, one mode's chain costs and, when the topology was built
/// for that mode alone, its reverse arcs (the same costs, laid out for reverse searches).
#[derive(Clone, Copy)]
struct Graph<'a> {
    topo: &'a Topology,
    cost: &'a [[f32; 2]],
    arcs: Option<&'a [ReverseArc]>,
}

/// Offer every junction one chain away from the settled junction `v` (reached in `seconds`).
/// Forward (`reverse` 0): leave v along the chain (start → end is cost[0]); reverse: arrive at v.
#[inline(always)]
fn relax(g: Graph, labels: &mut Labels, v: usize, seconds: f64, reverse: usize) {
    let Label { metres, source, .. } = labels.label[v];
    let metres = metres as f64;
    let topo = g.topo;
    let entries = topo.offsets[v] as usize..topo.offsets[v + 1] as usize;
    if let (1, Some(arcs)) = (reverse, g.arcs) {
        let arcs = &arcs[entries];
        for a in arcs {
            if a.seconds.is_finite() {
                let s = seconds + a.seconds as f64;
                labels.offer(a.head as usize, s, metres + a.metres as f64, source);
            }
        }
        return;
    }
    for e in entries {
        let entry = topo.adj[e] as usize;
        let (c, end) = (entry >> 1, entry & 1);
        let s = g.cost[c][end ^ reverse];
        if !s.is_finite() {
            continue;
        }
        let u = topo.ends[c][1 - end] as usize;
        labels.offer(
            u,
            seconds + s as f64,
            metres + topo.metres[c] as f64,
            source,
        );
    }
}

/// Dijkstra with lazy deletion from whatever is queued in `labels`, stopping past `limit`.
fn settle(g: Graph, labels: &mut Labels, dir: Direction, limit: f64) {
    let reverse = (dir == Direction::Reverse) as usize;
    while let Some(Queued { seconds, node }) = labels.heap.pop() {
        let v = node as usize;
        if seconds > labels.seconds(v) {
            continue; // stale entry
        }
        if seconds > limit {
            break;
        }
        relax(g, labels, v, seconds, reverse);
    }
}

/// [`settle`] without a limit, stopping as soon as every junction of `targets` is settled.
/// Their labels are final then (costs are non-negative and [`Labels::offer`] replaces only a
/// strictly better label), and equal to a full search's: this run is a prefix of that one.
/// Unreachable targets make it run to exhaustion, as `settle` does.
fn settle_until(g: Graph, labels: &mut Labels, dir: Direction, targets: &[u32]) {
    let mut wanted = vec![0u64; g.topo.junction_count().div_ceil(64)];
    let mut remaining = 0usize;
    for &t in targets {
        let (w, b) = (t as usize >> 6, 1u64 << (t & 63));
        if wanted[w] & b == 0 {
            wanted[w] |= b;
            remaining += 1;
        }
    }
    if remaining == 0 {
        return;
    }
    let reverse = (dir == Direction::Reverse) as usize;
    while let Some(Queued { seconds, node }) = labels.heap.pop() {
        let v = node as usize;
        if seconds > labels.seconds(v) {
            continue; // stale entry
        }
        let (w, b) = (v >> 6, 1u64 << (v & 63));
        if wanted[w] & b != 0 {
            wanted[w] &= !b;
            remaining -= 1;
            if remaining == 0 {
                return;
            }
        }
        relax(g, labels, v, seconds, reverse);
    }
}

/// Seconds to travel `fraction` of a chain in a direction whose full time is `full_s`
/// (infinite = forbidden). Moving zero distance is always allowed, so a point snapped exactly
/// onto the end node of a one-way segment can still use that node.
#[inline]
fn partial(fraction: f64, full_s: f32) -> Option<f64> {
    if fraction <= 0.0 {
        Some(0.0)
    } else {
        full_s.is_finite().then_some(fraction * full_s as f64)
    }
}

/// A position on the contracted graph: chain and position along it (0 = start, 1 = end).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    chain: usize,
    u: f64,
}

impl Network {
    fn graph(&self) -> Graph<'_> {
        Graph {
            topo: &self.topo,
            cost: self.cost(),
            arcs: self.reverse_arcs(),
        }
    }

    fn point_of_snap(&self, snap: &Snap) -> Point {
        let (chain, k) = self.topo.chain_of_piece(snap.segment as usize);
        Point {
            chain,
            u: self.topo.chain_fraction(chain, k, snap.fraction),
        }
    }

    /// `(junction, seconds, metres)` to enter the graph at point `p`: for `Reverse` searches the
    /// cost of reaching `p` from each chain end, for `Forward` the cost of leaving `p` to it.
    fn ends_of(&self, p: Point, dir: Direction) -> [Option<(usize, f64, f64)>; 2] {
        let cost = self.cost()[p.chain];
        let m = self.topo.metres[p.chain] as f64;
        let [a, b] = self.topo.ends[p.chain];
        // Towards the start (position decreasing) the traveller uses cost[1].
        let (to_a, to_b) = match dir {
            // Reverse: a → p travels start→end (cost[0]); b → p travels end→start (cost[1]).
            Direction::Reverse => (partial(p.u, cost[0]), partial(1.0 - p.u, cost[1])),
            Direction::Forward => (partial(p.u, cost[1]), partial(1.0 - p.u, cost[0])),
        };
        [
            to_a.map(|s| (a as usize, s, p.u * m)),
            to_b.map(|s| (b as usize, s, (1.0 - p.u) * m)),
        ]
    }

    /// Seconds and metres along one chain from position `x` to position `y`.
    fn along(&self, chain: usize, x: f64, y: f64) -> Option<(f64, f64)> {
        let cost = self.cost()[chain];
        let m = self.topo.metres[chain] as f64;
        let s = if y >= x {
            partial(y - x, cost[0])
        } else {
            partial(x - y, cost[1])
        }?;
        Some((s, (y - x).abs() * m))
    }

    /// Best `(seconds, metres, source)` for point `p` from junction labels (plus the direct
    /// moves along its own chain to/from `same_chain` seeds `(position, seconds, metres,
    /// source)`), considering the ends in order start, end, then the direct ones.
    fn point_label(
        &self,
        labels: &Labels,
        p: Point,
        dir: Direction,
        same_chain: &[(f64, f64, f64, u32)],
    ) -> Option<(f64, f64, u32)> {
        let mut best: Option<(f64, f64, u32)> = None;
        let mut consider = |cand: (f64, f64, u32)| {
            if best.is_none_or(|b| cand.0 < b.0 || (cand.0 == b.0 && cand.2 < b.2)) {
                best = Some(cand);
            }
        };
        // Leaving p towards the ends for Reverse labels is the Forward entry and vice versa.
        let flip = match dir {
            Direction::Reverse => Direction::Forward,
            Direction::Forward => Direction::Reverse,
        };
        for (j, s, m) in self.ends_of(p, flip).into_iter().flatten() {
            if let Some((ls, lm, src)) = labels.get(j) {
                consider((s + ls, m + lm, src));
            }
        }
        for &(pos, s0, m0, src) in same_chain {
            let step = match dir {
                Direction::Reverse => self.along(p.chain, p.u, pos),
                Direction::Forward => self.along(p.chain, pos, p.u),
            };
            if let Some((s, m)) = step {
                consider((s0 + s, m0 + m, src));
            }
        }
        best
    }

    /// Labels of every node of the shared table from junction labels (interior nodes are
    /// evaluated as points on their chain).
    fn expand(
        &self,
        labels: &Labels,
        dir: Direction,
        on_chain: &HashMap<usize, Vec<(f64, f64, f64, u32)>>,
        direct: &HashMap<usize, (f64, f64, u32)>,
    ) -> SeedLabels {
        let topo = &self.topo;
        let n = self.node_count();
        let mut out = SeedLabels {
            seconds: vec![f64::INFINITY; n],
            metres: vec![0.0; n],
            source: vec![u32::MAX; n],
        };
        fn put(out: &mut SeedLabels, v: usize, l: Option<(f64, f64, u32)>) {
            if let Some((s, m, src)) = l {
                out.seconds[v] = s;
                out.metres[v] = m;
                out.source[v] = src;
            }
        }
        for (j, &v) in topo.junction_node.iter().enumerate() {
            put(&mut out, v as usize, labels.get(j));
        }
        let mut lens = Vec::new();
        for c in 0..topo.chain_count() {
            let pieces = topo.pieces_of(c);
            if pieces == 1 {
                continue;
            }
            topo.piece_lengths(c, &mut lens);
            let total: f64 = lens.iter().sum();
            let same = on_chain.get(&c).map_or(&[][..], |v| &v[..]);
            let mut run = 0.0;
            for k in 1..pieces {
                run += lens[k - 1];
                let u = if total > 0.0 {
                    run / total
                } else {
                    k as f64 / pieces as f64
                };
                let v = topo.chain_point(c, k) as usize;
                put(
                    &mut out,
                    v,
                    self.point_label(labels, Point { chain: c, u }, dir, same),
                );
            }
        }
        for (&v, &l) in direct {
            if l.0 < out.seconds[v] {
                put(&mut out, v, Some(l));
            }
        }
        out
    }

    /// Seeds given on nodes: queue them (interior nodes through their chain's ends) and collect
    /// the per-chain and per-unused-node lists [`Network::expand`] needs.
    #[allow(clippy::type_complexity)]
    fn queue_node_seeds(
        &self,
        labels: &mut Labels,
        seeds: &[Seed],
        dir: Direction,
    ) -> (
        HashMap<usize, Vec<(f64, f64, f64, u32)>>,
        HashMap<usize, (f64, f64, u32)>,
    ) {
        let topo = &self.topo;
        let mut on_chain: HashMap<usize, Vec<(f64, f64, f64, u32)>> = HashMap::new();
        let mut direct: HashMap<usize, (f64, f64, u32)> = HashMap::new();
        for seed in seeds {
            let src = seed.source as u32;
            match topo.locate(seed.node) {
                Some(Place::Junction(j)) => {
                    labels.offer(j as usize, seed.seconds, seed.metres, src)
                }
                Some(Place::OnChain(c, k)) => {
                    let p = Point {
                        chain: c,
                        u: topo.chain_fraction(c, k, 0.0),
                    };
                    for (j, s, m) in self.ends_of(p, dir).into_iter().flatten() {
                        labels.offer(j, seed.seconds + s, seed.metres + m, src);
                    }
                    on_chain
                        .entry(c)
                        .or_default()
                        .push((p.u, seed.seconds, seed.metres, src));
                }
                None if (seed.node as usize) < self.node_count() => {
                    let e = direct
                        .entry(seed.node as usize)
                        .or_insert((f64::INFINITY, 0.0, 0));
                    if seed.seconds < e.0 {
                        *e = (seed.seconds, seed.metres, src);
                    }
                }
                None => {}
            }
        }
        (on_chain, direct)
    }

    /// For every node, the fastest way to *reach* any seed travelling along edges in their
    /// allowed direction (Dijkstra on the reversed graph). Seeds naming a node outside the
    /// graph are ignored; of several seeds on one node the cheapest wins.
    pub fn to_nearest_seed(&self, seeds: &[Seed]) -> SeedLabels {
        let mut labels = take_labels(self.topo.junction_count());
        let (on_chain, direct) = self.queue_node_seeds(&mut labels, seeds, Direction::Reverse);
        settle(self.graph(), &mut labels, Direction::Reverse, f64::INFINITY);
        let out = self.expand(&labels, Direction::Reverse, &on_chain, &direct);
        return_labels(labels);
        out
    }

    /// Seconds from `node` to every node (forward search); `f64::INFINITY` if unreachable.
    pub fn one_to_all(&self, node: NodeId) -> Vec<f64> {
        let seed = Seed {
            node,
            seconds: 0.0,
            metres: 0.0,
            source: 0,
        };
        let mut labels = take_labels(self.topo.junction_count());
        let (on_chain, direct) = self.queue_node_seeds(&mut labels, &[seed], Direction::Forward);
        settle(self.graph(), &mut labels, Direction::Forward, f64::INFINITY);
        let out = self.expand(&labels, Direction::Forward, &on_chain, &direct);
        return_labels(labels);
        out.seconds
    }

    /// On-network seconds from the snapped position `from` to each snapped position in `to`
    /// (snap legs excluded), `None` where unreachable or slower than `max_seconds`. One forward
    /// search that stops at `max_seconds`, so short walks on a national graph stay cheap.
    pub fn one_to_many(&self, from: &Snap, to: &[Snap], max_seconds: f64) -> Vec<Option<f64>> {
        if (from.segment as usize) >= self.segment_count() {
            return vec![None; to.len()];
        }
        let p = self.point_of_snap(from);
        let mut labels = take_labels(self.topo.junction_count());
        for (j, s, m) in self.ends_of(p, Direction::Forward).into_iter().flatten() {
            labels.offer(j, s, m, 0);
        }
        settle(self.graph(), &mut labels, Direction::Forward, max_seconds);
        let same = [(p.u, 0.0, 0.0, 0u32)];
        let out = to
            .iter()
            .map(|t| {
                if (t.segment as usize) >= self.segment_count() {
                    return None;
                }
                let q = self.point_of_snap(t);
                let direct = if q.chain == p.chain { &same[..] } else { &[] };
                let (s, ..) = self.point_label(&labels, q, Direction::Forward, direct)?;
                (s <= max_seconds).then_some(s)
            })
            .collect();
        return_labels(labels);
        out
    }

    /// Nearest destination (by door-to-door time) for each origin; `None` when unreachable.
    /// Points are `(lon, lat)` in WGS84.
    pub fn nearest_facility(
        &self,
        origins: &[(f64, f64)],
        destinations: &[(f64, f64)],
    ) -> Vec<Option<Access>> {
        self.nearest_facility_detailed(origins, destinations)
            .into_iter()
            .map(Result::ok)
            .collect()
    }

    /// Like [`Network::nearest_facility`], but says why an origin is unreachable.
    pub fn nearest_facility_detailed(
        &self,
        origins: &[(f64, f64)],
        destinations: &[(f64, f64)],
    ) -> Vec<Result<Access, Unreachable>> {
        // The origins read labels only at the two ends of the chain each snaps to: the search
        // may stop once those are settled instead of covering the whole network.
        let t = std::time::Instant::now();
        let targets: Vec<u32> = origins
            .par_iter()
            .filter_map(|&(lon, lat)| self.snap(lon, lat))
            .flat_map_iter(|s| self.topo.ends[self.point_of_snap(&s).chain])
            .collect();
        let labels = self.facility_labels_until(
            take_labels(self.topo.junction_count()),
            destinations,
            Some(&targets),
        );
        let search_s = t.elapsed().as_secs_f64();
        let out = self.nearest_with(&labels, origins);
        return_labels(labels.labels);
        tracing::debug!(
            origins = origins.len(),
            destinations = destinations.len(),
            search_s,
            answer_s = t.elapsed().as_secs_f64() - search_s,
            "nearest facility"
        );
        out
    }

    /// One multi-source search from `destinations`, kept for [`Network::nearest_with`] and for
    /// cheap what-ifs ([`Network::close_facility`], [`Network::open_facility`]).
    pub fn facility_labels(&self, destinations: &[(f64, f64)]) -> FacilityLabels {
        // An idle array from the pool (one left by an earlier search) rather than a new one:
        // kept labels are graph-sized.
        self.facility_labels_in(take_labels(self.topo.junction_count()), destinations)
    }

    fn facility_labels_in(&self, labels: Labels, destinations: &[(f64, f64)]) -> FacilityLabels {
        self.facility_labels_until(labels, destinations, None)
    }

    /// The multi-source search; with `targets`, only until those junctions are settled (the
    /// other labels may then be unfinished, so such labels serve only those junctions).
    fn facility_labels_until(
        &self,
        labels: Labels,
        destinations: &[(f64, f64)],
        targets: Option<&[u32]>,
    ) -> FacilityLabels {
        let snaps: Vec<Option<Snap>> = destinations
            .par_iter()
            .map(|&(lon, lat)| self.snap(lon, lat))
            .collect();
        let mut f = FacilityLabels {
            labels,
            dests: Vec::with_capacity(snaps.len()),
            active: Vec::with_capacity(snaps.len()),
            on_chain: HashMap::new(),
        };
        for snap in snaps {
            self.add_destination(&mut f, snap);
        }
        match targets {
            None => settle(
                self.graph(),
                &mut f.labels,
                Direction::Reverse,
                f64::INFINITY,
            ),
            Some(t) => settle_until(self.graph(), &mut f.labels, Direction::Reverse, t),
        }
        f
    }

    /// Append a destination and queue its seeds (not yet settled).
    fn add_destination(&self, f: &mut FacilityLabels, snap: Option<Snap>) -> usize {
        let j = f.dests.len();
        let dest = snap.map(|snap| Dest {
            point: self.point_of_snap(&snap),
            leg_s: snap.distance_m / speeds::mps(speeds::WALK_KMH),
            snap_m: snap.distance_m,
        });
        if let Some(d) = dest {
            for (v, s, m) in self
                .ends_of(d.point, Direction::Reverse)
                .into_iter()
                .flatten()
            {
                f.labels.offer(v, d.leg_s + s, m, j as u32);
            }
            f.on_chain.entry(d.point.chain).or_default().push(j);
        }
        f.dests.push(dest);
        f.active.push(true);
        j
    }

    /// Door-to-door access for each origin from kept labels.
    pub fn nearest_with(
        &self,
        f: &FacilityLabels,
        origins: &[(f64, f64)],
    ) -> Vec<Result<Access, Unreachable>> {
        let any = f
            .dests
            .iter()
            .zip(&f.active)
            .any(|(d, &a)| a && d.is_some());
        let walk_mps = speeds::mps(speeds::WALK_KMH);
        origins
            .par_iter()
            .map(|&(lon, lat)| {
                let snap = self.try_snap(lon, lat)?;
                if !any {
                    return Err(Unreachable::NoDestination);
                }
                let p = self.point_of_snap(&snap);
                let same: Vec<(f64, f64, f64, u32)> = f
                    .on_chain
                    .get(&p.chain)
                    .into_iter()
                    .flatten()
                    .filter(|&&j| f.active[j])
                    .filter_map(|&j| {
                        let d = f.dests[j]?;
                        Some((d.point.u, d.leg_s, 0.0, j as u32))
                    })
                    .collect();
                let (seconds, metres, j) = self
                    .point_label(&f.labels, p, Direction::Reverse, &same)
                    .ok_or(Unreachable::NoRoute)?;
                let j = j as usize;
                Ok(Access {
                    destination: j,
                    minutes: (seconds + snap.distance_m / walk_mps) / 60.0,
                    metres,
                    origin_snap_m: snap.distance_m,
                    destination_snap_m: f.dests[j].map_or(0.0, |d| d.snap_m),
                })
            })
            .collect()
    }

    /// Close destination `j`: only the junctions whose nearest destination was `j` are
    /// searched again, from their neighbours' unchanged labels and the other destinations.
    pub fn close_facility(&self, f: &mut FacilityLabels, j: usize) {
        if j >= f.active.len() || !f.active[j] {
            return;
        }
        f.active[j] = false;
        let topo = &self.topo;
        let cost = self.cost();
        let l = &mut f.labels;
        let region: Vec<usize> = (0..topo.junction_count())
            .filter(|&v| l.get(v).is_some_and(|(.., src)| src as usize == j))
            .collect();
        if region.is_empty() {
            return;
        }
        for &v in &region {
            l.clear(v);
        }
        l.heap.clear();
        // Other destinations seeded inside the region.
        for (k, d) in f.dests.iter().enumerate() {
            let Some(d) = d else { continue };
            if !f.active[k] {
                continue;
            }
            // Outside the region labels are optimal already, so only region nodes can improve.
            for (v, s, m) in self
                .ends_of(d.point, Direction::Reverse)
                .into_iter()
                .flatten()
            {
                l.offer(v, d.leg_s + s, m, k as u32);
            }
        }
        // Boundary: leave the region towards a neighbour whose label still stands.
        for &v in &region {
            for e in topo.offsets[v]..topo.offsets[v + 1] {
                let entry = topo.adj[e as usize] as usize;
                let (c, end) = (entry >> 1, entry & 1);
                let s = cost[c][end];
                if !s.is_finite() {
                    continue;
                }
                let u = topo.ends[c][1 - end] as usize;
                if let Some((us, um, src)) = l.get(u) {
                    l.offer(v, us + s as f64, um + topo.metres[c] as f64, src);
                }
            }
        }
        settle(self.graph(), l, Direction::Reverse, f64::INFINITY);
    }

    /// Open a destination at `(lon, lat)` and return its index: one search from it that stops
    /// wherever it does not beat the kept labels.
    pub fn open_facility(&self, f: &mut FacilityLabels, lon: f64, lat: f64) -> usize {
        f.labels.heap.clear();
        let j = self.add_destination(f, self.snap(lon, lat));
        settle(
            self.graph(),
            &mut f.labels,
            Direction::Reverse,
            f64::INFINITY,
        );
        j
    }

    /// Access before and after a what-if on the same origins: `base` destinations, minus
    /// `close` (indices into `base`), plus `open` (indices `base.len()..` in `after`). The base
    /// search is kept between calls with the same `base`, so a scenario costs only its change.
    pub fn scenario(
        &self,
        origins: &[(f64, f64)],
        base: &[(f64, f64)],
        close: &[usize],
        open: &[(f64, f64)],
    ) -> ScenarioAccess {
        let key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for &(x, y) in base {
                (x.to_bits(), y.to_bits()).hash(&mut h);
            }
            h.finish()
        };
        let cached = self.scenario_base.lock().ok().and_then(|g| {
            g.as_ref()
                .filter(|(k, _)| *k == key)
                .map(|(_, l)| l.clone())
        });
        let base_labels = match cached {
            Some(l) => l,
            None => {
                let l = Arc::new(self.facility_labels(base));
                if let Ok(mut g) = self.scenario_base.lock() {
                    *g = Some((key, l.clone()));
                }
                l
            }
        };
        let mut after = (*base_labels).clone();
        for &j in close {
            self.close_facility(&mut after, j);
        }
        for &(lon, lat) in open {
            self.open_facility(&mut after, lon, lat);
        }
        let (before, after) = rayon::join(
            || self.nearest_with(&base_labels, origins),
            || self.nearest_with(&after, origins),
        );
        ScenarioAccess { before, after }
    }
}

/// Access to the nearest facility before and after a scenario (see [`Network::scenario`]).
#[derive(Debug, Clone)]
pub struct ScenarioAccess {
    pub before: Vec<Result<Access, Unreachable>>,
    pub after: Vec<Result<Access, Unreachable>>,
}

#[derive(Debug, Clone, Copy)]
struct Dest {
    point: Point,
    leg_s: f64,
    snap_m: f64,
}

/// The result of one nearest-facility search, kept so that what-ifs can update it.
#[derive(Clone)]
pub struct FacilityLabels {
    labels: Labels,
    dests: Vec<Option<Dest>>,
    active: Vec<bool>,
    on_chain: HashMap<usize, Vec<usize>>,
}

impl FacilityLabels {
    /// Number of destinations, closed ones included.
    pub fn len(&self) -> usize {
        self.dests.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dests.is_empty()
    }

    /// Bytes held (labels of every junction).
    pub fn bytes(&self) -> usize {
        self.labels.bytes()
    }
}

impl std::fmt::Debug for FacilityLabels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FacilityLabels")
            .field("destinations", &self.dests.len())
            .field("open", &self.active.iter().filter(|&&a| a).count())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::NetworkBuilder;
    use super::super::{haversine_m, TravelMode};
    use super::*;
    use proptest::prelude::*;

    const WALK_MPS: f64 = speeds::WALK_KMH / 3.6;

    /// Independent reference: Bellman–Ford distances from every node TO `target`, over a plain
    /// edge list (tail, head, seconds).
    fn bellman_ford_to(n: usize, edges: &[(usize, usize, f64)], target: usize) -> Vec<f64> {
        let mut d = vec![f64::INFINITY; n];
        d[target] = 0.0;
        for _ in 0..n {
            let mut changed = false;
            for &(u, v, w) in edges {
                if d[v] + w < d[u] {
                    d[u] = d[v] + w;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        d
    }

    /// Straight east–west line of nodes 0.001° apart on the equator (~111.2 m each).
    fn line(mode: TravelMode, dirs: &[(bool, bool)], kmh: f64) -> Network {
        let mut b = NetworkBuilder::new(mode);
        let nodes: Vec<_> = (0..=dirs.len())
            .map(|i| b.add_node(i as f64 * 0.001, 0.0))
            .collect();
        for (i, &(f, bw)) in dirs.iter().enumerate() {
            b.add_way_segment(nodes[i], nodes[i + 1], f, bw, kmh);
        }
        b.build().unwrap()
    }

    const SEG_M: f64 = 111.195;

    #[test]
    fn partial_edge_offsets_at_both_ends() {
        // Three two-way 111 m segments at walking speed; origin at 25% of the first segment,
        // destination at 50% of the third: 0.75 + 1 + 0.5 = 2.25 segments.
        let net = line(TravelMode::Walk, &[(true, true); 3], speeds::WALK_KMH);
        let r = net.nearest_facility(&[(0.00025, 0.0)], &[(0.0025, 0.0)]);
        let a = r[0].unwrap();
        assert_eq!(a.destination, 0);
        assert!((a.metres - 2.25 * SEG_M).abs() < 0.05, "{}", a.metres);
        assert!((a.minutes - 2.25 * SEG_M / WALK_MPS / 60.0).abs() < 1e-4);
        assert!(a.origin_snap_m < 1e-3 && a.destination_snap_m < 1e-3);
    }

    #[test]
    fn snap_legs_are_walked_and_counted_in_minutes_not_metres() {
        // Car at 36 km/h; origin and destination each 0.001° (~111 m) north of the road.
        let net = line(TravelMode::Car, &[(true, true); 3], 36.0);
        let a = net.nearest_facility(&[(0.0005, 0.001)], &[(0.0025, 0.001)])[0].unwrap();
        assert!((a.metres - 2.0 * SEG_M).abs() < 0.05);
        assert!(
            (a.origin_snap_m - SEG_M).abs() < 0.05 && (a.destination_snap_m - SEG_M).abs() < 0.05
        );
        let want = (2.0 * SEG_M / 10.0 + 2.0 * SEG_M / WALK_MPS) / 60.0;
        assert!((a.minutes - want).abs() < 1e-4, "{} vs {want}", a.minutes);
    }

    #[test]
    fn one_way_is_honoured_in_the_travellers_direction() {
        // Car line with a one-way middle segment (east only) and a long two-way detour back.
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let w = b.add_node(0.0, 0.0);
        let m = b.add_node(0.001, 0.0);
        let e = b.add_node(0.002, 0.0);
        let n1 = b.add_node(0.0, 0.005);
        let n2 = b.add_node(0.002, 0.005);
        b.add_way_segment(w, m, true, true, 36.0);
        b.add_way_segment(m, e, true, false, 36.0); // one-way east
        b.add_way_segment(e, n2, true, true, 36.0);
        b.add_way_segment(n2, n1, true, true, 36.0);
        b.add_way_segment(n1, w, true, true, 36.0);
        let net = b.build().unwrap();
        let west = (0.0005, 0.0);
        let east = (0.0019, 0.0);
        let eastbound = net.nearest_facility(&[west], &[east])[0].unwrap();
        let westbound = net.nearest_facility(&[east], &[west])[0].unwrap();
        assert!(
            (eastbound.metres - 1.4 * SEG_M).abs() < 0.1,
            "{}",
            eastbound.metres
        );
        // Back west: 0.1 seg to e, up 0.005° (556 m), 0.002° west, down, 0.5 seg east.
        let north = haversine_m(0.0, 0.0, 0.0, 0.005);
        let across = haversine_m(0.0, 0.005, 0.002, 0.005);
        let want = 0.1 * SEG_M + 2.0 * north + across + 0.5 * SEG_M;
        assert!(
            (westbound.metres - want).abs() < 0.5,
            "{} vs {want}",
            westbound.metres
        );
    }

    #[test]
    fn same_segment_destination_is_reached_directly_only_in_allowed_direction() {
        // Single one-way segment inside a loop so that it is in the main SCC.
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let a = b.add_node(0.0, 0.0);
        let c = b.add_node(0.01, 0.0);
        let d = b.add_node(0.005, 0.002);
        b.add_way_segment(a, c, true, false, 36.0); // 1112 m east only
        b.add_way_segment(c, d, true, false, 36.0);
        b.add_way_segment(d, a, true, false, 36.0);
        let net = b.build().unwrap();
        let along = net.nearest_facility(&[(0.002, 0.0)], &[(0.004, 0.0)])[0].unwrap();
        assert!(
            (along.metres - 0.2 * 1111.95).abs() < 0.1,
            "{}",
            along.metres
        );
        // Against the one-way: all the way round the triangle.
        let back = net.nearest_facility(&[(0.004, 0.0)], &[(0.002, 0.0)])[0].unwrap();
        let loop_m = 1111.95 + 2.0 * haversine_m(0.01, 0.0, 0.005, 0.002);
        assert!(
            (back.metres - (loop_m - 0.2 * 1111.95)).abs() < 0.5,
            "{}",
            back.metres
        );
    }

    #[test]
    fn nearest_of_several_destinations_wins() {
        let net = line(TravelMode::Walk, &[(true, true); 6], speeds::WALK_KMH);
        let dests = [(0.0055, 0.0), (0.0015, 0.0), (0.0045, 0.0)];
        let r = net.nearest_facility(&[(0.0, 0.0), (0.006, 0.0), (0.0031, 0.0)], &dests);
        let picked: Vec<_> = r.iter().map(|a| a.unwrap().destination).collect();
        assert_eq!(picked, vec![1, 0, 2]);
    }

    #[test]
    fn unreachable_reasons() {
        let net = line(TravelMode::Walk, &[(true, true); 2], speeds::WALK_KMH);
        let r = net.nearest_facility_detailed(
            &[(0.0005, 0.0), (0.5, 0.5), (f64::NAN, 0.0)],
            &[(0.0015, 0.0), (10.0, 10.0)],
        );
        assert_eq!(r[0].unwrap().destination, 0);
        assert!(
            matches!(r[1], Err(Unreachable::NoNearbyRoad { nearest_m: Some(m) }) if m > 50_000.0)
        );
        assert_eq!(r[2], Err(Unreachable::InvalidCoordinate));
        // No destination on the network at all.
        let r = net.nearest_facility_detailed(&[(0.0005, 0.0)], &[(10.0, 10.0)]);
        assert_eq!(r[0], Err(Unreachable::NoDestination));
        assert_eq!(net.nearest_facility(&[(0.0005, 0.0)], &[]), vec![None]);
    }

    #[test]
    fn unreachable_in_direction_gives_no_route_not_a_number() {
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let x = b.add_node(0.0, 0.0);
        let y = b.add_node(0.001, 0.0);
        b.add_way_segment(x, y, true, false, 36.0);
        let net = b.build().unwrap();
        // Strongly connected components are single nodes: nothing is snappable, so the honest
        // answer is "no nearby road", never a time.
        let r = net.nearest_facility_detailed(&[(0.0002, 0.0)], &[(0.0008, 0.0)]);
        assert_eq!(r[0], Err(Unreachable::NoNearbyRoad { nearest_m: None }));
        // Seeds placed directly: y cannot reach x.
        let labels = net.to_nearest_seed(&[Seed {
            node: x,
            seconds: 0.0,
            metres: 0.0,
            source: 0,
        }]);
        assert_eq!(labels.seconds(y), None);
        assert!(labels.seconds(x) == Some(0.0));
        assert!(net.one_to_all(y)[x as usize].is_infinite());
    }

    /// (from, to, seconds, metres, forward, backward) of a synthetic segment.
    type RawSegment = (usize, usize, f64, f64, bool, bool);

    /// A random directed graph with arbitrary (not length-based) times.
    fn random_graph() -> impl Strategy<Value = (usize, Vec<RawSegment>)> {
        (2usize..14).prop_flat_map(|n| {
            (
                Just(n),
                prop::collection::vec(
                    (
                        0..n,
                        0..n,
                        0.0f64..100.0,
                        1.0f64..500.0,
                        any::<bool>(),
                        any::<bool>(),
                    ),
                    1..40,
                ),
            )
        })
    }

    fn build(n: usize, segs: &[RawSegment]) -> (Network, Vec<(usize, usize, f64)>) {
        let mut b = NetworkBuilder::new(TravelMode::Car);
        for i in 0..n {
            b.add_node(i as f64 * 0.001, (i % 3) as f64 * 0.001);
        }
        let mut edges = Vec::new();
        for &(u, v, secs, metres, fw, bw) in segs {
            let (fw, bw) = (fw || !bw, bw); // at least one direction
            b.add_segment(
                u as u32,
                v as u32,
                metres,
                fw.then_some(secs),
                bw.then_some(secs * 1.5),
            );
            if fw {
                edges.push((u, v, (secs as f32) as f64));
            }
            if bw {
                edges.push((v, u, ((secs * 1.5) as f32) as f64));
            }
        }
        (b.build().unwrap(), edges)
    }

    proptest! {
        #[test]
        fn multi_source_equals_min_over_single_sources(
            (n, segs) in random_graph(),
            sources in prop::collection::vec((0usize..14, 0.0f64..50.0), 1..5),
        ) {
            let (net, edges) = build(n, &segs);
            let seeds: Vec<Seed> = sources.iter().enumerate()
                .map(|(j, &(v, s))| Seed { node: (v % n) as u32, seconds: s, metres: 0.0, source: j })
                .collect();
            let labels = net.to_nearest_seed(&seeds);
            let per_source: Vec<Vec<f64>> = seeds.iter()
                .map(|s| bellman_ford_to(n, &edges, s.node as usize))
                .collect();
            for v in 0..n {
                let want = seeds.iter().zip(&per_source)
                    .map(|(s, d)| s.seconds + d[v])
                    .fold(f64::INFINITY, f64::min);
                match labels.seconds(v as u32) {
                    None => prop_assert!(want.is_infinite(), "node {} should reach a seed ({})", v, want),
                    Some(got) => {
                        prop_assert!((got - want).abs() < 1e-6 * (1.0 + want), "node {}: {} vs {}", v, got, want);
                        // The recorded source really achieves the optimum.
                        let j = labels.source(v as u32).unwrap();
                        let via = seeds[j].seconds + per_source[j][v];
                        prop_assert!((via - want).abs() < 1e-6 * (1.0 + want));
                    }
                }
            }
            // Forward one-to-all agrees with the same reference (distance v → target).
            for v in 0..n {
                let fwd = net.one_to_all(v as u32);
                for (t, &ft) in fwd.iter().enumerate() {
                    let want = bellman_ford_to(n, &edges, t)[v];
                    prop_assert!((ft.is_infinite() && want.is_infinite()) || (ft - want).abs() < 1e-6 * (1.0 + want));
                }
            }
        }

        /// End-to-end check of the partial-edge logic against a refined graph search.
        #[test]
        fn nearest_facility_equals_refined_graph_search(
            coords in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 2..9),
            pairs in prop::collection::vec((0usize..9, 0usize..9, 0u8..3, 5.0f64..60.0), 2..20),
            origins in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 1..6),
            dests in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 1..4),
        ) {
            check_against_refined_graph(&coords, &pairs, &origins, &dests)?;
        }
    }

    /// Split every snapped segment at the snap points into explicit nodes, run plain
    /// Bellman–Ford on that refined graph and compare door-to-door times.
    fn check_against_refined_graph(
        coords: &[(f64, f64)],
        pairs: &[(usize, usize, u8, f64)],
        origins: &[(f64, f64)],
        dests: &[(f64, f64)],
    ) -> Result<(), TestCaseError> {
        let n = coords.len();
        let mut b = NetworkBuilder::new(TravelMode::Car);
        for &(lon, lat) in coords {
            b.add_node(lon, lat);
        }
        for &(i, j, dir, kmh) in pairs {
            let (i, j) = (i % n, j % n);
            if i != j {
                b.add_way_segment(i as u32, j as u32, dir != 2, dir != 1, kmh);
            }
        }
        if b.segment_count() == 0 {
            return Ok(());
        }
        let net = b.build().unwrap();
        let got = net.nearest_facility_detailed(origins, dests);

        // Refined graph: original nodes, then one node per snapped point.
        let o_snaps: Vec<_> = origins.iter().map(|&(x, y)| net.snap(x, y)).collect();
        let d_snaps: Vec<_> = dests.iter().map(|&(x, y)| net.snap(x, y)).collect();
        let mut points: Vec<(u32, f64, usize)> = Vec::new(); // (segment, fraction, refined node)
        let mut next = n;
        let mut o_node = vec![None; origins.len()];
        let mut d_node = vec![None; dests.len()];
        for (k, s) in o_snaps.iter().enumerate() {
            if let Some(s) = s {
                points.push((s.segment, s.fraction, next));
                o_node[k] = Some(next);
                next += 1;
            }
        }
        for (k, s) in d_snaps.iter().enumerate() {
            if let Some(s) = s {
                points.push((s.segment, s.fraction, next));
                d_node[k] = Some(next);
                next += 1;
            }
        }
        let mut edges = Vec::new();
        for sid in 0..net.segment_count() as u32 {
            let seg = net.segment(sid);
            // (fraction, rank, node): the segment's own ends stay outermost.
            let mut stops: Vec<(f64, u8, usize)> =
                vec![(0.0, 0, seg.from as usize), (1.0, 2, seg.to as usize)];
            stops.extend(points.iter().filter(|p| p.0 == sid).map(|p| (p.1, 1, p.2)));
            stops.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for w in stops.windows(2) {
                let part = w[1].0 - w[0].0;
                if part == 0.0 {
                    // Coincident points: the same place, free both ways.
                    edges.push((w[0].2, w[1].2, 0.0));
                    edges.push((w[1].2, w[0].2, 0.0));
                    continue;
                }
                if let Some(f) = seg.forward_s {
                    edges.push((w[0].2, w[1].2, part * f));
                }
                if let Some(bw) = seg.backward_s {
                    edges.push((w[1].2, w[0].2, part * bw));
                }
            }
        }
        for (k, res) in got.iter().enumerate() {
            let want = o_node[k].and_then(|on| {
                dests
                    .iter()
                    .enumerate()
                    .filter_map(|(j, _)| {
                        let dn = d_node[j]?;
                        let d = bellman_ford_to(next, &edges, dn)[on];
                        d.is_finite()
                            .then(|| d + d_snaps[j].unwrap().distance_m / WALK_MPS)
                    })
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))))
                    .map(|s| s + o_snaps[k].unwrap().distance_m / WALK_MPS)
            });
            match (res, want) {
                (Ok(a), Some(w)) => prop_assert!(
                    (a.minutes * 60.0 - w).abs() < 1e-3 * (1.0 + w),
                    "origin {}: {} vs {}",
                    k,
                    a.minutes * 60.0,
                    w
                ),
                (Err(_), None) => {}
                other => prop_assert!(false, "origin {}: {:?}", k, other),
            }
        }
        Ok(())
    }

    /// Found by the property test: an origin snapped exactly onto the end node of a
    /// backward-only segment must be able to use that node (zero-length move).
    #[test]
    fn regression_origin_on_end_node_of_one_way_segment() {
        let coords = [
            (0.006118261060071445, 0.00405316506712612),
            (0.0, 0.0),
            (0.0, 0.0),
            (0.0, 0.0),
            (0.0, 0.0),
            (0.0, 0.0),
            (0.0, 0.0),
        ];
        let pairs = [
            (1, 2, 0, 5.0),
            (6, 3, 0, 5.0),
            (7, 6, 0, 5.0),
            (1, 0, 0, 5.0),
            (1, 7, 2, 5.0),
            (2, 6, 0, 5.0),
            (2, 6, 0, 5.0),
        ];
        check_against_refined_graph(
            &coords,
            &pairs,
            &[(0.009061358465840445, 0.0)],
            &[(0.006105341472105829, 0.002958807547151144)],
        )
        .unwrap();
    }

    /// Found by the property test: origin and destination at the same point.
    #[test]
    fn regression_coincident_origin_and_destination() {
        let coords = [
            (0.006118261060071445, 0.00405316506712612),
            (0.0061821006411032645, 0.0),
            (0.008121378313610086, 0.005867927446812535),
            (0.009183405844715697, 0.0),
        ];
        check_against_refined_graph(
            &coords,
            &[(2, 4, 2, 5.0), (6, 4, 0, 5.0)],
            &[(0.0, 0.0)],
            &[(0.0, 0.0)],
        )
        .unwrap();
    }

    /// One chain of a street graph: (junction a, junction b, interior coords, direction 0 both /
    /// 1 forward / 2 backward, speed index).
    type Chain = (usize, usize, Vec<(f64, f64)>, u8, usize);

    /// A street-like graph: junctions joined by chains of 0–4 intermediate nodes, each chain
    /// with one direction rule and one speed.
    fn street_graph() -> impl Strategy<Value = (Vec<(f64, f64)>, Vec<Chain>)> {
        (
            prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 2..8),
            prop::collection::vec(
                (
                    0usize..8,
                    0usize..8,
                    prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 0..5),
                    0u8..3,
                    0usize..3,
                ),
                1..12,
            ),
        )
    }

    fn build_streets(junctions: &[(f64, f64)], chains: &[Chain], contract: bool) -> Network {
        let mut b = NetworkBuilder::new(TravelMode::Car).contract(contract);
        for &(x, y) in junctions {
            b.add_node(x, y);
        }
        let n = junctions.len();
        let mut direct = std::collections::HashSet::new();
        for (a, z, inner, dir, speed) in chains {
            // Two copies of one straight segment (a repeated direct link, or a loop over one
            // point) are the same line twice: where a point snaps is then a tie, not a test.
            let (a, z) = (a % n, z % n);
            if (a == z && inner.len() < 2)
                || (inner.is_empty() && !direct.insert((a.min(z), a.max(z))))
            {
                continue;
            }
            let kmh = [20.0, 30.0, 50.0][*speed];
            let mut prev = a as NodeId;
            let mut stops: Vec<NodeId> = inner.iter().map(|&(x, y)| b.add_node(x, y)).collect();
            stops.push(z as NodeId);
            for next in stops {
                b.add_way_segment(prev, next, *dir != 2, *dir != 1, kmh);
                prev = next;
            }
        }
        b.build().unwrap()
    }

    fn close_enough(a: f64, b: f64) -> bool {
        (a.is_infinite() && b.is_infinite()) || (a - b).abs() <= 1e-5 * (1.0 + a.abs())
    }

    proptest! {
        /// The contracted graph answers exactly like the plain one: labels of every node from
        /// seeds on any node (interior ones included), one-to-all, and door-to-door access.
        #[test]
        fn contracted_graph_gives_the_same_distances(
            (junctions, chains) in street_graph(),
            seeds in prop::collection::vec((0usize..40, 0.0f64..30.0), 1..4),
            points in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 2..8),
        ) {
            let small = build_streets(&junctions, &chains, true);
            let plain = build_streets(&junctions, &chains, false);
            let n = plain.node_count();
            prop_assert_eq!(small.node_count(), n);
            prop_assert_eq!(small.stats().nodes, plain.stats().nodes);
            prop_assert_eq!(small.stats().segments, plain.stats().segments);
            prop_assert_eq!(small.stats().edges, plain.stats().edges);
            prop_assert_eq!(small.stats().weak_components, plain.stats().weak_components);
            prop_assert_eq!(small.stats().strong_components, plain.stats().strong_components);
            prop_assert_eq!(small.stats().main_component_nodes, plain.stats().main_component_nodes);
            prop_assert_eq!(small.stats().snappable_segments, plain.stats().snappable_segments);
            prop_assert!(small.contracted().chains <= plain.contracted().chains);
            for v in 0..n as NodeId {
                prop_assert_eq!(small.in_main_component(v), plain.in_main_component(v));
            }
            let seeds: Vec<Seed> = seeds.iter().enumerate()
                .map(|(j, &(v, s))| Seed { node: (v % n) as u32, seconds: s, metres: 0.0, source: j })
                .collect();
            let (a, b) = (small.to_nearest_seed(&seeds), plain.to_nearest_seed(&seeds));
            for v in 0..n as NodeId {
                let (x, y) = (a.seconds(v).unwrap_or(f64::INFINITY), b.seconds(v).unwrap_or(f64::INFINITY));
                prop_assert!(close_enough(x, y), "node {}: {} vs {}", v, x, y);
                if let (Some(x), Some(y)) = (a.metres(v), b.metres(v)) {
                    prop_assert!((x - y).abs() < 0.05 + 1e-5 * y, "node {} metres {} vs {}", v, x, y);
                }
            }
            for from in [0, (n - 1) as NodeId, (n / 2) as NodeId] {
                let (x, y) = (small.one_to_all(from), plain.one_to_all(from));
                for v in 0..n {
                    prop_assert!(close_enough(x[v], y[v]), "{} → {}: {} vs {}", from, v, x[v], y[v]);
                }
            }
            let (origins, dests) = points.split_at(points.len() / 2);
            let (x, y) = (small.nearest_facility_detailed(origins, dests), plain.nearest_facility_detailed(origins, dests));
            for (p, q) in x.iter().zip(&y) {
                match (p, q) {
                    (Ok(p), Ok(q)) => {
                        prop_assert!(close_enough(p.minutes, q.minutes), "{:?} vs {:?}", p, q);
                        prop_assert!((p.metres - q.metres).abs() < 0.05 + 1e-5 * q.metres, "{:?} vs {:?}", p, q);
                    }
                    (Err(p), Err(q)) => prop_assert_eq!(p.status(), q.status()),
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }

        /// Closing and opening sites on kept labels gives the same times as a fresh search
        /// over the changed site list.
        #[test]
        fn scenario_updates_equal_a_fresh_search(
            (junctions, chains) in street_graph(),
            sites in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 1..6),
            close in prop::collection::vec(0usize..6, 0..3),
            open in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 0..3),
            origins in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 1..8),
        ) {
            let net = build_streets(&junctions, &chains, true);
            let close: Vec<usize> = close.iter().map(|&j| j % sites.len()).collect();
            let got = net.scenario(&origins, &sites, &close, &open);
            let before = net.nearest_facility_detailed(&origins, &sites);
            let mut after_sites: Vec<(f64, f64)> = Vec::new();
            let mut index: Vec<usize> = Vec::new(); // fresh index → scenario index
            for (j, &s) in sites.iter().enumerate() {
                if !close.contains(&j) { after_sites.push(s); index.push(j); }
            }
            for (k, &s) in open.iter().enumerate() { after_sites.push(s); index.push(sites.len() + k); }
            let after = net.nearest_facility_detailed(&origins, &after_sites);
            for (want, got) in [(&before, &got.before), (&after, &got.after)] {
                for (w, g) in want.iter().zip(got) {
                    match (w, g) {
                        (Ok(w), Ok(g)) => prop_assert!(close_enough(w.minutes, g.minutes), "{:?} vs {:?}", w, g),
                        (Err(w), Err(g)) => prop_assert_eq!(w.status(), g.status()),
                        other => prop_assert!(false, "{:?}", other),
                    }
                }
            }
            // A second call reuses the kept base search and answers the same.
            let again = net.scenario(&origins, &sites, &close, &open);
            prop_assert_eq!(again.after, got.after);
            let _ = index;
        }

        /// `one_to_many` equals a single-destination nearest-facility search without the snap
        /// legs, and honours its time limit.
        #[test]
        fn one_to_many_matches_single_searches(
            (junctions, chains) in street_graph(),
            from in (0.0f64..0.01, 0.0f64..0.01),
            to in prop::collection::vec((0.0f64..0.01, 0.0f64..0.01), 1..6),
            limit in 10.0f64..200.0,
        ) {
            let net = build_streets(&junctions, &chains, true).with_max_snap_m(f64::INFINITY);
            let Some(f) = net.snap(from.0, from.1) else { return Ok(()) };
            let snaps: Vec<Snap> = to.iter().map(|&(x, y)| net.snap(x, y).unwrap()).collect();
            let all = net.one_to_many(&f, &snaps, f64::INFINITY);
            let capped = net.one_to_many(&f, &snaps, limit);
            for (k, &p) in to.iter().enumerate() {
                let want = net.nearest_facility(&[from], &[p])[0]
                    .map(|a| a.minutes * 60.0 - (a.origin_snap_m + a.destination_snap_m) / WALK_MPS);
                match (all[k], want) {
                    (Some(g), Some(w)) => prop_assert!((g - w).abs() < 1e-6 * (1.0 + w), "{} vs {}", g, w),
                    (None, None) => {}
                    other => prop_assert!(false, "{:?}", other),
                }
                prop_assert_eq!(capped[k], all[k].filter(|&s| s <= limit));
            }
        }
    }
}
