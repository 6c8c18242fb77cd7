//! Summaries above the LSOA: `/api/summary` and `needsmap summary`, one row per district
//! (= Integrated Locality Partnership), ward or MSOA, and one for the whole region. Computed by
//! [`crate::summary`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// The level of a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SummaryLevel {
    /// Local authority districts (2019): LSOAs nest exactly.
    District,
    /// Electoral wards (May 2025): LSOAs assigned by population-weighted centroid.
    Ward,
    /// Middle Layer Super Output Areas (2011 for IoD2019, 2021 for IoD2025): LSOAs nest exactly.
    Msoa,
}

impl SummaryLevel {
    pub const ALL: [SummaryLevel; 3] = [
        SummaryLevel::District,
        SummaryLevel::Ward,
        SummaryLevel::Msoa,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryLevel::District => "district",
            SummaryLevel::Ward => "ward",
            SummaryLevel::Msoa => "msoa",
        }
    }
}

impl fmt::Display for SummaryLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SummaryLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<SummaryLevel, String> {
        let t = s.trim().to_ascii_lowercase();
        SummaryLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "unknown summary level by='{}': use district, ward or msoa",
                    s.trim().chars().take(20).collect::<String>()
                )
            })
    }
}

/// A summary at one level.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SummaryAnswer {
    pub by: SummaryLevel,
    /// The loaded region's id.
    pub region: String,
    /// Index and geography the figures are on.
    pub vintage: String,
    /// How LSOAs were assigned to the rows (exact nesting, or by population-weighted centroid).
    pub method: String,
    /// The GP-access threshold, minutes.
    pub minutes: f64,
    /// Each GP-access mode counted, with how its times were made.
    pub gp_modes: Vec<GpMode>,
    /// What the child-poverty figure is, and where it is absent.
    pub child_poverty: String,
    pub rows: Vec<SummaryRow>,
    /// The whole region (every LSOA, however assigned).
    pub region_total: SummaryRow,
    /// LSOAs of the region in no row (e.g. outside every ward of the boundary file).
    pub unassigned: usize,
    pub notes: Vec<String>,
}

/// One GP-access mode: its layer and how its times were made.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GpMode {
    /// `walk`, `cycle`, `car`, `pt`, `pt_walk`.
    pub mode: String,
    pub layer: String,
    pub title: String,
    /// `network`, `estimate`, `mixed`; absent layers are left out of `gp_beyond` and say why here.
    pub method: Option<String>,
    /// True when any area's time is an estimate, not a routed time.
    pub estimate: bool,
    pub absent_reason: Option<String>,
}

/// The figures of one district, ward, MSOA or the region.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SummaryRow {
    pub code: String,
    pub name: String,
    /// The district the row lies in (wards and MSOAs); `None` for districts and the region.
    pub district: Option<String>,
    pub lsoas: usize,
    /// Total population, mid-2015 (IoD2019 denominators); `None` in a vintage that publishes
    /// no population here (IoD2025), never a count of 0.
    pub population: Option<f64>,
    /// Children aged 0-15, mid-2015; `None` as `population`.
    pub children: Option<f64>,
    /// Children in income-deprived families: IDACI 2019 score × children (the IDACI numerator up
    /// to the rounding of the published score), to one decimal; IoD2025: the official IDACI
    /// numerator, summed. `None` when the atlas has no such layer.
    pub children_income_deprived: Option<f64>,
    /// Population-weighted average IMD score (`None` without a population).
    pub imd_score_weighted: Option<f64>,
    /// LSOAs in national IMD decile 1 (the most deprived 10% of England).
    pub lsoas_decile1: usize,
    pub share_lsoas_decile1: f64,
    pub people_decile1: Option<f64>,
    pub share_people_decile1: Option<f64>,
    /// LSOAs in national IMD deciles 1-2 (the most deprived 20%).
    pub lsoas_decile1_2: usize,
    pub share_lsoas_decile1_2: f64,
    pub people_decile1_2: Option<f64>,
    pub share_people_decile1_2: Option<f64>,
    /// DWP children in low-income families, FYE 2022 (provisional), summed over whole MSOAs;
    /// `None` for wards (MSOAs do not nest in wards) or where an MSOA is missing.
    pub child_poverty: Option<f64>,
    /// MSOAs summed into `child_poverty`.
    pub child_poverty_msoas: usize,
    /// People beyond the threshold, per mode of [`SummaryAnswer::gp_modes`] that exists.
    pub gp_beyond: Vec<GpBeyond>,
}

