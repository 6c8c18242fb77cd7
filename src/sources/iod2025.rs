//! English Indices of Deprivation 2025 on LSOA 2021 geography.
//!
//! The mirror holds humaniverse/IMD's extracts of the official File 7 (IMD and the seven domains),
//! the sub-domains and File 8 (underlying indicators), one row per LSOA 2021 keyed `lsoa21_code`.
//! The IDACI 2025 rate, rank and decile and the 2025 population denominators are only in the
//! official File 7, which is not mirrored: nothing here fills them with anything else.

use super::iod::DomainValues;
use super::{csv_error, open_csv, parse_number, Columns, Result, SourceError};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// The seven IoD2025 domains: the layer id prefix (the same as for IoD2019, so a layer means the
/// same thing under both vintages), the official title, and the column stem in the extract.
pub const DOMAINS_2025: [(&str, &str, &str); 7] = [
    ("income", "Income", "Income"),
    ("employment", "Employment", "Employment"),
    ("education", "Education, Skills and Training", "Education"),
    ("health", "Health Deprivation and Disability", "Health"),
    ("crime", "Crime", "Crime"),
    (
        "barriers",
        "Barriers to Housing and Services",
        "Housing_and_Services",
    ),
    ("living_env", "Living Environment", "Environment"),
];

/// The six IoD2025 sub-domains: layer id prefix, official title, column stem.
pub const SUBDOMAINS_2025: [(&str, &str, &str); 6] = [
    (
        "cyp",
        "Children and Young People sub-domain",
        "children_and_young_people",
    ),
    ("adult_skills", "Adult Skills sub-domain", "adult_skills"),
    (
        "geo_barriers",
        "Geographical Barriers sub-domain",
        "geographical_barriers",
    ),
    (
        "wider_barriers",
        "Wider Barriers sub-domain",
        "wider_barriers",
    ),
    ("indoors", "Indoors sub-domain", "indoors"),
    ("outdoors", "Outdoors sub-domain", "outdoors"),
];

/// One LSOA 2021 row of the IMD 2025 table.
#[derive(Debug, Clone, PartialEq)]
pub struct Iod2025Row {
    pub code: String,
    pub imd: DomainValues,
    /// In [`DOMAINS_2025`] order.
    pub domains: [DomainValues; 7],
}

/// One LSOA 2021 row of the sub-domain table, in [`SUBDOMAINS_2025`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Subdomains2025 {
    pub code: String,
    pub values: [DomainValues; 6],
}

/// The File 8 indicators needsmap uses. Blank cells (suppressed small numbers) stay `None`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Indicators2025 {
    /// Children aged 0-15 in income-deprived families: the IDACI numerator, a count (rounded and
    /// suppressed as published), not a rate.
    pub idaci_numerator: Option<f64>,
    /// Patients registered per full-time-equivalent GP (an official GP-capacity indicator).
    pub patient_to_gp_ratio: Option<f64>,
}

/// A reader over one CSV record that turns every bad cell into an error naming file, row and field.
struct Cells<'a> {
    path: &'a Path,
    row: u64,
    record: &'a csv::StringRecord,
    headers: &'a csv::StringRecord,
}

impl Cells<'_> {
    fn field_err(&self, i: usize, expected: &'static str) -> SourceError {
        SourceError::Field {
            path: self.path.to_path_buf(),
            row: self.row,
            field: self
                .headers
                .get(i)
                .unwrap_or("?")
                .trim_start_matches('\u{feff}')
                .to_string(),
            value: self.record.get(i).unwrap_or("").to_string(),
            expected,
        }
    }
    fn optional(&self, i: usize, expected: &'static str) -> Result<Option<f64>> {
        parse_number(self.record.get(i).unwrap_or("")).map_err(|()| self.field_err(i, expected))
    }
    fn number(&self, i: usize, expected: &'static str) -> Result<f64> {
        self.optional(i, expected)?
            .ok_or_else(|| self.field_err(i, expected))
    }
    fn triple(&self, (s, r, d): (usize, usize, usize)) -> Result<DomainValues> {
        let rank = self.number(r, "a rank (whole number >= 1)")?;
        if rank < 1.0 || rank.fract() != 0.0 {
            return Err(self.field_err(r, "a rank (whole number >= 1)"));
        }
        let decile = self.number(d, "a decile (1..10)")?;
        if !(1.0..=10.0).contains(&decile) || decile.fract() != 0.0 {
            return Err(self.field_err(d, "a decile (1..10)"));
        }
        Ok(DomainValues {
            score: self.number(s, "a score")?,
            rank: rank as u32,
            decile: decile as u8,
        })
    }
    fn code(&self, i: usize) -> Result<String> {
        let code = self.record.get(i).unwrap_or("").trim();
        if code.is_empty() {
            return Err(SourceError::Row {
                path: self.path.to_path_buf(),
                row: self.row,
                message: "empty LSOA 2021 code".into(),
            });
        }
        Ok(code.to_string())
    }
}

