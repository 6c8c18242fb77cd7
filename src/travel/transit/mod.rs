//! Public transport travel times on GTFS timetables plus the OpenStreetMap walk network.
//!
//! # Pipeline
//! 1. [`Feed::read`] reads each GTFS zip (calendar, calendar_dates, frequencies, agency time
//!    zone; stop times without times interpolated between timepoints);
//! 2. [`Timetable::build`] keeps the trips running on the chosen date around the departure
//!    window, expands headway trips and groups trips into non-overtaking patterns;
//! 3. [`TransitNetwork::build`] snaps every stop onto the walk network (like an origin) and
//!    precomputes walking transfers between stops within [`TransitOptions::transfer_max_m`] by a
//!    street-network search from every stop;
//! 4. [`TransitNetwork::minute_times`] routes one origin to many destinations: one walking
//!    search gives the access times to stops and the walk-only times to destinations, range
//!    RAPTOR ([`raptor`]) runs every departure minute of the window (latest first), and each
//!    destination takes the best of walking all the way and every stop's arrival + egress walk.
//!    Origins run in parallel with rayon.
//! 5. A window is reduced to one figure per pair by a percentile over the per-minute travel times
//!    ([`percentile`]), R5's convention (nearest rank, no interpolation; an unreached minute
//!    counts as infinitely long).
//!
//! # Conventions, and how they compare with R5 (Conveyal) on the Porto Alegre sample
//! * Walking speed is one constant on every footway (R5: the same; r5r's default 3.6 km/h).
//! * Every boarding needs [`TransitOptions::board_slack_s`] = 60 s at the stop first, as R5's
//!   `MINIMUM_BOARD_WAIT_SEC`.
//! * Off-network legs (point → nearest walkable segment) are walked in a straight line at the
//!   walking speed, for origins, destinations and stops alike. R5 links points and stops to
//!   the street network the same way, but splits edges at stops, so legs differ by a few metres.
//! * Non-timepoint stop times are interpolated by straight-line distance between consecutive
//!   stops (as gtfs-lib, which R5 uses); the Porto Alegre bus feed has times only at the ends
//!   of each trip, so intermediate bus times are estimates in both routers.
//! * Headway trips are expanded at their nominal times (`exact_times=1`), deterministic. R5
//!   instead draws random offsets (Monte Carlo) per iteration; medians over a window agree
//!   within about half a headway, single minutes can differ by up to a headway.
//! * Travel times are reported in fractional minutes; R5 truncates seconds to whole minutes, so
//!   comparisons with R5 floor our figure first.
//! * R5 bounds walking at transfers (1 km) and access/egress by a maximum walking time; ours are
//!   [`TransitOptions::transfer_max_m`] and [`TransitOptions::max_walk_minutes`]; walking
//!   all the way to a destination is allowed up to the maximum trip duration.
//! * GTFS times count from "noon minus 12 h" of the service day in the agency's zone; the
//!   departure is read as wall-clock time in that zone, which is exact except for times
//!   before a daylight-saving change on the day of the change.
//!
//! # Measured against R5 (asserted in `tests/transit_poa.rs`)
//! * `public_market` → the first ten points of interest, 14:00–14:09, median, ≤ 60 min:
//!   ours (floored) 0, 13, 12, 13, 3, 14, 15, 18, 20, 20 — identical to r5r's published
//!   matrix (tolerance stated in the test: ±3 min each, ±1.5 on average).
//! * `farrapos_station` → `praia_de_belas_shopping_center`: the same itinerary leg by leg
//!   (Trensurb LINHA1 boarded 14:15:00, 6.6 min; bus 188 boarded 14:30:00, 10.4 min — ride
//!   times within 5 s of R5's, so the distance-interpolated bus times agree), but 37.6 min
//!   door to door against R5's 33.9. The whole difference is in the street walks: access
//!   5.0 min (R5 4.5), transfer 5.7 (R5 4.1), final walk 6.2 (R5 2.6). The final walk is the
//!   systematic part: stop 1535 sits on Avenida Borges de Medeiros and the mall's point snaps
//!   to a street 70 m east; on the OSM walk graph (largest strongly connected component, no
//!   edge splitting) the shortest path between the two snapped positions runs to the block's
//!   corners (366 m, against 143 m in a straight line), while R5 reports 156 m. Our walks are
//!   therefore conservative (never shorter than R5's) by up to a few minutes where a stop
//!   and a destination face each other across a block; rides and waits match.

