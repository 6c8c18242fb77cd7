//! A postcode's area and grant eligibility: `/api/postcode/{postcode}` and `needsmap postcode`.

use super::area::AreaRow;
use super::figure::{round6, Figure};
use crate::atlas::layers::ids;
use crate::atlas::{Atlas, AtlasError};
use crate::vintage::Vintage;
use serde::Serialize;
use utoipa::ToSchema;

/// A postcode's area, figures and eligibility under the loaded vintage (`area`, `eligible`,
/// `message`), and under every vintage asked for (`vintages`: `needsmap postcode` gives both).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostcodeAnswer<'a> {
    /// The postcode in its official form (`GL1 2EH`).
    pub postcode: String,
    pub lon: f64,
    pub lat: f64,
    /// British National Grid metres.
    pub easting: Figure,
    pub northing: Figure,
    pub area: AreaRow<'a>,
    pub eligible: Eligibility,
    /// The answer in a sentence.
    pub message: String,
    /// The vintage of `area`, `eligible` and `message` (`2019` or `2025`).
    #[schema(value_type = String)]
    pub vintage: Vintage,
    /// The postcode under each vintage asked for, oldest first (always including `vintage`).
    pub vintages: Vec<VintageEligibility>,
}

/// A postcode under one vintage: its area on that vintage's geography, the IMD deciles and
/// eligibility, in plain words.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VintageEligibility {
    /// `2019` (IoD2019) or `2025` (IoD2025).
    #[schema(value_type = String)]
    pub vintage: Vintage,
    /// `LSOA 2011` or `LSOA 2021`.
    pub geography: &'static str,
    /// The LSOA code on that geography; absent when the postcode lies outside that atlas's areas.
    pub code: Option<String>,
    pub name: Option<String>,
    /// IMD national decile (1 = England's most deprived 10%).
    pub imd_decile: Option<u8>,
    /// IMD decile within the loaded region.
    pub imd_county_decile: Option<u8>,
    pub eligible: Option<Eligibility>,
    /// The answer under this vintage in a sentence.
    pub message: String,
}

/// Grant eligibility on deprivation: England's most deprived 10% (IMD national decile 1), or
/// the loaded region's most deprived 10% (county decile 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Eligibility {
    pub national_top10: bool,
    pub county_top10: bool,
}

impl<'a> PostcodeAnswer<'a> {
    pub fn of(atlas: &'a Atlas, input: &str) -> Result<PostcodeAnswer<'a>, AtlasError> {
        let (point, i) = atlas.postcode(input)?;
        let postcode = point.postcode.to_string();
        let eligible = Eligibility {
            national_top10: atlas.number(ids::IMD_DECILE, i) == Some(1.0),
            county_top10: atlas.number(ids::IMD_COUNTY_DECILE, i) == Some(1.0),
        };
        let message = eligible.message(atlas, i, &postcode);
        let here = VintageEligibility::of(atlas, i, &postcode);
        Ok(PostcodeAnswer {
            postcode,
            lon: round6(point.lon),
            lat: round6(point.lat),
            easting: Figure(point.easting),
            northing: Figure(point.northing),
            area: AreaRow::of(atlas, i),
            eligible,
            message,
            vintage: atlas.vintage,
            vintages: vec![here],
        })
    }

    /// [`PostcodeAnswer::of`] on `atlas`, also answered under each of `others` (other vintages of
    /// the same region): the same postcode point located in their areas. A point outside one of
    /// them is said so in that vintage's message, not an error.
    pub fn of_vintages(
        atlas: &'a Atlas,
        others: &[&Atlas],
        input: &str,
    ) -> Result<PostcodeAnswer<'a>, AtlasError> {
        let mut answer = PostcodeAnswer::of(atlas, input)?;
        for other in others {
            let v = match other.locate(answer.lon, answer.lat) {
                Some(i) => VintageEligibility::of(other, i, &answer.postcode),
                // In no area: the vintage has no boundaries here (say why), or the point lies outside.
                None => match other.mapped() {
                    Err(e) => VintageEligibility::unplaced(
                        other.vintage,
                        format!("Under IMD {}: {e}", other.vintage),
                    ),
                    Ok(()) => VintageEligibility::unplaced(
                        other.vintage,
                        format!(
                            "Under IMD {}: {} is not inside any {} area of {}.",
                            other.vintage,
                            answer.postcode,
                            other.vintage.geography(),
                            other.region.title()
                        ),
                    ),
                },
            };
            answer.vintages.push(v);
        }
        answer.settle();
        Ok(answer)
    }

