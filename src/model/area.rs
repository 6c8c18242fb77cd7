//! Areas as rows: the answer of `/api/areas` and `needsmap query`.

use super::figure::{round6, Cell, Figure};
use crate::atlas::layers::{Layer, Values};
use crate::atlas::Atlas;
use crate::selection::{Selection, Totals};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

/// The identity columns every row starts with, before the layers in registry order.
pub const IDENTITY_COLUMNS: [&str; 6] = ["code", "name", "district", "district_code", "lon", "lat"];

/// One layer's value for an area.
pub fn cell<'a>(layer: &'a Layer, area: usize) -> Option<Cell<'a>> {
    match &layer.values {
        Values::Number(v) => v[area].map(|x| Cell::Figure(Figure(x))),
        Values::Text(v) => v[area].as_deref().map(Cell::Text),
    }
}

/// One area: identity, population-weighted centroid, then every layer (null when missing).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    pub district_code: &'a str,
    /// Null in an atlas without boundaries (England under IoD2025: see `/api/region`).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Every layer by id, in registry order (see `/api/layers`).
    #[serde(flatten)]
    #[schema(value_type = std::collections::HashMap<String, Cell>)]
    pub layers: LayerCells<'a>,
}

/// Layer id → value, written as the fields of the row.
#[derive(Debug, Clone)]
pub struct LayerCells<'a>(pub Vec<(&'a str, Option<Cell<'a>>)>);

impl Serialize for LayerCells<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'a> AreaRow<'a> {
    pub fn of(atlas: &'a Atlas, i: usize) -> AreaRow<'a> {
        let a = &atlas.areas[i];
        AreaRow {
            code: &a.code,
            name: &a.name,
            district: &a.district,
            district_code: &a.district_code,
            lon: a.centroid().map(|c| round6(c.x())),
            lat: a.centroid().map(|c| round6(c.y())),
            layers: LayerCells(
                atlas
                    .layers
                    .iter()
                    .map(|l| (l.meta.id.as_str(), cell(l, i)))
                    .collect(),
            ),
        }
    }

    /// A column by name: identity fields or a layer id (`None` for a missing value or column).
    pub fn get(&self, column: &str) -> Option<Cell<'a>> {
        match column {
            "code" => Some(Cell::Text(self.code)),
            "name" => Some(Cell::Text(self.name)),
            "district" => Some(Cell::Text(self.district)),
            "district_code" => Some(Cell::Text(self.district_code)),
            "lon" => self.lon.map(|x| Cell::Figure(Figure(x))),
            "lat" => self.lat.map(|x| Cell::Figure(Figure(x))),
            id => self
                .layers
                .0
                .iter()
                .find(|(k, _)| *k == id)
                .and_then(|(_, v)| *v),
        }
    }

    /// The row as CSV fields in [`AreaRows::columns`] order: a sequence, so `csv::Writer::serialize`
    /// writes it without a header of its own.
    pub fn csv_fields(&self) -> CsvFields<'_, 'a> {
        CsvFields(self)
    }
}

/// See [`AreaRow::csv_fields`]. Centroids keep their six decimals in CSV.
pub struct CsvFields<'r, 'a>(&'r AreaRow<'a>);

impl Serialize for CsvFields<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut seq = s.serialize_seq(Some(IDENTITY_COLUMNS.len() + r.layers.0.len()))?;
        for t in [r.code, r.name, r.district, r.district_code] {
            seq.serialize_element(t)?;
        }
        seq.serialize_element(&r.lon)?;
        seq.serialize_element(&r.lat)?;
        for (_, v) in &r.layers.0 {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

/// Areas by index, made into rows only while they are written: a list of all of England is
/// never held in memory as rows.
#[derive(Debug, Clone, Copy)]
pub struct AreaRows<'a> {
    pub atlas: &'a Atlas,
    pub areas: &'a [usize],
}

impl<'a> AreaRows<'a> {
    pub fn iter(&self) -> impl Iterator<Item = AreaRow<'a>> + 'a {
        let atlas = self.atlas;
        self.areas.iter().map(move |&i| AreaRow::of(atlas, i))
    }

    /// CSV header: identity, centroid, then layers in registry order.
    pub fn columns(&self) -> Vec<&'a str> {
        IDENTITY_COLUMNS
            .iter()
            .copied()
            .chain(self.atlas.layers.ids())
            .collect()
    }
}

impl Serialize for AreaRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Areas matching a query: `count` and `totals` cover every match, `areas` stops at the limit.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct AreaList<'a> {
    pub count: usize,
    pub returned: usize,
    pub totals: Totals,
    #[schema(value_type = Vec<AreaRow>)]
    pub areas: AreaRows<'a>,
}

impl<'a> AreaList<'a> {
    pub fn of(atlas: &'a Atlas, sel: &'a Selection) -> AreaList<'a> {
        AreaList {
            count: sel.count,
            returned: sel.areas.len(),
            totals: sel.totals,
            areas: AreaRows {
                atlas,
                areas: &sel.areas,
            },
        }
    }
}
