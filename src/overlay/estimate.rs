//! The no-network estimate of GP access: today's straight-line distance to the nearest GP site ×
//! each area's road/straight-line ratio, calibrated on the official IoD2019 road distances.

use super::MIN_STRAIGHT_KM_FOR_FACTOR;
use crate::atlas::gp::{GpSite, GpSites};
use crate::atlas::Atlas;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// The estimate's per-area inputs: road/straight-line detour factors.
#[derive(Debug, Clone)]
pub struct Estimate {
    pub factor: Vec<Option<f64>>,
    pub median_factor: f64,
}

/// One area's estimated access to a set of sites.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimatedAccess {
    pub site_code: String,
    pub straight_km: f64,
    pub road_km: f64,
}

impl Estimate {
    /// Detour factors from the official road distances and the sites open on the indicator's date;
    /// the region's median where an area's own ratio cannot be measured.
    pub fn new(atlas: &Atlas, road_km: &[Option<f64>]) -> Estimate {
        let straight19: Vec<Option<f64>> = atlas
            .areas
            .par_iter()
            .map(|a| {
                let c = a.centroid()?;
                atlas
                    .gp_sites_2019
                    .nearest(c.x(), c.y(), 1)
                    .first()
                    .map(|(_, m)| m / 1000.0)
            })
            .collect();
        let raw: Vec<Option<f64>> = road_km
            .iter()
            .zip(&straight19)
            .map(|(r, s)| match (r, s) {
                (Some(r), Some(s)) if *s >= MIN_STRAIGHT_KM_FOR_FACTOR => Some(r / s),
                _ => None,
            })
            .collect();
        let mut sorted: Vec<f64> = raw.iter().flatten().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let median_factor = if sorted.is_empty() {
            1.0
        } else {
            sorted[sorted.len() / 2]
        };
        // An area without an official road distance (an LSOA 2021 area split since 2011 has no
        // IoD2019 figure) takes the region's median ratio, like an area too close to measure.
        let factor = raw
            .iter()
            .map(|f| Some(f.unwrap_or(median_factor)))
            .collect();
        Estimate {
            factor,
            median_factor,
        }
    }

    /// Estimated access from every area to the nearest of `sites` (in parallel).
    pub fn minutes_for(&self, atlas: &Atlas, sites: &[GpSite]) -> Vec<Option<EstimatedAccess>> {
        let index = GpSites::new(sites.to_vec(), BTreeMap::new());
        atlas
            .areas
            .par_iter()
            .zip(&self.factor)
            .map(|(a, f)| {
                let f = (*f)?;
                let c = a.centroid()?;
                let (site, m) = index.nearest(c.x(), c.y(), 1).into_iter().next()?;
                let straight_km = m / 1000.0;
                Some(EstimatedAccess {
                    site_code: site.code.clone(),
                    straight_km,
                    road_km: straight_km * f,
                })
            })
            .collect()
    }
}
