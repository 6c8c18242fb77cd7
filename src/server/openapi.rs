//! The OpenAPI 3.1 description of the HTTP API. Written out by hand from one table of paths, so
//! the router test can check that every documented path is served and every served path is
//! documented.

use serde_json::{json, Value};

/// Every API path with its summary and its parameters (name, where, required, description).
pub const PATHS: &[(&str, &str, &[(&str, &str, bool, &str)])] = &[
    ("/healthz", "Liveness, region and data vintages", &[]),
    ("/api/layers", "The layer registry with class breaks for colouring", &[]),
    (
        "/api/areas",
        "Areas matching a filter, with totals (population, children, children in income-deprived families)",
        &[
            ("where", "query", false, "Filter, e.g. `imd_decile <= 2 and district = \"Gloucester\"`"),
            ("sort", "query", false, "Field to sort on; `field:desc` or `-field` for descending"),
            ("limit", "query", false, "Maximum number of areas returned (count and totals cover all matches)"),
            ("format", "query", false, "json (default), csv or geojson"),
        ],
    ),
    ("/api/areas/{code}", "Full profile of one LSOA", &[("code", "path", true, "LSOA 2011 code, e.g. E01022333")]),
    ("/api/postcode/{postcode}", "The LSOA of a postcode and its grant eligibility", &[("postcode", "path", true, "UK postcode, any case or spacing")]),
    ("/api/gp-sites", "GeoJSON of the GP sites in use", &[]),
    ("/api/districts", "GeoJSON of district outlines dissolved from the LSOAs", &[]),
    ("/api/openapi.json", "This document", &[]),
    ("/tiles/areas.json", "TileJSON 3.0 for the areas tiles", &[]),
    (
        "/tiles/areas/{z}/{x}/{y}.mvt",
        "Mapbox Vector Tile 2.1, source-layer `areas`; 204 when empty",
        &[
            ("z", "path", true, "Zoom 0..16"),
            ("x", "path", true, "Column 0..2^z-1"),
            ("y", "path", true, "Row 0..2^z-1"),
            ("where", "query", false, "Filter; matching features get `selected: true`"),
        ],
    ),
];

fn error_response(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for (path, summary, params) in PATHS {
        let parameters: Vec<Value> = params
            .iter()
            .map(|(name, location, required, description)| {
                let schema = if matches!(*name, "z" | "x" | "limit") { json!({ "type": "integer", "minimum": 0 }) } else { json!({ "type": "string" }) };
                json!({ "name": name, "in": location, "required": required, "description": description, "schema": schema })
            })
            .collect();
        let ok = match *path {
            p if p.ends_with(".mvt") => {
                json!({ "description": "A vector tile", "content": { "application/vnd.mapbox-vector-tile": {} } })
            }
            "/api/gp-sites" | "/api/districts" => {
                json!({ "description": "GeoJSON FeatureCollection", "content": { "application/geo+json": {} } })
            }
            "/api/areas" => {
                json!({ "description": "Matching areas", "content": { "application/json": {}, "text/csv": {}, "application/geo+json": {} } })
            }
            _ => json!({ "description": "OK", "content": { "application/json": {} } }),
        };
        let mut responses = json!({ "200": ok, "304": { "description": "Not modified (If-None-Match)" }, "400": error_response("Bad filter, parameter or tile address (the body names it; filter errors carry `column`)"), "413": error_response("Request body too large"), "414": error_response("Request target too long") });
        if path.contains('{') {
            responses["404"] = error_response("Unknown LSOA code or postcode");
        }
        if path.ends_with(".mvt") {
            responses["204"] = json!({ "description": "No areas in this tile" });
        }
        paths.insert(path.to_string(), json!({ "get": { "summary": summary, "parameters": parameters, "responses": responses } }));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "needsmap",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Deprivation, child poverty and GP access for small areas (LSOA 2011). Read-only. Data: OGL v3 (ONS, MHCLG, NHS ODS, OS Code-Point Open, DfT); road networks © OpenStreetMap contributors, ODbL.",
            "license": { "name": "MIT OR Apache-2.0" },
        },
        "paths": paths,
        "components": { "schemas": { "Error": {
            "type": "object",
            "required": ["error", "detail"],
            "properties": { "error": { "type": "string" }, "detail": { "type": "string" }, "column": { "type": "integer", "description": "1-based column of a filter mistake" } },
        } } },
    })
}
