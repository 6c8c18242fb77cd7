//! The loaded region (`/api/region`, CONTRACTS.md §B) and liveness (`/healthz`).

use crate::atlas::layers::{Group, Method};
use crate::atlas::{Atlas, Region};
use serde::Serialize;
use utoipa::ToSchema;

/// `[west, south, east, north]` in degrees (WGS84).
pub type Bbox = [f64; 4];

/// The region's id and display name; the page never hard-codes either.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RegionRef {
    /// `gloucestershire`, `england`, or the district codes (`E07000078,E07000081`).
    pub id: String,
    /// For sentences: "Gloucestershire", "England", or the districts' names.
    pub name: String,
}

impl RegionRef {
    pub fn of(atlas: &Atlas) -> RegionRef {
        let name = match &atlas.region {
            Region::Districts { name, .. } if name != "gloucestershire" => {
                let names: Vec<String> = atlas.districts().into_iter().map(|(_, n, _)| n).collect();
                match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => names.join(""),
                }
            }
            other => other.title(),
        };
        RegionRef {
            id: atlas.region.to_string(),
            name,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegionInfo {
    pub id: String,
    pub name: String,
    pub lsoa_count: usize,
    #[schema(value_type = Vec<f64>)]
    pub bbox: Bbox,
    /// Local authority districts (2019) in the region, by name.
    pub districts: Vec<DistrictInfo>,
    /// Vintages of the Indices of Deprivation the server answers (`2019`, `2025`).
    pub vintages: Vec<String>,
    /// The vintage answered when a request names none (`?vintage=`).
    pub default_vintage: String,
    /// The vintage this answer describes.
    pub vintage: String,
    /// Its small-area geography, for legends: `LSOA 2011` or `LSOA 2021`.
    pub geography: String,
    /// A MapLibre style the deployment draws under the choropleth (`serve --basemap-style`);
    /// absent by default, when the page needs no server but this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basemap_style: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DistrictInfo {
    pub code: String,
    pub name: String,
    pub lsoa_count: usize,
    #[schema(value_type = Vec<f64>)]
    pub bbox: Bbox,
}

impl RegionInfo {
    pub fn of(atlas: &Atlas) -> RegionInfo {
        let RegionRef { id, name } = RegionRef::of(atlas);
        let districts = atlas
            .districts()
            .into_iter()
            .map(|(code, name, lsoa_count)| {
                let bbox = bbox_of(
                    atlas
                        .areas
                        .iter()
                        .filter(|a| a.district_code == code)
                        .filter_map(|a| a.shape.as_ref().map(|s| s.bbox)),
                );
                DistrictInfo {
                    code,
                    name,
                    lsoa_count,
                    bbox,
                }
            })
            .collect();
        let vintages = iod_vintages(atlas);
        let vintage = vintages.last().cloned().unwrap_or_default();
        let geography = vintage
            .parse::<crate::vintage::Vintage>()
            .map(|v| v.geography().label().to_string())
            .unwrap_or_default();
        RegionInfo {
            id,
            name,
            lsoa_count: atlas.areas.len(),
            bbox: atlas.bounds(),
            districts,
            default_vintage: vintage.clone(),
            vintage,
            geography,
            vintages,
            basemap_style: None,
        }
    }
}

fn bbox_of(rects: impl Iterator<Item = geo::Rect<f64>>) -> Bbox {
    rects.fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, r| {
            [
                b[0].min(r.min().x),
                b[1].min(r.min().y),
                b[2].max(r.max().x),
                b[3].max(r.max().y),
            ]
        },
    )
}

/// IoD vintages among the sources the atlas was built from (`iod2019` → `2019`), oldest first.
fn iod_vintages(atlas: &Atlas) -> Vec<String> {
    let mut v: Vec<String> = atlas
        .sources
        .iter()
        .filter_map(|s| s.id.strip_prefix("iod"))
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .map(String::from)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// `/healthz`: liveness, the region and the vintages of the data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
    pub region: RegionRef,
    pub areas: usize,
    pub gp_sites: usize,
    pub sources: Vec<SourceVintage>,
    /// How each GP-access layer was obtained (`estimate` or `network`).
    pub gp_access: Vec<AccessMethod>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceVintage {
    pub id: String,
    pub vintage: String,
    pub licence: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessMethod {
    pub id: String,
    #[schema(value_type = String)]
    pub method: Method,
    pub vintage: String,
}

impl Health {
    pub fn of(atlas: &Atlas) -> Health {
        Health {
            status: "ok",
            region: RegionRef::of(atlas),
            areas: atlas.areas.len(),
            gp_sites: atlas.gp_sites.len(),
            sources: atlas
                .sources
                .iter()
                .map(|u| SourceVintage {
                    id: u.id.clone(),
                    vintage: u.vintage.clone(),
                    licence: u.licence.clone(),
                })
                .collect(),
            gp_access: atlas
                .layers
                .iter()
                .filter(|l| l.meta.group == Group::GpAccess)
                .map(|l| AccessMethod {
                    id: l.meta.id.clone(),
                    method: l.meta.method,
                    vintage: l.meta.vintage.clone(),
                })
                .collect(),
        }
    }
}
