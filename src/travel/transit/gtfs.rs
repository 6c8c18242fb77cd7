//! Reading a GTFS zip (the static General Transit Feed Specification) into plain vectors.
//!
//! The CSV files are read straight from the zip with `csv`, so every error can name the feed,
//! the file, the row (1-based line in the file, header = line 1) and the field. Only what routing
//! needs is kept: agency time zone, stops, routes, trips with their stop times, calendar,
//! calendar_dates and frequencies.
//!
//! Stop times without times (non-timepoints) are interpolated between the surrounding
//! timepoints in proportion to the straight-line (great-circle) distance between consecutive
//! stops, the usual convention of GTFS consumers when `shape_dist_traveled` is absent; times are
//! truncated to whole seconds.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::date::Date;
use super::TransitError;
use crate::travel::haversine_m;

/// One stop or platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub id: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
}

/// One route (line), e.g. bus 188 or the metro's LINHA1.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub id: String,
    pub short_name: String,
    pub route_type: i32,
}

/// A headway-based block of a trip (`frequencies.txt`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frequency {
    /// First departure from the trip's first stop, seconds after the service day's start.
    pub start: i32,
    /// No departure at or after this time.
    pub end: i32,
    pub headway: i32,
}

/// One vehicle journey with complete (interpolated where needed) times.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub id: String,
    pub route: u32,
    pub service: u32,
    /// Stop indices in visiting order.
    pub stops: Vec<u32>,
    /// Arrival and departure, seconds after the service day's start (may exceed 24 h).
    pub arrivals: Vec<i32>,
    pub departures: Vec<i32>,
    /// Empty for a scheduled trip; otherwise the trip's times are a template repeated at every
    /// headway (shifted so that its first departure falls on each generated start).
    pub frequencies: Vec<Frequency>,
}

/// Which days a `service_id` runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Service {
    pub id: String,
    /// Monday..Sunday.
    pub weekdays: [bool; 7],
    /// `calendar.txt` range, if the service has a calendar row.
    pub range: Option<(Date, Date)>,
    pub added: Vec<Date>,
    pub removed: Vec<Date>,
}

impl Service {
    /// Whether the service runs on `date` (calendar_dates exceptions override calendar).
    pub fn runs_on(&self, date: Date) -> bool {
        if self.removed.contains(&date) {
            return false;
        }
        if self.added.contains(&date) {
            return true;
        }
        match self.range {
            Some((a, b)) => a <= date && date <= b && self.weekdays[date.weekday_from_monday()],
            None => false,
        }
    }
}

/// A whole feed.
#[derive(Debug, Clone)]
pub struct Feed {
    pub path: PathBuf,
    /// The agencies' time zone (IANA name). GTFS requires one zone for all agencies of a feed.
    pub timezone: String,
    pub stops: Vec<Stop>,
    pub routes: Vec<Route>,
    pub trips: Vec<Trip>,
    pub services: Vec<Service>,
}

impl Feed {
    /// First and last day any service of the feed runs, from calendar ranges and added dates.
    pub fn date_range(&self) -> Option<(Date, Date)> {
        let mut lo: Option<Date> = None;
        let mut hi: Option<Date> = None;
        let mut widen = |a: Date, b: Date| {
            lo = Some(lo.map_or(a, |l| l.min(a)));
            hi = Some(hi.map_or(b, |h| h.max(b)));
        };
        for s in &self.services {
            if let Some((a, b)) = s.range {
                widen(a, b);
            }
            for &d in &s.added {
                widen(d, d);
            }
        }
        lo.zip(hi)
    }

    /// The file name for messages.
    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        )
    }

    /// Read a GTFS zip.
    pub fn read(path: impl AsRef<Path>) -> Result<Feed, TransitError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|source| TransitError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut zip = zip::ZipArchive::new(file).map_err(|e| TransitError::Zip {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut reader = FeedReader {
            path: path.to_path_buf(),
            zip: &mut zip,
        };
        reader.read()
    }
}

/// One CSV member of the zip, with its header looked up by trimmed name.
struct Table {
    feed: PathBuf,
    file: &'static str,
    headers: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    fn require(&self, name: &str) -> Result<usize, TransitError> {
        self.column(name)
            .ok_or_else(|| TransitError::MissingColumn {
                feed: self.feed.clone(),
                file: self.file,
                column: name.to_string(),
            })
    }

