//! Vintages of the deprivation index, their geographies, and what changed between them.
//!
//! IoD2019 is published on LSOA 2011 areas, IoD2025 on LSOA 2021 areas. The county's grant scheme
//! was defined on IMD 2019 and its next round on IMD 2025, so grant teams need both side by side
//! and, above all, the areas whose status changed. [`compare`] carries each 2019 figure onto the
//! 2021 areas through the ONS-style 2011→2021 lookup, by a stated rule, and classifies every 2021
//! area's top-10% status as entered, left, stayed or never.

use crate::sources::iod::decile_of_rank;
use crate::sources::lookup::{LookupChange, LookupRow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

/// A published edition of the English Indices of Deprivation.
///
/// `2019` stays the default because the county's "Levelling Up Together" grants were given on IMD
/// 2019. Parsed from "2019"/"2025" (also "iod2019", "imd2025", any case); serialised as "2019".
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Default,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
pub enum Vintage {
    /// English Indices of Deprivation 2019 (published 26 September 2019), LSOA 2011.
    #[default]
    #[serde(rename = "2019")]
    #[value(name = "2019")]
    V2019,
    /// English Indices of Deprivation 2025 (published 30 October 2025), LSOA 2021.
    #[serde(rename = "2025")]
    #[value(name = "2025")]
    V2025,
}

/// The small-area geography a vintage is published on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Geography {
    /// Lower Layer Super Output Areas, December 2011 (32,844 in England).
    Lsoa2011,
    /// Lower Layer Super Output Areas, December 2021 (33,755 in England).
    Lsoa2021,
}

impl Geography {
    /// Words for a legend: "LSOA 2011".
    pub fn label(self) -> &'static str {
        match self {
            Geography::Lsoa2011 => "LSOA 2011",
            Geography::Lsoa2021 => "LSOA 2021",
        }
    }
}

impl fmt::Display for Geography {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Vintage {
    /// Every vintage, oldest first.
    pub const ALL: [Vintage; 2] = [Vintage::V2019, Vintage::V2025];

    /// "2019" / "2025": the spelling of the CLI, the API and the snapshot file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Vintage::V2019 => "2019",
            Vintage::V2025 => "2025",
        }
    }

    pub fn year(self) -> u16 {
        match self {
            Vintage::V2019 => 2019,
            Vintage::V2025 => 2025,
        }
    }

    /// "IoD2019" / "IoD2025", as MHCLG names the releases.
    pub fn title(self) -> &'static str {
        match self {
            Vintage::V2019 => "IoD2019",
            Vintage::V2025 => "IoD2025",
        }
    }

    /// "IoD2025, LSOA 2021": the release and the areas its figures are on, for answers.
    pub fn describe(self) -> String {
        format!("{}, {}", self.title(), self.geography())
    }

    pub fn geography(self) -> Geography {
        match self {
            Vintage::V2019 => Geography::Lsoa2011,
            Vintage::V2025 => Geography::Lsoa2021,
        }
    }

    /// The manifest id of the vintage's main deprivation table.
    pub fn deprivation_source(self) -> &'static str {
        match self {
            Vintage::V2019 => "iod2019",
            Vintage::V2025 => "iod2025",
        }
    }
}

impl fmt::Display for Vintage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown vintage: the message lists the ones that exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown vintage {input:?}: the vintages are 2019 (IoD2019 on LSOA 2011) and 2025 (IoD2025 on LSOA 2021)")]
pub struct UnknownVintage {
    pub input: String,
}

impl FromStr for Vintage {
    type Err = UnknownVintage;
    fn from_str(s: &str) -> Result<Vintage, UnknownVintage> {
        let t = s.trim().to_ascii_lowercase();
        let year = t
            .strip_prefix("iod")
            .or_else(|| t.strip_prefix("imd"))
            .or_else(|| t.strip_prefix('v'))
            .unwrap_or(&t);
        match year {
            "2019" => Ok(Vintage::V2019),
            "2025" => Ok(Vintage::V2025),
            _ => Err(UnknownVintage {
                input: s.chars().take(40).collect(),
            }),
        }
    }
}

