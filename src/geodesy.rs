//! Coordinate conversions shared by the readers and the engine.

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

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres.
///
/// ```
/// let d = needsmap::geodesy::haversine_m((-2.2446, 51.8642), (-2.0785, 51.8994));
/// assert!((d - 12_090.0).abs() < 100.0); // Gloucester Cross to Cheltenham Promenade, about 12 km
/// ```
pub fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

/// Degrees of longitude and latitude spanned by `metres` at latitude `lat`: for building
/// search envelopes around a point.
pub fn degrees_for_metres(metres: f64, lat: f64) -> (f64, f64) {
    let dlat = metres / 111_195.0;
    let dlon = dlat / lat.to_radians().cos().max(0.01);
    (dlon, dlat)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
