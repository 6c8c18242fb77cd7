//! Official GP-access reference figures: the IoD2019 road-distance indicator (File 8) and DfT's
//! ACS0505 2013 travel times.

use super::{csv_error, open_csv, parse_number, Result, SourceError};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// IoD2019 File 8 "road distance to a GP surgery" (km) by LSOA; blank cells stay absent.
pub fn read_gp_road_distance(
    path: &Path,
    wanted: Option<&HashSet<String>>,
) -> Result<HashMap<String, f64>> {
    read_columns(
        path,
        "lsoa11_code",
        &["road_distance_to_a_gp_surgery_indicator_km"],
        wanted,
    )
    .map(|m| {
        m.into_iter()
            .filter_map(|(k, v)| v[0].map(|x| (k, x)))
            .collect()
    })
}

/// DfT ACS0505 (2013) minutes to the nearest GP: public transport/walk, cycle, car.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Acs0505 {
    pub pt_walk_min: Option<f64>,
    pub cycle_min: Option<f64>,
    pub car_min: Option<f64>,
}

pub fn read_acs0505(
    path: &Path,
    wanted: Option<&HashSet<String>>,
) -> Result<HashMap<String, Acs0505>> {
    let m = read_columns(
        path,
        "LSOA_code",
        &["acc_gp_PTtime", "acc_gp_cycletime", "acc_gp_cartime"],
        wanted,
    )?;
    Ok(m.into_iter()
        .map(|(k, v)| {
            (
                k,
                Acs0505 {
                    pt_walk_min: v[0],
                    cycle_min: v[1],
                    car_min: v[2],
                },
            )
        })
        .collect())
}

fn read_columns(
    path: &Path,
    key: &str,
    columns: &[&str],
    wanted: Option<&HashSet<String>>,
) -> Result<HashMap<String, Vec<Option<f64>>>> {
    let (mut reader, cols) = open_csv(path)?;
    let key_i = cols.index(key)?;
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| cols.index(c))
        .collect::<Result<_>>()?;
    let mut out = HashMap::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        let code = record.get(key_i).unwrap_or("").trim();
        if wanted.is_some_and(|w| !w.contains(code)) {
            continue;
        }
        let mut values = Vec::with_capacity(idx.len());
        for (&i, name) in idx.iter().zip(columns) {
            let raw = record.get(i).unwrap_or("");
            values.push(parse_number(raw).map_err(|()| SourceError::Field {
                path: path.to_path_buf(),
                row,
                field: (*name).to_string(),
                value: raw.to_string(),
                expected: "a number or blank",
            })?);
        }
        out.insert(code.to_string(), values);
    }
    Ok(out)
}
