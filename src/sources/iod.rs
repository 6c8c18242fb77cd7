//! English Indices of Deprivation 2019, in the official File 7 column layout.

use super::{csv_error, open_csv, parse_number, Result, SourceError};
use std::path::Path;

/// The seven IoD2019 domains, in File 7 order, with the id prefix needsmap uses for their layers.
pub const DOMAINS: [(&str, &str, &str); 7] = [
    ("income", "Income", "Income Score (rate)"),
    ("employment", "Employment", "Employment Score (rate)"),
    (
        "education",
        "Education, Skills and Training",
        "Education, Skills and Training Score",
    ),
    (
        "health",
        "Health Deprivation and Disability",
        "Health Deprivation and Disability Score",
    ),
    ("crime", "Crime", "Crime Score"),
    (
        "barriers",
        "Barriers to Housing and Services",
        "Barriers to Housing and Services Score",
    ),
    (
        "living_env",
        "Living Environment",
        "Living Environment Score",
    ),
];

/// A domain's score, national rank and decile as published.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DomainValues {
    pub score: f64,
    pub rank: u32,
    pub decile: u8,
}

/// One LSOA row of File 7.
#[derive(Debug, Clone, PartialEq)]
pub struct IodRow {
    pub code: String,
    pub name: String,
    pub lad_code: String,
    pub lad_name: String,
    pub imd: DomainValues,
    /// In [`DOMAINS`] order.
    pub domains: [DomainValues; 7],
    /// IDACI score (a rate: share of children in income-deprived families).
    pub idaci_score: f64,
    pub population: f64,
    pub children: f64,
    pub aged_16_59: f64,
    pub aged_60_plus: f64,
}

fn rank_header(prefix: &str) -> String {
    format!("{prefix} Rank (where 1 is most deprived)")
}
fn decile_header(prefix: &str) -> String {
    format!("{prefix} Decile (where 1 is most deprived 10% of LSOAs)")
}

