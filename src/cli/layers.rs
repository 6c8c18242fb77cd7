//! `needsmap layers`: every layer with its unit, source, method and direction.

use super::args::{Global, LayersArgs, LayersFormat};
use super::output::{wire_name, write_json};
use anyhow::Result;
use needsmap::atlas::Atlas;
use needsmap::report;
use std::io::Write;

pub fn run(g: &Global, args: &LayersArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    match args.format {
        LayersFormat::Json => write_json(out, &report::layers_json(&atlas)),
        LayersFormat::Table => write_table(out, &atlas),
    }
}

fn write_table(out: &mut dyn Write, atlas: &Atlas) -> Result<()> {
    writeln!(
        out,
        "{:<26} {:<45} {:<9} {:<18} {:<10} {:<16} vintage",
        "id", "title", "unit", "source", "method", "direction"
    )?;
    for l in atlas.layers.iter() {
        let m = &l.meta;
        writeln!(
            out,
            "{:<26} {:<45} {:<9} {:<18} {:<10} {:<16} {}",
            m.id,
            m.title,
            m.unit,
            m.source,
            wire_name(&m.method),
            wire_name(&m.direction),
            m.vintage
        )?;
    }
    Ok(())
}
