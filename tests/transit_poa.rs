//! The public-transport router on real city data: Porto Alegre (bus + metro, both GTFS feeds,
//! with R5's own published results on exactly these files) and São Paulo (frequency-based).
//!
//! R5's figures (r5r documentation, "Travel time matrix" and "Detailed itineraries"; departure
//! Monday 2019-05-13 14:00 America/Sao_Paulo, walk + all transit, walk 3.6 km/h, ≤ 3 rides,
//! 50th percentile):
//! * farrapos_station → praia_de_belas_shopping_center: best trip 33.9 min leaving 14:09 (walk
//!   4.5, Trensurb LINHA1 6.6 after 1.4 waiting, walk 4.1, bus 188 10.4 after 4.4 waiting,
//!   walk 2.6);
//! * public_market → the first ten points of poa_points_of_interest.csv over a 10-minute window,
//!   max 60 min: 0, 13, 12, 13, 3, 14, 15, 18, 20, 20 minutes.
//!
//! Tolerance, stated before looking at our numbers and explained in `travel::transit`'s docs:
//! street legs differ by snapping (R5 splits edges at stops; we walk a straight leg to the
//! nearest segment) and intermediate bus times are interpolated in both routers from first/last
//! times only, so each figure may differ by up to 3 minutes, and on average by at most 1.5.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use needsmap::travel::transit::{
    gtfs::Feed, raptor::Leg, Date, TransitNetwork, TransitOptions, UNREACHED,
};
use needsmap::travel::{read_points_csv, NamedPoint, Network, TravelMode};

mod common;

fn poa(rel: &str) -> PathBuf {
    common::by_file(&format!("transit/porto_alegre/{rel}"))
}

fn walk_network() -> &'static Network {
    static NET: OnceLock<Network> = OnceLock::new();
    NET.get_or_init(|| {
        Network::from_pbf(poa("poa_osm.pbf"), TravelMode::Walk).expect("Porto Alegre walk network")
    })
}

fn feeds() -> &'static Vec<Feed> {
    static FEEDS: OnceLock<Vec<Feed>> = OnceLock::new();
    FEEDS.get_or_init(|| {
        vec![
            Feed::read(poa("poa_eptc.zip")).unwrap(),
            Feed::read(poa("poa_trensurb.zip")).unwrap(),
        ]
    })
}

fn pois() -> Vec<NamedPoint> {
    read_points_csv(poa("poa_points_of_interest.csv")).unwrap()
}

fn monday() -> Date {
    Date::new(2019, 5, 13).unwrap()
}

fn r5_options(window: u32, max_minutes: f64) -> TransitOptions {
    let mut o = TransitOptions::new(monday(), 14 * 3600);
    o.walk_kmh = 3.6;
    o.max_rides = 3;
    o.percentile = 50.0;
    o.window_minutes = window;
    o.max_minutes = max_minutes;
    o
}

/// Rows of one CSV member of a zip, read with the csv crate directly (independent of the
/// product's GTFS reader).
fn zip_rows(zip: &Path, member: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut text = String::new();
    z.by_name(member)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let rows = r
        .records()
        .map(|x| x.unwrap())
        .filter(|r| !r.iter().all(|f| f.trim().is_empty()))
        .collect();
    (headers, rows)
}

#[test]
fn feeds_are_read_completely() {
    for (feed, zip) in feeds()
        .iter()
        .zip([poa("poa_eptc.zip"), poa("poa_trensurb.zip")])
    {
        let (_, stops) = zip_rows(&zip, "stops.txt");
        let (_, trips) = zip_rows(&zip, "trips.txt");
        let (h, times) = zip_rows(&zip, "stop_times.txt");
        assert_eq!(feed.stops.len(), stops.len());
        assert_eq!(feed.trips.len(), trips.len());
        assert_eq!(
            feed.trips.iter().map(|t| t.stops.len()).sum::<usize>(),
            times.len()
        );
        assert_eq!(feed.timezone, "America/Sao_Paulo");
        // Every time given in the file is kept exactly; blank ones are filled in order.
        let (ti, ai) = (common::col(&h, "trip_id"), common::col(&h, "arrival_time"));
        let given = times.iter().filter(|r| !r[ai].trim().is_empty()).count();
        let by_id: HashMap<&str, &needsmap::travel::transit::gtfs::Trip> =
            feed.trips.iter().map(|t| (t.id.as_str(), t)).collect();
        let mut counted = 0;
        for t in &feed.trips {
            assert!(
                t.arrivals.windows(2).all(|w| w[0] <= w[1]),
                "trip {} goes backwards",
                t.id
            );
        }
        for r in &times {
            if !r[ai].trim().is_empty() {
                assert!(by_id.contains_key(r[ti].trim()));
                counted += 1;
            }
        }
        assert_eq!(counted, given);
    }
    // PROVENANCE.md: 3,986 + 24 stops, 2,374 + 1,248 trips, 130,019 + 14,855 stop_times.
    let f = feeds();
    assert_eq!((f[0].stops.len(), f[0].trips.len()), (3986, 2374));
    assert_eq!((f[1].stops.len(), f[1].trips.len()), (24, 1248));
    assert_eq!(
        f[0].date_range()
            .map(|(a, b)| (a.to_string(), b.to_string())),
        Some(("2019-04-15".into(), "2019-07-15".into()))
    );
}

