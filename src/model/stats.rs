//! Figures derived from the layers once per load: regional ranks and class breaks. Answers read
//! them; no request sorts a layer or takes a lock.

use crate::atlas::layers::Layer;
use crate::atlas::Atlas;
use rayon::prelude::*;
use std::collections::HashMap;

/// One layer's derived figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerFigures {
    /// Rank within the region, worst first ([`Layer::regional_ranks`]); `None` when the layer
    /// is not ranked again (ranks, deciles, text, neutral layers).
    pub ranks: Option<Vec<Option<u32>>>,
    /// Areas with a value, the denominator of the regional ranks.
    pub ranked: usize,
    /// Min, max and class breaks for colouring ([`Layer::breaks`]).
    pub breaks: Option<(f64, f64, Vec<f64>)>,
}

/// Derived figures of every layer of one atlas, computed in parallel at load.
#[derive(Debug, Clone, Default)]
pub struct LayerStats {
    by_id: HashMap<String, LayerFigures>,
}

impl LayerStats {
    pub fn of(atlas: &Atlas) -> LayerStats {
        let layers: Vec<&Layer> = atlas.layers.iter().collect();
        let by_id = layers
            .par_iter()
            .map(|l| (l.meta.id.clone(), LayerFigures::of(l)))
            .collect();
        LayerStats { by_id }
    }

    pub fn get(&self, id: &str) -> Option<&LayerFigures> {
        self.by_id.get(id)
    }

    /// Replace one layer's figures (tests use it to show answers read these, not the values).
    pub fn set(&mut self, id: &str, figures: LayerFigures) {
        self.by_id.insert(id.to_string(), figures);
    }
}

impl LayerFigures {
    pub fn of(layer: &Layer) -> LayerFigures {
        // Ranking ranks or deciles again would only produce ties: the regional position of a
        // score is given on the score's own row.
        let ranks = (layer.values.is_numeric()
            && !matches!(layer.meta.unit.as_str(), "rank" | "decile"))
        .then(|| layer.regional_ranks());
        let ranked = ranks
            .as_ref()
            .map(|r| r.iter().flatten().count())
            .unwrap_or(0);
        LayerFigures {
            ranks,
            ranked,
            breaks: layer.breaks(),
        }
    }

    /// Regional rank of one area.
    pub fn rank(&self, area: usize) -> Option<u32> {
        self.ranks
            .as_ref()
            .and_then(|r| r.get(area).copied().flatten())
    }
}
