//! Locality profiles: one printable page per district (= locality partnership) or ward, from the
//! same figures as the summaries ([`crate::summary`]), beside the county and England.

use crate::atlas::child_poverty::latest_label;
use crate::atlas::layers::catalogue::source;
use crate::atlas::layers::ids;
use crate::atlas::Atlas;
use crate::model::locality::{EnglandFigures, LocalityProfile, LsoaLine, MsoaLine, PlaceKind};
use crate::model::SummaryLevel;
use crate::sources::child_poverty::msoa_name_of_lsoa11;
use crate::sources::iod::IodRow;
use crate::sources::iod2025::{self, Indicators2025, Iod2025Row};
use crate::sources::DataDir;
use crate::summary::{
    check_minutes, gp_modes, method_of, row_of, vintage_notes, MsoaSizes, SummaryError,
};
use crate::vintage::Vintage;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// How many LSOAs the "most deprived" table lists.
pub const MOST_DEPRIVED: usize = 10;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LocalityError {
    #[error("no {kind} '{query}' in {region}: known {kind}s are {known}")]
    Unknown {
        kind: &'static str,
        query: String,
        region: String,
        known: String,
    },
    #[error("'{query}' names {count} wards ({codes}): use the ward code")]
    Ambiguous {
        query: String,
        count: usize,
        codes: String,
    },
    #[error(transparent)]
    Summary(#[from] SummaryError),
}

/// A place and its LSOAs.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub kind: PlaceKind,
    pub code: String,
    pub name: String,
    pub district: Option<String>,
    pub areas: Vec<usize>,
}

