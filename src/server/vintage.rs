//! `?vintage=2019|2025` on every answer made from the atlas: one typed extractor, so each handler
//! gets the chosen vintage's [`Served`] (opened on first use) and never parses the parameter itself.

use super::error::ApiError;
use super::state::{AppState, Served, VintageProblem};
use crate::atlas::Atlas;
use crate::query::QueryError;
use crate::vintage::Vintage;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// The `vintage` query parameter, as documented on every endpoint that takes it.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VintageQuery {
    /// Edition of the Indices of Deprivation: `2019` (IoD2019 on LSOA 2011) or `2025` (IoD2025 on
    /// LSOA 2021). Default: the server's (`serve --vintage`, 2019 unless set); `/api/region` lists
    /// the vintages served. Unknown values are a 400 `bad_vintage` naming the valid ones.
    #[param(example = "2025")]
    pub vintage: Option<String>,
}

/// The vintage a request asks for: `Ok(None)` when it names none, `Err` with the text it gave
/// when that is no vintage. Lenient about everything else in the query (other extractors judge it).
pub fn asked(uri: &Uri) -> Result<Option<Vintage>, String> {
    let Ok(Query(v)) = Query::<VintageQuery>::try_from_uri(uri) else {
        return Ok(None);
    };
    match v.vintage.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse::<Vintage>()
            .map(Some)
            .map_err(|_| text.chars().take(40).collect()),
    }
}

/// The chosen vintage's answers; a handler takes `InVintage(v)` and reads `v.atlas`, `v.tiles`…
pub struct InVintage(pub Arc<Served>);

fn listed(vintages: &[Vintage]) -> String {
    vintages
        .iter()
        .map(|v| format!("{} ({} on {})", v, v.title(), v.geography()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl FromRequestParts<Arc<AppState>> for InVintage {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let bad = |detail: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_vintage", detail);
        let vintage = asked(&parts.uri)
            .map_err(|text| {
                bad(format!(
                    "unknown vintage {text:?}; valid: {}",
                    listed(&state.vintages())
                ))
            })?
            .unwrap_or(state.default_vintage);
        match state.served(vintage).await {
            Ok(s) => Ok(InVintage(s)),
            Err(VintageProblem::NotServed { asked, .. }) => Err(bad(format!(
                "vintage {asked} is not served here; valid: {}",
                listed(&state.vintages())
            ))),
            Err(VintageProblem::Failed { asked, why }) => {
                tracing::error!(%asked, %why, "a vintage could not be opened");
                Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "vintage_unavailable",
                    format!("the {asked} atlas could not be opened: {why}"),
                ))
            }
        }
    }
}

/// A filter error under a vintage: a field of the other vintage, or one this vintage lacks, is
/// said so with the vintage's layers (the query language only knows the field is unknown).
pub fn filter_error(e: QueryError, atlas: &Atlas) -> ApiError {
    let why = match &e {
        QueryError::UnknownField { field, .. } => atlas.layers.why_missing(field),
        _ => None,
    };
    let mut err = ApiError::from(e);
    if let Some(why) = why {
        err.body.detail = format!("{}; {why}", err.body.detail);
    }
    err
}

/// An unknown `?layers=` id under a vintage: why it is missing here when the catalogue knows it
/// (another vintage's layer, or one this vintage cannot have), always with the vintage's layers.
pub fn layer_error(e: super::tiles::UnknownLayer, atlas: &Atlas) -> ApiError {
    let detail = match atlas.layers.why_missing(&e.id) {
        Some(why) if why.contains(&e.valid.join(", ")) => why,
        Some(why) => format!("{why}; valid: {}", e.valid.join(", ")),
        None => format!("{e} (vintage {})", atlas.vintage),
    };
    ApiError::new(StatusCode::BAD_REQUEST, "bad_layer", detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vintage_is_read_from_any_query() {
        let a = |u: &str| asked(&u.parse().unwrap());
        assert_eq!(a("/api/areas"), Ok(None));
        assert_eq!(a("/api/areas?where=x"), Ok(None));
        assert_eq!(a("/api/areas?vintage="), Ok(None));
        assert_eq!(a("/t?layers=a&vintage=2025"), Ok(Some(Vintage::V2025)));
        assert_eq!(a("/t?vintage=IoD2019"), Ok(Some(Vintage::V2019)));
        assert_eq!(a("/t?vintage=1999"), Err("1999".to_string()));
    }

    #[test]
    fn the_list_names_each_vintage_and_its_geography() {
        assert_eq!(
            listed(&Vintage::ALL),
            "2019 (IoD2019 on LSOA 2011), 2025 (IoD2025 on LSOA 2021)"
        );
    }
}