/// A slot of a fixed-size array before its cell is read (every slot is overwritten).
const UNSET: DomainValues = DomainValues {
    score: 0.0,
    rank: 1,
    decile: 1,
};

/// Score, rank and decile columns of `stem` (`IMD_score`, `IMD_rank`, `IMD_decile`).
fn triple_columns(cols: &Columns, stem: &str) -> Result<(usize, usize, usize)> {
    Ok((
        cols.index(&format!("{stem}_score"))?,
        cols.index(&format!("{stem}_rank"))?,
        cols.index(&format!("{stem}_decile"))?,
    ))
}

/// Read a table keyed by `lsoa21_code` in one pass: `columns` finds the indices it needs from the
/// header, then `visit` sees each record whose code is `wanted` (every record without `wanted`)
/// with its row number. An empty table is an error.
fn for_each_area<I>(
    path: &Path,
    wanted: Option<&HashSet<String>>,
    columns: impl FnOnce(&Columns) -> Result<I>,
    mut visit: impl FnMut(String, &I, &Cells) -> Result<()>,
) -> Result<usize> {
    let (mut reader, cols) = open_csv(path)?;
    let code_i = cols.index("lsoa21_code")?;
    let idx = columns(&cols)?;
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let mut record = csv::StringRecord::new();
    let mut n = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        n += 1;
        let cells = Cells {
            path,
            row: record.position().map(|p| p.line()).unwrap_or(0),
            record: &record,
            headers: &headers,
        };
        let code = cells.code(code_i)?;
        if wanted.is_none_or(|w| w.contains(&code)) {
            visit(code, &idx, &cells)?;
        }
    }
    if n == 0 {
        return Err(SourceError::Format {
            path: path.to_path_buf(),
            message: "no data rows".into(),
        });
    }
    Ok(n)
}

/// Read the IMD 2025 table (every row, file order). `wanted` keeps a region's codes only.
pub fn read_imd2025(path: &Path, wanted: Option<&HashSet<String>>) -> Result<Vec<Iod2025Row>> {
    let mut rows = Vec::with_capacity(34_000);
    for_each_area(
        path,
        wanted,
        |cols| {
            let imd = triple_columns(cols, "IMD")?;
            let domains = DOMAINS_2025
                .iter()
                .map(|(_, _, stem)| triple_columns(cols, stem))
                .collect::<Result<Vec<_>>>()?;
            Ok((imd, domains))
        },
        |code, (imd_i, dom_i), c| {
            let mut domains = [UNSET; 7];
            for (slot, &idx) in domains.iter_mut().zip(dom_i) {
                *slot = c.triple(idx)?;
            }
            rows.push(Iod2025Row {
                code,
                imd: c.triple(*imd_i)?,
                domains,
            });
            Ok(())
        },
    )?;
    Ok(rows)
}

/// Read the sub-domain table, keyed by LSOA 2021 code.
pub fn read_subdomains2025(
    path: &Path,
    wanted: Option<&HashSet<String>>,
) -> Result<HashMap<String, Subdomains2025>> {
    let mut out = HashMap::new();
    for_each_area(
        path,
        wanted,
        |cols| {
            SUBDOMAINS_2025
                .iter()
                .map(|(_, _, stem)| triple_columns(cols, stem))
                .collect::<Result<Vec<_>>>()
        },
        |code, idx, c| {
            let mut values = [UNSET; 6];
            for (slot, &i) in values.iter_mut().zip(idx) {
                *slot = c.triple(i)?;
            }
            out.insert(code.clone(), Subdomains2025 { code, values });
            Ok(())
        },
    )?;
    Ok(out)
}

