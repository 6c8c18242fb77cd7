//! The HTTP server: a thin axum layer over the atlas, the query language, the answer models and
//! the tiles. Read-only by construction: no handler writes anything. One file per resource;
//! errors, middleware, shared state and the work pool beside them.

pub mod areas;
pub mod districts;
pub mod error;
pub mod glyphs;
pub mod gp_sites;
pub mod health;
pub mod labels;
pub mod layers;
pub mod middleware;
pub mod openapi;
pub mod postcode;
pub mod profiles;
pub mod region;
pub mod scenario;
pub mod state;
pub mod summary;
pub mod tile_routes;
pub mod tiles;
pub mod vintage;
pub mod work;

pub use error::{ApiError, ApiResult};
pub use state::{AppState, Limits};

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use openapi::{ApiDoc, OpenApiJson};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Longest accepted request target (path + query); longer gets 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Largest accepted request body; GET-only, so anything bigger is 413.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Every documented endpoint, routed and described from the same attributes.
pub fn api_routes() -> OpenApiRouter<Arc<AppState>> {
    let r = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(layers::list))
        .routes(routes!(region::info))
        .routes(routes!(areas::list))
        .routes(routes!(areas::profile))
        .routes(routes!(postcode::lookup))
        .routes(routes!(gp_sites::list))
        .routes(routes!(scenario::run))
        .routes(routes!(districts::outlines))
        .routes(routes!(summary::summary))
        .routes(routes!(profiles::district))
        .routes(routes!(profiles::ward))
        .routes(routes!(labels::list))
        .routes(routes!(openapi::document))
        .routes(routes!(tile_routes::tilejson));
    let r = openapi::routes_with_suffix(r, routes!(glyphs::range));
    openapi::routes_with_suffix(r, routes!(tile_routes::tile))
}

/// The router: the API and tiles (with ETags and a bound on requests in flight), the page's
/// static files, and tower-http's layers around everything.
pub fn router(state: Arc<AppState>) -> Router {
    let (api, doc) = api_routes().split_for_parts();
    let doc = OpenApiJson(Bytes::from(
        doc.to_json().expect("the OpenAPI document serialises"),
    ));
    let limits = state.limits.clone();
    let api = api
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::etag,
        ))
        .route("/api/{*rest}", get(api_not_found))
        .layer(Extension(doc))
        .layer(GlobalConcurrencyLimitLayer::new(limits.in_flight))
        .with_state(state.clone());
    let public = state.web_dir.join("public");
    let web = Router::new()
        .nest_service(
            "/vendor/maplibre-gl",
            ServeDir::new(state.web_dir.join("node_modules/maplibre-gl/dist")),
        )
        // The page's static mode reads PMTiles archives through the `pmtiles` package.
        .nest_service(
            "/vendor/pmtiles",
            ServeDir::new(state.web_dir.join("node_modules/pmtiles/dist")),
        )
        .route_service("/", ServeFile::new(public.join("index.html")))
        .fallback_service(ServeDir::new(public).not_found_service(any(static_not_found)));
    api.merge(web).layer(
        ServiceBuilder::new()
            .layer(TraceLayer::new_for_http())
            .layer(
                CorsLayer::new()
                    .allow_methods([Method::GET, Method::HEAD])
                    .allow_origin(Any)
                    .expose_headers([header::ETAG]),
            )
            .layer(axum::middleware::from_fn(middleware::json_errors))
            .layer(axum::middleware::from_fn(middleware::uri_bound))
            .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
            .layer(CompressionLayer::new())
            .layer(TimeoutLayer::with_status_code(
                StatusCode::GATEWAY_TIMEOUT,
                limits.request_timeout,
            )),
    )
}

/// An answer made once (at load or start-up), served without copying.
pub fn constant(content_type: &'static str, bytes: &Bytes) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        bytes.clone(),
    )
        .into_response()
}

async fn api_not_found(Path(rest): Path<String>) -> ApiError {
    ApiError::not_found(format!(
        "no endpoint /api/{}; see /api/openapi.json",
        rest.chars().take(80).collect::<String>()
    ))
}

async fn static_not_found() -> ApiError {
    ApiError::not_found("no such page or file")
}

/// Run the server until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(
    state: Arc<AppState>,
    addr: SocketAddr,
    warm_zooms: Option<std::ops::RangeInclusive<u8>>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!(%local, region = %state.atlas.region, vintage = %state.default_vintage, "needsmap listening");
    println!(
        "needsmap serving {} ({} areas, IMD {}) on http://{local}/",
        state.atlas.region,
        state.atlas.areas.len(),
        state.default_vintage
    );
    if let Some(zooms) = warm_zooms {
        let st = state.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let n = st.default_served().tiles.warm(zooms);
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
