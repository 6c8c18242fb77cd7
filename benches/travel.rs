//! Travel engine benchmarks: PBF → graphs, nearest-facility on a real extract, and scaling on a
//! synthetic ~1 million-edge grid with 1 vs 2 rayon threads running several destination
//! scenarios (e.g. "all GP sites" vs "sites open on Saturdays") at once.
//!
//! Run: `cargo bench --bench travel` (takes a couple of minutes).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use needsmap::travel::{Network, NetworkBuilder, Networks, TravelMode};
use rayon::prelude::*;

/// Where the shared open data lives (the lead will swap this for the project's fetch logic).
fn opendata(rel: &str) -> PathBuf {
    match std::env::var_os("NEEDSMAP_MIRROR") {
        Some(mirror) => PathBuf::from(mirror).join(rel),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/opendata")
            .join(rel),
    }
}

const PBF: &str = "osm/liechtenstein-2013-08-03.osm.pbf";

/// Deterministic pseudo-random numbers in [0, 1) (xorshift64*).
struct Rng(u64);
impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn random_points(rng: &mut Rng, n: usize, lon: (f64, f64), lat: (f64, f64)) -> Vec<(f64, f64)> {
    (0..n)
        .map(|_| {
            (
                lon.0 + rng.unit() * (lon.1 - lon.0),
                lat.0 + rng.unit() * (lat.1 - lat.0),
            )
        })
        .collect()
}

/// Town-like car grid around Gloucester's latitude: `side × side` nodes, ~70 m blocks, every
/// tenth street an arterial at 65 km/h, and some minor east–west streets one-way.
/// `side = 500` gives 499,000 segments ≈ 1 million directed edges.
fn grid(side: usize) -> Network {
    let (dlon, dlat) = (0.001, 0.0007);
    let mut b = NetworkBuilder::new(TravelMode::Car);
    for r in 0..side {
        for c in 0..side {
            b.add_node(-2.5 + c as f64 * dlon, 51.6 + r as f64 * dlat);
        }
    }
    let id = |r: usize, c: usize| (r * side + c) as u32;
    for r in 0..side {
        for c in 0..side {
            if c + 1 < side {
                let arterial = r % 10 == 0;
                let kmh = if arterial { 65.0 } else { 25.0 };
                // One-way streets (alternating direction) halfway between arterials.
                let (fw, bw) = match r % 20 {
                    5 => (true, false),
                    15 => (false, true),
                    _ => (true, true),
                };
                b.add_way_segment(id(r, c), id(r, c + 1), fw, bw, kmh);
            }
            if r + 1 < side {
                let kmh = if c % 10 == 0 { 65.0 } else { 25.0 };
                b.add_way_segment(id(r, c), id(r + 1, c), true, true, kmh);
            }
        }
    }
    b.build().expect("grid builds")
}

fn liechtenstein(c: &mut Criterion) {
    let path = opendata(PBF);
    let mut group = c.benchmark_group("liechtenstein");
    group.sample_size(10).warm_up_time(Duration::from_secs(1));
    group.bench_function("build_all_modes", |b| {
        b.iter(|| black_box(Networks::from_pbf(&path).expect("pbf")))
    });

    let nets = Networks::from_pbf(&path).expect("pbf");
    let mut rng = Rng(0xbe_0001);
    let origins = random_points(&mut rng, 1_000, (9.48, 9.56), (47.05, 47.23));
    let gps = random_points(&mut rng, 20, (9.48, 9.56), (47.05, 47.23));
    group.bench_function("nearest_facility_all_modes_1000x20", |b| {
        b.iter(|| {
            let all: Vec<_> = TravelMode::ALL
                .par_iter()
                .map(|&m| nets.get(m).nearest_facility(&origins, &gps))
                .collect();
            black_box(all)
        })
    });
    group.finish();
}

fn synthetic_grid(c: &mut Criterion) {
    let side = 500;
    let mut group = c.benchmark_group("grid_1m_edges");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    group.bench_function("build", |b| b.iter(|| black_box(grid(side))));

    let net = grid(side);
    assert!(net.edge_count() > 900_000, "{}", net.stats());
    let lon = (-2.5, -2.5 + (side - 1) as f64 * 0.001);
    let lat = (51.6, 51.6 + (side - 1) as f64 * 0.0007);
    let mut rng = Rng(0xbe_0002);
    // ~County scale: 5,000 origins (LSOA centroids) and four scenarios of 80 GP sites.
    let origins = random_points(&mut rng, 5_000, lon, lat);
    let scenarios: Vec<Vec<(f64, f64)>> = (0..4)
        .map(|_| random_points(&mut rng, 80, lon, lat))
        .collect();

    group.bench_function("single_scenario", |b| {
        b.iter(|| black_box(net.nearest_facility(&origins, &scenarios[0])))
    });
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        group.bench_with_input(
            BenchmarkId::new("four_scenarios", threads),
            &threads,
            |b, _| {
                b.iter(|| {
                    pool.install(|| {
                        let all: Vec<_> = scenarios
                            .par_iter()
                            .map(|gps| net.nearest_facility(&origins, gps))
                            .collect();
                        black_box(all)
                    })
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, liechtenstein, synthetic_grid);
criterion_main!(benches);