pub mod batch;
pub mod date;
pub mod gtfs;
pub mod raptor;
pub mod timetable;
pub mod walk;

use std::path::PathBuf;

use rayon::prelude::*;

pub use batch::TransitBatch;
pub use date::{parse_departure, Date};
pub use gtfs::Feed;
pub use raptor::{Raptor, RaptorParams, Transfers, UNREACHED};
pub use timetable::Timetable;

use super::{haversine_m, speeds, Network, Snap, TravelError};

/// Everything that can go wrong reading feeds or routing on them. File errors name the feed,
/// the file inside it, the row (line, header = 1) and the field.
#[derive(Debug, thiserror::Error)]
pub enum TransitError {
    #[error("cannot open GTFS {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("GTFS {path} is not a readable zip: {message}")]
    Zip { path: PathBuf, message: String },
    #[error("GTFS {feed}: required file {file} is missing")]
    MissingFile { feed: PathBuf, file: &'static str },
    #[error("GTFS {feed}, {file}: required column '{column}' is missing")]
    MissingColumn {
        feed: PathBuf,
        file: &'static str,
        column: String,
    },
    #[error("GTFS {feed}, {file}, row {row}: {message}")]
    Csv {
        feed: PathBuf,
        file: &'static str,
        row: u64,
        message: String,
    },
    #[error("GTFS {feed}, {file}, row {row}, field '{field}' = {value:?}: {message}")]
    Field {
        feed: PathBuf,
        file: &'static str,
        row: u64,
        field: String,
        value: String,
        message: String,
    },
    #[error("feeds use different time zones: {a} and {b}; route them separately")]
    TimeZones { a: String, b: String },
    #[error("departure date {date} is outside the calendar of {feed} ({ranges})")]
    OutsideCalendar {
        date: Date,
        feed: String,
        ranges: String,
    },
    #[error("no service on {} {date}: no trip of any feed runs that day ({ranges})", date.weekday_name())]
    NoService { date: Date, ranges: String },
    /// No Monday-Friday inside every feed's calendar has trips of every feed (the county
    /// layers route a weekday, so a weekend-only or expired feed cannot give them).
    #[error("no weekday service: no Monday to Friday from {start} to {end} has trips in every feed ({ranges})")]
    NoWeekday {
        start: Date,
        end: Date,
        ranges: String,
    },
    /// The feeds' calendars cannot give a day to route (no dates, or no day common to all).
    #[error("GTFS calendars: {0}")]
    Calendar(String),
    #[error("invalid transit option: {0}")]
    Options(String),
    #[error(transparent)]
    Travel(#[from] TravelError),
}

/// Query settings. Defaults follow DfT's journey time statistics for walking speed and R5 for
/// everything else.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitOptions {
    pub date: Date,
    /// First departure, seconds after midnight (local time of the feeds' agency zone).
    pub departure: i32,
    /// Number of departure minutes (1 = just `departure`; 60 = every minute of an hour).
    pub window_minutes: u32,
    /// Percentile of the per-minute travel times reported for a window (50 = median).
    pub percentile: f64,
    pub walk_kmh: f64,
    pub max_rides: usize,
    /// Longest trip reported, minutes; longer ones count as unreached.
    pub max_minutes: f64,
    /// Longest walk to the first stop and from the last stop, minutes.
    pub max_walk_minutes: f64,
    /// Longest walking transfer between two stops, metres along the street network.
    pub transfer_max_m: f64,
    pub board_slack_s: i32,
}

impl TransitOptions {
    pub fn new(date: Date, departure: i32) -> TransitOptions {
        TransitOptions {
            date,
            departure,
            window_minutes: 1,
            percentile: 50.0,
            walk_kmh: speeds::WALK_KMH,
            max_rides: 3,
            max_minutes: 120.0,
            max_walk_minutes: 20.0,
            transfer_max_m: 1000.0,
            board_slack_s: 60,
        }
    }

