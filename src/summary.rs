//! Summaries above the LSOA, for the six locality partnerships (= districts), wards and MSOAs:
//! who lives there, how deprived, child poverty, and who is far from a GP.
//!
//! LSOAs nest exactly in districts and MSOAs of their own census (an LSOA's MSOA is read from its
//! name: MSOA 2011 for IoD2019, MSOA 2021 for IoD2025). They do not nest in wards: each LSOA
//! counts wholly in the ward containing its centroid (the `ward` layer, see
//! [`crate::atlas::wards`]), and every answer says so. A vintage without population (IoD2025 here)
//! answers areas, not people: its people figures are `None`, never 0.

use crate::atlas::child_poverty::latest_label;
use crate::atlas::layers::{ids, Method};
use crate::atlas::v2025::CENTROID_INTERIOR;
use crate::atlas::Atlas;
use crate::model::geojson::GeoJsonType;
use crate::model::summary::{
    GpBeyond, GpMode, SummaryAnswer, SummaryFeature, SummaryFeatureCollection, SummaryLevel,
    SummaryRow,
};
use crate::sources::child_poverty::msoa_name_of_lsoa11;
use crate::vintage::Vintage;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The default GP-access threshold, minutes.
pub const DEFAULT_MINUTES: f64 = 45.0;

/// The GP-access layers a summary counts, by mode name.
pub const GP_MODES: [(&str, &str); 5] = [
    ("walk", ids::GP_WALK_MIN),
    ("cycle", ids::GP_CYCLE_MIN),
    ("car", ids::GP_CAR_MIN),
    ("pt", ids::GP_PT_MIN),
    ("pt_walk", ids::GP_PT_WALK_MIN),
];

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SummaryError {
    #[error("minutes must be a number above 0 and at most 600, not {0}")]
    BadMinutes(f64),
    #[error("{0}")]
    Unavailable(String),
}

/// The LSOAs of one row: code, name, district, area indices.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub district: Option<String>,
    pub areas: Vec<usize>,
}

/// How LSOAs are assigned at a level, in words for the `method` field.
pub fn method_of(atlas: &Atlas, level: SummaryLevel) -> String {
    let lsoa = match atlas.vintage {
        Vintage::V2019 => "LSOAs 2011",
        Vintage::V2025 => "LSOAs 2021",
    };
    match level {
        SummaryLevel::District => {
            let unplaced = atlas
                .areas
                .iter()
                .filter(|a| a.district == crate::atlas::v2025::DISTRICT_NOT_MIRRORED)
                .count();
            if unplaced == 0 {
                format!("{lsoa} nest exactly in districts: every LSOA counts in its own district.")
            } else {
                // England 2025 without its LSOA 2021 files: districts come from IoD2019 by code
                format!(
                    "{lsoa} nest exactly in districts, but the data mirror has no LSOA 2021 to district lookup for this region: an area takes the IoD2019 district of the same LSOA code (codes ONS kept for areas unchanged since 2011), and the {unplaced} areas new since 2011 form one row without a district."
                )
            }
        }
        SummaryLevel::Msoa => match atlas.vintage {
            Vintage::V2019 => "LSOAs 2011 nest exactly in MSOAs 2011: an LSOA's MSOA is read from its name (\"Gloucester 001A\" lies in \"Gloucester 001\").".into(),
            Vintage::V2025 => "LSOAs 2021 nest exactly in MSOAs 2021: an LSOA's MSOA is read from its name (\"Gloucester 001A\" lies in \"Gloucester 001\"), its code from ONS's MSOA 2021 boundaries.".into(),
        },
        SummaryLevel::Ward => {
            let ward = atlas.layers.get(ids::WARD);
            let count = |f: &dyn Fn(usize) -> bool| {
                (0..atlas.areas.len())
                    .filter(|&i| ward.and_then(|l| l.text(i)).is_some() && f(i))
                    .count()
            };
            let estimated = count(&|i| ward.is_some_and(|l| l.method_of(i) == Method::Estimate));
            let centroid = match atlas.layers.get(ids::CENTROID_BASIS) {
                Some(basis) => {
                    let interior = count(&|i| basis.text(i) == Some(CENTROID_INTERIOR));
                    format!(
                        "its centroid: ONS's population-weighted centroid for the {} areas unchanged since 2011, and a point inside the polygon for the {interior} other areas (ONS's LSOA 2021 population-weighted centroids are not in the data mirror)",
                        count(&|_| true) - interior
                    )
                }
                None => "its population-weighted centroid".into(),
            };
            format!(
                "Wards (May 2025) and {lsoa} do not nest: each LSOA counts wholly in the ward of its district that contains {centroid}{}. Ward figures are therefore approximate: an LSOA that straddles a ward boundary counts in one ward.",
                if estimated > 0 {
                    format!(" ({estimated} LSOAs whose centroid lies in no ward, because the boundary files are generalised differently, went to the nearest ward)")
                } else {
                    String::new()
                }
            )
        }
    }
}

