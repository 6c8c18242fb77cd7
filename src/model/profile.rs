//! The full profile of one area: `/api/areas/{code}` and `needsmap area`.

use super::area::cell;
use super::figure::{Cell, Figure};
use super::gp::NearbyGpSite;
use crate::atlas::layers::{Direction, Method};
use crate::atlas::Atlas;
use serde::Serialize;
use utoipa::ToSchema;

/// How many nearest GP sites a profile lists.
pub const NEAREST_GP_SITES: usize = 3;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaProfile<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub district: &'a str,
    pub district_code: &'a str,
    /// Null in an atlas without boundaries (then `centroid` says so).
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// What `lon`/`lat` are: ONS's population-weighted centroid, or (IoD2025 areas split since
    /// 2011, whose 2021 population-weighted centroid is not mirrored) a point inside the polygon.
    pub centroid: &'a str,
    /// `2019` or `2025`.
    #[schema(value_type = String)]
    pub vintage: crate::vintage::Vintage,
    /// The loaded region's id (`gloucestershire`, `england`, or district codes).
    pub region: String,
    pub layers: Vec<ProfileLayer<'a>>,
    /// The nearest GP sites by straight line.
    pub gp_sites: Vec<NearbyGpSite<'a>>,
}

/// One layer of a profile, with its national and regional position where they exist.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileLayer<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub unit: &'a str,
    pub value: Option<Cell<'a>>,
    pub national_rank: Option<Figure>,
    pub national_decile: Option<Figure>,
    /// Rank within the loaded region, 1 = most in need.
    pub county_rank: Option<u32>,
    pub county_decile: Option<u8>,
    /// Areas of the region with a value (the denominator of `county_rank`).
    pub county_of: usize,
    pub source: &'a str,
    pub vintage: &'a str,
    #[schema(value_type = String)]
    pub method: Method,
    #[schema(value_type = String)]
    pub direction: Direction,
}

/// `centroid` of an area whose coordinates are ONS's own population-weighted centroid.
pub const POPULATION_WEIGHTED: &str = "population-weighted (ONS)";
/// `centroid` of an area in an atlas built without boundaries.
pub const NO_CENTROID: &str = "none: the atlas has no boundaries for this vintage and region";

impl<'a> AreaProfile<'a> {
    /// The profile of area `i`; regional ranks are the layer's own, computed once at load.
    pub fn of(atlas: &'a Atlas, i: usize) -> AreaProfile<'a> {
        let a = &atlas.areas[i];
        let layers = atlas
            .layers
            .iter()
            .map(|l| {
                let national = l.meta.national.as_ref();
                let ranks = l.regional_ranks();
                let county_rank = ranks.and_then(|r| r.rank(i));
                let county_of = ranks.map(|r| r.ranked()).unwrap_or(0);
                ProfileLayer {
                    id: &l.meta.id,
                    title: &l.meta.title,
                    unit: &l.meta.unit,
                    value: cell(l, i),
                    national_rank: national.and_then(|n| atlas.number(&n.rank, i)).map(Figure),
                    national_decile: national
                        .and_then(|n| atlas.number(&n.decile, i))
                        .map(Figure),
                    county_rank,
                    county_decile: ranks.and_then(|r| r.decile(i)),
                    county_of,
                    source: &l.meta.source,
                    vintage: &l.meta.vintage,
                    method: l.method_of(i),
                    direction: l.meta.direction,
                }
            })
            .collect();
        let gp_sites = a
            .centroid()
            .map(|c| atlas.gp_sites.nearest(c.x(), c.y(), NEAREST_GP_SITES))
            .unwrap_or_default()
            .into_iter()
            .map(|(s, m)| NearbyGpSite::new(s, m))
            .collect();
        AreaProfile {
            code: &a.code,
            name: &a.name,
            district: &a.district,
            district_code: &a.district_code,
            lon: a.centroid().map(|c| c.x()),
            lat: a.centroid().map(|c| c.y()),
            centroid: match a.shape {
                None => NO_CENTROID,
                Some(_) => atlas
                    .layers
                    .get(crate::atlas::layers::ids::CENTROID_BASIS)
                    .and_then(|l| l.text(i))
                    .unwrap_or(POPULATION_WEIGHTED),
            },
            vintage: atlas.vintage,
            region: atlas.region.to_string(),
            layers,
            gp_sites,
        }
    }
}
