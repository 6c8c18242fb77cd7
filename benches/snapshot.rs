//! Atlas snapshot encodings, measured on the real atlases (Gloucestershire and England): size on
//! disk, time to write, and time to open (decode + rebuild the R-trees + open the postcode zip).
//! Prints a Markdown table for `benches/README.md`.
//!
//! Run: `cargo bench -j2 --bench snapshot` (builds both atlases once: about a minute).
//! Data as in the other benches: `geodata/cache`, filled from the mirror; nothing downloaded.

use needsmap::atlas::snapshot::{self, Codec};
use needsmap::sources::codepoint::PostcodeBook;
use needsmap::vintage::Vintage;
use needsmap::{Atlas, DataDir, Region};
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn data() -> DataDir {
    let mut d = DataDir::from_env_at(Path::new(env!("CARGO_MANIFEST_DIR")));
    d.allow_download = false;
    d
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn measure(label: &str, d: &DataDir, region: &Region, atlas: &Atlas, build: Duration) {
    let zip = d.require("codepoint_open").expect("Code-Point Open");
    println!(
        "\n### {label}: {} areas, {} layers (fresh build {} ms)\n",
        atlas.areas.len(),
        atlas.layers.len(),
        ms(build)
    );
    println!("| codec | size (MB) | write (ms) | open, median of {RUNS} (ms) |");
    println!("|---|---|---|---|");
    for codec in Codec::ALL {
        let t = Instant::now();
        let bytes = snapshot::encode_body(atlas, codec).expect("encode");
        let write = t.elapsed();
        let opens: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let book = PostcodeBook::open(&zip).expect("zip");
                black_box(
                    snapshot::decode_body(&bytes, codec, region, atlas.vintage, book)
                        .expect("decode"),
                );
                t.elapsed()
            })
            .collect();
        println!(
            "| {codec:?} | {:.2} | {} | {} |",
            bytes.len() as f64 / 1e6,
            ms(write),
            ms(median(opens))
        );
    }
    // The product path: checksum, header, input fingerprints, decode.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut scratch = d.clone();
    scratch.root = dir.path().to_path_buf();
    let path = snapshot::path_for(&scratch, region, Vintage::V2019, None);
    let inputs = snapshot::inputs_for(d, region, Vintage::V2019, None);
    let fp: Vec<snapshot::InputFile> = inputs
        .iter()
        .map(|(id, p)| snapshot::InputFile {
            id: id.clone(),
            path: p.clone(),
            sha256: d
                .manifest
                .get(id)
                .map(|s| s.sha256.clone())
                .unwrap_or_default(),
            stamp: {
                let m = std::fs::metadata(p).expect("input");
                format!(
                    "{}:{}",
                    m.len(),
                    m.modified()
                        .unwrap()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_nanos()
                )
            },
        })
        .collect();
    let size = snapshot::write(&path, atlas, Vintage::V2019, fp).expect("write");
    let opens: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            black_box(snapshot::read(&path, d, region, Vintage::V2019, &inputs).expect("read"));
            t.elapsed()
        })
        .collect();
    println!("\n`snapshot::read` (checksum + header + {} input stamps + {:?}): {} ms median, file {:.2} MB", inputs.len(), Codec::DEFAULT, ms(median(opens)), size as f64 / 1e6);
}

fn main() {
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return; // `cargo test --benches` smoke mode: nothing to check here.
    }
    let d = data();
    let t = Instant::now();
    let county = needsmap::load_with_overlays(&d, &Region::default(), None).expect("county");
    let build = t.elapsed();
    measure(
        "Gloucestershire (with GP-access layers)",
        &d,
        &Region::default(),
        &county,
        build,
    );
    drop(county);
    let t = Instant::now();
    let england = needsmap::load_with_overlays(&d, &Region::England, None).expect("England");
    let build = t.elapsed();
    measure(
        "England (with GP-access layers)",
        &d,
        &Region::England,
        &england,
        build,
    );
}
