//! Round-based public transit routing (RAPTOR; Delling, Pajor & Werneck, "Round-Based Public
//! Transit Routing", Transportation Science 49(3), 2015), in its *range* form (rRAPTOR) for a
//! window of departure minutes, as R5 runs it.
//!
//! # Model
//! A journey starts at departure time `t`, walks to a stop (access), then alternates rides and
//! walking transfers, and ends with a walk (egress, added by the caller). Boarding a vehicle
//! needs `board_slack` seconds at the stop before its departure (R5 uses 60 s on every
//! boarding). A transfer is a precomputed walk from the stop where one alights to another stop;
//! transfers are not chained (every stop pair within the walking radius has its own transfer,
//! computed on the street network, so chaining would only find longer walks).
//!
//! # Labels
//! `arr[k][s]` is the earliest known arrival at stop `s` using at most `k` rides (round 0 = by
//! access walking only); `ride[k][s]` is the earliest arrival at `s` *by alighting* with at
//! most k rides, the only labels transfers start from. A ride label is kept even when
//! `arr[k][s]` is smaller (the stop was reached sooner on foot): walks are not chained, so a
//! later alighting can still start the best transfer. (The oracle test below fails when the
//! ride label is only updated together with `arr`.)
//!
//! # Correctness
//! *Single departure* (Delling et al., Lemma 1): after round k, `arr[k][s]` is the earliest
//! arrival with ≤ k rides. Induction on k: an optimal journey with ≤ k rides either has ≤ k−1
//! rides (kept by `arr[k] = min(arr[k], arr[k−1])`) or its last ride boards pattern p at stop q
//! after reaching q by the (k−1)-optimal time `arr[k−1][q]`. Since trips of a pattern do not
//! overtake (the timetable splits patterns where they would), the earliest trip catchable from
//! `arr[k−1][q]` arrives no later than the journey's trip at every later stop; q's label was
//! improved in round k−1 or earlier — if in round k−1 it is *marked* and p is scanned from q; if
//! earlier, its value was already scanned in an earlier round and the journey's suffix was found
//! with fewer rounds, hence kept by the min. The transfer after the last ride starts from
//! `ride[k]`, which the scan set, and transfers of every improved stop are relaxed.
//!
//! *Range* (Delling et al., §4 rRAPTOR): departures are processed from the latest to the earliest
//! and the labels are **kept** between them. A journey departing at `t + 60` is also available to
//! someone leaving at `t` (they wait), so a kept label is an achievable arrival for `t` and never
//! too small. It is never too large: take a journey J optimal for `t` and its last boarding stop
//! q. If `arr[k−1][q]` improved during the iteration for `t`, q is marked and J's last ride is
//! scanned; if not, `arr[k−1][q]` equals its value for `t + 60`, so J's last ride (boarded at or
//! after that label) was catchable in the iteration for `t + 60` and its arrival is already in
//! the kept label. Arrivals later than `departure + max_duration` are not recorded; since J's
//! prefixes arrive no later than J itself, every journey within the limit is still found.
//!
//! The property test below checks all of this against an independent time-dependent Dijkstra
//! on an explicit state graph, for random timetables, ride limits and departure windows.

use super::timetable::Timetable;

/// A time that is never reached.
pub const UNREACHED: i32 = i32::MAX;

/// Walking transfers between stops, in compressed rows.
#[derive(Debug, Clone, Default)]
pub struct Transfers {
    offsets: Vec<u32>,
    to: Vec<u32>,
    seconds: Vec<i32>,
}

impl Transfers {
    /// From `(from, to, seconds)` triples over `stop_count` stops (self-transfers are dropped;
    /// of duplicates the shortest is kept by the search anyway).
    pub fn new(stop_count: usize, mut list: Vec<(u32, u32, i32)>) -> Transfers {
        list.retain(|&(a, b, _)| a != b);
        list.sort_unstable();
        let mut offsets = vec![0u32; stop_count + 1];
        for &(a, ..) in &list {
            offsets[a as usize + 1] += 1;
        }
        for i in 0..stop_count {
            offsets[i + 1] += offsets[i];
        }
        Transfers {
            offsets,
            to: list.iter().map(|x| x.1).collect(),
            seconds: list.iter().map(|x| x.2).collect(),
        }
    }

