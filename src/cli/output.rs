//! Writing answers: area lists in any of the four formats and JSON documents, all through the
//! typed models of `needsmap::model` and the writers of `needsmap::report`.

use super::args::AreasFormat;
use anyhow::Result;
use needsmap::atlas::Atlas;
use needsmap::model::AreaList;
use needsmap::report::{self, table};
use needsmap::selection::Selection;
use serde::Serialize;
use std::io::Write;

/// A list of areas: the terminal table shows `extra` columns after the headline ones; CSV is
/// written byte for byte as the library makes it (the HTTP API serves the same bytes).
pub fn write_areas(
    out: &mut dyn Write,
    atlas: &Atlas,
    sel: &Selection,
    format: AreasFormat,
    extra: &[&str],
) -> Result<()> {
    if format == AreasFormat::Geojson {
        atlas.mapped()?;
    }
    match format {
        AreasFormat::Table => write!(out, "{}", table::areas(&AreaList::of(atlas, sel), extra))?,
        machine => {
            report::write_areas(&mut *out, machine.into(), atlas, sel, true)?;
            if machine != AreasFormat::Csv {
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

/// A JSON document, pretty-printed, with a final newline.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    report::write_json(&mut *out, value, true)?;
    writeln!(out)?;
    Ok(())
}
