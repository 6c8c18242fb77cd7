//! Shared by the integration tests: the real data, fetched through the product's own logic.
#![allow(dead_code)]

use needsmap::{Atlas, DataDir, Region};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The data directory the tests use: `NEEDSMAP_DATA_DIR` or the repository's `geodata/cache`,
/// filled from `NEEDSMAP_MIRROR` or `../shared/opendata` beside the checkout. No downloads.
pub fn data() -> DataDir {
    let mut d = DataDir::from_env_at(Path::new(env!("CARGO_MANIFEST_DIR")));
    d.allow_download = false;
    d
}

/// The verified local path of a source.
pub fn source(id: &str) -> PathBuf {
    data()
        .require(id)
        .unwrap_or_else(|e| panic!("test data {id}: {e}"))
}

/// Gloucestershire with every layer, loaded once per test binary.
pub fn atlas() -> &'static Atlas {
    static ATLAS: OnceLock<Atlas> = OnceLock::new();
    ATLAS.get_or_init(|| {
        needsmap::load_with_overlays(&data(), &Region::default(), None)
            .expect("load the Gloucestershire atlas")
    })
}

/// The county atlas of `vintage`, opened as `needsmap serve` does (from its snapshot when there
/// is one): the shape of a server's vintage opener.
pub fn open_county(vintage: needsmap::vintage::Vintage) -> Result<Atlas, String> {
    needsmap::open_atlas(&data(), &Region::default(), vintage, None, false)
        .map(|o| o.atlas)
        .map_err(|e| e.to_string())
}

/// A county server's state as `needsmap serve` makes one: `atlas_2019` by default, 2025 opened
/// through [`open_county`] on first use.
pub fn two_vintage_state(
    atlas_2019: std::sync::Arc<Atlas>,
    limits: needsmap::server::Limits,
) -> needsmap::server::AppState {
    let opener: needsmap::server::state::Opener = std::sync::Arc::new(open_county);
    needsmap::server::AppState::with_vintages(
        needsmap::vintage::Vintage::V2019,
        atlas_2019,
        Some(opener),
        web_dir(),
        limits,
    )
    .expect("a two-vintage server state")
}

/// The county's May 2025 wards (ONS), read with the product's boundary reader as `serve` does.
pub fn wards() -> Vec<needsmap::sources::boundaries::Boundary> {
    needsmap::sources::boundaries::read_geojson_keyed(
        &source("wards_wd25_gloucestershire"),
        "WD25CD",
        "WD25NM",
        &[],
        None,
    )
    .expect("the May 2025 wards")
    .into_iter()
    .map(|(b, _)| b)
    .collect()
}

/// Open a CSV with the csv crate directly (not the product's readers), header row included.
pub fn csv_rows(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (headers, rows)
}

pub fn col(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("column {name} not in {headers:?}"))
}

pub const GLOS: [&str; 6] = [
    "E07000078",
    "E07000079",
    "E07000080",
    "E07000081",
    "E07000082",
    "E07000083",
];

/// The verified local path of the source whose manifest `file` is `rel` (a mirror-relative path).
pub fn by_file(rel: &str) -> PathBuf {
    let d = data();
    let id = d
        .manifest
        .sources
        .iter()
        .find(|s| s.file == rel)
        .map(|s| s.id.clone())
        .unwrap_or_else(|| panic!("{rel} is not a source in geodata/sources.toml"));
    d.require(&id)
        .unwrap_or_else(|e| panic!("test data {id}: {e}"))
}

/// The page folder a test server serves.
pub fn web_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web")
}

/// Serve `state` on a free port of 127.0.0.1 from a thread of its own (a two-worker runtime, as
/// on the 2-core CI machine) and return its base URL once it listens.
pub fn serve_state(state: needsmap::server::AppState) -> String {
    let state = std::sync::Arc::new(state);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, needsmap::server::router(state))
                .await
                .unwrap();
        });
    });
    format!(
        "http://{}",
        rx.recv_timeout(std::time::Duration::from_secs(120))
            .expect("server started")
    )
}

/// The test binary's HTTP client. It never decompresses (a test that checks encodings sees the
/// bytes on the wire; the others send no `Accept-Encoding` and get plain bodies), waits up to
/// ten minutes, long enough for the slowest first request on a busy 2-core machine, and opens a
/// connection per request: a server closes the connection after refusing a request (413, 414),
/// and a pooled one would then fail the next test's request instead.
pub fn http() -> &'static reqwest::blocking::Client {
    static CLIENT: OnceLock<reqwest::blocking::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(600))
            .pool_max_idle_per_host(0)
            .gzip(false)
            .brotli(false)
            .build()
            .expect("HTTP client")
    })
}

/// Run the built `needsmap` as a user would, on the checkout's data directory and mirror (`.` when
/// none is configured), without a `NEEDSMAP_VINTAGE` from the caller's environment.
pub fn needsmap(args: &[&str]) -> std::process::Output {
    let d = data();
    std::process::Command::new(env!("CARGO_BIN_EXE_needsmap"))
        .args(args)
        .env("NEEDSMAP_DATA_DIR", &d.root)
        .env(
            "NEEDSMAP_MIRROR",
            d.mirror.unwrap_or_else(|| Path::new(".").into()),
        )
        .env_remove("NEEDSMAP_VINTAGE")
        .output()
        .expect("run needsmap")
}

/// The standard output of a `needsmap` command that must succeed (its stderr in the failure).
pub fn ok(args: &[&str]) -> String {
    let out = needsmap(args);
    assert!(
        out.status.success(),
        "needsmap {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
