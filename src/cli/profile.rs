//! `needsmap profile`: a printable A4 locality profile of a district or ward, as one HTML file.

use super::args::{Global, ProfileArgs};
use super::UsageError;
use anyhow::{Context, Result};
use needsmap::locality::{self, LocalityError};
use needsmap::model::locality::PlaceKind;
use needsmap::report::locality::html;
use std::io::Write;

pub fn run(g: &Global, args: &ProfileArgs, out: &mut dyn Write) -> Result<()> {
    needsmap::summary::check_minutes(args.minutes).map_err(|e| UsageError(e.to_string()))?;
    let atlas = g.load()?;
    let usage = |e: LocalityError| anyhow::Error::new(UsageError(e.to_string()));
    let place = match (&args.ward, &args.district) {
        (Some(w), district) => {
            let p = locality::find(&atlas, PlaceKind::Ward, w).map_err(usage)?;
            if let Some(d) = district {
                let d = locality::find(&atlas, PlaceKind::District, d).map_err(usage)?;
                if p.district.as_deref() != Some(d.name.as_str()) {
                    return Err(UsageError(format!(
                        "ward {} ({}) is in {}, not {}",
                        p.name,
                        p.code,
                        p.district.unwrap_or_default(),
                        d.name
                    ))
                    .into());
                }
            }
            p
        }
        (None, Some(d)) => locality::find(&atlas, PlaceKind::District, d).map_err(usage)?,
        (None, None) => return Err(UsageError("give --district or --ward".into()).into()),
    };
    let england = locality::england_in(&g.data(), atlas.vintage);
    let profile = locality::profile(&atlas, &place, args.minutes, england).map_err(usage)?;
    let page = html(&profile);
    // Temporary name, then rename: a failed write never leaves half a page under the real name.
    let file_name = args
        .out
        .file_name()
        .with_context(|| format!("--out {} is not a file name", args.out.display()))?;
    let tmp = args
        .out
        .with_file_name(format!(".{}.partial", file_name.to_string_lossy()));
    std::fs::write(&tmp, page.as_bytes()).with_context(|| format!("writing {}", tmp.display()))?;
    if let Err(e) = std::fs::rename(&tmp, &args.out) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", args.out.display()));
    }
    writeln!(
        out,
        "wrote the profile of {} ({}, {} LSOAs) to {} ({} bytes)",
        profile.name,
        profile.code,
        profile.place.lsoas,
        args.out.display(),
        page.len()
    )?;
    Ok(())
}
