//! Vector tiles of the atlas: areas projected once, tiles encoded on demand, cached compressed.
//!
//! What a tile carries (CONTRACTS.md §A): per area, the MVT feature id = its 0-based index in the
//! atlas and the property `code`; then only the layers named in `?layers=` (so a map colouring by one
//! layer downloads one value per area, not ~45); `selected` with `?where=`. The page fetches the full
//! profile from `/api/areas/{code}` on click. How each zoom is drawn (simplification, sub-pixel
//! areas) is [`ZoomPolicy::for_zoom`]; see the `tiles` module docs for the design and its
//! measurements on England.
//!
//! Memory is bounded by two caches whose weights count everything an entry holds: the key (tile,
//! layer list and the `?where=` text, which can be kilobytes), the raw tile and room for its gzip and
//! brotli forms. Unfiltered tiles (a small, shared set) get [`TILE_CACHE_BYTES`]; filtered tiles
//! (unbounded in variety: anyone can invent a filter) live apart in [`FILTERED_CACHE_BYTES`], so
//! a flood of distinct filters can neither grow memory nor evict the tiles everyone shares.

use crate::atlas::layers::Values;
use crate::atlas::Atlas;
use crate::query::Filter;
use crate::selection::AreaRecord;
use crate::tiles::{
    tiles_covering, MercatorShape, PropValue, TileCoord, TileEncoder, TileError, TileFeature,
    TileLayer, ZoomPolicy, MAX_ZOOM,
};
use axum::body::Bytes;
use moka::sync::Cache;
use std::io::Write;
use std::sync::{Arc, OnceLock};

/// The source-layer name of the area polygons in every tile.
pub const AREAS_LAYER: &str = "areas";

/// Memory the cache of unfiltered tiles may use (keys, raw and compressed bytes).
pub const TILE_CACHE_BYTES: u64 = 256 * 1024 * 1024;
/// Memory the cache of `?where=`-filtered tiles may use: small, because filters are unbounded.
pub const FILTERED_CACHE_BYTES: u64 = 16 * 1024 * 1024;
/// Fixed cost charged per cache entry for the entry, its `Arc`s and moka's bookkeeping.
const ENTRY_OVERHEAD: u64 = 256;
/// The layer the start-up warm-up encodes: the page's first colouring (IMD 2019 decile).
pub const WARM_LAYER: &str = "imd_decile";
/// Most tiles the warm-up encodes.
pub const WARM_MAX_TILES: usize = 4096;
/// Brotli quality for tiles: 5 compresses MVT within a few percent of 11 at a fraction of the time.
const BROTLI_QUALITY: u32 = 5;

/// A content coding of a tile body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Br,
}

impl Coding {
    /// The best coding a client accepts (`Accept-Encoding`): br, then gzip, then none. Honours
    /// `q=0` refusals.
    pub fn negotiate(accept_encoding: Option<&str>) -> Coding {
        let Some(h) = accept_encoding else {
            return Coding::Identity;
        };
        let mut gzip = false;
        let mut br = false;
        for item in h.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                })
                .next()
                .unwrap_or(1.0);
            if q <= 0.0 {
                continue;
            }
            match name.as_str() {
                "br" => br = true,
                "gzip" | "x-gzip" => gzip = true,
                "*" => gzip = true,
                _ => {}
            }
        }
        if br {
            Coding::Br
        } else if gzip {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }

    /// The `Content-Encoding` value, `None` for identity.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Br => Some("br"),
        }
    }
}

/// One cached tile: the raw MVT, its ETag, and its gzip and brotli forms, each made at most once
/// (on the first request that accepts it), so a cache hit costs no compression.
#[derive(Debug)]
pub struct CachedTile {
    raw: Option<Bytes>,
    etag: String,
    gzip: OnceLock<Bytes>,
    br: OnceLock<Bytes>,
}

impl CachedTile {
    fn new(raw: Option<Vec<u8>>) -> CachedTile {
        let etag = raw
            .as_deref()
            .map(|b| format!("\"{:016x}\"", fnv1a(b)))
            .unwrap_or_default();
        CachedTile {
            raw: raw.map(Bytes::from),
            etag,
            gzip: OnceLock::new(),
            br: OnceLock::new(),
        }
    }

    /// The uncompressed tile, `None` when it has no feature (served as 204).
    pub fn raw(&self) -> Option<&Bytes> {
        self.raw.as_ref()
    }

