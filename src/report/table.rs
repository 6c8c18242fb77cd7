//! Terminal tables, written from the same models as JSON and CSV.

use crate::model::{
    AccessAnswer, AreaList, AreaProfile, Cell, CompareAnswer, LayerList, PostcodeAnswer,
    ScenarioAnswer, StatusAnswer,
};
use std::fmt::Write as _;

/// What a missing value looks like in a table.
const MISSING: &str = "–";

fn show(c: Option<Cell>) -> String {
    c.map(|c| c.to_string()).unwrap_or_else(|| MISSING.into())
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map(|v| v.to_string()).unwrap_or_else(|| MISSING.into())
}

/// Columns padded to their widest cell, a rule under the header.
pub fn grid(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|c| c.chars().count()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        let parts: Vec<String> = cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}", w = *w))
            .collect();
        let _ = writeln!(out, "{}", parts.join("  ").trim_end());
    };
    line(&mut header.iter().map(|s| s.to_string()));
    line(&mut widths.iter().map(|w| "-".repeat(*w)));
    for r in rows {
        line(&mut r.iter().cloned());
    }
    out
}

/// Areas: identity, the headline figures, and any `extra` layers the user filtered or sorted on.
pub fn areas(list: &AreaList, extra: &[&str]) -> String {
    let mut cols = vec![
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
        if !cols.contains(f) && list.areas.atlas.layers.get(f).is_some() {
            cols.push(f);
        }
    }
    let rows: Vec<Vec<String>> = list
        .areas
        .iter()
        .map(|r| cols.iter().map(|c| show(r.get(c))).collect())
        .collect();
    let t = &list.totals;
    let whole = |x: Option<f64>| match x {
        Some(v) => format!("{v:.0}"),
        None => "not available in this vintage".into(),
    };
    format!(
        "{}\n{} of {} areas match ({} shown). Population {}, children 0-15 {}, children in income-deprived families {}.\n",
        grid(&cols, &rows),
        list.count,
        list.areas.atlas.areas.len(),
        list.returned,
        whole(t.population),
        whole(t.children),
        whole(t.children_income_deprived)
    )
}

/// Who lives beyond (or within) a travel time, and how the times were obtained.
pub fn access(a: &AccessAnswer) -> String {
    let mut out = areas(&a.result, &[a.layer, "gp_nearest", "gp_road_km_iod2019"]);
    let _ = writeln!(out, "method: {}. {}", serde_plain(&a.method), a.description);
    if a.missing > 0 {
        let _ = writeln!(
            out,
            "{} areas have no {} value and are in neither list.",
            a.missing, a.layer
        );
    }
    out
}

/// One area: every layer with its national and regional position, then the nearest GP sites.
pub fn profile(p: &AreaProfile) -> String {
    let mut out = format!(
        "{} {} ({}, {}; IMD {}, {})\ncentroid, {}{}\n\n",
        p.code,
        p.name,
        p.district,
        p.district_code,
        p.vintage,
        p.vintage.geography(),
        p.centroid,
        match (p.lon, p.lat) {
            (Some(lon), Some(lat)) => format!(": {lon:.5}, {lat:.5}"),
            _ => String::new(),
        }
    );
    let header = [
        "layer",
        "value",
        "nat. rank",
        "nat. dec",
        "county rank",
        "cty dec",
        "method",
        "source (vintage)",
    ];
    let rows: Vec<Vec<String>> = p
        .layers
        .iter()
        .map(|l| {
            let county = l.county_rank.map(|r| format!("{r}/{}", l.county_of));
            vec![
                l.id.into(),
                show(l.value),
                opt(l.national_rank),
                opt(l.national_decile),
                opt(county),
                opt(l.county_decile),
                serde_plain(&l.method),
                format!("{} ({})", l.source, l.vintage),
            ]
        })
        .collect();
    out += &grid(&header, &rows);
    out += "\nnearest GP sites (straight line):\n";
    for s in &p.gp_sites {
        let _ = writeln!(
            out,
            "  {:<10} {:<40} {:<9} {:>7} km  ({})",
            s.code,
            s.name,
            s.postcode,
            s.straight_km,
            serde_plain(&s.kind)
        );
    }
    out
}

