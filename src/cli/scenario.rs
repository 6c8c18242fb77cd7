//! `needsmap scenario`: what changes if GP sites close or open.

use super::args::{DocFormat, Global, ModeTarget, ScenarioArgs};
use super::output::write_json;
use anyhow::Result;
use needsmap::model::ScenarioAnswer;
use needsmap::overlay::{self, Scenario};
use needsmap::report::table;
use needsmap::travel::{Network, TravelMode};
use std::io::Write;

pub fn run(g: &Global, args: &ScenarioArgs, out: &mut dyn Write) -> Result<()> {
    let outcome = match args.mode.target() {
        ModeTarget::Road(mode) => {
            // The networks the atlas's GP layers were routed on are routed on again: the OSM
            // file is parsed once.
            let (atlas, networks) = g.load_with_networks()?;
            let scenario = scenario(&atlas, args)?;
            overlay::run_scenario(&atlas, &scenario, mode, networks.as_ref())?
        }
        ModeTarget::Pt(measure) => {
            // Before and after are both routed here, so the compiled atlas is enough; only the
            // walk network is read, and only when there are feeds to route on.
            let atlas = g.load()?;
            let scenario = scenario(&atlas, args)?;
            let data = g.data();
            let walk = match overlay::network_path(&data, g.network.as_deref())? {
                Some(path) if !needsmap::pt_access::gtfs_feeds(&data.root).is_empty() => {
                    Some(Network::from_pbf(&path, TravelMode::Walk)?)
                }
                _ => None,
            };
            overlay::run_pt_scenario(&atlas, &data, &scenario, measure, walk.as_ref())?
        }
    };
    let answer = ScenarioAnswer::of(&outcome, None);
    match args.format {
        DocFormat::Json => write_json(out, &answer),
        DocFormat::Table => {
            writeln!(out, "close {:?}, open {:?}", args.close, args.open)?;
            Ok(write!(out, "{}", table::scenario(&answer))?)
        }
    }
}

/// The sites `--close` and `--open` name.
fn scenario(atlas: &needsmap::Atlas, args: &ScenarioArgs) -> Result<Scenario> {
    let mut scenario = Scenario {
        close: args.close.clone(),
        open: Vec::new(),
    };
    for (n, spec) in args.open.iter().enumerate() {
        scenario.open.push(Scenario::site_from(atlas, spec, n + 1)?);
    }
    Ok(scenario)
}
