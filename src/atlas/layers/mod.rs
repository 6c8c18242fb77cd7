//! The layer registry: every per-area figure with the metadata a reader needs to trust it.
//!
//! What each layer *is* (id, title, unit, source, method, direction, group, description) is
//! declared once in [`catalogue`]; its id is a constant in [`ids`]. A [`LayerSet`] holds the
//! layers of one loaded atlas, with the figures derived from them (regional ranks, class breaks)
//! computed once when a layer is inserted, and the layers that could not be made, with a reason.

pub mod catalogue;
pub mod ids;

use crate::sources::iod::decile_of_rank;
use serde::Serialize;
use std::collections::HashMap;

pub use catalogue::{LayerSpec, Vintage};

/// Which way is worse, so maps colour the right end and "top 10%" means the most in need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsWorse,
    LowerIsWorse,
    Neutral,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::HigherIsWorse => "higher_is_worse",
            Direction::LowerIsWorse => "lower_is_worse",
            Direction::Neutral => "neutral",
        }
    }
}

/// How a figure was obtained: users must be able to tell a published statistic from our estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Copied from the publisher's file.
    Official,
    /// Derived from official figures by a stated rule (e.g. ranks from scores).
    Computed,
    /// Modelled without a road network; the description says how.
    Estimate,
    /// Routed on an OpenStreetMap road/path network.
    Network,
    /// Routed where the network covers the area, estimated elsewhere: each area's own method is
    /// in [`Layer::method_of`] (and in area profiles).
    Mixed,
    /// An official figure of an older vintage, shown for comparison.
    Reference,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Official => "official",
            Method::Computed => "computed",
            Method::Estimate => "estimate",
            Method::Network => "network",
            Method::Mixed => "mixed",
            Method::Reference => "reference",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Deprivation,
    Children,
    Population,
    Domains,
    GpAccess,
    /// Change between vintages (IoD2019 carried onto LSOA 2021 areas, and IoD2025).
    Change,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Deprivation => "deprivation",
            Group::Children => "children",
            Group::Population => "population",
            Group::Domains => "domains",
            Group::GpAccess => "gp_access",
            Group::Change => "change",
        }
    }
}

/// Ids of the layers that publish a national rank/decile for a score (e.g. `imd_score` → `imd_rank`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NationalRanks {
    pub rank: String,
    pub decile: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LayerMeta {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub description: String,
    pub source: String,
    pub source_title: String,
    pub vintage: String,
    pub licence: String,
    pub direction: Direction,
    pub method: Method,
    pub group: Group,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national: Option<NationalRanks>,
}

/// Per-area values, index-aligned with `Atlas::areas`. Missing is explicit: `None`, never 0.
#[derive(Debug, Clone)]
pub enum Values {
    Number(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

impl Values {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Values::Number(_))
    }
    pub fn len(&self) -> usize {
        match self {
            Values::Number(v) => v.len(),
            Values::Text(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn missing(&self) -> usize {
        match self {
            Values::Number(v) => v.iter().filter(|x| x.is_none()).count(),
            Values::Text(v) => v.iter().filter(|x| x.is_none()).count(),
        }
    }
}

/// One layer: metadata, values, and (once in a [`LayerSet`]) the figures derived from them.
#[derive(Debug, Clone)]
pub struct Layer {
    pub meta: LayerMeta,
    pub values: Values,
    /// Each area's own method where the layer mixes methods ([`Method::Mixed`]); `None` when
    /// every area shares `meta.method`.
    area_methods: Option<Vec<Method>>,
    derived: Derived,
}

/// Figures computed from a layer's values once, when it enters a [`LayerSet`]: requests read
/// them and never sort.
#[derive(Debug, Clone, Default)]
struct Derived {
    ranks: Option<RegionalRanks>,
    breaks: Option<ClassBreaks>,
}

/// Rank of each area within the loaded region, worst first (1 = most in need); ties share the
/// best rank ("1224" competition ranking); `None` for missing values.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionalRanks {
    ranks: Vec<Option<u32>>,
    ranked: usize,
}

impl RegionalRanks {
    /// Ranks of `values` worst first for `direction`; `None` for a neutral direction.
    pub fn of(values: &[Option<f64>], direction: Direction) -> Option<RegionalRanks> {
        let worse_first: fn(f64) -> f64 = match direction {
            Direction::HigherIsWorse => |x: f64| -x,
            Direction::LowerIsWorse => |x: f64| x,
            Direction::Neutral => return None,
        };
        let mut order: Vec<(f64, usize)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.map(|x| (worse_first(x), i)))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut ranks = vec![None; values.len()];
        let mut prev: Option<(f64, u32)> = None;
        for (pos, &(key, i)) in order.iter().enumerate() {
            let rank = match prev {
                Some((k, r)) if k == key => r,
                _ => pos as u32 + 1,
            };
            prev = Some((key, rank));
            ranks[i] = Some(rank);
        }
        Some(RegionalRanks {
            ranks,
            ranked: order.len(),
        })
    }
    /// The rank of one area.
    pub fn rank(&self, area: usize) -> Option<u32> {
        self.ranks.get(area).copied().flatten()
    }
    /// The decile of one area's rank among the areas with a value (1 = the region's worst 10%).
    pub fn decile(&self, area: usize) -> Option<u8> {
        self.rank(area).map(|r| decile_of_rank(r, self.ranked))
    }
    /// How many areas have a value and so a rank (the denominator of ranks and deciles).
    pub fn ranked(&self) -> usize {
        self.ranked
    }
    /// Every area's rank, index-aligned with `Atlas::areas`.
    pub fn as_slice(&self) -> &[Option<u32>] {
        &self.ranks
    }
}

/// Min, max and class breaks (quantiles, or whole numbers 1..10 for deciles) for colouring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassBreaks {
    pub min: f64,
    pub max: f64,
    pub breaks: Vec<f64>,
}

