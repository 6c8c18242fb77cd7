//! MSOAs 2021 for the IoD2025 summaries: LSOAs 2021 nest exactly in MSOAs 2021, and ONS names an
//! LSOA after its MSOA plus one letter ("Gloucester 001A" lies in "Gloucester 001"), so each
//! area's MSOA is read from its name and given the code of ONS's MSOA 2021 boundaries.

use super::layers::catalogue::{declared_in, Vars};
use super::layers::{ids, AbsentCause, Layer, LayerSet, Values};
use super::Lsoa;
use crate::sources::boundaries::read_geojson_keyed;
use crate::sources::child_poverty::msoa_name_of_lsoa11;
use crate::sources::{Result, Source};
use std::collections::HashMap;
use std::path::Path;

/// MSOA 2021 name → code, from ONS's boundaries (`MSOA21CD`, `MSOA21NM`).
pub fn read_codes(path: &Path) -> Result<HashMap<String, String>> {
    Ok(read_geojson_keyed(path, "MSOA21CD", "MSOA21NM", &[], None)?
        .into_iter()
        .map(|(b, _)| (b.name, b.code))
        .collect())
}

/// The MSOA 2021 code of each LSOA 2021 name: its MSOA's, when the boundaries know that name.
pub fn codes_of<'a>(
    names: impl IntoIterator<Item = &'a str>,
    by_name: &HashMap<String, String>,
) -> Vec<Option<String>> {
    names
        .into_iter()
        .map(|name| {
            msoa_name_of_lsoa11(name)
                .and_then(|n| by_name.get(n))
                .cloned()
        })
        .collect()
}

/// Add the `msoa21` layer, or mark it absent when no area's MSOA is in the boundaries (a region
/// outside the mirrored county). Returns how many areas got an MSOA.
pub fn attach(
    set: &mut LayerSet,
    areas: &[Lsoa],
    by_name: &HashMap<String, String>,
    src: &Source,
    vars: &Vars,
) -> usize {
    let spec = declared_in(set.vintage(), ids::MSOA21);
    let codes = codes_of(areas.iter().map(|a| a.name.as_str()), by_name);
    let reached = codes.iter().flatten().count();
    if reached == 0 {
        set.mark_absent(
            spec,
            AbsentCause::OutsideCoverage,
            format!(
                "the MSOA 2021 boundaries ({}) cover Gloucestershire only; no area of this region is named after one of its MSOAs",
                src.file
            ),
        );
    } else {
        set.insert(Layer::new(spec.meta(src, vars), Values::Text(codes)));
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_takes_the_code_of_the_msoa_it_is_named_after() {
        let by_name = HashMap::from([
            ("Gloucester 001".to_string(), "E02004650".to_string()),
            ("Gloucester 010".to_string(), "E02004659".to_string()),
        ]);
        let got = codes_of(
            [
                "Gloucester 001A",
                "Gloucester 010F",
                "Gloucester 002A",
                "Gloucester",
            ],
            &by_name,
        );
        assert_eq!(
            got,
            vec![
                Some("E02004650".to_string()),
                Some("E02004659".to_string()),
                None,
                None
            ]
        );
    }
}