/// A national decile (1 = the most deprived 10% of England) and a decile within the region
/// (1 = the region's most deprived 10%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deciles {
    pub national: u8,
    pub region: u8,
}

/// Deciles within a region from national ranks: the region's areas ranked by national rank and
/// cut into tenths with MHCLG's rule, decile = ceil(position × 10 / n). The same rule as the
/// `imd_county_decile` layer.
pub fn region_deciles<'a>(
    national_ranks: impl IntoIterator<Item = (&'a str, u32)>,
) -> HashMap<String, u8> {
    let mut v: Vec<(&str, u32)> = national_ranks.into_iter().collect();
    v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let n = v.len();
    v.into_iter()
        .enumerate()
        .map(|(pos, (code, _))| (code.to_string(), decile_of_rank(pos as u32 + 1, n)))
        .collect()
}

/// Whether an area is in the most deprived 10% under the old and the new vintage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Top10Status {
    /// Not in the top 10% in 2019, in it in 2025.
    Entered,
    /// In the top 10% in 2019, not in 2025.
    Left,
    /// In the top 10% under both.
    Stayed,
    /// In the top 10% under neither.
    Never,
}

impl Top10Status {
    pub const ALL: [Top10Status; 4] = [
        Top10Status::Entered,
        Top10Status::Left,
        Top10Status::Stayed,
        Top10Status::Never,
    ];

    pub fn of(before_decile: u8, after_decile: u8) -> Top10Status {
        match (before_decile == 1, after_decile == 1) {
            (false, true) => Top10Status::Entered,
            (true, false) => Top10Status::Left,
            (true, true) => Top10Status::Stayed,
            (false, false) => Top10Status::Never,
        }
    }

    /// "entered", "left", "stayed", "never": the text values of the `top10_status` layers.
    pub fn as_str(self) -> &'static str {
        match self {
            Top10Status::Entered => "entered",
            Top10Status::Left => "left",
            Top10Status::Stayed => "stayed",
            Top10Status::Never => "never",
        }
    }
}

impl fmt::Display for Top10Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one LSOA 2021 area changed between IoD2019 and IoD2025.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VintageChange {
    /// The LSOA 2021 code.
    pub lsoa21: String,
    /// The LSOA 2011 area(s) it came from.
    pub lsoa11: Vec<String>,
    /// How it relates to them: unchanged, split (one parent shared with siblings), merge or complex.
    pub lookup: LookupChange,
    /// The IoD2019 deciles carried onto this 2021 area (see [`compare`] for the rule).
    pub before: Deciles,
    /// The IoD2025 deciles of this area.
    pub after: Deciles,
    /// after − before, national deciles: negative = relatively more deprived in 2025.
    pub decile_change: i8,
    /// after − before, deciles within the region.
    pub region_decile_change: i8,
    /// Top 10% of England under 2019 (carried) and 2025.
    pub top10_national: Top10Status,
    /// Top 10% of the region under 2019 (carried) and 2025.
    pub top10_region: Top10Status,
}

/// Why the change between vintages could not be computed: never guessed around.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("LSOA 2021 {0} is not in the 2011→2021 lookup, so it has no 2019 figure")]
    NotInLookup(String),
    #[error("LSOA 2011 {lsoa11} (parent of LSOA 2021 {lsoa21}) has no IoD2019 decile")]
    MissingBefore { lsoa11: String, lsoa21: String },
}

