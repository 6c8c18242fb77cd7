//! What-if scenarios by public transport (issue 11): the timetable router is run again with
//! the scenario's GP sites as egress targets. Today's sites and the scenario's share one RAPTOR
//! run per area and departure minute ([`crate::pt_access::gp_pt_minutes_for`]), so "before" is
//! computed exactly as the atlas's `gp_pt_*` layers were and "after" differs only by the sites.

use super::scenario::{outcome, Nearest};
use super::{OverlayError, Scenario, ScenarioOutcome};
use crate::atlas::layers::{ids, Method};
use crate::atlas::Atlas;
use crate::pt_access;
use crate::sources::DataDir;
use crate::travel::Network;

/// Which public-transport measure a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PtMeasure {
    /// `gp_pt_min`: journeys with at least one ride.
    Pt,
    /// `gp_pt_walk_min`: the better of public transport and walking all the way (the county
    /// health and wellbeing pack's measure).
    WalkOrPt,
}

impl PtMeasure {
    pub fn layer_id(self) -> &'static str {
        match self {
            PtMeasure::Pt => ids::GP_PT_MIN,
            PtMeasure::WalkOrPt => ids::GP_PT_WALK_MIN,
        }
    }

    /// The `--mode` value it answers.
    pub fn as_str(self) -> &'static str {
        match self {
            PtMeasure::Pt => "pt",
            PtMeasure::WalkOrPt => "walk_or_pt",
        }
    }

    pub const ALL: [PtMeasure; 2] = [PtMeasure::Pt, PtMeasure::WalkOrPt];

    /// The measure a mode name (`pt`, `walk_or_pt`, any case, `-` for `_`) asks about.
    pub fn from_mode(mode: &str) -> Option<PtMeasure> {
        let m = mode.trim().to_ascii_lowercase().replace('-', "_");
        PtMeasure::ALL.into_iter().find(|p| p.as_str() == m)
    }
}

/// Why a public-transport question cannot be answered from this atlas, or `None` when the
/// layer is there. The reason is the one the atlas recorded when it left the layer out.
pub fn pt_unavailable(atlas: &Atlas, measure: PtMeasure) -> Option<OverlayError> {
    let id = measure.layer_id();
    if atlas.layers.get(id).is_some() {
        return None;
    }
    let reason = atlas
        .layers
        .absent_reason(id)
        .map(str::to_string)
        .unwrap_or_else(|| "the atlas has no such layer".into());
    Some(OverlayError::PtAbsent { layer: id, reason })
}

/// Recompute public-transport access for a scenario and compare with today, for every area,
/// on the GTFS feeds of the data directory and the walk network. Without feeds (or without a
/// walk network to reach the stops) it is an error giving the reason, never an empty answer.
pub fn run_pt_scenario(
    atlas: &Atlas,
    data: &DataDir,
    scenario: &Scenario,
    measure: PtMeasure,
    walk: Option<&Network>,
) -> Result<ScenarioOutcome, OverlayError> {
    // Unknown site codes are the user's mistake whatever the data: say so first.
    scenario.sites(atlas)?;
    let walk = pt_walk_network(data, measure, walk)?;
    let feeds = pt_access::read_feeds(&data.root)?;
    run_pt_scenario_on(atlas, &feeds, scenario, measure, walk, &|| false)
}

/// The walk network public transport is routed with, or why the data directory cannot route it
/// (no feed, or no walk network to reach the stops) in [`pt_access::routable`]'s words, as
/// the error of a `measure` question.
pub fn pt_walk_network<'a>(
    data: &DataDir,
    measure: PtMeasure,
    walk: Option<&'a Network>,
) -> Result<&'a Network, OverlayError> {
    pt_access::routable(&data.root, walk).map_err(|(_, reason)| OverlayError::PtAbsent {
        layer: measure.layer_id(),
        reason,
    })
}

/// [`run_pt_scenario`] on feeds already read; `stop()` is asked before each area's run, and
/// when it says so the answer is [`OverlayError::Stopped`] (a server whose request timed out).
pub fn run_pt_scenario_on(
    atlas: &Atlas,
    feeds: &[crate::travel::transit::Feed],
    scenario: &Scenario,
    measure: PtMeasure,
    walk: &Network,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<ScenarioOutcome, OverlayError> {
    scenario.sites(atlas)?;
    let base = &atlas.gp_sites.sites;
    let sites: Vec<&crate::atlas::gp::GpSite> = base.iter().chain(&scenario.open).collect();
    let points: Vec<(f64, f64)> = sites.iter().map(|s| (s.lon, s.lat)).collect();
    let today: Vec<bool> = (0..sites.len()).map(|j| j < base.len()).collect();
    let then: Vec<bool> = (0..sites.len())
        .map(|j| j >= base.len() || !scenario.closes(&base[j]))
        .collect();
    let origins = atlas.centroids()?;
    let runs =
        pt_access::gp_pt_minutes_until(walk, feeds, &origins, &points, &[today, then], stop)?
            .ok_or(OverlayError::Stopped)?;
    let nearest = |k: usize| -> Nearest {
        let r = &runs[k];
        let (minutes, site) = match measure {
            PtMeasure::Pt => (&r.pt_min, &r.pt_nearest),
            PtMeasure::WalkOrPt => (&r.pt_walk_min, &r.nearest),
        };
        minutes
            .iter()
            .zip(site)
            .map(|(m, s)| Some((((*m)?), sites[(*s)?].code.clone())))
            .collect()
    };
    Ok(outcome(
        atlas,
        scenario,
        measure.as_str(),
        Method::Network,
        &nearest(0),
        &nearest(1),
    ))
}