/// A postcode's area, headline figures and eligibility.
pub fn postcode(a: &PostcodeAnswer) -> String {
    let mut out = format!("{}\n\n", a.message);
    for (k, v) in [
        ("postcode", a.postcode.clone()),
        ("lon", a.lon.to_string()),
        ("lat", a.lat.to_string()),
    ] {
        let _ = writeln!(out, "{k:<28} {v}");
    }
    for key in [
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
    ] {
        let _ = writeln!(out, "{key:<28} {}", show(a.area.get(key)));
    }
    let _ = writeln!(
        out,
        "{:<28} {}\n{:<28} {}",
        "national_top10", a.eligible.national_top10, "county_top10", a.eligible.county_top10
    );
    if a.vintages.len() > 1 {
        out.push_str("\nunder each vintage\n");
        let rows: Vec<Vec<String>> = a
            .vintages
            .iter()
            .map(|v| {
                let n = |x: Option<u8>| x.map(|d| d.to_string()).unwrap_or_else(|| MISSING.into());
                let yes = |f: fn(&crate::model::Eligibility) -> bool| {
                    v.eligible
                        .as_ref()
                        .map(|e| if f(e) { "yes" } else { "no" }.to_string())
                        .unwrap_or_else(|| MISSING.into())
                };
                vec![
                    format!("IMD {}", v.vintage),
                    v.geography.to_string(),
                    v.code.clone().unwrap_or_else(|| MISSING.into()),
                    n(v.imd_decile),
                    n(v.imd_county_decile),
                    yes(|e| e.national_top10),
                    yes(|e| e.county_top10),
                ]
            })
            .collect();
        out.push_str(&grid(
            &[
                "vintage",
                "geography",
                "lsoa",
                "imd_decile",
                "county_decile",
                "national_top10",
                "county_top10",
            ],
            &rows,
        ));
    }
    out
}

/// The change between IMD 2019 and IMD 2025: counts by status, then one row per LSOA 2021 area.
pub fn compare(c: &CompareAnswer) -> String {
    let mut out = format!(
        "{} {} areas of {}: IMD 2019 (carried through the 2011→2021 lookup) and IMD 2025.\n{}\n\n",
        c.areas, c.geography, c.region, c.rule
    );
    let counts = |m: &std::collections::BTreeMap<&str, usize>| {
        crate::vintage::Top10Status::ALL
            .iter()
            .map(|s| format!("{} {}", s.as_str(), m.get(s.as_str()).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "England's most deprived 10%: {}", counts(&c.national));
    let _ = writeln!(
        out,
        "the region's most deprived 10%: {}\n",
        counts(&c.county)
    );
    let rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            vec![
                r.lsoa21.to_string(),
                r.name.to_string(),
                opt(r.lsoa11),
                opt(r.lookup),
                opt(r.imd_decile_2019),
                opt(r.imd_decile_2025),
                opt(r.decile_change),
                opt(r.county_decile_2019),
                opt(r.county_decile_2025),
                opt(r.top10_status),
                opt(r.top10_status_county),
            ]
        })
        .collect();
    out.push_str(&grid(
        &[
            "lsoa21",
            "name",
            "lsoa11",
            "lookup",
            "imd_2019",
            "imd_2025",
            "change",
            "county_2019",
            "county_2025",
            "top10",
            "top10_county",
        ],
        &rows,
    ));
    out
}

/// The layer registry.
pub fn layers(list: &LayerList) -> String {
    let rows: Vec<Vec<String>> = list
        .layers
        .iter()
        .map(|l| {
            vec![
                l.id.into(),
                l.title.into(),
                l.unit.into(),
                l.source.into(),
                serde_plain(&l.method),
                serde_plain(&l.direction),
                l.vintage.into(),
            ]
        })
        .collect();
    let mut out = grid(
        &[
            "id",
            "title",
            "unit",
            "source",
            "method",
            "direction",
            "vintage",
        ],
        &rows,
    );
    for a in list.absent {
        let _ = writeln!(out, "{:<26} {:<45} absent: {}", a.id, a.title, a.reason);
    }
    out
}

/// The data directory, and the GP sites when the atlas loaded.
pub fn status(s: &StatusAnswer) -> String {
    let mut out = format!(
        "data directory: {}   mirror: {}\n\n",
        s.data_dir.display(),
        s.mirror
            .map(|m| m.display().to_string())
            .unwrap_or_else(|| "none".into())
    );
    let rows: Vec<Vec<String>> = s
        .sources
        .iter()
        .map(|r| {
            vec![
                r.id.into(),
                r.state.to_string(),
                r.licence.into(),
                if r.sha256.is_empty() {
                    "-".into()
                } else {
                    r.sha256.chars().take(8).collect()
                },
                r.vintage.into(),
            ]
        })
        .collect();
    out += &grid(&["source", "state", "licence", "sha256", "vintage"], &rows);
    if let Some(a) = &s.atlas {
        let _ = writeln!(
            out,
            "\nregion {}: {} LSOAs in {} districts",
            a.region, a.areas, a.districts
        );
        for (label, set) in [
            ("today", &a.current),
            ("on 2019-01-01 (IoD2019 reference)", &a.reference_2019),
        ] {
            let _ = writeln!(
                out,
                "\nGP sites {label}: {} ({} practices, {} branch surgeries)",
                set.sites,
                set.practices,
                set.sites - set.practices
            );
            for e in &set.excluded {
                let _ = writeln!(
                    out,
                    "  excluded {:>6} {}: {}",
                    e.count,
                    serde_plain(&e.kind),
                    e.reason
                );
            }
        }
        for l in &a.gp_access {
            let _ = writeln!(
                out,
                "\n{}: {}, {} areas without a value. {}",
                l.id,
                serde_plain(&l.method),
                l.missing,
                l.description
            );
        }
    }
    out
}