#[test]
fn bus_times_are_interpolated_between_first_and_last_stop() {
    let zip = poa("poa_eptc.zip");
    let (h, rows) = zip_rows(&zip, "stop_times.txt");
    let (ti, di, si) = (
        common::col(&h, "trip_id"),
        common::col(&h, "departure_time"),
        common::col(&h, "stop_sequence"),
    );
    // First trip in the file: its first and last given times.
    let trip_id = rows[0][ti].to_string();
    let mut own: Vec<(u32, String)> = rows
        .iter()
        .filter(|r| r[ti] == trip_id)
        .map(|r| (r[si].parse().unwrap(), r[di].to_string()))
        .collect();
    own.sort();
    let parse = |s: &str| {
        let p: Vec<i32> = s.split(':').map(|x| x.parse().unwrap()).collect();
        p[0] * 3600 + p[1] * 60 + p[2]
    };
    let trip = feeds()[0].trips.iter().find(|t| t.id == trip_id).unwrap();
    assert_eq!(trip.departures[0], parse(&own[0].1));
    assert_eq!(
        *trip.arrivals.last().unwrap(),
        parse(&own.last().unwrap().1)
    );
    assert!(
        own[1..own.len() - 1].iter().all(|(_, t)| t.is_empty()),
        "intermediate times are blank in the file"
    );
    // Interpolated times grow with distance: strictly between the ends for every inner stop.
    let (a, b) = (trip.departures[0], *trip.arrivals.last().unwrap());
    assert!(trip.arrivals[1..trip.arrivals.len() - 1]
        .iter()
        .all(|&t| a <= t && t <= b));
}

fn point(name: &str) -> (f64, f64) {
    pois().iter().find(|p| p.id == name).unwrap().lon_lat()
}