    fn field_error(
        &self,
        row: u64,
        field: &str,
        value: &str,
        message: impl Into<String>,
    ) -> TransitError {
        TransitError::Field {
            feed: self.feed.clone(),
            file: self.file,
            row,
            field: field.to_string(),
            value: value.to_string(),
            message: message.into(),
        }
    }
}

fn get(record: &csv::StringRecord, col: Option<usize>) -> &str {
    col.and_then(|c| record.get(c)).map_or("", str::trim)
}

struct FeedReader<'z> {
    path: PathBuf,
    zip: &'z mut zip::ZipArchive<std::fs::File>,
}

impl FeedReader<'_> {
    /// Find `file` at the root of the zip or, failing that, in a single top-level folder.
    fn member_name(&self, file: &str) -> Option<String> {
        let names: Vec<&str> = self.zip.file_names().collect();
        if names.contains(&file) {
            return Some(file.to_string());
        }
        let nested: Vec<&&str> = names
            .iter()
            .filter(|n| {
                n.rsplit_once('/')
                    .is_some_and(|(dir, f)| f == file && !dir.contains('/'))
            })
            .collect();
        (nested.len() == 1).then(|| nested[0].to_string())
    }

    fn table(&mut self, file: &'static str, required: bool) -> Result<Option<Table>, TransitError> {
        let Some(name) = self.member_name(file) else {
            return if required {
                Err(TransitError::MissingFile {
                    feed: self.path.clone(),
                    file,
                })
            } else {
                Ok(None)
            };
        };
        let zip_err = |e: String| TransitError::Zip {
            path: self.path.clone(),
            message: format!("{file}: {e}"),
        };
        let mut bytes = Vec::new();
        self.zip
            .by_name(&name)
            .map_err(|e| zip_err(e.to_string()))?
            .read_to_end(&mut bytes)
            .map_err(|e| zip_err(e.to_string()))?;
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(text);
        let csv_err = |row: u64, e: csv::Error| TransitError::Csv {
            feed: self.path.clone(),
            file,
            row,
            message: e.to_string(),
        };
        let headers: Vec<String> = csv
            .headers()
            .map_err(|e| csv_err(1, e))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let mut rows = Vec::new();
        for record in csv.records() {
            let record = record.map_err(|e| {
                let row = e.position().map_or(0, |p| p.line());
                csv_err(row, e)
            })?;
            let row = record.position().map_or(0, |p| p.line());
            if record.iter().all(|f| f.trim().is_empty()) {
                continue; // blank trailing line
            }
            rows.push((row, record));
        }
        Ok(Some(Table {
            feed: self.path.clone(),
            file,
            headers,
            rows,
        }))
    }

    fn read(&mut self) -> Result<Feed, TransitError> {
        let agency = self.table("agency.txt", true).map(Option::unwrap)?;
        let stops_t = self.table("stops.txt", true).map(Option::unwrap)?;
        let routes_t = self.table("routes.txt", true).map(Option::unwrap)?;
        let trips_t = self.table("trips.txt", true).map(Option::unwrap)?;
        let times_t = self.table("stop_times.txt", true).map(Option::unwrap)?;
        let calendar_t = self.table("calendar.txt", false)?;
        let dates_t = self.table("calendar_dates.txt", false)?;
        let freq_t = self.table("frequencies.txt", false)?;
        if calendar_t.is_none() && dates_t.is_none() {
            return Err(TransitError::MissingFile {
                feed: self.path.clone(),
                file: "calendar.txt (or calendar_dates.txt)",
            });
        }

        // agency.txt: one time zone for the feed.
        let tz_col = agency.require("agency_timezone")?;
        let mut timezone: Option<String> = None;
        for (row, r) in &agency.rows {
            let tz = get(r, Some(tz_col));
            if tz.is_empty() {
                return Err(agency.field_error(*row, "agency_timezone", tz, "empty"));
            }
            match &timezone {
                None => timezone = Some(tz.to_string()),
                Some(t) if t != tz => {
                    return Err(agency.field_error(
                        *row,
                        "agency_timezone",
                        tz,
                        format!("differs from {t}; GTFS requires one time zone per feed"),
                    ))
                }
                Some(_) => {}
            }
        }
        let Some(timezone) = timezone else {
            return Err(TransitError::Csv {
                feed: self.path.clone(),
                file: "agency.txt",
                row: 2,
                message: "no agency rows".into(),
            });
        };

        // stops.txt
        let (id_c, lat_c, lon_c) = (
            stops_t.require("stop_id")?,
            stops_t.require("stop_lat")?,
            stops_t.require("stop_lon")?,
        );
        let name_c = stops_t.column("stop_name");
        let type_c = stops_t.column("location_type");
        let mut stops = Vec::new();
        let mut stop_index: HashMap<String, u32> = HashMap::new();
        for (row, r) in &stops_t.rows {
            let id = get(r, Some(id_c));
            if id.is_empty() {
                return Err(stops_t.field_error(*row, "stop_id", id, "empty"));
            }
            let location_type = get(r, type_c);
            let (lat_s, lon_s) = (get(r, Some(lat_c)), get(r, Some(lon_c)));
            // Generic nodes and boarding areas (location_type 3, 4) may lack coordinates.
            if (location_type == "3" || location_type == "4")
                && (lat_s.is_empty() || lon_s.is_empty())
            {
                continue;
            }
            let coord = |s: &str, field: &str, limit: f64| -> Result<f64, TransitError> {
                let v: f64 = s
                    .parse()
                    .map_err(|_| stops_t.field_error(*row, field, s, "not a number"))?;
                if !v.is_finite() || v.abs() > limit {
                    return Err(stops_t.field_error(
                        *row,
                        field,
                        s,
                        format!("outside -{limit}..{limit}"),
                    ));
                }
                Ok(v)
            };
            let lat = coord(lat_s, "stop_lat", 90.0)?;
            let lon = coord(lon_s, "stop_lon", 180.0)?;
            if stop_index
                .insert(id.to_string(), stops.len() as u32)
                .is_some()
            {
                return Err(stops_t.field_error(*row, "stop_id", id, "duplicate stop_id"));
            }
            stops.push(Stop {
                id: id.to_string(),
                name: get(r, name_c).to_string(),
                lon,
                lat,
            });
        }

        // routes.txt
        let rid_c = routes_t.require("route_id")?;
        let rtype_c = routes_t.require("route_type")?;
        let short_c = routes_t.column("route_short_name");
        let long_c = routes_t.column("route_long_name");
        let mut routes = Vec::new();
        let mut route_index: HashMap<String, u32> = HashMap::new();
        for (row, r) in &routes_t.rows {
            let id = get(r, Some(rid_c));
            let ty = get(r, Some(rtype_c));
            let route_type: i32 = ty
                .parse()
                .map_err(|_| routes_t.field_error(*row, "route_type", ty, "not an integer"))?;
            let short = get(r, short_c);
            let short_name = if short.is_empty() {
                get(r, long_c)
            } else {
                short
            };
            if route_index
                .insert(id.to_string(), routes.len() as u32)
                .is_some()
            {
                return Err(routes_t.field_error(*row, "route_id", id, "duplicate route_id"));
            }
            routes.push(Route {
                id: id.to_string(),
                short_name: short_name.to_string(),
                route_type,
            });
        }

        // calendar.txt + calendar_dates.txt
        let mut services: Vec<Service> = Vec::new();
        let mut service_index: HashMap<String, u32> = HashMap::new();
        let mut service_of = |id: &str, services: &mut Vec<Service>| -> u32 {
            *service_index.entry(id.to_string()).or_insert_with(|| {
                services.push(Service {
                    id: id.to_string(),
                    ..Service::default()
                });
                (services.len() - 1) as u32
            })
        };
        if let Some(cal) = &calendar_t {
            let sid = cal.require("service_id")?;
            let days = [
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
            ];
            let day_cols = days
                .iter()
                .map(|d| cal.require(d))
                .collect::<Result<Vec<_>, _>>()?;
            let (start_c, end_c) = (cal.require("start_date")?, cal.require("end_date")?);
            for (row, r) in &cal.rows {
                let id = get(r, Some(sid));
                let s = service_of(id, &mut services) as usize;
                if services[s].range.is_some() {
                    return Err(cal.field_error(
                        *row,
                        "service_id",
                        id,
                        "duplicate service_id in calendar.txt",
                    ));
                }
                for (i, (&c, name)) in day_cols.iter().zip(days).enumerate() {
                    let v = get(r, Some(c));
                    services[s].weekdays[i] = match v {
                        "1" => true,
                        "0" => false,
                        _ => return Err(cal.field_error(*row, name, v, "expected 0 or 1")),
                    };
                }
                let date = |c: usize, field: &str| {
                    let v = get(r, Some(c));
                    Date::parse_gtfs(v)
                        .ok_or_else(|| cal.field_error(*row, field, v, "expected a date YYYYMMDD"))
                };
                let (a, b) = (date(start_c, "start_date")?, date(end_c, "end_date")?);
                if b < a {
                    return Err(cal.field_error(
                        *row,
                        "end_date",
                        &b.to_string(),
                        format!("before start_date {a}"),
                    ));
                }
                services[s].range = Some((a, b));
            }
        }
        if let Some(cd) = &dates_t {
            let (sid, date_c, ex_c) = (
                cd.require("service_id")?,
                cd.require("date")?,
                cd.require("exception_type")?,
            );
            for (row, r) in &cd.rows {
                let id = get(r, Some(sid));
                let s = service_of(id, &mut services) as usize;
                let d = get(r, Some(date_c));
                let date = Date::parse_gtfs(d)
                    .ok_or_else(|| cd.field_error(*row, "date", d, "expected a date YYYYMMDD"))?;
                match get(r, Some(ex_c)) {
                    "1" => services[s].added.push(date),
                    "2" => services[s].removed.push(date),
                    v => {
                        return Err(cd.field_error(
                            *row,
                            "exception_type",
                            v,
                            "expected 1 (added) or 2 (removed)",
                        ))
                    }
                }
            }
        }

        // trips.txt
        let (tid_c, troute_c, tserv_c) = (
            trips_t.require("trip_id")?,
            trips_t.require("route_id")?,
            trips_t.require("service_id")?,
        );
        let mut trips: Vec<Trip> = Vec::new();
        let mut trip_index: HashMap<String, u32> = HashMap::new();
        for (row, r) in &trips_t.rows {
            let id = get(r, Some(tid_c));
            let route_id = get(r, Some(troute_c));
            let route = *route_index.get(route_id).ok_or_else(|| {
                trips_t.field_error(
                    *row,
                    "route_id",
                    route_id,
                    "unknown route_id (not in routes.txt)",
                )
            })?;
            let service_id = get(r, Some(tserv_c));
            let service = *service_index.get(service_id).ok_or_else(|| {
                trips_t.field_error(
                    *row,
                    "service_id",
                    service_id,
                    "unknown service_id (not in calendar.txt or calendar_dates.txt)",
                )
            })?;
            if trip_index
                .insert(id.to_string(), trips.len() as u32)
                .is_some()
            {
                return Err(trips_t.field_error(*row, "trip_id", id, "duplicate trip_id"));
            }
            trips.push(Trip {
                id: id.to_string(),
                route,
                service,
                stops: Vec::new(),
                arrivals: Vec::new(),
                departures: Vec::new(),
                frequencies: Vec::new(),
            });
        }

        // stop_times.txt: collect per trip, sort by stop_sequence, then fill and interpolate.
        let t = &times_t;
        let (st_trip, st_stop, st_seq) = (
            t.require("trip_id")?,
            t.require("stop_id")?,
            t.require("stop_sequence")?,
        );
        let (st_arr, st_dep) = (t.require("arrival_time")?, t.require("departure_time")?);
        // (sequence, row, stop, arrival, departure)
        type Raw = (u32, u64, u32, Option<i32>, Option<i32>);
        let mut raw: Vec<Vec<Raw>> = vec![Vec::new(); trips.len()];
        for (row, r) in &t.rows {
            let trip_id = get(r, Some(st_trip));
            let trip = *trip_index.get(trip_id).ok_or_else(|| {
                t.field_error(
                    *row,
                    "trip_id",
                    trip_id,
                    "unknown trip_id (not in trips.txt)",
                )
            })?;
            let stop_id = get(r, Some(st_stop));
            let stop = *stop_index.get(stop_id).ok_or_else(|| {
                t.field_error(
                    *row,
                    "stop_id",
                    stop_id,
                    "unknown stop_id (not in stops.txt)",
                )
            })?;
            let seq_s = get(r, Some(st_seq));
            let seq: u32 = seq_s.parse().map_err(|_| {
                t.field_error(*row, "stop_sequence", seq_s, "not a non-negative integer")
            })?;
            let time = |c: usize, field: &str| -> Result<Option<i32>, TransitError> {
                let v = get(r, Some(c));
                if v.is_empty() {
                    return Ok(None);
                }
                parse_time(v).map(Some).ok_or_else(|| {
                    t.field_error(
                        *row,
                        field,
                        v,
                        "expected a time HH:MM:SS (minutes and seconds below 60)",
                    )
                })
            };
            let (mut a, mut d) = (
                time(st_arr, "arrival_time")?,
                time(st_dep, "departure_time")?,
            );
            if a.is_none() {
                a = d;
            }
            if d.is_none() {
                d = a;
            }
            if let (Some(x), Some(y)) = (a, d) {
                if y < x {
                    return Err(t.field_error(
                        *row,
                        "departure_time",
                        get(r, Some(st_dep)),
                        "before arrival_time",
                    ));
                }
            }
            raw[trip as usize].push((seq, *row, stop, a, d));
        }
        for (ti, mut rows) in raw.into_iter().enumerate() {
            rows.sort_by_key(|x| x.0);
            for w in rows.windows(2) {
                if w[0].0 == w[1].0 {
                    return Err(t.field_error(
                        w[1].1,
                        "stop_sequence",
                        &w[1].0.to_string(),
                        format!("repeated in trip {}", trips[ti].id),
                    ));
                }
            }
            let trip = &mut trips[ti];
            if rows.is_empty() {
                continue; // a trip without stop times never runs
            }
            let (first, last) = (rows[0], rows[rows.len() - 1]);
            if first.4.is_none() {
                return Err(t.field_error(first.1, "departure_time", "", format!("the first stop of trip {} has no time (GTFS requires times at the first and last stop)", trip.id)));
            }
            if last.3.is_none() {
                return Err(t.field_error(last.1, "arrival_time", "", format!("the last stop of trip {} has no time (GTFS requires times at the first and last stop)", trip.id)));
            }
            let mut arr: Vec<Option<i32>> = rows.iter().map(|x| x.3).collect();
            let mut dep: Vec<Option<i32>> = rows.iter().map(|x| x.4).collect();
            let stop_ids: Vec<u32> = rows.iter().map(|x| x.2).collect();
            interpolate(&mut arr, &mut dep, |i| {
                let (a, b) = (
                    &stops[stop_ids[i - 1] as usize],
                    &stops[stop_ids[i] as usize],
                );
                haversine_m(a.lon, a.lat, b.lon, b.lat)
            });
            let arrivals: Vec<i32> = arr.into_iter().map(|x| x.expect("interpolated")).collect();
            let departures: Vec<i32> = dep.into_iter().map(|x| x.expect("interpolated")).collect();
            for i in 1..rows.len() {
                if arrivals[i] < departures[i - 1] {
                    return Err(t.field_error(
                        rows[i].1,
                        "arrival_time",
                        &format_time(arrivals[i]),
                        format!(
                            "earlier than the departure from the previous stop of trip {} ({})",
                            trip.id,
                            format_time(departures[i - 1])
                        ),
                    ));
                }
            }
            trip.stops = stop_ids;
            trip.arrivals = arrivals;
            trip.departures = departures;
        }

        // frequencies.txt
        if let Some(f) = &freq_t {
            let (ft, fs, fe, fh) = (
                f.require("trip_id")?,
                f.require("start_time")?,
                f.require("end_time")?,
                f.require("headway_secs")?,
            );
            for (row, r) in &f.rows {
                let trip_id = get(r, Some(ft));
                let trip = *trip_index.get(trip_id).ok_or_else(|| {
                    f.field_error(
                        *row,
                        "trip_id",
                        trip_id,
                        "unknown trip_id (not in trips.txt)",
                    )
                })?;
                let time = |c: usize, field: &str| {
                    let v = get(r, Some(c));
                    parse_time(v).ok_or_else(|| {
                        f.field_error(
                            *row,
                            field,
                            v,
                            "expected a time HH:MM:SS (minutes and seconds below 60)",
                        )
                    })
                };
                let (start, end) = (time(fs, "start_time")?, time(fe, "end_time")?);
                let h = get(r, Some(fh));
                let headway: i32 = h.parse().ok().filter(|&x: &i32| x > 0).ok_or_else(|| {
                    f.field_error(*row, "headway_secs", h, "expected a positive integer")
                })?;
                if end < start {
                    return Err(f.field_error(
                        *row,
                        "end_time",
                        get(r, Some(fe)),
                        "before start_time",
                    ));
                }
                trips[trip as usize].frequencies.push(Frequency {
                    start,
                    end,
                    headway,
                });
            }
        }

        Ok(Feed {
            path: self.path.clone(),
            timezone,
            stops,
            routes,
            trips,
            services,
        })
    }
}

