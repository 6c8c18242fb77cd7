//! GP-access answers: who lives beyond a travel time (`needsmap access`) and what a change of
//! GP sites would do (`needsmap scenario`).

use super::area::AreaList;
use crate::atlas::gp::{GpKind, GpSite};
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
    /// `walk`, `cycle`, `car`, `pt` or `walk_or_pt` (public transport, routed on GTFS).
    pub mode: &'a str,
    /// `network` (routed), `estimate` (from the IoD2019 road distances) or `mixed`.
    pub method: &'a str,
    /// One sentence on what the scenario does; says so when it changes nothing.
    pub summary: String,
    /// Sites in use that close (a closed practice closes its branches too).
    pub closed: Vec<ScenarioSite<'a>>,
    /// New sites.
    pub opened: Vec<ScenarioSite<'a>>,
    /// Areas whose time to the nearest GP changes, or whose nearest site closes; largest change
    /// first.
    pub changes: Vec<ScenarioChange<'a>>,
    /// Who lives in the changed areas, by IMD 2019 national decile.
    pub by_imd_decile: Vec<DecileImpact>,
    /// Areas, people and children crossing the travel-time threshold, when one was given.
    pub threshold: Option<ThresholdImpact>,
}

/// A site a scenario closes or opens.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioSite<'a> {
    /// ODS code; new sites are `NEW1`, `NEW2`, … unless given by code.
    pub code: &'a str,
    pub name: &'a str,
    pub postcode: &'a str,
    /// `practice` or `branch`.
    #[schema(value_type = String)]
    pub kind: GpKind,
    pub lon: f64,
    pub lat: f64,
}

