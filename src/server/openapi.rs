//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes as they
//! are routed (utoipa-axum), so a served API path is documented by construction.

use crate::model::ErrorBody;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "needsmap",
        description = "Deprivation, child poverty and GP access for small areas (LSOA 2011). Read-only. Data: OGL v3 (ONS, MHCLG, NHS ODS, OS Code-Point Open, DfT); road networks © OpenStreetMap contributors, ODbL.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

/// Route a handler whose documented path has a static suffix after its last parameter
/// (`/{y}.mvt`), which axum cannot match: axum gets the path up to that parameter (the handler
/// strips the suffix), the document the full path. Both come from the one attribute.
pub fn routes_with_suffix<S: Send + Sync + Clone + 'static>(
    router: OpenApiRouter<S>,
    (schemas, paths, method_router): UtoipaMethodRouter<S>,
) -> OpenApiRouter<S> {
    let mut router = paths.paths.keys().fold(router, |r, path| {
        let routed = path.rfind('}').map(|end| &path[..=end]).unwrap_or(path);
        r.route(routed, method_router.clone())
    });
    let doc = router.get_openapi_mut();
    doc.paths.paths.extend(paths.paths);
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    router
}

/// The document as served, made once when the router is built.
#[derive(Debug, Clone)]
pub struct OpenApiJson(pub axum::body::Bytes);

#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", summary = "This document (OpenAPI 3.1)", responses((status = 200, description = "OpenAPI 3.1", content_type = "application/json")))]
pub async fn document(
    axum::Extension(doc): axum::Extension<OpenApiJson>,
) -> axum::response::Response {
    super::constant("application/json", &doc.0)
}
