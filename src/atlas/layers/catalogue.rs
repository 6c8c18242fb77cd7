//! The layer catalogue: one table stating what every layer is — id, vintage, title, unit, source,
//! method, direction, group and description. Code that builds a layer supplies only its values
//! (and, for routed layers, a note on how this run made them); everything a reader sees about a
//! layer starts here.
//!
//! To add a layer: add its id to [`super::ids`], a row here, and the code that computes its
//! values; then regenerate the page's list (`needsmap layers --format js >
//! web/public/generated/layers.js`). The unit tests check that every id has exactly one row per
//! vintage and that the committed page list is current.
//!
//! A second vintage (IoD2025 on LSOA 2021) is a [`Vintage`] variant plus rows with that vintage
//! under the same ids, so the page, the filter language and saved links keep working.

use super::{ids, Direction, Group, LayerMeta, Method, NationalRanks};
use crate::sources::Source;
use serde::Serialize;
use std::fmt::Write as _;
use std::str::FromStr;

/// Units, as shown to readers. Deciles also decide the colour scale (whole classes 1..10).
pub mod unit {
    pub const SCORE: &str = "score";
    pub const RATE: &str = "rate";
    pub const RANK: &str = "rank";
    pub const DECILE: &str = "decile";
    pub const PEOPLE: &str = "people";
    pub const CHILDREN: &str = "children";
    pub const KM: &str = "km";
    pub const MINUTES: &str = "minutes";
    pub const RATIO: &str = "ratio";
    pub const ODS_CODE: &str = "ODS code";
    /// Text classes such as entered/left/stayed/never.
    pub const STATUS: &str = "status";
    /// A change of national or regional decile (after − before).
    pub const DECILE_CHANGE: &str = "decile change";
    pub const ONS_CODE: &str = "ONS code";
    pub const NAME: &str = "name";
    pub const PER_100_CHILDREN: &str = "per 100 children";
}

/// Source ids of `geodata/sources.toml` that layers are declared against.
pub mod source {
    pub const IOD2019: &str = "iod2019";
    pub const IOD2019_INDICATORS: &str = "iod2019_indicators";
    pub const DFT_ACS0505_2013: &str = "dft_acs0505_2013";
    pub const EPRACCUR: &str = "epraccur";
    pub const OSM_GLOUCESTERSHIRE: &str = "osm_gloucestershire";
    pub const GTFS: &str = "gtfs";
    pub const IOD2025: &str = "iod2025";
    pub const IOD2025_SUBDOMAINS: &str = "iod2025_subdomains";
    pub const IOD2025_INDICATORS: &str = "iod2025_indicators";
    pub const LSOA21_BGC_GLOUCESTERSHIRE: &str = "lsoa21_bgc_gloucestershire";
    /// England's LSOA 2021 boundaries: not mirrored, used when present.
    pub const LSOA21_BGC_ENGLAND_WALES: &str = "lsoa21_bgc_england_wales";
    pub const LSOA11_TO_LSOA21: &str = "lsoa11_to_lsoa21_gloucestershire";
    pub const LSOA11_PWC: &str = "lsoa11_pwc";
    pub const CILIF_MSOA11: &str = "cilif_msoa11_gloucestershire";
    pub const WARDS_WD25: &str = "wards_wd25_gloucestershire";
    pub const MSOA21_BGC: &str = "msoa21_bgc_gloucestershire";
}

/// A release of the area statistics, with the LSOA geography it is published on. The atlas is
/// loaded for one vintage; layer ids are the same in every vintage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub enum Vintage {
    /// English Indices of Deprivation 2019, on LSOA 2011.
    #[default]
    #[serde(rename = "2019")]
    Iod2019,
    /// English Indices of Deprivation 2025, on LSOA 2021.
    #[serde(rename = "2025")]
    Iod2025,
}

impl From<crate::vintage::Vintage> for Vintage {
    fn from(v: crate::vintage::Vintage) -> Vintage {
        match v {
            crate::vintage::Vintage::V2019 => Vintage::Iod2019,
            crate::vintage::Vintage::V2025 => Vintage::Iod2025,
        }
    }
}

impl Vintage {
    pub const ALL: [Vintage; 2] = [Vintage::Iod2019, Vintage::Iod2025];
    /// The vintage the county's grant scheme is defined on.
    pub const DEFAULT: Vintage = Vintage::Iod2019;

    /// The name used on the command line, in the API and in URLs ("2019").
    pub fn as_str(self) -> &'static str {
        match self {
            Vintage::Iod2019 => "2019",
            Vintage::Iod2025 => "2025",
        }
    }
    /// The geography the vintage's areas are drawn on.
    pub fn geography(self) -> &'static str {
        match self {
            Vintage::Iod2019 => "LSOA 2011",
            Vintage::Iod2025 => "LSOA 2021",
        }
    }
}

impl FromStr for Vintage {
    type Err = String;
    fn from_str(s: &str) -> Result<Vintage, String> {
        let t = s.trim();
        Vintage::ALL
            .into_iter()
            .find(|v| v.as_str() == t)
            .ok_or_else(|| {
                let known: Vec<&str> = Vintage::ALL.iter().map(|v| v.as_str()).collect();
                format!(
                    "unknown vintage '{}': use {}",
                    t.chars().take(20).collect::<String>(),
                    known.join(" or ")
                )
            })
    }
}

/// One row of the catalogue.
///
/// `method` is how the figure is made when every input is present; layers with a fallback
/// (routing → estimate) record each area's actual method when they are built
/// ([`super::Layer::method_of`]). `description` may name `{national}` (English LSOAs in the
/// vintage) and `{areas}` (LSOAs in the loaded region), filled by [`Vars`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayerSpec {
    pub id: &'static str,
    pub vintage: Vintage,
    pub title: &'static str,
    pub unit: &'static str,
    /// The main source, as an id of `geodata/sources.toml` (see [`source`]).
    pub source: &'static str,
    pub method: Method,
    pub direction: Direction,
    pub group: Group,
    /// For scores: the ids of their published national rank and decile.
    pub national: Option<(&'static str, &'static str)>,
    pub description: &'static str,
}

/// The figures a description may quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vars {
    /// English LSOAs in the vintage (the denominator of national ranks).
    pub national: usize,
    /// LSOAs in the loaded region.
    pub areas: usize,
}

