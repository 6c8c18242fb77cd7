//! Vector-tile encoding throughput on the real Gloucestershire atlas, through the server's own tile
//! path (`AreaTiles`: R-tree lookup, `code` and the one layer the page draws (`?layers=imd_decile`)
//! as properties, clipping, simplification, tiny-polygon reduction, protobuf), uncached: every tile
//! z6..=13 covering the county. Reports tiles/second ("elem/s").
//! Also compares our rectangle clipper with geo's general BooleanOps on the same z13 polygons.
//!
//! Run: `cargo bench --bench tiles`.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo::BooleanOps;
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};
use needsmap::server::tiles::{AreaTiles, LayerPick};
use needsmap::tiles::{
    clip_polygon, lonlat_to_mercator, TileCoord, DEFAULT_BUFFER, DEFAULT_EXTENT,
};
use needsmap::{Atlas, DataDir, Region};

fn atlas() -> Atlas {
    let mut d = DataDir::from_env_at(Path::new(env!("CARGO_MANIFEST_DIR")));
    d.allow_download = false;
    needsmap::load_with_overlays(&d, &Region::default(), None)
        .expect("load the Gloucestershire atlas")
}

fn encode_all(tiles: &AreaTiles, pick: &LayerPick, coords: &[TileCoord]) -> usize {
    coords
        .iter()
        .filter_map(|c| tiles.encode_uncached(*c, pick, None).unwrap())
        .map(|b| b.len())
        .sum()
}

/// The polygons of the areas reaching into each z13 tile, in that tile's units, for the clipping duel.
fn clip_cases(atlas: &Atlas, coords: &[TileCoord]) -> Vec<Polygon<f64>> {
    let mut out = Vec::new();
    for t in coords.iter().filter(|t| t.z() == 13) {
        let (west, _, _, north) = t.bounds_mercator();
        let k = DEFAULT_EXTENT as f64 / t.size_m();
        let (w, s, e, n) = t.bounds_lonlat();
        for i in atlas.in_bbox(w, s, e, n) {
            let to_tile = |ls: &LineString<f64>| {
                LineString(
                    ls.0.iter()
                        .map(|c| {
                            let (x, y) = lonlat_to_mercator(c.x, c.y);
                            Coord {
                                x: (x - west) * k,
                                y: (north - y) * k,
                            }
                        })
                        .collect(),
                )
            };
            for p in &atlas.areas[i].shape.as_ref().unwrap().polygon.0 {
                out.push(Polygon::new(
                    to_tile(p.exterior()),
                    p.interiors().iter().map(to_tile).collect(),
                ));
            }
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let atlas = Arc::new(atlas());
    let tiles = AreaTiles::new(atlas.clone()).expect("project the areas");
    let coords = tiles.covering(6..=13);
    let pick = LayerPick::parse(&atlas, "imd_decile").expect("imd_decile is a layer");
    let start = Instant::now();
    let bytes = encode_all(&tiles, &pick, &coords);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} areas, {} tiles z6..=13, {} KiB encoded; one cold pass {:.1} ms = {:.0} tiles/s",
        atlas.areas.len(),
        coords.len(),
        bytes / 1024,
        secs * 1e3,
        coords.len() as f64 / secs
    );

    let mut g = c.benchmark_group("encode_gloucestershire_z6_13");
    g.sample_size(10);
    g.throughput(Throughput::Elements(coords.len() as u64));
    g.bench_function("server_tile_path_uncached", |b| {
        b.iter(|| black_box(encode_all(&tiles, &pick, &coords)))
    });
    g.finish();

    let cases = clip_cases(&atlas, &coords);
    let lo = -(DEFAULT_BUFFER as f64);
    let hi = (DEFAULT_EXTENT + DEFAULT_BUFFER) as f64;
    let window = Rect::new(Coord { x: lo, y: lo }, Coord { x: hi, y: hi });
    let window_mp = MultiPolygon(vec![window.to_polygon()]);
    let mut g = c.benchmark_group("clip_z13_polygons");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("sutherland_hodgman", |b| {
        b.iter(|| {
            cases
                .iter()
                .filter_map(|p| clip_polygon(p, &window))
                .map(|p| p.exterior().0.len())
                .sum::<usize>()
        })
    });
    g.bench_function("geo_boolean_ops", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|p| {
                    MultiPolygon(vec![p.clone()])
                        .intersection(&window_mp)
                        .0
                        .len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(tile_benches, benches);
criterion_main!(tile_benches);