/// The layer giving each area's MSOA code at the MSOA level: MSOA 2021 on LSOA 2021 areas.
fn msoa_layer(atlas: &Atlas) -> &'static str {
    match atlas.vintage {
        Vintage::V2019 => ids::MSOA,
        Vintage::V2025 => ids::MSOA21,
    }
}

/// The rows of a level, sorted by district then name; and the LSOAs in none.
pub fn groups(atlas: &Atlas, level: SummaryLevel) -> Result<(Vec<Group>, usize), SummaryError> {
    let mut map: BTreeMap<(String, String, String), Vec<usize>> = BTreeMap::new();
    let mut unassigned = 0;
    match level {
        SummaryLevel::District => {
            for (i, a) in atlas.areas.iter().enumerate() {
                map.entry((String::new(), a.district.clone(), a.district_code.clone()))
                    .or_default()
                    .push(i);
            }
        }
        SummaryLevel::Ward => {
            let (Some(code), Some(name)) = (
                atlas.layers.get(ids::WARD),
                atlas.layers.get(ids::WARD_NAME),
            ) else {
                let why = atlas
                    .layers
                    .absent_reason(ids::WARD)
                    .map(str::to_string)
                    .unwrap_or_else(|| "this atlas has no ward layer".into());
                return Err(SummaryError::Unavailable(format!(
                    "ward summaries are not available: {why}"
                )));
            };
            for (i, a) in atlas.areas.iter().enumerate() {
                match (code.text(i), name.text(i)) {
                    (Some(c), Some(n)) => map
                        .entry((a.district.clone(), n.to_string(), c.to_string()))
                        .or_default()
                        .push(i),
                    _ => unassigned += 1,
                }
            }
        }
        SummaryLevel::Msoa => {
            let codes = atlas.layers.get(msoa_layer(atlas));
            for (i, a) in atlas.areas.iter().enumerate() {
                match msoa_name_of_lsoa11(&a.name) {
                    Some(n) => {
                        let code = codes.and_then(|l| l.text(i)).unwrap_or(n).to_string();
                        map.entry((a.district.clone(), n.to_string(), code))
                            .or_default()
                            .push(i)
                    }
                    None => unassigned += 1,
                }
            }
        }
    }
    let rows = map
        .into_iter()
        .map(|((district, name, code), areas)| Group {
            code,
            name,
            district: (level != SummaryLevel::District).then_some(district),
            areas,
        })
        .collect();
    Ok((rows, unassigned))
}

fn round(x: f64, places: i32) -> f64 {
    let m = 10f64.powi(places);
    (x * m).round() / m + 0.0
}

