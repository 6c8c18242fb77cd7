//! England at full scale (32,844 LSOAs, the national super-generalised BSC boundaries): every tile
//! z0..=10 covering England, and the densest tiles at z11..=14 (most population-weighted centroids,
//! from the ONS centroid file), stay within 500 KB uncompressed, as served: `code` only, one layer
//! (`?layers=imd_score`, a distinct double per area: the costliest single layer), and that layer
//! with a `?where=` filter (adds `selected`). At z12..=14 every area whose centroid lies in a dense
//! tile is drawn in it as itself (no tiny-polygon squares there).

mod common;
use needsmap::query::Filter;
use needsmap::server::tiles::{AreaTiles, LayerPick};
use needsmap::tiles::TileCoord;
use needsmap::{Atlas, Region};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::sync::Arc;

const LIMIT: usize = 500_000;

fn tile_of(lon: f64, lat: f64, z: u8) -> TileCoord {
    let n = 2f64.powi(z as i32);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    TileCoord::new(z, x, y).unwrap()
}

fn gzip_len(b: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap().len()
}

#[test]
fn every_england_tile_is_at_most_500_kb() {
    let (h, rows) = common::csv_rows(&common::source("iod2019"));
    let code_col = common::col(&h, "LSOA code (2011)");
    let english: BTreeSet<String> = rows
        .iter()
        .map(|r| r[code_col].to_string())
        .filter(|c| c.starts_with("E01"))
        .collect();
    let atlas = Arc::new(Atlas::load(&common::data(), &Region::England).expect("load England"));
    assert_eq!(
        atlas.areas.len(),
        english.len(),
        "every English LSOA of the IoD file is loaded"
    );
    assert_eq!(english.len(), 32_844);
    let tiles = AreaTiles::new(atlas.clone()).unwrap();

    // Dense tiles at z11..=14 by population-weighted centroids (the ONS file the atlas reads).
    let mut coords = tiles.covering(0..=10);
    let mut dense: Vec<(TileCoord, usize)> = Vec::new();
    for z in 11..=14u8 {
        let mut count: HashMap<TileCoord, usize> = HashMap::new();
        for a in &atlas.areas {
            *count
                .entry(tile_of(
                    a.centroid().unwrap().x(),
                    a.centroid().unwrap().y(),
                    z,
                ))
                .or_default() += 1;
        }
        let mut v: Vec<(TileCoord, usize)> = count.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(8);
        dense.extend(v.iter().copied());
        coords.extend(v.into_iter().map(|(c, _)| c));
    }

    let none = LayerPick::none();
    let one = LayerPick::parse(&atlas, "imd_score").unwrap();
    let filter = Filter::parse("imd_decile <= 2").unwrap();
    let sizes: Vec<(TileCoord, [usize; 3], usize)> = coords
        .par_iter()
        .map(|c| {
            let a = tiles
                .encode_uncached(*c, &none, None)
                .unwrap()
                .map(|b| b.len())
                .unwrap_or(0);
            let one_b = tiles
                .encode_uncached(*c, &one, None)
                .unwrap()
                .unwrap_or_default();
            let f = tiles
                .encode_uncached(*c, &one, Some(&filter))
                .unwrap()
                .map(|b| b.len())
                .unwrap_or(0);
            (
                *c,
                [a, one_b.len(), f],
                if one_b.is_empty() {
                    0
                } else {
                    gzip_len(&one_b)
                },
            )
        })
        .collect();

    eprintln!("zoom  tiles  non-empty  max code-only  max +imd_score  max +where  max gzip(+imd_score)  worst tile");
    let mut worst = 0;
    for z in 0..=14u8 {
        let at: Vec<&(TileCoord, [usize; 3], usize)> =
            sizes.iter().filter(|s| s.0.z() == z).collect();
        let m = |k: usize| at.iter().map(|s| s.1[k]).max().unwrap_or(0);
        let g = at.iter().map(|s| s.2).max().unwrap_or(0);
        let w = at
            .iter()
            .max_by_key(|s| s.1[2])
            .map(|s| s.0.to_string())
            .unwrap_or_default();
        eprintln!(
            "{z:>4} {:>6} {:>10} {:>14} {:>15} {:>11} {:>21}  {w}",
            at.len(),
            at.iter().filter(|s| s.1[0] > 0).count(),
            m(0),
            m(1),
            m(2),
            g
        );
        worst = worst.max(m(2)).max(m(1)).max(m(0));
    }
    for s in &sizes {
        assert!(
            s.1.iter().all(|&b| b <= LIMIT),
            "tile {} is {:?} bytes (limit {LIMIT})",
            s.0,
            s.1
        );
    }
    assert!(
        worst > 50_000,
        "the size check must see substantial tiles, saw at most {worst}"
    );

    // At z12 and beyond no English LSOA is under a pixel: every area whose centroid is in a dense
    // tile is drawn there with its own id and code.
    for (c, n) in dense.iter().filter(|(c, _)| c.z() >= 12) {
        let bytes = tiles
            .encode_uncached(*c, &none, None)
            .unwrap()
            .expect("dense tile");
        let reader = mvt_reader::Reader::new(bytes).unwrap();
        let mut ids = BTreeSet::new();
        for f in reader.get_features(0).unwrap() {
            let id = f.id.expect("feature id") as usize;
            let props = f.properties.unwrap_or_default();
            assert_eq!(
                props.get("code"),
                Some(&mvt_reader::feature::Value::String(
                    atlas.areas[id].code.clone()
                )),
                "id {id} and code agree"
            );
            ids.insert(id);
        }
        let want: BTreeSet<usize> = atlas
            .areas
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                tile_of(a.centroid().unwrap().x(), a.centroid().unwrap().y(), c.z()) == *c
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(want.len(), *n);
        assert!(
            want.is_subset(&ids),
            "tile {c}: {} of {} centroid areas missing",
            want.difference(&ids).count(),
            want.len()
        );
    }
}

