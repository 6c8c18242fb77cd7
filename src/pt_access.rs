//! GP access by public transport for every LSOA — the county health and wellbeing pack's "45
//! minute walk or public transport journey to a GP" — switched on when GTFS timetables are in
//! the data directory (`transit/gtfs/*.zip`, e.g. the Bus Open Data Service's South West
//! feed) and the OpenStreetMap walk network is there to reach the stops.
//!
//! Convention (DfT journey time statistics): weekday departures every minute 07:00–09:59, the
//! median over those minutes, to the nearest open GP site at each minute. `gp_pt_min` counts
//! journeys with at least one ride (walking to, between and from stops included);
//! `gp_pt_walk_min` is the better of that and walking all the way, per minute.
//! Until a feed is present both layers are absent (see [`absent_reason`]) and DfT's 2013
//! figures (`gp_pt_walk_min_2013`) stay the reference.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::atlas::layers::AbsentCause;
use crate::travel::transit::{
    percentile_index, Date, Feed, MinuteTimes, TransitError, TransitNetwork, TransitOptions,
    UNREACHED,
};
use crate::travel::Network;

pub const GP_PT_MIN: &str = "gp_pt_min";
pub const GP_PT_WALK_MIN: &str = "gp_pt_walk_min";
/// Folder of the data directory searched for GTFS zips.
pub const GTFS_DIR: &str = crate::overlay::GTFS_DIR;

/// First departure (07:00) and number of departure minutes (07:00..09:59).
pub const FIRST_DEPARTURE_S: i32 = 7 * 3600;
pub const WINDOW_MINUTES: u32 = 180;

/// GTFS zips in `<data_root>/transit/gtfs/`, sorted by name.
pub fn gtfs_feeds(data_root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(data_root.join(GTFS_DIR))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")))
        .collect();
    out.sort();
    out
}

/// Why `gp_pt_min` / `gp_pt_walk_min` are absent, or `None` when they can be computed.
pub fn absent_reason(data_root: &Path, walk_network: bool) -> Option<(AbsentCause, String)> {
    routable(data_root, walk_network.then_some(())).err()
}

/// `walk` when public transport can be routed with it: the data directory has a GTFS feed and
/// there is a walk network to reach the stops. Otherwise why not, as the layers record it.
pub fn routable<W>(data_root: &Path, walk: Option<W>) -> Result<W, (AbsentCause, String)> {
    if gtfs_feeds(data_root).is_empty() {
        return Err((AbsentCause::NoTimetable, format!(
            "absent: no GTFS timetable in {} (place the Bus Open Data Service South West GTFS there, source gtfs; \
             optionally the rail timetable as GTFS); DfT's 2013 figures (gp_pt_walk_min_2013) remain the reference",
            data_root.join(GTFS_DIR).display()
        )));
    }
    walk.ok_or_else(|| {
        (
            AbsentCause::NoWalkNetwork,
            "absent: GTFS timetables are present but no OpenStreetMap walk network (source osm_gloucestershire, or --network) to reach the stops"
                .into(),
        )
    })
}

/// Per-LSOA minutes and what they were computed on.
#[derive(Debug, Clone)]
pub struct PtAccess {
    pub pt_min: Vec<Option<f64>>,
    pub pt_walk_min: Vec<Option<f64>>,
    /// Index of the GP site nearest by public transport + walk at the median minute.
    pub nearest: Vec<Option<usize>>,
    /// Index of the GP site nearest by public transport (at least one ride) at the median
    /// minute.
    pub pt_nearest: Vec<Option<usize>>,
    /// The weekday routed.
    pub date: Date,
    /// First and last service day common to all feeds.
    pub feed_range: (Date, Date),
    pub feeds: Vec<String>,
}

