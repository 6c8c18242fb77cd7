//! Writing answers: area lists in any of the four formats, JSON documents, and the plain text
//! of a JSON value in a table cell.

use super::args::AreasFormat;
use anyhow::Result;
use needsmap::atlas::Atlas;
use needsmap::report;
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
    match format {
        AreasFormat::Table => write!(out, "{}", report::table(atlas, sel, extra))?,
        AreasFormat::Json => write_json(out, &report::selection_json(atlas, sel))?,
        AreasFormat::Csv => out.write_all(report::selection_csv(atlas, &sel.areas).as_bytes())?,
        AreasFormat::Geojson => writeln!(
            out,
            "{}",
            serde_json::to_string(&report::selection_geojson(atlas, sel))?
        )?,
    }
    Ok(())
}

/// A JSON document, pretty-printed, with a final newline.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// How serde names a value (an enum's snake_case name), for a table cell.
pub fn wire_name(v: &impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A JSON value as table text: strings bare, missing values as a dash.
pub fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "–".into(),
        other => other.to_string(),
    }
}

/// A number to one decimal for a table, a dash when missing.
pub fn one_decimal(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "–".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use needsmap::atlas::layers::Method;

    #[test]
    fn cells_say_what_serde_says() {
        assert_eq!(wire_name(&Method::Network), "network");
        assert_eq!(plain(&serde_json::json!("x")), "x");
        assert_eq!(plain(&serde_json::Value::Null), "–");
        assert_eq!(plain(&serde_json::json!(3)), "3");
        assert_eq!(one_decimal(Some(2.26)), "2.3");
        assert_eq!(one_decimal(None), "–");
    }
}
