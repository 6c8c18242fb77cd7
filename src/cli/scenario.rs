//! `needsmap scenario`: what changes if GP sites close or open.

use super::args::{DocFormat, Global, ScenarioArgs};
use super::output::write_json;
use anyhow::Result;
use needsmap::model::ScenarioAnswer;
use needsmap::overlay::{self, Scenario};
use needsmap::report::table;
use std::io::Write;

pub fn run(g: &Global, args: &ScenarioArgs, out: &mut dyn Write) -> Result<()> {
    // The networks the atlas's GP layers were routed on are routed on again: the OSM file is
    // parsed once.
    let (atlas, networks) = g.load_with_networks()?;
    let mut scenario = Scenario {
        close: args.close.clone(),
        open: Vec::new(),
    };
    for (n, spec) in args.open.iter().enumerate() {
        scenario
            .open
            .push(Scenario::site_from(&atlas, spec, n + 1)?);
    }
    let outcome = overlay::run_scenario(&atlas, &scenario, args.mode.into(), networks.as_ref())?;
    let answer = ScenarioAnswer::of(&outcome, None);
    match args.format {
        DocFormat::Json => write_json(out, &answer),
        DocFormat::Table => {
            writeln!(out, "close {:?}, open {:?}", args.close, args.open)?;
            Ok(write!(out, "{}", table::scenario(&answer))?)
        }
    }
}