/// The first Tuesday, Wednesday or Thursday (else Monday or Friday) inside every feed's
/// calendar on which the feeds run.
pub fn pick_weekday(feeds: &[Feed]) -> Result<(Date, (Date, Date)), TransitError> {
    let ranges: Vec<(Date, Date)> = feeds.iter().filter_map(Feed::date_range).collect();
    let describe = || {
        feeds
            .iter()
            .map(|f| match f.date_range() {
                Some((a, b)) => format!("{} runs {a}..{b}", f.name()),
                None => format!("{} has no service dates", f.name()),
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if ranges.len() != feeds.len() || ranges.is_empty() {
        return Err(TransitError::Calendar(format!(
            "a feed has no service dates: {}",
            describe()
        )));
    }
    let start = ranges.iter().map(|r| r.0).max().expect("non-empty");
    let end = ranges.iter().map(|r| r.1).min().expect("non-empty");
    if end < start {
        return Err(TransitError::Calendar(format!(
            "the feeds' calendars do not overlap: {}",
            describe()
        )));
    }
    let runs = |d: Date| {
        feeds.iter().all(|f| {
            f.trips
                .iter()
                .any(|t| f.services[t.service as usize].runs_on(d))
        })
    };
    for preferred in [[1usize, 2, 3].as_slice(), [0, 4].as_slice()] {
        let mut d = start;
        while d <= end && d.days() - start.days() < 366 {
            if preferred.contains(&d.weekday_from_monday()) && runs(d) {
                return Ok((d, (start, end)));
            }
            d = d.add_days(1);
        }
    }
    Err(TransitError::NoWeekday {
        start,
        end,
        ranges: describe(),
    })
}

/// `gp_pt_min` and `gp_pt_walk_min` for `origins` (LSOA population-weighted centroids) to the
/// nearest of `sites` (open GP sites), on `walk` and `feeds`.
pub fn gp_pt_minutes(
    walk: &Network,
    feeds: &[Feed],
    origins: &[(f64, f64)],
    sites: &[(f64, f64)],
) -> Result<PtAccess, TransitError> {
    let all = vec![true; sites.len()];
    let mut out = gp_pt_minutes_for(walk, feeds, origins, sites, &[all])?;
    Ok(out.pop().expect("one site set"))
}

/// Like [`gp_pt_minutes`] for several sets of open sites at once (`sets[k][j]`: site `j` is
/// open in set `k`), e.g. today and a scenario. The expensive part — one RAPTOR run per origin
/// and departure minute, with every site as an egress target — is shared by all sets; each set
/// then takes its nearest open site minute by minute. `nearest` indexes `sites`.
pub fn gp_pt_minutes_for(
    walk: &Network,
    feeds: &[Feed],
    origins: &[(f64, f64)],
    sites: &[(f64, f64)],
    sets: &[Vec<bool>],
) -> Result<Vec<PtAccess>, TransitError> {
    Ok(gp_pt_minutes_until(walk, feeds, origins, sites, sets, &|| false)?.expect("never stopped"))
}

/// [`gp_pt_minutes_for`] that gives up, with `Ok(None)`, once `stop()` says so: it is asked
/// before each origin's run, so a server whose client has gone (or timed out) stops within one
/// origin's work instead of routing the whole county for nobody.
pub fn gp_pt_minutes_until(
    walk: &Network,
    feeds: &[Feed],
    origins: &[(f64, f64)],
    sites: &[(f64, f64)],
    sets: &[Vec<bool>],
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Option<Vec<PtAccess>>, TransitError> {
    if let Some(bad) = sets.iter().find(|s| s.len() != sites.len()) {
        return Err(TransitError::Options(format!(
            "a site set of {} flags for {} sites",
            bad.len(),
            sites.len()
        )));
    }
    let (date, feed_range) = pick_weekday(feeds)?;
    let mut o = TransitOptions::new(date, FIRST_DEPARTURE_S);
    o.window_minutes = WINDOW_MINUTES;
    o.percentile = 50.0;
    o.max_minutes = 120.0;
    let net = TransitNetwork::build(walk, feeds, o)?;
    let snaps = net.snap_all(sites);
    let egress = net.egress(&snaps);
    /// (pt minutes, its site; pt-or-walk minutes, its site)
    type Row = (Option<(f64, usize)>, Option<(f64, usize)>);
    let median = |mut per_minute: Vec<(i32, usize)>| {
        per_minute.sort_unstable();
        per_minute
            .get(percentile_index(per_minute.len(), 50.0))
            .filter(|x| x.0 != UNREACHED)
            .map(|&(t, d)| (t as f64 / 60.0, d))
    };
    if stop() {
        return Ok(None);
    }
    let rows: Option<Vec<Vec<Row>>> = origins
        .par_iter()
        .map(|&origin| {
            if stop() {
                return None;
            }
            let Some((all, pt)) = net.minute_times_with(origin, &snaps, &egress, true) else {
                return Some(vec![(None, None); sets.len()]);
            };
            let pt = pt.expect("asked for PT-only times");
            let per_set = sets
                .iter()
                .map(|open| {
                    let nearest_each_minute = |mt: &MinuteTimes| -> Vec<(i32, usize)> {
                        (0..mt.minutes)
                            .map(|m| {
                                (0..sites.len())
                                    .filter(|&d| open[d])
                                    .map(|d| (mt.times[d * mt.minutes + m], d))
                                    .min()
                                    .unwrap_or((UNREACHED, 0))
                            })
                            .collect()
                    };
                    (
                        median(nearest_each_minute(&pt)),
                        median(nearest_each_minute(&all)),
                    )
                })
                .collect::<Vec<Row>>();
            Some(per_set)
        })
        .collect();
    let Some(rows) = rows else {
        return Ok(None);
    };
    Ok(Some(
        (0..sets.len())
            .map(|k| PtAccess {
                pt_min: rows.iter().map(|r| r[k].0.map(|x| x.0)).collect(),
                pt_walk_min: rows.iter().map(|r| r[k].1.map(|x| x.0)).collect(),
                nearest: rows.iter().map(|r| r[k].1.map(|x| x.1)).collect(),
                pt_nearest: rows.iter().map(|r| r[k].0.map(|x| x.1)).collect(),
                date,
                feed_range,
                feeds: feeds.iter().map(Feed::name).collect(),
            })
            .collect(),
    ))
}

/// The GTFS feeds of the data directory, read; an error with [`absent_reason`]'s words when
/// there are none (for commands that cannot answer without them).
pub fn read_feeds(data_root: &Path) -> Result<Vec<Feed>, TransitError> {
    let paths = gtfs_feeds(data_root);
    if paths.is_empty() {
        return Err(TransitError::Options(
            absent_reason(data_root, true)
                .map(|(_, why)| why)
                .unwrap_or_default(),
        ));
    }
    paths.iter().map(Feed::read).collect()
}

/// Read the feeds of the data directory and compute; `Ok(None)` when there are none.
pub fn from_data_dir(
    data_root: &Path,
    walk: &Network,
    origins: &[(f64, f64)],
    sites: &[(f64, f64)],
) -> Result<Option<PtAccess>, TransitError> {
    let paths = gtfs_feeds(data_root);
    if paths.is_empty() {
        return Ok(None);
    }
    let feeds = paths
        .iter()
        .map(Feed::read)
        .collect::<Result<Vec<_>, _>>()?;
    gp_pt_minutes(walk, &feeds, origins, sites).map(Some)
}

/// Add `gp_pt_min` and `gp_pt_walk_min` to the atlas when GTFS feeds are in the data
/// directory and a walk network is given (method `network`; vintage = the feeds' common date
/// range and the day routed); otherwise list both as absent with the reason. `origins` are the
/// areas' centroids ([`crate::Atlas::centroids`]). The one call site is
/// `overlay::add_gp_access_layers_on`.
pub fn add_or_mark_absent(
    atlas: &mut crate::Atlas,
    data: &crate::DataDir,
    walk: Option<&Network>,
    origins: &[(f64, f64)],
    vars: &crate::atlas::layers::catalogue::Vars,
) -> Result<(), TransitError> {
    use crate::atlas::layers::catalogue::{declared, source};
    use crate::atlas::layers::{Layer, Values};
    let ids = [GP_PT_MIN, GP_PT_WALK_MIN];
    let walk = match routable(&data.root, walk) {
        Ok(w) => w,
        Err((cause, reason)) => {
            for id in ids {
                atlas
                    .layers
                    .mark_absent(declared(id), cause, reason.clone());
            }
            return Ok(());
        }
    };
    let sites: Vec<(f64, f64)> = atlas
        .gp_sites
        .sites
        .iter()
        .map(|s| (s.lon, s.lat))
        .collect();
    let Some(pt) = from_data_dir(&data.root, walk, origins, &sites)? else {
        return Ok(());
    };
    let src = data
        .manifest
        .get(source::GTFS)
        .map_err(|e| TransitError::Options(format!("source manifest: {e}")))?
        .clone();
    let vintage = format!(
        "GTFS {} (service {}..{}); routed {} {}, 07:00-09:59",
        pt.feeds.join(", "),
        pt.feed_range.0,
        pt.feed_range.1,
        pt.date.weekday_name(),
        pt.date
    );
    for (id, values, what) in [
        (
            GP_PT_MIN,
            pt.pt_min.clone(),
            "journeys with at least one ride (walking to, between and from stops included)",
        ),
        (
            GP_PT_WALK_MIN,
            pt.pt_walk_min.clone(),
            "the better of public transport and walking all the way, minute by minute",
        ),
    ] {
        let unreached = values.iter().filter(|x| x.is_none()).count();
        let mut meta = declared(id).meta(&src, vars);
        meta.vintage = vintage.clone();
        meta.description.push_str(&format!(
            " Routed by needsmap: RAPTOR on {} with walking on the OpenStreetMap network at {} km/h; departures every minute 07:00-09:59 on {} {}, median of the time to the nearest of {} GP sites; {what}. At most 3 rides, 60 s to board, trips over 120 min count as unreached ({unreached} areas blank).",
            pt.feeds.join(", "),
            crate::travel::speeds::WALK_KMH,
            pt.date.weekday_name(),
            pt.date,
            sites.len(),
        ));
        atlas
            .layers
            .insert(Layer::new(meta, Values::Number(values)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_without_feeds_names_the_folder_and_the_reference() {
        let dir = std::env::temp_dir().join(format!("needsmap-pt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (cause, why) = absent_reason(&dir, true).unwrap();
        assert_eq!(cause, AbsentCause::NoTimetable);
        assert!(
            why.contains("transit/gtfs")
                && why.contains("source gtfs")
                && why.contains("gp_pt_walk_min_2013"),
            "{why}"
        );
        std::fs::create_dir_all(dir.join(GTFS_DIR)).unwrap();
        std::fs::write(dir.join(GTFS_DIR).join("feed.zip"), b"not really a zip").unwrap();
        assert_eq!(gtfs_feeds(&dir), vec![dir.join(GTFS_DIR).join("feed.zip")]);
        let (cause, why) = absent_reason(&dir, false).unwrap();
        assert_eq!(cause, AbsentCause::NoWalkNetwork);
        assert!(why.contains("walk network"), "{why}");
        assert_eq!(absent_reason(&dir, true), None);
        // A broken feed is an error naming the file, not an empty layer.
        let net = {
            let mut b = crate::travel::NetworkBuilder::new(crate::travel::TravelMode::Walk);
            let (x, y) = (b.add_node(0.0, 0.0), b.add_node(0.001, 0.0));
            b.add_way_segment(x, y, true, true, 4.8);
            b.build().unwrap()
        };
        let e = from_data_dir(&dir, &net, &[(0.0, 0.0)], &[(0.001, 0.0)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("feed.zip"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
