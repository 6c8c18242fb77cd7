//! Electoral wards (May 2025) for summaries. Wards and LSOAs 2011 do not nest, so each LSOA is
//! assigned to ONE ward: the ward of its own district containing its population-weighted centroid
//! (where its people live), or, when the centroid lies in no ward of the district (the two layers
//! are generalised differently), the nearest such ward — those areas are marked as estimates.

use super::layers::catalogue::{declared_in, Vars};
use super::layers::{ids, AbsentCause, Layer, LayerSet, Method, Values};
use super::Lsoa;
use crate::geodesy::LocalMetres;
use crate::sources::boundaries::{read_geojson_keyed, Boundary};
use crate::sources::{Result, Source};
use geo::{Contains, Distance, Euclidean, MapCoords, Point};
use std::path::Path;

/// One ward: code, name, district, polygon (WGS84).
#[derive(Debug, Clone)]
pub struct Ward {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub polygon: geo::MultiPolygon<f64>,
}

/// Read the ONS ward GeoJSON (`WD25CD`, `WD25NM`, `LAD25CD`).
pub fn read_wards(path: &Path) -> Result<Vec<Ward>> {
    let mut wards: Vec<Ward> = read_geojson_keyed(path, "WD25CD", "WD25NM", &["LAD25CD"], None)?
        .into_iter()
        .map(
            |(
                Boundary {
                    code,
                    name,
                    polygon,
                },
                extra,
            )| Ward {
                code,
                name,
                district_code: extra.into_iter().next().flatten().unwrap_or_default(),
                polygon,
            },
        )
        .collect();
    wards.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(wards)
}

/// How an area reached its ward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assigned {
    /// The ward contains the area's population-weighted centroid.
    Centroid(usize),
    /// No ward of the district contains it: the nearest ward of the district.
    Nearest(usize),
}

impl Assigned {
    pub fn ward(self) -> usize {
        match self {
            Assigned::Centroid(w) | Assigned::Nearest(w) => w,
        }
    }
}

/// Assign each area to exactly one ward (or none when no ward of its district is known).
/// Among wards of the area's district (all wards when the district has none) the first, by
/// code, containing the centroid wins; otherwise the nearest.
pub fn assign(wards: &[Ward], areas: &[(Point<f64>, &str)]) -> Vec<Option<Assigned>> {
    areas
        .iter()
        .map(|&(p, district)| {
            let mut candidates: Vec<usize> = (0..wards.len())
                .filter(|&w| wards[w].district_code == district)
                .collect();
            if candidates.is_empty() {
                return None;
            }
            candidates.sort_by(|&a, &b| wards[a].code.cmp(&wards[b].code));
            if let Some(&w) = candidates.iter().find(|&&w| wards[w].polygon.contains(&p)) {
                return Some(Assigned::Centroid(w));
            }
            let plane = LocalMetres::around(p.x(), p.y());
            let to_m = |c: geo::Coord<f64>| {
                let (x, y) = plane.forward(c.x, c.y);
                geo::coord! { x: x, y: y }
            };
            candidates
                .iter()
                .map(|&w| {
                    let d = Euclidean
                        .distance(&Point::new(0.0, 0.0), &wards[w].polygon.map_coords(to_m));
                    (d, w)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, w)| Assigned::Nearest(w))
        })
        .collect()
}

/// Add the `ward` and `ward_name` layers (or mark them absent with the reason). Returns how
/// many areas were assigned, and how many of those by the nearest-ward fallback.
pub fn attach(
    set: &mut LayerSet,
    wards: &[Ward],
    areas: &[Lsoa],
    src: &Source,
    vars: &Vars,
) -> (usize, usize) {
    // Wards are attached to mapped atlases only (the 2019 builder).
    let points: Vec<(Point<f64>, &str)> = areas
        .iter()
        .filter_map(|a| Some((a.centroid()?, a.district_code.as_str())))
        .collect();
    let assigned = assign(wards, &points);
    let vintage = set.vintage();
    let declared = |id: &str| declared_in(vintage, id);
    let reached = assigned.iter().flatten().count();
    let nearest = assigned
        .iter()
        .flatten()
        .filter(|a| matches!(a, Assigned::Nearest(_)))
        .count();
    if reached == 0 {
        for id in [ids::WARD, ids::WARD_NAME] {
            set.mark_absent(
                declared(id),
                AbsentCause::OutsideCoverage,
                format!(
                    "the ward boundaries ({}) cover Gloucestershire only; no area of this region lies in one of its districts",
                    src.file
                ),
            );
        }
        return (0, 0);
    }
    let methods: Vec<Method> = assigned
        .iter()
        .map(|a| match a {
            Some(Assigned::Nearest(_)) => Method::Estimate,
            _ => Method::Computed,
        })
        .collect();
    let text = |f: &dyn Fn(&Ward) -> &str| {
        Values::Text(
            assigned
                .iter()
                .map(|a| a.map(|a| f(&wards[a.ward()]).to_string()))
                .collect(),
        )
    };
    set.insert(Layer::with_area_methods(
        declared(ids::WARD).meta(src, vars),
        text(&|w| &w.code),
        methods.clone(),
    ));
    set.insert(Layer::with_area_methods(
        declared(ids::WARD_NAME).meta(src, vars),
        text(&|w| &w.name),
        methods,
    ));
    (reached, nearest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(code: &str, district: &str, x0: f64) -> Ward {
        Ward {
            code: code.into(),
            name: format!("Ward {code}"),
            district_code: district.into(),
            polygon: geo::MultiPolygon(vec![polygon![
                (x: x0, y: 51.0), (x: x0 + 0.1, y: 51.0), (x: x0 + 0.1, y: 51.1), (x: x0, y: 51.1)
            ]]),
        }
    }

    #[test]
    fn centroids_pick_one_ward_of_their_district_or_the_nearest() {
        let wards = vec![
            square("W2", "D1", -2.0),
            square("W1", "D1", -2.1),
            square("W3", "D2", -2.0),
        ];
        let got = assign(
            &wards,
            &[
                (Point::new(-1.95, 51.05), "D1"),
                (Point::new(-1.95, 51.05), "D2"),
                (Point::new(-2.2, 51.05), "D1"),
                (Point::new(-1.95, 51.05), "D9"),
            ],
        );
        assert_eq!(
            got,
            vec![
                Some(Assigned::Centroid(0)),
                Some(Assigned::Centroid(2)),
                Some(Assigned::Nearest(1)),
                None
            ]
        );
    }
}
