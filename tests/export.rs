//! `needsmap export`: the PMTiles archive holds exactly the tiles the server answers (read back with
//! a PMTiles v3 directory decoder written here from the specification, not the writer's crate), and
//! the GeoJSON / CSV tables hold every area of the region. Bad paths are named; nothing half-written
//! is left behind.

mod common;
use common::*;
use needsmap::server::AppState;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .expect("gzip data");
    out
}

fn varint(b: &[u8], i: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = b[*i];
        *i += 1;
        v |= ((byte & 0x7f) as u64) << shift;
        shift += 7;
        if byte < 0x80 {
            return v;
        }
    }
}

/// A decoded PMTiles v3 archive: header fields, metadata, and tile id → gzip-compressed tile.
struct Archive {
    header: Vec<u8>,
    metadata: Value,
    tiles: BTreeMap<u64, Vec<u8>>,
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn read_archive(path: &Path) -> Archive {
    let file = std::fs::read(path).unwrap();
    let h = file[..127].to_vec();
    assert_eq!(&h[..7], b"PMTiles");
    assert_eq!(h[7], 3, "spec version 3");
    let (root_off, root_len) = (u64_at(&h, 8) as usize, u64_at(&h, 16) as usize);
    let (meta_off, meta_len) = (u64_at(&h, 24) as usize, u64_at(&h, 32) as usize);
    let leaf_off = u64_at(&h, 40) as usize;
    let data_off = u64_at(&h, 56) as usize;
    assert_eq!(h[97], 2, "internal compression gzip");
    let metadata: Value =
        serde_json::from_slice(&gunzip(&file[meta_off..meta_off + meta_len])).unwrap();
    let mut tiles = BTreeMap::new();
    let mut dirs = vec![file[root_off..root_off + root_len].to_vec()];
    while let Some(dir) = dirs.pop() {
        let d = gunzip(&dir);
        let mut i = 0;
        let n = varint(&d, &mut i) as usize;
        let mut ids = Vec::with_capacity(n);
        let mut last = 0u64;
        for _ in 0..n {
            last += varint(&d, &mut i);
            ids.push(last);
        }
        let runs: Vec<u64> = (0..n).map(|_| varint(&d, &mut i)).collect();
        let lens: Vec<u64> = (0..n).map(|_| varint(&d, &mut i)).collect();
        let mut offs: Vec<u64> = Vec::with_capacity(n);
        for k in 0..n {
            let v = varint(&d, &mut i);
            offs.push(if v == 0 && k > 0 {
                offs[k - 1] + lens[k - 1]
            } else {
                v.saturating_sub(1)
            });
        }
        assert_eq!(i, d.len(), "directory fully consumed");
        for k in 0..n {
            let (o, l) = (offs[k] as usize, lens[k] as usize);
            if runs[k] == 0 {
                dirs.push(file[leaf_off + o..leaf_off + o + l].to_vec());
            } else {
                for r in 0..runs[k] {
                    tiles.insert(ids[k] + r, file[data_off + o..data_off + o + l].to_vec());
                }
            }
        }
    }
    Archive {
        header: h,
        metadata,
        tiles,
    }
}

fn serve() -> String {
    let atlas = Arc::new(
        needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None).expect("atlas"),
    );
    serve_state(AppState::new(atlas, web_dir()).expect("state"))
}

