//! Tag rules: which OSM ways each mode may use, in which direction, and how fast.
//!
//! The rules are plain functions of a way's tags so that they can be tested without a file.
//! Access tags are read most-specific first (`motorcar` before `motor_vehicle` before `vehicle`
//! before `access`): the first one present decides, which is how OSM access tagging is defined.

use super::speeds;
use super::TravelMode;

/// What one way allows for one mode: directions relative to the way's node order, and speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRule {
    /// Travel in the order of the way's nodes is allowed.
    pub forward: bool,
    /// Travel against the order of the way's nodes is allowed.
    pub backward: bool,
    /// Travel speed on this way, km/h.
    pub kmh: f64,
}

/// Walkable `highway=*` classes. Motorways are never walkable; trunk roads are, unless `foot=no`
/// (pedestrians are legally allowed on UK trunk roads that are not motorways).
const WALK_HIGHWAYS: &[&str] = &[
    "footway",
    "path",
    "pedestrian",
    "steps",
    "track",
    "residential",
    "living_street",
    "service",
    "unclassified",
    "road",
    "tertiary",
    "tertiary_link",
    "secondary",
    "secondary_link",
    "primary",
    "primary_link",
    "trunk",
    "trunk_link",
    "cycleway",
    "bridleway",
];

/// Cyclable `highway=*` classes (cyclists may legally use UK bridleways). Footways and
/// pedestrian streets only with an explicit `bicycle=yes|designated|permissive`.
const CYCLE_HIGHWAYS: &[&str] = &[
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
    "cycleway",
    "track",
    "path",
    "bridleway",
];

/// Access values that shut a way for the general public (a patient going to the GP).
const DENIED: &[&str] = &[
    "no",
    "private",
    "agricultural",
    "forestry",
    "agricultural;forestry",
    "emergency",
    "military",
    "delivery",
    "permit",
    "use_sidepath",
];

/// Values that explicitly open a way to a mode that its class would not admit by default.
const EXPLICIT_YES: &[&str] = &["yes", "designated", "permissive", "official"];

/// Look up a tag value.
pub fn tag<'a>(tags: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// `true` unless the most specific present access key denies access.
fn access_allowed(tags: &[(&str, &str)], keys_most_specific_first: &[&str]) -> bool {
    keys_most_specific_first
        .iter()
        .find_map(|k| tag(tags, k))
        .is_none_or(|v| !DENIED.contains(&v.trim()))
}

/// Direction from a `oneway`-style value; `implied` is the default when the tag is absent.
/// Returns `None` for reversible/alternating ways, which no fixed direction describes.
fn oneway_directions(value: Option<&str>, implied: bool) -> Option<(bool, bool)> {
    match value.map(str::trim) {
        Some("yes" | "1" | "true") => Some((true, false)),
        Some("-1" | "reverse") => Some((false, true)),
        Some("no" | "0" | "false") => Some((true, true)),
        Some("reversible" | "alternating") => None,
        _ if implied => Some((true, false)),
        _ => Some((true, true)),
    }
}

/// Roundabouts (and `junction=circular`) are one-way in the node order without saying so.
fn is_roundabout(tags: &[(&str, &str)]) -> bool {
    matches!(tag(tags, "junction"), Some("roundabout" | "circular"))
}

/// The rule for `mode` on a way with these tags, or `None` if the mode may not use it.
pub fn way_rule(mode: TravelMode, tags: &[(&str, &str)]) -> Option<WayRule> {
    let highway = tag(tags, "highway")?;
    match mode {
        TravelMode::Walk => walk_rule(highway, tags),
        TravelMode::Cycle => cycle_rule(highway, tags),
        TravelMode::Car => car_rule(highway, tags),
    }
}

fn walk_rule(highway: &str, tags: &[(&str, &str)]) -> Option<WayRule> {
    if !WALK_HIGHWAYS.contains(&highway) || !access_allowed(tags, &["foot", "access"]) {
        return None;
    }
    // General `oneway` binds vehicles, not pedestrians; only `oneway:foot` binds walkers.
    let (forward, backward) = oneway_directions(tag(tags, "oneway:foot"), false)?;
    Some(WayRule {
        forward,
        backward,
        kmh: speeds::WALK_KMH,
    })
}

