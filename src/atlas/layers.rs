//! The layer registry: every per-area figure with the metadata a reader needs to trust it.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Which way is worse, so maps colour the right end and "top 10%" means the most in need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsWorse,
    LowerIsWorse,
    Neutral,
}

/// How a figure was obtained: users must be able to tell a published statistic from our estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// An official figure of an older vintage, shown for comparison.
    Reference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Deprivation,
    Children,
    Population,
    Domains,
    GpAccess,
}

/// Ids of the layers that publish a national rank/decile for a score (e.g. `imd_score` → `imd_rank`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalRanks {
    pub rank: String,
    pub decile: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
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

impl LayerMeta {
    /// Metadata whose source, vintage and licence come from the source manifest, so a layer can
    /// never claim a provenance the manifest does not record.
    #[allow(clippy::too_many_arguments)]
    pub fn from_source(
        id: &str,
        title: &str,
        unit: &str,
        description: String,
        source: &crate::sources::Source,
        direction: Direction,
        method: Method,
        group: Group,
    ) -> LayerMeta {
        LayerMeta {
            id: id.into(),
            title: title.into(),
            unit: unit.into(),
            description,
            source: source.id.clone(),
            source_title: source.title.clone(),
            vintage: source.vintage.clone(),
            licence: source.licence.clone(),
            direction,
            method,
            group,
            national: None,
        }
    }
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

#[derive(Debug, Clone)]
pub struct Layer {
    pub meta: LayerMeta,
    pub values: Values,
}

impl Layer {
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

    /// Rank of each area within the loaded region, worst first (1 = most in need); ties share the
    /// best rank ("1224" competition ranking). `None` for missing values and neutral layers.
    pub fn regional_ranks(&self) -> Vec<Option<u32>> {
        let Values::Number(v) = &self.values else {
            return vec![None; self.values.len()];
        };
        if self.meta.direction == Direction::Neutral {
            return vec![None; v.len()];
        }
        let worse_first = |x: f64| {
            if self.meta.direction == Direction::HigherIsWorse {
                -x
            } else {
                x
            }
        };
        let mut order: Vec<(f64, usize)> = v
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.map(|x| (worse_first(x), i)))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut ranks = vec![None; v.len()];
        let mut prev: Option<(f64, u32)> = None;
        for (pos, (key, i)) in order.into_iter().enumerate() {
            let rank = match prev {
                Some((k, r)) if k == key => r,
                _ => pos as u32 + 1,
            };
            prev = Some((key, rank));
            ranks[i] = Some(rank);
        }
        ranks
    }

    /// Min, max and class breaks (quantiles, or whole numbers 1..10 for deciles) for colouring.
    pub fn breaks(&self) -> Option<(f64, f64, Vec<f64>)> {
        let Values::Number(v) = &self.values else {
            return None;
        };
        let mut xs: Vec<f64> = v.iter().flatten().copied().collect();
        if xs.is_empty() {
            return None;
        }
        xs.sort_by(f64::total_cmp);
        let (min, max) = (xs[0], xs[xs.len() - 1]);
        if self.meta.unit == "decile" {
            return Some((min, max, (1..=10).map(f64::from).collect()));
        }
        let k = 7;
        let mut breaks: Vec<f64> = (1..k)
            .map(|q| {
                let pos = q as f64 / k as f64 * (xs.len() - 1) as f64;
                let (lo, hi) = (xs[pos.floor() as usize], xs[pos.ceil() as usize]);
                round_sig(lo + (hi - lo) * pos.fract())
            })
            .collect();
        breaks.dedup();
        Some((min, max, breaks))
    }
}

fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * mag).round() / mag
}

/// The registry. Order is presentation order.
#[derive(Debug, Clone, Default)]
pub struct LayerSet {
    layers: Vec<Layer>,
    by_id: HashMap<String, usize>,
    ranks: RankCache,
}