    pub fn from_stop(&self, s: u32) -> impl Iterator<Item = (u32, i32)> + '_ {
        let r = self.offsets[s as usize] as usize..self.offsets[s as usize + 1] as usize;
        self.to[r.clone()]
            .iter()
            .copied()
            .zip(self.seconds[r].iter().copied())
    }

    pub fn len(&self) -> usize {
        self.to.len()
    }

    pub fn is_empty(&self) -> bool {
        self.to.is_empty()
    }
}

/// Search limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RaptorParams {
    /// Maximum number of vehicles boarded.
    pub max_rides: usize,
    /// Seconds needed at a stop before a vehicle's departure to board it.
    pub board_slack: i32,
    /// Arrivals later than departure + this are not recorded.
    pub max_duration: i32,
}

/// How a label was set, to rebuild the journey behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parent {
    None,
    Access,
    /// Walked from `from`, where a vehicle was left in `round`.
    Transfer {
        from: u32,
        round: u8,
    },
    /// Rode `trip` of `pattern` from position `board` to `alight`; boarded in `round`.
    Ride {
        pattern: u32,
        trip: u32,
        board: u32,
        alight: u32,
        round: u8,
    },
}

/// One leg of a journey (times in seconds after midnight).
#[derive(Debug, Clone, PartialEq)]
pub enum Leg {
    /// Walk from the origin to `stop`, arriving at `arrive`.
    Access { stop: u32, arrive: i32 },
    /// Ride `route` from `from` (leaving `depart`) to `to` (arriving `arrive`).
    Ride {
        route: String,
        from: u32,
        to: u32,
        depart: i32,
        arrive: i32,
    },
    /// Walk between stops after alighting.
    Transfer { from: u32, to: u32, arrive: i32 },
}

/// Labels of one search, kept across the departures of a window.
#[derive(Debug, Clone)]
pub struct RaptorState {
    arr: Vec<Vec<i32>>,
    ride: Vec<Vec<i32>>,
    arr_parent: Vec<Vec<Parent>>,
    ride_parent: Vec<Vec<Parent>>,
    marked: Vec<bool>,
    marked_list: Vec<u32>,
    next_marked: Vec<bool>,
    next_list: Vec<u32>,
    first_pos: Vec<u32>,
    queue: Vec<u32>,
    /// Stops whose alighting label improved in the current round.
    alighted: Vec<u32>,
    alighted_flag: Vec<bool>,
    last_departure: i32,
}

impl RaptorState {
    /// Earliest arrival at every stop with at most `max_rides` rides, for the last departure run.
    pub fn best(&self) -> &[i32] {
        self.arr.last().expect("at least round 0")
    }

    /// Earliest arrival at every stop with at most `k` rides.
    pub fn round(&self, k: usize) -> &[i32] {
        &self.arr[k]
    }

    /// Earliest arrival at every stop *by alighting from a vehicle* (at least one ride, at
    /// most `max_rides`): the stops a public-transport-only journey can end its ride at.
    pub fn best_alighting(&self) -> &[i32] {
        self.ride.last().expect("at least round 0")
    }

    /// The journey behind [`RaptorState::best`]`[stop]`, first leg first (empty if unreached).
    pub fn journey(&self, tt: &Timetable, stop: u32) -> Vec<Leg> {
        let mut legs = Vec::new();
        let mut k = self.arr.len() - 1;
        let mut s = stop as usize;
        let mut guard = 0;
        loop {
            guard += 1;
            if guard > 4 * self.arr.len() + 4 {
                break; // defensive: parents always lead back to an access leg
            }
            match self.arr_parent[k][s] {
                Parent::None => return Vec::new(),
                Parent::Access => {
                    legs.push(Leg::Access {
                        stop: s as u32,
                        arrive: self.arr[k][s],
                    });
                    break;
                }
                Parent::Transfer { from, round } => {
                    legs.push(Leg::Transfer {
                        from,
                        to: s as u32,
                        arrive: self.arr[k][s],
                    });
                    k = round as usize;
                    s = from as usize;
                    let Parent::Ride { .. } = self.ride_parent[k][s] else {
                        return Vec::new();
                    };
                    let leg = ride_leg(tt, self.ride_parent[k][s]);
                    let Parent::Ride {
                        round,
                        pattern,
                        board,
                        ..
                    } = self.ride_parent[k][s]
                    else {
                        unreachable!()
                    };
                    legs.push(leg);
                    s = tt.patterns[pattern as usize].stops[board as usize] as usize;
                    k = round as usize - 1;
                }
                p @ Parent::Ride {
                    pattern,
                    board,
                    round,
                    ..
                } => {
                    legs.push(ride_leg(tt, p));
                    s = tt.patterns[pattern as usize].stops[board as usize] as usize;
                    k = round as usize - 1;
                }
            }
        }
        legs.reverse();
        legs
    }
}