fn cycle_rule(highway: &str, tags: &[(&str, &str)]) -> Option<WayRule> {
    let bicycle = tag(tags, "bicycle").map(str::trim);
    let class_ok = CYCLE_HIGHWAYS.contains(&highway)
        || (matches!(highway, "footway" | "pedestrian")
            && bicycle.is_some_and(|b| EXPLICIT_YES.contains(&b)));
    if !class_ok
        || tag(tags, "motorroad") == Some("yes")
            && !bicycle.is_some_and(|b| EXPLICIT_YES.contains(&b))
        || !access_allowed(tags, &["bicycle", "vehicle", "access"])
    {
        return None;
    }
    let contraflow = [
        "cycleway",
        "cycleway:left",
        "cycleway:right",
        "cycleway:both",
    ]
    .iter()
    .filter_map(|k| tag(tags, k))
    .any(|v| v.starts_with("opposite"));
    let (forward, backward) = match tag(tags, "oneway:bicycle") {
        Some(v) => oneway_directions(Some(v), false)?,
        None if contraflow => (true, true),
        None => oneway_directions(tag(tags, "oneway"), is_roundabout(tags))?,
    };
    Some(WayRule {
        forward,
        backward,
        kmh: speeds::CYCLE_KMH,
    })
}

fn car_rule(highway: &str, tags: &[(&str, &str)]) -> Option<WayRule> {
    let class_kmh = speeds::car_kmh(highway)?;
    if !access_allowed(tags, &["motorcar", "motor_vehicle", "vehicle", "access"]) {
        return None;
    }
    let implied = highway == "motorway" || is_roundabout(tags);
    let (forward, backward) = oneway_directions(tag(tags, "oneway"), implied)?;
    let kmh = tag(tags, "maxspeed")
        .and_then(parse_maxspeed)
        .map_or(class_kmh, |legal| legal * speeds::MAXSPEED_FACTOR);
    Some(WayRule {
        forward,
        backward,
        kmh,
    })
}