/// Fill missing times: a stop with neither time gets a time interpolated between the previous
/// and next timepoints by cumulative distance (`dist(i)` = metres from stop i-1 to stop i);
/// equal steps if all those distances are zero.
fn interpolate(arr: &mut [Option<i32>], dep: &mut [Option<i32>], dist: impl Fn(usize) -> f64) {
    let n = arr.len();
    let mut i = 0;
    while i < n {
        if dep[i].is_some() {
            i += 1;
            continue;
        }
        let start = i - 1; // the first stop always has a time
        let mut end = i;
        while dep[end].is_none() {
            end += 1; // the last stop always has a time
        }
        let legs: Vec<f64> = (start + 1..=end).map(&dist).collect();
        let total: f64 = legs.iter().sum();
        let (t0, t1) = (dep[start].expect("timepoint"), arr[end].expect("timepoint"));
        let mut so_far = 0.0;
        for (k, j) in (start + 1..end).enumerate() {
            so_far += legs[k];
            let share = if total > 0.0 {
                so_far / total
            } else {
                (k + 1) as f64 / (end - start) as f64
            };
            let t = t0 + ((t1 - t0) as f64 * share) as i32;
            arr[j] = Some(t);
            dep[j] = Some(t);
        }
        i = end + 1;
    }
}