    /// Strong ETag of the tile content (quoted), empty for an empty tile.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// The body in `coding`, compressing on first use.
    pub fn body(&self, coding: Coding) -> Option<Bytes> {
        let raw = self.raw.as_ref()?;
        Some(match coding {
            Coding::Identity => raw.clone(),
            Coding::Gzip => self.gzip.get_or_init(|| Bytes::from(gzip(raw))).clone(),
            Coding::Br => self.br.get_or_init(|| Bytes::from(brotli(raw))).clone(),
        })
    }

    /// Cache weight: every byte the entry can come to hold. Compressed forms are charged at the raw
    /// size up front (neither codec expands an MVT by more than a few bytes).
    fn weight(&self, key_bytes: usize) -> u32 {
        let raw = self.raw.as_ref().map(|b| b.len() as u64).unwrap_or(0);
        (key_bytes as u64 + 3 * raw + self.etag.len() as u64 + ENTRY_OVERHEAD).min(u32::MAX as u64)
            as u32
    }
}

/// Gzip (level 6) of a tile: what PMTiles archives store and what most clients accept.
pub fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 2 + 64),
        flate2::Compression::default(),
    );
    e.write_all(raw).expect("writing to memory");
    e.finish().expect("writing to memory")
}

fn brotli(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 2 + 64);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, 22);
        w.write_all(raw).expect("writing to memory");
    }
    out
}

/// FNV-1a, 64 bit: a stable content hash for ETags (std's `DefaultHasher` may change between
/// Rust releases, which would invalidate every client's cache on upgrade).
fn fnv1a(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= x as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// An unknown id in `?layers=`; the message lists the valid ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown layer {id:?}; valid: {}", valid.join(", "))]
pub struct UnknownLayer {
    pub id: String,
    pub valid: Vec<String>,
}

/// Which atlas layers a tile carries as properties, de-duplicated, in atlas order (so
/// `layers=a,b` and `layers=b,a,a` are one tile and one cache entry).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LayerPick(Vec<String>);

impl LayerPick {
    /// No layer: `code` only.
    pub fn none() -> LayerPick {
        LayerPick(Vec::new())
    }

    /// Every layer of the atlas (what an export with no `--layers` writes).
    pub fn all(atlas: &Atlas) -> LayerPick {
        LayerPick(atlas.layers.ids().map(str::to_string).collect())
    }

    /// Parses a comma-separated list of layer ids (blank items ignored) against the atlas.
    pub fn parse(atlas: &Atlas, text: &str) -> Result<LayerPick, UnknownLayer> {
        let mut wanted = Vec::new();
        for id in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if atlas.layers.get(id).is_none() {
                return Err(UnknownLayer {
                    id: id.chars().take(60).collect(),
                    valid: atlas.layers.ids().map(str::to_string).collect(),
                });
            }
            wanted.push(id);
        }
        Ok(LayerPick(
            atlas
                .layers
                .ids()
                .filter(|id| wanted.contains(id))
                .map(str::to_string)
                .collect(),
        ))
    }

    pub fn ids(&self) -> &[String] {
        &self.0
    }

    fn key(&self) -> String {
        self.0.join(",")
    }
}

type PlainKey = (TileCoord, String);
type FilteredKey = (TileCoord, String, String);

/// Encodes and caches the `areas` tiles of one atlas.
pub struct AreaTiles {
    atlas: Arc<Atlas>,
    shapes: Vec<MercatorShape>,
    plain: Cache<PlainKey, Arc<CachedTile>>,
    filtered: Cache<FilteredKey, Arc<CachedTile>>,
    policy: Arc<dyn Fn(u8) -> ZoomPolicy + Send + Sync>,
}

impl AreaTiles {
    pub fn new(atlas: Arc<Atlas>) -> Result<AreaTiles, TileError> {
        Self::with_budgets(atlas, TILE_CACHE_BYTES, FILTERED_CACHE_BYTES)
    }

    /// Same, with explicit cache budgets in bytes (tests use small ones).
    pub fn with_budgets(
        atlas: Arc<Atlas>,
        plain_bytes: u64,
        filtered_bytes: u64,
    ) -> Result<AreaTiles, TileError> {
        use rayon::prelude::*;
        // An atlas without boundaries has no shapes: its tile routes answer 404 with the reason
        // (see `tile_routes`) before asking for a tile.
        let shapes = atlas
            .areas
            .par_iter()
            .filter_map(|a| a.shape.as_ref())
            .map(|s| MercatorShape::from_lonlat_polygons(&s.polygon))
            .collect::<Result<Vec<_>, _>>()?;
        let plain = Cache::builder()
            .weigher(|k: &PlainKey, v: &Arc<CachedTile>| {
                v.weight(k.1.len() + std::mem::size_of::<PlainKey>())
            })
            .max_capacity(plain_bytes)
            .build();
        let filtered = Cache::builder()
            .weigher(|k: &FilteredKey, v: &Arc<CachedTile>| {
                v.weight(k.1.len() + k.2.len() + std::mem::size_of::<FilteredKey>())
            })
            .max_capacity(filtered_bytes)
            .build();
        Ok(AreaTiles {
            atlas,
            shapes,
            plain,
            filtered,
            policy: Arc::new(ZoomPolicy::for_zoom),
        })
    }

