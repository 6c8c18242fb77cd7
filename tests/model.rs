//! The typed answers on the real atlas: they read figures derived once at load, and say the
//! same thing in JSON, CSV and tables.

mod common;
use common::*;
use needsmap::model::stats::LayerFigures;
use needsmap::model::{AreaList, AreaProfile, LayerList, LayerStats};
use needsmap::selection::AreaQuery;

#[test]
fn a_profile_reads_the_ranks_derived_at_load_not_the_values() {
    let atlas = atlas();
    let (i, _) = atlas.area("E01022333").unwrap();
    let mut stats = LayerStats::of(atlas);
    let imd = |stats: &LayerStats| {
        AreaProfile::of(atlas, stats, i)
            .layers
            .into_iter()
            .find(|l| l.id == "imd_score")
            .unwrap()
    };
    assert_eq!(
        (imd(&stats).county_rank, imd(&stats).county_of),
        (Some(1), 373)
    );
    // Replace the derived ranks: the profile follows them, so no request ranks anything again.
    let mut doctored = stats.get("imd_score").unwrap().clone();
    doctored.ranks.as_mut().unwrap()[i] = Some(200);
    stats.set("imd_score", doctored);
    let l = imd(&stats);
    assert_eq!((l.county_rank, l.county_decile), (Some(200), Some(6)));
    stats.set("imd_score", LayerFigures::default());
    assert_eq!(imd(&stats).county_rank, None);
}

#[test]
fn layer_breaks_come_from_the_derived_figures() {
    let atlas = atlas();
    let stats = LayerStats::of(atlas);
    let list = LayerList::of(atlas, &stats);
    for l in list.layers.iter().filter(|l| l.kind == "number") {
        let layer = atlas.layers.get(l.id).unwrap();
        let (min, max, breaks) = layer.breaks().unwrap();
        assert_eq!(
            (l.min, l.max, l.breaks),
            (
                Some(needsmap::report::round3(min)),
                Some(needsmap::report::round3(max)),
                Some(breaks.as_slice())
            ),
            "{}",
            l.id
        );
    }
}

#[test]
fn the_table_shows_the_rows_the_json_has() {
    let atlas = atlas();
    let sel = AreaQuery::parse(atlas, Some("imd_decile <= 1"), Some("imd_rank"), Some(5))
        .unwrap()
        .run(atlas);
    let list = AreaList::of(atlas, &sel);
    let table = needsmap::report::table::areas(&list, &["gp_walk_min"]);
    let json: serde_json::Value = serde_json::to_value(list).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].split_whitespace().any(|c| c == "gp_walk_min"),
        "an extra column the user asked for"
    );
    for (line, row) in lines[2..].iter().zip(json["areas"].as_array().unwrap()) {
        assert!(line.starts_with(row["code"].as_str().unwrap()));
        let rank = row["imd_rank"].to_string();
        assert!(line.split_whitespace().any(|c| c == rank), "{line}");
    }
    assert!(table.contains(&format!("{} of 373 areas match (5 shown)", sel.count)));
}