    /// Check ranges; errors say which option is wrong.
    pub fn validate(&self) -> Result<(), TransitError> {
        let bad = |m: String| Err(TransitError::Options(m));
        if !(0..48 * 3600).contains(&self.departure) {
            return bad(format!(
                "departure {} s is not a time of day",
                self.departure
            ));
        }
        if !(1..=24 * 60).contains(&self.window_minutes) {
            return bad(format!(
                "window {} minutes (expected 1..=1440)",
                self.window_minutes
            ));
        }
        if !(self.percentile > 0.0 && self.percentile <= 100.0) {
            return bad(format!(
                "percentile {} (expected above 0, at most 100)",
                self.percentile
            ));
        }
        if !(self.walk_kmh.is_finite() && self.walk_kmh > 0.5 && self.walk_kmh < 20.0) {
            return bad(format!(
                "walking speed {} km/h (expected 0.5..20)",
                self.walk_kmh
            ));
        }
        if !(1..=10).contains(&self.max_rides) {
            return bad(format!("max rides {} (expected 1..=10)", self.max_rides));
        }
        if !(self.max_minutes.is_finite()
            && self.max_minutes > 0.0
            && self.max_minutes <= 24.0 * 60.0)
        {
            return bad(format!(
                "max minutes {} (expected 0..1440)",
                self.max_minutes
            ));
        }
        if !(self.max_walk_minutes.is_finite() && self.max_walk_minutes >= 0.0) {
            return bad(format!("max walk minutes {}", self.max_walk_minutes));
        }
        if !(self.transfer_max_m.is_finite() && self.transfer_max_m >= 0.0) {
            return bad(format!("transfer radius {} m", self.transfer_max_m));
        }
        if !(0..=3600).contains(&self.board_slack_s) {
            return bad(format!("board slack {} s", self.board_slack_s));
        }
        Ok(())
    }

    fn walk_mps(&self) -> f64 {
        speeds::mps(self.walk_kmh)
    }

    /// Multiply network seconds (at [`speeds::WALK_KMH`]) by this to get seconds at our speed.
    fn network_factor(&self) -> f64 {
        speeds::WALK_KMH / self.walk_kmh
    }

    /// Departure times of the window, earliest first.
    pub fn departures(&self) -> Vec<i32> {
        (0..self.window_minutes as i32)
            .map(|m| self.departure + 60 * m)
            .collect()
    }
}

/// Index of percentile `p` in a sorted list of `n` values (nearest rank, as R5).
pub fn percentile_index(n: usize, p: f64) -> usize {
    ((p / 100.0 * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1
}

/// The `p`-th percentile of per-minute travel times in seconds (`UNREACHED` = not reached),
/// `None` when that percentile is unreached.
pub fn percentile(times: &mut [i32], p: f64) -> Option<i32> {
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    let v = times[percentile_index(times.len(), p)];
    (v != UNREACHED).then_some(v)
}

/// The feeds' timetable for the query, the stops placed on the walk network and the walking
/// transfers between them.
#[derive(Debug)]
pub struct TransitNetwork<'n> {
    walk: &'n Network,
    pub timetable: Timetable,
    pub transfers: Transfers,
    stop_snaps: Vec<Option<Snap>>,
    pub options: TransitOptions,
}

/// Access walks `(stop, seconds)` and walk-only seconds per destination.
type AccessAndDirect = (Vec<(u32, i32)>, Vec<i32>);

/// One journey: legs between stops plus the final walk.
#[derive(Debug, Clone, PartialEq)]
pub struct Itinerary {
    pub departure: i32,
    pub arrival: i32,
    /// Access walk, rides and transfers (empty = walk all the way).
    pub legs: Vec<raptor::Leg>,
    /// Seconds walked from the last stop to the destination (or the whole walk).
    pub egress_walk_s: i32,
}

/// Per-minute travel times from one origin, seconds (`UNREACHED` where not reached).
#[derive(Debug, Clone)]
pub struct MinuteTimes {
    /// `times[d * minutes + m]`: destination d, departure minute m (earliest first).
    pub times: Vec<i32>,
    pub minutes: usize,
}

impl MinuteTimes {
    pub fn destination(&self, d: usize) -> &[i32] {
        &self.times[d * self.minutes..(d + 1) * self.minutes]
    }
}

/// A summary of what was built, for logs and reports.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitStats {
    pub stops: usize,
    pub stops_on_network: usize,
    pub patterns: usize,
    pub trips: usize,
    pub transfers: usize,
}

impl<'n> TransitNetwork<'n> {
    /// Build the day's timetable of `feeds` and connect it to the walk network.
    pub fn build(
        walk: &'n Network,
        feeds: &[Feed],
        options: TransitOptions,
    ) -> Result<TransitNetwork<'n>, TransitError> {
        options.validate()?;
        let from = options.departure;
        let until = options.departure
            + 60 * options.window_minutes as i32
            + (options.max_minutes * 60.0).ceil() as i32;
        let timetable = Timetable::build(feeds, options.date, from, until)?;
        let stop_snaps: Vec<Option<Snap>> = timetable
            .stops
            .par_iter()
            .map(|s| walk.snap(s.lon, s.lat))
            .collect();
        let walk_mps = options.walk_mps();
        let factor = options.network_factor();
        let radius_m = options.transfer_max_m;
        // Transfers: a street search from each stop to the stops within the radius (straight
        // line pre-filter; the street distance bound is applied to the search itself). The
        // search bound is in the network's seconds, the distance bound in metres at our speed.
        let index = PointGrid::new(
            stop_snaps
                .iter()
                .map(|s| s.map(|s| (s.lon, s.lat)))
                .collect(),
            radius_m.max(1.0),
        );
        let list: Vec<(u32, u32, i32)> = (0..timetable.stops.len())
            .into_par_iter()
            .flat_map_iter(|a| {
                let mut out = Vec::new();
                if let Some(sa) = &stop_snaps[a] {
                    let near: Vec<u32> = index
                        .within(sa.lon, sa.lat, radius_m)
                        .filter(|&b| b as usize != a)
                        .collect();
                    let targets: Vec<Snap> = near
                        .iter()
                        .map(|&b| stop_snaps[b as usize].expect("indexed stops are snapped"))
                        .collect();
                    let max_s = radius_m / speeds::mps(speeds::WALK_KMH);
                    let got = walk::one_to_many(walk, sa, &targets, max_s);
                    for ((&b, t), sb) in near.iter().zip(got).zip(&targets) {
                        if let Some(net_s) = t {
                            let secs = net_s * factor + (sa.distance_m + sb.distance_m) / walk_mps;
                            out.push((a as u32, b, secs.round() as i32));
                        }
                    }
                }
                out.into_iter()
            })
            .collect();
        let transfers = Transfers::new(timetable.stops.len(), list);
        Ok(TransitNetwork {
            walk,
            timetable,
            transfers,
            stop_snaps,
            options,
        })
    }