    /// The same tiles drawn with another zoom policy (for measuring alternatives; the server and
    /// the export use [`ZoomPolicy::for_zoom`]). Clears nothing: use it before serving.
    pub fn with_policy(
        mut self,
        policy: impl Fn(u8) -> ZoomPolicy + Send + Sync + 'static,
    ) -> AreaTiles {
        self.policy = Arc::new(policy);
        self
    }

    pub fn atlas(&self) -> &Atlas {
        &self.atlas
    }

    /// The tile for a coordinate carrying `layers`, with areas matching `filter` flagged `selected`.
    pub fn tile(
        &self,
        coord: TileCoord,
        layers: &LayerPick,
        filter: Option<&Filter>,
    ) -> Result<Arc<CachedTile>, TileError> {
        match filter {
            None => {
                let key = (coord, layers.key());
                if let Some(hit) = self.plain.get(&key) {
                    return Ok(hit);
                }
                let t = Arc::new(CachedTile::new(self.encode_uncached(coord, layers, None)?));
                self.plain.insert(key, t.clone());
                Ok(t)
            }
            Some(f) => {
                let key = (coord, layers.key(), f.to_string());
                if let Some(hit) = self.filtered.get(&key) {
                    return Ok(hit);
                }
                let t = Arc::new(CachedTile::new(self.encode_uncached(
                    coord,
                    layers,
                    Some(f),
                )?));
                self.filtered.insert(key, t.clone());
                Ok(t)
            }
        }
    }

    /// Weighted size of both caches after pending maintenance (bytes by the weigher's count).
    pub fn cache_weight(&self) -> (u64, u64) {
        self.plain.run_pending_tasks();
        self.filtered.run_pending_tasks();
        (self.plain.weighted_size(), self.filtered.weighted_size())
    }

    /// Encode a tile without the cache: what every cache miss costs (the benchmark measures this,
    /// the PMTiles export writes it).
    pub fn encode_uncached(
        &self,
        coord: TileCoord,
        layers: &LayerPick,
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
        let columns: Vec<(&str, &Values)> = layers
            .ids()
            .iter()
            .filter_map(|id| atlas.layers.get(id).map(|l| (id.as_str(), &l.values)))
            .collect();
        let mut layer = (self.policy)(coord.z()).apply(TileLayer::new(AREAS_LAYER));
        layer.features.reserve(hits.len());
        for i in hits {
            let a = &atlas.areas[i];
            let mut f = TileFeature::new(&self.shapes[i])
                .with_id(i as u64)
                .with_property("code", a.code.as_str());
            for (id, values) in &columns {
                match values {
                    Values::Number(v) => {
                        if let Some(x) = v[i].filter(|x| x.is_finite()) {
                            f = f.with_property(*id, number(x));
                        }
                    }
                    Values::Text(v) => {
                        if let Some(t) = &v[i] {
                            f = f.with_property(*id, t.as_str());
                        }
                    }
                }
            }
            if let Some(filter) = filter {
                f = f.with_property("selected", filter.matches(&AreaRecord { atlas, index: i }));
            }
            layer.push(f);
        }
        TileEncoder::new().encode(coord, &[layer])
    }

    /// Pre-encode the region's tiles for `zooms` into the cache, in parallel, as the page first asks
    /// for them (`?layers=` [`WARM_LAYER`], no filter). Zooms are taken in order while the total
    /// stays within [`WARM_MAX_TILES`], so England warms its low zooms, not 80,000 tiles. Returns
    /// the number of tiles encoded.
    pub fn warm(&self, zooms: std::ops::RangeInclusive<u8>) -> usize {
        use rayon::prelude::*;
        let pick = LayerPick::parse(&self.atlas, WARM_LAYER).unwrap_or_default();
        let mut coords = Vec::new();
        for z in zooms {
            let more = self.covering(z..=z);
            if !coords.is_empty() && coords.len() + more.len() > WARM_MAX_TILES {
                break;
            }
            coords.extend(more);
        }
        coords.par_iter().for_each(|c| {
            let _ = self.tile(*c, &pick, None);
        });
        coords.len()
    }

