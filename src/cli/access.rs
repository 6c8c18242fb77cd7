//! `needsmap access`: areas beyond (or within) a travel time of a GP, worst first.

use super::args::{AccessArgs, AreasFormat, Global, ModeTarget};
use super::output::{write_areas, write_json};
use super::UsageError;
use anyhow::{Context, Result};
use needsmap::model::{AccessAnswer, AreaList};
use needsmap::overlay;
use needsmap::report::table;
use needsmap::selection::AreaQuery;
use std::io::Write;

pub fn run(g: &Global, args: &AccessArgs, out: &mut dyn Write) -> Result<()> {
    let id = args.mode.layer_id();
    let text = filter_text(id, args.beyond, args.within, args.filter.as_deref())?;
    let atlas = g.load()?;
    atlas.mapped()?;
    // Public transport is answered only from the routed layers; when the atlas could not make
    // them (no GTFS feed), the reason it recorded is the answer.
    if let ModeTarget::Pt(measure) = args.mode.target() {
        if let Some(e) = overlay::pt_unavailable(&atlas, measure) {
            return Err(e.into());
        }
    }
    let q = AreaQuery::parse(&atlas, Some(&text), Some(&format!("{id}:desc")), None)
        .map_err(|e| UsageError(format!("{e} (in the filter `{text}`)")))?;
    let sel = q.run(&atlas);
    let layer = atlas
        .layers
        .get(id)
        .with_context(|| format!("the atlas has no {id} layer"))?;
    let answer = AccessAnswer {
        filter: text.clone(),
        layer: id,
        method: layer.meta.method,
        description: &layer.meta.description,
        missing: layer.values.missing(),
        result: AreaList::of(&atlas, &sel),
    };
    match args.format {
        AreasFormat::Table => Ok(write!(out, "{}", table::access(&answer))?),
        AreasFormat::Json => write_json(out, &answer),
        AreasFormat::Csv | AreasFormat::Geojson => write_areas(out, &atlas, &sel, args.format, &[]),
    }
}

/// The filter an access question stands for: `layer > beyond` or `layer <= within`, and the
/// user's extra filter.
fn filter_text(
    id: &str,
    beyond: Option<f64>,
    within: Option<f64>,
    extra: Option<&str>,
) -> Result<String, UsageError> {
    let base = match (beyond, within) {
        (Some(b), None) => format!("{id} > {b}"),
        (None, Some(w)) => format!("{id} <= {w}"),
        _ => {
            return Err(UsageError(
                "say --beyond MINUTES or --within MINUTES".into(),
            ))
        }
    };
    Ok(match extra {
        Some(extra) => format!("({base}) and ({extra})"),
        None => base,
    })
}

#[cfg(test)]
mod tests {
    use super::filter_text;

    #[test]
    fn access_questions_are_filters() {
        let f = |b, w, x| filter_text("gp_walk_min", b, w, x).map_err(|e| e.0);
        assert_eq!(f(Some(20.0), None, None).unwrap(), "gp_walk_min > 20");
        assert_eq!(f(None, Some(7.5), None).unwrap(), "gp_walk_min <= 7.5");
        assert_eq!(
            f(Some(20.0), None, Some("imd_decile <= 2")).unwrap(),
            "(gp_walk_min > 20) and (imd_decile <= 2)"
        );
        assert!(f(None, None, None).unwrap_err().contains("--beyond"));
        assert!(f(Some(1.0), Some(2.0), None).is_err());
    }
}
