//! Where a road network answers: an area is routed only when the network covers it, so an
//! extract of one county never blanks (or distorts) the areas beyond it.

use crate::atlas::layers::Method;
use crate::atlas::Atlas;
use crate::travel::{Access, Network, Networks, TravelMode};
use rayon::prelude::*;
use std::path::PathBuf;

/// One area's answer from a network: `None` where the network does not cover the area (the
/// estimate answers there), `Some(None)` where it covers the area but finds no route.
pub type Routed = Option<Option<Access>>;

/// A network's answers for every area of an atlas, per travel mode.
#[derive(Debug)]
pub struct Coverage {
    /// The OSM file routed on.
    pub file: PathBuf,
    /// In [`super::MODES`] order, index-aligned with `Atlas::areas`.
    modes: Vec<(TravelMode, Vec<Routed>)>,
}

impl Coverage {
    /// Route from every area the network covers to the nearest GP site in use, all modes in
    /// parallel. `origins` are the areas' centroids ([`Atlas::centroids`]).
    pub fn route(
        atlas: &Atlas,
        origins: &[(f64, f64)],
        networks: &Networks,
        file: PathBuf,
    ) -> Coverage {
        let nearest: Vec<Option<(f64, f64)>> = origins
            .par_iter()
            .map(|&(lon, lat)| {
                atlas
                    .gp_sites
                    .nearest(lon, lat, 1)
                    .first()
                    .map(|(s, _)| (s.lon, s.lat))
            })
            .collect();
        let sites: Vec<(f64, f64)> = atlas
            .gp_sites
            .sites
            .iter()
            .map(|s| (s.lon, s.lat))
            .collect();
        let modes = super::MODES
            .par_iter()
            .map(|&m| (m, route_covered(networks.get(m), origins, &nearest, &sites)))
            .collect::<Vec<_>>();
        // A network that covers none of the region is almost always the wrong file: say so,
        // naming the mode and the network's extent (the areas keep their estimates either way).
        for (m, routed) in &modes {
            if routed.iter().all(Option::is_none) {
                if let Err(e) = networks.get(*m).check_covers(
                    &file.display().to_string(),
                    origins,
                    "area centroids",
                ) {
                    tracing::warn!("{e}; every area keeps its estimate");
                }
            }
        }
        Coverage { file, modes }
    }

    /// The answers of one mode.
    pub fn of(&self, mode: TravelMode) -> &[Routed] {
        self.modes
            .iter()
            .find(|(m, _)| *m == mode)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[])
    }
}

/// Route on `net` from the areas it covers. An area is covered when both its population-weighted
/// centroid and its nearest GP site by straight line lie within the network's snap distance: then
/// the network holds the roads of the journey that matters. Elsewhere — beyond the extract, or at
/// its edge where the nearest surgery is outside it — a routed time would be blank or wrong.
pub fn route_covered(
    net: &Network,
    origins: &[(f64, f64)],
    nearest_site: &[Option<(f64, f64)>],
    sites: &[(f64, f64)],
) -> Vec<Routed> {
    let covered: Vec<usize> = origins
        .par_iter()
        .zip(nearest_site)
        .enumerate()
        .filter(|(_, (o, s))| {
            net.snap(o.0, o.1).is_some() && s.is_some_and(|s| net.snap(s.0, s.1).is_some())
        })
        .map(|(i, _)| i)
        .collect();
    let mut out = vec![None; origins.len()];
    if covered.is_empty() {
        return out;
    }
    let from: Vec<(f64, f64)> = covered.iter().map(|&i| origins[i]).collect();
    for (&i, r) in covered
        .iter()
        .zip(net.nearest_facility_detailed(&from, sites))
    {
        out[i] = Some(r.ok());
    }
    out
}

/// Each area's value and method: the network's where it covers the area, the estimate's elsewhere.
pub fn merge<T>(
    routed: Option<&[Routed]>,
    n: usize,
    from_network: impl Fn(&Access) -> T,
    estimate: impl Fn(usize) -> Option<T>,
) -> (Vec<Option<T>>, Vec<Method>) {
    (0..n)
        .map(
            |i| match routed.and_then(|r| r.get(i)).and_then(|a| a.as_ref()) {
                Some(answer) => (answer.as_ref().map(&from_network), Method::Network),
                None => (estimate(i), Method::Estimate),
            },
        )
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(minutes: f64) -> Access {
        Access {
            destination: 0,
            minutes,
            metres: minutes * 80.0,
            origin_snap_m: 0.0,
            destination_snap_m: 0.0,
        }
    }

    #[test]
    fn the_network_answers_where_it_covers_the_area_and_the_estimate_elsewhere() {
        // Area 0 routed, 1 covered without a route, 2 not covered.
        let routed: Vec<Routed> = vec![Some(Some(access(5.0))), Some(None), None];
        let (v, m) = merge(Some(&routed), 3, |a| a.minutes, |i| Some(100.0 + i as f64));
        assert_eq!(v, vec![Some(5.0), None, Some(102.0)]);
        assert_eq!(m, vec![Method::Network, Method::Network, Method::Estimate]);
        // Without a network every area is estimated.
        let (v, m) = merge(None, 2, |a: &Access| a.minutes, |i| Some(i as f64));
        assert_eq!(
            (v, m),
            (vec![Some(0.0), Some(1.0)], vec![Method::Estimate; 2])
        );
    }
}