#[test]
fn farrapos_to_praia_de_belas_matches_r5_itinerary() {
    // Leave at 14:00 and every minute to 14:20; R5 reports the trip that leaves 14:09 and
    // takes 33.9 min. The best door-to-door time over the window is that trip's duration.
    let opts = r5_options(21, 120.0);
    let net = TransitNetwork::build(walk_network(), feeds(), opts).unwrap();
    let dest = net.snap_all(&[point("praia_de_belas_shopping_center")]);
    let egress = net.egress(&dest);
    let mt = net
        .minute_times(point("farrapos_station"), &dest, &egress)
        .unwrap();
    let times = mt.destination(0);
    let best = *times.iter().min().unwrap();
    assert_ne!(best, UNREACHED);
    let best_min = best as f64 / 60.0;
    let m = times.iter().position(|&t| t == best).unwrap();
    let it = net
        .itinerary(
            point("farrapos_station"),
            point("praia_de_belas_shopping_center"),
            14 * 3600 + 60 * m as i32,
        )
        .unwrap();
    let name = |s: u32| {
        format!(
            "{} {}",
            net.timetable.stops[s as usize].id, net.timetable.stops[s as usize].name
        )
    };
    let hm = |t: i32| format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
    println!(
        "per-minute minutes: {:?}",
        times
            .iter()
            .map(|&t| (t as f64 / 6.0).round() / 10.0)
            .collect::<Vec<_>>()
    );
    println!("leave {}", hm(it.departure));
    let mut rides = Vec::new();
    let mut ride_times = Vec::new();
    for leg in &it.legs {
        match leg {
            Leg::Access { stop, arrive } => {
                println!("  walk to {} arriving {}", name(*stop), hm(*arrive))
            }
            Leg::Ride {
                route,
                from,
                to,
                depart,
                arrive,
            } => {
                println!(
                    "  {route} {} {} -> {} {}",
                    hm(*depart),
                    name(*from),
                    hm(*arrive),
                    name(*to)
                );
                rides.push(route.clone());
                ride_times.push((*depart, (*arrive - *depart) as f64 / 60.0));
            }
            Leg::Transfer { from, to, arrive } => println!(
                "  walk {} -> {} arriving {}",
                name(*from),
                name(*to),
                hm(*arrive)
            ),
        }
    }
    println!(
        "  walk {:.1} min, arrive {}",
        it.egress_walk_s as f64 / 60.0,
        hm(it.arrival)
    );
    assert_eq!(it.arrival - it.departure, best);
    // Leg by leg as R5: Trensurb LINHA1 6.6 min boarded about 14:15 (14:09 + 4.5 walk + 1.4
    // wait), bus 188 10.4 min boarded about 14:30 (+ 6.6 ride + 4.1 walk + 4.4 wait).
    assert_eq!(
        rides,
        ["LINHA1", "188"],
        "R5 rides Trensurb LINHA1 then bus 188"
    );
    let r5 = [
        (14 * 3600 + 9 * 60 + 354, 6.6),
        (14 * 3600 + 9 * 60 + 354 + 396 + 510, 10.4),
    ];
    for ((dep, ride), (r5_dep, r5_ride)) in ride_times.iter().zip(r5) {
        assert!(
            (dep - r5_dep).abs() <= 60,
            "boarding {} vs R5 {}",
            hm(*dep),
            hm(r5_dep)
        );
        assert!(
            (ride - r5_ride).abs() <= 0.3,
            "ride {ride:.1} min vs R5 {r5_ride}"
        );
    }
    // Door to door: the rides agree to seconds; our street walks are longer (final walk 6.2
    // min against R5's 2.6, see the module docs), so the total may differ by up to 4 min.
    assert!(
        (best_min - 33.9).abs() <= 4.0,
        "best trip {best_min:.1} min vs R5 33.9"
    );
}

#[test]
fn public_market_window_matches_r5_matrix() {
    let r5 = [0, 13, 12, 13, 3, 14, 15, 18, 20, 20];
    let pts = pois();
    let dests: Vec<(f64, f64)> = pts[..10].iter().map(|p| p.lon_lat()).collect();
    let net = TransitNetwork::build(walk_network(), feeds(), r5_options(10, 60.0)).unwrap();
    let got = net.matrix(&[point("public_market")], &dests);
    let ours: Vec<i64> = got[0]
        .iter()
        .map(|m| m.expect("reached within 60 min").floor() as i64)
        .collect();
    println!("ours {ours:?}\nR5   {r5:?}");
    let diffs: Vec<i64> = ours.iter().zip(r5).map(|(a, b)| (a - b).abs()).collect();
    assert!(diffs.iter().all(|&d| d <= 3), "ours {ours:?} vs R5 {r5:?}");
    let mean = diffs.iter().sum::<i64>() as f64 / diffs.len() as f64;
    assert!(
        mean <= 1.5,
        "mean |difference| {mean} min; ours {ours:?} vs R5 {r5:?}"
    );
    assert_eq!(ours[0], 0, "a point to itself is 0 minutes");
}