/// Number of classes of a quantile colour scale (so six inner breaks).
pub const QUANTILE_CLASSES: usize = 7;

impl ClassBreaks {
    /// Breaks for `values`; `None` when there is no value at all.
    pub fn of(values: &[Option<f64>], unit: &str) -> Option<ClassBreaks> {
        let mut xs: Vec<f64> = values.iter().flatten().copied().collect();
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let (min, max) = (xs[0], xs[xs.len() - 1]);
        if unit == catalogue::unit::DECILE {
            return Some(ClassBreaks {
                min,
                max,
                breaks: (1..=10).map(f64::from).collect(),
            });
        }
        let k = QUANTILE_CLASSES;
        let mut breaks: Vec<f64> = (1..k)
            .map(|q| {
                let pos = q as f64 / k as f64 * (xs.len() - 1) as f64;
                let (lo, hi) = (xs[pos.floor() as usize], xs[pos.ceil() as usize]);
                round_sig(lo + (hi - lo) * pos.fract())
            })
            .collect();
        breaks.dedup();
        Some(ClassBreaks { min, max, breaks })
    }
}

impl Layer {
    /// A layer whose areas all share `meta.method`.
    pub fn new(meta: LayerMeta, values: Values) -> Layer {
        Layer {
            meta,
            values,
            area_methods: None,
            derived: Derived::default(),
        }
    }

    /// A layer whose areas were made by different methods (e.g. routed where a network covers
    /// them, estimated elsewhere). `meta.method` becomes the one shared method, or
    /// [`Method::Mixed`].
    pub fn with_area_methods(mut meta: LayerMeta, values: Values, methods: Vec<Method>) -> Layer {
        debug_assert_eq!(methods.len(), values.len());
        meta.method = match methods.first() {
            Some(&first) if methods.iter().all(|&m| m == first) => first,
            Some(_) => Method::Mixed,
            None => meta.method,
        };
        let area_methods = (meta.method == Method::Mixed).then_some(methods);
        Layer {
            meta,
            values,
            area_methods,
            derived: Derived::default(),
        }
    }

    pub fn number(&self, area: usize) -> Option<f64> {
        match &self.values {
            Values::Number(v) => v.get(area).copied().flatten(),
            Values::Text(_) => None,
        }
    }
    pub fn text(&self, area: usize) -> Option<&str> {
        match &self.values {
            Values::Text(v) => v.get(area).and_then(|x| x.as_deref()),
            Values::Number(_) => None,
        }
    }

    /// How this area's value was made: `meta.method`, unless the layer mixes methods.
    pub fn method_of(&self, area: usize) -> Method {
        self.area_methods
            .as_ref()
            .and_then(|m| m.get(area).copied())
            .unwrap_or(self.meta.method)
    }