/// The figures of a set of LSOAs. With `child_poverty` (the atlas's [`MsoaSizes`]) it sums each
/// whole MSOA once (all its LSOAs carry the same MSOA-level count), and only when every MSOA it
/// touches lies wholly in the set; pass `None` where MSOAs are not meant to be summed (wards). People figures are `None` when the
/// atlas has no population layer.
pub fn row_of(
    atlas: &Atlas,
    code: &str,
    name: &str,
    district: Option<String>,
    areas: &[usize],
    minutes: f64,
    child_poverty: Option<&MsoaSizes>,
) -> SummaryRow {
    let num = |id: &str, i: usize| atlas.number(id, i);
    let has = |id: &str| atlas.layers.get(id).is_some();
    let sum =
        |id: &str| has(id).then(|| areas.iter().filter_map(|&i| num(id, i)).sum::<f64>() + 0.0);
    let people_in = |hit: &mut dyn Iterator<Item = usize>| {
        has(ids::POPULATION).then(|| hit.filter_map(|i| num(ids::POPULATION, i)).sum::<f64>() + 0.0)
    };
    let population = sum(ids::POPULATION);
    let share = |x: f64, of: f64| if of > 0.0 { round(x / of, 4) } else { 0.0 };
    let share_people = |x: Option<f64>| Some(share(x?, population?));
    let decile = |max: f64| {
        let hit: Vec<usize> = areas
            .iter()
            .copied()
            .filter(|&i| num(ids::IMD_DECILE, i).is_some_and(|d| d <= max))
            .collect();
        let people = people_in(&mut hit.iter().copied());
        (hit.len(), people)
    };
    let (d1, p1) = decile(1.0);
    let (d2, p2) = decile(2.0);
    let weighted: f64 = areas
        .iter()
        .filter_map(|&i| Some(num(ids::IMD_SCORE, i)? * num(ids::POPULATION, i)?))
        .sum();
    let (cp, msoas) = match child_poverty {
        Some(sizes) => whole_msoas(atlas, areas, sizes),
        None => (None, 0),
    };
    let gp_beyond = GP_MODES
        .iter()
        .filter_map(|&(mode, id)| {
            let layer = atlas.layers.get(id)?;
            let (mut beyond, mut without) = (Vec::new(), 0);
            for &i in areas {
                match layer.number(i) {
                    Some(t) if t > minutes => beyond.push(i),
                    Some(_) => {}
                    None => without += 1,
                }
            }
            let people = people_in(&mut beyond.iter().copied());
            Some(GpBeyond {
                mode: mode.into(),
                people,
                lsoas: beyond.len(),
                share_people: share_people(people),
                lsoas_without_time: without,
            })
        })
        .collect();
    SummaryRow {
        code: code.into(),
        name: name.into(),
        district,
        lsoas: areas.len(),
        population,
        children: sum(ids::CHILDREN),
        children_income_deprived: sum(ids::CHILDREN_INCOME_DEPRIVED).map(|x| round(x, 1)),
        imd_score_weighted: population
            .filter(|&p| p > 0.0)
            .map(|p| round(weighted / p, 3)),
        lsoas_decile1: d1,
        share_lsoas_decile1: share(d1 as f64, areas.len() as f64),
        people_decile1: p1,
        share_people_decile1: share_people(p1),
        lsoas_decile1_2: d2,
        share_lsoas_decile1_2: share(d2 as f64, areas.len() as f64),
        people_decile1_2: p2,
        share_people_decile1_2: share_people(p2),
        child_poverty: cp,
        child_poverty_msoas: msoas,
        gp_beyond,
    }
}

/// How many of the atlas's areas lie in each MSOA (the `msoa` layer): a row sums an MSOA's
/// child-poverty count only when it holds all of them. Counted once per answer, not per row.
pub struct MsoaSizes<'a>(HashMap<&'a str, usize>);