/// `H:MM:SS` or `HH:MM:SS` (hours may exceed 23) → seconds; minutes and seconds must be < 60.
pub fn parse_time(s: &str) -> Option<i32> {
    let mut parts = s.trim().split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.is_empty() || h.len() > 3 || m.len() != 2 || sec.len() != 2 {
        return None;
    }
    let all_digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(h) && all_digits(m) && all_digits(sec)) {
        return None;
    }
    let (h, m, sec): (i32, i32, i32) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    (m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

/// Seconds → `HH:MM:SS`.
pub fn format_time(t: i32) -> String {
    let sign = if t < 0 { "-" } else { "" };
    let t = t.abs();
    format!("{sign}{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn times_parse_and_reject() {
        assert_eq!(parse_time("14:02:00"), Some(50520));
        assert_eq!(parse_time("5:06:07"), Some(5 * 3600 + 367));
        assert_eq!(parse_time("25:10:00"), Some(25 * 3600 + 600));
        for bad in [
            "25:61:00",
            "12:00:60",
            "12:00",
            "",
            "ab:cd:ef",
            "12:0:00",
            "-1:00:00",
            "12:00:00:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn interpolation_follows_distance_and_truncates() {
        // Stops at 0, 100, 400, 1000 m; times only at the ends: 0 and 1000 s.
        let d = [0.0, 100.0, 300.0, 600.0];
        let mut arr = vec![Some(0), None, None, Some(1000)];
        let mut dep = vec![Some(0), None, None, Some(1000)];
        interpolate(&mut arr, &mut dep, |i| d[i]);
        assert_eq!(arr, vec![Some(0), Some(100), Some(400), Some(1000)]);
        assert_eq!(dep, arr);
        // Zero distances: equal steps.
        let mut arr = vec![Some(10), None, Some(30)];
        let mut dep = vec![Some(10), None, Some(30)];
        interpolate(&mut arr, &mut dep, |_| 0.0);
        assert_eq!(arr[1], Some(20));
    }

    proptest! {
        #[test]
        fn time_round_trips(t in 0i32..48 * 3600) {
            prop_assert_eq!(parse_time(&format_time(t)), Some(t));
        }

        #[test]
        fn interpolated_times_are_monotone_and_bounded(
            legs in prop::collection::vec(0.0f64..5000.0, 2..20),
            t0 in 0i32..80_000,
            span in 0i32..10_000,
        ) {
            let n = legs.len();
            let mut arr = vec![None; n];
            let mut dep = vec![None; n];
            arr[0] = Some(t0); dep[0] = Some(t0);
            arr[n - 1] = Some(t0 + span); dep[n - 1] = Some(t0 + span);
            interpolate(&mut arr, &mut dep, |i| legs[i]);
            for w in arr.windows(2) {
                prop_assert!(w[0].unwrap() <= w[1].unwrap());
            }
            prop_assert!(arr.iter().all(|x| (t0..=t0 + span).contains(&x.unwrap())));
        }
    }
}
