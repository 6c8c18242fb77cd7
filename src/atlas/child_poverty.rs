//! Child poverty now: DWP's Children in Low Income Families (relative low income, under 16) is
//! published for MSOAs 2011, not LSOAs. Each LSOA shows the figures of the MSOA it lies in, and
//! every layer says it is MSOA-level.
//!
//! The attach step works from each area's LSOA 2011 *name* (ONS names an LSOA after its MSOA plus
//! one letter: "Gloucester 001A" lies in "Gloucester 001"; LSOAs nest exactly in MSOAs), so an
//! atlas on LSOA 2021 areas reuses it through the 2011→2021 lookup by passing each 2021 area's
//! parent LSOA 2011 name.

use super::layers::catalogue::{declared_in, Vars};
use super::layers::{ids, AbsentCause, Layer, LayerMeta, LayerSet, Values};
use crate::sources::child_poverty::{msoa_name_of_lsoa11, provisional, MsoaCounts, YEARS};
use crate::sources::lookup::LookupRow;
use crate::sources::Source;
use std::collections::HashMap;

/// Index of the latest financial year (FYE 2022) in [`YEARS`].
pub const LATEST: usize = YEARS.len() - 1;
/// Index of the first financial year (FYE 2015) in [`YEARS`].
pub const FIRST: usize = 0;

/// The layers this module makes, in catalogue order.
pub const LAYER_IDS: [&str; 4] = [
    ids::CHILD_POVERTY_MSOA,
    ids::CHILD_POVERTY_MSOA_CHANGE,
    ids::CHILD_POVERTY_MSOA_RATE,
    ids::MSOA,
];

/// The county MSOA table with, for each MSOA, a denominator built from its LSOAs 2011.
#[derive(Debug, Clone)]
pub struct MsoaChildPoverty {
    pub msoas: Vec<MsoaCounts>,
    by_name: HashMap<String, usize>,
    /// Dependent children aged 0-15 at mid-2015 (IoD2019 File 6) summed over the LSOAs 2011 given
    /// to [`MsoaChildPoverty::new`] that lie in the MSOA; `None` when none were given or one
    /// lacked a figure (a partial sum would overstate the rate).
    pub children_mid2015: Vec<Option<f64>>,
}

