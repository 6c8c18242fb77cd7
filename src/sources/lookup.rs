//! The LSOA 2011 → LSOA 2021 correspondence: how figures on one geography reach the other.
//!
//! The mirror's table is derived by polygon overlay (ONS's exact-fit lookup could not be
//! retrieved); it has the same shape as the official one: one row per (2011, 2021) pair with a
//! change indicator. Shares are of generalised polygon area, not of population.

use super::{csv_error, open_csv, parse_number, Result, SourceError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// ONS's change indicator between the 2011 and 2021 LSOAs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupChange {
    /// U: the same area under the same code.
    Unchanged,
    /// S: one 2011 area split into two or more 2021 areas.
    Split,
    /// M: two or more 2011 areas merged into one 2021 area.
    Merge,
    /// X: redrawn boundaries (neither a clean split nor a clean merge).
    Complex,
}

impl LookupChange {
    /// The ONS letter code.
    pub fn letter(self) -> char {
        match self {
            LookupChange::Unchanged => 'U',
            LookupChange::Split => 'S',
            LookupChange::Merge => 'M',
            LookupChange::Complex => 'X',
        }
    }

    pub fn from_letter(s: &str) -> Option<LookupChange> {
        match s.trim() {
            "U" | "u" => Some(LookupChange::Unchanged),
            "S" | "s" => Some(LookupChange::Split),
            "M" | "m" => Some(LookupChange::Merge),
            "X" | "x" => Some(LookupChange::Complex),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LookupChange::Unchanged => "unchanged",
            LookupChange::Split => "split",
            LookupChange::Merge => "merge",
            LookupChange::Complex => "complex",
        }
    }
}

/// One (LSOA 2011, LSOA 2021) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LookupRow {
    pub lsoa11: String,
    pub lsoa11_name: String,
    pub lsoa21: String,
    pub lsoa21_name: String,
    /// Local authority district of the 2011 area (2019 codes).
    pub lad19: String,
    /// Local authority district today.
    pub lad_current: String,
    pub change: LookupChange,
    /// Share of the 2011 area's (generalised) area that lies in the 2021 area, 0..1.
    pub share_of_11: f64,
    /// Share of the 2021 area's (generalised) area that lies in the 2011 area, 0..1.
    pub share_of_21: f64,
}

/// Read the correspondence (file order). Every row must have both codes, a known change letter
/// and shares in 0..1; anything else is an error naming the row and field.
pub fn read_lsoa11_to_lsoa21(path: &Path) -> Result<Vec<LookupRow>> {
    let (mut reader, cols) = open_csv(path)?;
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let i11 = cols.index("LSOA11CD")?;
    let n11 = cols.index("LSOA11NM")?;
    let i21 = cols.index("LSOA21CD")?;
    let n21 = cols.index("LSOA21NM")?;
    let lad19 = cols.index("LAD19CD")?;
    let lad_now = cols.index("LAD_CD_current")?;
    let chg = cols.index("CHGIND_derived")?;
    let s11 = cols.index("share_of_11")?;
    let s21 = cols.index("share_of_21")?;
    let mut out = Vec::with_capacity(400);
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        let bad = |i: usize, expected: &'static str| SourceError::Field {
            path: path.to_path_buf(),
            row,
            field: headers
                .get(i)
                .unwrap_or("?")
                .trim_start_matches('\u{feff}')
                .to_string(),
            value: record.get(i).unwrap_or("").to_string(),
            expected,
        };
        let text = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        let code = |i: usize| -> Result<String> {
            let c = text(i);
            if c.len() == 9 && c.is_ascii() && c.starts_with(['E', 'W']) {
                Ok(c)
            } else {
                Err(bad(i, "an LSOA code such as E01022100"))
            }
        };
        let share = |i: usize| -> Result<f64> {
            match parse_number(record.get(i).unwrap_or("")) {
                Ok(Some(x)) if (0.0..=1.0 + 1e-9).contains(&x) => Ok(x),
                _ => Err(bad(i, "a share between 0 and 1")),
            }
        };
        out.push(LookupRow {
            lsoa11: code(i11)?,
            lsoa11_name: text(n11),
            lsoa21: code(i21)?,
            lsoa21_name: text(n21),
            lad19: text(lad19),
            lad_current: text(lad_now),
            change: LookupChange::from_letter(record.get(chg).unwrap_or(""))
                .ok_or_else(|| bad(chg, "a change indicator U, S, M or X"))?,
            share_of_11: share(s11)?,
            share_of_21: share(s21)?,
        });
    }
    if out.is_empty() {
        return Err(SourceError::Format {
            path: path.to_path_buf(),
            message: "no data rows".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,LAD19CD,LAD_CD_current,CHGIND_derived,share_of_11,share_of_21\n";

    #[test]
    fn reads_pairs_and_refuses_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("lk.csv");
        std::fs::write(&p, format!("{HEAD}E01022100,Cheltenham 008A,E01022100,Cheltenham 008A,E07000078,E07000078,U,0.9998,0.9997\nE01022103,Cheltenham 012A,E01034779,Cheltenham 012H,E07000078,E07000078,S,0.4996,0.9959\n")).unwrap();
        let rows = read_lsoa11_to_lsoa21(&p).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].change, LookupChange::Split);
        assert_eq!(rows[1].lsoa21, "E01034779");
        assert!((rows[1].share_of_11 - 0.4996).abs() < 1e-12);

        std::fs::write(
            &p,
            format!("{HEAD}E01022100,a,E01022100,a,E07000078,E07000078,Q,1,1\n"),
        )
        .unwrap();
        let err = read_lsoa11_to_lsoa21(&p).unwrap_err().to_string();
        assert!(
            err.contains("row 2") && err.contains("CHGIND_derived"),
            "{err}"
        );
        std::fs::write(
            &p,
            format!("{HEAD}E01022100,a,E01022100,a,E07000078,E07000078,U,1.7,1\n"),
        )
        .unwrap();
        assert!(read_lsoa11_to_lsoa21(&p)
            .unwrap_err()
            .to_string()
            .contains("share_of_11"));
        std::fs::write(
            &p,
            format!("{HEAD}E0102,a,E01022100,a,E07000078,E07000078,U,1,1\n"),
        )
        .unwrap();
        assert!(read_lsoa11_to_lsoa21(&p)
            .unwrap_err()
            .to_string()
            .contains("LSOA11CD"));
        std::fs::write(&p, HEAD).unwrap();
        assert!(read_lsoa11_to_lsoa21(&p)
            .unwrap_err()
            .to_string()
            .contains("no data rows"));
    }

    #[test]
    fn letters_round_trip() {
        for c in [
            LookupChange::Unchanged,
            LookupChange::Split,
            LookupChange::Merge,
            LookupChange::Complex,
        ] {
            assert_eq!(LookupChange::from_letter(&c.letter().to_string()), Some(c));
        }
    }
}
