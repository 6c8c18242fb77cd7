//! Routing at real scale: wall time and peak memory (not criterion: one run per phase, since a
//! national build takes minutes and memory is what matters). Phases, chosen by the first
//! argument after `--`:
//!
//! * `points DIR REGION` — write `DIR/origins.csv` (population-weighted LSOA centroids) and
//!   `DIR/practices.csv` (active GP practices, epraccur placed with Code-Point Open) of
//!   `REGION` (`gloucestershire` or `england`) from the atlas, so that the timed phases need
//!   neither the atlas nor its memory.
//! * `county PBF DIR` — all three modes from one read of the county grid PBF, nearest practice
//!   for every origin, and the scenario "close one practice" (cold and warm).
//! * `england DIR` — a synthetic England-sized network (≥ 30 million nodes) generated in memory,
//!   then every LSOA centroid to its nearest practice in the three modes.
//!
//! `scripts/bench-travel-scale.sh` runs them all (and the one-mode CLI run); see
//! `benches/README.md` for the figures.

use std::path::{Path, PathBuf};
use std::time::Instant;

use needsmap::travel::{
    read_points_csv, Network, Networks, NetworksBuilder, TravelMode, Unreachable,
};
use needsmap::{Atlas, DataDir, Region};
use rayon::prelude::*;

/// `VmHWM` (peak resident set) and `VmRSS` of this process, MB.
fn memory_mb() -> (f64, f64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// CPU seconds (user + system, all threads) used by this process so far, from
/// `/proc/self/stat` (clock ticks of 1/100 s). On a machine shared with other builds the wall
/// time depends on the load; the CPU time much less.
fn cpu_s() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = text.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (tick(11) + tick(12)) / 100.0
}