    /// Regional ranks, worst first, for numeric layers with a direction. Ranks and deciles are not
    /// ranked again (that would only produce ties): a score's row carries its regional position.
    pub fn regional_ranks(&self) -> Option<&RegionalRanks> {
        self.derived.ranks.as_ref()
    }

    /// Min, max and class breaks for colouring; `None` for text layers and empty layers.
    pub fn breaks(&self) -> Option<&ClassBreaks> {
        self.derived.breaks.as_ref()
    }

    fn derive(&mut self) {
        let Values::Number(v) = &self.values else {
            self.derived = Derived::default();
            return;
        };
        let is_position = matches!(
            self.meta.unit.as_str(),
            catalogue::unit::RANK | catalogue::unit::DECILE
        );
        self.derived = Derived {
            ranks: if is_position {
                None
            } else {
                RegionalRanks::of(v, self.meta.direction)
            },
            breaks: ClassBreaks::of(v, &self.meta.unit),
        };
    }
}

fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * mag).round() / mag
}

/// A layer the catalogue declares but this atlas could not make, and why (e.g. public transport
/// times without a GTFS feed): listings show it instead of silently leaving it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AbsentLayer {
    pub id: String,
    pub title: String,
    /// What kind of gap it is, for clients that act on it (the page's wording, a script).
    pub cause: AbsentCause,
    /// The gap in words: what is missing and what would fill it.
    pub reason: String,
}

/// Why a declared layer is absent, as a code: clients branch on this, never on the wording of
/// the `reason`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AbsentCause {
    /// No GTFS timetable in the data directory (public-transport layers).
    NoTimetable,
    /// Timetables, but no OpenStreetMap walk network to reach the stops.
    NoWalkNetwork,
    /// The region's areas have no boundaries, so nothing can be measured from or within them.
    NoBoundaries,
    /// The source covers a smaller region (most county-only files) than the one asked for.
    OutsideCoverage,
    /// The figure is published only in a file the data mirror does not hold.
    NotInMirror,
}

impl AbsentCause {
    pub const ALL: [AbsentCause; 5] = [
        AbsentCause::NoTimetable,
        AbsentCause::NoWalkNetwork,
        AbsentCause::NoBoundaries,
        AbsentCause::OutsideCoverage,
        AbsentCause::NotInMirror,
    ];

    /// The code as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            AbsentCause::NoTimetable => "no_timetable",
            AbsentCause::NoWalkNetwork => "no_walk_network",
            AbsentCause::NoBoundaries => "no_boundaries",
            AbsentCause::OutsideCoverage => "outside_coverage",
            AbsentCause::NotInMirror => "not_in_mirror",
        }
    }
}

/// The registry. Order is presentation order.
#[derive(Debug, Clone, Default)]
pub struct LayerSet {
    layers: Vec<Layer>,
    by_id: HashMap<String, usize>,
    absent: Vec<AbsentLayer>,
    /// Whose catalogue rows give the presentation order.
    vintage: Vintage,
}

impl LayerSet {
    /// An empty set for a vintage (the default set is the default vintage's).
    pub fn of_vintage(vintage: Vintage) -> LayerSet {
        LayerSet {
            vintage,
            ..LayerSet::default()
        }
    }

    pub fn vintage(&self) -> Vintage {
        self.vintage
    }

    /// Add a layer, replacing one with the same id (how a network result replaces an estimate),
    /// and compute its derived figures. Layers are never changed in place afterwards.
    pub fn insert(&mut self, mut layer: Layer) {
        layer.derive();
        self.absent.retain(|a| a.id != layer.meta.id);
        match self.by_id.get(&layer.meta.id) {
            Some(&i) => self.layers[i] = layer,
            None => {
                self.by_id.insert(layer.meta.id.clone(), self.layers.len());
                self.layers.push(layer);
            }
        }
    }

    /// Record that a declared layer is not available, with its cause and the reason a reader
    /// should see. A layer inserted later clears it.
    pub fn mark_absent(&mut self, spec: &LayerSpec, cause: AbsentCause, reason: impl Into<String>) {
        if self.get(spec.id).is_some() {
            return;
        }
        self.absent.retain(|a| a.id != spec.id);
        self.absent.push(AbsentLayer {
            id: spec.id.into(),
            title: spec.title.into(),
            cause,
            reason: reason.into(),
        });
    }

