//! `needsmap layers`: every layer with its unit, source, method and direction, and the layers
//! the region cannot have yet with the reason; `--format js` writes the page's list of ids.

use super::args::{Global, LayersArgs, LayersFormat};
use super::output::write_json;
use anyhow::Result;
use needsmap::atlas::layers::catalogue;
use needsmap::model::LayerList;
use needsmap::report::table;
use std::io::Write;

pub fn run(g: &Global, args: &LayersArgs, out: &mut dyn Write) -> Result<()> {
    match args.format {
        // From the catalogue alone: no data is loaded.
        LayersFormat::Js => Ok(write!(out, "{}", catalogue::page_module())?),
        LayersFormat::Json => write_json(out, &LayerList::of(&g.load()?)),
        LayersFormat::Table => Ok(write!(
            out,
            "{}",
            table::layers(&LayerList::of(&g.load()?))
        )?),
    }
}
