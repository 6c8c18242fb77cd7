//! Numbers and cells as every answer writes them.

use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::RefOr;

/// Round for output: the official files publish three decimals; more would be false precision.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A published figure: whole numbers (ranks, deciles, counts) are written as integers, others to
/// three decimals, so `imd_decile` reads `1`, not `1.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure(pub f64);

impl Figure {
    pub fn is_whole(self) -> bool {
        self.0.fract() == 0.0 && self.0.abs() < 9.0e15
    }
}

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_whole() {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(round3(self.0))
        }
    }
}

impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_whole() {
            write!(f, "{:.0}", self.0)
        } else {
            write!(f, "{:.3}", round3(self.0))
        }
    }
}

impl utoipa::PartialSchema for Figure {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .description(Some("Whole numbers as integers, others to 3 decimals"))
            .into()
    }
}
impl utoipa::ToSchema for Figure {}

/// One layer's value for one area: a figure or a text. Missing values are `Option::None`
/// around a cell (JSON `null`, an empty CSV field), never 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell<'a> {
    Figure(Figure),
    Text(&'a str),
}

impl std::fmt::Display for Cell<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Figure(x) => x.fmt(f),
            Cell::Text(t) => f.write_str(t),
        }
    }
}

impl utoipa::PartialSchema for Cell<'_> {
    fn schema() -> RefOr<Schema> {
        let types: SchemaType = [Type::Number, Type::String, Type::Null]
            .into_iter()
            .collect();
        ObjectBuilder::new()
            .schema_type(types)
            .description(Some("A figure, a text, or null when missing"))
            .into()
    }
}
impl utoipa::ToSchema for Cell<'_> {}

/// Coordinates to six decimals (about 10 cm): enough for a centroid, no noise.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_figures_are_integers_and_others_three_decimals() {
        assert_eq!(serde_json::to_string(&Figure(1.0)).unwrap(), "1");
        assert_eq!(serde_json::to_string(&Figure(-0.0)).unwrap(), "0");
        assert_eq!(serde_json::to_string(&Figure(12.34567)).unwrap(), "12.346");
        assert_eq!(Figure(3.5).to_string(), "3.500");
        assert_eq!(
            serde_json::to_string(&Some(Cell::Text("a"))).unwrap(),
            "\"a\""
        );
        assert_eq!(serde_json::to_string(&None::<Cell>).unwrap(), "null");
    }
}
