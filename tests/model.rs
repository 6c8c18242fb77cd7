//! The typed answers on the real atlas: they read figures derived once at load, and say the
//! same thing in JSON, CSV and tables.

mod common;
use common::*;
use needsmap::model::{AreaList, AreaProfile, LayerList};
use needsmap::selection::AreaQuery;

#[test]
fn a_profile_gives_each_layer_its_regional_position_from_the_derived_ranks() {
    let atlas = atlas();
    let (i, _) = atlas.area("E01022333").unwrap();
    let profile = AreaProfile::of(atlas, i);
    for l in &profile.layers {
        let layer = atlas.layers.get(l.id).unwrap();
        let ranks = layer.regional_ranks();
        assert_eq!(l.county_rank, ranks.and_then(|r| r.rank(i)), "{}", l.id);
        assert_eq!(l.county_decile, ranks.and_then(|r| r.decile(i)), "{}", l.id);
        assert_eq!(
            l.county_of,
            ranks.map(|r| r.ranked()).unwrap_or(0),
            "{}",
            l.id
        );
    }
    // Oracle: the county's most deprived LSOA by IMD score (national rank 621).
    let imd = profile.layers.iter().find(|l| l.id == "imd_score").unwrap();
    assert_eq!(
        (imd.county_rank, imd.county_decile, imd.county_of),
        (Some(1), Some(1), 373)
    );
}

#[test]
fn layer_breaks_come_from_the_derived_figures() {
    let atlas = atlas();
    let list = LayerList::of(atlas);
    for l in list.layers.iter().filter(|l| l.kind == "number") {
        let b = atlas.layers.get(l.id).unwrap().breaks().unwrap();
        let want = (
            Some(needsmap::report::round3(b.min)),
            Some(needsmap::report::round3(b.max)),
            Some(b.breaks.as_slice()),
        );
        assert_eq!((l.min, l.max, l.breaks), want, "{}", l.id);
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

#[test]
fn regional_ranks_agree_with_an_independent_sort_of_the_scores() {
    let atlas = atlas();
    let layer = atlas.layers.get("imd_score").unwrap();
    // Oracle: sort the region's scores, most deprived first (these three have unique scores).
    let mut scores: Vec<f64> = (0..atlas.areas.len())
        .filter_map(|i| layer.number(i))
        .collect();
    scores.sort_by(|a, b| b.partial_cmp(a).unwrap());
    for code in ["E01022333", "E01022140", "E01022400"] {
        let (i, _) = atlas.area(code).unwrap();
        let score = layer.number(i).unwrap();
        let want = scores.iter().position(|&s| s == score).unwrap() as u32 + 1;
        let l = AreaProfile::of(atlas, i)
            .layers
            .into_iter()
            .find(|l| l.id == "imd_score")
            .unwrap();
        assert_eq!(
            (l.county_rank, l.county_of),
            (Some(want), scores.len()),
            "{code}"
        );
        assert_eq!(
            l.county_decile,
            Some(((want as usize * 10).div_ceil(scores.len())) as u8),
            "{code}"
        );
    }
}