    /// Tiles covering the region's bounds at the given zooms.
    pub fn covering(&self, zooms: std::ops::RangeInclusive<u8>) -> Vec<TileCoord> {
        if self.atlas.unmapped.is_some() {
            return Vec::new();
        }
        let [w, s, e, n] = self.atlas.bounds();
        zooms
            .filter(|z| *z <= MAX_ZOOM)
            .filter_map(|z| tiles_covering((w, s, e, n), z).ok())
            .flat_map(|range| range.into_iter().collect::<Vec<_>>())
            .collect()
    }
}

/// The scheme and host clients reach this server at, e.g. `https://maps.example.org`, from a reverse
/// proxy's `Forwarded` (RFC 7239) or `X-Forwarded-Proto`/`X-Forwarded-Host` headers, else `Host`;
/// empty (so URLs stay relative to the request) when no usable host is known. Values are checked so
/// a forged header cannot inject anything but a host name into the URL.
pub fn public_base(headers: &axum::http::HeaderMap) -> String {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let mut proto: Option<String> = None;
    let mut host: Option<String> = None;
    if let Some(fwd) = text("forwarded") {
        // First element = the proxy nearest the client; pairs are `key=value` separated by `;`.
        for pair in fwd.split(',').next().unwrap_or("").split(';') {
            if let Some((k, v)) = pair.split_once('=') {
                let v = v.trim().trim_matches('"').to_string();
                match k.trim().to_ascii_lowercase().as_str() {
                    "proto" => proto = Some(v),
                    "host" => host = Some(v),
                    _ => {}
                }
            }
        }
    }
    let first = |v: &str| v.split(',').next().unwrap_or("").trim().to_string();
    proto = proto.or_else(|| text("x-forwarded-proto").map(first));
    host = host
        .or_else(|| text("x-forwarded-host").map(first))
        .or_else(|| text("host").map(str::to_string));
    let proto = proto
        .map(|p| p.to_ascii_lowercase())
        .filter(|p| p == "http" || p == "https")
        .unwrap_or_else(|| "http".into());
    let valid_host = |h: &str| {
        !h.is_empty()
            && h.len() < 256
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b))
    };
    match host.filter(|h| valid_host(h)) {
        Some(h) => format!("{proto}://{h}"),
        None => String::new(),
    }
}

/// TileJSON 3.0 of the `areas` tiles, tile URLs under `base` (see [`public_base`]; empty gives a
/// root-relative URL). `vector_layers[0].fields` lists `code`, `selected` and every id usable in
/// `?layers=`; the PMTiles export writes the same document as its metadata.
pub fn tilejson(atlas: &Atlas, base: &str) -> serde_json::Value {
    use serde_json::json;
    let b = atlas.bounds();
    json!({
        "tilejson": "3.0.0",
        "name": format!("needsmap areas ({})", atlas.region),
        "description": "LSOA 2011 polygons. Feature id = the area's index in the atlas; add ?layers=ID[,ID...] for values, ?where=FILTER for `selected`.",
        "tiles": [format!("{base}/tiles/areas/{{z}}/{{x}}/{{y}}.mvt")],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": b,
        "center": [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, 9],
        "vector_layers": [vector_layer(atlas)],
        "attribution": attribution(atlas),
    })
}

/// [`tilejson`] of a vintage's atlas as the server offers it: the tile URL carries `?vintage=` when
/// `named` (the request named one), and the descriptions name the vintage's geography.
pub fn tilejson_of_vintage(
    atlas: &Atlas,
    vintage: crate::vintage::Vintage,
    named: bool,
    base: &str,
) -> serde_json::Value {
    use serde_json::json;
    let mut doc = tilejson(atlas, base);
    let geography = vintage.geography().label();
    let relabel = |v: &mut serde_json::Value| {
        if let Some(text) = v.as_str() {
            *v = json!(text.replace("LSOA 2011", geography));
        }
    };
    if named {
        doc["tiles"] = json!([format!(
            "{base}/tiles/areas/{{z}}/{{x}}/{{y}}.mvt?vintage={vintage}"
        )]);
    }
    doc["name"] = json!(format!(
        "needsmap areas ({}, {})",
        atlas.region,
        vintage.title()
    ));
    relabel(&mut doc["description"]);
    if let Some(layer) = doc["vector_layers"].get_mut(0) {
        relabel(&mut layer["description"]);
        relabel(&mut layer["fields"]["code"]);
    }
    doc
}

