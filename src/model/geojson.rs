//! GeoJSON answers (RFC 7946): areas, GP sites and district outlines.

use super::area::{AreaRow, AreaRows};
use crate::atlas::gp::{GpKind, GpSite};
use crate::atlas::Atlas;
use crate::selection::{Selection, Totals};
use serde::{Serialize, Serializer};
use utoipa::ToSchema;

/// The constant `type` member of GeoJSON objects.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum GeoJsonType {
    FeatureCollection,
    Feature,
    Point,
}

/// Areas with their polygons; `count` and `totals` as in [`AreaList`](super::AreaList).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct AreaFeatureCollection<'a> {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub count: usize,
    pub totals: Totals,
    #[schema(value_type = Vec<AreaFeature>)]
    pub features: AreaFeatures<'a>,
}

/// One area as a feature: id = its code, properties = its row.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaFeature<'a> {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub id: &'a str,
    /// Null (RFC 7946's unlocated feature) only in an atlas without boundaries; the CLI and
    /// the API refuse GeoJSON of such an atlas before writing any.
    #[schema(value_type = Object)]
    pub geometry: Option<geojson::Geometry>,
    pub properties: AreaRow<'a>,
}

/// Features made while written, one area at a time.
#[derive(Debug, Clone, Copy)]
pub struct AreaFeatures<'a>(pub AreaRows<'a>);

impl Serialize for AreaFeatures<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let atlas = self.0.atlas;
        s.collect_seq(self.0.areas.iter().map(|&i| {
            AreaFeature {
                kind: GeoJsonType::Feature,
                id: &atlas.areas[i].code,
                geometry: atlas.areas[i]
                    .shape
                    .as_ref()
                    .map(|s| geojson::Geometry::from(&s.polygon)),
                properties: AreaRow::of(atlas, i),
            }
        }))
    }
}

impl<'a> AreaFeatureCollection<'a> {
    pub fn of(atlas: &'a Atlas, sel: &'a Selection) -> AreaFeatureCollection<'a> {
        AreaFeatureCollection {
            kind: GeoJsonType::FeatureCollection,
            count: sel.count,
            totals: sel.totals,
            features: AreaFeatures(AreaRows {
                atlas,
                areas: &sel.areas,
            }),
        }
    }
}

/// A point geometry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Point {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    /// `[lon, lat]`.
    pub coordinates: [f64; 2],
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GpSiteCollection<'a> {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub features: Vec<GpSiteFeature<'a>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GpSiteFeature<'a> {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub id: &'a str,
    pub geometry: Point,
    pub properties: GpSiteProperties<'a>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GpSiteProperties<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub postcode: &'a str,
    #[schema(value_type = String)]
    pub kind: GpKind,
    /// For branch surgeries: their practice's code.
    pub parent: Option<&'a str>,
    pub status: &'a str,
    /// `epraccur` or `ebranchs`.
    pub source: &'a str,
    pub vintage: &'a str,
    /// The site lies in one of the region's areas. Sites across the border are listed too (they
    /// can be an area's nearest GP); the map draws them muted.
    pub inside: bool,
}

impl<'a> GpSiteCollection<'a> {
    /// The atlas's GP sites, each marked inside the region or not (by the atlas's own polygons).
    pub fn of(atlas: &'a Atlas) -> GpSiteCollection<'a> {
        GpSiteCollection::of_sites(&atlas.gp_sites.sites, |lon, lat| {
            atlas.locate(lon, lat).is_some()
        })
    }

    /// `sites`, with `inside(lon, lat)` telling which lie in the region.
    pub fn of_sites(
        sites: &'a [GpSite],
        inside: impl Fn(f64, f64) -> bool,
    ) -> GpSiteCollection<'a> {
        let features = sites
            .iter()
            .map(|g| GpSiteFeature {
                kind: GeoJsonType::Feature,
                id: &g.code,
                geometry: Point {
                    kind: GeoJsonType::Point,
                    coordinates: [g.lon, g.lat],
                },
                properties: GpSiteProperties {
                    code: &g.code,
                    name: &g.name,
                    postcode: &g.postcode,
                    kind: g.kind,
                    parent: g.parent.as_deref(),
                    status: &g.status,
                    source: &g.source,
                    vintage: &g.vintage,
                    inside: inside(g.lon, g.lat),
                },
            })
            .collect();
        GpSiteCollection {
            kind: GeoJsonType::FeatureCollection,
            features,
        }
    }
}

/// Coordinates rounded to 1e-6° (about 0.1 m, under a pixel at the page's deepest zoom): the
/// full f64 digits of a national set of outlines would be ~40% of its bytes, and meaningless.
fn to_micro_degrees(g: &geo::MultiPolygon<f64>) -> geo::MultiPolygon<f64> {
    use geo::MapCoords;
    let r = |v: f64| (v * 1e6).round() / 1e6;
    g.map_coords(|c| geo::coord! { x: r(c.x), y: r(c.y) })
}

/// District outlines dissolved from their LSOAs (LSOAs nest exactly in districts).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistrictCollection {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub features: Vec<DistrictFeature>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistrictFeature {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub id: String,
    #[schema(value_type = Object)]
    pub geometry: geojson::Geometry,
    pub properties: DistrictProperties,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistrictProperties {
    pub code: String,
    pub name: String,
    /// Number of LSOAs.
    pub areas: usize,
}

impl DistrictCollection {
    /// Dissolve every district, in parallel.
    pub fn of(atlas: &Atlas) -> DistrictCollection {
        use rayon::prelude::*;
        let features = atlas
            .districts()
            .into_par_iter()
            .map(|(code, name, areas)| {
                let polys: Vec<&geo::MultiPolygon<f64>> = atlas
                    .areas
                    .iter()
                    .filter(|a| a.district_code == code)
                    .filter_map(|a| a.shape.as_ref().map(|s| &s.polygon))
                    .collect();
                let outline = geo::unary_union(polys);
                DistrictFeature {
                    kind: GeoJsonType::Feature,
                    id: code.clone(),
                    geometry: geojson::Geometry::from(&to_micro_degrees(&outline)),
                    properties: DistrictProperties { code, name, areas },
                }
            })
            .collect();
        DistrictCollection {
            kind: GeoJsonType::FeatureCollection,
            features,
        }
    }
}
