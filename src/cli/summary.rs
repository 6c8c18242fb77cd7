//! `needsmap summary`: figures per district, ward or MSOA, as a table, JSON or CSV.

use super::args::{Global, SummaryArgs, SummaryFormat};
use super::output::write_json;
use super::UsageError;
use anyhow::Result;
use needsmap::report::table;
use needsmap::summary::{summarise, SummaryError};
use std::io::Write;

pub fn run(g: &Global, args: &SummaryArgs, out: &mut dyn Write) -> Result<()> {
    needsmap::summary::check_minutes(args.minutes).map_err(|e| UsageError(e.to_string()))?;
    let atlas = g.load()?;
    let answer = summarise(&atlas, args.by.into(), args.minutes).map_err(|e| match e {
        SummaryError::BadMinutes(_) | SummaryError::Unavailable(_) => UsageError(e.to_string()),
    })?;
    match args.format {
        SummaryFormat::Json => write_json(out, &answer)?,
        SummaryFormat::Csv => {
            out.write_all("\u{feff}".as_bytes())?;
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut *out);
            w.write_record(answer.csv_header())?;
            for r in answer.csv_rows() {
                w.write_record(r)?;
            }
            w.flush()?;
        }
        SummaryFormat::Table => write!(out, "{}", table::summary(&answer))?,
    }
    Ok(())
}