    /// Add vintages that could not be answered (their atlas failed to open), with the reason.
    pub fn add_unavailable(&mut self, vintages: Vec<VintageEligibility>) {
        if !vintages.is_empty() {
            self.vintages.extend(vintages);
            self.settle();
        }
    }

    /// Vintages oldest first; with more than one, the message is every vintage's sentence.
    fn settle(&mut self) {
        self.vintages.sort_by_key(|v| v.vintage);
        if self.vintages.len() > 1 {
            self.message = self
                .vintages
                .iter()
                .map(|v| v.message.as_str())
                .collect::<Vec<_>>()
                .join("\n");
        }
    }
}

impl VintageEligibility {
    /// A vintage whose atlas could not be opened, with the reason.
    pub fn unavailable(vintage: Vintage, reason: &str) -> VintageEligibility {
        VintageEligibility::unplaced(
            vintage,
            format!("Under IMD {vintage}: not available ({reason})."),
        )
    }

    /// A vintage under which the postcode has no area, with the sentence saying why.
    fn unplaced(vintage: Vintage, message: String) -> VintageEligibility {
        VintageEligibility {
            vintage,
            geography: vintage.geography().label(),
            code: None,
            name: None,
            imd_decile: None,
            imd_county_decile: None,
            eligible: None,
            message,
        }
    }

    fn of(atlas: &Atlas, i: usize, postcode: &str) -> VintageEligibility {
        let decile = |id: &str| atlas.number(id, i).map(|d| d as u8);
        let eligible = Eligibility {
            national_top10: decile(ids::IMD_DECILE) == Some(1),
            county_top10: decile(ids::IMD_COUNTY_DECILE) == Some(1),
        };
        let a = &atlas.areas[i];
        VintageEligibility {
            vintage: atlas.vintage,
            geography: atlas.vintage.geography().label(),
            code: Some(a.code.clone()),
            name: Some(a.name.clone()),
            imd_decile: decile(ids::IMD_DECILE),
            imd_county_decile: decile(ids::IMD_COUNTY_DECILE),
            eligible: Some(eligible),
            message: format!(
                "Under IMD {}: {}",
                atlas.vintage,
                eligible.message(atlas, i, postcode)
            ),
        }
    }
}

impl Eligibility {
    /// Eligibility in words.
    pub fn message(&self, atlas: &Atlas, i: usize, postcode: &str) -> String {
        let a = &atlas.areas[i];
        let decile = atlas
            .number(ids::IMD_DECILE, i)
            .map(|d| (d as u8).to_string())
            .unwrap_or_else(|| "unknown".into());
        let region = atlas.region.title();
        let (name, code) = (&a.name, &a.code);
        let (imd, geo) = (atlas.vintage, atlas.vintage.geography());
        match (self.national_top10, self.county_top10) {
            (true, county) => {
                let also = if county { format!(" and in the most deprived 10% of {region}") } else { String::new() };
                format!("{postcode} is in {name} ({code}, {geo}), which is in the most deprived 10% of areas in England (IMD {imd} national decile 1){also}: eligible.")
            }
            (false, true) => format!("{postcode} is in {name} ({code}, {geo}), which is not in England's most deprived 10% (IMD {imd} decile {decile}) but is in the most deprived 10% of {region}: eligible under the county criterion only."),
            (false, false) => format!("{postcode} is in {name} ({code}, {geo}), IMD {imd} national decile {decile}: not in the most deprived 10% nationally or in {region}, so not eligible on deprivation."),
        }
    }
}
