//! Putting arbitrary points (LSOA centroids, GP sites) onto the network.
//!
//! Points are projected onto the nearest *segment*, not the nearest node: on a rural lane with
//! nodes 500 m apart, nearest-node snapping could add minutes that are not there. Only segments
//! of the mode's largest strongly connected component are indexed, so a point next to a private
//! car park or a one-way fragment can never be trapped there and get a bogus time.
//!
//! The R-tree lives in a local equirectangular projection (metres, scaled by the cosine of the
//! network's central latitude). Over a county this is accurate to well under 1%; over England
//! the east–west scale drifts by a few percent at the far north/south, which can only change
//! which of two almost equally near roads is chosen. The reported snap distance is always the
//! haversine distance to the snapped position.

use rstar::primitives::{GeomWithData, Line};
use rstar::RTree;

use super::graph::{Network, NodeId, SegmentId};
use super::route::Unreachable;
use super::{haversine_m, EARTH_RADIUS_M};

/// Where a point lands on the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The segment the point was projected onto (see [`Network::segment`]).
    pub segment: SegmentId,
    /// Position along the segment from its `from` node (0) to its `to` node (1).
    pub fraction: f64,
    /// Haversine distance from the point to the snapped position, metres.
    pub distance_m: f64,
    /// The snapped position.
    pub lon: f64,
    pub lat: f64,
}

/// Affine lon/lat ↔ local metres around a reference point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalProjection {
    lon0: f64,
    lat0: f64,
    m_per_deg_lon: f64,
    m_per_deg_lat: f64,
}

impl LocalProjection {
    fn around(lon0: f64, lat0: f64) -> LocalProjection {
        let m_per_deg_lat = EARTH_RADIUS_M.to_radians();
        LocalProjection {
            lon0,
            lat0,
            m_per_deg_lat,
            m_per_deg_lon: m_per_deg_lat * lat0.to_radians().cos(),
        }
    }

    fn forward(&self, lon: f64, lat: f64) -> [f64; 2] {
        [
            (lon - self.lon0) * self.m_per_deg_lon,
            (lat - self.lat0) * self.m_per_deg_lat,
        ]
    }

    fn inverse(&self, p: [f64; 2]) -> (f64, f64) {
        (
            self.lon0 + p[0] / self.m_per_deg_lon,
            self.lat0 + p[1] / self.m_per_deg_lat,
        )
    }
}

type IndexedSegment = GeomWithData<Line<[f64; 2]>, SegmentId>;

/// R-tree of the snappable segments.
#[derive(Debug)]
pub(crate) struct SnapIndex {
    tree: RTree<IndexedSegment>,
    projection: LocalProjection,
}

impl SnapIndex {
    pub fn build(
        lon: &[f64],
        lat: &[f64],
        seg_from: &[NodeId],
        seg_to: &[NodeId],
        snappable: &[SegmentId],
    ) -> SnapIndex {
        let centre = |v: &[f64]| {
            let (lo, hi) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            if lo.is_finite() {
                (lo + hi) / 2.0
            } else {
                0.0
            }
        };
        let projection = LocalProjection::around(centre(lon), centre(lat));
        let at = |v: NodeId| projection.forward(lon[v as usize], lat[v as usize]);
        let items = snappable
            .iter()
            .map(|&s| {
                let (a, b) = (seg_from[s as usize], seg_to[s as usize]);
                GeomWithData::new(Line::new(at(a), at(b)), s)
            })
            .collect();
        SnapIndex {
            tree: RTree::bulk_load(items),
            projection,
        }
    }
}

impl Network {
    /// Snap `(lon, lat)` onto the nearest segment of the main component, or `None` if the point
    /// is invalid or farther than [`Network::max_snap_m`] from it.
    pub fn snap(&self, lon: f64, lat: f64) -> Option<Snap> {
        self.try_snap(lon, lat).ok()
    }

