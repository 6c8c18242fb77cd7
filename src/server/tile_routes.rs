//! HTTP wiring of the vector tiles (`/tiles/areas/{z}/{x}/{y}.mvt`) and their TileJSON. The
//! tiles themselves, their cache and TileJSON's content belong to [`super::tiles`].

use super::error::{ApiError, ApiResult, Params, PathParams};
use super::state::AppState;
use super::tiles;
use super::work::blocking;
use crate::model::ErrorBody;
use crate::query::Filter;
use crate::tiles::{TileCoord, MAX_ZOOM};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use utoipa::IntoParams;

/// The query string of a tile request.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TileQuery {
    /// Filter; matching features get `selected: true`.
    #[serde(rename = "where", default)]
    pub filter: Option<String>,
}

/// TileJSON 3.0 for the `areas` tiles, with URLs on whatever host the client used.
#[utoipa::path(get, path = "/tiles/areas.json", tag = "tiles", summary = "TileJSON 3.0 for the areas tiles", responses((status = 200, description = "TileJSON 3.0", content_type = "application/json")))]
pub async fn tilejson(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Json<Value> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.len() < 256 && !h.contains(['/', '"', ' ']))
        .unwrap_or("127.0.0.1:8080");
    let a = &s.atlas;
    let b = a.bounds();
    let mut fields = serde_json::Map::new();
    fields.insert("code".into(), json!("LSOA 2011 code"));
    fields.insert("name".into(), json!("LSOA 2011 name"));
    fields.insert("district".into(), json!("Local authority district (2019)"));
    fields.insert(
        "selected".into(),
        json!("Boolean: matches the ?where filter (only when one is given)"),
    );
    for l in a.layers.iter().filter(|l| l.values.is_numeric()) {
        fields.insert(
            l.meta.id.clone(),
            json!(format!("{} ({})", l.meta.title, l.meta.unit)),
        );
    }
    let attribution = a
        .sources
        .iter()
        .map(|u| u.attribution.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join("; ");
    Json(json!({
        "tilejson": "3.0.0",
        "name": format!("needsmap areas ({})", a.region),
        "tiles": [format!("http://{host}/tiles/areas/{{z}}/{{x}}/{{y}}.mvt")],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": b,
        "center": [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0, 9],
        "vector_layers": [{ "id": tiles::AREAS_LAYER, "description": "LSOA 2011 polygons with every numeric layer", "minzoom": 0, "maxzoom": MAX_ZOOM, "fields": fields }],
        "attribution": attribution,
    }))
}

/// One vector tile. axum matches `{y}` with its `.mvt` (one parameter per segment), so the
/// handler strips it; the document names the full path (see `routes_with_suffix`).
#[utoipa::path(
    get,
    path = "/tiles/areas/{z}/{x}/{y}.mvt",
    tag = "tiles",
    summary = "Mapbox Vector Tile 2.1, source-layer `areas`; 204 when empty",
    params(
        ("z" = u8, Path, description = "Zoom 0..16"),
        ("x" = u32, Path, description = "Column 0..2^z-1"),
        ("y" = u32, Path, description = "Row 0..2^z-1"),
        TileQuery,
    ),
    responses(
        (status = 200, description = "A vector tile", content_type = "application/vnd.mapbox-vector-tile"),
        (status = 204, description = "No areas in this tile"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 400, description = "Bad tile address or filter", body = ErrorBody),
    )
)]
pub async fn tile(
    State(s): State<Arc<AppState>>,
    PathParams((z, x, y)): PathParams<(String, String, String)>,
    Params(q): Params<TileQuery>,
) -> ApiResult<Response> {
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(ApiError::not_found(
            "tiles are served as /tiles/areas/{z}/{x}/{y}.mvt",
        ));
    };
    let coord = TileCoord::parse_parts(&z, &x, y)?;
    let filter = match q.filter.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => {
            let f = Filter::parse(w)?;
            f.check(&*s.atlas)?;
            Some(f)
        }
        None => None,
    };
    let state = s.clone();
    let bytes = blocking(&s, move |_| Ok(state.tiles.tile(coord, filter.as_ref())?)).await?;
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(match bytes {
        None => (StatusCode::NO_CONTENT, [cache]).into_response(),
        Some(b) => {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            b.hash(&mut h);
            let tag = format!("\"{:016x}\"", h.finish());
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
                    ),
                    cache,
                    (header::ETAG, HeaderValue::from_str(&tag).expect("ascii")),
                ],
                Body::from(Bytes::from_owner(SharedBytes(b))),
            )
                .into_response()
        }
    })
}

struct SharedBytes(Arc<Vec<u8>>);
impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