/// Carry the 2019 deciles onto the 2021 areas and classify the change, for each 2021 area in
/// `after` (returned in ascending code order).
///
/// The rule, by the lookup's change type:
/// * **unchanged** (U): the 2011 area's deciles, as they are the same area.
/// * **split** (S): each 2021 child takes its 2011 parent's deciles. A decile describes the parent
///   as a whole; without 2019 figures for the parts, that is the only honest carry.
/// * **merge** (M) and **complex** (X), several parents: the **most deprived** parent's deciles
///   (the lowest national decile, and separately the lowest regional decile). An area that
///   contains any part of a 2019 top-10% LSOA counts as having been in the 2019 top 10%, so a
///   merged area is never said to have "entered" when part of it was already eligible. A
///   population-weighted average would need 2019 population by 2011 part of each 2021 area, which
///   the mirror's area-share lookup cannot give.
///
/// Each 2021 area's lookup type is the rows' change letter when they agree, otherwise complex.
pub fn compare(
    lookup: &[LookupRow],
    before: &HashMap<String, Deciles>,
    after: &HashMap<String, Deciles>,
) -> Result<Vec<VintageChange>, CompareError> {
    let mut parents: HashMap<&str, Vec<&LookupRow>> = HashMap::new();
    for row in lookup {
        parents.entry(row.lsoa21.as_str()).or_default().push(row);
    }
    let mut codes: Vec<&String> = after.keys().collect();
    codes.sort();
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let now = after[code];
        let rows = parents
            .get(code.as_str())
            .ok_or_else(|| CompareError::NotInLookup(code.clone()))?;
        let mut lsoa11: Vec<String> = rows.iter().map(|r| r.lsoa11.clone()).collect();
        lsoa11.sort();
        lsoa11.dedup();
        let mut carried: Option<Deciles> = None;
        for p in &lsoa11 {
            let d = *before.get(p).ok_or_else(|| CompareError::MissingBefore {
                lsoa11: p.clone(),
                lsoa21: code.clone(),
            })?;
            carried = Some(match carried {
                None => d,
                Some(c) => Deciles {
                    national: c.national.min(d.national),
                    region: c.region.min(d.region),
                },
            });
        }
        let was = carried.ok_or_else(|| CompareError::NotInLookup(code.clone()))?;
        let first = rows[0].change;
        let kind = if rows.iter().all(|r| r.change == first) {
            first
        } else {
            LookupChange::Complex
        };
        // Several parents can only be a merge or a redrawn boundary, whatever a row says.
        let kind =
            if lsoa11.len() > 1 && matches!(kind, LookupChange::Unchanged | LookupChange::Split) {
                LookupChange::Complex
            } else {
                kind
            };
        out.push(VintageChange {
            lsoa21: code.clone(),
            lsoa11,
            lookup: kind,
            before: was,
            after: now,
            decile_change: now.national as i8 - was.national as i8,
            region_decile_change: now.region as i8 - was.region as i8,
            top10_national: Top10Status::of(was.national, now.national),
            top10_region: Top10Status::of(was.region, now.region),
        });
    }
    Ok(out)
}

/// How many areas have each top-10% status (nationally, within the region).
pub fn status_counts(
    changes: &[VintageChange],
) -> (BTreeMap<Top10Status, usize>, BTreeMap<Top10Status, usize>) {
    let mut national = BTreeMap::new();
    let mut region = BTreeMap::new();
    for c in changes {
        *national.entry(c.top10_national).or_default() += 1;
        *region.entry(c.top10_region).or_default() += 1;
    }
    (national, region)
}

