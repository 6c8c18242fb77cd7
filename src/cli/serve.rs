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
    // Scenarios route on the network the GP layers were routed on, when there is one.
    let networks = match needsmap::overlay::network_path(&g.data(), g.network.as_deref())? {
        Some(path) => Some(needsmap::overlay::read_networks(&path)?),
        None => None,
    };
    let mut state = AppState::with_vintages(
        g.vintage,
        atlas,
        Some(opener),
        args.web.clone(),
        Limits {
            request_timeout: std::time::Duration::from_secs(args.request_timeout),
            ..Limits::default()
        },
    )?
    .with_networks(networks)
    .with_wards(ward_boundaries(g))
    .with_basemap_style(args.basemap_style.clone());
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

/// The county's May 2025 wards, for name labels; none (with a note in the log) when the file is
/// not in the data directory or its mirror.
fn ward_boundaries(g: &Global) -> Vec<needsmap::sources::boundaries::Boundary> {
    let mut data = g.data();
    data.allow_download = false;
    let read = match data.require(WARDS) {
        Ok(path) => {
            needsmap::sources::boundaries::read_geojson_keyed(&path, "WD25CD", "WD25NM", &[], None)
        }
        Err(e) => Err(e),
    };
    match read {
        Ok(wards) => wards.into_iter().map(|(b, _)| b).collect(),
        Err(e) => {
            tracing::info!(error = %e, "no ward labels");
            Vec::new()
        }
    }
}

/// The manifest id of the ward boundaries.
const WARDS: &str = needsmap::atlas::layers::catalogue::source::WARDS_WD25;
