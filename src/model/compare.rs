//! The change between IMD 2019 and IMD 2025 on LSOA 2021 areas: `needsmap compare` (and the API).
//! One row per 2021 area, read from the change layers of the IoD2025 atlas
//! ([`crate::atlas::change`]), so the table, the filter language and the map agree.

use crate::atlas::layers::ids;
use crate::atlas::Atlas;
use crate::vintage::{Top10Status, Vintage};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Why the comparison cannot be given for this atlas.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareUnavailable {
    #[error("the comparison is made on the IoD2025 atlas (LSOA 2021 areas); this atlas is {0}")]
    WrongVintage(Vintage),
    #[error("the change layers are not available for this region: {0}")]
    Absent(String),
}

/// One LSOA 2021 area: its LSOA 2011 parent(s), the IMD 2019 deciles carried onto it, its IMD
/// 2025 deciles, the change and the top-10% status.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChangeRow<'a> {
    /// LSOA 2021 code.
    pub lsoa21: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    /// LSOA 2011 parent code(s), `;`-separated.
    pub lsoa11: Option<&'a str>,
    /// unchanged, split, merge or complex.
    pub lookup: Option<&'a str>,
    pub imd_decile_2019: Option<u8>,
    pub imd_decile_2025: Option<u8>,
    /// 2025 − 2019: negative = relatively more deprived in 2025.
    pub decile_change: Option<i8>,
    pub county_decile_2019: Option<u8>,
    pub county_decile_2025: Option<u8>,
    pub county_decile_change: Option<i8>,
    /// England's most deprived 10%: entered, left, stayed or never.
    pub top10_status: Option<&'a str>,
    /// The region's most deprived 10%: entered, left, stayed or never.
    pub top10_status_county: Option<&'a str>,
}

/// Every LSOA 2021 area of the region with its change, and how many have each status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompareAnswer<'a> {
    pub region: String,
    /// `LSOA 2021`.
    pub geography: &'static str,
    pub areas: usize,
    /// How the 2019 figures reach the 2021 areas (the description of `imd_decile_2019`).
    pub rule: &'a str,
    /// Areas by national top-10% status (`entered`, `left`, `stayed`, `never`).
    #[schema(value_type = std::collections::BTreeMap<String, usize>)]
    pub national: BTreeMap<&'static str, usize>,
    /// Areas by top-10% status within the region.
    #[schema(value_type = std::collections::BTreeMap<String, usize>)]
    pub county: BTreeMap<&'static str, usize>,
    pub rows: Vec<ChangeRow<'a>>,
}

impl<'a> ChangeRow<'a> {
    pub fn of(atlas: &'a Atlas, i: usize) -> ChangeRow<'a> {
        let a = &atlas.areas[i];
        let text = |id: &str| atlas.layers.get(id).and_then(|l| l.text(i));
        let decile = |id: &str| atlas.number(id, i).map(|x| x as u8);
        let change = |id: &str| atlas.number(id, i).map(|x| x as i8);
        ChangeRow {
            lsoa21: &a.code,
            name: &a.name,
            district: &a.district,
            lsoa11: text(ids::LSOA11_CODES),
            lookup: text(ids::LOOKUP_CHANGE),
            imd_decile_2019: decile(ids::IMD_DECILE_2019),
            imd_decile_2025: decile(ids::IMD_DECILE),
            decile_change: change(ids::IMD_DECILE_CHANGE),
            county_decile_2019: decile(ids::IMD_COUNTY_DECILE_2019),
            county_decile_2025: decile(ids::IMD_COUNTY_DECILE),
            county_decile_change: change(ids::IMD_COUNTY_DECILE_CHANGE),
            top10_status: text(ids::TOP10_STATUS),
            top10_status_county: text(ids::TOP10_STATUS_COUNTY),
        }
    }
}

impl<'a> CompareAnswer<'a> {
    /// The comparison for every area of an IoD2025 atlas, in area (code) order.
    pub fn of(atlas: &'a Atlas) -> Result<CompareAnswer<'a>, CompareUnavailable> {
        if atlas.vintage != Vintage::V2025 {
            return Err(CompareUnavailable::WrongVintage(atlas.vintage));
        }
        let rule = match atlas.layers.get(ids::IMD_DECILE_2019) {
            Some(l) => l.meta.description.as_str(),
            None => {
                let why = atlas
                    .layers
                    .absent_reason(ids::IMD_DECILE_2019)
                    .map(str::to_string)
                    .unwrap_or_else(|| "the atlas has no imd_decile_2019 layer".into());
                return Err(CompareUnavailable::Absent(why));
            }
        };
        let rows: Vec<ChangeRow> = (0..atlas.areas.len())
            .map(|i| ChangeRow::of(atlas, i))
            .collect();
        let count = |f: fn(&ChangeRow<'a>) -> Option<&'a str>| {
            let mut m: BTreeMap<&'static str, usize> =
                Top10Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
            for r in &rows {
                if let Some(n) = f(r).and_then(|s| m.get_mut(s)) {
                    *n += 1;
                }
            }
            m
        };
        Ok(CompareAnswer {
            region: atlas.region.to_string(),
            geography: atlas.vintage.geography().label(),
            areas: rows.len(),
            rule,
            national: count(|r| r.top10_status),
            county: count(|r| r.top10_status_county),
            rows,
        })
    }
}
