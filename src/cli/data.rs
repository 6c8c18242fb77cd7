//! `needsmap data status` and `needsmap data fetch`: what is in the data directory, and
//! filling it.

use super::args::{DataAction, DocFormat, Global};
use super::output::write_json;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use needsmap::atlas::gp::GpKind;
use needsmap::atlas::layers::Group;
use needsmap::atlas::Atlas;
use needsmap::report;
use needsmap::sources::{DataDir, SourceState, SourceStatus};
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
    match format {
        DocFormat::Json => write_json(out, &report::status_json(&data, &status, atlas.as_ref())),
        DocFormat::Table => {
            write_sources(out, &data, &status)?;
            match &atlas {
                Some(atlas) => write_gp_summary(out, atlas),
                None => Ok(()),
            }
        }
    }
}

fn write_sources(out: &mut dyn Write, data: &DataDir, status: &[SourceStatus]) -> Result<()> {
    let mirror = data
        .mirror
        .as_ref()
        .map(|m| m.display().to_string())
        .unwrap_or_else(|| "none".into());
    writeln!(
        out,
        "data directory: {}   mirror: {mirror}\n",
        data.root.display()
    )?;
    writeln!(
        out,
        "{:<34} {:<32} {:<9} {:<10} vintage",
        "source", "state", "licence", "sha256"
    )?;
    for s in status {
        let sha = s.source.sha256.get(..8).unwrap_or("-");
        writeln!(
            out,
            "{:<34} {:<32} {:<9} {:<10} {}",
            s.source.id,
            s.state.to_string(),
            s.source.licence,
            sha,
            s.source.vintage
        )?;
    }
    Ok(())
}

fn write_gp_summary(out: &mut dyn Write, atlas: &Atlas) -> Result<()> {
    writeln!(
        out,
        "\nregion {}: {} LSOAs in {} districts",
        atlas.region,
        atlas.areas.len(),
        atlas.districts().len()
    )?;
    for (label, set) in [
        ("today", &atlas.gp_sites),
        ("on 2019-01-01 (IoD2019 reference)", &atlas.gp_sites_2019),
    ] {
        let practices = set
            .sites
            .iter()
            .filter(|s| s.kind == GpKind::Practice)
            .count();
        writeln!(
            out,
            "\nGP sites {label}: {} ({} practices, {} branch surgeries)",
            set.len(),
            practices,
            set.len() - practices
        )?;
        for ((kind, why), n) in &set.excluded {
            writeln!(out, "  excluded {n:>6} {kind:?}: {why}")?;
        }
    }
    for l in atlas
        .layers
        .iter()
        .filter(|l| l.meta.group == Group::GpAccess)
    {
        writeln!(
            out,
            "\n{}: {:?}, {} areas without a value. {}",
            l.meta.id,
            l.meta.method,
            l.values.missing(),
            l.meta.description
        )?;
    }
    Ok(())
}