/// Parse an OSM `maxspeed` value into a legal limit in km/h.
///
/// Understands bare numbers (km/h, the OSM default), `"30 mph"` (UK signs are in mph),
/// `"50 km/h"`, `"50 kmh"`, `"50 kph"`, `"10 knots"`, `"walk"`, country codes like
/// `"GB:nsl_single"` and `"50;30"` lists (the lowest wins). `"none"`, `"signals"`,
/// `"variable"` and anything unparseable give `None`, so the class default applies.
pub fn parse_maxspeed(value: &str) -> Option<f64> {
    let value = value.trim();
    if value.contains(';') {
        return value
            .split(';')
            .filter_map(parse_maxspeed)
            .min_by(|a, b| a.total_cmp(b));
    }
    if value.eq_ignore_ascii_case("walk") {
        return Some(speeds::MAXSPEED_WALK_KMH);
    }
    if let Some((_, kmh)) = speeds::IMPLICIT_MAXSPEED_KMH
        .iter()
        .find(|(code, _)| code.eq_ignore_ascii_case(value))
    {
        return Some(*kmh);
    }
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let number: f64 = value[..split].parse().ok()?;
    let factor = match value[split..].trim().to_ascii_lowercase().as_str() {
        "" | "km/h" | "kmh" | "kph" | "km/hr" => 1.0,
        "mph" => speeds::KM_PER_MILE,
        "knots" => 1.852,
        _ => return None,
    };
    let kmh = number * factor;
    (kmh > 0.0 && kmh < 300.0).then_some(kmh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TravelMode::*;

    fn rule(mode: TravelMode, tags: &[(&str, &str)]) -> Option<(bool, bool, f64)> {
        way_rule(mode, tags).map(|r| (r.forward, r.backward, r.kmh))
    }

    #[test]
    fn maxspeed_units() {
        assert_eq!(parse_maxspeed("30"), Some(30.0));
        assert!((parse_maxspeed("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert!((parse_maxspeed("20mph").unwrap() - 32.19).abs() < 0.01);
        assert_eq!(parse_maxspeed("50 km/h"), Some(50.0));
        assert_eq!(parse_maxspeed("50 kmh"), Some(50.0));
        assert_eq!(parse_maxspeed(" 80 "), Some(80.0));
        assert_eq!(parse_maxspeed("none"), None);
        assert_eq!(parse_maxspeed("signals"), None);
        assert_eq!(parse_maxspeed("fast"), None);
        assert_eq!(parse_maxspeed("0"), None);
        assert_eq!(parse_maxspeed("50;30"), Some(30.0));
        assert!((parse_maxspeed("GB:nsl_single").unwrap() - 96.56).abs() < 0.01);
        assert_eq!(parse_maxspeed("CH:urban"), Some(50.0));
        assert_eq!(parse_maxspeed("walk"), Some(speeds::MAXSPEED_WALK_KMH));
    }

    #[test]
    fn walk_ignores_vehicle_oneway_but_honours_foot_tags() {
        let h = ("highway", "residential");
        assert_eq!(rule(Walk, &[h, ("oneway", "yes")]), Some((true, true, 4.8)));
        assert_eq!(
            rule(Walk, &[h, ("oneway:foot", "yes")]).map(|r| (r.0, r.1)),
            Some((true, false))
        );
        assert_eq!(rule(Walk, &[h, ("foot", "no")]), None);
        assert_eq!(rule(Walk, &[h, ("access", "private")]), None);
        // The more specific foot=yes overrides access=no.
        assert!(rule(Walk, &[h, ("access", "no"), ("foot", "yes")]).is_some());
        assert_eq!(rule(Walk, &[("highway", "motorway")]), None);
        assert_eq!(rule(Walk, &[("highway", "motorway_link")]), None);
        assert!(rule(Walk, &[("highway", "trunk")]).is_some());
        assert_eq!(rule(Walk, &[("highway", "trunk"), ("foot", "no")]), None);
        assert!(rule(Walk, &[("highway", "steps")]).is_some());
        assert_eq!(rule(Walk, &[("highway", "construction")]), None);
        assert_eq!(rule(Walk, &[("building", "yes")]), None);
    }

    #[test]
    fn cycle_honours_oneway_with_exceptions() {
        let h = ("highway", "residential");
        assert_eq!(
            rule(Cycle, &[h, ("oneway", "yes")]).map(|r| (r.0, r.1)),
            Some((true, false))
        );
        assert_eq!(
            rule(Cycle, &[h, ("oneway", "yes"), ("oneway:bicycle", "no")]).map(|r| (r.0, r.1)),
            Some((true, true))
        );
        assert_eq!(
            rule(
                Cycle,
                &[h, ("oneway", "yes"), ("cycleway", "opposite_lane")]
            )
            .map(|r| (r.0, r.1)),
            Some((true, true))
        );
        assert_eq!(
            rule(Cycle, &[h, ("junction", "roundabout")]).map(|r| (r.0, r.1)),
            Some((true, false))
        );
        assert_eq!(rule(Cycle, &[("highway", "motorway")]), None);
        assert_eq!(
            rule(Cycle, &[("highway", "cycleway"), ("bicycle", "no")]),
            None
        );
        assert_eq!(rule(Cycle, &[("highway", "footway")]), None);
        assert!(rule(Cycle, &[("highway", "footway"), ("bicycle", "yes")]).is_some());
        assert_eq!(rule(Cycle, &[("highway", "steps")]), None);
        assert_eq!(
            rule(Cycle, &[("highway", "trunk"), ("motorroad", "yes")]),
            None
        );
        assert_eq!(rule(Cycle, &[h]).unwrap().2, speeds::CYCLE_KMH);
    }

    #[test]
    fn car_directions_speeds_and_access() {
        let res = ("highway", "residential");
        assert_eq!(rule(Car, &[res]), Some((true, true, 25.0)));
        for v in ["yes", "1", "true"] {
            assert_eq!(
                rule(Car, &[res, ("oneway", v)]).map(|r| (r.0, r.1)),
                Some((true, false))
            );
        }
        assert_eq!(
            rule(Car, &[res, ("oneway", "-1")]).map(|r| (r.0, r.1)),
            Some((false, true))
        );
        assert_eq!(
            rule(Car, &[res, ("junction", "roundabout")]).map(|r| (r.0, r.1)),
            Some((true, false))
        );
        assert_eq!(
            rule(Car, &[res, ("junction", "roundabout"), ("oneway", "no")]).map(|r| (r.0, r.1)),
            Some((true, true))
        );
        assert_eq!(
            rule(Car, &[("highway", "motorway")]).map(|r| (r.0, r.1)),
            Some((true, false))
        );
        assert_eq!(rule(Car, &[res, ("oneway", "reversible")]), None);
        assert_eq!(rule(Car, &[res, ("access", "private")]), None);
        assert_eq!(rule(Car, &[res, ("motor_vehicle", "no")]), None);
        assert_eq!(rule(Car, &[res, ("motorcar", "no")]), None);
        assert!(rule(Car, &[res, ("access", "no"), ("motorcar", "yes")]).is_some());
        assert!(rule(Car, &[res, ("access", "destination")]).is_some());
        assert_eq!(rule(Car, &[("highway", "footway")]), None);
        assert_eq!(rule(Car, &[("highway", "track")]), None);
        let (_, _, kmh) = rule(Car, &[res, ("maxspeed", "30 mph")]).unwrap();
        assert!((kmh - 30.0 * speeds::KM_PER_MILE * speeds::MAXSPEED_FACTOR).abs() < 1e-9);
        assert_eq!(
            rule(Car, &[("highway", "primary"), ("maxspeed", "none")])
                .unwrap()
                .2,
            65.0
        );
    }
}
