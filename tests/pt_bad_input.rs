//! Issue 11's "Bad input" on real feeds, damaged one thing at a time: a temp copy of r5r's
//! Trensurb GTFS with a required file removed, an impossible time, an unknown id or a calendar
//! without weekday service, read the way the county layers read `transit/gtfs/`, and through
//! `needsmap travel --mode transit` for dates outside the calendar or without service. Each
//! error must name the file, the row and the field (or give the feed's date range).
//! (`tests/transit_poa.rs` checks stops.txt missing, a bad arrival_time and an unknown stop_id.)

mod common;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use needsmap::pt_access;

fn poa(rel: &str) -> PathBuf {
    common::by_file(&format!("transit/porto_alegre/{rel}"))
}

/// A data directory whose `transit/gtfs/` holds a copy of the Trensurb feed with `edit` applied
/// to `member` (`None`: the member is left out).
fn data_dir_with(
    tmp: &Path,
    member: &str,
    edit: impl Fn(&str) -> Option<String>,
) -> (PathBuf, PathBuf) {
    let root = tmp.join(member.replace('.', "_"));
    let dir = root.join(pt_access::GTFS_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("trensurb_damaged.zip");
    let mut z =
        zip::ZipArchive::new(std::fs::File::open(poa("poa_trensurb.zip")).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut seen = false;
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        let text = if name == member {
            seen = true;
            edit(&text)
        } else {
            Some(text)
        };
        if let Some(text) = text {
            w.start_file(name, opts).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
    }
    w.finish().unwrap();
    assert!(seen, "{member} is not in the feed");
    (root, out)
}

/// Replace `from` by `to` on line `line` (1-based, the header is line 1) of a CSV member.
fn on_line(line: usize, from: &'static str, to: &'static str) -> impl Fn(&str) -> Option<String> {
    move |t| {
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        assert!(
            lines[line - 1].contains(from),
            "{from} not on line {line}: {}",
            lines[line - 1]
        );
        lines[line - 1] = lines[line - 1].replacen(from, to, 1);
        Some(lines.join("\n"))
    }
}

/// The error the county's public-transport layers get from this data directory.
fn county_error(root: &Path) -> String {
    match pt_access::read_feeds(root) {
        Err(e) => e.to_string(),
        Ok(feeds) => pt_access::pick_weekday(&feeds)
            .map(|d| panic!("the damaged feed was accepted, routing {d:?}"))
            .unwrap_err()
            .to_string(),
    }
}

fn has_all(e: &str, words: &[&str]) {
    for w in words {
        assert!(e.contains(w), "{w:?} not in: {e}");
    }
}

#[test]
fn each_required_file_missing_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    for file in ["agency.txt", "routes.txt", "trips.txt", "stop_times.txt"] {
        let (root, _) = data_dir_with(tmp.path(), file, |_| None);
        has_all(
            &county_error(&root),
            &["trensurb_damaged.zip", file, "missing"],
        );
    }
    // This feed has calendar.txt only: without it there is no service calendar at all.
    let (root, _) = data_dir_with(tmp.path(), "calendar.txt", |_| None);
    has_all(
        &county_error(&root),
        &[
            "trensurb_damaged.zip",
            "calendar.txt (or calendar_dates.txt)",
            "missing",
        ],
    );
}

#[test]
fn bad_values_name_file_row_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, usize, &str, &str, &[&str]); 6] = [
        // An impossible departure time on the first data row (line 2 = row 2).
        (
            "stop_times.txt",
            2,
            "05:06:00,SO",
            "25:61:00,SO",
            &["row 2", "departure_time", "25:61:00"],
        ),
        // A stop time of a trip that trips.txt does not have.
        (
            "stop_times.txt",
            3,
            "FULLW_SO_NH_05:06:00",
            "NO_SUCH_TRIP",
            &["row 3", "trip_id", "NO_SUCH_TRIP", "not in trips.txt"],
        ),
        // A trip of an unknown route, and one of an unknown service.
        (
            "trips.txt",
            2,
            "LINHA1,",
            "NOPE,",
            &["row 2", "route_id", "NOPE", "not in routes.txt"],
        ),
        (
            "trips.txt",
            3,
            ",FULLW,",
            ",NOSERVICE,",
            &["row 3", "service_id", "NOSERVICE"],
        ),
        // A calendar with a month 13.
        (
            "calendar.txt",
            2,
            "20191231",
            "20191331",
            &["row 2", "end_date", "20191331"],
        ),
        // A weekday flag that is neither 0 nor 1.
        (
            "calendar.txt",
            2,
            "FULLW,1,",
            "FULLW,7,",
            &["row 2", "monday", "0 or 1"],
        ),
    ];
    for (file, line, from, to, words) in cases {
        let (root, path) = data_dir_with(tmp.path(), file, on_line(line, from, to));
        let e = county_error(&root);
        has_all(&e, &["trensurb_damaged.zip", file]);
        has_all(&e, words);
        // The same words from `needsmap travel --mode transit` on the damaged feed, on a
        // weekday inside the Trensurb calendar (2019-03-01..2019-12-31).
        let (code, cli) = travel(&path.display().to_string(), "2019-05-15T08:00");
        assert_ne!(code, Some(0), "{file} line {line}: {cli}");
        has_all(&cli, &["trensurb_damaged.zip", file]);
        has_all(&cli, words);
        std::fs::remove_dir_all(root).unwrap();
    }
}