impl Vars {
    /// The names a description may use, in `{name}` form.
    pub const NAMES: [&'static str; 2] = ["national", "areas"];

    fn fill(&self, template: &str) -> String {
        template
            .replace("{national}", &self.national.to_string())
            .replace("{areas}", &self.areas.to_string())
    }
}

impl LayerSpec {
    /// Metadata for this layer made from `source`: provenance (title, vintage, licence) comes from
    /// the manifest entry, so a layer never claims what the manifest does not record.
    pub fn meta(&self, source: &Source, vars: &Vars) -> LayerMeta {
        LayerMeta {
            id: self.id.into(),
            title: self.title.into(),
            unit: self.unit.into(),
            description: vars.fill(self.description),
            source: source.id.clone(),
            source_title: source.title.clone(),
            vintage: source.vintage.clone(),
            licence: source.licence.clone(),
            direction: self.direction,
            method: self.method,
            group: self.group,
            national: self.national.map(|(rank, decile)| NationalRanks {
                rank: rank.into(),
                decile: decile.into(),
            }),
        }
    }
}

/// The catalogue row of `id` in the default vintage.
pub fn spec(id: &str) -> Option<&'static LayerSpec> {
    spec_in(Vintage::DEFAULT, id)
}

/// The catalogue row of `id` in `vintage`: its own row, else a row [`shared`] by every vintage.
pub fn spec_in(vintage: Vintage, id: &str) -> Option<&'static LayerSpec> {
    CATALOGUE
        .iter()
        .find(|s| s.vintage == vintage && s.id == id)
        .or_else(|| CATALOGUE.iter().find(|s| s.id == id && shared(s)))
}

/// Whether a row declared once serves every vintage: GP access is measured today from each
/// area's centroid, whatever edition of the index the areas come from.
pub fn shared(s: &LayerSpec) -> bool {
    s.group == Group::GpAccess && s.vintage == Vintage::DEFAULT
}

/// The row of an id the code itself names (an [`ids`] constant). Every constant has a row — a
/// unit test checks it — so a miss is a programming error caught before release.
pub fn declared(id: &str) -> &'static LayerSpec {
    spec(id).unwrap_or_else(|| panic!("layer id {id:?} is not in the catalogue"))
}

/// [`declared`] in a given vintage.
pub fn declared_in(vintage: Vintage, id: &str) -> &'static LayerSpec {
    spec_in(vintage, id).unwrap_or_else(|| {
        panic!(
            "layer id {id:?} is not in the {} catalogue",
            vintage.as_str()
        )
    })
}

/// The rows of one vintage, in presentation order: its own rows, then the [`shared`] ones.
pub fn for_vintage(vintage: Vintage) -> impl Iterator<Item = &'static LayerSpec> {
    let own = CATALOGUE.iter().filter(move |s| s.vintage == vintage);
    let shared_rows = CATALOGUE
        .iter()
        .filter(move |s| vintage != Vintage::DEFAULT && shared(s));
    own.chain(shared_rows)
}

/// When a filter names a field the loaded vintage does not have: `Some(sentence)` naming the
/// vintage(s) the id exists in and listing the ids of this one, `None` when the id is in no
/// vintage (then the usual "unknown field, did you mean" answer is the right one).
pub fn not_in_vintage(vintage: Vintage, id: &str) -> Option<String> {
    if spec_in(vintage, id).is_some() {
        return None;
    }
    let elsewhere: Vec<&str> = Vintage::ALL
        .into_iter()
        .filter(|v| *v != vintage && spec_in(*v, id).is_some())
        .map(Vintage::as_str)
        .collect();
    if elsewhere.is_empty() {
        return None;
    }
    let here: Vec<&str> = for_vintage(vintage).map(|s| s.id).collect();
    Some(format!(
        "layer `{id}` exists in vintage {} but not in vintage {} ({}); the {} layers are: {}",
        elsewhere.join(", "),
        vintage.as_str(),
        vintage.geography(),
        vintage.as_str(),
        here.join(", ")
    ))
}

/// The page's list of layer ids and titles as an ES module: what `needsmap layers --format js`
/// prints and `web/public/generated/layers.js` holds.
pub fn page_module() -> String {
    let q = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let mut out = String::from("// Generated by `needsmap layers --format js`; do not edit.\n");
    out.push_str("export const LAYER_IDS = Object.freeze({\n");
    for (name, id) in ids::ALL {
        let _ = writeln!(out, "  {name}: {},", q(id));
    }
    out.push_str("});\nexport const LAYERS = Object.freeze([\n");
    let mut seen = std::collections::HashSet::new();
    for s in CATALOGUE.iter().filter(|s| seen.insert(s.id)) {
        let _ = writeln!(
            out,
            "  {{ id: {}, title: {}, unit: {}, group: {}, direction: {} }},",
            q(s.id),
            q(s.title),
            q(s.unit),
            q(s.group.as_str()),
            q(s.direction.as_str())
        );
    }
    out.push_str("]);\n");
    out.push_str("// Why a declared layer is absent (`/api/layers` → `absent[].cause`).\n");
    out.push_str("export const ABSENT_CAUSES = Object.freeze({\n");
    for c in super::AbsentCause::ALL {
        let name = c.as_str().to_uppercase();
        let _ = writeln!(out, "  {name}: {},", q(c.as_str()));
    }
    out.push_str("});\n");
    out
}

use Direction::{HigherIsWorse, LowerIsWorse, Neutral};
use Group::{Change, Children, Deprivation, Domains, GpAccess, Population};
use Method::{Computed, Network, Official, Reference};

/// Defaults of the IoD2019 rows (File 7 of the English Indices of Deprivation 2019).
const IOD2019: LayerSpec = LayerSpec {
    id: "",
    vintage: Vintage::Iod2019,
    title: "",
    unit: unit::SCORE,
    source: source::IOD2019,
    method: Official,
    direction: HigherIsWorse,
    group: Deprivation,
    national: None,
    description: "",
};

/// Defaults of the GP-access rows on IoD2019 areas.
const GP2019: LayerSpec = LayerSpec {
    source: source::EPRACCUR,
    group: GpAccess,
    unit: unit::MINUTES,
    ..IOD2019
};

/// Defaults of the IoD2025 rows (File 7 content, LSOA 2021).
const IOD2025: LayerSpec = LayerSpec {
    vintage: Vintage::Iod2025,
    source: source::IOD2025,
    ..IOD2019
};

/// Defaults of the IoD2025 sub-domain rows.
const SUB2025: LayerSpec = LayerSpec {
    source: source::IOD2025_SUBDOMAINS,
    group: Domains,
    ..IOD2025
};

