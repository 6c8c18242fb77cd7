//! `needsmap data status` and `needsmap data fetch`: what is in the data directory, and
//! filling it.

use super::args::{DataAction, DocFormat, Global};
use super::output::write_json;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use needsmap::model::StatusAnswer;
use needsmap::report::table;
use needsmap::sources::SourceState;
use std::io::Write;

pub fn run(g: &Global, action: &DataAction, out: &mut dyn Write) -> Result<()> {
    match action {
        DataAction::Fetch { all } => fetch(g, *all, out),
        DataAction::Status { format } => status(g, *format, out),
    }
}

/// Fetch the sources the product needs (all of them with `all`), with a progress bar. A road
/// network that cannot be fetched is reported but is not a failure: travel times are estimated.
fn fetch(g: &Global, all: bool, out: &mut dyn Write) -> Result<()> {
    let data = g.data();
    let wanted: Vec<_> = data
        .manifest
        .sources
        .iter()
        .filter(|s| all || matches!(s.needed_for.as_str(), "core" | "gp"))
        .cloned()
        .collect();
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")?;
    let bar = ProgressBar::new(wanted.len() as u64).with_style(style);
    let mut failures = Vec::new();
    for s in &wanted {
        bar.set_message(s.id.clone());
        match data.fetch(&s.id) {
            Ok((path, how)) => bar.println(format!("{:<34} {:?} -> {}", s.id, how, path.display())),
            Err(e) => {
                bar.println(format!("{:<34} FAILED: {e}", s.id));
                if !matches!(s.needed_for.as_str(), "network" | "optional") {
                    failures.push(s.id.clone());
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if !failures.is_empty() {
        bail!(
            "could not fetch: {} (see the messages above for where to get each)",
            failures.join(", ")
        );
    }
    writeln!(out, "data directory {} is ready", data.root.display())?;
    Ok(())
}

/// Which sources are present and verified; with the core ones present, the atlas is loaded to
/// count GP sites and say how each GP-access layer was made.
fn status(g: &Global, format: DocFormat, out: &mut dyn Write) -> Result<()> {
    let data = g.data();
    let status = data.status();
    let core_missing = status
        .iter()
        .any(|s| s.source.needed_for == "core" && s.state == SourceState::Missing);
    let atlas = if core_missing {
        None
    } else {
        Some(g.load().context("loading the atlas to count GP sites")?)
    };
    let answer = StatusAnswer::of(&data, &status, atlas.as_ref());
    match format {
        DocFormat::Json => write_json(out, &answer),
        DocFormat::Table => Ok(write!(out, "{}", table::status(&answer))?),
    }
}