/// Regional ranks per layer, computed on first use: a profile request needs every layer's ranks,
/// and re-sorting 32,844 values per layer per request would put that work on a hot path.
#[derive(Debug, Default)]
struct RankCache(Mutex<HashMap<String, Arc<Vec<Option<u32>>>>>);

impl Clone for RankCache {
    /// A copy starts empty: ranks are cheap to recompute and always follow the copied layers.
    fn clone(&self) -> Self {
        RankCache::default()
    }
}

impl LayerSet {
    /// Add a layer, replacing one with the same id (how a network result replaces an estimate).
    pub fn insert(&mut self, layer: Layer) {
        self.ranks
            .0
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&layer.meta.id);
        match self.by_id.get(&layer.meta.id) {
            Some(&i) => self.layers[i] = layer,
            None => {
                self.by_id.insert(layer.meta.id.clone(), self.layers.len());
                self.layers.push(layer);
            }
        }
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
    /// [`Layer::regional_ranks`] of a layer, cached until the layer is replaced.
    pub fn regional_ranks(&self, id: &str) -> Option<Arc<Vec<Option<u32>>>> {
        let layer = self.get(id)?;
        let mut cache = self.ranks.0.lock().unwrap_or_else(|p| p.into_inner());
        Some(
            cache
                .entry(id.to_string())
                .or_insert_with(|| Arc::new(layer.regional_ranks()))
                .clone(),
        )
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.layers.iter().map(|l| l.meta.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(direction: Direction, v: Vec<Option<f64>>) -> Layer {
        Layer {
            meta: LayerMeta {
                id: "x".into(),
                title: "X".into(),
                unit: "score".into(),
                description: String::new(),
                source: "s".into(),
                source_title: "S".into(),
                vintage: "v".into(),
                licence: "OGL v3".into(),
                direction,
                method: Method::Official,
                group: Group::Deprivation,
                national: None,
            },
            values: Values::Number(v),
        }
    }

    #[test]
    fn regional_ranks_put_the_worst_first_and_skip_missing() {
        let l = layer(
            Direction::HigherIsWorse,
            vec![Some(1.0), None, Some(5.0), Some(5.0), Some(2.0)],
        );
        assert_eq!(
            l.regional_ranks(),
            vec![Some(4), None, Some(1), Some(1), Some(3)]
        );
        let l = layer(Direction::LowerIsWorse, vec![Some(1.0), Some(3.0)]);
        assert_eq!(l.regional_ranks(), vec![Some(1), Some(2)]);
    }

    #[test]
    fn insert_replaces_by_id() {
        let mut set = LayerSet::default();
        set.insert(layer(Direction::Neutral, vec![Some(1.0)]));
        set.insert(layer(Direction::Neutral, vec![Some(2.0)]));
        assert_eq!(set.len(), 1);
        assert_eq!(set.get("x").unwrap().number(0), Some(2.0));
    }

    #[test]
    fn cached_ranks_follow_a_replaced_layer() {
        let mut set = LayerSet::default();
        set.insert(layer(Direction::HigherIsWorse, vec![Some(1.0), Some(2.0)]));
        assert_eq!(*set.regional_ranks("x").unwrap(), vec![Some(2), Some(1)]);
        set.insert(layer(Direction::LowerIsWorse, vec![Some(1.0), Some(2.0)]));
        assert_eq!(*set.regional_ranks("x").unwrap(), vec![Some(1), Some(2)]);
        assert!(set.regional_ranks("nope").is_none());
    }

    #[test]
    fn breaks_are_ascending_quantiles() {
        let l = layer(
            Direction::HigherIsWorse,
            (0..100).map(|i| Some(i as f64)).collect(),
        );
        let (min, max, b) = l.breaks().unwrap();
        assert_eq!((min, max), (0.0, 99.0));
        assert!(b.windows(2).all(|w| w[0] < w[1]) && b.len() == 6);
    }
}