    /// Record a layer as absent exactly as a previous build recorded it (an atlas snapshot
    /// restores its absent layers through here; builders use [`LayerSet::mark_absent`]).
    pub fn restore_absent(&mut self, absent: AbsentLayer) {
        if self.get(&absent.id).is_none() {
            self.absent.retain(|a| a.id != absent.id);
            self.absent.push(absent);
        }
    }

    /// Put the layers in catalogue order (layers the catalogue does not know go last, in their
    /// current order), so every listing presents them the same way however they were built.
    pub fn sort_as_catalogue(&mut self) {
        let order: Vec<&str> = catalogue::for_vintage(self.vintage).map(|s| s.id).collect();
        let position = |id: &str| order.iter().position(|s| *s == id).unwrap_or(usize::MAX);
        self.layers.sort_by_key(|l| position(&l.meta.id));
        self.by_id = self
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| (l.meta.id.clone(), i))
            .collect();
    }

    pub fn get(&self, id: &str) -> Option<&Layer> {
        self.by_id.get(id).map(|&i| &self.layers[i])
    }
    pub fn iter(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter()
    }
    pub fn len(&self) -> usize {
        self.layers.len()
    }
    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }
    /// Declared layers this atlas lacks, with reasons.
    pub fn absent(&self) -> &[AbsentLayer] {
        &self.absent
    }
    /// The reason recorded for a declared layer this set lacks (`None` if it was not marked
    /// absent: present, or never declared here).
    pub fn absent_reason(&self, id: &str) -> Option<&str> {
        self.absence(id).map(|a| a.reason.as_str())
    }
    /// The record of a declared layer this set lacks (cause and reason), if it was marked absent.
    pub fn absence(&self, id: &str) -> Option<&AbsentLayer> {
        self.absent.iter().find(|a| a.id == id)
    }
    /// Why `id` is not a layer of this set, when the catalogue knows it: the absent layer's
    /// reason, or that it exists in another vintage (with the list of this vintage's layers).
    /// `None` for an id the catalogue does not know at all.
    pub fn why_missing(&self, id: &str) -> Option<String> {
        if self.get(id).is_some() {
            return None;
        }
        if let Some(reason) = self.absent_reason(id) {
            return Some(format!(
                "layer `{id}` is not available in vintage {}: {reason}",
                self.vintage.as_str(),
            ));
        }
        catalogue::not_in_vintage(self.vintage, id)
    }

    /// [`Layer::regional_ranks`] of a layer by id.
    pub fn regional_ranks(&self, id: &str) -> Option<&RegionalRanks> {
        self.get(id)?.regional_ranks()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.layers.iter().map(|l| l.meta.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(direction: Direction, unit: &str) -> LayerMeta {
        LayerMeta {
            id: "x".into(),
            title: "X".into(),
            unit: unit.into(),
            description: String::new(),
            source: "s".into(),
            source_title: "S".into(),
            vintage: "v".into(),
            licence: "OGL v3".into(),
            direction,
            method: Method::Official,
            group: Group::Deprivation,
            national: None,
        }
    }

    fn layer(direction: Direction, v: Vec<Option<f64>>) -> Layer {
        Layer::new(meta(direction, "score"), Values::Number(v))
    }

    fn inserted(l: Layer) -> LayerSet {
        let mut set = LayerSet::default();
        set.insert(l);
        set
    }

    #[test]
    fn regional_ranks_put_the_worst_first_and_skip_missing() {
        let set = inserted(layer(
            Direction::HigherIsWorse,
            vec![Some(1.0), None, Some(5.0), Some(5.0), Some(2.0)],
        ));
        let r = set.regional_ranks("x").unwrap();
        assert_eq!(r.as_slice(), &[Some(4), None, Some(1), Some(1), Some(3)]);
        assert_eq!(r.ranked(), 4);
        assert_eq!(
            (r.decile(2), r.decile(0), r.decile(1)),
            (Some(3), Some(10), None)
        );
        let set = inserted(layer(Direction::LowerIsWorse, vec![Some(1.0), Some(3.0)]));
        assert_eq!(
            set.regional_ranks("x").unwrap().as_slice(),
            &[Some(1), Some(2)]
        );
        assert!(inserted(layer(Direction::Neutral, vec![Some(1.0)]))
            .regional_ranks("x")
            .is_none());
    }

    #[test]
    fn ranks_and_deciles_are_not_ranked_again() {
        let set = inserted(Layer::new(
            meta(Direction::LowerIsWorse, "decile"),
            Values::Number(vec![Some(1.0), Some(2.0)]),
        ));
        assert!(set.regional_ranks("x").is_none());
        assert_eq!(
            set.get("x").unwrap().breaks().unwrap().breaks,
            (1..=10).map(f64::from).collect::<Vec<_>>()
        );
    }

    #[test]
    fn derived_figures_follow_a_replaced_layer() {
        let mut set = inserted(layer(Direction::HigherIsWorse, vec![Some(1.0), Some(2.0)]));
        assert_eq!(
            set.regional_ranks("x").unwrap().as_slice(),
            &[Some(2), Some(1)]
        );
        set.insert(layer(Direction::LowerIsWorse, vec![Some(1.0), Some(2.0)]));
        assert_eq!(set.len(), 1);
        assert_eq!(
            set.regional_ranks("x").unwrap().as_slice(),
            &[Some(1), Some(2)]
        );
        set.insert(layer(Direction::LowerIsWorse, vec![Some(7.0), None]));
        assert_eq!(set.get("x").unwrap().breaks().unwrap().max, 7.0);
        assert!(set.regional_ranks("nope").is_none());
    }

    #[test]
    fn breaks_are_ascending_quantiles() {
        let set = inserted(layer(
            Direction::HigherIsWorse,
            (0..100).map(|i| Some(i as f64)).collect(),
        ));
        let b = set.get("x").unwrap().breaks().unwrap();
        assert_eq!((b.min, b.max), (0.0, 99.0));
        assert!(b.breaks.windows(2).all(|w| w[0] < w[1]) && b.breaks.len() == QUANTILE_CLASSES - 1);
        assert!(inserted(layer(Direction::HigherIsWorse, vec![None]))
            .get("x")
            .unwrap()
            .breaks()
            .is_none());
    }

    #[test]
    fn area_methods_collapse_when_uniform_and_mix_otherwise() {
        let v = || Values::Number(vec![Some(1.0), Some(2.0)]);
        let one = Layer::with_area_methods(
            meta(Direction::HigherIsWorse, "minutes"),
            v(),
            vec![Method::Estimate; 2],
        );
        assert_eq!(
            (one.meta.method, one.method_of(1)),
            (Method::Estimate, Method::Estimate)
        );
        let mixed = Layer::with_area_methods(
            meta(Direction::HigherIsWorse, "minutes"),
            v(),
            vec![Method::Network, Method::Estimate],
        );
        assert_eq!(mixed.meta.method, Method::Mixed);
        assert_eq!(
            (mixed.method_of(0), mixed.method_of(1)),
            (Method::Network, Method::Estimate)
        );
    }

    #[test]
    fn absence_is_listed_until_the_layer_arrives() {
        let spec = catalogue::spec(ids::GP_PT_MIN).unwrap();
        let mut set = LayerSet::default();
        set.mark_absent(
            spec,
            AbsentCause::NoTimetable,
            "no GTFS feed in the data directory",
        );
        assert_eq!(set.absent().len(), 1);
        assert_eq!(set.absent()[0].reason, "no GTFS feed in the data directory");
        assert_eq!(set.absent()[0].cause, AbsentCause::NoTimetable);
        let mut m = meta(Direction::HigherIsWorse, "minutes");
        m.id = ids::GP_PT_MIN.into();
        set.insert(Layer::new(m, Values::Number(vec![Some(3.0)])));
        assert!(set.absent().is_empty());
        set.mark_absent(spec, AbsentCause::NoTimetable, "ignored: the layer exists");
        assert!(set.absent().is_empty());
    }

    #[test]
    fn serialised_names_match_as_str() {
        for m in [
            Method::Official,
            Method::Computed,
            Method::Estimate,
            Method::Network,
            Method::Mixed,
            Method::Reference,
        ] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        for d in [
            Direction::HigherIsWorse,
            Direction::LowerIsWorse,
            Direction::Neutral,
        ] {
            assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        }
        for c in AbsentCause::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        for g in [
            Group::Deprivation,
            Group::Children,
            Group::Population,
            Group::Domains,
            Group::GpAccess,
            Group::Change,
        ] {
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
    }
}