/// People (and LSOAs) whose time to the nearest GP exceeds the threshold in one mode.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GpBeyond {
    pub mode: String,
    /// `None` when the vintage has no population (the LSOAs are still counted).
    pub people: Option<f64>,
    pub lsoas: usize,
    pub share_people: Option<f64>,
    /// LSOAs with no time in this mode (not counted either way).
    pub lsoas_without_time: usize,
}

impl SummaryAnswer {
    /// CSV header: fixed columns, then `people_beyond_<mode>` and `lsoas_beyond_<mode>`.
    pub fn csv_header(&self) -> Vec<String> {
        let mut h: Vec<String> = [
            "level",
            "code",
            "name",
            "district",
            "lsoas",
            "population",
            "children",
            "children_income_deprived",
            "imd_score_weighted",
            "lsoas_decile1",
            "share_lsoas_decile1",
            "people_decile1",
            "share_people_decile1",
            "lsoas_decile1_2",
            "share_lsoas_decile1_2",
            "people_decile1_2",
            "share_people_decile1_2",
            "child_poverty",
            "child_poverty_msoas",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for m in self.gp_modes.iter().filter(|m| m.method.is_some()) {
            h.push(format!("people_beyond_{}_{}min", m.mode, self.minutes));
            h.push(format!("lsoas_beyond_{}_{}min", m.mode, self.minutes));
        }
        h.push("method".into());
        h
    }

    /// CSV rows: each row, then the region's total (level `region`).
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        let opt = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
        let row = |level: &str, r: &SummaryRow| {
            let mut v = vec![
                level.to_string(),
                r.code.clone(),
                r.name.clone(),
                r.district.clone().unwrap_or_default(),
                r.lsoas.to_string(),
                opt(r.population),
                opt(r.children),
                opt(r.children_income_deprived),
                opt(r.imd_score_weighted),
                r.lsoas_decile1.to_string(),
                r.share_lsoas_decile1.to_string(),
                opt(r.people_decile1),
                opt(r.share_people_decile1),
                r.lsoas_decile1_2.to_string(),
                r.share_lsoas_decile1_2.to_string(),
                opt(r.people_decile1_2),
                opt(r.share_people_decile1_2),
                opt(r.child_poverty),
                r.child_poverty_msoas.to_string(),
            ];
            for g in &r.gp_beyond {
                v.push(opt(g.people));
                v.push(g.lsoas.to_string());
            }
            v.push(self.method.clone());
            v
        };
        let mut out: Vec<Vec<String>> =
            self.rows.iter().map(|r| row(self.by.as_str(), r)).collect();
        out.push(row("region", &self.region_total));
        out
    }
}

/// A summary as GeoJSON: each row's outline (the union of its LSOAs' polygons, so a ward's
/// outline is the footprint of the LSOAs counted in it, not the ward boundary) with its figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryFeatureCollection {
    #[serde(rename = "type")]
    pub kind: super::geojson::GeoJsonType,
    pub by: SummaryLevel,
    pub method: String,
    pub minutes: f64,
    pub child_poverty: String,
    pub gp_modes: Vec<GpMode>,
    pub region_total: SummaryRow,
    pub features: Vec<SummaryFeature>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryFeature {
    #[serde(rename = "type")]
    pub kind: super::geojson::GeoJsonType,
    pub id: String,
    #[schema(value_type = Object)]
    pub geometry: geojson::Geometry,
    pub properties: SummaryRow,
}
