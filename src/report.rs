//! Writing areas out: JSON, CSV, GeoJSON and terminal tables, shared by the CLI and the server
//! so both say exactly the same thing.

use crate::atlas::layers::{Layer, Values};
use crate::atlas::Atlas;
use crate::selection::{Selection, Totals};
use crate::sources::iod::decile_of_rank;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::str::FromStr;

/// Output formats of area lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A number for JSON: whole numbers (ranks, deciles, counts) as integers, others to 3 d.p.
pub fn number_json(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        json!(x as i64)
    } else {
        json!(round3(x))
    }
}

/// Round for output: the official files publish three decimals; more would be false precision.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn layer_json(layer: &Layer, area: usize) -> Value {
    match &layer.values {
        Values::Number(v) => v[area].map(number_json).unwrap_or(Value::Null),
        Values::Text(v) => v[area].as_ref().map(|s| json!(s)).unwrap_or(Value::Null),
    }
}

/// One area as a flat JSON object: identity, centroid, then every layer (null when missing).
pub fn area_object(atlas: &Atlas, i: usize) -> Map<String, Value> {
    let a = &atlas.areas[i];
    let mut m = Map::new();
    m.insert("code".into(), json!(a.code));
    m.insert("name".into(), json!(a.name));
    m.insert("district".into(), json!(a.district));
    m.insert("district_code".into(), json!(a.district_code));
    m.insert("lon".into(), json!((a.centroid.x() * 1e6).round() / 1e6));
    m.insert("lat".into(), json!((a.centroid.y() * 1e6).round() / 1e6));
    for layer in atlas.layers.iter() {
        m.insert(layer.meta.id.clone(), layer_json(layer, i));
    }
    m
}

pub fn totals_json(t: &Totals) -> Value {
    json!({ "areas": t.areas, "population": t.population, "children": t.children, "children_income_deprived": t.children_income_deprived })
}

/// `{count, returned, totals, areas}`.
pub fn selection_json(atlas: &Atlas, sel: &Selection) -> Value {
    json!({
        "count": sel.count,
        "returned": sel.areas.len(),
        "totals": totals_json(&sel.totals),
        "areas": sel.areas.iter().map(|&i| Value::Object(area_object(atlas, i))).collect::<Vec<_>>(),
    })
}

/// The CSV column order: identity, centroid, then layers in registry order.
pub fn csv_header(atlas: &Atlas) -> Vec<String> {
    ["code", "name", "district", "district_code", "lon", "lat"]
        .iter()
        .map(|s| s.to_string())
        .chain(atlas.layers.ids().map(String::from))
        .collect()
}

/// CSV for spreadsheets: a UTF-8 byte-order mark and CRLF line ends so Excel opens it cleanly,
/// blank cells for missing values (never 0).
pub fn selection_csv(atlas: &Atlas, areas: &[usize]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let header = csv_header(atlas);
    w.write_record(&header).expect("writing to memory");
    for &i in areas {
        let obj = area_object(atlas, i);
        let row: Vec<String> = header
            .iter()
            .map(|k| match obj.get(k) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            })
            .collect();
        w.write_record(&row).expect("writing to memory");
    }
    let body =
        String::from_utf8(w.into_inner().expect("flush to memory")).expect("csv of UTF-8 strings");
    format!("\u{feff}{body}")
}

/// RFC 7946 FeatureCollection of the areas' polygons with their values as properties.
pub fn selection_geojson(atlas: &Atlas, sel: &Selection) -> Value {
    let features: Vec<Value> = sel
        .areas
        .iter()
        .map(|&i| {
            let geometry = geojson::Geometry::from(&atlas.areas[i].polygon);
            json!({ "type": "Feature", "id": atlas.areas[i].code, "geometry": geometry, "properties": Value::Object(area_object(atlas, i)) })
        })
        .collect();
    json!({ "type": "FeatureCollection", "count": sel.count, "totals": totals_json(&sel.totals), "features": features })
}