/// The `areas` entry of TileJSON `vector_layers` (also the PMTiles metadata).
pub fn vector_layer(atlas: &Atlas) -> serde_json::Value {
    use serde_json::json;
    let mut fields = serde_json::Map::new();
    fields.insert(
        "code".into(),
        json!("String: LSOA 2011 code (always present)"),
    );
    fields.insert(
        "selected".into(),
        json!("Boolean: matches the ?where filter (only when one is given)"),
    );
    for l in atlas.layers.iter() {
        let kind = if l.values.is_numeric() {
            "Number"
        } else {
            "String"
        };
        fields.insert(
            l.meta.id.clone(),
            json!(format!(
                "{kind}: {} ({}); only with ?layers={}",
                l.meta.title, l.meta.unit, l.meta.id
            )),
        );
    }
    json!({ "id": AREAS_LAYER, "description": "LSOA 2011 polygons; areas under a pixel are drawn as pixel squares", "minzoom": 0, "maxzoom": MAX_ZOOM, "fields": fields })
}

/// Every source's attribution, once each, joined with "; ".
pub fn attribution(atlas: &Atlas) -> String {
    atlas
        .sources
        .iter()
        .map(|u| u.attribution.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join("; ")
}

/// A layer value as an MVT value: whole numbers (ranks, deciles, counts) as `sint64`, which takes
/// 1–4 bytes instead of a double's 9; others as doubles rounded to 3 decimals like every answer.
fn number(x: f64) -> PropValue<'static> {
    let r = crate::report::round3(x);
    if r.fract() == 0.0 && r.abs() < 9.0e15 {
        PropValue::Int(r as i64)
    } else {
        PropValue::Double(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiation_prefers_br_and_honours_q0() {
        assert_eq!(Coding::negotiate(None), Coding::Identity);
        assert_eq!(Coding::negotiate(Some("gzip, deflate, br")), Coding::Br);
        assert_eq!(Coding::negotiate(Some("gzip, br;q=0")), Coding::Gzip);
        assert_eq!(Coding::negotiate(Some("identity")), Coding::Identity);
        assert_eq!(Coding::negotiate(Some("GZIP;q=0.5")), Coding::Gzip);
        assert_eq!(
            Coding::negotiate(Some("br;q=0, gzip;q=0")),
            Coding::Identity
        );
    }

    #[test]
    fn compressed_bodies_round_trip_and_are_made_once() {
        use std::io::Read;
        let raw: Vec<u8> = (0..10_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let t = CachedTile::new(Some(raw.clone()));
        let g = t.body(Coding::Gzip).unwrap();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&g[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, raw);
        let b = t.body(Coding::Br).unwrap();
        let mut back = Vec::new();
        brotli::Decompressor::new(&b[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, raw);
        // The second call hands out the same allocation: no second compression.
        assert_eq!(t.body(Coding::Br).unwrap().as_ptr(), b.as_ptr());
        assert!(t.weight(10) as usize >= raw.len() + g.len() + b.len() + 10);
    }

    #[test]
    fn public_base_honours_proxies_and_rejects_junk() {
        use axum::http::{HeaderMap, HeaderValue};
        let h = |pairs: &[(&'static str, &'static str)]| {
            let mut m = HeaderMap::new();
            for (k, v) in pairs {
                m.insert(*k, HeaderValue::from_static(v));
            }
            public_base(&m)
        };
        assert_eq!(h(&[]), "");
        assert_eq!(h(&[("host", "127.0.0.1:8080")]), "http://127.0.0.1:8080");
        assert_eq!(
            h(&[("host", "in:1"), ("x-forwarded-proto", "https")]),
            "https://in:1"
        );
        assert_eq!(
            h(&[
                ("host", "in:1"),
                ("x-forwarded-proto", "https, http"),
                ("x-forwarded-host", "maps.example.org")
            ]),
            "https://maps.example.org"
        );
        assert_eq!(
            h(&[
                ("host", "in:1"),
                (
                    "forwarded",
                    "for=1.2.3.4;proto=https;host=\"a.example\", for=5.6.7.8"
                )
            ]),
            "https://a.example"
        );
        assert_eq!(
            h(&[("host", "in:1"), ("x-forwarded-proto", "javascript")]),
            "http://in:1"
        );
        assert_eq!(h(&[("host", "evil.example/\"><script>")]), "");
    }

    #[test]
    fn whole_numbers_become_integers() {
        assert_eq!(number(7.0), PropValue::Int(7));
        assert_eq!(number(-3.0), PropValue::Int(-3));
        assert_eq!(number(1.23456), PropValue::Double(1.235));
    }
}
