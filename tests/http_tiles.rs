//! Tiles over HTTP (CONTRACTS.md §A) against a real server on 127.0.0.1 serving Gloucestershire:
//! pre-compressed bodies with their ETags, 304s, canonical `?layers=`, and TileJSON behind a proxy.

mod common;
use common::*;
use needsmap::server::AppState;
use reqwest::header;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::sync::{Arc, OnceLock};

fn base() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let atlas = Arc::new(
            needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None)
                .expect("atlas"),
        );
        serve_state(AppState::new(atlas, web_dir()).expect("state"))
    })
}

fn get(path: &str, headers: &[(&str, &str)]) -> reqwest::blocking::Response {
    let mut r = http().get(format!("{}{path}", base()));
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    r.send().unwrap()
}

const TILE: &str = "/tiles/areas/10/505/338.mvt?layers=imd_decile";

#[test]
fn compressed_tiles_decompress_to_the_raw_tile_and_304_on_their_etag() {
    let raw = get(TILE, &[]);
    assert_eq!(raw.status(), 200);
    assert!(raw.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(raw.headers()[header::VARY], "accept-encoding");
    let tag = raw.headers()[header::ETAG].to_str().unwrap().to_string();
    let raw = raw.bytes().unwrap().to_vec();
    assert!(raw.len() > 1000);

    let g = get(TILE, &[("accept-encoding", "gzip")]);
    assert_eq!(g.headers()[header::CONTENT_ENCODING], "gzip");
    assert_eq!(g.headers()[header::ETAG].to_str().unwrap(), tag);
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&g.bytes().unwrap()[..])
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, raw, "gzip body = raw tile");

    let b = get(TILE, &[("accept-encoding", "gzip, deflate, br")]);
    assert_eq!(
        b.headers()[header::CONTENT_ENCODING],
        "br",
        "compressed once, not again by the CompressionLayer"
    );
    let body = b.bytes().unwrap();
    let mut back = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back, raw, "brotli body = raw tile");
    assert!(body.len() < raw.len());

    for enc in ["identity", "gzip", "br"] {
        let r = get(TILE, &[("accept-encoding", enc), ("if-none-match", &tag)]);
        assert_eq!(r.status(), 304, "{enc}");
        assert_eq!(r.headers()[header::ETAG].to_str().unwrap(), tag);
        assert!(r.bytes().unwrap().is_empty());
    }
    assert_eq!(
        get(TILE, &[("if-none-match", "\"something-else\"")]).status(),
        200
    );
}

#[test]
fn layer_lists_are_canonical_and_change_the_tile() {
    let a = get(
        "/tiles/areas/10/505/338.mvt?layers=imd_decile,gp_walk_min",
        &[],
    );
    let b = get(
        "/tiles/areas/10/505/338.mvt?layers=gp_walk_min,%20imd_decile,imd_decile",
        &[],
    );
    let c = get("/tiles/areas/10/505/338.mvt", &[]);
    let tag =
        |r: &reqwest::blocking::Response| r.headers()[header::ETAG].to_str().unwrap().to_string();
    assert_eq!(tag(&a), tag(&b));
    assert_ne!(tag(&a), tag(&c));
    let (a, c) = (a.bytes().unwrap(), c.bytes().unwrap());
    assert!(
        a.len() > c.len(),
        "values add bytes: {} vs {}",
        a.len(),
        c.len()
    );
    // Empty tiles: 204 without a body, also with a filter.
    assert_eq!(
        get("/tiles/areas/10/0/0.mvt?layers=imd_decile", &[]).status(),
        204
    );
    assert_eq!(
        get("/tiles/areas/10/0/0.mvt?where=imd_decile%3C%3D2", &[]).status(),
        204
    );
}

#[test]
fn tilejson_follows_the_proxy_and_lists_every_layer() {
    let tj: Value = get(
        "/tiles/areas.json",
        &[
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "maps.example.org"),
        ],
    )
    .json()
    .unwrap();
    assert_eq!(
        tj["tiles"][0],
        "https://maps.example.org/tiles/areas/{z}/{x}/{y}.mvt"
    );
    let tj: Value = get(
        "/tiles/areas.json",
        &[("forwarded", "for=10.0.0.1;proto=https;host=needs.example")],
    )
    .json()
    .unwrap();
    assert_eq!(
        tj["tiles"][0],
        "https://needs.example/tiles/areas/{z}/{x}/{y}.mvt"
    );
    let tj: Value = get("/tiles/areas.json", &[("x-forwarded-proto", "https")])
        .json()
        .unwrap();
    let url = tj["tiles"][0].as_str().unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let tj: Value = get("/tiles/areas.json", &[]).json().unwrap();
    assert!(tj["tiles"][0]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    assert_eq!(tj["maxzoom"], needsmap::tiles::MAX_ZOOM);

    let fields: BTreeSet<String> = tj["vector_layers"][0]["fields"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let layers: Value = get("/api/layers", &[]).json().unwrap();
    let list = layers
        .as_array()
        .or_else(|| layers["layers"].as_array())
        .expect("layer list");
    let ids: BTreeSet<String> = list
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() > 20);
    assert!(
        ids.is_subset(&fields),
        "missing from TileJSON fields: {:?}",
        ids.difference(&fields).collect::<Vec<_>>()
    );
    // Every listed id is accepted by ?layers=, and nothing else is listed but code and selected.
    for id in &ids {
        let s = get(&format!("/tiles/areas/10/505/338.mvt?layers={id}"), &[]).status();
        assert_eq!(s, 200, "{id}");
    }
    let extra: BTreeSet<&str> = fields
        .iter()
        .map(String::as_str)
        .filter(|f| !ids.contains(*f))
        .collect();
    assert_eq!(extra, BTreeSet::from(["code", "selected"]));
    assert!(atlas().areas.len() == 373);
}
