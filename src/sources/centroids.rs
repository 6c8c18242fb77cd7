//! ONS LSOA 2011 population-weighted centroids.

use super::{csv_error, open_csv, parse_number, Result, SourceError};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// Read centroids as code → (lon, lat). The ONS file calls longitude `X` and latitude `Y`.
pub fn read_centroids(
    path: &Path,
    wanted: Option<&HashSet<String>>,
) -> Result<HashMap<String, (f64, f64)>> {
    let (mut reader, cols) = open_csv(path)?;
    let (x_i, y_i, code_i) = (cols.index("X")?, cols.index("Y")?, cols.index("lsoa11cd")?);
    let mut out = HashMap::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        let code = record.get(code_i).unwrap_or("").trim();
        if wanted.is_some_and(|w| !w.contains(code)) {
            continue;
        }
        let coord = |i: usize, field: &str, range: std::ops::RangeInclusive<f64>| -> Result<f64> {
            let raw = record.get(i).unwrap_or("");
            match parse_number(raw) {
                Ok(Some(v)) if range.contains(&v) => Ok(v),
                _ => Err(SourceError::Field {
                    path: path.to_path_buf(),
                    row,
                    field: field.into(),
                    value: raw.into(),
                    expected: "a WGS84 coordinate in degrees",
                }),
            }
        };
        let lon = coord(x_i, "X", -180.0..=180.0)?;
        let lat = coord(y_i, "Y", -90.0..=90.0)?;
        out.insert(code.to_string(), (lon, lat));
    }
    Ok(out)
}