/// Columns shown in a terminal table: identity, the headline figures, and any extra fields the
/// user filtered or sorted on.
pub fn table(atlas: &Atlas, sel: &Selection, extra: &[&str]) -> String {
    let mut cols: Vec<&str> = vec![
        "code",
        "name",
        "district",
        "imd_score",
        "imd_rank",
        "imd_decile",
        "idaci_decile",
        "population",
        "children",
        "children_income_deprived",
    ];
    for f in extra {
        if !cols.contains(f) && atlas.layers.get(f).is_some() {
            cols.push(f);
        }
    }
    let rows: Vec<Vec<String>> = sel
        .areas
        .iter()
        .map(|&i| {
            let obj = area_object(atlas, i);
            cols.iter()
                .map(|c| match obj.get(*c) {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Null) | None => "–".into(),
                    Some(Value::Number(n)) => {
                        let x = n.as_f64().unwrap_or(f64::NAN);
                        if x.fract() == 0.0 {
                            format!("{x:.0}")
                        } else {
                            format!("{x:.3}")
                        }
                    }
                    Some(v) => v.to_string(),
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = cols.iter().map(|c| c.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}", w = *w))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(
        &mut out,
        &cols.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    line(
        &mut out,
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
    );
    for r in &rows {
        line(&mut out, r);
    }
    let t = &sel.totals;
    let _ = writeln!(
        out,
        "\n{} of {} areas match ({} shown). Population {:.0}, children 0-15 {:.0}, children in income-deprived families {:.0}.",
        sel.count,
        atlas.areas.len(),
        sel.areas.len(),
        t.population,
        t.children,
        t.children_income_deprived
    );
    out
}

/// A full profile of one area: every layer with national and regional rank/decile where they
/// exist, its sources, and the nearest GP sites.
pub fn profile(atlas: &Atlas, i: usize) -> Value {
    let a = &atlas.areas[i];
    let layers: Vec<Value> = atlas
        .layers
        .iter()
        .map(|l| {
            let (national_rank, national_decile) = match &l.meta.national {
                Some(n) => (atlas.number(&n.rank, i), atlas.number(&n.decile, i)),
                None => (None, None),
            };
            // Ranking ranks or deciles again would only produce ties: the regional position of
            // a score is given on the score's own row.
            let ranks = if matches!(l.meta.unit.as_str(), "rank" | "decile") {
                None
            } else {
                atlas.layers.regional_ranks(&l.meta.id)
            };
            let with_values = ranks
                .as_ref()
                .map(|r| r.iter().flatten().count())
                .unwrap_or(0);
            let county_rank = ranks.as_ref().and_then(|r| r[i]);
            let county_decile = county_rank.map(|r| decile_of_rank(r, with_values));
            json!({
                "id": l.meta.id,
                "title": l.meta.title,
                "unit": l.meta.unit,
                "value": layer_json(l, i),
                "national_rank": national_rank.map(number_json),
                "national_decile": national_decile.map(number_json),
                "county_rank": county_rank,
                "county_decile": county_decile,
                "county_of": with_values,
                "source": l.meta.source,
                "vintage": l.meta.vintage,
                "method": l.meta.method,
                "direction": l.meta.direction,
            })
        })
        .collect();
    let gp_sites: Vec<Value> = atlas
        .gp_sites
        .nearest(a.centroid.x(), a.centroid.y(), 3)
        .into_iter()
        .map(|(s, m)| json!({ "code": s.code, "name": s.name, "postcode": s.postcode, "kind": s.kind, "lon": s.lon, "lat": s.lat, "straight_km": round3(m / 1000.0) }))
        .collect();
    json!({
        "code": a.code,
        "name": a.name,
        "district": a.district,
        "district_code": a.district_code,
        "lon": a.centroid.x(),
        "lat": a.centroid.y(),
        "region": atlas.region.to_string(),
        "layers": layers,
        "gp_sites": gp_sites,
    })
}

/// Grant eligibility in words and flags: national IMD decile 1, or the region's top 10%.
pub fn eligibility(atlas: &Atlas, i: usize, postcode: &str) -> Value {
    let a = &atlas.areas[i];
    let national = atlas.number("imd_decile", i) == Some(1.0);
    let county = atlas.number("imd_county_decile", i) == Some(1.0);
    let decile = atlas.number("imd_decile", i).map(|d| d as u8);
    let region = atlas.region.title();
    let message = match (national, county) {
        (true, _) => format!(
            "{postcode} is in {} ({}), which is in the most deprived 10% of areas in England (IMD 2019 national decile 1){}: eligible.",
            a.name,
            a.code,
            if county { format!(" and in the most deprived 10% of {region}") } else { String::new() }
        ),
        (false, true) => format!(
            "{postcode} is in {} ({}), which is not in England's most deprived 10% (IMD 2019 decile {}) but is in the most deprived 10% of {region}: eligible under the county criterion only.",
            a.name,
            a.code,
            decile.map(|d| d.to_string()).unwrap_or_else(|| "unknown".into())
        ),
        (false, false) => format!(
            "{postcode} is in {} ({}), IMD 2019 national decile {}: not in the most deprived 10% nationally or in {region}, so not eligible on deprivation.",
            a.name,
            a.code,
            decile.map(|d| d.to_string()).unwrap_or_else(|| "unknown".into())
        ),
    };
    json!({ "national_top10": national, "county_top10": county, "message": message })
}

/// The layer registry with colouring hints, as `/api/layers` and `needsmap layers --format json` give it.
pub fn layers_json(atlas: &Atlas) -> Value {
    let layers: Vec<Value> = atlas
        .layers
        .iter()
        .map(|l| {
            let mut m = serde_json::to_value(&l.meta).expect("layer metadata serialises");
            let obj = m.as_object_mut().expect("object");
            obj.insert(
                "kind".into(),
                json!(if l.values.is_numeric() {
                    "number"
                } else {
                    "text"
                }),
            );
            if let Some((min, max, breaks)) = l.breaks() {
                obj.insert("min".into(), json!(round3(min)));
                obj.insert("max".into(), json!(round3(max)));
                obj.insert("breaks".into(), json!(breaks));
            }
            obj.insert("missing".into(), json!(l.values.missing()));
            m
        })
        .collect();
    json!({ "region": atlas.region.to_string(), "areas": atlas.areas.len(), "layers": layers })
}

/// A postcode's LSOA, its headline figures and grant eligibility.
pub fn postcode_json(atlas: &Atlas, input: &str) -> Result<Value, crate::atlas::AtlasError> {
    let (point, i) = atlas.postcode(input)?;
    let pc = point.postcode.to_string();
    let eligible = eligibility(atlas, i, &pc);
    Ok(json!({
        "postcode": pc,
        "lon": (point.lon * 1e6).round() / 1e6,
        "lat": (point.lat * 1e6).round() / 1e6,
        "easting": point.easting,
        "northing": point.northing,
        "area": Value::Object(area_object(atlas, i)),
        "eligible": { "national_top10": eligible["national_top10"], "county_top10": eligible["county_top10"] },
        "message": eligible["message"],
    }))
}

/// `data status` as JSON: sources and, when the atlas loaded, GP site counts and exclusions.
pub fn status_json(
    data: &crate::sources::DataDir,
    status: &[crate::sources::SourceStatus],
    atlas: Option<&Atlas>,
) -> Value {
    let sources: Vec<Value> = status
        .iter()
        .map(|s| json!({ "id": s.source.id, "state": s.state, "path": s.path, "licence": s.source.licence, "vintage": s.source.vintage, "sha256": s.source.sha256, "url": s.source.url, "needed_for": s.source.needed_for }))
        .collect();
    let gp = atlas.map(|a| {
        let summary = |set: &crate::atlas::gp::GpSites| {
            json!({
                "sites": set.len(),
                "excluded": set.excluded.iter().map(|((k, why), n)| json!({ "kind": k, "reason": why, "count": n })).collect::<Vec<_>>(),
            })
        };
        json!({ "region": a.region.to_string(), "areas": a.areas.len(), "current": summary(&a.gp_sites), "reference_2019": summary(&a.gp_sites_2019) })
    });
    json!({ "data_dir": data.root, "mirror": data.mirror, "sources": sources, "atlas": gp })
}
