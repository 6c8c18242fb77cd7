//! needsmap: where help for children and families is most needed, and how far people are from a GP.
//!
//! The data flows through the modules in order: [`sources`] reads the official files, [`atlas`]
//! holds a region's areas, layers and spatial index, [`travel`] routes on OpenStreetMap networks,
//! [`overlay`] computes GP-access layers in parallel, [`query`] filters and sorts areas
//! ([`selection`] applies it to the atlas), [`tiles`] encodes vector tiles, [`report`] writes
//! JSON/CSV/GeoJSON and [`server`] serves it all over HTTP.

// ODS dates are written YYYY_MM_DD on purpose; load-time errors carry paths and rows, so their
// size does not matter on any hot path.
#![allow(clippy::inconsistent_digit_grouping, clippy::result_large_err)]

pub mod atlas;
pub mod export;
pub mod geodesy;
pub mod locality;
pub mod model;
pub mod overlay;
pub mod pt_access;
pub mod query;
pub mod report;
pub mod selection;
pub mod server;
pub mod sources;
pub mod summary;
pub mod tiles;
pub mod travel;
pub mod vintage;

pub use atlas::{Atlas, AtlasError, Region};
pub use sources::DataDir;

/// Load a region with every layer, including the GP-access layers (routed on `network`, or on
/// the region's OSM extract when it is in the data directory, otherwise estimated).
pub fn load_with_overlays(
    data: &DataDir,
    region: &Region,
    network: Option<&std::path::Path>,
) -> Result<Atlas, overlay::OverlayError> {
    load_with_networks(data, region, network).map(|(atlas, _)| atlas)
}

/// [`load_with_overlays`], also handing back the road networks the GP-access layers were routed
/// on (`None` when they are estimated), so a scenario routes on the same graphs without parsing
/// the OSM file a second time.
pub fn load_with_networks(
    data: &DataDir,
    region: &Region,
    network: Option<&std::path::Path>,
) -> Result<(Atlas, Option<travel::Networks>), overlay::OverlayError> {
    load_vintage_with_networks(data, region, vintage::Vintage::V2019, network)
}

/// [`load_with_overlays`] for any vintage: the vintage's areas and layers (IoD2019 on LSOA 2011,
/// or IoD2025 on LSOA 2021 with the change since 2019), then the same GP sites and GP-access
/// layers for both.
pub fn load_vintage_with_overlays(
    data: &DataDir,
    region: &Region,
    vintage: vintage::Vintage,
    network: Option<&std::path::Path>,
) -> Result<Atlas, overlay::OverlayError> {
    load_vintage_with_networks(data, region, vintage, network).map(|(atlas, _)| atlas)
}

/// [`load_with_networks`] for any vintage.
pub fn load_vintage_with_networks(
    data: &DataDir,
    region: &Region,
    vintage: vintage::Vintage,
    network: Option<&std::path::Path>,
) -> Result<(Atlas, Option<travel::Networks>), overlay::OverlayError> {
    let mut atlas = match vintage {
        vintage::Vintage::V2019 => Atlas::load(data, region)?,
        vintage::Vintage::V2025 => atlas::v2025::load(data, region)?,
    };
    let networks = match overlay::network_path(data, network)? {
        Some(path) => Some((overlay::read_networks(&path)?, path)),
        None => None,
    };
    let basis = overlay::add_gp_access_layers_on(
        &mut atlas,
        data,
        networks.as_ref().map(|(n, p)| (p.as_path(), n)),
    )?;
    tracing::info!(?basis, "GP-access layers added");
    Ok((atlas, networks.map(|(n, _)| n)))
}

/// Open the region's compiled atlas for a vintage (every layer, GP sites, the region's postcodes),
/// building it with [`load_with_overlays`] and writing its snapshot when the snapshot is missing,
/// stale or damaged. See [`atlas::snapshot`]. `force` rebuilds it unconditionally (`needsmap build`).
pub fn open_atlas(
    data: &DataDir,
    region: &Region,
    vintage: vintage::Vintage,
    network: Option<&std::path::Path>,
    force: bool,
) -> Result<atlas::snapshot::Opened, overlay::OverlayError> {
    atlas::snapshot::open_or_build(data, region, vintage, network, force, || {
        load_vintage_with_overlays(data, region, vintage, network)
    })
}
