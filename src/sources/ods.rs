//! NHS Organisation Data Service files: GP practices (`epraccur`) and branch surgeries (`ebranchs`).
//! Both are headerless; column positions follow the ODS specification.

use super::{csv_error, Result, SourceError};
use std::path::Path;

/// A date as ODS writes it (YYYYMMDD), kept as a number so comparisons are plain integer ones.
pub type OdsDate = u32;

/// One row of `epraccur`.
#[derive(Debug, Clone, PartialEq)]
pub struct Practice {
    pub code: String,
    pub name: String,
    pub postcode: String,
    pub open: Option<OdsDate>,
    pub close: Option<OdsDate>,
    /// A active, C closed, D dormant, P proposed.
    pub status: String,
    /// Commissioner (sub-ICB location), e.g. 11M for Gloucestershire.
    pub commissioner: String,
    /// 4 = GP practice; other values are prisons, walk-in centres, out-of-hours services...
    pub prescribing_setting: Option<u8>,
}

/// One row of `ebranchs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub code: String,
    pub name: String,
    pub postcode: String,
    pub open: Option<OdsDate>,
    pub close: Option<OdsDate>,
    pub parent: String,
}

impl Practice {
    /// Whether the practice was open on `date` by its own open/close dates.
    pub fn open_on(&self, date: OdsDate) -> bool {
        self.open.is_some_and(|o| o <= date) && self.close.is_none_or(|c| c >= date)
    }
}

impl Branch {
    pub fn open_on(&self, date: OdsDate) -> bool {
        self.open.is_some_and(|o| o <= date) && self.close.is_none_or(|c| c >= date)
    }
}

fn read_rows(
    path: &Path,
    min_fields: usize,
    mut each: impl FnMut(u64, &csv::StringRecord) -> Result<()>,
) -> Result<usize> {
    let file = std::fs::File::open(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(file);
    let mut record = csv::StringRecord::new();
    let mut n = 0;
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() < min_fields {
            return Err(SourceError::Row {
                path: path.to_path_buf(),
                row,
                message: format!(
                    "has {} fields; the ODS layout has at least {min_fields} (truncated file?)",
                    record.len()
                ),
            });
        }
        each(row, &record)?;
        n += 1;
    }
    if n == 0 {
        return Err(SourceError::Format {
            path: path.to_path_buf(),
            message: "no rows".into(),
        });
    }
    Ok(n)
}

fn date(path: &Path, row: u64, field: &str, raw: &str) -> Result<Option<OdsDate>> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(d)
            if (1900_01_01..=2100_12_31).contains(&d)
                && (1..=12).contains(&(d / 100 % 100))
                && (1..=31).contains(&(d % 100)) =>
        {
            Ok(Some(d))
        }
        _ => Err(SourceError::Field {
            path: path.to_path_buf(),
            row,
            field: field.into(),
            value: raw.into(),
            expected: "a date YYYYMMDD",
        }),
    }
}

/// Read `epraccur.csv`: col 1 code, 2 name, 10 postcode, 11 open date, 12 close date, 13 status,
/// 15 commissioner, 26 prescribing setting.
pub fn read_epraccur(path: &Path) -> Result<Vec<Practice>> {
    let mut out = Vec::new();
    read_rows(path, 26, |row, r| {
        let setting_raw = r[25].trim();
        let prescribing_setting = if setting_raw.is_empty() {
            None
        } else {
            Some(setting_raw.parse::<u8>().map_err(|_| SourceError::Field {
                path: path.to_path_buf(),
                row,
                field: "prescribing setting (column 26)".into(),
                value: setting_raw.into(),
                expected: "a setting number",
            })?)
        };
        out.push(Practice {
            code: r[0].trim().to_string(),
            name: r[1].trim().to_string(),
            postcode: r[9].trim().to_string(),
            open: date(path, row, "open date (column 11)", &r[10])?,
            close: date(path, row, "close date (column 12)", &r[11])?,
            status: r[12].trim().to_string(),
            commissioner: r[14].trim().to_string(),
            prescribing_setting,
        });
        Ok(())
    })?;
    Ok(out)
}

/// Read `ebranchs.csv`: col 1 code, 2 name, 10 postcode, 11 open date, 12 close date, 15 parent.
pub fn read_ebranchs(path: &Path) -> Result<Vec<Branch>> {
    let mut out = Vec::new();
    read_rows(path, 15, |row, r| {
        out.push(Branch {
            code: r[0].trim().to_string(),
            name: r[1].trim().to_string(),
            postcode: r[9].trim().to_string(),
            open: date(path, row, "open date (column 11)", &r[10])?,
            close: date(path, row, "close date (column 12)", &r[11])?,
            parent: r[14].trim().to_string(),
        });
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_practice_and_names_a_bad_date() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("epraccur.csv");
        std::fs::write(&p, "\"L84003\",\"PARK\",\"Y58\",\"QR1\",\"\",\"\",\"\",\"\",\"\",\"GL50 3EG\",\"19740401\",\"\",\"A\",\"B\",\"11M\",\"\",\"\",\"\",\"\",\"\",\"\",\"0\",\"\",\"11M\",\"\",\"4\",\"\"\n").unwrap();
        let v = read_epraccur(&p).unwrap();
        assert_eq!(v[0].prescribing_setting, Some(4));
        assert!(v[0].open_on(2019_01_01) && !v[0].open_on(1970_01_01));
        std::fs::write(&p, "\"L84003\",\"PARK\",\"Y58\",\"QR1\",\"\",\"\",\"\",\"\",\"\",\"GL50 3EG\",\"1974-04-01\",\"\",\"A\",\"B\",\"11M\",\"\",\"\",\"\",\"\",\"\",\"\",\"0\",\"\",\"11M\",\"\",\"4\",\"\"\n").unwrap();
        let e = read_epraccur(&p).unwrap_err().to_string();
        assert!(e.contains("row 1") && e.contains("open date"), "{e}");
        std::fs::write(&p, "\"L84003\",\"PARK\"\n").unwrap();
        assert!(read_epraccur(&p)
            .unwrap_err()
            .to_string()
            .contains("truncated"));
    }
}
