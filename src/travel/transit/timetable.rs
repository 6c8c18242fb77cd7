//! The timetable of one service day, in the shape RAPTOR wants: trips grouped into *patterns*
//! (same route, same stop sequence), each pattern's trips sorted so that no trip overtakes
//! another (a pattern whose trips overtake is split), times as seconds after midnight of the
//! chosen date.
//!
//! Trips of the previous service day that run past midnight (GTFS times ≥ 24:00:00) are
//! included shifted by −24 h, and trips of the next day shifted by +24 h, so a query near
//! midnight sees every vehicle actually running. Headway-based trips (`frequencies.txt`) are
//! expanded into one scheduled trip per headway from `start_time` (inclusive) to `end_time`
//! (exclusive), as if `exact_times=1`.

use std::collections::HashMap;

use super::date::Date;
use super::gtfs::{Feed, Trip};
use super::TransitError;

const DAY: i32 = 86_400;

/// A stop of the combined timetable (stops of several feeds are kept apart; walking transfers
/// join them).
#[derive(Debug, Clone, PartialEq)]
pub struct TimetableStop {
    pub feed: u32,
    pub id: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
}

/// Trips with the same stop sequence on the same route, none overtaking another.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// Short name of the route (for itineraries and messages).
    pub route: String,
    pub stops: Vec<u32>,
    /// `arrivals[trip * stops.len() + i]`, trips sorted by departure.
    pub arrivals: Vec<i32>,
    pub departures: Vec<i32>,
}

impl Pattern {
    pub fn trip_count(&self) -> usize {
        if self.stops.is_empty() {
            0
        } else {
            self.departures.len() / self.stops.len()
        }
    }

    #[inline]
    pub fn arrival(&self, trip: usize, pos: usize) -> i32 {
        self.arrivals[trip * self.stops.len() + pos]
    }

    #[inline]
    pub fn departure(&self, trip: usize, pos: usize) -> i32 {
        self.departures[trip * self.stops.len() + pos]
    }

    /// The first trip leaving position `pos` at or after `time` (trips do not overtake, so
    /// departures at every position are sorted).
    pub fn earliest_trip(&self, pos: usize, time: i32, below: usize) -> Option<usize> {
        let (mut lo, mut hi) = (0, below);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.departure(mid, pos) < time {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < below).then_some(lo)
    }
}

/// One service day of one or more feeds.
#[derive(Debug, Clone)]
pub struct Timetable {
    pub date: Date,
    pub stops: Vec<TimetableStop>,
    pub patterns: Vec<Pattern>,
    /// For each stop, the `(pattern, position)` pairs that serve it.
    pub stop_patterns: Vec<Vec<(u32, u32)>>,
    /// Trips running (after frequency expansion) in the kept time span.
    pub trip_count: usize,
    /// The time zone the times are in (every feed's agency zone; they must agree).
    pub timezone: String,
}

/// A trip instance with absolute times on the chosen date.
struct Instance {
    stops_key: usize,
    route: String,
    arr: Vec<i32>,
    dep: Vec<i32>,
}

