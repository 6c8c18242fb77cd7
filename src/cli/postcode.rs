//! `needsmap postcode PC`: the postcode's LSOA, its headline figures and grant eligibility.

use super::args::{DocFormat, Global, PostcodeArgs};
use super::output::write_json;
use anyhow::Result;
use needsmap::model::PostcodeAnswer;
use needsmap::report::table;
use std::io::Write;

pub fn run(g: &Global, args: &PostcodeArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let answer = PostcodeAnswer::of(&atlas, &args.postcode)?;
    match args.format {
        DocFormat::Json => write_json(out, &answer),
        DocFormat::Table => Ok(write!(out, "{}", table::postcode(&answer))?),
    }
}