fn ride_leg(tt: &Timetable, p: Parent) -> Leg {
    let Parent::Ride {
        pattern,
        trip,
        board,
        alight,
        ..
    } = p
    else {
        unreachable!("a ride parent")
    };
    let pat = &tt.patterns[pattern as usize];
    Leg::Ride {
        route: pat.route.clone(),
        from: pat.stops[board as usize],
        to: pat.stops[alight as usize],
        depart: pat.departure(trip as usize, board as usize),
        arrive: pat.arrival(trip as usize, alight as usize),
    }
}

/// A RAPTOR router over one timetable and its transfers.
#[derive(Debug)]
pub struct Raptor<'a> {
    pub timetable: &'a Timetable,
    pub transfers: &'a Transfers,
    pub params: RaptorParams,
}

impl<'a> Raptor<'a> {
    pub fn new(
        timetable: &'a Timetable,
        transfers: &'a Transfers,
        params: RaptorParams,
    ) -> Raptor<'a> {
        Raptor {
            timetable,
            transfers,
            params,
        }
    }

    /// Fresh labels (all unreached).
    pub fn state(&self) -> RaptorState {
        let n = self.timetable.stops.len();
        let rounds = self.params.max_rides + 1;
        RaptorState {
            arr: vec![vec![UNREACHED; n]; rounds],
            ride: vec![vec![UNREACHED; n]; rounds],
            arr_parent: vec![vec![Parent::None; n]; rounds],
            ride_parent: vec![vec![Parent::None; n]; rounds],
            marked: vec![false; n],
            marked_list: Vec::new(),
            next_marked: vec![false; n],
            next_list: Vec::new(),
            first_pos: vec![u32::MAX; self.timetable.patterns.len()],
            queue: Vec::new(),
            alighted: Vec::new(),
            alighted_flag: vec![false; n],
            last_departure: i32::MAX,
        }
    }

    /// Run one departure. Within a window call this for departures in *decreasing* order on
    /// the same state (range RAPTOR); for an unrelated search use a fresh [`Raptor::state`].
    /// `access` lists `(stop, walking seconds)` from the origin.
    pub fn run(&self, st: &mut RaptorState, departure: i32, access: &[(u32, i32)]) {
        assert!(
            departure <= st.last_departure,
            "range RAPTOR needs departures in decreasing order"
        );
        st.last_departure = departure;
        let limit = departure.saturating_add(self.params.max_duration);
        let tt = self.timetable;
        for &(s, a) in access {
            let t = departure + a;
            if t <= limit && t < st.arr[0][s as usize] {
                st.arr[0][s as usize] = t;
                st.arr_parent[0][s as usize] = Parent::Access;
                mark(&mut st.marked, &mut st.marked_list, s);
            }
        }
        for k in 1..=self.params.max_rides {
            let (lower, upper) = st.arr.split_at_mut(k);
            let (prev, cur) = (&lower[k - 1], &mut upper[0]);
            let (plower, pupper) = st.arr_parent.split_at_mut(k);
            let (prev_parent, cur_parent) = (&plower[k - 1], &mut pupper[0]);
            for i in 0..cur.len() {
                if prev[i] < cur[i] {
                    cur[i] = prev[i];
                    cur_parent[i] = prev_parent[i];
                }
            }
            let (lower, upper) = st.ride.split_at_mut(k);
            let ride = &mut upper[0];
            let (plower, pupper) = st.ride_parent.split_at_mut(k);
            let ride_parent = &mut pupper[0];
            for i in 0..ride.len() {
                if lower[k - 1][i] < ride[i] {
                    ride[i] = lower[k - 1][i];
                    ride_parent[i] = plower[k - 1][i];
                }
            }
            if st.marked_list.is_empty() {
                continue;
            }
            // Patterns to scan, each from its earliest marked position.
            for &s in &st.marked_list {
                for &(p, pos) in &tt.stop_patterns[s as usize] {
                    let f = &mut st.first_pos[p as usize];
                    if *f == u32::MAX {
                        st.queue.push(p);
                    }
                    *f = (*f).min(pos);
                }
                st.marked[s as usize] = false;
            }
            st.marked_list.clear();
            st.alighted.clear();
            for &p in &st.queue {
                let pat = &tt.patterns[p as usize];
                let start = std::mem::replace(&mut st.first_pos[p as usize], u32::MAX) as usize;
                let trips = pat.trip_count();
                let mut trip: Option<usize> = None;
                let mut board = 0usize;
                for pos in start..pat.stops.len() {
                    let s = pat.stops[pos] as usize;
                    if let Some(tr) = trip {
                        let a = pat.arrival(tr, pos);
                        if a <= limit && a < ride[s] {
                            // A better alighting time matters for transfers even when the stop
                            // was already reached sooner on foot (walks are not chained).
                            ride[s] = a;
                            let parent = Parent::Ride {
                                pattern: p,
                                trip: tr as u32,
                                board: board as u32,
                                alight: pos as u32,
                                round: k as u8,
                            };
                            ride_parent[s] = parent;
                            mark(&mut st.alighted_flag, &mut st.alighted, s as u32);
                            if a < cur[s] {
                                cur[s] = a;
                                cur_parent[s] = parent;
                                mark(&mut st.next_marked, &mut st.next_list, s as u32);
                            }
                        }
                    }
                    let here = prev[s];
                    if here != UNREACHED {
                        let ready = here + self.params.board_slack;
                        let below = trip.unwrap_or(trips);
                        if trip.is_none_or(|tr| ready <= pat.departure(tr, pos)) {
                            if let Some(t2) = pat.earliest_trip(pos, ready, below) {
                                trip = Some(t2);
                                board = pos;
                            }
                        }
                    }
                }
            }
            st.queue.clear();
            // Transfers from stops reached by a ride in this round.
            for &s in &st.alighted {
                st.alighted_flag[s as usize] = false;
                let from = ride[s as usize];
                for (u, w) in self.transfers.from_stop(s) {
                    let t = from + w;
                    if t <= limit && t < cur[u as usize] {
                        cur[u as usize] = t;
                        cur_parent[u as usize] = Parent::Transfer {
                            from: s,
                            round: k as u8,
                        };
                        mark(&mut st.next_marked, &mut st.next_list, u);
                    }
                }
            }
            std::mem::swap(&mut st.marked, &mut st.next_marked);
            std::mem::swap(&mut st.marked_list, &mut st.next_list);
        }
        for &s in &st.marked_list {
            st.marked[s as usize] = false;
        }
        st.marked_list.clear();
    }
}