    pub fn stats(&self) -> TransitStats {
        TransitStats {
            stops: self.timetable.stops.len(),
            stops_on_network: self.stop_snaps.iter().filter(|s| s.is_some()).count(),
            patterns: self.timetable.patterns.len(),
            trips: self.timetable.trip_count,
            transfers: self.transfers.len(),
        }
    }

    /// Walking seconds from each stop to the destinations within reach, per destination,
    /// sorted by walking time: `egress[d] = [(stop, seconds incl. both snap legs)]`.
    pub fn egress(&self, destinations: &[Option<Snap>]) -> Vec<Vec<(u32, i32)>> {
        let o = &self.options;
        let max_walk_s = o.max_walk_minutes * 60.0;
        let radius_m = max_walk_s * o.walk_mps();
        let grid = PointGrid::new(
            destinations
                .iter()
                .map(|d| d.map(|s| (s.lon, s.lat)))
                .collect(),
            radius_m.max(1.0),
        );
        let factor = o.network_factor();
        let per_stop: Vec<Vec<(u32, u32, i32)>> = (0..self.timetable.stops.len())
            .into_par_iter()
            .map(|s| {
                let Some(ss) = &self.stop_snaps[s] else {
                    return Vec::new();
                };
                let near: Vec<u32> = grid.within(ss.lon, ss.lat, radius_m).collect();
                let targets: Vec<Snap> = near
                    .iter()
                    .map(|&d| destinations[d as usize].expect("gridded"))
                    .collect();
                let got = walk::one_to_many(self.walk, ss, &targets, max_walk_s / factor);
                near.iter()
                    .zip(got)
                    .zip(&targets)
                    .filter_map(|((&d, t), ds)| {
                        let secs = t? * factor + (ss.distance_m + ds.distance_m) / o.walk_mps();
                        (secs <= max_walk_s).then_some((d, s as u32, secs.round() as i32))
                    })
                    .collect()
            })
            .collect();
        let mut egress = vec![Vec::new(); destinations.len()];
        for (d, s, secs) in per_stop.into_iter().flatten() {
            egress[d as usize].push((s, secs));
        }
        for e in &mut egress {
            e.sort_unstable_by_key(|&(s, t)| (t, s));
        }
        egress
    }