#[test]
fn no_weekday_service_gives_the_feed_date_range() {
    let tmp = tempfile::tempdir().unwrap();
    // Every trip of this feed is on the weekday service FULLW: take its weekdays away.
    let (root, _) = data_dir_with(
        tmp.path(),
        "calendar.txt",
        on_line(2, "FULLW,1,1,1,1,1,0,0", "FULLW,0,0,0,0,0,0,0"),
    );
    let e = county_error(&root);
    has_all(
        &e,
        &[
            "no weekday service",
            "2019-03-01..2019-12-31",
            "trensurb_damaged.zip",
        ],
    );
    assert!(!e.contains("Some("), "{e}");
}

fn travel(gtfs: &str, departure: &str) -> (Option<i32>, String) {
    let (network, points) = (poa("poa_osm.pbf"), poa("poa_points_of_interest.csv"));
    let out = common::needsmap(&[
        "--network",
        network.to_str().unwrap(),
        "travel",
        "--mode",
        "transit",
        "--gtfs",
        gtfs,
        "--departure",
        departure,
        "--origins",
        points.to_str().unwrap(),
        "--destinations",
        points.to_str().unwrap(),
    ]);
    assert!(out.stdout.is_empty(), "no partial answer");
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn dates_outside_the_calendar_or_without_service_are_errors_not_empty_answers() {
    let bus = poa("poa_eptc.zip").display().to_string();
    // The bus feed runs 2019-04-15..2019-07-15 on weekdays only (read here from calendar.txt).
    let mut cal = String::new();
    zip::ZipArchive::new(std::fs::File::open(&bus).unwrap())
        .unwrap()
        .by_name("calendar.txt")
        .unwrap()
        .read_to_string(&mut cal)
        .unwrap();
    assert!(
        cal.contains("20190415") && cal.contains("20190715"),
        "{cal}"
    );
    let (code, e) = travel(&bus, "2019-08-05T08:00");
    assert_ne!(code, Some(0));
    has_all(
        &e,
        &[
            "2019-08-05",
            "outside",
            "poa_eptc.zip",
            "2019-04-15..2019-07-15",
        ],
    );
    let (code, e) = travel(&bus, "2019-05-18T08:00");
    assert_ne!(code, Some(0));
    has_all(
        &e,
        &[
            "no service",
            "Saturday 2019-05-18",
            "2019-04-15..2019-07-15",
        ],
    );
}
