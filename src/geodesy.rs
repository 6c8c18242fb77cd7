//! Geodesy: the Earth's radii, great-circle distances, local metric approximations and the British
//! National Grid. The one place for these numbers.
//!
//! This is a leaf module: it imports nothing from the rest of the crate, so the self-contained
//! modules (`travel`, `tiles`) may use it without depending on the atlas or the sources.
//!
//! Two radii, two meanings:
//! - [`EARTH_RADIUS_M`], the mean radius of a spherical Earth, is for distances on the ground
//!   (haversine, metres per degree);
//! - [`WEB_MERCATOR_RADIUS_M`], the WGS84 semi-major axis, defines the Web Mercator (EPSG:3857)
//!   plane of map tiles and is never a distance on the ground.

use geo::{Distance, Haversine, HaversineMeasure, Point};
use std::f64::consts::PI;

/// Mean Earth radius (IUGG / GRS80 R1), metres: the radius of `geo`'s [`Haversine`], so every
/// great-circle distance in the crate uses the same sphere.
pub const EARTH_RADIUS_M: f64 = HaversineMeasure::GRS80_MEAN_RADIUS.radius();

/// Sphere radius of Web Mercator (EPSG:3857), the WGS84 semi-major axis, metres. Defines tile
/// coordinates only; use [`EARTH_RADIUS_M`] for distances.
pub const WEB_MERCATOR_RADIUS_M: f64 = 6_378_137.0;

/// Metres along a meridian per degree of latitude on the mean sphere (about 111,195 m).
pub const METRES_PER_DEGREE_LAT: f64 = EARTH_RADIUS_M * PI / 180.0;

/// The smallest cosine of latitude used when converting metres to degrees of longitude, so that
/// envelopes stay finite near the poles (cos 89.4°).
const MIN_COS_LAT: f64 = 0.01;

/// Great-circle distance in metres between two (lon, lat) points in degrees, on the mean sphere
/// (`geo`'s [`Haversine`]).
///
/// ```
/// let d = needsmap::geodesy::haversine_m((-2.2446, 51.8642), (-2.0785, 51.8994));
/// assert!((d - 12_090.0).abs() < 100.0); // Gloucester Cross to Cheltenham Promenade, about 12 km
/// ```
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    // Rounding can push the haversine term just above 1 for antipodal points, where `geo` would
    // return NaN; the distance there is half the circumference.
    let d = Haversine.distance(Point::from(a), Point::from(b));
    if d.is_nan() && [a.0, a.1, b.0, b.1].iter().all(|x| x.is_finite()) {
        PI * EARTH_RADIUS_M
    } else {
        d
    }
}

/// Degrees of longitude and latitude spanned by `metres` at latitude `lat`: for building
/// search envelopes around a point.
///
/// ```
/// let (dlon, dlat) = needsmap::geodesy::degrees_for_metres(111_195.0, 60.0);
/// assert!((dlat - 1.0).abs() < 1e-4 && (dlon - 2.0).abs() < 1e-3); // cos 60° = 1/2
/// ```
pub fn degrees_for_metres(metres: f64, lat: f64) -> (f64, f64) {
    let dlat = metres / METRES_PER_DEGREE_LAT;
    let dlon = dlat / lat.to_radians().cos().max(MIN_COS_LAT);
    (dlon, dlat)
}

/// An equirectangular plane in metres around an origin: x east, y north. Within a few tens of
/// kilometres of the origin its distances agree with [`haversine_m`] to well under 1%, which is
/// what "within 15 km of the region" questions need, at the cost of a multiply per coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalMetres {
    lon0: f64,
    lat0: f64,
    metres_per_degree_lon: f64,
}

impl LocalMetres {
    /// The plane centred on (lon0, lat0).
    pub fn around(lon0: f64, lat0: f64) -> LocalMetres {
        LocalMetres {
            lon0,
            lat0,
            metres_per_degree_lon: METRES_PER_DEGREE_LAT * lat0.to_radians().cos(),
        }
    }

    /// (lon, lat) in degrees → (x, y) in metres from the origin.
    ///
    /// ```
    /// let plane = needsmap::geodesy::LocalMetres::around(-2.24, 51.86);
    /// let (x, y) = plane.forward(-2.24, 51.87);
    /// assert!(x.abs() < 1e-9 && (y - 1_111.95).abs() < 0.01);
    /// ```
    pub fn forward(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.lon0) * self.metres_per_degree_lon,
            (lat - self.lat0) * METRES_PER_DEGREE_LAT,
        )
    }
}

/// British National Grid (OSGB36 / EPSG:27700) easting, northing → WGS84 lon, lat using the
/// OSTN15 transformation (accurate to about 0.1 m), as Ordnance Survey specifies for its products.
/// `None` outside the OSTN15 grid (e.g. offshore far from Great Britain).
///
/// ```
/// // Ordnance Survey's OSTN15 test point TP01 (developer pack, OSGB→ETRS89 test output).
/// let (lon, lat) = needsmap::geodesy::bng_to_lonlat(91_492.146, 11_318.804).unwrap();
/// assert!((lon - -6.299_777_52).abs() < 1e-7 && (lat - 49.922_263_94).abs() < 1e-7);
/// ```
pub fn bng_to_lonlat(easting: f64, northing: f64) -> Option<(f64, f64)> {
    if !easting.is_finite() || !northing.is_finite() {
        return None;
    }
    lonlat_bng::convert_osgb36_to_ll(easting, northing).ok()
}