#[test]
fn sao_paulo_frequencies_are_expanded_and_routed() {
    let zip = common::by_file("transit/sao_paulo/spo_gtfs.zip");
    let feed = Feed::read(&zip).unwrap();
    // Independent count: departures per frequencies.txt row, ceil((end - start) / headway),
    // for trips whose service runs on Monday 2019-05-13 (every weekday calendar does).
    let (h, rows) = zip_rows(&zip, "frequencies.txt");
    let (si, ei, hi) = (
        common::col(&h, "start_time"),
        common::col(&h, "end_time"),
        common::col(&h, "headway_secs"),
    );
    let secs = |s: &str| {
        let p: Vec<i32> = s.trim().split(':').map(|x| x.parse().unwrap()).collect();
        p[0] * 3600 + p[1] * 60 + p[2]
    };
    let expected: i64 = rows
        .iter()
        .map(|r| {
            let (s, e, hw) = (
                secs(&r[si]),
                secs(&r[ei]),
                r[hi].trim().parse::<i32>().unwrap(),
            );
            ((e - s) as i64 + hw as i64 - 1) / hw as i64
        })
        .sum();
    let tt = needsmap::travel::transit::Timetable::build(
        std::slice::from_ref(&feed),
        monday(),
        0,
        30 * 3600,
    )
    .unwrap();
    // Trips leaving their first stop during Monday itself (the timetable also holds Sunday's
    // trips still running after midnight and Tuesday's early ones, shifted by -/+24 h).
    let monday_departures: usize = tt
        .patterns
        .iter()
        .map(|p| {
            (0..p.trip_count())
                .filter(|&t| (0..86_400).contains(&p.departure(t, 0)))
                .count()
        })
        .sum();
    assert_eq!(monday_departures as i64, expected);
    assert!(tt.trip_count > monday_departures);

    // Route: hexgrid cells to hexgrid cells at 08:00 over 30 minutes; transit must beat
    // walking somewhere, and every time is at most the walking time.
    let net_walk = Network::from_pbf(
        common::by_file("transit/sao_paulo/spo_osm.pbf"),
        TravelMode::Walk,
    )
    .unwrap();
    let cells = read_points_csv(common::by_file("transit/sao_paulo/spo_hexgrid.csv")).unwrap();
    let pts: Vec<(f64, f64)> = cells.iter().step_by(7).map(|p| p.lon_lat()).collect();
    let mut o = TransitOptions::new(monday(), 8 * 3600);
    o.window_minutes = 30;
    o.max_minutes = 90.0;
    let net = TransitNetwork::build(&net_walk, std::slice::from_ref(&feed), o.clone()).unwrap();
    let with_pt = net.matrix(&pts, &pts);
    o.max_rides = 1;
    let mut walk_opts = o.clone();
    walk_opts.max_walk_minutes = 0.0; // no stop reachable: walking only
    let walk_net =
        TransitNetwork::build(&net_walk, std::slice::from_ref(&feed), walk_opts).unwrap();
    let walk_only = walk_net.matrix(&pts, &pts);
    let mut faster = 0;
    for (a, b) in with_pt.iter().flatten().zip(walk_only.iter().flatten()) {
        match (a, b) {
            (Some(a), Some(b)) => {
                assert!(*a <= *b + 1e-9, "transit+walk {a} worse than walking {b}");
                if *a < b - 5.0 {
                    faster += 1;
                }
            }
            (Some(_), None) => faster += 1,
            (None, Some(b)) => panic!("walking reaches in {b} min but transit+walk does not"),
            (None, None) => {}
        }
    }
    assert!(faster > 0, "headway services never helped");
}

/// Copy a real feed into a new zip with `edit` applied to one member (or the member removed).
fn edited_feed(
    src: &Path,
    name: &str,
    member: &str,
    edit: impl Fn(&str) -> Option<String>,
) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("needsmap-gtfs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(name);
    let mut z = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&out).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let fname = f.name().to_string();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        let text = if fname == member {
            edit(&text)
        } else {
            Some(text)
        };
        if let Some(text) = text {
            w.start_file(fname, opts).unwrap();
            w.write_all(text.as_bytes()).unwrap();
        }
    }
    w.finish().unwrap();
    out
}

