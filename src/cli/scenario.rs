//! `needsmap scenario`: what changes if GP sites close or open.

use super::args::{DocFormat, Global, ScenarioArgs};
use super::output::{one_decimal, write_json};
use anyhow::Result;
use needsmap::overlay::{self, Scenario, ScenarioOutcome};
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
    match args.format {
        DocFormat::Json => write_json(out, &outcome),
        DocFormat::Table => write_table(out, args, &outcome),
    }
}

fn write_table(out: &mut dyn Write, args: &ScenarioArgs, outcome: &ScenarioOutcome) -> Result<()> {
    writeln!(
        out,
        "scenario ({} {}): close {:?}, open {:?}",
        outcome.mode, outcome.method, args.close, args.open
    )?;
    writeln!(
        out,
        "\n{:<10} {:<22} {:<15} {:>8} {:>8} {:>8} {:<10} {:<10} {:>6} {:>4}",
        "code", "name", "district", "before", "after", "change", "nearest", "then", "people", "imd"
    )?;
    let whole = |x: Option<f64>| one_decimal(x).trim_end_matches(".0").to_string();
    for c in &outcome.changes {
        writeln!(
            out,
            "{:<10} {:<22} {:<15} {:>8} {:>8} {:>8} {:<10} {:<10} {:>6} {:>4}",
            c.code,
            c.name,
            c.district,
            one_decimal(c.before_min),
            one_decimal(c.after_min),
            one_decimal(c.delta_min),
            c.nearest_before.as_deref().unwrap_or_default(),
            c.nearest_after.as_deref().unwrap_or_default(),
            whole(c.population),
            whole(c.imd_decile)
        )?;
    }
    writeln!(
        out,
        "\n{} areas change. People in those areas by IMD 2019 national decile:",
        outcome.changes.len()
    )?;
    for (d, (n, people, children)) in &outcome.by_imd_decile {
        writeln!(
            out,
            "  decile {d:>2}: {n:>3} areas, {people:>7.0} people, {children:>6.0} children"
        )?;
    }
    if outcome.method == "estimate" {
        writeln!(
            out,
            "(estimate: straight-line distance × each area's IoD2019 road/straight ratio; see `needsmap layers`)"
        )?;
    }
    Ok(())
}
