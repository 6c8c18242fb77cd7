//! District totals of DWP's Children in Low Income Families: summed from the MSOA table beside
//! the official local-authority table, with the difference shown rather than hidden (Stat-Xplore
//! perturbs every cell, so a sum of MSOA cells drifts a little from the district cell).

use crate::sources::child_poverty::{
    district_totals, provisional, MsoaCounts, StatXplore, YearCounts, YEARS,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Every district's totals, per financial year.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChildPovertyDistricts {
    /// What is counted.
    pub measure: &'static str,
    pub districts: Vec<ChildPovertyDistrict>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ChildPovertyDistrict {
    pub code: String,
    pub name: String,
    /// MSOAs of the table in the district.
    pub msoas: usize,
    pub years: Vec<ChildPovertyYear>,
}

/// One financial year of one district.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct ChildPovertyYear {
    /// Financial year ending (2022 = April 2021 to March 2022).
    pub fye: u16,
    pub provisional: bool,
    /// Sum of the district's MSOA counts; `None` when an MSOA is suppressed.
    pub from_msoas: Option<f64>,
    /// DWP's own district figure (the LTLA table, matched by district name).
    pub official: Option<f64>,
    /// `from_msoas - official`.
    pub difference: Option<f64>,
}

impl ChildPovertyDistricts {
    pub const MEASURE: &'static str =
        "children under 16 in relative low income families (DWP Children in Low Income Families)";

    /// Totals of the districts of `msoas` (code → name from `names`), beside `ltla`.
    pub fn of(
        msoas: &[MsoaCounts],
        names: &[(String, String)],
        ltla: &StatXplore,
    ) -> ChildPovertyDistricts {
        let totals = district_totals(msoas);
        let districts = totals
            .iter()
            .map(|(code, sums)| {
                let name = names
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                let official: Option<&YearCounts> = ltla.areas.get(&name);
                ChildPovertyDistrict {
                    code: code.clone(),
                    msoas: msoas.iter().filter(|m| &m.lad19 == code).count(),
                    years: YEARS
                        .iter()
                        .enumerate()
                        .map(|(k, &fye)| {
                            let official = official.and_then(|o| o[k]);
                            ChildPovertyYear {
                                fye,
                                provisional: provisional(fye),
                                from_msoas: sums[k],
                                official,
                                difference: sums[k].zip(official).map(|(a, b)| a - b),
                            }
                        })
                        .collect(),
                    name,
                }
            })
            .collect();
        ChildPovertyDistricts {
            measure: Self::MEASURE,
            districts,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn differences_are_shown_not_hidden() {
        let m = |code: &str, lad: &str, x: f64| MsoaCounts {
            code: code.into(),
            name: code.into(),
            lad19: lad.into(),
            counts: [Some(x); 8],
        };
        let ltla = StatXplore {
            areas: BTreeMap::from([("Stroud".to_string(), [Some(25.0); 8])]),
            ambiguous: BTreeSet::new(),
        };
        let t = ChildPovertyDistricts::of(
            &[m("a", "E07000082", 10.0), m("b", "E07000082", 12.0)],
            &[("E07000082".into(), "Stroud".into())],
            &ltla,
        );
        let y = t.districts[0].years[7];
        assert_eq!((y.fye, y.provisional), (2022, true));
        assert_eq!(
            (y.from_msoas, y.official, y.difference),
            (Some(22.0), Some(25.0), Some(-3.0))
        );
        assert_eq!(t.districts[0].msoas, 2);
    }
}
