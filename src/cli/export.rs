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
    remove_partial_on_signal(&args.file);
    let atlas = Arc::new(g.load()?);
    if args.format != ExportFormat::Csv {
        atlas.mapped()?;
    }
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

/// Ctrl-C or SIGTERM during an export: remove the temporary file (the target was never touched)
/// and exit 130, so an interrupted export leaves nothing behind. Unwinding cannot do this, since a
/// signal does not unwind.
fn remove_partial_on_signal(target: &std::path::Path) {
    let Some(tmp) = export::partial_path(target) else {
        return;
    };
    let target = target.to_path_buf();
    // Register both signals here, before the export starts, not later in the thread.
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
    else {
        return;
    };
    let signals = {
        let _in_rt = rt.enter();
        signal(SignalKind::interrupt()).and_then(|i| Ok((i, signal(SignalKind::terminate())?)))
    };
    let Ok((mut int, mut term)) = signals else {
        return;
    };
    std::thread::spawn(move || {
        rt.block_on(async {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        });
        match std::fs::remove_file(&tmp) {
            Ok(()) => eprintln!(
                "interrupted: removed the partial file {}; {} is unchanged",
                tmp.display(),
                target.display()
            ),
            // Not started yet, or already renamed: either way nothing half-written is there.
            Err(_) => eprintln!(
                "interrupted: no partial file of {} was left",
                target.display()
            ),
        }
        std::process::exit(130);
    });
}
