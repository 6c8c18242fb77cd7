//! Place names for the map's labels, as GeoJSON points: districts (the locality partnerships),
//! electoral wards when their boundaries are in the data directory, and LSOAs.

use super::geojson::{GeoJsonType, Point};
use crate::atlas::Atlas;
use crate::sources::boundaries::Boundary;
use geo::InteriorPoint;
use serde::Serialize;
use utoipa::ToSchema;

/// What a label names; the page shows districts first, wards from town zooms, LSOAs close in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    District,
    Ward,
    Lsoa,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelCollection {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    /// How each kind of label was placed.
    pub placement: &'static str,
    pub features: Vec<LabelFeature>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelFeature {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    pub geometry: Point,
    pub properties: LabelProperties,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelProperties {
    pub kind: LabelKind,
    pub code: String,
    pub name: String,
    /// People (LSOAs and districts), for ranking labels that collide.
    pub population: Option<f64>,
}

/// How labels are placed, said in the answer.
pub const PLACEMENT: &str = "LSOA: its ONS population-weighted centroid. District: the population-weighted centroid of the LSOA nearest the population-weighted mean of its LSOAs' centroids (always inside the district). Ward: an interior point of its May 2025 boundary.";

impl LabelCollection {
    /// Labels of the atlas's districts and LSOAs, and of `wards` (May 2025 boundaries).
    pub fn of(atlas: &Atlas, wards: &[Boundary]) -> LabelCollection {
        let feature =
            |kind, code: &str, name: &str, (lon, lat): (f64, f64), population| LabelFeature {
                kind: GeoJsonType::Feature,
                geometry: Point {
                    kind: GeoJsonType::Point,
                    coordinates: [lon, lat],
                },
                properties: LabelProperties {
                    kind,
                    code: code.to_string(),
                    name: name.to_string(),
                    population,
                },
            };
        let pop = |i: usize| atlas.number(crate::atlas::layers::ids::POPULATION, i);
        let mut features = Vec::new();
        for (code, name, _) in atlas.districts() {
            // Areas without a shape (an atlas without boundaries) have no place to label.
            let members: Vec<(usize, geo::Point<f64>)> = (0..atlas.areas.len())
                .filter(|&i| atlas.areas[i].district_code == code)
                .filter_map(|i| Some((i, atlas.areas[i].centroid()?)))
                .collect();
            let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
            for &(i, c) in &members {
                let w = pop(i).unwrap_or(1.0);
                sx += c.x() * w;
                sy += c.y() * w;
                sw += w;
            }
            let (mx, my) = (sx / sw, sy / sw);
            let d = |c: &geo::Point<f64>| (c.x() - mx).powi(2) + (c.y() - my).powi(2);
            let Some(&(_, c)) = members.iter().min_by(|a, b| d(&a.1).total_cmp(&d(&b.1))) else {
                continue;
            };
            let people: f64 = members.iter().filter_map(|&(i, _)| pop(i)).sum();
            features.push(feature(
                LabelKind::District,
                &code,
                &name,
                (c.x(), c.y()),
                Some(people),
            ));
        }
        for w in wards {
            if let Some(p) = w.polygon.interior_point() {
                features.push(feature(
                    LabelKind::Ward,
                    &w.code,
                    &w.name,
                    (p.x(), p.y()),
                    None,
                ));
            }
        }
        for (i, a) in atlas.areas.iter().enumerate() {
            let Some(c) = a.centroid() else { continue };
            features.push(feature(
                LabelKind::Lsoa,
                &a.code,
                &a.name,
                (c.x(), c.y()),
                pop(i),
            ));
        }
        LabelCollection {
            kind: GeoJsonType::FeatureCollection,
            placement: PLACEMENT,
            features,
        }
    }
}
