//! `needsmap export pmtiles|geojson|csv FILE`: the map's tiles as one PMTiles archive for any
//! static file host, or the full table of areas for GIS users.

use super::args::{ExportArgs, Global};
use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use needsmap::export::{self, ExportFormat, PmtilesOptions};
use needsmap::server::tiles::{AreaTiles, LayerPick};
use std::io::Write;
use std::sync::Arc;

pub fn run(g: &Global, args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = Arc::new(g.load()?);
    let (summary, what) = match args.format {
        ExportFormat::Pmtiles => {
            let opts = PmtilesOptions {
                minzoom: args.minzoom,
                maxzoom: args.maxzoom,
                layers: LayerPick::parse(&atlas, &args.layers)?,
            };
            let bar = ProgressBar::new(0)
                .with_style(ProgressStyle::with_template(
                    "{msg} {bar:40} {pos}/{len} tiles ({eta})",
                )?)
                .with_message(format!("writing {}", args.file.display()));
            let tiles = AreaTiles::new(atlas)?;
            let s = export::write_pmtiles(&tiles, &args.file, &opts, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            (s, "tiles")
        }
        table => (export::write_table(&atlas, table, &args.file)?, "areas"),
    };
    writeln!(
        out,
        "wrote {} ({} {what}, {} bytes)",
        args.file.display(),
        summary.items,
        summary.bytes
    )?;
    Ok(())
}