/// Design measurements (not a check): sizes of the heaviest low-zoom England tiles under
/// alternative zoom policies. `cargo test --release --test tiles_england -- --ignored --nocapture`
#[test]
#[ignore]
fn policy_sweep() {
    use needsmap::tiles::ZoomPolicy;
    let atlas = Arc::new(Atlas::load(&common::data(), &Region::England).expect("load England"));
    let worst = [
        "4/7/5",
        "5/15/10",
        "6/31/20",
        "7/63/42",
        "8/127/85",
        "9/255/170",
        "10/511/340",
    ];
    let coords: Vec<TileCoord> = worst.iter().map(|t| t.parse().unwrap()).collect();
    let one = LayerPick::parse(&atlas, "imd_score").unwrap();
    for extent in [4096u32, 1024] {
        for tol in [0.5, 0.9] {
            for min_area in [1.0, 2.0, 4.0, 9.0] {
                for buffer in [8.0, 2.0] {
                    let p = ZoomPolicy {
                        extent,
                        tolerance_px: tol,
                        min_area_px: min_area,
                        buffer_px: buffer,
                    };
                    let tiles = AreaTiles::new(atlas.clone())
                        .unwrap()
                        .with_policy(move |_| p);
                    let sizes: Vec<String> = coords
                        .par_iter()
                        .map(|c| {
                            let b = tiles.encode_uncached(*c, &one, None).unwrap().unwrap();
                            let n = mvt_reader::Reader::new(b.clone())
                                .unwrap()
                                .get_features(0)
                                .unwrap()
                                .len();
                            format!("{:>4}K/{:>5}f", b.len() / 1000, n)
                        })
                        .collect();
                    eprintln!(
                        "extent {extent:>4} tol {tol} px min {min_area:>3} px² buf {buffer} px: {}",
                        sizes.join(" ")
                    );
                }
            }
        }
    }
}
