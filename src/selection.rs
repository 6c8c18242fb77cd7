//! Choosing areas: the filter language applied to the atlas, with sorting, limits and totals.

use crate::atlas::layers::{ids, Values};
use crate::atlas::Atlas;
use crate::query::{FieldKind, Filter, QueryError, Record, Schema, SortKey};
use serde::Serialize;

/// Fields every area has besides its layers.
pub const AREA_TEXT_FIELDS: [&str; 4] = ["code", "name", "district", "district_code"];

/// The most areas one request may ask for (all of England).
pub const MAX_LIMIT: usize = 40_000;

/// One area seen as a record of the filter language.
pub struct AreaRecord<'a> {
    pub atlas: &'a Atlas,
    pub index: usize,
}

impl Record for AreaRecord<'_> {
    fn number(&self, field: &str) -> Option<f64> {
        self.atlas.number(field, self.index)
    }
    fn text(&self, field: &str) -> Option<&str> {
        let a = &self.atlas.areas[self.index];
        match field {
            "code" => Some(&a.code),
            "name" => Some(&a.name),
            "district" => Some(&a.district),
            "district_code" => Some(&a.district_code),
            other => self
                .atlas
                .layers
                .get(other)
                .and_then(|l| l.text(self.index)),
        }
    }
}

impl Schema for Atlas {
    fn field_kind(&self, name: &str) -> Option<FieldKind> {
        if AREA_TEXT_FIELDS.contains(&name) {
            return Some(FieldKind::Text);
        }
        self.layers.get(name).map(|l| match l.values {
            Values::Number(_) => FieldKind::Number,
            Values::Text(_) => FieldKind::Text,
        })
    }
    fn field_names(&self) -> Vec<String> {
        AREA_TEXT_FIELDS
            .iter()
            .map(|s| s.to_string())
            .chain(self.layers.ids().map(String::from))
            .collect()
    }
}

/// Sums over a selection: who lives in the chosen areas. A figure the atlas has no layer for
/// (the IoD2025 denominators are not mirrored) is `null`, never 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub areas: usize,
    pub population: Option<f64>,
    pub children: Option<f64>,
    /// Children in income-deprived families (the layer's figures summed), to one decimal.
    pub children_income_deprived: Option<f64>,
}

impl Totals {
    pub fn of(atlas: &Atlas, areas: &[usize]) -> Totals {
        // `+ 0.0`: an empty float sum is -0.0, which JSON would show as "-0.0".
        let sum = |layer: &str| {
            atlas.layers.get(layer)?;
            Some(
                areas
                    .iter()
                    .filter_map(|&i| atlas.number(layer, i))
                    .sum::<f64>()
                    + 0.0,
            )
        };
        Totals {
            areas: areas.len(),
            population: sum(ids::POPULATION),
            children: sum(ids::CHILDREN),
            children_income_deprived: sum(ids::CHILDREN_INCOME_DEPRIVED)
                .map(|x| (x * 10.0).round() / 10.0),
        }
    }
}

/// The result of a query: matching areas in order (after the limit) and totals over all matches.
#[derive(Debug, Clone)]
pub struct Selection {
    pub areas: Vec<usize>,
    /// Matches before the limit was applied.
    pub count: usize,
    pub totals: Totals,
}

/// A parsed, checked request: what the CLI and the API both build from user text.
#[derive(Debug, Clone, Default)]
pub struct AreaQuery {
    pub filter: Option<Filter>,
    pub sort: Option<SortKey>,
    pub limit: Option<usize>,
}

impl AreaQuery {
    /// Parse user text against the atlas's fields; errors point at the mistake.
    pub fn parse(
        atlas: &Atlas,
        filter: Option<&str>,
        sort: Option<&str>,
        limit: Option<usize>,
    ) -> Result<AreaQuery, QueryError> {
        let filter = match filter.map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => {
                let f = Filter::parse(text)?;
                f.check(atlas)?;
                Some(f)
            }
            None => None,
        };
        let sort = match sort.map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => {
                let k = SortKey::parse(text)?;
                k.check(atlas)?;
                Some(k)
            }
            None => None,
        };
        Ok(AreaQuery {
            filter,
            sort,
            limit: limit.map(|l| l.min(MAX_LIMIT)),
        })
    }

    pub fn run(&self, atlas: &Atlas) -> Selection {
        self.run_until(atlas, || true).expect("never stopped")
    }

    /// [`AreaQuery::run`], asking `keep_going` every [`CHECK_EVERY`] areas and before sorting;
    /// `None` once it says stop (the server's request timed out).
    pub fn run_until(&self, atlas: &Atlas, keep_going: impl Fn() -> bool) -> Option<Selection> {
        let mut hits: Vec<usize> = Vec::new();
        for start in (0..atlas.areas.len()).step_by(CHECK_EVERY) {
            if !keep_going() {
                return None;
            }
            let end = (start + CHECK_EVERY).min(atlas.areas.len());
            hits.extend((start..end).filter(|&i| {
                self.filter
                    .as_ref()
                    .is_none_or(|f| f.matches(&AreaRecord { atlas, index: i }))
            }));
        }
        if let Some(key) = &self.sort {
            if !keep_going() {
                return None;
            }
            // Stable sort: ties keep code order.
            hits.sort_by(|&a, &b| {
                key.compare(
                    &AreaRecord { atlas, index: a },
                    &AreaRecord { atlas, index: b },
                )
            });
        }
        let count = hits.len();
        let totals = Totals::of(atlas, &hits);
        if let Some(limit) = self.limit {
            hits.truncate(limit);
        }
        Some(Selection {
            areas: hits,
            count,
            totals,
        })
    }
}

/// Areas filtered between two checks of `keep_going` (a few milliseconds of work).
pub const CHECK_EVERY: usize = 2048;