impl MsoaChildPoverty {
    /// `lsoa11`: (name, children aged 0-15 mid-2015) of LSOAs 2011. Give every LSOA of the MSOAs
    /// that will be asked for (a whole district or county: MSOAs nest in districts).
    pub fn new<'a>(
        msoas: Vec<MsoaCounts>,
        lsoa11: impl IntoIterator<Item = (&'a str, Option<f64>)>,
    ) -> MsoaChildPoverty {
        let by_name: HashMap<String, usize> = msoas
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.clone(), i))
            .collect();
        let mut sums: Vec<Option<Option<f64>>> = vec![None; msoas.len()];
        for (name, children) in lsoa11 {
            let Some(&m) = msoa_name_of_lsoa11(name).and_then(|n| by_name.get(n)) else {
                continue;
            };
            sums[m] = Some(match (sums[m], children) {
                (None, c) => c,
                (Some(Some(t)), Some(c)) => Some(t + c),
                (Some(_), _) => None,
            });
        }
        MsoaChildPoverty {
            msoas,
            by_name,
            children_mid2015: sums.into_iter().map(Option::flatten).collect(),
        }
    }

    /// The MSOA (index into `msoas`) an LSOA 2011 lies in, by its name.
    pub fn msoa_of(&self, lsoa11_name: &str) -> Option<usize> {
        msoa_name_of_lsoa11(lsoa11_name).and_then(|n| self.by_name.get(n).copied())
    }

    /// The latest count (FYE 2022, provisional) of MSOA `m`.
    pub fn latest(&self, m: usize) -> Option<f64> {
        self.msoas[m].counts[LATEST]
    }

    /// FYE 2022 minus FYE 2015; `None` where either is suppressed.
    pub fn change(&self, m: usize) -> Option<f64> {
        let c = &self.msoas[m].counts;
        Some(c[LATEST]? - c[FIRST]?)
    }

    /// Per 100 children aged 0-15 (mid-2015 population, IoD2019 File 6): not DWP's own rate.
    pub fn rate(&self, m: usize) -> Option<f64> {
        let d = self.children_mid2015[m].filter(|&d| d > 0.0)?;
        Some(self.latest(m)? * 100.0 / d)
    }

    /// The layers for areas given by their LSOA 2011 names (index-aligned with the atlas's
    /// areas; `None` for an area with no LSOA 2011), described by `meta` (the catalogue rows of
    /// the atlas's vintage). Areas whose MSOA is not in the table get blank values.
    fn layers(
        &self,
        lsoa11_names: &[Option<&str>],
        meta: &dyn Fn(&str) -> LayerMeta,
    ) -> Vec<Layer> {
        let of: Vec<Option<usize>> = lsoa11_names
            .iter()
            .map(|n| n.and_then(|n| self.msoa_of(n)))
            .collect();
        let numbers = |f: &dyn Fn(usize) -> Option<f64>| {
            Values::Number(of.iter().map(|m| m.and_then(f)).collect())
        };
        vec![
            Layer::new(meta(ids::CHILD_POVERTY_MSOA), numbers(&|m| self.latest(m))),
            Layer::new(
                meta(ids::CHILD_POVERTY_MSOA_CHANGE),
                numbers(&|m| self.change(m)),
            ),
            Layer::new(
                meta(ids::CHILD_POVERTY_MSOA_RATE),
                numbers(&|m| self.rate(m)),
            ),
            Layer::new(
                meta(ids::MSOA),
                Values::Text(
                    of.iter()
                        .map(|m| m.map(|m| self.msoas[m].code.clone()))
                        .collect(),
                ),
            ),
        ]
    }

    /// Add the layers to `set`, described by the catalogue rows of the set's vintage, or mark
    /// them absent when no area reaches an MSOA of the table. Returns how many areas do.
    pub fn attach(
        &self,
        set: &mut LayerSet,
        lsoa11_names: &[Option<&str>],
        src: &Source,
        vars: &Vars,
    ) -> usize {
        let reached = lsoa11_names
            .iter()
            .filter(|n| n.and_then(|n| self.msoa_of(n)).is_some())
            .count();
        let vintage = set.vintage();
        if reached == 0 {
            for id in LAYER_IDS {
                set.mark_absent(
                    declared_in(vintage, id),
                    AbsentCause::OutsideCoverage,
                    format!(
                        "the child-poverty table ({}) covers Gloucestershire's {} MSOAs only; no area of this region lies in one",
                        src.file,
                        self.msoas.len()
                    ),
                );
            }
        } else {
            for layer in self.layers(lsoa11_names, &|id| declared_in(vintage, id).meta(src, vars)) {
                set.insert(layer);
            }
        }
        reached
    }
}

/// For each LSOA 2021 area (by code), the LSOA 2011 name it reaches DWP's MSOA 2011 table
/// through: its parents' in the 2011→2021 lookup when they all lie in one MSOA 2011 (always so for
/// an unchanged or split area, which lies inside one LSOA 2011); `None` for an area the lookup
/// does not list or whose parents lie in different MSOAs (no share of either can be claimed).
pub fn lsoa11_names_through<'a>(areas: &[&str], lookup: &'a [LookupRow]) -> Vec<Option<&'a str>> {
    let mut parents: HashMap<&str, Vec<&'a str>> = HashMap::new();
    for r in lookup {
        parents
            .entry(r.lsoa21.as_str())
            .or_default()
            .push(r.lsoa11_name.as_str());
    }
    areas
        .iter()
        .map(|code| {
            let names = parents.get(code)?;
            let msoa = msoa_name_of_lsoa11(names.first()?)?;
            names
                .iter()
                .all(|n| msoa_name_of_lsoa11(n) == Some(msoa))
                .then(|| names[0])
        })
        .collect()
}

