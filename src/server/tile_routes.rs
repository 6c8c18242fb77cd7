//! HTTP wiring of the vector tiles (`/tiles/areas/{z}/{x}/{y}.mvt`) and their TileJSON. The
//! tiles themselves, their cache and TileJSON's content belong to [`super::tiles`].

use super::error::{ApiError, ApiResult, Params, PathParams};
use super::middleware::matches_etag;
use super::state::AppState;
use super::tiles;
use super::vintage::{filter_error, layer_error, InVintage, VintageQuery};
use super::work::blocking;
use crate::model::ErrorBody;
use crate::query::Filter;
use crate::tiles::TileCoord;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use utoipa::IntoParams;

/// The query string of a tile request.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TileQuery {
    /// Filter; matching features get `selected: true`.
    #[serde(rename = "where", default)]
    pub filter: Option<String>,
    /// Comma-separated layer ids to add as properties (see TileJSON `fields`); unknown ids are a
    /// 400 `bad_layer`. Without it a feature carries its id and `code` only.
    #[serde(default)]
    pub layers: Option<String>,
}

/// TileJSON 3.0 for the `areas` tiles (built in [`tiles::tilejson`]), with tile URLs on the host
/// and scheme the client used, as told by a reverse proxy (`Forwarded`, `X-Forwarded-*`).
/// When the request names a vintage, the tile URL carries it, so a map drawn from this document
/// asks for that vintage's tiles whatever the server's default.
#[utoipa::path(
    get,
    path = "/tiles/areas.json",
    tag = "tiles",
    summary = "TileJSON 3.0 for the areas tiles of a vintage",
    params(VintageQuery),
    responses(
        (status = 200, description = "TileJSON 3.0", content_type = "application/json"),
        (status = 400, description = "Unknown vintage", body = ErrorBody),
        (status = 404, description = "The vintage has no boundaries for this region (`no_boundaries`, naming the source and its download)", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
    )
)]
pub async fn tilejson(
    InVintage(v): InVintage,
    uri: Uri,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    v.atlas.mapped()?;
    let named = matches!(super::vintage::asked(&uri), Ok(Some(_)));
    Ok(Json(tiles::tilejson_of_vintage(
        &v.atlas,
        v.vintage,
        named,
        &tiles::public_base(&headers),
    )))
}

/// One vector tile. axum matches `{y}` with its `.mvt` (one parameter per segment), so the
/// handler strips it; the document names the full path (see `routes_with_suffix`).
#[utoipa::path(
    get,
    path = "/tiles/areas/{z}/{x}/{y}.mvt",
    tag = "tiles",
    summary = "Mapbox Vector Tile 2.1, source-layer `areas`: feature id = area index, `code`, the layers asked for; 204 when empty",
    params(
        ("z" = u8, Path, description = "Zoom 0..14 (clients over-zoom beyond)"),
        ("x" = u32, Path, description = "Column 0..2^z-1"),
        ("y" = u32, Path, description = "Row 0..2^z-1"),
        TileQuery,
        VintageQuery,
    ),
    responses(
        (status = 200, description = "A vector tile", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "No areas in this tile"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Bad tile address, vintage, layer (one not in the vintage) or filter", body = ErrorBody),
        (status = 404, description = "The vintage has no boundaries for this region (`no_boundaries`, naming the source and its download)", body = ErrorBody),
        (status = 503, description = "The vintage asked for could not be opened", body = ErrorBody),
    )
)]
pub async fn tile(
    State(s): State<Arc<AppState>>,
    PathParams((z, x, y)): PathParams<(String, String, String)>,
    headers: HeaderMap,
    Params(q): Params<TileQuery>,
    InVintage(v): InVintage,
) -> ApiResult<Response> {
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(ApiError::not_found(
            "tiles are served as /tiles/areas/{z}/{x}/{y}.mvt",
        ));
    };
    let coord = TileCoord::parse_parts(&z, &x, y)?;
    v.atlas.mapped()?;
    let layers = tiles::LayerPick::parse(&v.atlas, q.layers.as_deref().unwrap_or(""))
        .map_err(|e| layer_error(e, &v.atlas))?;
    let filter = match q.filter.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => {
            let f = Filter::parse(w)?;
            f.check(&*v.atlas).map_err(|e| filter_error(e, &v.atlas))?;
            Some(f)
        }
        None => None,
    };
    let coding = tiles::Coding::negotiate(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let inm = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (etag, body) = blocking(&s, move |_| {
        let t = v.tiles.tile(coord, &layers, filter.as_ref())?;
        // The vintage is part of the tag: the same tile address is another tile in another year.
        let etag = tile_etag(v.vintage, t.etag());
        // A client that has the tile gets 304 without the body being touched (or compressed).
        let fresh = t.raw().is_some() && matches_etag(inm.as_deref(), &etag);
        Ok((etag, if fresh { None } else { t.body(coding) }))
    })
    .await?;
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    let vary = (header::VARY, HeaderValue::from_static("accept-encoding"));
    if etag.is_empty() {
        return Ok((StatusCode::NO_CONTENT, [cache]).into_response());
    }
    let tag = (header::ETAG, HeaderValue::from_str(&etag).expect("ascii"));
    let Some(body) = body else {
        return Ok((StatusCode::NOT_MODIFIED, [cache, vary, tag]).into_response());
    };
    let mut r = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
            ),
            cache,
            vary,
            tag,
        ],
        Body::from(body),
    )
        .into_response();
    if let Some(enc) = coding.header() {
        // Already compressed: the CompressionLayer leaves responses with a Content-Encoding alone.
        r.headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    Ok(r)
}

/// A tile's ETag under a vintage: `"2025-<content hash>"`; empty for an empty tile.
fn tile_etag(vintage: crate::vintage::Vintage, content: &str) -> String {
    if content.is_empty() {
        return String::new();
    }
    format!("\"{vintage}-{}\"", content.trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vintage::Vintage;

    #[test]
    fn tile_tags_name_the_vintage() {
        assert_eq!(tile_etag(Vintage::V2025, "\"00ff\""), "\"2025-00ff\"");
        assert_ne!(
            tile_etag(Vintage::V2019, "\"00ff\""),
            tile_etag(Vintage::V2025, "\"00ff\"")
        );
        assert_eq!(tile_etag(Vintage::V2025, ""), "");
    }
}
