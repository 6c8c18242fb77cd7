//! The HTTP server: a thin axum layer over the atlas, the query language, reports and tiles.
//! Read-only by construction: no handler writes anything.

pub mod openapi;
pub mod tiles;

use crate::atlas::{Atlas, AtlasError};
use crate::query::{Filter, QueryError};
use crate::report::{self, Format};
use crate::selection::AreaQuery;
use crate::tiles::{TileCoord, TileError, MAX_ZOOM};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// Longest accepted request target (path + query); longer gets 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest accepted request body; GET-only, so anything bigger is 413.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Time one request may take before 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Shared, read-only state of a running server.
pub struct AppState {
    pub atlas: Arc<Atlas>,
    pub tiles: tiles::AreaTiles,
    pub web_dir: PathBuf,
    districts: OnceLock<Value>,
}

impl AppState {
    pub fn new(atlas: Arc<Atlas>, web_dir: PathBuf) -> Result<AppState, TileError> {
        Ok(AppState {
            tiles: tiles::AreaTiles::new(atlas.clone())?,
            atlas,
            web_dir,
            districts: OnceLock::new(),
        })
    }
}

/// The error body every endpoint uses: `{ "error": kind, "detail": sentence, "column"?: n }`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub error: &'static str,
    pub detail: String,
    pub column: Option<usize>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error,
            detail: detail.into(),
            column: None,
        }
    }
    fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.error, "detail": self.detail });
        if let Some(c) = self.column {
            body["column"] = json!(c);
        }
        (
            self.status,
            [(header::CACHE_CONTROL, "no-store")],
            Json(body),
        )
            .into_response()
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            error: "bad_filter",
            detail: e.to_string(),
            column: e.column(),
        }
    }
}

impl From<AtlasError> for ApiError {
    fn from(e: AtlasError) -> ApiError {
        match e {
            AtlasError::UnknownArea(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            AtlasError::Postcode(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_postcode", e.to_string())
            }
            AtlasError::PostcodeNotFound(_) | AtlasError::OutsideRegion { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            other => {
                tracing::error!(error = %other, "data error while answering");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not read its data; see its log",
                )
            }
        }
    }
}

impl From<TileError> for ApiError {
    fn from(e: TileError) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_tile", e.to_string())
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Build the router with every endpoint and the middleware stack.
pub fn router(state: Arc<AppState>) -> Router {
    let web = state.web_dir.clone();
    let vendor = web.join("node_modules/maplibre-gl/dist");
    let public = web.join("public");
    let api = Router::new()
        .route("/healthz", get(healthz))
        .route("/api/layers", get(layers))
        .route("/api/areas", get(areas))
        .route("/api/areas/{code}", get(area))
        .route("/api/postcode/{postcode}", get(postcode))
        .route("/api/gp-sites", get(gp_sites))
        .route("/api/districts", get(districts))
        .route("/api/openapi.json", get(openapi_doc))
        .route("/tiles/areas.json", get(tilejson))
        .route("/tiles/areas/{z}/{x}/{y}", get(tile))
        .route("/api/{*rest}", get(api_not_found))
        .nest_service("/vendor/maplibre-gl", ServeDir::new(vendor))
        .route_service("/", ServeFile::new(public.join("index.html")))
        .fallback_service(
            ServeDir::new(public).not_found_service(axum::routing::any(static_not_found)),
        )
        .with_state(state);
    api.layer(middleware::from_fn(etag))
        .layer(CompressionLayer::new())
        .layer(
            CorsLayer::new()
                .allow_methods([Method::GET, Method::HEAD])
                .allow_origin(Any)
                .expose_headers([header::ETAG]),
        )
        .layer(middleware::from_fn(guard))
        .layer(TraceLayer::new_for_http())
}

/// Bounds on every request: GET/HEAD only, URI and body size, and a time limit.
async fn guard(req: Request, next: Next) -> Response {
    if req.uri().to_string().len() > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request target is longer than {MAX_URI_BYTES} bytes"),
        )
        .into_response();
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    if declared > MAX_BODY_BYTES {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes; this API only reads"),
        )
        .into_response();
    }
    if req.method() != Method::GET
        && req.method() != Method::HEAD
        && req.method() != Method::OPTIONS
    {
        let mut r = ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!(
                "{} is not allowed: this service is read-only (GET)",
                req.method()
            ),
        )
        .into_response();
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the request took too long",
        )
        .into_response(),
    }
}

