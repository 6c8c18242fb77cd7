//! `needsmap postcode PC`: the postcode's LSOA, its headline figures and grant eligibility, under
//! `--vintage` and under the other vintage too (IMD 2019 on LSOA 2011, IMD 2025 on LSOA 2021).

use super::args::{DocFormat, Global, PostcodeArgs};
use super::output::write_json;
use anyhow::Result;
use needsmap::model::{PostcodeAnswer, VintageEligibility};
use needsmap::report::table;
use needsmap::vintage::Vintage;
use std::io::Write;

pub fn run(g: &Global, args: &PostcodeArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let input = args.postcode.join(" ");
    // The other vintages: an atlas that cannot be opened is named in the answer, not fatal.
    let mut others = Vec::new();
    let mut unavailable = Vec::new();
    for v in Vintage::ALL.into_iter().filter(|v| *v != g.vintage) {
        match g.open_vintage(v, false) {
            Ok(o) => others.push(o.atlas),
            Err(e) => unavailable.push(VintageEligibility::unavailable(v, &format!("{e:#}"))),
        }
    }
    let refs: Vec<&needsmap::Atlas> = others.iter().collect();
    let mut answer = PostcodeAnswer::of_vintages(&atlas, &refs, &input)?;
    answer.add_unavailable(unavailable);
    match args.format {
        DocFormat::Json => write_json(out, &answer),
        DocFormat::Table => Ok(write!(out, "{}", table::postcode(&answer))?),
    }
}