#[test]
fn pmtiles_archive_holds_the_served_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("areas.pmtiles");
    let out = needsmap(&[
        "export",
        "pmtiles",
        path.to_str().unwrap(),
        "--minzoom",
        "4",
        "--maxzoom",
        "12",
        "--layers",
        "imd_decile,gp_walk_min",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "only the archive, no temporary file"
    );
    let a = read_archive(&path);
    assert_eq!(a.header[99], 1, "tile type MVT");
    assert_eq!(a.header[98], 2, "tiles gzip-compressed");
    assert_eq!((a.header[100], a.header[101]), (4, 12), "zoom range");
    assert_eq!(a.metadata["vector_layers"][0]["id"], "areas");
    assert!(a.metadata["vector_layers"][0]["fields"]["imd_decile"].is_string());
    assert_eq!(a.metadata["vector_layers"][0]["maxzoom"], 12);
    assert_eq!(a.metadata["layers"], "imd_decile,gp_walk_min");
    assert!(
        a.metadata["attribution"]
            .as_str()
            .unwrap()
            .contains("Crown copyright"),
        "{}",
        a.metadata["attribution"]
    );

    let base = serve();
    let client = reqwest::blocking::Client::builder()
        .gzip(false)
        .brotli(false)
        .build()
        .unwrap();
    let bounds = atlas().bounds();
    let mut compared = 0;
    let mut by_zoom = BTreeMap::new();
    for z in 4..=12u8 {
        for c in needsmap::tiles::tiles_covering((bounds[0], bounds[1], bounds[2], bounds[3]), z)
            .unwrap()
        {
            let id = needsmap::export::pmtiles_tile_id(c);
            let r = client
                .get(format!(
                    "{base}/tiles/areas/{z}/{}/{}.mvt?layers=gp_walk_min,imd_decile",
                    c.x(),
                    c.y()
                ))
                .send()
                .unwrap();
            match (r.status().as_u16(), a.tiles.get(&id)) {
                (200, Some(stored)) => {
                    assert_eq!(
                        gunzip(stored),
                        r.bytes().unwrap().to_vec(),
                        "tile {c} differs"
                    );
                    compared += 1;
                    *by_zoom.entry(z).or_insert(0) += 1;
                }
                (204, None) => {}
                (s, stored) => panic!("tile {c}: server {s}, archive has it: {}", stored.is_some()),
            }
        }
    }
    let all_ids: BTreeSet<u64> = a.tiles.keys().copied().collect();
    assert_eq!(
        compared,
        all_ids.len(),
        "no tile in the archive outside the region's tiles"
    );
    assert!(by_zoom.len() == 9 && compared >= 150, "{by_zoom:?}");
    eprintln!("compared {compared} tiles byte for byte: {by_zoom:?}");
}

#[test]
fn tables_hold_every_area_and_bad_paths_are_named() {
    let (h, rows) = csv_rows(&source("iod2019"));
    let (code, lad) = (
        col(&h, "LSOA code (2011)"),
        col(&h, "Local Authority District code (2019)"),
    );
    let county: BTreeSet<String> = rows
        .iter()
        .filter(|r| GLOS.contains(&&r[lad]))
        .map(|r| r[code].to_string())
        .collect();
    assert_eq!(county.len(), 373);

    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("areas.csv");
    let out = needsmap(&["export", "csv", csv_path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (hh, rr) = csv_rows(&csv_path);
    let c = col(&hh, "code");
    assert_eq!(
        rr.iter().map(|r| r[c].to_string()).collect::<BTreeSet<_>>(),
        county
    );
    assert!(hh.iter().any(|x| x == "imd_decile"), "{hh:?}");

    let gj_path = dir.path().join("areas.geojson");
    let out = needsmap(&["export", "geojson", gj_path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let gj: Value = serde_json::from_slice(&std::fs::read(&gj_path).unwrap()).unwrap();
    let feats = gj["features"].as_array().unwrap();
    assert_eq!(
        feats
            .iter()
            .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>(),
        county
    );
    assert!(feats
        .iter()
        .all(|f| f["geometry"]["type"] == "Polygon" || f["geometry"]["type"] == "MultiPolygon"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary files left"
    );

    // An unwritable target: the error names it, exit status is non-zero, nothing is created.
    let bad = dir.path().join("no-such-folder").join("x.pmtiles");
    for fmt in ["pmtiles", "csv"] {
        let out = needsmap(&["export", fmt, bad.to_str().unwrap(), "--maxzoom", "6"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(bad.to_str().unwrap()), "{fmt}: {err}");
    }
    let out = needsmap(&[
        "export",
        "pmtiles",
        dir.path().join("y.pmtiles").to_str().unwrap(),
        "--layers",
        "imd_decil",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown layer \"imd_decil\"") && err.contains("imd_decile"),
        "{err}"
    );
    let out = needsmap(&[
        "export",
        "pmtiles",
        dir.path().join("y.pmtiles").to_str().unwrap(),
        "--maxzoom",
        "15",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--maxzoom 15"));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn an_interrupted_export_leaves_no_file_behind() {
    // Ctrl-C / SIGTERM part-way through: no target, no temporary file, a non-zero exit.
    for signal in ["-INT", "-TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("areas.pmtiles");
        let mut child = Command::new(env!("CARGO_BIN_EXE_needsmap"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["export", "pmtiles", target.to_str().unwrap()])
            .args(["--maxzoom", "14", "--layers", "imd_decile,imd_score"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run needsmap");
        // Wait until the export is writing (its temporary file exists), then interrupt it.
        let until = std::time::Instant::now() + Duration::from_secs(120);
        let writing = loop {
            let names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            if names.iter().any(|n| n.ends_with(".partial")) {
                break true;
            }
            if std::time::Instant::now() > until || child.try_wait().unwrap().is_some() {
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(writing, "the export never started writing");
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{signal}: exit {:?}", out.status);
        assert!(err.contains("interrupted"), "{signal}: {err}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{signal}: left behind {left:?}");
    }
}