/// Defaults of the rows comparing IoD2019 (carried through the lookup) with IoD2025.
const CHANGE2025: LayerSpec = LayerSpec {
    source: source::LSOA11_TO_LSOA21,
    method: Computed,
    group: Change,
    ..IOD2025
};

/// Defaults of the DWP child-poverty rows on LSOA 2021 areas (MSOA 2011 figures, carried).
const CILIF2025: LayerSpec = LayerSpec {
    source: source::CILIF_MSOA11,
    group: Children,
    unit: unit::CHILDREN,
    ..IOD2025
};

/// Why the IoD2025 IDACI layers are absent (also the reason `needsmap layers` shows).
pub const IDACI_2025_ABSENT: &str = "The IDACI 2025 rate, rank and decile are published only in MHCLG's official File 7 (https://assets.publishing.service.gov.uk/media/68ff5daabcb10f6bf9bef911/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv), which is not in the data mirror (its extract has no IDACI columns); needsmap does not fill them with anything else. children_income_deprived carries the official IDACI numerator (a count).";

/// Why the IoD2025 population denominators are absent.
pub const POPULATION_2025_ABSENT: &str = "The IoD2025 population denominators (mid-2022) are published only in MHCLG's official File 7 (https://assets.publishing.service.gov.uk/media/68ff5daabcb10f6bf9bef911/File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv), which is not in the data mirror. The IoD2019 mid-2015 figures are on LSOA 2011 areas and are not carried onto LSOA 2021 areas (a split area's share is unknown).";

