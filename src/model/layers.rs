//! The layer registry with colouring hints: `/api/layers` and `needsmap layers`.

use super::figure::round3;
use crate::atlas::layers::{AbsentLayer, Direction, Group, Method, NationalRanks};
use crate::atlas::Atlas;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerList<'a> {
    /// The loaded region's id.
    pub region: String,
    /// Number of areas in the region.
    pub areas: usize,
    pub layers: Vec<LayerInfo<'a>>,
    /// Layers this region cannot have yet, each with the reason (e.g. no GTFS feed present).
    pub absent: &'a [AbsentLayer],
}

/// One layer: what it is, where it comes from, and how to colour it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayerInfo<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub unit: &'a str,
    pub description: &'a str,
    pub source: &'a str,
    pub source_title: &'a str,
    pub vintage: &'a str,
    pub licence: &'a str,
    #[schema(value_type = String)]
    pub direction: Direction,
    /// `official`, `computed`, `estimate`, `network` or `reference`.
    #[schema(value_type = String)]
    pub method: Method,
    #[schema(value_type = String)]
    pub group: Group,
    /// Ids of the layers with the national rank and decile of this score.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub national: Option<&'a NationalRanks>,
    /// `number` or `text`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Class breaks (ascending) for colouring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaks: Option<&'a [f64]>,
    /// Areas without a value.
    pub missing: usize,
}

impl<'a> LayerList<'a> {
    pub fn of(atlas: &'a Atlas) -> LayerList<'a> {
        let layers = atlas
            .layers
            .iter()
            .map(|l| {
                let m = &l.meta;
                let breaks = l.breaks();
                LayerInfo {
                    id: &m.id,
                    title: &m.title,
                    unit: &m.unit,
                    description: &m.description,
                    source: &m.source,
                    source_title: &m.source_title,
                    vintage: &m.vintage,
                    licence: &m.licence,
                    direction: m.direction,
                    method: m.method,
                    group: m.group,
                    national: m.national.as_ref(),
                    kind: if l.values.is_numeric() {
                        "number"
                    } else {
                        "text"
                    },
                    min: breaks.map(|b| round3(b.min)),
                    max: breaks.map(|b| round3(b.max)),
                    breaks: breaks.map(|b| b.breaks.as_slice()),
                    missing: l.values.missing(),
                }
            })
            .collect();
        LayerList {
            region: atlas.region.to_string(),
            areas: atlas.areas.len(),
            layers,
            absent: atlas.layers.absent(),
        }
    }
}
