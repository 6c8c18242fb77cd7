//! A printable locality profile of a district or ward: `/profile/{district|ward}/{code}` and
//! `needsmap profile`. Built by [`crate::locality`], written as HTML by
//! [`crate::report::locality`].

use super::summary::{GpMode, SummaryRow};
use crate::atlas::UsedSource;
use serde::Serialize;
use utoipa::ToSchema;

/// District (= locality partnership) or ward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    District,
    Ward,
}

impl PlaceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::District => "district",
            PlaceKind::Ward => "ward",
        }
    }
}

/// The profile of one place.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LocalityProfile {
    pub kind: PlaceKind,
    pub code: String,
    pub name: String,
    /// The district a ward lies in.
    pub district: Option<String>,
    /// Index and geography of the figures, e.g. "IoD2025, LSOA 2021".
    pub vintage: String,
    /// The vintage itself: "2019" or "2025".
    #[schema(value_type = String, example = "2025")]
    pub edition: crate::vintage::Vintage,
    /// How the place's LSOAs were chosen.
    pub method: String,
    pub place: SummaryRow,
    pub county: SummaryRow,
    /// England's figures from the vintage's national file; `None` with a reason when unavailable.
    pub england: Option<EnglandFigures>,
    pub england_note: Option<String>,
    pub minutes: f64,
    pub gp_modes: Vec<GpMode>,
    pub most_deprived: Vec<LsoaLine>,
    pub msoas: Vec<MsoaLine>,
    /// What the MSOA lines are (whole MSOAs; for wards, those containing the ward's LSOAs).
    pub msoa_note: String,
    pub child_poverty_note: String,
    /// The static map: an SVG of the place's LSOAs coloured by national IMD decile.
    pub map_svg: String,
    #[schema(value_type = Vec<Object>)]
    pub sources: Vec<UsedSource>,
    pub notes: Vec<String>,
}

/// One LSOA of a profile's "most deprived" table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LsoaLine {
    pub code: String,
    pub name: String,
    pub ward: Option<String>,
    pub imd_rank: Option<f64>,
    pub imd_decile: Option<f64>,
    pub idaci_decile: Option<f64>,
    pub population: Option<f64>,
    pub children: Option<f64>,
    pub children_income_deprived: Option<f64>,
}

/// One MSOA's DWP child-poverty figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MsoaLine {
    pub code: String,
    pub name: String,
    pub fye2015: Option<f64>,
    /// FYE 2022, provisional.
    pub fye2022: Option<f64>,
    pub change: Option<f64>,
    /// Per 100 children aged 0-15 (mid-2015 population, IoD2019 File 6): computed, not DWP's.
    pub rate: Option<f64>,
    /// LSOAs of the place in this MSOA, of the MSOA's LSOAs in the region.
    pub lsoas_in_place: usize,
    pub lsoas: usize,
}

/// England's figures, computed from the national file of the profile's vintage (all English
/// LSOAs). IoD2025 publishes no population in the data mirror: its people figures are `None`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct EnglandFigures {
    pub lsoas: usize,
    pub population: Option<f64>,
    pub children: Option<f64>,
    pub children_income_deprived: Option<f64>,
    pub imd_score_weighted: Option<f64>,
    pub share_lsoas_decile1: f64,
    pub share_people_decile1: Option<f64>,
    pub share_lsoas_decile1_2: f64,
    pub share_people_decile1_2: Option<f64>,
}