/// Areas whose nearest-GP time changes under a scenario, and who lives there.
pub fn scenario(s: &ScenarioAnswer) -> String {
    let f = |x: Option<f64>| {
        x.map(|v| format!("{v:.1}"))
            .unwrap_or_else(|| MISSING.into())
    };
    let whole = |x: Option<f64>| {
        x.map(|v| format!("{v:.0}"))
            .unwrap_or_else(|| MISSING.into())
    };
    let rows: Vec<Vec<String>> = s
        .changes
        .iter()
        .map(|c| {
            let site = |x: Option<&str>| x.unwrap_or("").to_string();
            vec![
                c.code.into(),
                c.name.into(),
                c.district.into(),
                f(c.before_min),
                f(c.after_min),
                f(c.delta_min),
                site(c.nearest_before),
                site(c.nearest_after),
                whole(c.population),
                whole(c.imd_decile),
            ]
        })
        .collect();
    let mut out = format!("scenario ({} {})\n{}\n\n", s.mode, s.method, s.summary);
    out += &grid(
        &[
            "code", "name", "district", "before", "after", "change", "nearest", "then", "people",
            "imd",
        ],
        &rows,
    );
    let _ = writeln!(
        out,
        "\n{} areas change. People in those areas by IMD 2019 national decile:",
        s.changes.len()
    );
    for d in &s.by_imd_decile {
        let _ = writeln!(
            out,
            "  decile {:>2}: {:>3} areas, {:>7.0} people, {:>6.0} children",
            d.decile, d.areas, d.people, d.children
        );
    }
    if s.method == "estimate" {
        out += "(estimate: straight-line distance × each area's IoD2019 road/straight ratio; see `needsmap layers`)\n";
    }
    out
}

/// An enum's serde name (`estimate`, `higher_is_worse`), as JSON writes it.
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A figure to `places` decimals, or "n/a" where the vintage has none.
fn na(x: Option<f64>, places: usize) -> String {
    x.map(|v| format!("{v:.places$}"))
        .unwrap_or_else(|| "n/a".into())
}

/// A summary: one line per row and the region's total, then the method and notes.
pub fn summary(s: &crate::model::SummaryAnswer) -> String {
    let modes: Vec<&str> = s
        .gp_modes
        .iter()
        .filter(|m| m.method.is_some())
        .map(|m| m.mode.as_str())
        .collect();
    let mut header: Vec<String> = [
        s.by.as_str(),
        "name",
        "LSOAs",
        "population",
        "children",
        "income-deprived children",
        "IMD score (pop-weighted)",
        "LSOAs dec 1",
        "% LSOAs dec 1",
        "% people dec 1-2",
        "child poverty",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    for m in &modes {
        header.push(format!("people >{}min {m}", s.minutes));
    }
    let line = |r: &crate::model::SummaryRow| {
        let mut v = vec![
            r.code.clone(),
            r.name.clone(),
            r.lsoas.to_string(),
            na(r.population, 0),
            na(r.children, 0),
            na(r.children_income_deprived, 0),
            opt(r.imd_score_weighted.map(|x| format!("{x:.1}"))),
            r.lsoas_decile1.to_string(),
            format!("{:.1}", r.share_lsoas_decile1 * 100.0),
            na(r.share_people_decile1_2.map(|x| x * 100.0), 1),
            opt(r.child_poverty.map(|x| format!("{x:.0}"))),
        ];
        for g in &r.gp_beyond {
            v.push(na(g.people, 0));
        }
        v
    };
    let mut rows: Vec<Vec<String>> = s.rows.iter().map(line).collect();
    rows.push(line(&s.region_total));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut out = grid(&header, &rows);
    let _ = writeln!(out, "\nmethod: {}", s.method);
    let _ = writeln!(out, "child poverty: {}", s.child_poverty);
    for m in &s.gp_modes {
        match (&m.method, &m.absent_reason) {
            (Some(method), _) => {
                let _ = writeln!(
                    out,
                    "GP access {}: {} ({method}{})",
                    m.mode,
                    m.title,
                    if m.estimate {
                        ", includes estimates"
                    } else {
                        ""
                    }
                );
            }
            (None, Some(why)) => {
                let _ = writeln!(out, "GP access {}: {why}", m.mode);
            }
            (None, None) => {}
        }
    }
    for n in &s.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}
