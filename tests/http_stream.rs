//! Large answers stream: all of England as GeoJSON, twice at once (over 60 MB in all), is
//! answered 200 without the server holding either answer in memory.

mod common;
use common::*;
use needsmap::server::AppState;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Resident memory of this process (server and client both live here), in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

/// A reader that counts the bytes read through it.
struct Counting<R>(R, Arc<AtomicU64>);
impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The parts of the FeatureCollection the test checks; geometry and other properties are
/// skipped while parsing, so the client holds no answer either.
#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    count: usize,
    #[serde(deserialize_with = "codes")]
    features: Vec<String>,
}

#[derive(Deserialize)]
struct Feature {
    #[allow(dead_code)]
    geometry: IgnoredAny,
    properties: Properties,
}

#[derive(Deserialize)]
struct Properties {
    code: String,
}

fn codes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Codes;
    impl<'de> Visitor<'de> for Codes {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("features")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
            let mut v = Vec::new();
            while let Some(f) = seq.next_element::<Feature>()? {
                v.push(f.properties.code);
            }
            Ok(v)
        }
    }
    d.deserialize_seq(Codes)
}

#[test]
fn england_geojson_twice_at_once_streams_in_constant_memory() {
    let atlas = Arc::new(
        needsmap::load_with_overlays(&data(), &needsmap::Region::England, None)
            .expect("England atlas"),
    );
    let base = serve_state(AppState::new(atlas, web_dir()).unwrap());
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(600))
        .gzip(false)
        .brotli(false)
        .build()
        .unwrap();
    // Let the start-up work (district outlines) finish, so it is not measured.
    assert_eq!(
        client
            .get(format!("{base}/api/districts"))
            .send()
            .unwrap()
            .status(),
        200
    );

    // The oracle: England's LSOAs in IoD2019 File 1, read with the csv crate.
    let (h, rows) = csv_rows(&source("iod2019_file1"));
    let want: BTreeSet<String> = rows
        .iter()
        .map(|r| r[col(&h, "LSOA code (2011)")].to_string())
        .collect();
    assert_eq!(want.len(), 32_844);
    drop(rows);

    let before = rss();
    let peak = Arc::new(AtomicU64::new(before));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let bytes = Arc::new(AtomicU64::new(0));
    let downloads: Vec<_> = (0..2)
        .map(|_| {
            let (client, url, bytes) = (
                client.clone(),
                format!("{base}/api/areas?format=geojson"),
                bytes.clone(),
            );
            std::thread::spawn(move || {
                let r = client.get(url).send().unwrap();
                assert_eq!(r.status(), 200);
                assert_eq!(
                    r.headers()[reqwest::header::CONTENT_TYPE],
                    "application/geo+json"
                );
                assert!(
                    r.headers().get(reqwest::header::CONTENT_LENGTH).is_none(),
                    "streamed, so no length is known up front"
                );
                let c: Collection =
                    serde_json::from_reader(std::io::BufReader::new(Counting(r, bytes))).unwrap();
                c
            })
        })
        .collect();
    let answers: Vec<Collection> = downloads.into_iter().map(|d| d.join().unwrap()).collect();
    done.store(true, Ordering::Relaxed);
    sampler.join().unwrap();

    let total = bytes.load(Ordering::Relaxed);
    let grew = peak.load(Ordering::Relaxed).saturating_sub(before);
    eprintln!("streamed {total} bytes in two answers; resident memory grew by {grew} bytes (from {before})");
    assert!(total > 60_000_000, "{total} bytes: not a large answer");
    for c in &answers {
        assert_eq!(
            (c.kind.as_str(), c.count, c.features.len()),
            ("FeatureCollection", 32_844, 32_844)
        );
        assert_eq!(c.features.iter().cloned().collect::<BTreeSet<_>>(), want);
    }
    // Buffering even one answer would grow memory by more than its size (~30 MB+).
    assert!(
        grew < total / 8,
        "memory grew by {grew} bytes while {total} bytes were answered"
    );
}
