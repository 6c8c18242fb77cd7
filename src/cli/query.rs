//! `needsmap query`: areas matching a filter, sorted and limited, in any format.

use super::args::{Global, QueryArgs};
use super::output::write_areas;
use super::UsageError;
use anyhow::Result;
use needsmap::query::QueryError;
use needsmap::selection::AreaQuery;
use std::io::Write;

pub fn run(g: &Global, args: &QueryArgs, out: &mut dyn Write) -> Result<()> {
    let atlas = g.load()?;
    let filter = args.filter.as_deref();
    let q = AreaQuery::parse(&atlas, filter, args.sort.as_deref(), args.limit).map_err(|e| {
        let caret = filter.map(|f| pointer(f, e.column())).unwrap_or_default();
        // A layer of another vintage, or one this atlas lacks: say so and list what exists.
        let why = match &e {
            QueryError::UnknownField { field, .. } => atlas
                .layers
                .why_missing(field)
                .map(|w| format!("\n{w}"))
                .unwrap_or_default(),
            _ => String::new(),
        };
        UsageError(format!("{e}{caret}{why}"))
    })?;
    let sel = q.run(&atlas);
    // The table shows the fields the user filtered or sorted on besides the headline ones.
    let mut extra: Vec<&str> = q.filter.as_ref().map(|f| f.fields()).unwrap_or_default();
    if let Some(k) = &q.sort {
        extra.push(&k.field);
    }
    write_areas(out, &atlas, &sel, args.format, &extra)
}

/// A caret under the column where a filter went wrong (1-based `column`).
fn pointer(filter: &str, column: Option<usize>) -> String {
    match column {
        Some(c) if c >= 1 && filter.chars().count() < 200 => {
            format!("\n  {filter}\n  {}^", " ".repeat(c - 1))
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::pointer;

    #[test]
    fn the_caret_sits_under_the_column() {
        assert_eq!(pointer("a <= ", Some(4)), "\n  a <= \n     ^");
        assert_eq!(pointer("a", None), "");
        assert_eq!(pointer("a", Some(0)), "");
        assert_eq!(
            pointer(&"x".repeat(300), Some(2)),
            "",
            "no wall of text for a long filter"
        );
    }
}
