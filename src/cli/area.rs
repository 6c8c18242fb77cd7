//! `needsmap area CODE`: the full profile of one LSOA.

use super::args::{AreaArgs, AreasFormat, Global};
use super::output::{write_areas, write_json};
use anyhow::Result;
use needsmap::model::AreaProfile;
use needsmap::report::table;
use needsmap::selection::{Selection, Totals};
use std::io::Write;

pub fn run(g: &Global, args: &AreaArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let (i, _) = atlas.area(&args.code)?;
    match args.format {
        AreasFormat::Json => write_json(out, &AreaProfile::of(&atlas, i)),
        AreasFormat::Table => {
            write!(out, "{}", table::profile(&AreaProfile::of(&atlas, i)))?;
            Ok(())
        }
        AreasFormat::Csv | AreasFormat::Geojson => {
            let sel = Selection {
                areas: vec![i],
                count: 1,
                totals: Totals::of(&atlas, &[i]),
            };
            write_areas(out, &atlas, &sel, args.format, &[])
        }
    }
}