fn mark(flags: &mut [bool], list: &mut Vec<u32>, s: u32) {
    if !flags[s as usize] {
        flags[s as usize] = true;
        list.push(s);
    }
}

#[cfg(test)]
mod tests {
    use super::super::date::Date;
    use super::super::timetable::{Pattern, TimetableStop};
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, HashMap};

    /// The oracle: Dijkstra by earliest time on an explicit state graph. States: at a stop after
    /// `k` rides, arrived by vehicle or on foot; on trip `(pattern, trip)` at a position after
    /// `k` rides. Waiting is implicit (boarding edges go to every later departure).
    #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
    enum State {
        At {
            stop: u32,
            k: usize,
            by_vehicle: bool,
        },
        On {
            p: usize,
            trip: usize,
            pos: usize,
            k: usize,
        },
    }

    fn oracle(
        tt: &Timetable,
        transfers: &[(u32, u32, i32)],
        params: RaptorParams,
        departure: i32,
        access: &[(u32, i32)],
    ) -> Vec<i32> {
        let mut best: HashMap<State, i32> = HashMap::new();
        let mut heap = BinaryHeap::new();
        let push = |best: &mut HashMap<State, i32>,
                    heap: &mut BinaryHeap<Reverse<(i32, State)>>,
                    s: State,
                    t: i32| {
            if best.get(&s).is_none_or(|&b| t < b) {
                best.insert(s, t);
                heap.push(Reverse((t, s)));
            }
        };
        for &(s, a) in access {
            push(
                &mut best,
                &mut heap,
                State::At {
                    stop: s,
                    k: 0,
                    by_vehicle: false,
                },
                departure + a,
            );
        }
        let mut arrival = vec![UNREACHED; tt.stops.len()];
        while let Some(Reverse((t, s))) = heap.pop() {
            if best[&s] < t {
                continue;
            }
            match s {
                State::At {
                    stop,
                    k,
                    by_vehicle,
                } => {
                    arrival[stop as usize] = arrival[stop as usize].min(t);
                    if by_vehicle {
                        for &(a, b, w) in transfers {
                            if a == stop && a != b {
                                push(
                                    &mut best,
                                    &mut heap,
                                    State::At {
                                        stop: b,
                                        k,
                                        by_vehicle: false,
                                    },
                                    t + w,
                                );
                            }
                        }
                    }
                    if k < params.max_rides {
                        for (p, pat) in tt.patterns.iter().enumerate() {
                            for pos in 0..pat.stops.len() {
                                if pat.stops[pos] != stop {
                                    continue;
                                }
                                for trip in 0..pat.trip_count() {
                                    let d = pat.departure(trip, pos);
                                    if d >= t + params.board_slack {
                                        push(
                                            &mut best,
                                            &mut heap,
                                            State::On {
                                                p,
                                                trip,
                                                pos,
                                                k: k + 1,
                                            },
                                            d,
                                        );
                                    }
                                }
                            }
                        }
                    }
                }
                State::On { p, trip, pos, k } => {
                    let pat = &tt.patterns[p];
                    if pos + 1 < pat.stops.len() {
                        let a = pat.arrival(trip, pos + 1);
                        push(
                            &mut best,
                            &mut heap,
                            State::At {
                                stop: pat.stops[pos + 1],
                                k,
                                by_vehicle: true,
                            },
                            a,
                        );
                        push(
                            &mut best,
                            &mut heap,
                            State::On {
                                p,
                                trip,
                                pos: pos + 1,
                                k,
                            },
                            pat.departure(trip, pos + 1),
                        );
                    }
                }
            }
        }
        let limit = departure.saturating_add(params.max_duration);
        arrival
            .into_iter()
            .map(|a| if a <= limit { a } else { UNREACHED })
            .collect()
    }

    /// Random timetable: `n` stops, patterns over random stop sequences, FIFO trips.
    fn timetable_strategy() -> impl Strategy<Value = (Timetable, Vec<(u32, u32, i32)>)> {
        (3usize..9)
            .prop_flat_map(|n| {
                let pattern = (
                    prop::collection::vec(0..n as u32, 2..6),
                    prop::collection::vec((0i32..3000, prop::collection::vec(0i32..600, 5)), 1..6),
                );
                (
                    Just(n),
                    prop::collection::vec(pattern, 1..6),
                    prop::collection::vec((0..n as u32, 0..n as u32, 0i32..900), 0..10),
                )
            })
            .prop_map(|(n, pats, transfers)| {
                let stops = (0..n)
                    .map(|i| TimetableStop {
                        feed: 0,
                        id: i.to_string(),
                        name: String::new(),
                        lon: 0.0,
                        lat: 0.0,
                    })
                    .collect();
                let patterns = pats
                    .into_iter()
                    .map(|(mut seq, mut trips)| {
                        seq.dedup();
                        if seq.len() < 2 {
                            seq = vec![0, 1];
                        }
                        // Same running times for every trip (offset only), so no overtaking.
                        trips.sort_by_key(|t| t.0);
                        let runs = trips[0].1.clone();
                        let m = seq.len();
                        let (mut arrivals, mut departures) = (Vec::new(), Vec::new());
                        for (start, _) in &trips {
                            let mut t = 30_000 + start;
                            for i in 0..m {
                                let dwell = runs[i % 5] % 60;
                                arrivals.push(t);
                                departures.push(t + dwell);
                                t += dwell + 60 + runs[(i + 1) % 5];
                            }
                        }
                        Pattern {
                            route: "r".into(),
                            stops: seq,
                            arrivals,
                            departures,
                        }
                    })
                    .collect();
                (
                    Timetable::from_patterns(Date::default(), stops, patterns),
                    transfers,
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn raptor_equals_time_dependent_dijkstra(
            (tt, transfer_list) in timetable_strategy(),
            access in prop::collection::vec((0u32..9, 0i32..1200), 1..4),
            max_rides in 1usize..5,
            board_slack in prop::sample::select(vec![0, 60]),
            max_duration in prop::sample::select(vec![1800, 3600, i32::MAX / 4]),
            first in 29_000i32..33_000,
            minutes in 1i32..12,
        ) {
            let n = tt.stops.len() as u32;
            let access: Vec<(u32, i32)> = access.into_iter().map(|(s, a)| (s % n, a)).collect();
            let transfers = Transfers::new(tt.stops.len(), transfer_list.clone());
            let params = RaptorParams { max_rides, board_slack, max_duration };
            let raptor = Raptor::new(&tt, &transfers, params);
            let mut st = raptor.state();
            // Range: latest departure first, labels kept.
            for m in (0..minutes).rev() {
                let dep = first + 60 * m;
                raptor.run(&mut st, dep, &access);
                let want = oracle(&tt, &transfer_list, params, dep, &access);
                let got: Vec<i32> = st.best().iter().map(|&a| if a <= dep.saturating_add(max_duration) { a } else { UNREACHED }).collect();
                prop_assert_eq!(&got, &want, "departure {} rides {}", dep, max_rides);
                // Every reached stop has a feasible journey that arrives exactly then.
                for (stop, &b) in st.best().iter().enumerate() {
                    if b > dep.saturating_add(max_duration) {
                        continue;
                    }
                    let legs = st.journey(&tt, stop as u32);
                    prop_assert!(!legs.is_empty());
                    let mut t = dep;
                    let mut rides = 0;
                    let mut at = u32::MAX;
                    for leg in &legs {
                        match leg {
                            Leg::Access { stop, arrive } => {
                                let a = access.iter().filter(|x| x.0 == *stop).map(|x| x.1).min().unwrap();
                                prop_assert!(*arrive >= dep + a);
                                t = *arrive;
                                at = *stop;
                            }
                            Leg::Ride { from, to, depart, arrive, .. } => {
                                prop_assert_eq!(*from, at);
                                prop_assert!(*depart >= t + board_slack && arrive >= depart);
                                rides += 1;
                                t = *arrive;
                                at = *to;
                            }
                            Leg::Transfer { from, to, arrive } => {
                                prop_assert_eq!(*from, at);
                                let w = transfer_list.iter().filter(|x| x.0 == *from && x.1 == *to).map(|x| x.2).min().unwrap();
                                prop_assert!(*arrive >= t + w);
                                t = *arrive;
                                at = *to;
                            }
                        }
                    }
                    prop_assert_eq!(at, stop as u32);
                    prop_assert!(rides <= max_rides);
                    prop_assert!(t <= b, "journey arrives {} after label {}", t, b);
                }
                // A fresh single-departure search agrees too.
                let mut fresh = raptor.state();
                raptor.run(&mut fresh, dep, &access);
                prop_assert_eq!(fresh.best(), &want[..]);
            }
        }
    }

    #[test]
    fn ride_limit_and_slack() {
        // 0 -A-> 1 -B-> 2. A arrives at 1 at 1100; B leaves 1 at 1130 and 1200.
        let stops: Vec<TimetableStop> = (0..3)
            .map(|i| TimetableStop {
                feed: 0,
                id: i.to_string(),
                name: String::new(),
                lon: 0.0,
                lat: 0.0,
            })
            .collect();
        let a = Pattern {
            route: "A".into(),
            stops: vec![0, 1],
            arrivals: vec![1000, 1100],
            departures: vec![1000, 1100],
        };
        let b = Pattern {
            route: "B".into(),
            stops: vec![1, 2],
            arrivals: vec![1130, 1300, 1200, 1400],
            departures: vec![1130, 1300, 1200, 1400],
        };
        let tt = Timetable::from_patterns(Date::default(), stops, vec![a, b]);
        let tr = Transfers::new(3, vec![]);
        let run = |max_rides, board_slack| {
            let r = Raptor::new(
                &tt,
                &tr,
                RaptorParams {
                    max_rides,
                    board_slack,
                    max_duration: 10_000,
                },
            );
            let mut st = r.state();
            r.run(&mut st, 900, &[(0, 0)]);
            st.best().to_vec()
        };
        assert_eq!(run(2, 0), vec![900, 1100, 1300]);
        // With 60 s slack the 1130 departure is missed (1100 + 60 > 1130).
        assert_eq!(run(2, 60), vec![900, 1100, 1400]);
        assert_eq!(run(1, 0), vec![900, 1100, UNREACHED]);
    }
}