    /// Snap destinations (`None` = off the walk network; never reached).
    pub fn snap_all(&self, points: &[(f64, f64)]) -> Vec<Option<Snap>> {
        points
            .par_iter()
            .map(|&(lon, lat)| self.walk.snap(lon, lat))
            .collect()
    }

    /// Per-minute door-to-door seconds from one origin to every destination: the better of
    /// walking all the way and public transport (access walk, ≤ max rides, egress walk).
    /// `None` when the origin cannot be placed on the walk network.
    pub fn minute_times(
        &self,
        origin: (f64, f64),
        destinations: &[Option<Snap>],
        egress: &[Vec<(u32, i32)>],
    ) -> Option<MinuteTimes> {
        self.minute_times_with(origin, destinations, egress, false)
            .map(|x| x.0)
    }

    /// Like [`TransitNetwork::minute_times`]; with `pt_only`, also the per-minute times of
    /// journeys that ride at least once (walking all the way not counted).
    pub fn minute_times_with(
        &self,
        origin: (f64, f64),
        destinations: &[Option<Snap>],
        egress: &[Vec<(u32, i32)>],
        pt_only: bool,
    ) -> Option<(MinuteTimes, Option<MinuteTimes>)> {
        let max_trip_s = self.options.max_minutes * 60.0;
        let (access, direct) = self.access_and_direct(origin, destinations)?;
        let raptor = Raptor::new(&self.timetable, &self.transfers, self.params());
        let mut state = raptor.state();
        let departures = self.options.departures();
        let minutes = departures.len();
        let mut times = vec![UNREACHED; destinations.len() * minutes];
        let mut pt_times = if pt_only {
            vec![UNREACHED; destinations.len() * minutes]
        } else {
            Vec::new()
        };
        let within = |t: i32| {
            if (t as f64) <= max_trip_s {
                t
            } else {
                UNREACHED
            }
        };
        for (m, &dep) in departures.iter().enumerate().rev() {
            raptor.run(&mut state, dep, &access);
            let best = state.best();
            for d in 0..destinations.len() {
                let mut arrival = if direct[d] == UNREACHED {
                    UNREACHED
                } else {
                    dep + direct[d]
                };
                for &(s, e) in &egress[d] {
                    if dep + e >= arrival {
                        break; // sorted by walking time; every stop is reached at dep or later
                    }
                    let b = best[s as usize];
                    if b != UNREACHED && b + e < arrival {
                        arrival = b + e;
                    }
                }
                if arrival != UNREACHED {
                    times[d * minutes + m] = within(arrival - dep);
                }
            }
            if pt_only {
                let alight = state.best_alighting();
                for d in 0..destinations.len() {
                    let mut arrival = UNREACHED;
                    for &(s, e) in &egress[d] {
                        if dep + e >= arrival {
                            break;
                        }
                        let b = alight[s as usize];
                        if b != UNREACHED && b + e < arrival {
                            arrival = b + e;
                        }
                    }
                    if arrival != UNREACHED {
                        pt_times[d * minutes + m] = within(arrival - dep);
                    }
                }
            }
        }
        Some((
            MinuteTimes { times, minutes },
            pt_only.then_some(MinuteTimes {
                times: pt_times,
                minutes,
            }),
        ))
    }

