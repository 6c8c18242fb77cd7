//! `needsmap postcode PC`: the postcode's LSOA, its headline figures and grant eligibility.

use super::args::{DocFormat, Global, PostcodeArgs};
use super::output::{plain, write_json};
use anyhow::Result;
use needsmap::report;
use serde_json::Value;
use std::io::Write;

/// The area fields the table shows, in order.
const AREA_FIELDS: [&str; 12] = [
    "code",
    "name",
    "district",
    "imd_score",
    "imd_rank",
    "imd_decile",
    "imd_county_decile",
    "idaci_decile",
    "children",
    "children_income_deprived",
    "gp_walk_min",
    "gp_car_min",
];

pub fn run(g: &Global, args: &PostcodeArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let answer = report::postcode_json(&atlas, &args.postcode)?;
    match args.format {
        DocFormat::Json => write_json(out, &answer),
        DocFormat::Table => write_table(out, &PostcodeView::of(&answer)),
    }
}

/// The postcode answer as the table shows it.
struct PostcodeView {
    message: String,
    /// (label, text) rows: the postcode's own fields, then its area's.
    rows: Vec<(&'static str, String)>,
    national_top10: bool,
    county_top10: bool,
}

impl PostcodeView {
    /// The one place the postcode answer is read field by field (by key until it is typed).
    fn of(answer: &Value) -> PostcodeView {
        let area = &answer["area"];
        let own = ["postcode", "lon", "lat"].map(|k| (k, plain(&answer[k])));
        let of_area = AREA_FIELDS.map(|k| (k, plain(&area[k])));
        PostcodeView {
            message: answer["message"].as_str().unwrap_or("").to_string(),
            rows: own.into_iter().chain(of_area).collect(),
            national_top10: answer["eligible"]["national_top10"] == true,
            county_top10: answer["eligible"]["county_top10"] == true,
        }
    }
}

fn write_table(out: &mut dyn Write, v: &PostcodeView) -> Result<()> {
    writeln!(out, "{}\n", v.message)?;
    for (key, text) in &v.rows {
        writeln!(out, "{key:<28} {text}")?;
    }
    writeln!(out, "{:<28} {}", "national_top10", v.national_top10)?;
    writeln!(out, "{:<28} {}", "county_top10", v.county_top10)?;
    Ok(())
}
