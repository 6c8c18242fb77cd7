//! Public-transport benchmark on Porto Alegre (r5r's sample: both GTFS feeds, OSM walk network):
//! all-to-all on the 1,227-point hexgrid, one departure minute and a 60-minute window, with 1
//! and 2 rayon threads in the same run (compare the ratio, not absolute times).
//!
//! Run: `cargo bench --bench transit` (plain timing harness; a few minutes). Peak memory:
//! `/usr/bin/time -v target/release/deps/transit-<hash> --bench` (see benches/README.md).
//! `TRANSIT_BENCH_WINDOWS=1,60` chooses the windows (minutes).

use std::path::PathBuf;
use std::time::Instant;

use needsmap::travel::transit::{gtfs::Feed, Date, TransitNetwork, TransitOptions};
use needsmap::travel::{read_points_csv, Network, TravelMode};

fn opendata(rel: &str) -> PathBuf {
    match std::env::var_os("NEEDSMAP_MIRROR") {
        Some(mirror) => PathBuf::from(mirror).join(rel),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/opendata")
            .join(rel),
    }
}

/// CPU seconds used by this process so far (user + system, Linux `/proc/self/stat`), so the
/// work done can be read even when the shared machine is busy and wall times stretch.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0 // utime, stime (fields 14, 15); USER_HZ = 100
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let t = Instant::now();
    let walk = Network::from_pbf(
        opendata("transit/porto_alegre/poa_osm.pbf"),
        TravelMode::Walk,
    )
    .unwrap();
    let feeds = vec![
        Feed::read(opendata("transit/porto_alegre/poa_eptc.zip")).unwrap(),
        Feed::read(opendata("transit/porto_alegre/poa_trensurb.zip")).unwrap(),
    ];
    let cells = read_points_csv(opendata("transit/porto_alegre/poa_hexgrid.csv")).unwrap();
    let pts: Vec<(f64, f64)> = cells.iter().map(|p| p.lon_lat()).collect();
    println!(
        "load: walk network + 2 feeds + {} points in {:.2} s",
        pts.len(),
        t.elapsed().as_secs_f64()
    );
    let windows: Vec<u32> = std::env::var("TRANSIT_BENCH_WINDOWS")
        .unwrap_or_else(|_| "1,60".into())
        .split(',')
        .map(|w| w.trim().parse().unwrap())
        .collect();
    for window in windows {
        let mut o = TransitOptions::new(Date::new(2019, 5, 13).unwrap(), 14 * 3600);
        o.walk_kmh = 3.6;
        o.window_minutes = window;
        o.max_minutes = 60.0;
        let mut secs = Vec::new();
        for threads in [1usize, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let (build_s, route_s, reached) = pool.install(|| {
                let t = Instant::now();
                let net = TransitNetwork::build(&walk, &feeds, o.clone()).unwrap();
                let build_s = t.elapsed().as_secs_f64();
                let (t, cpu) = (Instant::now(), cpu_seconds());
                let m = net.matrix(&pts, &pts);
                let route_s = t.elapsed().as_secs_f64();
                let route_cpu = cpu_seconds() - cpu;
                let reached = m.iter().flatten().filter(|x| x.is_some()).count();
                (build_s, (route_s, route_cpu), reached)
            });
            println!(
                "window {window:>2} min, {threads} thread(s): build {build_s:.2} s, all-to-all {}x{} {:.2} s wall, {:.2} s CPU ({:.2} ms/origin wall), {reached} pairs reached within 60 min",
                pts.len(),
                pts.len(),
                route_s.0,
                route_s.1,
                route_s.0 * 1000.0 / pts.len() as f64
            );
            secs.push(build_s + route_s.0);
        }
        println!(
            "window {window:>2} min: 2-thread speed-up (build + route) {:.2}x",
            secs[0] / secs[1]
        );
    }
}
