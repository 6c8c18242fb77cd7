//! Vector-tile encoding throughput on the real Gloucestershire LSOA boundaries: every tile z6..=13
//! covering the county, with the properties the server sends. Reports tiles/second ("elem/s").
//! Also compares our rectangle clipper with geo's general BooleanOps on the same z13 polygons.
//!
//! Run: `cargo bench --bench tiles` (set NEEDSMAP_MIRROR to the opendata folder if it is elsewhere).

use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo::BooleanOps;
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};
use needsmap::tiles::{
    clip_polygon, encode_tile, mercator_to_lonlat, tiles_covering, MercatorGeometry, MercatorShape,
    TileCoord, TileEncoder, TileFeature, TileLayer, DEFAULT_BUFFER, DEFAULT_EXTENT,
};

fn opendata(rel: &str) -> PathBuf {
    match std::env::var_os("NEEDSMAP_MIRROR") {
        Some(m) => PathBuf::from(m).join(rel),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/opendata")
            .join(rel),
    }
}

struct Area {
    code: String,
    name: String,
    district: String,
    imd: f64,
    shape: MercatorShape,
}

fn load() -> Vec<Area> {
    let path = opendata("boundaries/lsoa11_bgc_gloucestershire.geojson");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fc = geojson::FeatureCollection::from_str(&text).expect("GeoJSON");
    fc.features
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let s = |k: &str| {
                f.property(k)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let geom =
                geo_types::Geometry::<f64>::try_from(&f.geometry.as_ref().expect("geometry").value)
                    .unwrap();
            Area {
                code: s("LSOA11CD"),
                name: s("LSOA11NM"),
                district: s("LAD19NM"),
                imd: (i % 50) as f64 * 1.25,
                shape: MercatorShape::from_lonlat_geometry(&geom).unwrap(),
            }
        })
        .collect()
}

/// Stand-in for the server's R-tree: which areas reach into each tile's buffered footprint.
fn index(
    areas: &[Area],
    zooms: std::ops::RangeInclusive<u8>,
) -> (Vec<TileCoord>, HashMap<TileCoord, Vec<usize>>) {
    let mut bbox = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut map: HashMap<TileCoord, Vec<usize>> = HashMap::new();
    let mut tiles = Vec::new();
    for a in areas {
        let b = a.shape.bbox();
        let (w, s) = mercator_to_lonlat(b.min().x, b.min().y);
        let (e, n) = mercator_to_lonlat(b.max().x, b.max().y);
        bbox = (bbox.0.min(w), bbox.1.min(s), bbox.2.max(e), bbox.3.max(n));
    }
    for z in zooms {
        for t in tiles_covering(bbox, z).unwrap() {
            let (w, s, e, n) = t.buffered_bounds_mercator(DEFAULT_EXTENT, DEFAULT_BUFFER);
            let hits: Vec<usize> = (0..areas.len())
                .filter(|&i| {
                    let b = areas[i].shape.bbox();
                    b.min().x <= e && b.max().x >= w && b.min().y <= n && b.max().y >= s
                })
                .collect();
            tiles.push(t);
            map.insert(t, hits);
        }
    }
    (tiles, map)
}

fn layer_for<'a>(areas: &'a [Area], hits: &[usize]) -> TileLayer<'a> {
    let mut layer = TileLayer::new("areas");
    for &i in hits {
        let a = &areas[i];
        layer.push(
            TileFeature::new(&a.shape)
                .with_id(i as u64)
                .with_property("code", a.code.as_str())
                .with_property("name", a.name.as_str())
                .with_property("district", a.district.as_str())
                .with_property("imd_score", a.imd)
                .with_property("imd_decile", (i % 10 + 1) as u64)
                .with_property("selected", i % 7 == 0),
        );
    }
    layer
}

fn encode_all(
    enc: &mut TileEncoder,
    areas: &[Area],
    tiles: &[TileCoord],
    map: &HashMap<TileCoord, Vec<usize>>,
) -> usize {
    let mut bytes = 0;
    for t in tiles {
        let layer = layer_for(areas, &map[t]);
        if let Some(b) = enc.encode(*t, &[layer]).unwrap() {
            bytes += b.len();
        }
    }
    bytes
}

/// The z13 polygons of every tile in tile units, with the buffered window, for the clipping duel.
fn clip_cases(
    areas: &[Area],
    tiles: &[TileCoord],
    map: &HashMap<TileCoord, Vec<usize>>,
) -> Vec<Polygon<f64>> {
    let mut out = Vec::new();
    for t in tiles.iter().filter(|t| t.z() == 13) {
        let (west, _, _, north) = t.bounds_mercator();
        let k = DEFAULT_EXTENT as f64 / t.size_m();
        for &i in &map[t] {
            let MercatorGeometry::Polygons(mp) = areas[i].shape.geometry() else {
                continue;
            };
            for p in &mp.0 {
                let f = |ls: &LineString<f64>| {
                    LineString(
                        ls.0.iter()
                            .map(|c| Coord {
                                x: (c.x - west) * k,
                                y: (north - c.y) * k,
                            })
                            .collect(),
                    )
                };
                out.push(Polygon::new(
                    f(p.exterior()),
                    p.interiors().iter().map(f).collect(),
                ));
            }
        }
    }
    out
}

fn benches(c: &mut Criterion) {
    let areas = load();
    let (tiles, map) = index(&areas, 6..=13);
    let mut enc = TileEncoder::new();
    let start = Instant::now();
    let bytes = encode_all(&mut enc, &areas, &tiles, &map);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} areas, {} tiles z6..=13, {} KiB encoded; one cold pass {:.1} ms = {:.0} tiles/s",
        areas.len(),
        tiles.len(),
        bytes / 1024,
        secs * 1e3,
        tiles.len() as f64 / secs
    );

    let mut g = c.benchmark_group("encode_gloucestershire_z6_13");
    g.sample_size(10);
    g.throughput(Throughput::Elements(tiles.len() as u64));
    g.bench_function("reused_encoder", |b| {
        b.iter(|| black_box(encode_all(&mut enc, &areas, &tiles, &map)))
    });
    g.bench_function("fresh_encoder_per_tile", |b| {
        b.iter(|| {
            let mut n = 0;
            for t in &tiles {
                if let Some(v) = encode_tile(*t, &[layer_for(&areas, &map[t])]).unwrap() {
                    n += v.len();
                }
            }
            black_box(n)
        })
    });
    g.finish();

    let cases = clip_cases(&areas, &tiles, &map);
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
