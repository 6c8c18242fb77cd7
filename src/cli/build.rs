//! `needsmap build`: compile the region's atlas snapshot (see `needsmap::atlas::snapshot`).

use super::args::{BuildArgs, Global};
use anyhow::Result;
use needsmap::atlas::snapshot::Outcome;
use std::io::Write;

pub fn run(g: &Global, a: &BuildArgs, out: &mut dyn Write) -> Result<()> {
    let started = std::time::Instant::now();
    let o = g.open(a.force)?;
    let how = match &o.outcome {
        Outcome::Opened => "already current".to_string(),
        Outcome::Built(why) => format!("built ({why})"),
    };
    writeln!(
        out,
        "{} {}: {} areas, {} layers, {} GP sites; {} ({:.1} MB) {how} in {:.1} s",
        o.atlas.region.title(),
        o.vintage,
        o.atlas.areas.len(),
        o.atlas.layers.len(),
        o.atlas.gp_sites.len(),
        o.path.display(),
        o.bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    )?;
    Ok(())
}
