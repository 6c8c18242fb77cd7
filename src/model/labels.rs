//! Place names for the map's labels, as GeoJSON points: districts (the locality partnerships),
//! electoral wards when their boundaries are in the data directory, and LSOAs.

use super::geojson::{GeoJsonType, Point};
use crate::atlas::Atlas;
use crate::sources::boundaries::Boundary;
use geo::InteriorPoint;
use serde::Serialize;
use std::str::FromStr;
use utoipa::ToSchema;

/// What a label names; the page shows districts first, wards from town zooms, LSOAs close in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    District,
    Ward,
    Lsoa,
}

impl LabelKind {
    pub const ALL: [LabelKind; 3] = [LabelKind::District, LabelKind::Ward, LabelKind::Lsoa];

    pub fn as_str(self) -> &'static str {
        match self {
            LabelKind::District => "district",
            LabelKind::Ward => "ward",
            LabelKind::Lsoa => "lsoa",
        }
    }
}

impl FromStr for LabelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<LabelKind, String> {
        let t = s.trim().to_ascii_lowercase();
        LabelKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "kind='{}' is not a label kind: use district, ward or lsoa (several with commas)",
                    s.trim().chars().take(20).collect::<String>()
                )
            })
    }
}

/// A lon/lat box `[west, south, east, north]` that label points are chosen in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBox(pub [f64; 4]);

impl LonLatBox {
    fn holds(&self, [lon, lat]: [f64; 2]) -> bool {
        let [w, s, e, n] = self.0;
        lon >= w && lon <= e && lat >= s && lat <= n
    }
}

impl FromStr for LonLatBox {
    type Err = String;
    /// `w,s,e,n` in degrees: four finite numbers, west ≤ east, south ≤ north, on the globe.
    fn from_str(text: &str) -> Result<LonLatBox, String> {
        let shown: String = text.trim().chars().take(80).collect();
        let v: Vec<f64> = text
            .split(',')
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("bbox='{shown}' is not four numbers west,south,east,north"))?;
        let [w, s, e, n] = <[f64; 4]>::try_from(v)
            .map_err(|_| format!("bbox='{shown}' is not four numbers west,south,east,north"))?;
        if ![w, s, e, n].iter().all(|x| x.is_finite()) {
            return Err(format!("bbox='{shown}' has a number that is not finite"));
        }
        if !(-180.0..=180.0).contains(&w) || !(-180.0..=180.0).contains(&e) {
            return Err(format!(
                "bbox='{shown}': longitudes must be within -180..180"
            ));
        }
        if !(-90.0..=90.0).contains(&s) || !(-90.0..=90.0).contains(&n) {
            return Err(format!("bbox='{shown}': latitudes must be within -90..90"));
        }
        if w > e || s > n {
            return Err(format!(
                "bbox='{shown}' is upside down: give west,south,east,north with west <= east and south <= north"
            ));
        }
        Ok(LonLatBox([w, s, e, n]))
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelCollection {
    #[serde(rename = "type")]
    pub kind: GeoJsonType,
    /// How each kind of label was placed.
    pub placement: String,
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

/// How labels are placed, said in the answer (LSOA points depend on the vintage's geography).
pub const PLACEMENT: &str = "District: the centroid of the LSOA nearest the population-weighted mean of its LSOAs' centroids (always inside the district). Ward: an interior point of its May 2025 boundary.";
/// LSOA 2011 points (IoD2019).
pub const PLACEMENT_LSOA11: &str = "LSOA 2011: its ONS population-weighted centroid.";
/// LSOA 2021 points (IoD2025): ONS's 2021 centroids are not in the data.
pub const PLACEMENT_LSOA21: &str = "LSOA 2021: ONS's 2011 population-weighted centroid when the area is unchanged since 2011, otherwise a point inside its 2021 polygon (the centroid_basis layer says which).";

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
        // Each district's areas with a shape (an atlas without boundaries has no place to
        // label), in area order: one pass over the areas, not one per district.
        let mut by_district: std::collections::HashMap<&str, Vec<(usize, geo::Point<f64>)>> =
            std::collections::HashMap::new();
        for (i, a) in atlas.areas.iter().enumerate() {
            if let Some(c) = a.centroid() {
                by_district
                    .entry(a.district_code.as_str())
                    .or_default()
                    .push((i, c));
            }
        }
        for (code, name, _) in atlas.districts() {
            let members = by_district
                .get(code.as_str())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
            for &(i, c) in members {
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
        let lsoa = match atlas.vintage {
            crate::vintage::Vintage::V2019 => PLACEMENT_LSOA11,
            crate::vintage::Vintage::V2025 => PLACEMENT_LSOA21,
        };
        LabelCollection {
            kind: GeoJsonType::FeatureCollection,
            placement: format!("{lsoa} {PLACEMENT}"),
            features,
        }
    }

    /// The labels of `kinds` whose point lies in `within` (all of them without a box).
    pub fn select(&self, kinds: &[LabelKind], within: Option<LonLatBox>) -> LabelCollection {
        LabelCollection {
            kind: GeoJsonType::FeatureCollection,
            placement: self.placement.clone(),
            features: self
                .features
                .iter()
                .filter(|f| kinds.contains(&f.properties.kind))
                .filter(|f| within.is_none_or(|b| b.holds(f.geometry.coordinates)))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_by_name_and_unknown_ones_are_named() {
        assert_eq!("LSOA".parse::<LabelKind>(), Ok(LabelKind::Lsoa));
        assert_eq!(" ward".parse::<LabelKind>(), Ok(LabelKind::Ward));
        let e = "msoa".parse::<LabelKind>().unwrap_err();
        assert!(
            e.starts_with("kind='msoa'") && e.contains("district, ward or lsoa"),
            "{e}"
        );
    }

    #[test]
    fn boxes_are_four_ordered_finite_degrees() {
        let b: LonLatBox = "-2.3,51.8,-2.2,51.9".parse().unwrap();
        assert_eq!(b.0, [-2.3, 51.8, -2.2, 51.9]);
        assert!(b.holds([-2.25, 51.85]) && b.holds([-2.3, 51.9]));
        assert!(!b.holds([-2.31, 51.85]) && !b.holds([-2.25, 51.95]));
        for bad in [
            "",
            "1,2,3",
            "1,2,3,4,5",
            "a,b,c,d",
            "NaN,0,1,1",
            "-200,0,1,1",
            "0,-91,1,1",
            "1,0,0,1",
            "0,1,1,0",
        ] {
            let e = bad.parse::<LonLatBox>().unwrap_err();
            assert!(e.starts_with("bbox="), "{bad}: {e}");
        }
    }
}