#[test]
fn bad_feeds_are_refused_with_file_row_and_field() {
    let src = poa("poa_trensurb.zip");
    let missing = edited_feed(&src, "nostops.zip", "stops.txt", |_| None);
    let e = Feed::read(&missing).unwrap_err().to_string();
    assert!(
        e.contains("nostops.zip") && e.contains("stops.txt") && e.contains("missing"),
        "{e}"
    );

    // Line 3 of stop_times.txt (the second data row) gets an impossible time.
    let bad_time = edited_feed(&src, "badtime.zip", "stop_times.txt", |t| {
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        lines[2] = lines[2].replacen("05:08:35", "25:61:00", 1);
        assert!(lines[2].contains("25:61:00"));
        Some(lines.join("\n"))
    });
    let e = Feed::read(&bad_time).unwrap_err().to_string();
    assert!(
        e.contains("stop_times.txt")
            && e.contains("row 3")
            && e.contains("arrival_time")
            && e.contains("25:61:00"),
        "{e}"
    );

    let unknown_stop = edited_feed(&src, "badstop.zip", "stop_times.txt", |t| {
        let mut lines: Vec<String> = t.lines().map(String::from).collect();
        lines[4] = lines[4].replacen(",IN,", ",NOPE,", 1);
        assert!(lines[4].contains("NOPE"));
        Some(lines.join("\n"))
    });
    let e = Feed::read(&unknown_stop).unwrap_err().to_string();
    assert!(
        e.contains("stop_times.txt")
            && e.contains("row 5")
            && e.contains("stop_id")
            && e.contains("NOPE"),
        "{e}"
    );

    // No service on a Saturday in the weekday-only bus feed: the message gives the range.
    let net = walk_network();
    let mut o = r5_options(1, 60.0);
    o.date = Date::new(2019, 5, 18).unwrap();
    let e = TransitNetwork::build(net, &feeds()[..1], o.clone())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no service")
            && e.contains("Saturday 2019-05-18")
            && e.contains("2019-04-15..2019-07-15"),
        "{e}"
    );
    // A date outside the bus feed's calendar is an error, not an empty result.
    o.date = Date::new(2019, 8, 5).unwrap();
    let e = TransitNetwork::build(net, feeds(), o)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("2019-08-05") && e.contains("outside") && e.contains("poa_eptc.zip"),
        "{e}"
    );
}

/// The county layers' computation (`pt_access`), run on the Porto Alegre pair with hexgrid
/// cells standing in for LSOA centroids and the cells with health care for GP sites; walking
/// times come independently from the road engine's multi-source Dijkstra.
#[test]
fn gp_pt_layers_computation_on_real_feeds() {
    let (h, rows) = common::csv_rows(&poa("poa_hexgrid.csv"));
    let (lon, lat, hc) = (
        common::col(&h, "lon"),
        common::col(&h, "lat"),
        common::col(&h, "healthcare"),
    );
    let pt = |r: &csv::StringRecord| {
        (
            r[lon].parse::<f64>().unwrap(),
            r[lat].parse::<f64>().unwrap(),
        )
    };
    let origins: Vec<(f64, f64)> = rows.iter().step_by(6).map(pt).collect();
    let sites: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| r[hc].parse::<f64>().unwrap_or(0.0) > 0.0)
        .map(pt)
        .collect();
    assert!(sites.len() > 10);
    let access =
        needsmap::pt_access::gp_pt_minutes(walk_network(), feeds(), &origins, &sites).unwrap();
    // First Tuesday inside both calendars (2019-04-15..2019-07-15 and 2019-03-01..2019-12-31).
    assert_eq!(access.date, Date::new(2019, 4, 16).unwrap());
    assert_eq!(access.date.weekday_name(), "Tuesday");
    let walk = walk_network().nearest_facility(&origins, &sites);
    let mut helped = 0;
    for (i, w) in walk.iter().enumerate() {
        let w = w.map(|a| a.minutes).filter(|&m| m <= 120.0);
        match (access.pt_walk_min[i], w) {
            (Some(pw), Some(w)) => {
                assert!(pw <= w + 1.0 / 60.0, "origin {i}: PT/walk {pw} > walk {w}");
                if pw < w - 1.0 {
                    helped += 1;
                }
            }
            (Some(_), None) => helped += 1,
            (None, Some(w)) => panic!("origin {i}: walking reaches a site in {w} min"),
            (None, None) => {}
        }
        if let (Some(p), Some(pw)) = (access.pt_min[i], access.pt_walk_min[i]) {
            assert!(
                p >= pw - 1e-9,
                "origin {i}: PT-only {p} beats PT-or-walk {pw}"
            );
        }
    }
    println!(
        "{helped} of {} origins faster with public transport to a health-care cell",
        origins.len()
    );
    assert!(access.pt_min.iter().any(|x| x.is_some()));
    // One site by the metro: before 10:00 only the metro runs in this sample (bus trips start
    // about 11:20), and it beats walking from the city centre along the line.
    let farrapos = [point("farrapos_station")];
    let by_metro =
        needsmap::pt_access::gp_pt_minutes(walk_network(), feeds(), &origins, &farrapos).unwrap();
    let walk = walk_network().nearest_facility(&origins, &farrapos);
    let faster = (0..origins.len())
        .filter(
            |&i| match (by_metro.pt_walk_min[i], walk[i].map(|a| a.minutes)) {
                (Some(p), Some(w)) => p < w - 5.0,
                (Some(_), None) => true,
                _ => false,
            },
        )
        .count();
    assert!(
        faster > 0,
        "the metro never beat walking to Farrapos station"
    );
    assert_eq!(
        by_metro
            .nearest
            .iter()
            .flatten()
            .filter(|&&d| d != 0)
            .count(),
        0
    );
}

