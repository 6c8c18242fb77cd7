//! Vector tiles of the atlas: areas projected once, tiles encoded on demand and cached.

use crate::atlas::layers::Values;
use crate::atlas::Atlas;
use crate::query::Filter;
use crate::selection::AreaRecord;
use crate::tiles::{
    tiles_covering, MercatorShape, PropValue, TileCoord, TileEncoder, TileError, TileFeature,
    TileLayer, MAX_ZOOM,
};
use moka::sync::Cache;
use std::sync::Arc;

/// The source-layer name of the area polygons in every tile.
pub const AREAS_LAYER: &str = "areas";

/// Tile bytes, or `None` for a tile with nothing in it (served as 204).
pub type TileBytes = Option<Arc<Vec<u8>>>;

/// Encodes and caches the `areas` tiles of one atlas.
pub struct AreaTiles {
    atlas: Arc<Atlas>,
    shapes: Vec<MercatorShape>,
    cache: Cache<(TileCoord, String), TileBytes>,
}

/// Memory the tile cache may use (bytes of encoded tiles).
pub const TILE_CACHE_BYTES: u64 = 256 * 1024 * 1024;

impl AreaTiles {
    pub fn new(atlas: Arc<Atlas>) -> Result<AreaTiles, TileError> {
        let shapes = atlas
            .areas
            .iter()
            .map(|a| MercatorShape::from_lonlat_polygons(&a.polygon))
            .collect::<Result<Vec<_>, _>>()?;
        let cache = Cache::builder()
            .weigher(|_k: &(TileCoord, String), v: &TileBytes| {
                v.as_ref()
                    .map(|b| b.len() as u32)
                    .unwrap_or(0)
                    .saturating_add(64)
            })
            .max_capacity(TILE_CACHE_BYTES)
            .build();
        Ok(AreaTiles {
            atlas,
            shapes,
            cache,
        })
    }

    /// The tile for a coordinate, with areas matching `filter` flagged `selected`.
    pub fn tile(&self, coord: TileCoord, filter: Option<&Filter>) -> Result<TileBytes, TileError> {
        let key = (coord, filter.map(|f| f.to_string()).unwrap_or_default());
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit);
        }
        let bytes = self.encode_uncached(coord, filter)?.map(Arc::new);
        self.cache.insert(key, bytes.clone());
        Ok(bytes)
    }

    /// Encode a tile without the cache: what every cache miss costs (the benchmark measures this).
    pub fn encode_uncached(
        &self,
        coord: TileCoord,
        filter: Option<&Filter>,
    ) -> Result<Option<Vec<u8>>, TileError> {
        let atlas = &*self.atlas;
        let (w, s, e, n) = coord.bounds_lonlat();
        // Widen by the buffer (64/4096 of a tile) so features just outside still draw their edges.
        let pad_x = (e - w) * 0.02;
        let pad_y = (n - s) * 0.02;
        let hits = atlas.in_bbox(w - pad_x, s - pad_y, e + pad_x, n + pad_y);
        if hits.is_empty() {
            return Ok(None);
        }
        let numeric: Vec<(&str, &Vec<Option<f64>>)> = atlas
            .layers
            .iter()
            .filter_map(|l| match &l.values {
                Values::Number(v) => Some((l.meta.id.as_str(), v)),
                Values::Text(_) => None,
            })
            .collect();
        let mut layer = TileLayer::new(AREAS_LAYER);
        for i in hits {
            let a = &atlas.areas[i];
            let mut f = TileFeature::new(&self.shapes[i])
                .with_id(i as u64 + 1)
                .with_property("code", a.code.as_str())
                .with_property("name", a.name.as_str())
                .with_property("district", a.district.as_str());
            for (id, values) in &numeric {
                if let Some(v) = values[i] {
                    f = f.with_property(*id, PropValue::Double(crate::report::round3(v)));
                }
            }
            if let Some(filter) = filter {
                f = f.with_property("selected", filter.matches(&AreaRecord { atlas, index: i }));
            }
            layer.push(f);
        }
        TileEncoder::new().encode(coord, &[layer])
    }

    /// Encode every tile covering the region for zooms `zooms`, in parallel: the start-up warm-up
    /// and the benchmark use it. Returns the number of tiles.
    pub fn warm(&self, zooms: std::ops::RangeInclusive<u8>) -> usize {
        use rayon::prelude::*;
        let coords = self.covering(zooms);
        coords.par_iter().for_each(|c| {
            let _ = self.tile(*c, None);
        });
        coords.len()
    }

    /// Tiles covering the region's bounds at the given zooms.
    pub fn covering(&self, zooms: std::ops::RangeInclusive<u8>) -> Vec<TileCoord> {
        let [w, s, e, n] = self.atlas.bounds();
        zooms
            .filter(|z| *z <= MAX_ZOOM)
            .filter_map(|z| tiles_covering((w, s, e, n), z).ok())
            .flat_map(|range| range.into_iter().collect::<Vec<_>>())
            .collect()
    }
}
