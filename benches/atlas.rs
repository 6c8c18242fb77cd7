//! Atlas benchmarks on the real data: loading Gloucestershire, the filter language over the
//! county's 373 LSOAs and over all 32,844 English LSOAs, point-in-area lookup through the
//! R-tree (with a brute-force scan as the in-run baseline) and a warm postcode lookup.
//!
//! Run: `cargo bench -j2 --bench atlas` (a few minutes; loading England once takes ~10 s).
//! The data directory is `geodata/cache`, filled from `NEEDSMAP_MIRROR` or `../shared/opendata`
//! beside the checkout; nothing is downloaded.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use geo::{Contains, Point};
use needsmap::selection::AreaQuery;
use needsmap::{Atlas, DataDir, Region};

/// How many postcode points the lookup benches use.
const POINTS: usize = 1_000;

const COMPOUND: &str =
    "(imd_decile <= 3 or idaci_decile <= 2) and not district in [\"Cotswold\", \"Stroud\", \"Tewkesbury\"] and not (population < 1200)";

/// The filters timed on both regions: (label, filter, sort). The unsorted compound query
/// separates the cost of filtering from the cost of sorting the matches.
const QUERIES: [(&str, &str, Option<&str>); 3] = [
    (
        "simple",
        "imd_decile <= 2 and district = \"Gloucester\"",
        Some("imd_rank"),
    ),
    ("compound", COMPOUND, Some("-idaci_score")),
    ("compound_unsorted", COMPOUND, None),
];

/// The project's data directory, filled from the shared mirror; never downloads.
fn data() -> DataDir {
    let mut d = DataDir::from_env_at(Path::new(env!("CARGO_MANIFEST_DIR")));
    d.allow_download = false;
    d
}

/// About `POINTS` real postcode locations: every k-th row of the ONS Gloucestershire postcode
/// lookup that has Code-Point Open coordinates (a fixed, reproducible sample).
fn postcode_points(d: &DataDir) -> Vec<(f64, f64)> {
    let path = d
        .require("ons_postcode_lsoa_gloucestershire")
        .expect("ONS postcode lookup");
    let mut r = csv::Reader::from_path(&path).expect("postcode csv");
    let headers = r.headers().expect("header row").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (lon, lat) = (col("lon"), col("lat"));
    let all: Vec<(f64, f64)> = r
        .records()
        .map(|rec| rec.expect("postcode row"))
        .filter_map(|rec| Some((rec[lon].parse().ok()?, rec[lat].parse().ok()?)))
        .collect();
    let step = (all.len() / POINTS).max(1);
    all.into_iter().step_by(step).take(POINTS).collect()
}

/// The baseline `locate` replaces: test every area's polygon in turn.
fn brute_force_locate(atlas: &Atlas, lon: f64, lat: f64) -> Option<usize> {
    let p = Point::new(lon, lat);
    atlas
        .areas
        .iter()
        .position(|a| a.shape.as_ref().unwrap().polygon.contains(&p))
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    eprintln!("{what}: {:.2} s (one run)", t.elapsed().as_secs_f64());
    out
}

fn load(c: &mut Criterion) {
    let d = data();
    let region = Region::default();
    let mut g = c.benchmark_group("load_gloucestershire");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    g.bench_function("atlas", |b| {
        b.iter(|| black_box(Atlas::load(&d, &region).expect("load")))
    });
    g.bench_function("atlas_with_overlays", |b| {
        b.iter(|| {
            black_box(needsmap::load_with_overlays(&d, &region, None).expect("load with overlays"))
        })
    });
    g.finish();
}

fn queries(c: &mut Criterion) {
    let d = data();
    let glos =
        needsmap::load_with_overlays(&d, &Region::default(), None).expect("load Gloucestershire");
    let england = timed("load England (Atlas::load, once)", || {
        Atlas::load(&d, &Region::England).expect("load England")
    });
    eprintln!(
        "areas: Gloucestershire {}, England {}",
        glos.areas.len(),
        england.areas.len()
    );

    let mut g = c.benchmark_group("filter");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, atlas) in [("gloucestershire", &glos), ("england", &england)] {
        for (label, filter, sort) in QUERIES {
            let q = AreaQuery::parse(atlas, Some(filter), sort, None).expect("query parses");
            eprintln!(
                "{name} {label}: {} of {} areas match",
                q.run(atlas).count,
                atlas.areas.len()
            );
            g.throughput(Throughput::Elements(atlas.areas.len() as u64));
            g.bench_function(BenchmarkId::new(format!("{label}_parse_run"), name), |b| {
                b.iter(|| {
                    black_box(
                        AreaQuery::parse(atlas, Some(filter), sort, None)
                            .unwrap()
                            .run(atlas),
                    )
                })
            });
        }
    }
    g.finish();

    let points = postcode_points(&d);
    // Check the two paths agree before timing them, so the speed-up compares like with like.
    for (name, atlas) in [("gloucestershire", &glos), ("england", &england)] {
        let found = points
            .iter()
            .filter(|&&(x, y)| atlas.locate(x, y).is_some())
            .count();
        let same = points
            .iter()
            .filter(|&&(x, y)| atlas.locate(x, y) == brute_force_locate(atlas, x, y))
            .count();
        eprintln!(
            "{name}: {} points, {found} located, R-tree and brute force agree on {same}",
            points.len()
        );
    }
    let mut g = c.benchmark_group("locate_1000_postcode_points");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Elements(points.len() as u64));
    for (name, atlas) in [("gloucestershire", &glos), ("england", &england)] {
        g.bench_function(BenchmarkId::new("rtree", name), |b| {
            b.iter(|| {
                points
                    .iter()
                    .filter_map(|&(x, y)| atlas.locate(x, y))
                    .sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new("brute_force_contains", name), |b| {
            b.iter(|| {
                points
                    .iter()
                    .filter_map(|&(x, y)| brute_force_locate(atlas, x, y))
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    // The first call fills the cache of the GL postcode area if loading (GP sites) has not.
    let t = Instant::now();
    glos.postcode("GL1 2EH").expect("GL1 2EH");
    eprintln!(
        "postcode GL1 2EH, first call in this process: {:.3} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut g = c.benchmark_group("postcode");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    g.bench_function("gl1_2eh_warm", |b| {
        b.iter(|| black_box(glos.postcode(black_box("GL1 2EH")).unwrap()))
    });
    g.finish();
}

criterion_group!(atlas_benches, load, queries);
criterion_main!(atlas_benches);
