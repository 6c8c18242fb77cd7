//! `needsmap serve`: the API, vector tiles and the map page over HTTP.

use super::args::{Global, ServeArgs};
use anyhow::{bail, Result};
use needsmap::server::state::Opener;
use needsmap::server::{self, AppState, Limits};
use std::sync::Arc;

pub fn run(g: &Global, args: &ServeArgs) -> Result<()> {
    let index = args.web.join("public/index.html");
    if !index.is_file() {
        bail!(
            "no web page at {}: run from the repository root or pass --web DIR",
            index.display()
        );
    }
    let maplibre = args.web.join("node_modules/maplibre-gl");
    if !maplibre.join("dist/maplibre-gl.js").is_file() {
        tracing::warn!(
            "{} is missing; run `npm ci --prefix web` (scripts/run.sh does) so the map can load MapLibre GL JS",
            maplibre.display()
        );
    }
    // The default vintage is opened now; the other on the first request that names it.
    let atlas = Arc::new(g.load()?);
    let (data, region, network) = (g.data(), g.region.clone(), g.network.clone());
    let opener: Opener = Arc::new(move |vintage| {
        needsmap::open_atlas(&data, &region, vintage, network.as_deref(), false)
            .map(|opened| opened.atlas)
            .map_err(|e| e.to_string())
    });
    let mut state = AppState::with_vintages(
        g.vintage,
        atlas,
        Some(opener),
        args.web.clone(),
        Limits::default(),
    )?;
    state.data = Some(g.data());
    let state = Arc::new(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(server::serve(
        state,
        args.addr,
        (!args.no_warm).then_some(6..=13),
    ))?;
    Ok(())
}
