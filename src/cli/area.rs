//! `needsmap area CODE`: the full profile of one LSOA.

use super::args::{AreaArgs, AreasFormat, Global};
use super::output::{plain, write_areas, write_json};
use anyhow::Result;
use needsmap::report;
use needsmap::selection::{Selection, Totals};
use serde_json::Value;
use std::io::Write;

pub fn run(g: &Global, args: &AreaArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let (i, _) = atlas.area(&args.code)?;
    match args.format {
        AreasFormat::Json => write_json(out, &report::profile(&atlas, i)),
        AreasFormat::Table => write_profile(out, &ProfileView::of(&report::profile(&atlas, i))),
        AreasFormat::Csv | AreasFormat::Geojson => {
            let sel = Selection {
                areas: vec![i],
                count: 1,
                totals: Totals::of(&atlas, &[i]),
            };
            write_areas(out, &atlas, &sel, args.format, &[])
        }
    }
}

/// The profile as the table shows it: every cell already text.
struct ProfileView {
    code: String,
    name: String,
    district: String,
    district_code: String,
    lon: f64,
    lat: f64,
    layers: Vec<LayerRow>,
    gp_sites: Vec<[String; 5]>,
}

struct LayerRow {
    id: String,
    value: String,
    national_rank: String,
    national_decile: String,
    /// "rank/of" or a dash.
    county_rank: String,
    county_decile: String,
    method: String,
    source: String,
    vintage: String,
}

impl ProfileView {
    /// The one place the profile answer is read field by field (by key until it is typed).
    fn of(p: &Value) -> ProfileView {
        let text = |v: &Value| v.as_str().unwrap_or("").to_string();
        let layers = p["layers"].as_array().into_iter().flatten();
        let sites = p["gp_sites"].as_array().into_iter().flatten();
        ProfileView {
            code: text(&p["code"]),
            name: text(&p["name"]),
            district: text(&p["district"]),
            district_code: text(&p["district_code"]),
            lon: p["lon"].as_f64().unwrap_or(f64::NAN),
            lat: p["lat"].as_f64().unwrap_or(f64::NAN),
            layers: layers
                .map(|l| LayerRow {
                    id: plain(&l["id"]),
                    value: plain(&l["value"]),
                    national_rank: plain(&l["national_rank"]),
                    national_decile: plain(&l["national_decile"]),
                    county_rank: match (&l["county_rank"], &l["county_of"]) {
                        (Value::Null, _) => "–".to_string(),
                        (r, n) => format!("{}/{}", plain(r), plain(n)),
                    },
                    county_decile: plain(&l["county_decile"]),
                    method: plain(&l["method"]),
                    source: plain(&l["source"]),
                    vintage: plain(&l["vintage"]),
                })
                .collect(),
            gp_sites: sites
                .map(|s| ["code", "name", "postcode", "straight_km", "kind"].map(|k| plain(&s[k])))
                .collect(),
        }
    }
}

fn write_profile(out: &mut dyn Write, p: &ProfileView) -> Result<()> {
    writeln!(
        out,
        "{} {} ({}, {})",
        p.code, p.name, p.district, p.district_code
    )?;
    writeln!(
        out,
        "population-weighted centroid: {:.5}, {:.5}\n",
        p.lon, p.lat
    )?;
    writeln!(
        out,
        "{:<26} {:>12} {:>10} {:>9} {:>11} {:>9}  {:<10} source (vintage)",
        "layer", "value", "nat. rank", "nat. dec", "county rank", "cty dec", "method"
    )?;
    for l in &p.layers {
        writeln!(
            out,
            "{:<26} {:>12} {:>10} {:>9} {:>11} {:>9}  {:<10} {} ({})",
            l.id,
            l.value,
            l.national_rank,
            l.national_decile,
            l.county_rank,
            l.county_decile,
            l.method,
            l.source,
            l.vintage,
        )?;
    }
    writeln!(out, "\nnearest GP sites (straight line):")?;
    for [code, name, postcode, km, kind] in &p.gp_sites {
        writeln!(
            out,
            "  {code:<10} {name:<40} {postcode:<9} {km:>7} km  ({kind})"
        )?;
    }
    Ok(())
}
