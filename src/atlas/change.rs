//! The change layers of the IoD2025 atlas: each LSOA 2021 area's IMD 2019 deciles carried through
//! the 2011→2021 lookup, the decile change and the top-10% status (entered, left, stayed, never),
//! nationally and within the region. The rule is [`crate::vintage::compare`]'s; this module only
//! turns its rows into layers, so the filter language (`top10_status = "entered"`), area profiles,
//! exports and `needsmap compare` all read the same figures.

use super::layers::catalogue::{declared_in, Vars, Vintage as CatVintage};
use super::layers::{ids, Layer, Values};
use super::{AtlasError, Lsoa, Region, Result};
use crate::sources::iod::IodRow;
use crate::sources::iod2025::Iod2025Row;
use crate::sources::lookup::LookupRow;
use crate::sources::DataDir;
use crate::vintage::{compare, region_deciles, Deciles, VintageChange};
use std::collections::HashMap;

/// The change layers, in catalogue order.
pub const IDS: [&str; 8] = [
    ids::LOOKUP_CHANGE,
    ids::LSOA11_CODES,
    ids::IMD_DECILE_2019,
    ids::IMD_COUNTY_DECILE_2019,
    ids::IMD_DECILE_CHANGE,
    ids::IMD_COUNTY_DECILE_CHANGE,
    ids::TOP10_STATUS,
    ids::TOP10_STATUS_COUNTY,
];

/// The change of every area of `areas` (index-aligned with `rows25`), from the region's IoD2019
/// rows (LSOA 2011) and the lookup.
pub fn changes(
    region: &Region,
    areas: &[Lsoa],
    rows25: &[&Iod2025Row],
    rows19: &[IodRow],
    lookup: &[LookupRow],
) -> Result<Vec<VintageChange>> {
    let county25 = region_deciles(rows25.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    let after: HashMap<String, Deciles> = areas
        .iter()
        .zip(rows25)
        .map(|(a, r)| {
            (
                a.code.clone(),
                Deciles {
                    national: r.imd.decile,
                    region: county25[&r.code],
                },
            )
        })
        .collect();
    let region19: Vec<&IodRow> = rows19
        .iter()
        .filter(|r| r.code.starts_with("E01") && region.includes(&r.lad_code))
        .collect();
    let county19 = region_deciles(region19.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    let before: HashMap<String, Deciles> = region19
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                Deciles {
                    national: r.imd.decile,
                    region: county19[&r.code],
                },
            )
        })
        .collect();
    compare(lookup, &before, &after).map_err(AtlasError::Compare)
}

/// The change layers of [`IDS`], index-aligned with `areas`.
pub fn layers(
    region: &Region,
    areas: &[Lsoa],
    rows25: &[&Iod2025Row],
    rows19: &[IodRow],
    lookup: &[LookupRow],
    vars: &Vars,
    data: &DataDir,
) -> Result<Vec<Layer>> {
    let by_code: HashMap<String, VintageChange> = changes(region, areas, rows25, rows19, lookup)?
        .into_iter()
        .map(|c| (c.lsoa21.clone(), c))
        .collect();
    let of: Vec<&VintageChange> = areas.iter().map(|a| &by_code[&a.code]).collect();
    let text = |f: &dyn Fn(&VintageChange) -> String| {
        Values::Text(of.iter().map(|c| Some(f(c))).collect())
    };
    let number =
        |f: &dyn Fn(&VintageChange) -> f64| Values::Number(of.iter().map(|c| Some(f(c))).collect());
    let values = [
        text(&|c| c.lookup.as_str().to_string()),
        text(&|c| c.lsoa11.join(";")),
        number(&|c| c.before.national as f64),
        number(&|c| c.before.region as f64),
        number(&|c| c.decile_change as f64),
        number(&|c| c.region_decile_change as f64),
        text(&|c| c.top10_national.as_str().to_string()),
        text(&|c| c.top10_region.as_str().to_string()),
    ];
    IDS.iter()
        .zip(values)
        .map(|(id, v)| {
            let spec = declared_in(CatVintage::Iod2025, id);
            Ok(Layer::new(
                spec.meta(data.manifest.get(spec.source)?, vars),
                v,
            ))
        })
        .collect()
}
