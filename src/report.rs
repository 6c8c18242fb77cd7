//! Writing answers out: JSON, CSV and GeoJSON writers over the typed [`model`](crate::model)s,
//! shared by the CLI and the server so both say exactly the same thing. Terminal tables are in
//! [`table`].

pub mod locality;
pub mod table;

use crate::atlas::Atlas;
use crate::model::{AreaFeatureCollection, AreaList, AreaRows};
use crate::selection::Selection;
use serde::Serialize;
use std::io::{self, Write};
use std::str::FromStr;

pub use crate::model::round3;

/// Output formats of answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Geojson,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            "geojson" => Ok(Format::Geojson),
            other => Err(format!(
                "unknown format '{}': use table, json, csv or geojson",
                other.chars().take(20).collect::<String>()
            )),
        }
    }
}

/// Any answer as JSON; `pretty` for people, compact for programs.
pub fn write_json<W: Write, T: Serialize + ?Sized>(
    mut w: W,
    answer: &T,
    pretty: bool,
) -> io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut w, answer)?;
    } else {
        serde_json::to_writer(&mut w, answer)?;
    }
    w.flush()
}

/// CSV for spreadsheets: a UTF-8 byte-order mark and CRLF line ends so Excel opens it cleanly,
/// one header row (identity, centroid, layers in registry order), blank cells for missing values
/// (never 0). Rows are written one at a time.
pub fn write_csv<W: Write>(mut w: W, rows: AreaRows<'_>) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    csv.write_record(rows.columns())?;
    for row in rows.iter() {
        csv.serialize(row.csv_fields())?;
    }
    csv.flush()
}

/// The change between vintages as CSV, one row per LSOA 2021 area, written like [`write_csv`]
/// (byte-order mark, CRLF, blank cells for missing values).
pub fn write_compare_csv<W: Write>(
    mut w: W,
    answer: &crate::model::CompareAnswer,
) -> io::Result<()> {
    w.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    for row in &answer.rows {
        csv.serialize(row)?;
    }
    csv.flush()
}

/// A query's areas in a machine format (`json`, `csv` or `geojson`; a table is [`table::areas`]).
pub fn write_areas<W: Write>(
    w: W,
    format: Format,
    atlas: &Atlas,
    sel: &Selection,
    pretty: bool,
) -> io::Result<()> {
    match format {
        Format::Csv => write_csv(
            w,
            AreaRows {
                atlas,
                areas: &sel.areas,
            },
        ),
        Format::Geojson => match atlas.mapped() {
            Ok(()) => write_json(w, &AreaFeatureCollection::of(atlas, sel), false),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidInput, e.to_string())),
        },
        Format::Json => write_json(w, &AreaList::of(atlas, sel), pretty),
        Format::Table => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a table is not a machine format",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_in_any_case() {
        assert_eq!("CSV".parse::<Format>(), Ok(Format::Csv));
        assert!("xlsx".parse::<Format>().unwrap_err().contains("xlsx"));
    }
}