/// Read the File 8 indicators needsmap uses, keyed by LSOA 2021 code.
pub fn read_indicators2025(
    path: &Path,
    wanted: Option<&HashSet<String>>,
) -> Result<HashMap<String, Indicators2025>> {
    let mut out = HashMap::new();
    for_each_area(
        path,
        wanted,
        |cols| {
            Ok((
                cols.index("income_deprivation_affecting_children_index_idaci_numerator")?,
                cols.index("patient_to_gp_ratio")?,
            ))
        },
        |code, &(idaci_i, gp_i), c| {
            let idaci_numerator = c.optional(idaci_i, "a count of children or blank")?;
            if idaci_numerator.is_some_and(|x| x < 0.0) {
                return Err(c.field_err(idaci_i, "a count of children or blank"));
            }
            out.insert(
                code,
                Indicators2025 {
                    idaci_numerator,
                    patient_to_gp_ratio: c.optional(gp_i, "a ratio or blank")?,
                },
            );
            Ok(())
        },
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> String {
        let mut h = vec!["lsoa21_code".to_string()];
        for stem in std::iter::once("IMD").chain(DOMAINS_2025.iter().map(|d| d.2)) {
            for kind in ["score", "rank", "decile"] {
                h.push(format!("{stem}_{kind}"));
            }
        }
        h.join(",")
    }

    fn row(code: &str, rank: &str) -> String {
        let mut r = vec![code.to_string()];
        for _ in 0..8 {
            r.extend([String::from("12.5"), rank.to_string(), String::from("3")]);
        }
        r.join(",")
    }

    #[test]
    fn reads_rows_and_names_bad_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("imd.csv");
        std::fs::write(
            &p,
            format!(
                "{}\n{}\n{}\n",
                header(),
                row("E01000001", "7000"),
                row("E01000002", "70")
            ),
        )
        .unwrap();
        let rows = read_imd2025(&p, None).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].imd.rank, 7000);
        assert_eq!(rows[1].domains[5].decile, 3);
        let only: HashSet<String> = ["E01000002".to_string()].into();
        assert_eq!(read_imd2025(&p, Some(&only)).unwrap().len(), 1);

        std::fs::write(
            &p,
            format!(
                "{}\n{}\n{}\n",
                header(),
                row("E01000001", "7000"),
                row("E01000002", "x")
            ),
        )
        .unwrap();
        let err = read_imd2025(&p, None).unwrap_err().to_string();
        assert!(
            err.contains("row 3") && err.contains("_rank'") && err.contains("\"x\""),
            "{err}"
        );
        std::fs::write(&p, "lsoa21_code,IMD_score\nE01000001,1\n").unwrap();
        let err = read_imd2025(&p, None).unwrap_err().to_string();
        assert!(err.contains("missing column 'IMD_rank'"), "{err}");
        // A truncated last row is reported with its row number.
        std::fs::write(
            &p,
            format!(
                "{}\n{}\nE01000003,1.0\n",
                header(),
                row("E01000001", "7000")
            ),
        )
        .unwrap();
        let err = read_imd2025(&p, None).unwrap_err().to_string();
        assert!(err.contains("row 3") || err.contains("fields"), "{err}");
    }

    #[test]
    fn indicators_keep_blanks_as_missing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ind.csv");
        std::fs::write(&p, "lsoa21_code,income_deprivation_affecting_children_index_idaci_numerator,patient_to_gp_ratio\nE01000001,,1385.9\nE01000002,35,\n").unwrap();
        let m = read_indicators2025(&p, None).unwrap();
        assert_eq!(
            m["E01000001"],
            Indicators2025 {
                idaci_numerator: None,
                patient_to_gp_ratio: Some(1385.9)
            }
        );
        assert_eq!(m["E01000002"].idaci_numerator, Some(35.0));
        std::fs::write(&p, "lsoa21_code,income_deprivation_affecting_children_index_idaci_numerator,patient_to_gp_ratio\nE01000001,-5,1\n").unwrap();
        assert!(read_indicators2025(&p, None)
            .unwrap_err()
            .to_string()
            .contains("row 2"));
    }
}
