//! GP sites as answers give them.

use super::figure::round3;
use crate::atlas::gp::GpSite;
use serde::Serialize;
use utoipa::ToSchema;

/// A GP site near an area, with the straight-line distance from its population-weighted centroid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NearbyGpSite<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub postcode: &'a str,
    /// `practice` or `branch`.
    #[schema(value_type = String)]
    pub kind: crate::atlas::gp::GpKind,
    pub lon: f64,
    pub lat: f64,
    pub straight_km: f64,
}

impl<'a> NearbyGpSite<'a> {
    pub fn new(site: &'a GpSite, metres: f64) -> NearbyGpSite<'a> {
        NearbyGpSite {
            code: &site.code,
            name: &site.name,
            postcode: &site.postcode,
            kind: site.kind,
            lon: site.lon,
            lat: site.lat,
            straight_km: round3(metres / 1000.0),
        }
    }
}
