//! `serve --basemap-style`: off by default (the region document has no `basemap_style`), and when
//! set the page is told the style through `/api/region`.

mod common;
use common::*;
use needsmap::server::AppState;
use serde_json::Value;
use std::sync::Arc;

fn region(base: &str) -> Value {
    http()
        .get(format!("{base}/api/region"))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

#[test]
fn the_basemap_is_off_by_default_and_named_when_set() {
    let atlas = Arc::new(
        needsmap::load_with_overlays(&data(), &needsmap::Region::default(), None).unwrap(),
    );
    let plain = serve_state(AppState::new(atlas.clone(), web_dir()).unwrap());
    let r = region(&plain);
    assert_eq!(r["name"], "Gloucestershire");
    assert!(r.get("basemap_style").is_none(), "{r}");
    let url = "https://tiles.example.org/styles/base/style.json";
    let with = serve_state(
        AppState::new(atlas, web_dir())
            .unwrap()
            .with_basemap_style(Some(url.into())),
    );
    let r2 = region(&with);
    assert_eq!(r2["basemap_style"], url);
    // Nothing else in the document changes.
    let mut r2 = r2;
    r2.as_object_mut().unwrap().remove("basemap_style");
    assert_eq!(r, r2);
}