    /// Walking from an origin: `(stop, seconds)` within the access limit, and seconds to each
    /// destination walking all the way (`UNREACHED` beyond the trip limit).
    fn access_and_direct(
        &self,
        origin: (f64, f64),
        destinations: &[Option<Snap>],
    ) -> Option<AccessAndDirect> {
        let o = &self.options;
        let origin = self.walk.snap(origin.0, origin.1)?;
        let walk_mps = o.walk_mps();
        let factor = o.network_factor();
        let max_trip_s = o.max_minutes * 60.0;
        let max_walk_s = o.max_walk_minutes * 60.0;
        // One walking search: stops within the access limit, destinations within the trip limit.
        let reach_m = max_trip_s.max(max_walk_s) * walk_mps;
        let mut targets: Vec<Snap> = Vec::new();
        let mut stop_ids: Vec<u32> = Vec::new();
        for (s, snap) in self.stop_snaps.iter().enumerate() {
            if let Some(snap) = snap {
                if haversine_m(origin.lon, origin.lat, snap.lon, snap.lat) <= max_walk_s * walk_mps
                {
                    stop_ids.push(s as u32);
                    targets.push(*snap);
                }
            }
        }
        let n_stop_targets = targets.len();
        let mut dest_ids: Vec<usize> = Vec::new();
        for (d, snap) in destinations.iter().enumerate() {
            if let Some(snap) = snap {
                if haversine_m(origin.lon, origin.lat, snap.lon, snap.lat) <= reach_m {
                    dest_ids.push(d);
                    targets.push(*snap);
                }
            }
        }
        let got = walk::one_to_many(
            self.walk,
            &origin,
            &targets,
            max_trip_s.max(max_walk_s) / factor,
        );
        let leg = |t: &Snap| (origin.distance_m + t.distance_m) / walk_mps;
        let access: Vec<(u32, i32)> = stop_ids
            .iter()
            .zip(&got[..n_stop_targets])
            .zip(&targets[..n_stop_targets])
            .filter_map(|((&s, t), snap)| {
                let secs = t.map(|x| x * factor + leg(snap))?;
                (secs <= max_walk_s).then_some((s, secs.round() as i32))
            })
            .collect();
        let mut direct = vec![UNREACHED; destinations.len()];
        for ((&d, t), snap) in dest_ids
            .iter()
            .zip(&got[n_stop_targets..])
            .zip(&targets[n_stop_targets..])
        {
            if let Some(x) = t {
                let secs = x * factor + leg(snap);
                if secs <= max_trip_s {
                    direct[d] = secs.round() as i32;
                }
            }
        }
        Some((access, direct))
    }

    fn params(&self) -> RaptorParams {
        RaptorParams {
            max_rides: self.options.max_rides,
            board_slack: self.options.board_slack_s,
            max_duration: (self.options.max_minutes * 60.0).floor() as i32,
        }
    }

    /// The fastest journey leaving `origin` at `departure` (seconds after midnight) for
    /// `destination`: its legs and the door-to-door arrival. `legs` is empty when walking all
    /// the way is at least as fast. `None` if unreached within the limits.
    pub fn itinerary(
        &self,
        origin: (f64, f64),
        destination: (f64, f64),
        departure: i32,
    ) -> Option<Itinerary> {
        let dest = self.snap_all(&[destination]);
        let egress = self.egress(&dest);
        let (access, direct) = self.access_and_direct(origin, &dest)?;
        let raptor = Raptor::new(&self.timetable, &self.transfers, self.params());
        let mut state = raptor.state();
        raptor.run(&mut state, departure, &access);
        let best = state.best();
        let mut arrival = if direct[0] == UNREACHED {
            UNREACHED
        } else {
            departure + direct[0]
        };
        let mut via: Option<(u32, i32)> = None;
        for &(s, e) in &egress[0] {
            let b = best[s as usize];
            if b != UNREACHED && b + e < arrival {
                arrival = b + e;
                via = Some((s, e));
            }
        }
        if arrival == UNREACHED || (arrival - departure) as f64 > self.options.max_minutes * 60.0 {
            return None;
        }
        Some(Itinerary {
            departure,
            arrival,
            legs: via.map_or_else(Vec::new, |(s, _)| state.journey(&self.timetable, s)),
            egress_walk_s: via.map_or(arrival - departure, |(_, e)| e),
        })
    }

    /// Travel time in minutes (the window's percentile) for every origin–destination pair;
    /// `None` where unreached within the limits or where a point is off the walk network.
    pub fn matrix(
        &self,
        origins: &[(f64, f64)],
        destinations: &[(f64, f64)],
    ) -> Vec<Vec<Option<f64>>> {
        let snaps = self.snap_all(destinations);
        let egress = self.egress(&snaps);
        let p = self.options.percentile;
        origins
            .par_iter()
            .map(|&o| match self.minute_times(o, &snaps, &egress) {
                None => vec![None; destinations.len()],
                Some(mt) => (0..destinations.len())
                    .map(|d| {
                        percentile(&mut mt.destination(d).to_vec(), p).map(|s| s as f64 / 60.0)
                    })
                    .collect(),
            })
            .collect()
    }