/// Weak ETags on successful responses (weak because compression changes the bytes, not the
/// meaning) and 304 when the client already has them.
async fn etag(req: Request, next: Next) -> Response {
    let inm = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let tag = match parts.headers.get(header::ETAG) {
        Some(t) => t.to_str().unwrap_or("").to_string(),
        None => {
            let bytes: Bytes = match axum::body::to_bytes(body, 64 * 1024 * 1024).await {
                Ok(b) => b,
                Err(_) => {
                    return ApiError::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "internal",
                        "response too large",
                    )
                    .into_response()
                }
            };
            let tag = format!("W/\"{:016x}\"", hash_bytes(&bytes));
            parts
                .headers
                .insert(header::ETAG, HeaderValue::from_str(&tag).expect("ascii"));
            if matches_etag(inm.as_deref(), &tag) {
                return not_modified(parts.headers);
            }
            return Response::from_parts(parts, Body::from(bytes));
        }
    };
    if matches_etag(inm.as_deref(), &tag) {
        return not_modified(parts.headers);
    }
    Response::from_parts(parts, body)
}

fn not_modified(headers: HeaderMap) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    for key in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        if let Some(v) = headers.get(&key) {
            r.headers_mut().insert(key, v.clone());
        }
    }
    r
}

fn matches_etag(if_none_match: Option<&str>, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match.is_some_and(|h| {
        h.split(',')
            .any(|t| t.trim() == "*" || bare(t) == bare(tag))
    })
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    b.hash(&mut h);
    h.finish()
}

async fn api_not_found(Path(rest): Path<String>) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!(
            "no endpoint /api/{}; see /api/openapi.json",
            rest.chars().take(80).collect::<String>()
        ),
    )
}

async fn static_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such page or file")
}

async fn healthz(State(s): State<Arc<AppState>>) -> Json<Value> {
    let a = &s.atlas;
    Json(json!({
        "status": "ok",
        "region": a.region.to_string(),
        "areas": a.areas.len(),
        "gp_sites": a.gp_sites.len(),
        "sources": a.sources.iter().map(|u| json!({ "id": u.id, "vintage": u.vintage, "licence": u.licence })).collect::<Vec<_>>(),
        "gp_access": a.layers.iter().filter(|l| l.meta.group == crate::atlas::layers::Group::GpAccess).map(|l| json!({ "id": l.meta.id, "method": l.meta.method, "vintage": l.meta.vintage })).collect::<Vec<_>>(),
    }))
}

async fn layers(State(s): State<Arc<AppState>>) -> Json<Value> {
    Json(report::layers_json(&s.atlas))
}

type Params = Vec<(String, String)>;

fn param<'a>(params: &'a Params, key: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn parse_params(
    q: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Params> {
    q.map(|Query(p)| p).map_err(|e| {
        ApiError::bad_request(format!(
            "the query string could not be read: {}",
            e.body_text()
        ))
    })
}

async fn areas(
    State(s): State<Arc<AppState>>,
    q: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let params = parse_params(q)?;
    let format = match param(&params, "format") {
        None => Format::Json,
        Some(f) => match f.parse::<Format>() {
            Ok(Format::Table) | Err(_) => {
                return Err(ApiError::bad_request(format!(
                    "format '{}' is not offered: use json, csv or geojson",
                    f.chars().take(20).collect::<String>()
                )))
            }
            Ok(f) => f,
        },
    };
    let limit = match param(&params, "limit") {
        None | Some("") => None,
        Some(l) => Some(l.trim().parse::<usize>().map_err(|_| {
            ApiError::bad_request(format!(
                "limit '{}' is not a whole number >= 0",
                l.chars().take(20).collect::<String>()
            ))
        })?),
    };
    let atlas = s.atlas.clone();
    let where_ = param(&params, "where").map(str::to_string);
    let sort = param(&params, "sort").map(str::to_string);
    tokio::task::spawn_blocking(move || -> ApiResult<Response> {
        let q = AreaQuery::parse(&atlas, where_.as_deref(), sort.as_deref(), limit)?;
        let sel = q.run(&atlas);
        Ok(match format {
            Format::Csv => (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/csv; charset=utf-8"),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_static("attachment; filename=\"needsmap-areas.csv\""),
                    ),
                ],
                report::selection_csv(&atlas, &sel.areas),
            )
                .into_response(),
            Format::Geojson => (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/geo+json"),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_static("inline; filename=\"needsmap-areas.geojson\""),
                    ),
                ],
                serde_json::to_string(&report::selection_geojson(&atlas, &sel)).expect("json"),
            )
                .into_response(),
            _ => Json(report::selection_json(&atlas, &sel)).into_response(),
        })
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "query task failed",
        )
    })?
}