    /// Like [`Network::snap`], but says why a point could not be snapped.
    pub fn try_snap(&self, lon: f64, lat: f64) -> Result<Snap, Unreachable> {
        if !(lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat))
        {
            return Err(Unreachable::InvalidCoordinate);
        }
        let index = &self.snap_index;
        let p = index.projection.forward(lon, lat);
        let Some(nearest) = index.tree.nearest_neighbor(&p) else {
            return Err(Unreachable::NoNearbyRoad { nearest_m: None });
        };
        let (a, b) = (nearest.geom().from, nearest.geom().to);
        let d = [b[0] - a[0], b[1] - a[1]];
        let len2 = d[0] * d[0] + d[1] * d[1];
        let fraction = if len2 > 0.0 {
            (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (slon, slat) = index
            .projection
            .inverse([a[0] + fraction * d[0], a[1] + fraction * d[1]]);
        let distance_m = haversine_m(lon, lat, slon, slat);
        if distance_m > self.max_snap_m() {
            return Err(Unreachable::NoNearbyRoad {
                nearest_m: Some(distance_m),
            });
        }
        Ok(Snap {
            segment: nearest.data,
            fraction,
            distance_m,
            lon: slon,
            lat: slat,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::graph::NetworkBuilder;
    use super::super::TravelMode;
    use super::*;
    use proptest::prelude::*;

    /// Brute-force nearest distance (projected point-to-segment, then haversine) over ALL
    /// main-component segments; an independent path from the R-tree query.
    fn brute_force_nearest_m(net: &Network, lon: f64, lat: f64) -> Option<f64> {
        let proj = LocalProjection::around(lon, lat); // centred on the query: a different frame
        (0..net.segment_count() as SegmentId)
            .filter(|&s| {
                let seg = net.segment(s);
                net.in_main_component(seg.from) && net.in_main_component(seg.to)
            })
            .map(|s| {
                let seg = net.segment(s);
                let (alon, alat) = net.node_lon_lat(seg.from);
                let (blon, blat) = net.node_lon_lat(seg.to);
                let (a, b) = (proj.forward(alon, alat), proj.forward(blon, blat));
                let d = [b[0] - a[0], b[1] - a[1]];
                let len2 = d[0] * d[0] + d[1] * d[1];
                let t = if len2 == 0.0 {
                    0.0
                } else {
                    ((-a[0]) * d[0] + (-a[1]) * d[1]) / len2
                };
                let t = t.clamp(0.0, 1.0);
                let (x, y) = (a[0] + t * d[0], a[1] + t * d[1]);
                (x * x + y * y).sqrt()
            })
            .min_by(|a, b| a.total_cmp(b))
    }

    #[test]
    fn snaps_onto_segment_interior_with_fraction() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let x = b.add_node(0.0, 0.0);
        let y = b.add_node(0.01, 0.0);
        b.add_way_segment(x, y, true, true, 5.0);
        let net = b.build().unwrap();
        // 0.0025° east, ~55.6 m north of the road.
        let s = net.snap(0.0025, 0.0005).unwrap();
        assert_eq!(s.segment, 0);
        assert!((s.fraction - 0.25).abs() < 1e-9, "{}", s.fraction);
        assert!((s.distance_m - 55.6).abs() < 0.1, "{}", s.distance_m);
        assert!(s.lat.abs() < 1e-12 && (s.lon - 0.0025).abs() < 1e-12);
        // Beyond the end the fraction clamps to 1.
        assert_eq!(net.snap(0.0101, 0.0).unwrap().fraction, 1.0);
    }

    #[test]
    fn far_points_and_invalid_points_are_refused_with_a_reason() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        let x = b.add_node(0.0, 0.0);
        let y = b.add_node(0.01, 0.0);
        b.add_way_segment(x, y, true, true, 5.0);
        let mut net = b.build().unwrap();
        // 0.05° of latitude is ~5.6 km, beyond the 2 km default.
        match net.try_snap(0.005, 0.05) {
            Err(Unreachable::NoNearbyRoad { nearest_m: Some(m) }) => {
                assert!((m - 5560.0).abs() < 5.0, "{m}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            net.try_snap(f64::NAN, 0.0),
            Err(Unreachable::InvalidCoordinate)
        );
        assert_eq!(
            net.try_snap(200.0, 0.0),
            Err(Unreachable::InvalidCoordinate)
        );
        net.set_max_snap_m(6000.0);
        assert!(net.snap(0.005, 0.05).is_some());
        net.set_max_snap_m(10.0);
        assert!(net.snap(0.005, 0.001).is_none());
    }

    #[test]
    fn islands_are_never_snapped_to() {
        let mut b = NetworkBuilder::new(TravelMode::Walk);
        // Main component: a 3-segment line. Island: one segment right next to the query point.
        let m: Vec<_> = (0..4).map(|i| b.add_node(i as f64 * 0.001, 0.0)).collect();
        for w in m.windows(2) {
            b.add_way_segment(w[0], w[1], true, true, 5.0);
        }
        let i1 = b.add_node(0.0, 0.005);
        let i2 = b.add_node(0.001, 0.005);
        b.add_way_segment(i1, i2, true, true, 5.0);
        let net = b.build().unwrap();
        let s = net.snap(0.0005, 0.0049).unwrap();
        assert!(s.segment < 3, "snapped onto the island");
        assert!(s.distance_m > 500.0);
    }

    #[test]
    fn one_way_fragment_is_not_snappable() {
        // Car: a two-way loop plus a one-way spur leading out of it (a dead end one can enter
        // but not leave). A point beside the spur must snap to the loop.
        let mut b = NetworkBuilder::new(TravelMode::Car);
        let a = b.add_node(0.0, 0.0);
        let c = b.add_node(0.001, 0.0);
        let d = b.add_node(0.002, 0.0);
        let e = b.add_node(0.003, 0.0);
        b.add_way_segment(a, c, true, true, 30.0);
        b.add_way_segment(c, d, true, false, 30.0);
        b.add_way_segment(d, e, true, false, 30.0);
        let net = b.build().unwrap();
        let s = net.snap(0.0025, 0.0).unwrap();
        assert_eq!(s.segment, 0);
        assert_eq!(s.fraction, 1.0);
    }

    proptest! {
        #[test]
        fn rtree_snap_matches_brute_force(
            coords in prop::collection::vec((0.0f64..0.05, 51.0f64..51.05), 2..25),
            pairs in prop::collection::vec((0usize..25, 0usize..25, any::<bool>()), 1..40),
            queries in prop::collection::vec((-0.01f64..0.06, 50.99f64..51.06), 1..10),
        ) {
            let mut b = NetworkBuilder::new(TravelMode::Walk);
            for &(lon, lat) in &coords { b.add_node(lon, lat); }
            let n = coords.len();
            for &(i, j, oneway) in &pairs {
                b.add_way_segment((i % n) as NodeId, (j % n) as NodeId, true, !oneway, 5.0);
            }
            let mut net = b.build().unwrap();
            net.set_max_snap_m(f64::INFINITY);
            for &(lon, lat) in &queries {
                let got = net.snap(lon, lat).map(|s| s.distance_m);
                let want = brute_force_nearest_m(&net, lon, lat);
                match (got, want) {
                    (Some(g), Some(w)) => prop_assert!((g - w).abs() <= 0.5 + 0.005 * w, "{} vs {}", g, w),
                    (None, None) => {}
                    other => prop_assert!(false, "{:?}", other),
                }
                if let Some(s) = net.snap(lon, lat) {
                    let seg = net.segment(s.segment);
                    prop_assert!(net.in_main_component(seg.from) && net.in_main_component(seg.to));
                    prop_assert!((0.0..=1.0).contains(&s.fraction));
                }
            }
        }
    }
}