    /// For every origin, the percentile over departure minutes of the time to the *nearest*
    /// destination at that minute, and the destination nearest at the percentile minute.
    pub fn nearest(
        &self,
        origins: &[(f64, f64)],
        destinations: &[(f64, f64)],
    ) -> Vec<Option<(usize, f64)>> {
        let snaps = self.snap_all(destinations);
        let egress = self.egress(&snaps);
        let p = self.options.percentile;
        origins
            .par_iter()
            .map(|&o| {
                let mt = self.minute_times(o, &snaps, &egress)?;
                let mut per_minute: Vec<(i32, usize)> = (0..mt.minutes)
                    .map(|m| {
                        (0..destinations.len())
                            .map(|d| (mt.times[d * mt.minutes + m], d))
                            .min()
                            .unwrap_or((UNREACHED, 0))
                    })
                    .collect();
                if per_minute.is_empty() {
                    return None;
                }
                per_minute.sort_unstable();
                let (t, d) = per_minute[percentile_index(per_minute.len(), p)];
                (t != UNREACHED).then_some((d, t as f64 / 60.0))
            })
            .collect()
    }
}

/// A uniform grid over points for "within r metres" queries (straight line).
struct PointGrid {
    cell_deg: f64,
    cells: std::collections::HashMap<(i64, i64), Vec<u32>>,
    points: Vec<Option<(f64, f64)>>,
}

impl PointGrid {
    fn new(points: Vec<Option<(f64, f64)>>, cell_m: f64) -> PointGrid {
        let cell_deg = (cell_m / 111_000.0).max(1e-4);
        let mut cells: std::collections::HashMap<(i64, i64), Vec<u32>> =
            std::collections::HashMap::new();
        for (i, p) in points.iter().enumerate() {
            if let Some((lon, lat)) = p {
                cells
                    .entry((
                        (lon / cell_deg).floor() as i64,
                        (lat / cell_deg).floor() as i64,
                    ))
                    .or_default()
                    .push(i as u32);
            }
        }
        PointGrid {
            cell_deg,
            cells,
            points,
        }
    }

    fn within(&self, lon: f64, lat: f64, r_m: f64) -> impl Iterator<Item = u32> + '_ {
        let dlat = r_m / 111_000.0;
        let dlon = dlat / lat.to_radians().cos().max(0.01);
        let (x0, x1) = (
            ((lon - dlon) / self.cell_deg).floor() as i64,
            ((lon + dlon) / self.cell_deg).floor() as i64,
        );
        let (y0, y1) = (
            ((lat - dlat) / self.cell_deg).floor() as i64,
            ((lat + dlat) / self.cell_deg).floor() as i64,
        );
        (x0..=x1)
            .flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
            .filter_map(|c| self.cells.get(&c))
            .flatten()
            .copied()
            .filter(move |&i| {
                self.points[i as usize]
                    .is_some_and(|(plon, plat)| haversine_m(lon, lat, plon, plat) <= r_m)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank_like_r5() {
        let mut v = vec![5, 1, 4, 2, 3];
        assert_eq!(percentile(&mut v, 50.0), Some(3));
        assert_eq!(percentile(&mut v, 1.0), Some(1));
        assert_eq!(percentile(&mut v, 100.0), Some(5));
        // Ten minutes: the median is the 5th smallest (index ceil(5) - 1 = 4).
        let mut v: Vec<i32> = (1..=10).collect();
        assert_eq!(percentile(&mut v, 50.0), Some(5));
        let mut v = vec![10, UNREACHED, UNREACHED];
        assert_eq!(percentile(&mut v, 50.0), None);
        assert_eq!(percentile(&mut v, 33.0), Some(10));
        assert_eq!(percentile(&mut [], 50.0), None);
    }

    #[test]
    fn options_are_validated() {
        let d = Date::new(2019, 5, 13).unwrap();
        assert!(TransitOptions::new(d, 14 * 3600).validate().is_ok());
        let mut o = TransitOptions::new(d, 14 * 3600);
        o.percentile = 0.0;
        assert!(o.validate().unwrap_err().to_string().contains("percentile"));
        let mut o = TransitOptions::new(d, 14 * 3600);
        o.window_minutes = 0;
        assert!(o.validate().unwrap_err().to_string().contains("window"));
        let mut o = TransitOptions::new(d, 14 * 3600);
        o.walk_kmh = f64::NAN;
        assert!(o
            .validate()
            .unwrap_err()
            .to_string()
            .contains("walking speed"));
    }
}
