//! A postcode's area and grant eligibility: `/api/postcode/{postcode}` and `needsmap postcode`.

use super::area::AreaRow;
use super::figure::{round6, Figure};
use crate::atlas::{Atlas, AtlasError};
use serde::Serialize;
use utoipa::ToSchema;

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
            national_top10: atlas.number("imd_decile", i) == Some(1.0),
            county_top10: atlas.number("imd_county_decile", i) == Some(1.0),
        };
        let message = eligible.message(atlas, i, &postcode);
        Ok(PostcodeAnswer {
            postcode,
            lon: round6(point.lon),
            lat: round6(point.lat),
            easting: Figure(point.easting),
            northing: Figure(point.northing),
            area: AreaRow::of(atlas, i),
            eligible,
            message,
        })
    }
}

impl Eligibility {
    /// Eligibility in words.
    pub fn message(&self, atlas: &Atlas, i: usize, postcode: &str) -> String {
        let a = &atlas.areas[i];
        let decile = atlas
            .number("imd_decile", i)
            .map(|d| (d as u8).to_string())
            .unwrap_or_else(|| "unknown".into());
        let region = atlas.region.title();
        let (name, code) = (&a.name, &a.code);
        match (self.national_top10, self.county_top10) {
            (true, county) => {
                let also = if county { format!(" and in the most deprived 10% of {region}") } else { String::new() };
                format!("{postcode} is in {name} ({code}), which is in the most deprived 10% of areas in England (IMD 2019 national decile 1){also}: eligible.")
            }
            (false, true) => format!("{postcode} is in {name} ({code}), which is not in England's most deprived 10% (IMD 2019 decile {decile}) but is in the most deprived 10% of {region}: eligible under the county criterion only."),
            (false, false) => format!("{postcode} is in {name} ({code}), IMD 2019 national decile {decile}: not in the most deprived 10% nationally or in {region}, so not eligible on deprivation."),
        }
    }
}