impl<'a> MsoaSizes<'a> {
    pub fn of(atlas: &'a Atlas) -> MsoaSizes<'a> {
        let mut sizes = HashMap::new();
        if let Some(layer) = atlas.layers.get(ids::MSOA) {
            for i in 0..atlas.areas.len() {
                if let Some(m) = layer.text(i) {
                    *sizes.entry(m).or_insert(0) += 1;
                }
            }
        }
        MsoaSizes(sizes)
    }
}

/// Child poverty of `areas` as the sum of whole MSOAs (the count is MSOA-level), with how many
/// MSOAs: `None` unless every area has an MSOA with a count and every MSOA touched lies wholly
/// in `areas` (an MSOA 2011 split across two MSOAs 2021 belongs to neither).
fn whole_msoas(atlas: &Atlas, areas: &[usize], sizes: &MsoaSizes) -> (Option<f64>, usize) {
    let Some(layer) = atlas.layers.get(ids::MSOA) else {
        return (None, 0);
    };
    // MSOA → (its count, how many of `areas` lie in it)
    let mut seen: BTreeMap<&str, (Option<f64>, usize)> = BTreeMap::new();
    let mut complete = !areas.is_empty();
    for &i in areas {
        match layer.text(i) {
            Some(m) => {
                seen.entry(m)
                    .or_insert((atlas.number(ids::CHILD_POVERTY_MSOA, i), 0))
                    .1 += 1;
            }
            None => complete = false,
        }
    }
    complete &= seen
        .iter()
        .all(|(m, (count, n))| count.is_some() && sizes.0.get(m) == Some(n));
    (
        complete.then(|| seen.values().filter_map(|v| v.0).sum::<f64>()),
        seen.len(),
    )
}

/// What each GP-access mode is made of in this atlas.
pub fn gp_modes(atlas: &Atlas) -> Vec<GpMode> {
    GP_MODES
        .iter()
        .map(|&(mode, id)| match atlas.layers.get(id) {
            Some(l) => GpMode {
                mode: mode.into(),
                layer: id.into(),
                title: l.meta.title.clone(),
                method: Some(l.meta.method.as_str().into()),
                estimate: (0..l.values.len()).any(|i| l.method_of(i) == Method::Estimate),
                absent_reason: None,
            },
            None => GpMode {
                mode: mode.into(),
                layer: id.into(),
                title: crate::atlas::layers::catalogue::declared(id).title.into(),
                method: None,
                estimate: false,
                absent_reason: Some(
                    atlas
                        .layers
                        .absent_reason(id)
                        .map(str::to_string)
                        .unwrap_or_else(|| "not in this atlas".into()),
                ),
            },
        })
        .collect()
}

/// Check a threshold in minutes.
pub fn check_minutes(minutes: f64) -> Result<f64, SummaryError> {
    if minutes.is_finite() && minutes > 0.0 && minutes <= 600.0 {
        Ok(minutes)
    } else {
        Err(SummaryError::BadMinutes(minutes))
    }
}

/// The summary of `atlas` at `level`, counting people beyond `minutes` of a GP.
pub fn summarise(
    atlas: &Atlas,
    level: SummaryLevel,
    minutes: f64,
) -> Result<SummaryAnswer, SummaryError> {
    let minutes = check_minutes(minutes)?;
    let (groups, unassigned) = groups(atlas, level)?;
    let sizes = MsoaSizes::of(atlas);
    // MSOAs are not meant to be summed within wards
    let cp_rows = (level != SummaryLevel::Ward).then_some(&sizes);
    let rows = groups
        .iter()
        .map(|g| {
            row_of(
                atlas,
                &g.code,
                &g.name,
                g.district.clone(),
                &g.areas,
                minutes,
                cp_rows,
            )
        })
        .collect();
    let all: Vec<usize> = (0..atlas.areas.len()).collect();
    let region_total = row_of(
        atlas,
        &atlas.region.to_string(),
        &atlas.region.title(),
        None,
        &all,
        minutes,
        Some(&sizes),
    );
    let modes = gp_modes(atlas);
    let mut notes = vintage_notes(atlas);
    if modes.iter().any(|m| m.estimate) {
        notes.push(format!(
            "GP-access times marked estimate were modelled without a road network ({}): treat people beyond {minutes} minutes as an estimate.",
            modes
                .iter()
                .filter(|m| m.estimate)
                .map(|m| m.mode.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let child_poverty = child_poverty_note(atlas, level);
    let districts: BTreeSet<&str> = atlas.areas.iter().map(|a| a.district.as_str()).collect();
    if level == SummaryLevel::District && districts.len() == 1 {
        notes.push("The region is one district: its row equals the region's total.".into());
    }
    Ok(SummaryAnswer {
        by: level,
        region: atlas.region.to_string(),
        vintage: atlas.vintage.describe(),
        method: method_of(atlas, level),
        minutes,
        gp_modes: modes,
        child_poverty,
        rows,
        region_total,
        unassigned,
        notes,
    })
}

/// What the figures are, in the atlas's vintage: deciles and geography, and where the people
/// figures come from or why there are none.
pub fn vintage_notes(atlas: &Atlas) -> Vec<String> {
    let v = atlas.vintage;
    let deciles = format!(
        "Deciles are {} national deciles on {} ({} areas here).",
        v.title(),
        v.geography(),
        atlas.areas.len()
    );
    match atlas.layers.get(ids::POPULATION) {
        Some(_) => vec![format!(
            "Population and children are mid-2015 (IoD2019 denominators). {deciles}"
        )],
        None => {
            let why = atlas
                .layers
                .absent_reason(ids::POPULATION)
                .map(str::to_string)
                .unwrap_or_else(|| "this atlas has no population layer".into());
            vec![
                deciles,
                format!("No population in {}: population, children and every people count and share are not available (null), not zero; areas are still counted. {why}", v.title()),
            ]
        }
    }
}

/// What the child-poverty column holds at `level`, or why it is empty.
pub fn child_poverty_note(atlas: &Atlas, level: SummaryLevel) -> String {
    if atlas.layers.get(ids::CHILD_POVERTY_MSOA).is_none() {
        let why = atlas
            .layers
            .absent_reason(ids::CHILD_POVERTY_MSOA)
            .map(str::to_string)
            .unwrap_or_else(|| {
                format!(
                    "the DWP figures (published for MSOAs 2011) are not attached to the {} atlas",
                    atlas.vintage.title()
                )
            });
        return format!("DWP children in low-income families: not available here ({why}).");
    }
    match level {
        SummaryLevel::Ward => format!(
            "DWP children in low-income families, {}: published for MSOAs 2011, which do not nest in wards, so ward rows have none (the region total sums whole MSOAs).",
            latest_label()
        ),
        _ => format!(
            "DWP children in low-income families (relative low income, under 16), {}: the sum of whole MSOAs 2011 (MSOA-level figures; Stat-Xplore disclosure control applies); a row touching part of an MSOA 2011 has none.",
            latest_label()
        ),
    }
}

/// The summary as GeoJSON: each row's outline dissolved from its LSOAs (in parallel).
pub fn features(
    atlas: &Atlas,
    answer: SummaryAnswer,
) -> Result<SummaryFeatureCollection, SummaryError> {
    use rayon::prelude::*;
    // Outlines are dissolved from the LSOAs' polygons: none without boundaries.
    atlas
        .mapped()
        .map_err(|e| SummaryError::Unavailable(e.to_string()))?;
    let (groups, _) = groups(atlas, answer.by)?;
    let features = groups
        .par_iter()
        .zip(answer.rows.par_iter())
        .map(|(g, row)| {
            let outline = geo::unary_union(
                g.areas
                    .iter()
                    .filter_map(|&i| atlas.areas[i].shape.as_ref().map(|s| &s.polygon)),
            );
            SummaryFeature {
                kind: GeoJsonType::Feature,
                id: g.code.clone(),
                geometry: geojson::Geometry::from(&outline),
                properties: row.clone(),
            }
        })
        .collect();
    Ok(SummaryFeatureCollection {
        kind: GeoJsonType::FeatureCollection,
        by: answer.by,
        method: answer.method,
        minutes: answer.minutes,
        child_poverty: answer.child_poverty,
        gp_modes: answer.gp_modes,
        region_total: answer.region_total,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_name_the_valid_ones() {
        assert_eq!(" Ward".parse::<SummaryLevel>(), Ok(SummaryLevel::Ward));
        let e = "county".parse::<SummaryLevel>().unwrap_err();
        assert!(
            e.contains("district, ward or msoa") && e.contains("county"),
            "{e}"
        );
        assert!(check_minutes(45.0).is_ok());
        for bad in [0.0, -1.0, f64::NAN, 601.0] {
            assert!(check_minutes(bad).is_err());
        }
    }
}