/// Words for the latest year: "FYE 2022 (provisional)".
pub fn latest_label() -> String {
    let y = YEARS[LATEST];
    if provisional(y) {
        format!("FYE {y} (provisional)")
    } else {
        format!("FYE {y}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(code: &str, name: &str, first: Option<f64>, last: Option<f64>) -> MsoaCounts {
        let mut counts = [Some(1.0); 8];
        counts[FIRST] = first;
        counts[LATEST] = last;
        MsoaCounts {
            code: code.into(),
            name: name.into(),
            lad19: "E07000081".into(),
            counts,
        }
    }

    fn row(lsoa11: &str, name11: &str, lsoa21: &str) -> LookupRow {
        LookupRow {
            lsoa11: lsoa11.into(),
            lsoa11_name: name11.into(),
            lsoa21: lsoa21.into(),
            lsoa21_name: String::new(),
            lad19: "E07000081".into(),
            lad_current: "E07000081".into(),
            change: crate::sources::lookup::LookupChange::Split,
            share_of_11: 0.5,
            share_of_21: 1.0,
        }
    }

    #[test]
    fn lsoa21_areas_reach_the_msoa_of_their_2011_parents_or_none() {
        let lookup = vec![
            row("E01000001", "Gloucester 001A", "E01000001"),
            row("E01000002", "Gloucester 001B", "E01099001"),
            row("E01000002", "Gloucester 001B", "E01099002"),
            // Two parents in one MSOA, and two parents in two MSOAs.
            row("E01000003", "Gloucester 002A", "E01099003"),
            row("E01000004", "Gloucester 002B", "E01099003"),
            row("E01000005", "Gloucester 003A", "E01099004"),
            row("E01000006", "Gloucester 004A", "E01099004"),
        ];
        let areas = [
            "E01000001",
            "E01099002",
            "E01099003",
            "E01099004",
            "E01077777",
        ];
        assert_eq!(
            lsoa11_names_through(&areas, &lookup),
            vec![
                Some("Gloucester 001A"),
                Some("Gloucester 001B"),
                Some("Gloucester 002A"),
                None,
                None
            ]
        );
    }

    #[test]
    fn lsoas_get_their_msoas_figures_and_a_rate_over_the_whole_msoa() {
        let t = MsoaChildPoverty::new(
            vec![
                m("E02000001", "Gloucester 001", Some(10.0), Some(30.0)),
                m("E02000002", "Gloucester 002", None, Some(5.0)),
            ],
            [
                ("Gloucester 001A", Some(100.0)),
                ("Gloucester 001B", Some(50.0)),
                ("Gloucester 002A", Some(40.0)),
                ("Gloucester 002B", None),
                ("Stroud 001A", Some(7.0)),
            ],
        );
        assert_eq!(t.children_mid2015, vec![Some(150.0), None]);
        assert_eq!(t.rate(0), Some(20.0));
        assert_eq!(t.rate(1), None, "a partial denominator gives no rate");
        assert_eq!(t.change(0), Some(20.0));
        assert_eq!(t.change(1), None);
        let src = crate::sources::Manifest::builtin()
            .get("cilif_msoa11_gloucestershire")
            .unwrap()
            .clone();
        let vars = Vars {
            national: 1,
            areas: 3,
        };
        let names = [Some("Gloucester 001B"), Some("Stroud 001A"), None];
        let mut set = LayerSet::default();
        assert_eq!(t.attach(&mut set, &names, &src, &vars), 1);
        let count = set.get(ids::CHILD_POVERTY_MSOA).unwrap();
        assert_eq!((count.number(0), count.number(1)), (Some(30.0), None));
        assert_eq!(set.get(ids::MSOA).unwrap().text(0), Some("E02000001"));
        assert!(
            count.meta.title.contains("MSOA-level") && count.meta.title.contains("provisional")
        );
        let mut none = LayerSet::default();
        assert_eq!(t.attach(&mut none, &[Some("Leeds 001A")], &src, &vars), 0);
        assert_eq!(none.absent().len(), 4);
        assert!(
            none.absent()[0].reason.contains("75") || none.absent()[0].reason.contains("2 MSOAs")
        );
        assert_eq!(latest_label(), "FYE 2022 (provisional)");
    }
}
