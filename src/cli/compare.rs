//! `needsmap compare`: the change between IMD 2019 and IMD 2025 for every LSOA 2021 area of the
//! region. Always read from the IoD2025 atlas, whatever `--vintage` says: the comparison lives
//! on the 2021 areas.

use super::args::{CompareArgs, CompareFormat, Global};
use super::output::write_json;
use anyhow::Result;
use needsmap::model::CompareAnswer;
use needsmap::report::{self, table};
use needsmap::vintage::Vintage;
use std::io::Write;

pub fn run(g: &Global, args: &CompareArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.open_vintage(Vintage::V2025, false)?.atlas;
    let answer = CompareAnswer::of(&atlas)?;
    match args.format {
        CompareFormat::Json => write_json(out, &answer),
        CompareFormat::Csv => Ok(report::write_compare_csv(&mut *out, &answer)?),
        CompareFormat::Table => Ok(write!(out, "{}", table::compare(&answer))?),
    }
}
