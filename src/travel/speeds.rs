//! Every speed the travel engine uses, in one place, so that a reviewer can check and change
//! them without reading the routing code. All values are km/h.
//!
//! Sources:
//! * Walking and cycling: the Department for Transport's Journey Time Statistics (JTS) assume a
//!   walking speed of 4.8 km/h (3 mph) and a cycling speed of 16 km/h; we use the same figures
//!   so our minutes are comparable with the official LSOA access indicators.
//! * Car: free-flow average speeds per `highway=*` class, following the long-standing default
//!   speed table of the OSRM car profile (also used by Itinero). They are deliberately below the
//!   legal limits (UK national limits: 70 mph motorway/dual carriageway, 60 mph single
//!   carriageway, 30 mph built-up) to absorb junction delay and bends, which a graph without
//!   turn costs does not otherwise see.
//! * Tagged `maxspeed`: a legal maximum, not a typical speed, so it is scaled by
//!   [`MAXSPEED_FACTOR`] (OSRM's historical `speed_reduction` of 0.8 plays the same role).

/// Constant walking speed (DfT JTS: 4.8 km/h). Also used for every off-network snap leg.
pub const WALK_KMH: f64 = 4.8;

/// Constant cycling speed (DfT JTS: 16 km/h).
pub const CYCLE_KMH: f64 = 16.0;

/// Multiplier applied to a tagged `maxspeed` to turn a legal limit into an average speed.
pub const MAXSPEED_FACTOR: f64 = 0.8;

/// `maxspeed=walk` (living streets in some countries) in km/h.
pub const MAXSPEED_WALK_KMH: f64 = 7.0;

/// Kilometres per statute mile, for UK `maxspeed=30 mph`.
pub const KM_PER_MILE: f64 = 1.609_344;

/// Car speed by `highway=*` class when no usable `maxspeed` is tagged
/// (OSRM car profile defaults, km/h). A class missing here is not driveable.
pub const CAR_KMH: &[(&str, f64)] = &[
    ("motorway", 90.0),
    ("motorway_link", 45.0),
    ("trunk", 85.0),
    ("trunk_link", 40.0),
    ("primary", 65.0),
    ("primary_link", 30.0),
    ("secondary", 55.0),
    ("secondary_link", 25.0),
    ("tertiary", 40.0),
    ("tertiary_link", 20.0),
    ("unclassified", 25.0),
    ("residential", 25.0),
    ("living_street", 10.0),
    ("service", 15.0),
];

/// Country-coded implicit limits (`maxspeed=GB:nsl_single` etc.), km/h, before
/// [`MAXSPEED_FACTOR`]. UK values are the national speed limits for cars; the others are the
/// statutory urban/rural limits of the countries around Liechtenstein (our test extract).
pub const IMPLICIT_MAXSPEED_KMH: &[(&str, f64)] = &[
    ("GB:nsl_single", 60.0 * KM_PER_MILE),
    ("GB:nsl_dual", 70.0 * KM_PER_MILE),
    ("GB:motorway", 70.0 * KM_PER_MILE),
    ("GB:nsl_restricted", 30.0 * KM_PER_MILE),
    ("UK:nsl_single", 60.0 * KM_PER_MILE),
    ("UK:nsl_dual", 70.0 * KM_PER_MILE),
    ("UK:motorway", 70.0 * KM_PER_MILE),
    ("CH:urban", 50.0),
    ("CH:rural", 80.0),
    ("CH:motorway", 120.0),
    ("AT:urban", 50.0),
    ("AT:rural", 100.0),
    ("AT:motorway", 130.0),
    ("DE:urban", 50.0),
    ("DE:rural", 100.0),
    ("DE:living_street", MAXSPEED_WALK_KMH),
];

/// Default car speed for a highway class, or `None` if cars may not use that class.
pub fn car_kmh(highway: &str) -> Option<f64> {
    CAR_KMH
        .iter()
        .find(|(class, _)| *class == highway)
        .map(|(_, kmh)| *kmh)
}

/// Metres per second from km/h.
pub fn mps(kmh: f64) -> f64 {
    kmh / 3.6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicates_and_positive_speeds() {
        for (i, (a, kmh)) in CAR_KMH.iter().enumerate() {
            assert!(*kmh > 0.0);
            assert!(CAR_KMH[i + 1..].iter().all(|(b, _)| a != b), "{a} twice");
        }
        assert_eq!(car_kmh("footway"), None);
        assert_eq!(car_kmh("primary"), Some(65.0));
    }

    #[test]
    fn car_speeds_are_ordered_by_road_importance() {
        let order = [
            "motorway",
            "trunk",
            "primary",
            "secondary",
            "tertiary",
            "residential",
            "service",
            "living_street",
        ];
        for w in order.windows(2) {
            assert!(car_kmh(w[0]).unwrap() >= car_kmh(w[1]).unwrap(), "{w:?}");
        }
    }
}
