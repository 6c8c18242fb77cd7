//! GP-access answers: who lives beyond a travel time (`needsmap access`) and what a change of
//! GP sites would do (`needsmap scenario`).

use super::area::AreaList;
use crate::atlas::layers::Method;
use crate::overlay::ScenarioOutcome;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessAnswer<'a> {
    /// The filter that chose the areas, e.g. `gp_walk_min > 45`.
    pub filter: String,
    /// The GP-access layer the filter is on.
    pub layer: &'a str,
    #[schema(value_type = String)]
    pub method: Method,
    pub description: &'a str,
    /// Areas without a value for the layer: in neither list.
    pub missing: usize,
    pub result: AreaList<'a>,
}

/// The effect of closing or opening GP sites.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioAnswer<'a> {
    /// `walk`, `cycle` or `car`.
    pub mode: &'a str,
    /// `network` (routed) or `estimate`.
    pub method: &'a str,
    /// Areas whose time to the nearest GP changes, largest change first.
    pub changes: Vec<ScenarioChange<'a>>,
    /// Who lives in the changed areas, by IMD 2019 national decile.
    pub by_imd_decile: Vec<DecileImpact>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioChange<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    pub before_min: Option<f64>,
    pub after_min: Option<f64>,
    pub delta_min: Option<f64>,
    pub nearest_before: Option<&'a str>,
    pub nearest_after: Option<&'a str>,
    pub population: Option<f64>,
    pub children: Option<f64>,
    pub imd_decile: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct DecileImpact {
    pub decile: u8,
    pub areas: usize,
    pub people: f64,
    pub children: f64,
}

impl<'a> ScenarioAnswer<'a> {
    pub fn of(outcome: &'a ScenarioOutcome) -> ScenarioAnswer<'a> {
        let changes = outcome
            .changes
            .iter()
            .map(|c| ScenarioChange {
                code: &c.code,
                name: &c.name,
                district: &c.district,
                before_min: c.before_min,
                after_min: c.after_min,
                delta_min: c.delta_min,
                nearest_before: c.nearest_before.as_deref(),
                nearest_after: c.nearest_after.as_deref(),
                population: c.population,
                children: c.children,
                imd_decile: c.imd_decile,
            })
            .collect();
        let by_imd_decile = outcome
            .by_imd_decile
            .iter()
            .map(|(&decile, &(areas, people, children))| DecileImpact {
                decile,
                areas,
                people,
                children,
            })
            .collect();
        ScenarioAnswer {
            mode: &outcome.mode,
            method: &outcome.method,
            changes,
            by_imd_decile,
        }
    }
}