/// Every layer, in presentation order.
pub const CATALOGUE: &[LayerSpec] = &[
    // Deprivation.
    LayerSpec {
        id: ids::IMD_SCORE,
        title: "IMD 2019 score",
        national: Some((ids::IMD_RANK, ids::IMD_DECILE)),
        description: "Index of Multiple Deprivation 2019 score: the weighted combination of the seven domains. Higher is more deprived.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::IMD_RANK,
        title: "IMD 2019 national rank",
        unit: unit::RANK,
        direction: LowerIsWorse,
        description: "National rank of the IMD 2019 score among {national} English LSOAs; 1 is the most deprived.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::IMD_DECILE,
        title: "IMD 2019 national decile",
        unit: unit::DECILE,
        direction: LowerIsWorse,
        description: "National decile of the IMD 2019 rank; 1 is the most deprived 10% of LSOAs in England.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::IMD_COUNTY_DECILE,
        title: "IMD 2019 decile within the region",
        unit: unit::DECILE,
        method: Computed,
        direction: LowerIsWorse,
        description: "Computed: the {areas} LSOAs of the loaded region ranked by national IMD 2019 rank and cut into tenths (decile = ceil(rank × 10 / {areas})); 1 is the region's most deprived 10%.",
        ..IOD2019
    },
    // Children.
    LayerSpec {
        id: ids::IDACI_SCORE,
        title: "IDACI 2019 score",
        unit: unit::RATE,
        group: Children,
        national: Some((ids::IDACI_RANK, ids::IDACI_DECILE)),
        description: "Income Deprivation Affecting Children Index 2019: the share of children aged 0-15 living in income-deprived families.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::IDACI_RANK,
        title: "IDACI 2019 national rank",
        unit: unit::RANK,
        method: Computed,
        direction: LowerIsWorse,
        group: Children,
        description: "Computed by needsmap from the {national} published English IDACI scores (3 d.p.): rank 1 = highest score, ties broken by file order; decile = ceil(rank × 10 / {national}). Where scores tie at 3 d.p. this can differ from MHCLG's own ranks, which use unrounded scores.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::IDACI_DECILE,
        title: "IDACI 2019 national decile",
        unit: unit::DECILE,
        method: Computed,
        direction: LowerIsWorse,
        group: Children,
        description: "Computed by needsmap from the {national} published English IDACI scores (3 d.p.): rank 1 = highest score, ties broken by file order; decile = ceil(rank × 10 / {national}). Where scores tie at 3 d.p. this can differ from MHCLG's own ranks, which use unrounded scores.",
        ..IOD2019
    },
    // Population.
    LayerSpec {
        id: ids::POPULATION,
        title: "Population (mid-2015)",
        unit: unit::PEOPLE,
        direction: Neutral,
        group: Population,
        description: "Total population, mid-2015, excluding prisoners: the IoD2019 denominator.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::CHILDREN,
        title: "Children aged 0-15 (mid-2015)",
        unit: unit::CHILDREN,
        direction: Neutral,
        group: Population,
        description: "Dependent children aged 0-15, mid-2015, excluding prisoners: the IoD2019 denominator.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::WARD,
        title: "Electoral ward (May 2025)",
        unit: unit::ONS_CODE,
        source: source::WARDS_WD25,
        method: Computed,
        direction: Neutral,
        group: Population,
        description: "The ward (May 2025, ONS BGC boundaries) the LSOA is assigned to: the ward containing its population-weighted centroid, among the wards of its district. Wards and LSOAs 2011 do not nest, so an LSOA can straddle wards; an LSOA whose centroid lies in no ward of its district (boundary generalisation) goes to the nearest one, and is marked as an estimate.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::WARD_NAME,
        title: "Electoral ward name (May 2025)",
        unit: unit::NAME,
        source: source::WARDS_WD25,
        method: Computed,
        direction: Neutral,
        group: Population,
        description: "The name of the ward in `ward`: assigned by population-weighted centroid, not an exact nesting.",
        ..IOD2019
    },
    // Wards and MSOAs 2021 for the IoD2025 summaries and profiles.
    LayerSpec {
        id: ids::WARD,
        title: "Electoral ward (May 2025)",
        unit: unit::ONS_CODE,
        source: source::WARDS_WD25,
        method: Computed,
        direction: Neutral,
        group: Population,
        description: "The ward (May 2025, ONS BGC boundaries) the LSOA 2021 is assigned to: the ward of its district containing its centroid. Wards and LSOAs 2021 do not nest. The centroid is ONS's population-weighted one for an area unchanged since 2011 and a point inside the polygon for a split area (see `centroid_basis`); an area whose centroid lies in no ward of its district goes to the nearest one and is marked as an estimate.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::WARD_NAME,
        title: "Electoral ward name (May 2025)",
        unit: unit::NAME,
        source: source::WARDS_WD25,
        method: Computed,
        direction: Neutral,
        group: Population,
        description: "The name of the ward in `ward`: assigned by centroid, not an exact nesting.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::MSOA21,
        title: "MSOA 2021",
        unit: unit::ONS_CODE,
        source: source::MSOA21_BGC,
        method: Computed,
        direction: Neutral,
        group: Population,
        description: "The MSOA 2021 the LSOA 2021 nests in, by ONS's naming rule (\"Gloucester 001A\" lies in \"Gloucester 001\"), with the code of ONS's MSOA 2021 boundaries.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::CHILDREN_INCOME_DEPRIVED,
        title: "Children in income-deprived families",
        unit: unit::CHILDREN,
        method: Computed,
        group: Children,
        description: "Computed: IDACI 2019 rate × children aged 0-15 (mid-2015). An estimate of the number of children in income-deprived families, not a published count.",
        ..IOD2019
    },
    // Child poverty now: DWP Children in Low Income Families, published for MSOAs 2011 only.
    LayerSpec {
        id: ids::CHILD_POVERTY_MSOA,
        title: "Children in low-income families, FYE 2022 (provisional), MSOA-level",
        unit: unit::CHILDREN,
        source: source::CILIF_MSOA11,
        group: Children,
        description: "MSOA-LEVEL: DWP Children in Low Income Families, children under 16 in relative low income, financial year ending 2022 (provisional), for the whole MSOA 2011 the LSOA lies in (every LSOA of an MSOA shows the same count; do not add LSOAs up). LSOAs reach their MSOA by ONS's naming rule (\"Gloucester 001A\" lies in \"Gloucester 001\"). Stat-Xplore disclosure control applies; blank outside the county table's 75 MSOAs.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::CHILD_POVERTY_MSOA_CHANGE,
        title: "Change in children in low-income families, FYE 2015 to 2022, MSOA-level",
        unit: unit::CHILDREN,
        source: source::CILIF_MSOA11,
        method: Computed,
        group: Children,
        description: "MSOA-LEVEL, computed: the MSOA's DWP count for FYE 2022 (provisional) minus its count for FYE 2015 (children under 16 in relative low income); positive = more children in low-income families. Blank where either year is suppressed.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::CHILD_POVERTY_MSOA_RATE,
        title: "Children in low-income families per 100 children aged 0-15 (mid-2015 population, IoD2019 File 6), MSOA-level",
        unit: unit::PER_100_CHILDREN,
        source: source::CILIF_MSOA11,
        method: Computed,
        group: Children,
        description: "MSOA-LEVEL, computed by needsmap, not DWP's published rate: the MSOA's FYE 2022 (provisional) count × 100 ÷ dependent children aged 0-15 at mid-2015 (IoD2019 File 6, excluding prisoners) summed over the MSOA's LSOAs. The denominator is seven years older than the count, so read it as an indication, not an official rate.",
        ..IOD2019
    },
    LayerSpec {
        id: ids::MSOA,
        title: "MSOA 2011 of the child-poverty figures",
        unit: unit::ONS_CODE,
        source: source::CILIF_MSOA11,
        method: Computed,
        direction: Neutral,
        group: Children,
        description: "The MSOA 2011 code whose DWP child-poverty figures the LSOA shows, found by ONS's naming rule (an LSOA 2011 is named after its MSOA plus one letter).",
        ..IOD2019
    },
    // The seven domains, in `sources::iod::DOMAINS` order: score, national rank, national decile.
    domain_score(ids::INCOME_SCORE, ids::INCOME_RANK, ids::INCOME_DECILE, "Income domain score", "IoD2019 Income domain score; higher is more deprived."),
    domain_rank(ids::INCOME_RANK, "Income domain national rank", "National rank of the Income domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::INCOME_DECILE, "Income domain national decile", "National decile of the Income domain; 1 is the most deprived 10%."),
    domain_score(ids::EMPLOYMENT_SCORE, ids::EMPLOYMENT_RANK, ids::EMPLOYMENT_DECILE, "Employment domain score", "IoD2019 Employment domain score; higher is more deprived."),
    domain_rank(ids::EMPLOYMENT_RANK, "Employment domain national rank", "National rank of the Employment domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::EMPLOYMENT_DECILE, "Employment domain national decile", "National decile of the Employment domain; 1 is the most deprived 10%."),
    domain_score(ids::EDUCATION_SCORE, ids::EDUCATION_RANK, ids::EDUCATION_DECILE, "Education, Skills and Training domain score", "IoD2019 Education, Skills and Training domain score; higher is more deprived."),
    domain_rank(ids::EDUCATION_RANK, "Education, Skills and Training domain national rank", "National rank of the Education, Skills and Training domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::EDUCATION_DECILE, "Education, Skills and Training domain national decile", "National decile of the Education, Skills and Training domain; 1 is the most deprived 10%."),
    domain_score(ids::HEALTH_SCORE, ids::HEALTH_RANK, ids::HEALTH_DECILE, "Health Deprivation and Disability domain score", "IoD2019 Health Deprivation and Disability domain score; higher is more deprived."),
    domain_rank(ids::HEALTH_RANK, "Health Deprivation and Disability domain national rank", "National rank of the Health Deprivation and Disability domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::HEALTH_DECILE, "Health Deprivation and Disability domain national decile", "National decile of the Health Deprivation and Disability domain; 1 is the most deprived 10%."),
    domain_score(ids::CRIME_SCORE, ids::CRIME_RANK, ids::CRIME_DECILE, "Crime domain score", "IoD2019 Crime domain score; higher is more deprived."),
    domain_rank(ids::CRIME_RANK, "Crime domain national rank", "National rank of the Crime domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::CRIME_DECILE, "Crime domain national decile", "National decile of the Crime domain; 1 is the most deprived 10%."),
    domain_score(ids::BARRIERS_SCORE, ids::BARRIERS_RANK, ids::BARRIERS_DECILE, "Barriers to Housing and Services domain score", "IoD2019 Barriers to Housing and Services domain score; higher is more deprived."),
    domain_rank(ids::BARRIERS_RANK, "Barriers to Housing and Services domain national rank", "National rank of the Barriers to Housing and Services domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::BARRIERS_DECILE, "Barriers to Housing and Services domain national decile", "National decile of the Barriers to Housing and Services domain; 1 is the most deprived 10%."),
    domain_score(ids::LIVING_ENV_SCORE, ids::LIVING_ENV_RANK, ids::LIVING_ENV_DECILE, "Living Environment domain score", "IoD2019 Living Environment domain score; higher is more deprived."),
    domain_rank(ids::LIVING_ENV_RANK, "Living Environment domain national rank", "National rank of the Living Environment domain among {national} English LSOAs; 1 is the most deprived."),
    domain_decile(ids::LIVING_ENV_DECILE, "Living Environment domain national decile", "National decile of the Living Environment domain; 1 is the most deprived 10%."),
    // GP access: official reference figures.
    LayerSpec {
        id: ids::GP_ROAD_KM_IOD2019,
        title: "Road distance to a GP surgery (IoD2019)",
        unit: unit::KM,
        source: source::IOD2019_INDICATORS,
        method: Reference,
        description: "Official IoD2019 indicator (File 8, Barriers to Housing and Services domain): mean road distance to the nearest GP surgery from the population-weighted postcodes of the LSOA, reference year 2019.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_PT_WALK_MIN_2013,
        title: "Minutes to a GP by public transport/walk (DfT 2013)",
        source: source::DFT_ACS0505_2013,
        method: Reference,
        description: "Official DfT Accessibility Statistics table ACS0505 (2013), modelled travel time to the nearest GP.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_CYCLE_MIN_2013,
        title: "Minutes to a GP by cycle (DfT 2013)",
        source: source::DFT_ACS0505_2013,
        method: Reference,
        description: "Official DfT Accessibility Statistics table ACS0505 (2013), modelled travel time to the nearest GP.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_CAR_MIN_2013,
        title: "Minutes to a GP by car (DfT 2013)",
        source: source::DFT_ACS0505_2013,
        method: Reference,
        description: "Official DfT Accessibility Statistics table ACS0505 (2013), modelled travel time to the nearest GP.",
        ..GP2019
    },
    // GP access computed by needsmap: routed where a road network covers the area, else estimated.
    LayerSpec {
        id: ids::GP_WALK_MIN,
        title: "Minutes to the nearest GP on foot",
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        description: "Minutes on foot from the LSOA's population-weighted centroid to the nearest GP site in use.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_CYCLE_MIN,
        title: "Minutes to the nearest GP by bike",
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        description: "Minutes by bike from the LSOA's population-weighted centroid to the nearest GP site in use.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_CAR_MIN,
        title: "Minutes to the nearest GP by car",
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        description: "Minutes by car from the LSOA's population-weighted centroid to the nearest GP site in use.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_WALK_KM,
        title: "Distance to the nearest GP on foot (km)",
        unit: unit::KM,
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        description: "Distance along the walking network from the LSOA's population-weighted centroid to the nearest GP site in use.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_CYCLE_KM,
        title: "Distance to the nearest GP by bike (km)",
        unit: unit::KM,
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        description: "Distance along the cycling network from the LSOA's population-weighted centroid to the nearest GP site in use.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_CAR_KM,
        title: "Distance to the nearest GP by car (km)",
        unit: unit::KM,
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        description: "Distance along the road network from the LSOA's population-weighted centroid to the nearest GP site in use.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_DETOUR_FACTOR,
        title: "Road/straight-line ratio to a GP (estimate input)",
        unit: unit::RATIO,
        source: source::IOD2019_INDICATORS,
        method: Computed,
        direction: Neutral,
        description: "Computed: IoD2019 road distance to a GP ÷ straight-line distance from the centroid to the nearest GP site open on 1 January 2019. Used to estimate GP travel times where no road network covers the area.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_NEAREST,
        title: "Nearest GP site",
        unit: unit::ODS_CODE,
        source: source::OSM_GLOUCESTERSHIRE,
        method: Network,
        direction: Neutral,
        description: "NHS ODS code of the nearest GP site in use from the population-weighted centroid.",
        ..GP2019
    },
    // Public transport to a GP (computed from a GTFS feed when one is in the data directory).
    LayerSpec {
        id: ids::GP_PT_MIN,
        title: "Minutes to the nearest GP by public transport",
        source: source::GTFS,
        method: Network,
        description: "Median over weekday departures 07:00–10:00 of the journey time by public transport and walking from the population-weighted centroid to the nearest open GP site.",
        ..GP2019
    },
    LayerSpec {
        id: ids::GP_PT_WALK_MIN,
        title: "Minutes to the nearest GP on foot or by public transport",
        source: source::GTFS,
        method: Network,
        description: "The better of walking and public transport to the nearest open GP site: the county health and wellbeing pack's access measure.",
        ..GP2019
    },
    // ---- IoD2025 on LSOA 2021 (`--vintage 2025`). GP-access rows above are shared.
    LayerSpec {
        id: ids::IMD_SCORE,
        title: "IMD 2025 score",
        national: Some((ids::IMD_RANK, ids::IMD_DECILE)),
        description: "Index of Multiple Deprivation 2025 score: the weighted combination of the seven domains. Higher is more deprived.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::IMD_RANK,
        title: "IMD 2025 national rank",
        unit: unit::RANK,
        direction: LowerIsWorse,
        description: "National rank of the IMD 2025 score among {national} English LSOAs (2021); 1 is the most deprived.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::IMD_DECILE,
        title: "IMD 2025 national decile",
        unit: unit::DECILE,
        direction: LowerIsWorse,
        description: "National decile of the IMD 2025 rank; 1 is the most deprived 10% of LSOAs (2021) in England.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::IMD_COUNTY_DECILE,
        title: "IMD 2025 decile within the region",
        unit: unit::DECILE,
        method: Computed,
        direction: LowerIsWorse,
        description: "Computed: the {areas} LSOAs (2021) of the loaded region ranked by national IMD 2025 rank and cut into tenths (decile = ceil(rank × 10 / {areas})); 1 is the region's most deprived 10%.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::IDACI_SCORE,
        title: "IDACI 2025 score",
        unit: unit::RATE,
        group: Children,
        description: "Income Deprivation Affecting Children Index 2025. Not in the data mirror: see the absent-layer reason.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::IDACI_RANK,
        title: "IDACI 2025 national rank",
        unit: unit::RANK,
        direction: LowerIsWorse,
        group: Children,
        description: "National rank of IDACI 2025. Not in the data mirror: see the absent-layer reason.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::IDACI_DECILE,
        title: "IDACI 2025 national decile",
        unit: unit::DECILE,
        direction: LowerIsWorse,
        group: Children,
        description: "National decile of IDACI 2025. Not in the data mirror: see the absent-layer reason.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::CHILDREN_INCOME_DEPRIVED,
        title: "Children in income-deprived families",
        unit: unit::CHILDREN,
        source: source::IOD2025_INDICATORS,
        group: Children,
        description: "Official IoD2025 File 8 indicator: the IDACI numerator, children aged 0-15 living in income-deprived families. A published count (rounded, and blank where suppressed as small), not a rate.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::POPULATION,
        title: "Population (IoD2025 denominator)",
        unit: unit::PEOPLE,
        direction: Neutral,
        group: Population,
        description: "Total population, the IoD2025 denominator. Not in the data mirror: see the absent-layer reason.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::CHILDREN,
        title: "Children aged 0-15 (IoD2025 denominator)",
        unit: unit::CHILDREN,
        direction: Neutral,
        group: Population,
        description: "Dependent children aged 0-15, the IoD2025 denominator. Not in the data mirror: see the absent-layer reason.",
        ..IOD2025
    },
    // Child poverty now on LSOA 2021 areas: DWP's MSOA 2011 table reached through the lookup.
    LayerSpec {
        id: ids::CHILD_POVERTY_MSOA,
        title: "Children in low-income families, FYE 2022 (provisional), MSOA-level",
        description: "MSOA-LEVEL: DWP Children in Low Income Families, children under 16 in relative low income, FYE 2022 (provisional), for the whole MSOA 2011 the area lies in (every area of an MSOA shows the same count; do not add areas up). DWP publishes it on MSOA 2011 geography, keyed by MSOA name: each LSOA 2021 area is carried through its LSOA 2011 parent(s) in the 2011→2021 lookup (lsoa11_to_lsoa21_gloucestershire) to that parent's MSOA 2011 by ONS's naming rule; an unchanged or split area lies inside one LSOA 2011 and so inside one MSOA 2011, an area whose parents lie in different MSOAs would be blank. Stat-Xplore disclosure control applies.",
        ..CILIF2025
    },
    LayerSpec {
        id: ids::CHILD_POVERTY_MSOA_CHANGE,
        title: "Change in children in low-income families, FYE 2015 to 2022, MSOA-level",
        method: Computed,
        description: "MSOA-LEVEL, computed: the MSOA 2011's DWP count for FYE 2022 (provisional) minus its count for FYE 2015, carried onto LSOA 2021 areas through the 2011→2021 lookup as child_poverty_msoa is. Blank where either year is suppressed.",
        ..CILIF2025
    },
    LayerSpec {
        id: ids::CHILD_POVERTY_MSOA_RATE,
        title: "Children in low-income families per 100 children aged 0-15 (mid-2015 population, IoD2019 File 6), MSOA-level",
        unit: unit::PER_100_CHILDREN,
        method: Computed,
        description: "MSOA-LEVEL, computed by needsmap, not DWP's published rate: the MSOA 2011's FYE 2022 (provisional) count × 100 ÷ children aged 0-15 at mid-2015 (IoD2019 File 6) summed over the MSOA's LSOAs 2011, carried onto LSOA 2021 areas through the 2011→2021 lookup. The denominator is seven years older than the count: an indication, not an official rate.",
        ..CILIF2025
    },
    LayerSpec {
        id: ids::MSOA,
        title: "MSOA 2011 of the child-poverty figures",
        unit: unit::ONS_CODE,
        method: Computed,
        direction: Neutral,
        description: "The MSOA 2011 code whose DWP child-poverty figures the LSOA 2021 area shows: the MSOA of its LSOA 2011 parent(s) in the 2011→2021 lookup, by ONS's naming rule (an LSOA 2011 is named after its MSOA plus one letter).",
        ..CILIF2025
    },
    score25(ids::INCOME_SCORE, ids::INCOME_RANK, ids::INCOME_DECILE, "Income domain score", "IoD2025 Income domain score; higher is more deprived.", IOD2025),
    rank25(ids::INCOME_RANK, "Income domain national rank", IOD2025),
    decile25(ids::INCOME_DECILE, "Income domain national decile", IOD2025),
    score25(ids::EMPLOYMENT_SCORE, ids::EMPLOYMENT_RANK, ids::EMPLOYMENT_DECILE, "Employment domain score", "IoD2025 Employment domain score; higher is more deprived.", IOD2025),
    rank25(ids::EMPLOYMENT_RANK, "Employment domain national rank", IOD2025),
    decile25(ids::EMPLOYMENT_DECILE, "Employment domain national decile", IOD2025),
    score25(ids::EDUCATION_SCORE, ids::EDUCATION_RANK, ids::EDUCATION_DECILE, "Education, Skills and Training domain score", "IoD2025 Education, Skills and Training domain score; higher is more deprived.", IOD2025),
    rank25(ids::EDUCATION_RANK, "Education, Skills and Training domain national rank", IOD2025),
    decile25(ids::EDUCATION_DECILE, "Education, Skills and Training domain national decile", IOD2025),
    score25(ids::HEALTH_SCORE, ids::HEALTH_RANK, ids::HEALTH_DECILE, "Health Deprivation and Disability domain score", "IoD2025 Health Deprivation and Disability domain score; higher is more deprived.", IOD2025),
    rank25(ids::HEALTH_RANK, "Health Deprivation and Disability domain national rank", IOD2025),
    decile25(ids::HEALTH_DECILE, "Health Deprivation and Disability domain national decile", IOD2025),
    score25(ids::CRIME_SCORE, ids::CRIME_RANK, ids::CRIME_DECILE, "Crime domain score", "IoD2025 Crime domain score; higher is more deprived.", IOD2025),
    rank25(ids::CRIME_RANK, "Crime domain national rank", IOD2025),
    decile25(ids::CRIME_DECILE, "Crime domain national decile", IOD2025),
    score25(ids::BARRIERS_SCORE, ids::BARRIERS_RANK, ids::BARRIERS_DECILE, "Barriers to Housing and Services domain score", "IoD2025 Barriers to Housing and Services domain score; higher is more deprived.", IOD2025),
    rank25(ids::BARRIERS_RANK, "Barriers to Housing and Services domain national rank", IOD2025),
    decile25(ids::BARRIERS_DECILE, "Barriers to Housing and Services domain national decile", IOD2025),
    score25(ids::LIVING_ENV_SCORE, ids::LIVING_ENV_RANK, ids::LIVING_ENV_DECILE, "Living Environment domain score", "IoD2025 Living Environment domain score; higher is more deprived.", IOD2025),
    rank25(ids::LIVING_ENV_RANK, "Living Environment domain national rank", IOD2025),
    decile25(ids::LIVING_ENV_DECILE, "Living Environment domain national decile", IOD2025),
    // The six IoD2025 sub-domains, in `sources::iod2025::SUBDOMAINS_2025` order.
    score25(ids::CYP_SCORE, ids::CYP_RANK, ids::CYP_DECILE, "Children and Young People sub-domain score", "IoD2025 Children and Young People sub-domain (Education domain); higher is more deprived.", SUB2025),
    rank25(ids::CYP_RANK, "Children and Young People sub-domain national rank", SUB2025),
    decile25(ids::CYP_DECILE, "Children and Young People sub-domain national decile", SUB2025),
    score25(ids::ADULT_SKILLS_SCORE, ids::ADULT_SKILLS_RANK, ids::ADULT_SKILLS_DECILE, "Adult Skills sub-domain score", "IoD2025 Adult Skills sub-domain (Education domain); higher is more deprived.", SUB2025),
    rank25(ids::ADULT_SKILLS_RANK, "Adult Skills sub-domain national rank", SUB2025),
    decile25(ids::ADULT_SKILLS_DECILE, "Adult Skills sub-domain national decile", SUB2025),
    score25(ids::GEO_BARRIERS_SCORE, ids::GEO_BARRIERS_RANK, ids::GEO_BARRIERS_DECILE, "Geographical Barriers sub-domain score", "IoD2025 Geographical Barriers sub-domain (Barriers domain: road distances to services); higher is more deprived.", SUB2025),
    rank25(ids::GEO_BARRIERS_RANK, "Geographical Barriers sub-domain national rank", SUB2025),
    decile25(ids::GEO_BARRIERS_DECILE, "Geographical Barriers sub-domain national decile", SUB2025),
    score25(ids::WIDER_BARRIERS_SCORE, ids::WIDER_BARRIERS_RANK, ids::WIDER_BARRIERS_DECILE, "Wider Barriers sub-domain score", "IoD2025 Wider Barriers sub-domain (Barriers domain: housing affordability and overcrowding); higher is more deprived.", SUB2025),
    rank25(ids::WIDER_BARRIERS_RANK, "Wider Barriers sub-domain national rank", SUB2025),
    decile25(ids::WIDER_BARRIERS_DECILE, "Wider Barriers sub-domain national decile", SUB2025),
    score25(ids::INDOORS_SCORE, ids::INDOORS_RANK, ids::INDOORS_DECILE, "Indoors sub-domain score", "IoD2025 Indoors sub-domain (Living Environment domain: housing condition); higher is more deprived.", SUB2025),
    rank25(ids::INDOORS_RANK, "Indoors sub-domain national rank", SUB2025),
    decile25(ids::INDOORS_DECILE, "Indoors sub-domain national decile", SUB2025),
    score25(ids::OUTDOORS_SCORE, ids::OUTDOORS_RANK, ids::OUTDOORS_DECILE, "Outdoors sub-domain score", "IoD2025 Outdoors sub-domain (Living Environment domain: air quality and road traffic accidents); higher is more deprived.", SUB2025),
    rank25(ids::OUTDOORS_RANK, "Outdoors sub-domain national rank", SUB2025),
    decile25(ids::OUTDOORS_DECILE, "Outdoors sub-domain national decile", SUB2025),
    // GP capacity and where travel times start.
    LayerSpec {
        id: ids::PATIENT_TO_GP_RATIO,
        title: "Patients per GP (IoD2025)",
        unit: unit::RATIO,
        source: source::IOD2025_INDICATORS,
        group: GpAccess,
        description: "Official IoD2025 File 8 indicator: registered patients per full-time-equivalent GP for the practices serving the LSOA; higher means less GP capacity.",
        ..IOD2025
    },
    LayerSpec {
        id: ids::CENTROID_BASIS,
        title: "Centroid used for travel times",
        unit: unit::STATUS,
        source: source::LSOA11_PWC,
        method: Computed,
        direction: Neutral,
        group: GpAccess,
        description: "Where the area's travel times start. LSOA 2021 population-weighted centroids are not in the data mirror: \"population-weighted (LSOA 2011 PWC)\" for an area unchanged since 2011 (ONS's official 2011 centroid of the same area); \"geometric (point inside the 2021 polygon)\" for a split area, which is not population-weighted.",
        ..IOD2025
    },
    // Change since IoD2019, carried onto LSOA 2021 through the 2011→2021 lookup.
    LayerSpec {
        id: ids::LOOKUP_CHANGE,
        title: "LSOA 2011→2021 change",
        unit: unit::STATUS,
        direction: Neutral,
        description: "How the LSOA 2021 area relates to its LSOA 2011 parent(s) in the lookup: unchanged (U), split (S), merge (M) or complex (X). The mirror's lookup is derived by polygon overlay.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::LSOA11_CODES,
        title: "LSOA 2011 parent(s)",
        unit: unit::STATUS,
        direction: Neutral,
        description: "The LSOA 2011 code(s) the LSOA 2021 area came from in the lookup, separated by ';'.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::IMD_DECILE_2019,
        title: "IMD 2019 national decile (carried to 2021 areas)",
        unit: unit::DECILE,
        direction: LowerIsWorse,
        description: "The IMD 2019 national decile of the area's LSOA 2011 parent: an unchanged or split area takes its parent's decile; an area with several parents takes the most deprived parent's.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::IMD_COUNTY_DECILE_2019,
        title: "IMD 2019 decile within the region (carried to 2021 areas)",
        unit: unit::DECILE,
        direction: LowerIsWorse,
        description: "The IMD 2019 decile within the region (the region's LSOA 2011 areas ranked by national rank) of the area's LSOA 2011 parent, carried by the same rule as imd_decile_2019.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::IMD_DECILE_CHANGE,
        title: "Change of IMD national decile, 2019→2025",
        unit: unit::DECILE_CHANGE,
        direction: LowerIsWorse,
        description: "IMD 2025 national decile minus the carried IMD 2019 decile: negative means relatively more deprived in 2025.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::IMD_COUNTY_DECILE_CHANGE,
        title: "Change of IMD decile within the region, 2019→2025",
        unit: unit::DECILE_CHANGE,
        direction: LowerIsWorse,
        description: "IMD 2025 decile within the region minus the carried IMD 2019 decile within the region: negative means relatively more deprived in 2025.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::TOP10_STATUS,
        title: "England's most deprived 10%, 2019→2025",
        unit: unit::STATUS,
        direction: Neutral,
        description: "entered (not in England's most deprived 10% under IMD 2019, in it under 2025), left, stayed or never; 2019 carried through the lookup as imd_decile_2019.",
        ..CHANGE2025
    },
    LayerSpec {
        id: ids::TOP10_STATUS_COUNTY,
        title: "The region's most deprived 10%, 2019→2025",
        unit: unit::STATUS,
        direction: Neutral,
        description: "entered, left, stayed or never, for the region's most deprived 10% (county decile 1) under IMD 2019 (carried as imd_county_decile_2019) and IMD 2025.",
        ..CHANGE2025
    },
];

const fn score25(
    id: &'static str,
    rank: &'static str,
    decile: &'static str,
    title: &'static str,
    description: &'static str,
    base: LayerSpec,
) -> LayerSpec {
    LayerSpec {
        id,
        title,
        national: Some((rank, decile)),
        group: Domains,
        description,
        ..base
    }
}

const fn rank25(id: &'static str, title: &'static str, base: LayerSpec) -> LayerSpec {
    LayerSpec {
        id,
        title,
        unit: unit::RANK,
        direction: LowerIsWorse,
        group: Domains,
        description: "National rank among {national} English LSOAs (2021); 1 is the most deprived.",
        ..base
    }
}

const fn decile25(id: &'static str, title: &'static str, base: LayerSpec) -> LayerSpec {
    LayerSpec {
        id,
        title,
        unit: unit::DECILE,
        direction: LowerIsWorse,
        group: Domains,
        description: "National decile; 1 is the most deprived 10% of LSOAs (2021) in England.",
        ..base
    }
}

const fn domain_score(
    id: &'static str,
    rank: &'static str,
    decile: &'static str,
    title: &'static str,
    description: &'static str,
) -> LayerSpec {
    LayerSpec {
        id,
        title,
        national: Some((rank, decile)),
        group: Domains,
        description,
        ..IOD2019
    }
}

const fn domain_rank(
    id: &'static str,
    title: &'static str,
    description: &'static str,
) -> LayerSpec {
    LayerSpec {
        id,
        title,
        unit: unit::RANK,
        direction: LowerIsWorse,
        group: Domains,
        description,
        ..IOD2019
    }
}

const fn domain_decile(
    id: &'static str,
    title: &'static str,
    description: &'static str,
) -> LayerSpec {
    LayerSpec {
        id,
        title,
        unit: unit::DECILE,
        direction: LowerIsWorse,
        group: Domains,
        description,
        ..IOD2019
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_id_is_unique_and_declared_once_per_vintage() {
        let names: HashSet<&str> = ids::ALL.iter().map(|(n, _)| *n).collect();
        let values: HashSet<&str> = ids::ALL.iter().map(|(_, v)| *v).collect();
        assert_eq!(names.len(), ids::ALL.len(), "constant names repeat");
        assert_eq!(values.len(), ids::ALL.len(), "two constants share an id");
        for v in Vintage::ALL {
            let mut seen = HashSet::new();
            for s in for_vintage(v) {
                assert!(
                    seen.insert(s.id),
                    "{} declared twice in {}",
                    s.id,
                    v.as_str()
                );
                assert!(values.contains(s.id), "{} has no constant in ids", s.id);
            }
        }
        for (name, id) in ids::ALL {
            assert!(
                Vintage::ALL.iter().any(|v| spec_in(*v, id).is_some()),
                "ids::{name} = {id:?} has no catalogue row"
            );
            // The constant's name is its id in capitals: a newcomer can guess one from the other.
            assert_eq!(name.to_ascii_lowercase(), *id);
        }
    }

    #[test]
    fn rows_are_complete_and_consistent() {
        for s in CATALOGUE {
            assert!(
                !s.title.is_empty() && !s.description.is_empty() && !s.unit.is_empty(),
                "{}",
                s.id
            );
            if let Some((rank, decile)) = s.national {
                let (r, d) = (
                    spec_in(s.vintage, rank).unwrap(),
                    spec_in(s.vintage, decile).unwrap(),
                );
                assert_eq!((r.unit, d.unit), (unit::RANK, unit::DECILE), "{}", s.id);
            }
            // Placeholders are only the ones Vars fills.
            let mut rest = s.description;
            while let Some(open) = rest.find('{') {
                let close = rest[open..]
                    .find('}')
                    .map(|c| open + c)
                    .unwrap_or_else(|| panic!("{}: unclosed {{", s.id));
                assert!(
                    Vars::NAMES.contains(&&rest[open + 1..close]),
                    "{}: unknown placeholder {}",
                    s.id,
                    &rest[open..=close]
                );
                rest = &rest[close + 1..];
            }
        }
        let filled = Vars {
            national: 32_844,
            areas: 373,
        }
        .fill(declared(ids::IMD_COUNTY_DECILE).description);
        assert!(filled.contains("the 373 LSOAs") && !filled.contains('{'));
    }

    #[test]
    fn domain_ids_follow_the_iod_reader() {
        for ((prefix, title, _), (score, rank, decile)) in
            crate::sources::iod::DOMAINS.iter().zip(ids::DOMAINS)
        {
            assert_eq!(
                (score, rank, decile),
                (
                    &*format!("{prefix}_score"),
                    &*format!("{prefix}_rank"),
                    &*format!("{prefix}_decile")
                )
            );
            assert_eq!(declared(score).title, format!("{title} domain score"));
            assert_eq!(declared(score).national, Some((rank, decile)));
        }
    }

    #[test]
    fn vintages_parse() {
        assert_eq!("2019".parse::<Vintage>().unwrap(), Vintage::Iod2019);
        assert_eq!("2025".parse::<Vintage>().unwrap(), Vintage::Iod2025);
        assert!("2025x".parse::<Vintage>().unwrap_err().contains("use 2019"));
        assert_eq!(serde_json::to_value(Vintage::Iod2019).unwrap(), "2019");
    }

    #[test]
    fn the_committed_page_list_is_the_generated_one() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/public/generated/layers.js");
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == page_module(),
            "{} is stale: run `cargo run --release -- layers --format js > web/public/generated/layers.js`",
            path.display()
        );
        assert!(page_module().contains("  IMD_DECILE: \"imd_decile\",\n"));
    }
}