/// Read every row of a File 7 CSV. Rows are returned in file order (that order breaks ties when
/// ranks are computed from scores).
pub fn read_file7(path: &Path) -> Result<Vec<IodRow>> {
    let (mut reader, cols) = open_csv(path)?;
    let code_i = cols.index("LSOA code (2011)")?;
    let name_i = cols.index("LSOA name (2011)")?;
    let lad_i = cols.index("Local Authority District code (2019)")?;
    let lad_name_i = cols.index("Local Authority District name (2019)")?;
    let triple = |prefix: &str, score_header: &str| -> Result<(usize, usize, usize)> {
        Ok((
            cols.index(score_header)?,
            cols.index(&rank_header(prefix))?,
            cols.index(&decile_header(prefix))?,
        ))
    };
    let imd_i = triple(
        "Index of Multiple Deprivation (IMD)",
        "Index of Multiple Deprivation (IMD) Score",
    )?;
    let mut dom_i = Vec::with_capacity(7);
    for (_, title, score_header) in DOMAINS {
        dom_i.push(triple(title, score_header)?);
    }
    let idaci_i = cols.index("Income Deprivation Affecting Children Index (IDACI) Score (rate)")?;
    let pop_i = cols.index("Total population: mid 2015 (excluding prisoners)")?;
    let child_i = cols.index("Dependent Children aged 0-15: mid 2015 (excluding prisoners)")?;
    let mid_i = cols.index("Population aged 16-59: mid 2015 (excluding prisoners)")?;
    let old_i = cols.index("Older population aged 60 and over: mid 2015 (excluding prisoners)")?;

    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let mut rows = Vec::with_capacity(33_000);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, e)),
        }
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        let text = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let num = |i: usize, expected: &'static str| -> Result<f64> {
            let raw = record.get(i).unwrap_or("");
            match parse_number(raw) {
                Ok(Some(v)) => Ok(v),
                _ => Err(SourceError::Field {
                    path: path.to_path_buf(),
                    row,
                    field: headers
                        .get(i)
                        .unwrap_or("?")
                        .trim_start_matches('\u{feff}')
                        .to_string(),
                    value: raw.to_string(),
                    expected,
                }),
            }
        };
        let domain = |(s, r, d): (usize, usize, usize)| -> Result<DomainValues> {
            let rank = num(r, "a rank (whole number >= 1)")?;
            let decile = num(d, "a decile (1..10)")?;
            if rank < 1.0 || rank.fract() != 0.0 {
                return Err(SourceError::Field {
                    path: path.to_path_buf(),
                    row,
                    field: headers.get(r).unwrap_or("?").to_string(),
                    value: record.get(r).unwrap_or("").to_string(),
                    expected: "a rank (whole number >= 1)",
                });
            }
            if !(1.0..=10.0).contains(&decile) || decile.fract() != 0.0 {
                return Err(SourceError::Field {
                    path: path.to_path_buf(),
                    row,
                    field: headers.get(d).unwrap_or("?").to_string(),
                    value: record.get(d).unwrap_or("").to_string(),
                    expected: "a decile (1..10)",
                });
            }
            Ok(DomainValues {
                score: num(s, "a score")?,
                rank: rank as u32,
                decile: decile as u8,
            })
        };
        let code = text(code_i);
        if code.is_empty() {
            return Err(SourceError::Row {
                path: path.to_path_buf(),
                row,
                message: "empty LSOA code".into(),
            });
        }
        let mut domains = [DomainValues {
            score: 0.0,
            rank: 1,
            decile: 1,
        }; 7];
        for (slot, idx) in domains.iter_mut().zip(dom_i.iter()) {
            *slot = domain(*idx)?;
        }
        rows.push(IodRow {
            code,
            name: text(name_i),
            lad_code: text(lad_i),
            lad_name: text(lad_name_i),
            imd: domain(imd_i)?,
            domains,
            idaci_score: num(idaci_i, "a rate")?,
            population: num(pop_i, "a population count")?,
            children: num(child_i, "a population count")?,
            aged_16_59: num(mid_i, "a population count")?,
            aged_60_plus: num(old_i, "a population count")?,
        });
    }
    if rows.is_empty() {
        return Err(SourceError::Format {
            path: path.to_path_buf(),
            message: "no data rows".into(),
        });
    }
    Ok(rows)
}

/// National ranks from scores: rank 1 = highest score, ties broken by file order (the rule the
/// IDACI columns of the mirrored File 7 follow). Deciles follow MHCLG's rule
/// `ceil(rank × 10 / n)`, which reproduces every official IMD decile from the official ranks.
pub fn rank_descending(scores: &[f64]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut ranks = vec![0u32; scores.len()];
    for (pos, &i) in order.iter().enumerate() {
        ranks[i] = pos as u32 + 1;
    }
    ranks
}

/// Decile of a rank among `n` (1 = the 10% with the lowest ranks, i.e. the most deprived).
pub fn decile_of_rank(rank: u32, n: usize) -> u8 {
    (((rank as u64) * 10).div_ceil(n as u64)).clamp(1, 10) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_highest_first_with_stable_ties() {
        assert_eq!(rank_descending(&[0.1, 0.5, 0.5, 0.2]), vec![4, 1, 2, 3]);
    }

    #[test]
    fn deciles_follow_the_mhclg_rule() {
        let n = 32_844;
        assert_eq!(decile_of_rank(1, n), 1);
        assert_eq!(decile_of_rank(3284, n), 1);
        assert_eq!(decile_of_rank(3285, n), 2);
        assert_eq!(decile_of_rank(32_844, n), 10);
        assert_eq!(decile_of_rank(37, 373), 1);
        assert_eq!(decile_of_rank(38, 373), 2);
    }

    #[test]
    fn truncated_file_names_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f7.csv");
        std::fs::write(&p, "LSOA code (2011),LSOA name (2011)\nE01,x\nE02\n").unwrap();
        let err = read_file7(&p).unwrap_err().to_string();
        assert!(err.contains("missing column"), "{err}");
    }
}