/// WGS84 lon, lat → British National Grid easting, northing (OSTN15).
pub fn lonlat_to_bng(lon: f64, lat: f64) -> Option<(f64, f64)> {
    if !lon.is_finite() || !lat.is_finite() {
        return None;
    }
    lonlat_bng::convert_osgb36(lon, lat).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook haversine, written out independently of `geo`, as an oracle.
    fn oracle_m(a: (f64, f64), b: (f64, f64)) -> f64 {
        let (p1, p2) = (a.1.to_radians(), b.1.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2)
            + p1.cos() * p2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
        2.0 * 6_371_008.8 * h.sqrt().min(1.0).asin()
    }

    #[test]
    fn constants_have_their_published_values() {
        assert_eq!(EARTH_RADIUS_M, 6_371_008.8, "IUGG mean radius R1");
        assert_eq!(WEB_MERCATOR_RADIUS_M, 6_378_137.0, "WGS84 semi-major axis");
        assert!((METRES_PER_DEGREE_LAT - 111_195.08).abs() < 0.01);
        // One degree along the equator is one degree of latitude's worth of metres.
        assert!((haversine_m((0.0, 0.0), (1.0, 0.0)) - METRES_PER_DEGREE_LAT).abs() < 1e-6);
    }

    #[test]
    fn known_distances() {
        // London (Charing Cross) to Paris (Notre-Dame): about 343.5 km on the mean sphere.
        let d = haversine_m((-0.1278, 51.5074), (2.3522, 48.8566));
        assert!((d - 343_500.0).abs() < 1_000.0, "{d}");
        // Antipodes: half the circumference, never NaN.
        assert!((haversine_m((0.0, 0.0), (180.0, 0.0)) - PI * EARTH_RADIUS_M).abs() < 1e-3);
        assert!((haversine_m((10.0, 30.0), (-170.0, -30.0)) - PI * EARTH_RADIUS_M).abs() < 1e-3);
        assert!(
            haversine_m((f64::NAN, 0.0), (0.0, 0.0)).is_nan(),
            "bad input is not hidden"
        );
    }

    #[test]
    fn round_trip_is_millimetric() {
        for (e, n) in [
            (383_316.0, 218_534.0),
            (400_000.0, 200_000.0),
            (530_000.0, 180_000.0),
        ] {
            let (lon, lat) = bng_to_lonlat(e, n).unwrap();
            let (e2, n2) = lonlat_to_bng(lon, lat).unwrap();
            assert!(
                (e - e2).abs() < 0.01 && (n - n2).abs() < 0.01,
                "{e},{n} -> {e2},{n2}"
            );
        }
    }

    #[test]
    fn rejects_non_finite_and_far_away() {
        assert!(bng_to_lonlat(f64::NAN, 1.0).is_none());
        assert!(bng_to_lonlat(5_000_000.0, 5_000_000.0).is_none());
        assert!(lonlat_to_bng(f64::INFINITY, 52.0).is_none());
    }

    #[test]
    fn envelopes_stay_finite_at_the_pole() {
        let (dlon, dlat) = degrees_for_metres(1_000.0, 90.0);
        assert!(dlon.is_finite() && dlon > dlat);
    }

    /// The numbers defined here are defined nowhere else in `src/`: a second Earth radius or a
    /// hand-written metres-per-degree would drift from these.
    #[test]
    fn no_other_module_repeats_these_constants() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        let mut offenders = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("geodesy.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap().replace('_', "");
                    for literal in ["6371008", "6378137", "111195", ".asin()"] {
                        if text.contains(literal) {
                            offenders.push(format!("{} repeats {literal}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(offenders.is_empty(), "{offenders:#?}");
        let me = include_str!("geodesy.rs");
        assert!(
            !me.lines().any(|l| l.trim_start().starts_with("use crate::")
                || l.trim_start().starts_with("use super::super")),
            "geodesy must stay a leaf module"
        );
    }

    proptest! {
        #[test]
        fn haversine_is_a_metric_on_the_sphere(
            a in (-180.0f64..180.0, -90.0f64..90.0),
            b in (-180.0f64..180.0, -90.0f64..90.0),
        ) {
            let d = haversine_m(a, b);
            prop_assert!(d.is_finite() && d >= 0.0 && d <= PI * EARTH_RADIUS_M + 1e-6);
            prop_assert!((d - haversine_m(b, a)).abs() < 1e-6);
            prop_assert!((d - oracle_m(a, b)).abs() <= 1e-6 * d.max(1.0));
        }

        #[test]
        fn local_metres_agree_with_haversine_near_the_origin(
            lon0 in -6.0f64..2.0, lat0 in 49.9f64..55.9,
            dx in -0.2f64..0.2, dy in -0.15f64..0.15,
        ) {
            let (x, y) = LocalMetres::around(lon0, lat0).forward(lon0 + dx, lat0 + dy);
            let plane = x.hypot(y);
            let sphere = haversine_m((lon0, lat0), (lon0 + dx, lat0 + dy));
            prop_assert!((plane - sphere).abs() <= 0.005 * sphere + 1e-6, "{plane} vs {sphere}");
        }

        #[test]
        fn envelopes_contain_the_circle(lat in -80.0f64..80.0, metres in 1.0f64..50_000.0) {
            let (dlon, dlat) = degrees_for_metres(metres, lat);
            prop_assert!(haversine_m((0.0, lat), (dlon, lat)) >= metres * 0.999);
            prop_assert!((haversine_m((0.0, lat), (0.0, lat + dlat)) - metres).abs() < 1e-6 * metres + 1e-6);
        }
    }
}