/// `needsmap travel --mode transit` as a user runs it (POI file has latitude first).
#[test]
fn cli_transit_matrix_and_nearest() {
    let run = |departure: &str, extra: &[&str]| {
        let gtfs = format!(
            "{},{}",
            poa("poa_eptc.zip").display(),
            poa("poa_trensurb.zip").display()
        );
        let (pbf, pois) = (poa("poa_osm.pbf"), poa("poa_points_of_interest.csv"));
        let mut args: Vec<String> = ["travel", "--mode", "transit", "--network"]
            .map(String::from)
            .to_vec();
        args.push(pbf.display().to_string());
        for a in [
            "--gtfs",
            &gtfs,
            "--departure",
            departure,
            "--window",
            "10",
            "--walk-speed",
            "3.6",
            "--max-minutes",
            "60",
        ] {
            args.push(a.to_string());
        }
        for a in ["--origins", "--destinations"] {
            args.push(a.into());
            args.push(pois.display().to_string());
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_needsmap"))
            .args(&args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run("2019-05-13T14:00", &["--matrix"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "origin_id,destination_id,minutes");
    assert_eq!(lines.len(), 1 + 15 * 15);
    let townhall = lines
        .iter()
        .find(|l| l.starts_with("public_market,townhall,"))
        .unwrap();
    let minutes: f64 = townhall.rsplit(',').next().unwrap().parse().unwrap();
    assert_eq!(minutes.floor(), 3.0, "{townhall}");

    // Without --matrix: each point's nearest destination is itself (at twice its snap leg:
    // to the footway and back).
    let (ok, out, err) = run("2019-05-13T14:00", &[]);
    assert!(ok, "{err}");
    for l in out.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!((f[0], f[3]), (f[1], "ok"), "{l}");
        let (lon, lat) = point(f[0]);
        let leg_m = walk_network().snap(lon, lat).unwrap().distance_m;
        let want = 2.0 * leg_m / 1.0 / 60.0; // 3.6 km/h = 1 m/s
        assert!(
            (f[2].parse::<f64>().unwrap() - want).abs() < 0.02,
            "{l}: want {want:.2}"
        );
    }

    // A departure outside the bus calendar is an error naming the feed and its range.
    let (ok, _, err) = run("2019-08-05T14:00", &[]);
    assert!(
        !ok && err.contains("poa_eptc.zip") && err.contains("2019-04-15..2019-07-15"),
        "{err}"
    );
}

/// What a timed-out request relies on: the routing asks `stop()` before each area and gives up
/// when told, instead of routing every area for nobody. Real feeds and walk network (Porto
/// Alegre), hexgrid cells as areas; stopped after the third area.
#[test]
fn the_routing_stops_when_asked() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (h, rows) = common::csv_rows(&poa("poa_hexgrid.csv"));
    let (lon, lat) = (common::col(&h, "lon"), common::col(&h, "lat"));
    let cells: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (r[lon].parse().unwrap(), r[lat].parse().unwrap()))
        .collect();
    let (origins, sites) = (&cells[..400], &cells[400..420]);
    let asked = AtomicUsize::new(0);
    let stop = || asked.fetch_add(1, Ordering::SeqCst) >= 3;
    let got = needsmap::pt_access::gp_pt_minutes_until(
        walk_network(),
        feeds(),
        origins,
        sites,
        &[vec![true; sites.len()]],
        &stop,
    )
    .unwrap();
    assert!(got.is_none(), "stopped routing gave an answer");
    // Each worker asks once more after the stop before it gives up: far fewer than 400 areas.
    let n = asked.load(Ordering::SeqCst);
    assert!(
        n < 3 + 2 * rayon::current_num_threads() + 2,
        "asked {n} times"
    );
}