/// Why the change table of a region could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error(transparent)]
    Source(#[from] crate::sources::SourceError),
    #[error(transparent)]
    Compare(#[from] CompareError),
    #[error("the change between vintages needs the LSOA 2011→2021 lookup, which the data directory has for Gloucestershire's districts only (E07000078..E07000083); region {0} is outside it. Add ONS's \"LSOA (2011) to LSOA (2021) to LAD (2022) Exact Fit Lookup\" to go further")]
    NoLookup(String),
    #[error("region {0} has no LSOA 2021 areas in {1}")]
    Empty(String, String),
}

/// The change between IoD2019 and IoD2025 for every LSOA 2021 area of a region, from the data
/// directory: IoD2019 (File 7 layout) on LSOA 2011, IoD2025 on LSOA 2021, the 2011→2021 lookup
/// and the LSOA 2021 boundaries (for each area's district). Regional deciles rank the region's
/// areas of each vintage by national rank (373 LSOA 2011 and 393 LSOA 2021 for the county).
pub fn region_changes(
    data: &crate::sources::DataDir,
    region: &crate::atlas::Region,
) -> Result<Vec<VintageChange>, ChangesError> {
    use crate::atlas::{Region, GLOUCESTERSHIRE_DISTRICTS};
    let codes: Vec<String> = match region {
        Region::Districts { codes, .. }
            if codes
                .iter()
                .all(|c| GLOUCESTERSHIRE_DISTRICTS.contains(&c.as_str())) =>
        {
            codes.clone()
        }
        other => return Err(ChangesError::NoLookup(other.to_string())),
    };
    let boundaries_path = data.require("lsoa21_bgc_gloucestershire")?;
    let areas21 = crate::sources::boundaries::read_lsoa21_geojson(&boundaries_path, None)?;
    let wanted21: std::collections::HashSet<String> = areas21
        .into_iter()
        .filter(|b| codes.contains(&b.district_code))
        .map(|b| b.boundary.code)
        .collect();
    if wanted21.is_empty() {
        return Err(ChangesError::Empty(
            region.to_string(),
            boundaries_path.display().to_string(),
        ));
    }
    let rows25 = crate::sources::iod2025::read_imd2025(&data.require("iod2025")?, Some(&wanted21))?;
    let region25 = region_deciles(rows25.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    let after: HashMap<String, Deciles> = rows25
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                Deciles {
                    national: r.imd.decile,
                    region: region25[&r.code],
                },
            )
        })
        .collect();
    let rows19 = crate::sources::iod::read_file7(&data.require("iod2019")?)?;
    let county19: Vec<_> = rows19
        .iter()
        .filter(|r| codes.contains(&r.lad_code))
        .collect();
    let region19 = region_deciles(county19.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    let before: HashMap<String, Deciles> = county19
        .iter()
        .map(|r| {
            (
                r.code.clone(),
                Deciles {
                    national: r.imd.decile,
                    region: region19[&r.code],
                },
            )
        })
        .collect();
    let lookup = crate::sources::lookup::read_lsoa11_to_lsoa21(
        &data.require("lsoa11_to_lsoa21_gloucestershire")?,
    )?;
    Ok(compare(&lookup, &before, &after)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(a: &str, b: &str, change: LookupChange) -> LookupRow {
        LookupRow {
            lsoa11: a.into(),
            lsoa11_name: String::new(),
            lsoa21: b.into(),
            lsoa21_name: String::new(),
            lad19: "E07000078".into(),
            lad_current: "E07000078".into(),
            change,
            share_of_11: 1.0,
            share_of_21: 1.0,
        }
    }

    fn d(national: u8, region: u8) -> Deciles {
        Deciles { national, region }
    }

    fn map(v: &[(&str, Deciles)]) -> HashMap<String, Deciles> {
        v.iter().map(|(k, x)| (k.to_string(), *x)).collect()
    }

    #[test]
    fn vintages_parse_and_list_what_exists() {
        for (s, v) in [
            ("2019", Vintage::V2019),
            (" IoD2025 ", Vintage::V2025),
            ("imd2019", Vintage::V2019),
            ("v2025", Vintage::V2025),
        ] {
            assert_eq!(s.parse::<Vintage>().unwrap(), v, "{s}");
        }
        let err = "2021".parse::<Vintage>().unwrap_err().to_string();
        assert!(
            err.contains("\"2021\"") && err.contains("2019") && err.contains("2025"),
            "{err}"
        );
        assert_eq!(Vintage::default(), Vintage::V2019);
        assert_eq!(serde_json::to_string(&Vintage::V2025).unwrap(), "\"2025\"");
        assert_eq!(
            serde_json::from_str::<Vintage>("\"2019\"").unwrap(),
            Vintage::V2019
        );
        assert_eq!(Vintage::V2025.geography().label(), "LSOA 2021");
        use clap::ValueEnum;
        assert_eq!(
            <Vintage as ValueEnum>::from_str("2025", true).unwrap(),
            Vintage::V2025
        );
        for v in Vintage::ALL {
            assert_eq!(v.as_str().parse::<Vintage>().unwrap(), v);
        }
    }

    #[test]
    fn unchanged_and_split_areas_take_their_parent() {
        let lookup = vec![
            row("A11", "A11", LookupChange::Unchanged),
            row("B11", "B21x", LookupChange::Split),
            row("B11", "B21y", LookupChange::Split),
        ];
        let before = map(&[("A11", d(1, 1)), ("B11", d(2, 1))]);
        let after = map(&[("A11", d(3, 2)), ("B21x", d(1, 1)), ("B21y", d(2, 3))]);
        let c = compare(&lookup, &before, &after).unwrap();
        assert_eq!(c.len(), 3);
        let a = &c[0];
        assert_eq!(
            (a.lsoa21.as_str(), a.lookup, a.before, a.decile_change),
            ("A11", LookupChange::Unchanged, d(1, 1), 2)
        );
        assert_eq!(
            (a.top10_national, a.top10_region),
            (Top10Status::Left, Top10Status::Left)
        );
        let x = &c[1];
        assert_eq!(
            (x.lsoa11.clone(), x.lookup, x.before),
            (vec!["B11".to_string()], LookupChange::Split, d(2, 1))
        );
        assert_eq!(
            (x.top10_national, x.top10_region),
            (Top10Status::Entered, Top10Status::Stayed)
        );
        let y = &c[2];
        assert_eq!(y.before, d(2, 1));
        assert_eq!(
            (y.top10_national, y.top10_region, y.region_decile_change),
            (Top10Status::Never, Top10Status::Left, 2)
        );
    }

    #[test]
    fn a_merge_takes_the_most_deprived_parent() {
        let lookup = vec![
            row("P", "M21", LookupChange::Merge),
            row("Q", "M21", LookupChange::Merge),
        ];
        let before = map(&[("P", d(4, 1)), ("Q", d(1, 3))]);
        let after = map(&[("M21", d(1, 2))]);
        let c = compare(&lookup, &before, &after).unwrap();
        assert_eq!(c[0].lsoa11, vec!["P".to_string(), "Q".to_string()]);
        assert_eq!(
            c[0].before,
            d(1, 1),
            "lowest national and lowest regional decile"
        );
        assert_eq!(c[0].lookup, LookupChange::Merge);
        assert_eq!(c[0].top10_national, Top10Status::Stayed);
        assert_eq!(c[0].top10_region, Top10Status::Left);
        // Rows that disagree, or several parents under a U/S letter, are complex.
        let odd = vec![
            row("P", "M21", LookupChange::Split),
            row("Q", "M21", LookupChange::Merge),
        ];
        assert_eq!(
            compare(&odd, &before, &after).unwrap()[0].lookup,
            LookupChange::Complex
        );
        let odd = vec![
            row("P", "M21", LookupChange::Split),
            row("Q", "M21", LookupChange::Split),
        ];
        assert_eq!(
            compare(&odd, &before, &after).unwrap()[0].lookup,
            LookupChange::Complex
        );
    }

    #[test]
    fn missing_links_are_errors_not_guesses() {
        let lookup = vec![row("A11", "A11", LookupChange::Unchanged)];
        let err = compare(
            &lookup,
            &map(&[("A11", d(1, 1))]),
            &map(&[("Z21", d(1, 1))]),
        )
        .unwrap_err();
        assert_eq!(err, CompareError::NotInLookup("Z21".into()));
        let err = compare(&lookup, &HashMap::new(), &map(&[("A11", d(1, 1))])).unwrap_err();
        assert!(err.to_string().contains("A11"), "{err}");
    }

    #[test]
    fn region_deciles_follow_national_rank() {
        let ranks: Vec<(String, u32)> = (0..20)
            .map(|i| (format!("E{i:02}"), 1000 - i * 10))
            .collect();
        let dec = region_deciles(ranks.iter().map(|(c, r)| (c.as_str(), *r)));
        // The two lowest national ranks (most deprived) are the region's first decile.
        assert_eq!(dec["E19"], 1);
        assert_eq!(dec["E18"], 1);
        assert_eq!(dec["E17"], 2);
        assert_eq!(dec["E00"], 10);
        assert_eq!(dec.values().filter(|&&x| x == 1).count(), 2);
    }

    #[test]
    fn status_table() {
        assert_eq!(Top10Status::of(1, 1), Top10Status::Stayed);
        assert_eq!(Top10Status::of(1, 2), Top10Status::Left);
        assert_eq!(Top10Status::of(2, 1), Top10Status::Entered);
        assert_eq!(Top10Status::of(10, 2), Top10Status::Never);
        assert_eq!(
            serde_json::to_string(&Top10Status::Entered).unwrap(),
            "\"entered\""
        );
    }
}