impl<'a> ScenarioSite<'a> {
    fn of(s: &'a GpSite) -> ScenarioSite<'a> {
        ScenarioSite {
            code: &s.code,
            name: &s.name,
            postcode: &s.postcode,
            kind: s.kind,
            lon: s.lon,
            lat: s.lat,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioChange<'a> {
    /// The area's index in the atlas: its feature id in the area tiles.
    pub feature_id: usize,
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
    /// Whether the area crosses the threshold: `lose` (within it today, beyond it after) or
    /// `gain`; absent when it stays on the same side or no threshold was given.
    pub crossing: Option<Crossing>,
}

/// A crossing of the travel-time threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Crossing {
    /// Within the threshold today, beyond it (or unreachable) after.
    Lose,
    /// Beyond the threshold (or unreachable) today, within it after.
    Gain,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct DecileImpact {
    pub decile: u8,
    pub areas: usize,
    pub people: f64,
    pub children: f64,
}

/// Who crosses a travel-time threshold under a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ThresholdImpact {
    /// The threshold in minutes.
    pub minutes: f64,
    /// Areas within the threshold today and beyond it after.
    pub lose: CrossingTotals,
    /// Areas beyond the threshold today and within it after.
    pub gain: CrossingTotals,
}

/// Areas, people and children on one side of a crossing, in all and by IMD decile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct CrossingTotals {
    pub areas: usize,
    pub people: f64,
    pub children: f64,
    /// By IMD 2019 national decile (deciles with no such area left out).
    pub by_imd_decile: Vec<DecileImpact>,
}

impl CrossingTotals {
    fn add(&mut self, c: &ScenarioChange) {
        let (people, children) = (c.population.unwrap_or(0.0), c.children.unwrap_or(0.0));
        self.areas += 1;
        self.people += people;
        self.children += children;
        if let Some(d) = c.imd_decile {
            let d = d as u8;
            let at = match self.by_imd_decile.iter().position(|x| x.decile >= d) {
                Some(i) if self.by_imd_decile[i].decile == d => i,
                Some(i) => {
                    self.by_imd_decile.insert(i, DecileImpact::empty(d));
                    i
                }
                None => {
                    self.by_imd_decile.push(DecileImpact::empty(d));
                    self.by_imd_decile.len() - 1
                }
            };
            let e = &mut self.by_imd_decile[at];
            e.areas += 1;
            e.people += people;
            e.children += children;
        }
    }
}

impl DecileImpact {
    fn empty(decile: u8) -> DecileImpact {
        DecileImpact {
            decile,
            areas: 0,
            people: 0.0,
            children: 0.0,
        }
    }
}

/// Which side of a threshold a journey is on: `None` (unreachable) counts as beyond.
fn crossing(before: Option<f64>, after: Option<f64>, minutes: f64) -> Option<Crossing> {
    let within = |x: Option<f64>| x.is_some_and(|m| m <= minutes);
    match (within(before), within(after)) {
        (true, false) => Some(Crossing::Lose),
        (false, true) => Some(Crossing::Gain),
        _ => None,
    }
}

impl<'a> ScenarioAnswer<'a> {
    /// The answer for an outcome; with `minutes`, also who crosses that threshold.
    pub fn of(outcome: &'a ScenarioOutcome, minutes: Option<f64>) -> ScenarioAnswer<'a> {
        let changes: Vec<ScenarioChange> = outcome
            .changes
            .iter()
            .map(|c| ScenarioChange {
                feature_id: c.area,
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
                crossing: minutes.and_then(|m| crossing(c.before_min, c.after_min, m)),
            })
            .collect();
        let threshold = minutes.map(|m| {
            let mut t = ThresholdImpact {
                minutes: m,
                lose: CrossingTotals::default(),
                gain: CrossingTotals::default(),
            };
            for c in &changes {
                match c.crossing {
                    Some(Crossing::Lose) => t.lose.add(c),
                    Some(Crossing::Gain) => t.gain.add(c),
                    None => {}
                }
            }
            t
        });
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
        let summary = summary(outcome, &changes, threshold.as_ref());
        ScenarioAnswer {
            mode: &outcome.mode,
            method: &outcome.method,
            summary,
            closed: outcome.closed.iter().map(ScenarioSite::of).collect(),
            opened: outcome.opened.iter().map(ScenarioSite::of).collect(),
            changes,
            by_imd_decile,
            threshold,
        }
    }
}

fn summary(o: &ScenarioOutcome, changes: &[ScenarioChange], t: Option<&ThresholdImpact>) -> String {
    let how = format!("{} times ({})", o.mode, o.method);
    if o.closed.is_empty() && o.opened.is_empty() {
        return "No effect: the scenario closes no site and opens none.".into();
    }
    if changes.is_empty() {
        return format!(
            "No effect: no area's nearest GP site or {how} changes under this scenario."
        );
    }
    // IoD2025 publishes no population for LSOA 2021 areas: say so rather than count 0 people.
    let counted = changes.iter().any(|c| c.population.is_some());
    let people = |n: f64| {
        if counted {
            format!("{n:.0} people")
        } else {
            "population not available in this vintage".to_string()
        }
    };
    let mut s = format!(
        "{} area{} ({}) change nearest GP site or {how}.",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        people(changes.iter().filter_map(|c| c.population).sum())
    );
    if let Some(t) = t {
        s += &format!(
            " Within {} min: {} areas lose access ({}), {} areas gain it ({}).",
            t.minutes,
            t.lose.areas,
            people(t.lose.people),
            t.gain.areas,
            people(t.gain.people)
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_sides_count_unreachable_as_beyond() {
        assert_eq!(crossing(Some(10.0), Some(20.0), 15.0), Some(Crossing::Lose));
        assert_eq!(crossing(Some(15.0), Some(15.1), 15.0), Some(Crossing::Lose));
        assert_eq!(crossing(Some(20.0), Some(15.0), 15.0), Some(Crossing::Gain));
        assert_eq!(crossing(Some(10.0), None, 15.0), Some(Crossing::Lose));
        assert_eq!(crossing(None, Some(3.0), 15.0), Some(Crossing::Gain));
        assert_eq!(crossing(Some(16.0), Some(30.0), 15.0), None);
        assert_eq!(crossing(Some(1.0), Some(14.0), 15.0), None);
    }

    #[test]
    fn crossing_totals_keep_deciles_in_order() {
        let change = |decile: f64, people: f64| ScenarioChange {
            feature_id: 0,
            code: "E01000001",
            name: "",
            district: "",
            before_min: None,
            after_min: None,
            delta_min: None,
            nearest_before: None,
            nearest_after: None,
            population: Some(people),
            children: Some(people / 10.0),
            imd_decile: Some(decile),
            crossing: None,
        };
        let mut t = CrossingTotals::default();
        for (d, p) in [
            (5.0, 100.0),
            (1.0, 50.0),
            (5.0, 10.0),
            (3.0, 1.0),
            (10.0, 2.0),
        ] {
            t.add(&change(d, p));
        }
        assert_eq!((t.areas, t.people), (5, 163.0));
        let got: Vec<(u8, usize, f64)> = t
            .by_imd_decile
            .iter()
            .map(|d| (d.decile, d.areas, d.people))
            .collect();
        assert_eq!(
            got,
            [(1, 1, 50.0), (3, 1, 1.0), (5, 2, 110.0), (10, 1, 2.0)]
        );
    }
}
