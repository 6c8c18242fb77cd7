//! `needsmap layers`: every layer with its unit, source, method and direction.

use super::args::{Global, LayersArgs, LayersFormat};
use super::output::write_json;
use anyhow::Result;
use needsmap::model::{LayerList, LayerStats};
use needsmap::report::table;
use std::io::Write;

pub fn run(g: &Global, args: &LayersArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let stats = LayerStats::of(&atlas);
    let list = LayerList::of(&atlas, &stats);
    match args.format {
        LayersFormat::Json => write_json(out, &list),
        LayersFormat::Table => Ok(write!(out, "{}", table::layers(&list))?),
    }
}
