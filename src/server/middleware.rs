//! Middleware of our own, where tower-http has no layer: the URI bound, ETags from the data
//! version, and JSON bodies on the bare errors of tower-http's layers.

use super::error::ApiError;
use super::state::AppState;
use super::MAX_URI_BYTES;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// 414 for request targets longer than [`MAX_URI_BYTES`].
pub async fn uri_bound(req: Request, next: Next) -> Response {
    let len = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    if len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request target is longer than {MAX_URI_BYTES} bytes"),
        )
        .into_response();
    }
    next.run(req).await
}

/// A weak ETag for a request: the data version and the request target. Answers are pure
/// functions of both, so the tag is known before the answer is made (or streamed) and a client
/// that has it gets 304 without the server doing the work. Weak, because compression changes
/// the bytes but not the meaning.
pub fn etag_for(data_version: u64, req: &Request) -> String {
    etag_for_uri(data_version, req.uri())
}

/// [`etag_for`] of a request target.
pub fn etag_for_uri(data_version: u64, uri: &Uri) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    data_version.hash(&mut h);
    uri.path().hash(&mut h);
    uri.query().unwrap_or("").hash(&mut h);
    format!("W/\"{:016x}\"", h.finish())
}

/// ETags on successful GETs and 304 on `If-None-Match`. A handler that sets its own ETag
/// (tiles: a hash of the cached bytes) keeps it.
pub async fn etag(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return next.run(req).await;
    }
    // The tag rests on the data version of the vintage asked for. A vintage not opened yet has
    // none: its first answer is made (which opens it) and tagged after.
    let vintage = match super::vintage::asked(req.uri()) {
        Ok(v) => v.unwrap_or(state.default_vintage),
        Err(_) => return next.run(req).await,
    };
    let uri = req.uri().clone();
    let tag_of = || {
        state
            .served_now(vintage)
            .map(|s| etag_for_uri(s.data_version, &uri))
    };
    let early = tag_of();
    let inm = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(tag) = early.as_deref().filter(|t| matches_etag(inm.as_deref(), t)) {
        let mut headers = HeaderMap::new();
        headers.insert(header::ETAG, HeaderValue::from_str(tag).expect("ascii"));
        return not_modified(&headers);
    }
    let mut res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    let Some(tag) = early.or_else(tag_of) else {
        return res;
    };
    match res
        .headers()
        .get(header::ETAG)
        .and_then(|t| t.to_str().ok())
    {
        Some(own) if matches_etag(inm.as_deref(), own) => not_modified(res.headers()),
        Some(_) => res,
        None => {
            res.headers_mut()
                .insert(header::ETAG, HeaderValue::from_str(&tag).expect("ascii"));
            res
        }
    }
}

fn not_modified(headers: &HeaderMap) -> Response {
    let mut r = StatusCode::NOT_MODIFIED.into_response();
    for key in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        if let Some(v) = headers.get(&key) {
            r.headers_mut().insert(key, v.clone());
        }
    }
    r
}

/// Whether `If-None-Match` names `tag` (weak comparison, RFC 9110 §13.1.2).
pub fn matches_etag(if_none_match: Option<&str>, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match.is_some_and(|h| h.split(',').any(|t| bare(t) == bare(tag)))
}

/// Error answers without a JSON body (tower-http's timeout, body limit, axum's 405) get ours;
/// HTML error pages (unknown profiles) are written for people and kept.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.contains("json") || ct.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let mut answer = ApiError::for_status(status).into_response();
    if let Some(allow) = res.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_weakly_and_only_the_same_tag() {
        assert!(matches_etag(Some("W/\"ab\""), "W/\"ab\""));
        assert!(matches_etag(Some("\"x\", \"ab\""), "W/\"ab\""));
        assert!(!matches_etag(Some("\"other\""), "W/\"ab\""));
        assert!(!matches_etag(None, "W/\"ab\""));
    }

    #[test]
    fn the_tag_follows_the_data_version_and_the_request() {
        let req = |uri: &str| {
            Request::builder()
                .uri(uri)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let a = etag_for(1, &req("/api/areas?where=x"));
        assert_eq!(a, etag_for(1, &req("/api/areas?where=x")));
        assert_ne!(
            a,
            etag_for(2, &req("/api/areas?where=x")),
            "new data, new tag"
        );
        assert_ne!(a, etag_for(1, &req("/api/areas?where=y")));
    }
}