thread_local! {
    static CPU_AT: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Start timing a phase: wall clock and CPU time.
fn start() -> Instant {
    CPU_AT.with(|c| c.set(cpu_s()));
    Instant::now()
}

fn report(what: &str, t: Instant) -> f64 {
    let s = t.elapsed().as_secs_f64();
    let cpu = cpu_s() - CPU_AT.with(|c| c.get());
    let (peak, rss) = memory_mb();
    println!(
        "{what:<58} {s:>8.3} s wall {cpu:>7.2} s cpu   peak {peak:>6.0} MB   rss {rss:>6.0} MB   load {}",
        load_avg()
    );
    s
}

fn points(dir: &Path, region: &str) {
    let mut data = DataDir::from_env_at(Path::new(env!("CARGO_MANIFEST_DIR")));
    data.allow_download = false;
    let region = match region {
        "england" => Region::England,
        _ => Region::default(),
    };
    let atlas = Atlas::load(&data, &region).expect("atlas");
    std::fs::create_dir_all(dir).expect("points dir");
    let mut o = String::from("id,lon,lat\n");
    for a in &atlas.areas {
        o += &format!(
            "{},{},{}\n",
            a.code,
            a.centroid().unwrap().x(),
            a.centroid().unwrap().y()
        );
    }
    let mut d = String::from("id,lon,lat\n");
    let mut practices = 0;
    // Practices (not branch surgeries) inside the region's own areas.
    for s in &atlas.gp_sites.sites {
        if matches!(s.kind, needsmap::atlas::gp::GpKind::Practice)
            && atlas.locate(s.lon, s.lat).is_some()
        {
            d += &format!("{},{},{}\n", s.code, s.lon, s.lat);
            practices += 1;
        }
    }
    std::fs::write(dir.join("origins.csv"), o).expect("write origins");
    std::fs::write(dir.join("practices.csv"), d).expect("write practices");
    println!(
        "{} origins, {practices} active practices ({} sites with branches) -> {}",
        atlas.areas.len(),
        atlas.gp_sites.sites.len(),
        dir.display()
    );
}

/// Longitude, latitude pairs.
type Points = Vec<(f64, f64)>;

/// The origins and the practices written by `points`.
fn read_points(dir: &Path) -> (Points, Points) {
    let o = read_points_csv(dir.join("origins.csv")).expect("origins.csv (run `points` first)");
    let d = read_points_csv(dir.join("practices.csv")).expect("practices.csv");
    (
        o.iter().map(|p| p.lon_lat()).collect(),
        d.iter().map(|p| p.lon_lat()).collect(),
    )
}

/// Route every origin in all three modes at once; print how many were reached.
fn route_all(nets: &Networks, origins: &[(f64, f64)], dests: &[(f64, f64)]) {
    let results: Vec<(TravelMode, Vec<_>)> = TravelMode::ALL
        .par_iter()
        .map(|&m| (m, nets.get(m).nearest_facility_detailed(origins, dests)))
        .collect();
    for (m, r) in results {
        let ok: Vec<f64> = r
            .iter()
            .filter_map(|a| a.as_ref().ok())
            .map(|a| a.minutes)
            .collect();
        let far = r
            .iter()
            .filter(|a| matches!(a, Err(Unreachable::NoNearbyRoad { .. })))
            .count();
        let mean = ok.iter().sum::<f64>() / ok.len().max(1) as f64;
        println!(
            "  {m}: {} of {} routed ({far} with no road within the snap limit), mean {mean:.1} min",
            ok.len(),
            r.len()
        );
    }
}

fn memory_table(nets: &Networks) {
    let walk = nets.get(TravelMode::Walk);
    let nodes = walk.node_count() as f64;
    println!(
        "memory per node of the shared table ({} nodes):",
        walk.node_count()
    );
    let mut total = 0;
    for (what, bytes, _) in walk.memory() {
        if what.starts_with("main-component") {
            continue;
        }
        total += bytes;
        println!(
            "  {what:<28} {:>9.1} MB {:>7.2} B/node",
            bytes as f64 / 1e6,
            bytes as f64 / nodes
        );
    }
    for (m, net) in nets.iter() {
        let own: usize = net
            .memory()
            .iter()
            .filter(|(_, _, shared)| !shared)
            .map(|(_, b, _)| b)
            .sum();
        total += own;
        println!(
            "  {:<28} {:>9.1} MB {:>7.2} B/node   [{}; {:?}]",
            format!("{m} component bits"),
            own as f64 / 1e6,
            own as f64 / nodes,
            net.stats(),
            net.contracted()
        );
    }
    println!(
        "  {:<28} {:>9.1} MB {:>7.2} B/node",
        "total (three modes)",
        total as f64 / 1e6,
        total as f64 / nodes
    );
}

fn county(pbf: &Path, dir: &Path) {
    let (origins, dests) = read_points(dir);
    println!(
        "county grid {}: {} origins, {} practices",
        pbf.display(),
        origins.len(),
        dests.len()
    );
    let t = start();
    let nets = Networks::from_pbf(pbf).expect("grid pbf");
    let read = report("read PBF + build all three modes", t);
    memory_table(&nets);
    let t = start();
    route_all(&nets, &origins, &dests);
    let route = report("route all three modes (snap + one search each)", t);
    println!("{:<58} {:>8.3} s", "total, all three modes", read + route);
    let walk = nets.get(TravelMode::Walk);
    for (label, close) in [
        ("cold: base search + close practice 0", 0),
        ("warm: close practice 1", 1),
        ("warm: close practice 2", 2),
    ] {
        let t = start();
        let s = walk.scenario(&origins, &dests, &[close], &[]);
        let changed = s
            .before
            .iter()
            .zip(&s.after)
            .filter(|(b, a)| {
                b.as_ref().ok().map(|x| x.minutes) != a.as_ref().ok().map(|x| x.minutes)
            })
            .count();
        report(
            &format!("walk scenario, {label} ({changed} areas change)"),
            t,
        );
    }
    let car = nets.get(TravelMode::Car);
    car.scenario(&origins, &dests, &[], &[]);
    let t = start();
    let s = car.scenario(&origins, &dests, &[3], &[(-2.1, 51.9)]);
    let _ = s.after.len();
    report("car scenario, warm: close practice 3 and open one", t);
}

/// England's bounding box, covered by a town-like grid: junctions every ~230 m with two shape
/// nodes on every block side (so most nodes are chain interiors, as in real OSM data), a
/// primary road every 40th row/column, a footpath (walk and cycle only) every 7th column, and
/// one-way streets (for cars and bikes) on every 10th row, alternating direction.
fn synthetic_england() -> (NetworksBuilder, usize) {
    use needsmap::travel::profile::WayRule;
    let (jx, jy) = (2300usize, 2650usize);
    let (lon0, lon1, lat0, lat1) = (-5.75, 1.77, 49.95, 55.82);
    let mut b = NetworksBuilder::new();
    let shape = 2usize;
    let nodes = jx * jy + shape * ((jx - 1) * jy + jx * (jy - 1));
    b.reserve(nodes, (shape + 1) * ((jx - 1) * jy + jx * (jy - 1)));
    let lon = |i: f64| lon0 + (lon1 - lon0) * i / (jx - 1) as f64;
    let lat = |j: f64| lat0 + (lat1 - lat0) * j / (jy - 1) as f64;
    for j in 0..jy {
        for i in 0..jx {
            b.add_node(lon(i as f64), lat(j as f64));
        }
    }
    let rule = |kmh: f64, fw: bool, bw: bool| {
        Some(WayRule {
            forward: fw,
            backward: bw,
            kmh,
        })
    };
    let walk = rule(4.8, true, true);
    let id = |i: usize, j: usize| (j * jx + i) as u32;
    let add = |b: &mut NetworksBuilder,
               a: u32,
               z: u32,
               pa: (f64, f64),
               pz: (f64, f64),
               rules: [Option<WayRule>; 3]| {
        let mut prev = a;
        for s in 1..=shape {
            let t = s as f64 / (shape + 1) as f64;
            // A slight bend so shape nodes are real geometry, not collinear padding.
            let bend = if s == 1 { 0.00002 } else { -0.00002 };
            let v = b.add_node(
                pa.0 + t * (pz.0 - pa.0) + bend,
                pa.1 + t * (pz.1 - pa.1) + bend,
            );
            b.add_way_segment(prev, v, rules);
            prev = v;
        }
        b.add_way_segment(prev, z, rules);
    };
    for j in 0..jy {
        for i in 0..jx {
            let here = (lon(i as f64), lat(j as f64));
            if i + 1 < jx {
                let primary = j % 40 == 0;
                let (fw, bw) = match (j % 10 == 5, j % 20 == 5) {
                    (true, true) => (true, false),
                    (true, false) => (false, true),
                    _ => (true, true),
                };
                let car = if primary { 65.0 } else { 25.0 };
                let rules = [walk, rule(16.0, fw, bw), rule(car, fw, bw)];
                add(
                    &mut b,
                    id(i, j),
                    id(i + 1, j),
                    here,
                    (lon((i + 1) as f64), here.1),
                    rules,
                );
            }
            if j + 1 < jy {
                let rules = if i % 7 == 3 {
                    [walk, rule(16.0, true, true), None]
                } else {
                    let car = if i % 40 == 0 { 55.0 } else { 25.0 };
                    [walk, rule(16.0, true, true), rule(car, true, true)]
                };
                add(
                    &mut b,
                    id(i, j),
                    id(i, j + 1),
                    here,
                    (here.0, lat((j + 1) as f64)),
                    rules,
                );
            }
        }
    }
    (b, nodes)
}

fn england(dir: &Path) {
    let (origins, dests) = read_points(dir);
    println!(
        "England: {} origins, {} practices",
        origins.len(),
        dests.len()
    );
    let t0 = Instant::now();
    let t = start();
    let (builder, nodes) = synthetic_england();
    report(
        &format!(
            "generate synthetic network ({nodes} nodes, {} segments)",
            builder.segment_count()
        ),
        t,
    );
    let t = start();
    let nets = builder.build("synthetic England").expect("build");
    report("contract + components + snap grid, all three modes", t);
    memory_table(&nets);
    let t = start();
    route_all(&nets, &origins, &dests);
    report("route all three modes (snap + one search each)", t);
    println!(
        "total wall time from generation: {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let walk: &Network = nets.get(TravelMode::Walk);
    let t = start();
    walk.scenario(&origins, &dests, &[0], &[]);
    report("walk scenario, cold: base search + close practice 0", t);
    let t = start();
    walk.scenario(&origins, &dests, &[1], &[]);
    report("walk scenario, warm: close practice 1", t);
}

fn main() {
    // `cargo bench` passes `--bench`; ignore flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let arg = |i: usize| args.get(i).map(PathBuf::from);
    match args.first().map(String::as_str) {
        Some("points") => points(&arg(1).expect("DIR"), args.get(2).map_or("gloucestershire", |s| s)),
        Some("county") => county(&arg(1).expect("PBF"), &arg(2).expect("DIR")),
        Some("england") => england(&arg(1).expect("DIR")),
        _ => eprintln!(
            "usage: cargo bench --bench travel_scale -- (points DIR [gloucestershire|england] | county PBF DIR | england DIR)"
        ),
    }
}