/// Find a district (by code or name, any case) or a ward (by code, or by a name that is unique);
/// an LSOA code stands for its district, or the ward it is assigned to.
pub fn find(atlas: &Atlas, kind: PlaceKind, query: &str) -> Result<Place, LocalityError> {
    let q = query.trim();
    let short: String = q.chars().take(60).collect();
    match kind {
        PlaceKind::District => {
            let districts = atlas.districts();
            let hit = districts.iter().find(|(code, name, _)| {
                code.eq_ignore_ascii_case(q) || name.eq_ignore_ascii_case(q)
            });
            // An LSOA code stands for the district it lies in.
            let via_area = || {
                let i = atlas.index_of(&q.to_ascii_uppercase())?;
                districts
                    .iter()
                    .find(|(c, _, _)| *c == atlas.areas[i].district_code)
            };
            let Some((code, name, _)) = hit.or_else(via_area) else {
                return Err(LocalityError::Unknown {
                    kind: "district",
                    query: short,
                    region: atlas.region.title(),
                    known: districts
                        .iter()
                        .map(|(c, n, _)| format!("{n} ({c})"))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            Ok(Place {
                kind,
                code: code.clone(),
                name: name.clone(),
                district: None,
                areas: (0..atlas.areas.len())
                    .filter(|&i| &atlas.areas[i].district_code == code)
                    .collect(),
            })
        }
        PlaceKind::Ward => {
            let (Some(codes), Some(names)) = (
                atlas.layers.get(ids::WARD),
                atlas.layers.get(ids::WARD_NAME),
            ) else {
                return Err(SummaryError::Unavailable(
                    "this atlas has no ward layer (wards are mirrored for Gloucestershire)".into(),
                )
                .into());
            };
            // Ward code → (name, district, areas).
            let mut wards: BTreeMap<&str, (&str, &str, Vec<usize>)> = BTreeMap::new();
            for i in 0..atlas.areas.len() {
                if let (Some(c), Some(n)) = (codes.text(i), names.text(i)) {
                    wards
                        .entry(c)
                        .or_insert((n, &atlas.areas[i].district, Vec::new()))
                        .2
                        .push(i);
                }
            }
            let by_code = wards.iter().find(|(c, _)| c.eq_ignore_ascii_case(q));
            let by_name: Vec<_> = wards
                .iter()
                .filter(|(_, (n, _, _))| n.eq_ignore_ascii_case(q))
                .collect();
            // An LSOA code stands for the ward it is assigned to.
            let via_area = atlas
                .index_of(&q.to_ascii_uppercase())
                .and_then(|i| codes.text(i))
                .and_then(|c| wards.iter().find(|(w, _)| **w == c));
            let (code, (name, district, areas)) = match (by_code.or(via_area), by_name.as_slice()) {
                (Some(hit), _) => hit,
                (None, [one]) => *one,
                (None, []) => {
                    return Err(LocalityError::Unknown {
                        kind: "ward",
                        query: short,
                        region: atlas.region.title(),
                        known: format!(
                            "{} wards with LSOAs assigned, e.g. {}",
                            wards.len(),
                            wards
                                .iter()
                                .take(3)
                                .map(|(c, (n, _, _))| format!("{n} ({c})"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })
                }
                (None, many) => {
                    return Err(LocalityError::Ambiguous {
                        query: short,
                        count: many.len(),
                        codes: many
                            .iter()
                            .map(|(c, (_, d, _))| format!("{c} in {d}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                }
            };
            Ok(Place {
                kind,
                code: code.to_string(),
                name: name.to_string(),
                district: Some(district.to_string()),
                areas: areas.clone(),
            })
        }
    }
}

/// England's figures from the national IoD2019 rows (English LSOAs only).
pub fn england(rows: &[IodRow]) -> EnglandFigures {
    let e: Vec<&IodRow> = rows.iter().filter(|r| r.code.starts_with("E01")).collect();
    let population: f64 = e.iter().map(|r| r.population).sum();
    let share = |x: f64, of: f64| if of > 0.0 { x / of } else { 0.0 };
    let in_dec = |max: u8| {
        let hit: Vec<&&IodRow> = e.iter().filter(|r| r.imd.decile <= max).collect();
        (
            share(hit.len() as f64, e.len() as f64),
            share(hit.iter().map(|r| r.population).sum(), population),
        )
    };
    let (l1, p1) = in_dec(1);
    let (l2, p2) = in_dec(2);
    EnglandFigures {
        lsoas: e.len(),
        population: Some(population),
        children: Some(e.iter().map(|r| r.children).sum()),
        children_income_deprived: Some(e.iter().map(|r| r.idaci_score * r.children).sum()),
        imd_score_weighted: Some(share(
            e.iter().map(|r| r.imd.score * r.population).sum(),
            population,
        )),
        share_lsoas_decile1: l1,
        share_people_decile1: Some(p1),
        share_lsoas_decile1_2: l2,
        share_people_decile1_2: Some(p2),
    }
}

/// England's figures from the national IoD2025 rows and File 8 indicators (English LSOAs 2021):
/// areas and the official IDACI numerator; no people figures (no population in the mirror).
pub fn england_2025(
    rows: &[Iod2025Row],
    indicators: &HashMap<String, Indicators2025>,
) -> EnglandFigures {
    let e: Vec<&Iod2025Row> = rows.iter().filter(|r| r.code.starts_with("E01")).collect();
    let share = |max: u8| {
        let hit = e.iter().filter(|r| r.imd.decile <= max).count();
        if e.is_empty() {
            0.0
        } else {
            hit as f64 / e.len() as f64
        }
    };
    EnglandFigures {
        lsoas: e.len(),
        population: None,
        children: None,
        children_income_deprived: Some(
            e.iter()
                .filter_map(|r| indicators.get(&r.code)?.idaci_numerator)
                .sum(),
        ),
        imd_score_weighted: None,
        share_lsoas_decile1: share(1),
        share_people_decile1: None,
        share_lsoas_decile1_2: share(2),
        share_people_decile1_2: None,
    }
}

/// England's figures in `vintage`, read from the data directory's national files.
pub fn england_in(data: &DataDir, vintage: Vintage) -> Result<EnglandFigures, String> {
    let text = |e: crate::sources::SourceError| e.to_string();
    match vintage {
        Vintage::V2019 => {
            let path = data.require("iod2019").map_err(text)?;
            let rows = crate::sources::iod::read_file7(&path).map_err(text)?;
            Ok(england(&rows))
        }
        Vintage::V2025 => {
            let rows = iod2025::read_imd2025(&data.require(source::IOD2025).map_err(text)?, None)
                .map_err(text)?;
            let indicators = iod2025::read_indicators2025(
                &data.require(source::IOD2025_INDICATORS).map_err(text)?,
                None,
            )
            .map_err(text)?;
            Ok(england_2025(&rows, &indicators))
        }
    }
}

/// The profile of `place`. `england` is `Err(reason)` when the national file was not read.
pub fn profile(
    atlas: &Atlas,
    place: &Place,
    minutes: f64,
    england: Result<EnglandFigures, String>,
) -> Result<LocalityProfile, LocalityError> {
    let minutes = check_minutes(minutes)?;
    let is_district = place.kind == PlaceKind::District;
    let sizes = MsoaSizes::of(atlas);
    let row = row_of(
        atlas,
        &place.code,
        &place.name,
        place.district.clone(),
        &place.areas,
        minutes,
        is_district.then_some(&sizes),
    );
    let all: Vec<usize> = (0..atlas.areas.len()).collect();
    let county = row_of(
        atlas,
        &atlas.region.to_string(),
        &atlas.region.title(),
        None,
        &all,
        minutes,
        Some(&sizes),
    );
    let num = |id: &str, i: usize| atlas.number(id, i);
    let mut ranked = place.areas.clone();
    ranked.sort_by(|&a, &b| {
        num(ids::IMD_RANK, a)
            .unwrap_or(f64::MAX)
            .total_cmp(&num(ids::IMD_RANK, b).unwrap_or(f64::MAX))
    });
    let ward_name = atlas.layers.get(ids::WARD_NAME);
    let most_deprived = ranked
        .iter()
        .take(MOST_DEPRIVED)
        .map(|&i| LsoaLine {
            code: atlas.areas[i].code.clone(),
            name: atlas.areas[i].name.clone(),
            ward: ward_name.and_then(|l| l.text(i)).map(String::from),
            imd_rank: num(ids::IMD_RANK, i),
            imd_decile: num(ids::IMD_DECILE, i),
            idaci_decile: num(ids::IDACI_DECILE, i),
            population: num(ids::POPULATION, i),
            children: num(ids::CHILDREN, i),
            children_income_deprived: num(ids::CHILDREN_INCOME_DEPRIVED, i),
        })
        .collect();
    // MSOAs touched by the place: whole-MSOA figures, with how many of their LSOAs are in it.
    let msoa_code = atlas.layers.get(ids::MSOA);
    let mut in_region: BTreeMap<String, usize> = BTreeMap::new();
    for (i, a) in atlas.areas.iter().enumerate() {
        if let Some(c) = msoa_code.and_then(|l| l.text(i)) {
            let _ = a;
            *in_region.entry(c.to_string()).or_default() += 1;
        }
    }
    let mut msoas: BTreeMap<String, MsoaLine> = BTreeMap::new();
    for &i in &place.areas {
        let Some(code) = msoa_code.and_then(|l| l.text(i)) else {
            continue;
        };
        let latest = num(ids::CHILD_POVERTY_MSOA, i);
        let change = num(ids::CHILD_POVERTY_MSOA_CHANGE, i);
        let line = msoas.entry(code.to_string()).or_insert_with(|| MsoaLine {
            code: code.to_string(),
            name: msoa_name_of_lsoa11(&atlas.areas[i].name)
                .unwrap_or("")
                .to_string(),
            fye2015: latest.zip(change).map(|(l, c)| l - c),
            fye2022: latest,
            change,
            rate: num(ids::CHILD_POVERTY_MSOA_RATE, i).map(|r| (r * 10.0).round() / 10.0),
            lsoas_in_place: 0,
            lsoas: in_region.get(code).copied().unwrap_or(0),
        });
        line.lsoas_in_place += 1;
    }
    let mut msoas: Vec<MsoaLine> = msoas.into_values().collect();
    msoas.sort_by(|a, b| {
        b.fye2022
            .unwrap_or(-1.0)
            .total_cmp(&a.fye2022.unwrap_or(-1.0))
    });
    let (england, england_note) = match england {
        Ok(e) => (Some(e), None),
        Err(why) => (None, Some(why)),
    };
    let modes = gp_modes(atlas);
    let mut notes = vintage_notes(atlas);
    notes.push(match atlas.vintage {
        Vintage::V2019 => "Children in income-deprived families = IDACI 2019 score × children aged 0-15: the IDACI numerator up to the rounding of the published score.".to_string(),
        Vintage::V2025 => "Children in income-deprived families = the official IDACI 2025 numerator (File 8, a count as published), summed over the LSOAs.".to_string(),
    });
    if modes.iter().any(|m| m.estimate) {
        notes.push("GP-access times marked ESTIMATE were modelled without a road network (IoD2019 road distance and a detour factor), not routed.".into());
    }
    Ok(LocalityProfile {
        kind: place.kind,
        code: place.code.clone(),
        name: place.name.clone(),
        district: place.district.clone(),
        vintage: atlas.vintage.describe(),
        edition: atlas.vintage,
        method: method_of(
            atlas,
            if is_district {
                SummaryLevel::District
            } else {
                SummaryLevel::Ward
            },
        ),
        place: row,
        county,
        england,
        england_note,
        minutes,
        gp_modes: modes,
        most_deprived,
        msoas,
        msoa_note: if is_district {
            "MSOAs 2011 nest in districts: these are the district's MSOAs, whole.".into()
        } else {
            "MSOAs 2011 do not nest in wards: these are the whole MSOAs containing the ward's LSOAs (\"LSOAs here\" of the MSOA's LSOAs), not ward figures.".into()
        },
        child_poverty_note: if atlas.layers.get(ids::CHILD_POVERTY_MSOA).is_some() {
            format!(
                "DWP Children in Low Income Families (relative low income, under 16), {}; published for MSOAs 2011 only. The rate per 100 children uses the mid-2015 population aged 0-15 (IoD2019 File 6) summed over the MSOA's LSOAs: computed by needsmap, not DWP's rate.",
                latest_label()
            )
        } else {
            crate::summary::child_poverty_note(atlas, SummaryLevel::District)
        },
        map_svg: map_svg(atlas, &place.areas),
        sources: atlas.sources.clone(),
        notes,
    })
}

/// Colours of national IMD deciles 1 (most deprived) … 10, a colour-blind-safe diverging ramp.
pub const DECILE_COLOURS: [&str; 10] = [
    "#a50026", "#d73027", "#f46d43", "#fdae61", "#fee090", "#e0f3f8", "#abd9e9", "#74add1",
    "#4575b4", "#313695",
];

/// An SVG map of `areas`, each LSOA filled by its national IMD decile, in a local equirectangular
/// projection (longitude scaled by cos(latitude)), 1000 units wide.
pub fn map_svg(atlas: &Atlas, areas: &[usize]) -> String {
    let (mut w, mut s, mut e, mut n) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &i in areas {
        let Some(b) = atlas.areas[i].shape.as_ref().map(|s| s.bbox) else {
            continue;
        };
        w = w.min(b.min().x);
        s = s.min(b.min().y);
        e = e.max(b.max().x);
        n = n.max(b.max().y);
    }
    if areas.is_empty() {
        return String::new();
    }
    let k = ((s + n) / 2.0).to_radians().cos();
    let width = 1000.0;
    let scale = width / ((e - w) * k).max(1e-9);
    let height = ((n - s) * scale).max(1.0).ceil();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"LSOAs coloured by national IMD {} decile\">",
        atlas.vintage.year()
    );
    for &i in areas {
        let a = &atlas.areas[i];
        let decile = atlas.number(ids::IMD_DECILE, i);
        let fill = decile
            .map(|d| DECILE_COLOURS[(d as usize).clamp(1, 10) - 1])
            .unwrap_or("#cccccc");
        let mut d = String::new();
        for poly in a.shape.iter().flat_map(|s| &s.polygon.0) {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for (j, c) in ring.0.iter().enumerate() {
                    let x = (c.x - w) * k * scale;
                    let y = (n - c.y) * scale;
                    let _ = write!(d, "{}{x:.1},{y:.1}", if j == 0 { "M" } else { "L" });
                }
                d.push('Z');
            }
        }
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"1\" fill-rule=\"evenodd\"><title>{} {} — IMD decile {}</title></path>",
            crate::report::locality::escape(&a.code),
            crate::report::locality::escape(&a.name),
            decile.map(|d| d.to_string()).unwrap_or_else(|| "–".into())
        );
    }
    out.push_str("</svg>");
    out
}