impl Timetable {
    /// Build the timetable of `date`, keeping only trips that can matter to departures in
    /// `[from, until]` seconds after midnight (a trip is kept if it is still running at `from`
    /// and has left its first stop by `until`).
    ///
    /// Errors: feeds in different time zones; `date` outside a feed's calendar; no trip of any
    /// feed running on `date` (the message gives every feed's date range).
    pub fn build(
        feeds: &[Feed],
        date: Date,
        from: i32,
        until: i32,
    ) -> Result<Timetable, TransitError> {
        let Some(first) = feeds.first() else {
            return Err(TransitError::Options("no GTFS feed given".into()));
        };
        for f in feeds {
            if f.timezone != first.timezone {
                return Err(TransitError::TimeZones {
                    a: format!("{} ({})", first.name(), first.timezone),
                    b: format!("{} ({})", f.name(), f.timezone),
                });
            }
        }
        let ranges = || {
            feeds
                .iter()
                .map(|f| match f.date_range() {
                    Some((a, b)) => format!("{} runs {a}..{b}", f.name()),
                    None => format!("{} has no service dates", f.name()),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        for f in feeds {
            match f.date_range() {
                Some((a, b)) if a <= date && date <= b => {}
                _ => {
                    return Err(TransitError::OutsideCalendar {
                        date,
                        feed: f.name(),
                        ranges: ranges(),
                    })
                }
            }
        }

        let mut stops = Vec::new();
        let mut instances: Vec<Instance> = Vec::new();
        let mut stop_seqs: HashMap<(u32, Vec<u32>), usize> = HashMap::new();
        let mut seq_list: Vec<Vec<u32>> = Vec::new();
        for (fi, feed) in feeds.iter().enumerate() {
            let base = stops.len() as u32;
            stops.extend(feed.stops.iter().map(|s| TimetableStop {
                feed: fi as u32,
                id: s.id.clone(),
                name: s.name.clone(),
                lon: s.lon,
                lat: s.lat,
            }));
            for (day_shift, day) in [
                (-DAY, date.add_days(-1)),
                (0, date),
                (DAY, date.add_days(1)),
            ] {
                let running: Vec<bool> = feed.services.iter().map(|s| s.runs_on(day)).collect();
                for trip in &feed.trips {
                    if trip.stops.len() < 2 || !running[trip.service as usize] {
                        continue;
                    }
                    for shift in instance_shifts(trip) {
                        let offset = day_shift + shift;
                        let first_dep = trip.departures[0] + offset;
                        let last_arr = trip.arrivals[trip.arrivals.len() - 1] + offset;
                        if last_arr < from || first_dep > until {
                            continue;
                        }
                        let global: Vec<u32> = trip.stops.iter().map(|&s| base + s).collect();
                        let next = seq_list.len();
                        let key = *stop_seqs
                            .entry((trip.route, global.clone()))
                            .or_insert(next);
                        if key == next {
                            seq_list.push(global);
                        }
                        instances.push(Instance {
                            stops_key: key,
                            route: feed.routes[trip.route as usize].short_name.clone(),
                            arr: trip.arrivals.iter().map(|t| t + offset).collect(),
                            dep: trip.departures.iter().map(|t| t + offset).collect(),
                        });
                    }
                }
            }
        }
        let service_today = feeds.iter().any(|f| {
            let running: Vec<bool> = f.services.iter().map(|s| s.runs_on(date)).collect();
            f.trips
                .iter()
                .any(|t| running[t.service as usize] && t.stops.len() >= 2)
        });
        if !service_today {
            return Err(TransitError::NoService {
                date,
                ranges: ranges(),
            });
        }

        // Group into patterns; split where trips would overtake.
        let trip_count = instances.len();
        instances
            .sort_by(|a, b| (a.stops_key, a.dep[0], &a.arr).cmp(&(b.stops_key, b.dep[0], &b.arr)));
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut i = 0;
        while i < instances.len() {
            let key = instances[i].stops_key;
            let mut j = i;
            // Sub-patterns of this stop sequence: (pattern index, last trip's times).
            let mut subs: Vec<usize> = Vec::new();
            while j < instances.len() && instances[j].stops_key == key {
                let inst = &instances[j];
                let n = inst.arr.len();
                let fits = |p: &Pattern| {
                    let last = p.trip_count() - 1;
                    (0..n).all(|k| {
                        p.arrival(last, k) <= inst.arr[k] && p.departure(last, k) <= inst.dep[k]
                    })
                };
                match subs.iter().copied().find(|&p| fits(&patterns[p])) {
                    Some(p) => {
                        patterns[p].arrivals.extend_from_slice(&inst.arr);
                        patterns[p].departures.extend_from_slice(&inst.dep);
                    }
                    None => {
                        subs.push(patterns.len());
                        patterns.push(Pattern {
                            route: inst.route.clone(),
                            stops: seq_list[key].clone(),
                            arrivals: inst.arr.clone(),
                            departures: inst.dep.clone(),
                        });
                    }
                }
                j += 1;
            }
            i = j;
        }
        let mut stop_patterns = vec![Vec::new(); stops.len()];
        for (p, pat) in patterns.iter().enumerate() {
            for (pos, &s) in pat.stops.iter().enumerate() {
                stop_patterns[s as usize].push((p as u32, pos as u32));
            }
        }
        Ok(Timetable {
            date,
            stops,
            patterns,
            stop_patterns,
            trip_count,
            timezone: first.timezone.clone(),
        })
    }

    /// A timetable from explicit patterns (unit tests, benchmarks).
    pub fn from_patterns(
        date: Date,
        stops: Vec<TimetableStop>,
        patterns: Vec<Pattern>,
    ) -> Timetable {
        let mut stop_patterns = vec![Vec::new(); stops.len()];
        for (p, pat) in patterns.iter().enumerate() {
            for (pos, &s) in pat.stops.iter().enumerate() {
                stop_patterns[s as usize].push((p as u32, pos as u32));
            }
        }
        let trip_count = patterns.iter().map(Pattern::trip_count).sum();
        Timetable {
            date,
            stops,
            patterns,
            stop_patterns,
            trip_count,
            timezone: String::new(),
        }
    }
}

/// Time shifts of a trip's template: `[0]` for a scheduled trip, one per headway otherwise.
fn instance_shifts(trip: &Trip) -> Vec<i32> {
    if trip.frequencies.is_empty() {
        return vec![0];
    }
    let first = trip.departures[0];
    let mut out = Vec::new();
    for f in &trip.frequencies {
        let mut t = f.start;
        while t < f.end {
            out.push(t - first);
            t += f.headway;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::gtfs::{Frequency, Route, Service, Stop};
    use super::*;

    fn feed(trips: Vec<Trip>) -> Feed {
        Feed {
            path: "t.zip".into(),
            timezone: "Europe/London".into(),
            stops: (0..3)
                .map(|i| Stop {
                    id: format!("s{i}"),
                    name: String::new(),
                    lon: i as f64 * 0.01,
                    lat: 0.0,
                })
                .collect(),
            routes: vec![Route {
                id: "r".into(),
                short_name: "R".into(),
                route_type: 3,
            }],
            trips,
            services: vec![Service {
                id: "wk".into(),
                weekdays: [true, true, true, true, true, false, false],
                range: Some((
                    Date::new(2019, 1, 1).unwrap(),
                    Date::new(2019, 12, 31).unwrap(),
                )),
                added: vec![],
                removed: vec![Date::new(2019, 5, 14).unwrap()],
            }],
        }
    }

    fn trip(id: &str, start: i32, step: i32) -> Trip {
        Trip {
            id: id.into(),
            route: 0,
            service: 0,
            stops: vec![0, 1, 2],
            arrivals: vec![start, start + step, start + 2 * step],
            departures: vec![start, start + step, start + 2 * step],
            frequencies: vec![],
        }
    }

    #[test]
    fn overtaking_trips_get_separate_patterns() {
        // The express leaves later and arrives earlier.
        let f = feed(vec![
            trip("slow", 1000, 600),
            trip("express", 1100, 100),
            trip("slow2", 2000, 600),
        ]);
        let tt = Timetable::build(&[f], Date::new(2019, 5, 13).unwrap(), 0, DAY).unwrap();
        assert_eq!(tt.patterns.len(), 2);
        assert_eq!(tt.trip_count, 3);
        for p in &tt.patterns {
            for t in 1..p.trip_count() {
                for k in 0..p.stops.len() {
                    assert!(p.departure(t - 1, k) <= p.departure(t, k));
                }
            }
        }
    }

    #[test]
    fn frequencies_expand_with_exclusive_end() {
        let mut t = trip("f", 0, 300);
        t.frequencies = vec![Frequency {
            start: 6 * 3600,
            end: 7 * 3600,
            headway: 600,
        }];
        let tt =
            Timetable::build(&[feed(vec![t])], Date::new(2019, 5, 13).unwrap(), 0, DAY).unwrap();
        assert_eq!(tt.trip_count, 6);
        let p = &tt.patterns[0];
        assert_eq!(p.departure(0, 0), 6 * 3600);
        assert_eq!(p.departure(5, 0), 6 * 3600 + 3000);
        assert_eq!(p.arrival(5, 2), 6 * 3600 + 3000 + 600);
    }

    #[test]
    fn after_midnight_trips_of_the_previous_day_are_shifted() {
        // A weekday trip at 25:00 runs at 01:00 the next morning. Tuesday 2019-05-14 is removed
        // from the service by calendar_dates.
        let f = feed(vec![trip("late", 25 * 3600, 60)]);
        let wed = Date::new(2019, 5, 15).unwrap();
        let tt = Timetable::build(std::slice::from_ref(&f), wed, 0, 3 * 3600).unwrap();
        // Tuesday (removed) contributes nothing; Wednesday's own 25:00 trip is outside 0..3h.
        assert_eq!(tt.trip_count, 0);
        let tue = Date::new(2019, 5, 14).unwrap();
        // Monday's trip runs on Tuesday at 01:00, but Tuesday has no service of its own.
        let err = Timetable::build(std::slice::from_ref(&f), tue, 0, 3 * 3600)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no service") && err.contains("2019-01-01..2019-12-31"),
            "{err}"
        );
        let thu = Date::new(2019, 5, 16).unwrap();
        let tt = Timetable::build(&[f], thu, 0, 3 * 3600).unwrap();
        assert_eq!(tt.trip_count, 1);
        assert_eq!(tt.patterns[0].departure(0, 0), 3600);
    }

    #[test]
    fn outside_calendar_and_weekend_are_errors() {
        let f = feed(vec![trip("a", 1000, 60)]);
        let e = Timetable::build(
            std::slice::from_ref(&f),
            Date::new(2020, 1, 6).unwrap(),
            0,
            DAY,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("2020-01-06")
                && e.contains("outside")
                && e.contains("2019-01-01..2019-12-31"),
            "{e}"
        );
        let e = Timetable::build(&[f], Date::new(2019, 5, 18).unwrap(), 0, DAY)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no service") && e.contains("Saturday"), "{e}");
    }

    #[test]
    fn earliest_trip_binary_search() {
        let f = feed(vec![
            trip("a", 1000, 60),
            trip("b", 2000, 60),
            trip("c", 3000, 60),
        ]);
        let tt = Timetable::build(&[f], Date::new(2019, 5, 13).unwrap(), 0, DAY).unwrap();
        let p = &tt.patterns[0];
        assert_eq!(p.earliest_trip(1, 1060, 3), Some(0));
        assert_eq!(p.earliest_trip(1, 1061, 3), Some(1));
        assert_eq!(p.earliest_trip(1, 3061, 3), None);
        assert_eq!(p.earliest_trip(1, 1061, 1), None);
    }
}