async fn area(State(s): State<Arc<AppState>>, Path(code): Path<String>) -> ApiResult<Json<Value>> {
    let (i, _) = s.atlas.area(&code)?;
    Ok(Json(report::profile(&s.atlas, i)))
}

async fn postcode(
    State(s): State<Arc<AppState>>,
    Path(pc): Path<String>,
) -> ApiResult<Json<Value>> {
    let atlas = s.atlas.clone();
    tokio::task::spawn_blocking(move || report::postcode_json(&atlas, &pc))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "postcode task failed",
            )
        })?
        .map(Json)
        .map_err(ApiError::from)
}

async fn gp_sites(State(s): State<Arc<AppState>>) -> Response {
    let features: Vec<Value> = s
        .atlas
        .gp_sites
        .sites
        .iter()
        .map(|g| {
            json!({
                "type": "Feature",
                "id": g.code,
                "geometry": { "type": "Point", "coordinates": [g.lon, g.lat] },
                "properties": { "code": g.code, "name": g.name, "postcode": g.postcode, "kind": g.kind, "parent": g.parent, "status": g.status, "source": g.source, "vintage": g.vintage },
            })
        })
        .collect();
    geojson_response(json!({ "type": "FeatureCollection", "features": features }))
}

fn geojson_response(v: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/geo+json")],
        serde_json::to_string(&v).expect("json"),
    )
        .into_response()
}

/// District outlines dissolved from the LSOA polygons (LSOAs nest exactly in districts).
pub fn district_outlines(atlas: &Atlas) -> Value {
    use rayon::prelude::*;
    let districts = atlas.districts();
    let features: Vec<Value> = districts
        .par_iter()
        .map(|(code, name, n)| {
            let polys: Vec<&geo::MultiPolygon<f64>> = atlas.areas.iter().filter(|a| &a.district_code == code).map(|a| &a.polygon).collect();
            let outline = geo::unary_union(polys);
            json!({ "type": "Feature", "id": code, "geometry": geojson::Geometry::from(&outline), "properties": { "code": code, "name": name, "areas": n } })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}

async fn districts(State(s): State<Arc<AppState>>) -> Response {
    let state = s.clone();
    let v = tokio::task::spawn_blocking(move || {
        state
            .districts
            .get_or_init(|| district_outlines(&state.atlas))
            .clone()
    })
    .await
    .unwrap_or(Value::Null);
    geojson_response(v)
}

async fn openapi_doc() -> Json<Value> {
    Json(openapi::document())
}

/// TileJSON 3.0 for the `areas` tiles, with URLs on whatever host the client used.
async fn tilejson(State(s): State<Arc<AppState>>, headers: HeaderMap) -> Json<Value> {
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

async fn tile(
    State(s): State<Arc<AppState>>,
    Path((z, x, y)): Path<(String, String, String)>,
    q: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    let params = parse_params(q)?;
    let Some(y) = y.strip_suffix(".mvt") else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "tiles are served as /tiles/areas/{z}/{x}/{y}.mvt",
        ));
    };
    let coord = TileCoord::parse_parts(&z, &x, y)?;
    let filter = match param(&params, "where")
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        Some(w) => {
            let f = Filter::parse(w)?;
            f.check(&*s.atlas)?;
            Some(f)
        }
        None => None,
    };
    let state = s.clone();
    let bytes = tokio::task::spawn_blocking(move || state.tiles.tile(coord, filter.as_ref()))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "tile task failed",
            )
        })??;
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(match bytes {
        None => (StatusCode::NO_CONTENT, [cache]).into_response(),
        Some(b) => {
            let tag = format!("\"{:016x}\"", hash_bytes(&b));
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

/// Run the server until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    warm_zooms: Option<std::ops::RangeInclusive<u8>>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(%local, region = %state.atlas.region, "needsmap listening");
    println!(
        "needsmap serving {} ({} areas) on http://{local}/",
        state.atlas.region,
        state.atlas.areas.len()
    );
    if let Some(zooms) = warm_zooms {
        let st = state.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let n = st.tiles.warm(zooms);
            tracing::info!(
                tiles = n,
                ms = started.elapsed().as_millis() as u64,
                "tile cache warmed"
            );
        });
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
