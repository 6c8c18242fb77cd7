//! DWP Children in Low Income Families (relative low income, children under 16), financial years
//! ending 2015-2022: the current child-poverty measure, published for MSOAs (2011) and districts.
//!
//! Two layouts are read: the county MSOA table with codes (`MSOA11CD`, `LAD19CD`,
//! `children_rel_low_income_u16_FYE2015` …) and DWP Stat-Xplore's raw export (a header row of
//! financial years with annotation columns, a title row, rows keyed by area *name*, then
//! "Unknown" and "Total"; ".." marks a suppressed cell).

use super::{csv_error, open_csv, parse_number, Result, SourceError};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;

/// Financial years ending 2015 … 2022, in column order.
pub const YEARS: [u16; 8] = [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022];

/// Whether a year's figures are provisional (DWP marks FYE 2022 "(p)").
pub fn provisional(fye: u16) -> bool {
    fye == 2022
}

/// Children under 16 in relative low income families, one count per year of [`YEARS`];
/// `None` where DWP suppressed the cell.
pub type YearCounts = [Option<f64>; 8];

/// One MSOA 2011 of the county table.
#[derive(Debug, Clone, PartialEq)]
pub struct MsoaCounts {
    pub code: String,
    pub name: String,
    pub lad19: String,
    pub counts: YearCounts,
}

/// Read the MSOA table with codes.
pub fn read_msoa_table(path: &Path) -> Result<Vec<MsoaCounts>> {
    let (mut reader, cols) = open_csv(path)?;
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let code_i = cols.index("MSOA11CD")?;
    let name_i = cols.index("MSOA_name")?;
    let lad_i = cols.index("LAD19CD")?;
    let year_i: Vec<usize> = YEARS
        .iter()
        .map(|&y| {
            let base = format!("children_rel_low_income_u16_FYE{y}");
            cols.index(&base)
                .or_else(|_| cols.index(&format!("{base}_provisional")))
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        let code = record.get(code_i).unwrap_or("").trim().to_string();
        if !(code.len() == 9 && code.starts_with(['E', 'W']) && code.is_ascii()) {
            return Err(SourceError::Field {
                path: path.to_path_buf(),
                row,
                field: "MSOA11CD".into(),
                value: code,
                expected: "an MSOA code such as E02004600",
            });
        }
        let mut counts = [None; 8];
        for (slot, &i) in counts.iter_mut().zip(&year_i) {
            *slot = count(path, row, &headers, &record, i)?;
        }
        out.push(MsoaCounts {
            code,
            name: record.get(name_i).unwrap_or("").trim().to_string(),
            lad19: record.get(lad_i).unwrap_or("").trim().to_string(),
            counts,
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

fn count(
    path: &Path,
    row: u64,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    i: usize,
) -> Result<Option<f64>> {
    let raw = record.get(i).unwrap_or("");
    // Stat-Xplore writes ".." for a suppressed cell.
    if raw.trim() == ".." {
        return Ok(None);
    }
    match parse_number(raw) {
        Ok(v) if v.is_none_or(|x| x >= 0.0 && x.fract() == 0.0) => Ok(v),
        _ => Err(SourceError::Field {
            path: path.to_path_buf(),
            row,
            field: headers
                .get(i)
                .unwrap_or("?")
                .trim_start_matches('\u{feff}')
                .to_string(),
            value: raw.to_string(),
            expected: "a count of children, '..' or blank",
        }),
    }
}

/// A Stat-Xplore table keyed by area name.
#[derive(Debug, Clone, PartialEq)]
pub struct StatXplore {
    /// Area name → counts, for names that occur once.
    pub areas: BTreeMap<String, YearCounts>,
    /// Names that occur more than once (e.g. Scottish Intermediate Zones "Tollcross" in two
    /// cities): a name-keyed row cannot be attributed, so they are set aside, never guessed.
    pub ambiguous: BTreeSet<String>,
}

/// Read a raw Stat-Xplore export (LTLA or MSOA table): area name → counts per year. The title row,
/// "Unknown" and "Total" are left out. Names that appear more than once go to
/// [`StatXplore::ambiguous`] (the tables are keyed by name only).
pub fn read_statxplore(path: &Path) -> Result<StatXplore> {
    let file = File::open(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file);
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    // Year columns: "2014/15" … "2021/22 (p)"; their FYE is the second year.
    let mut year_i = [None; 8];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if h.contains("Annotations") {
            continue;
        }
        let Some((_, end)) = h.split_once('/') else {
            continue;
        };
        let yy: String = end.chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(yy) = yy.parse::<u16>() {
            if let Some(k) = YEARS.iter().position(|&y| y == 2000 + yy) {
                year_i[k] = Some(i);
            }
        }
    }
    let year_i: Vec<usize> = year_i
        .iter()
        .zip(YEARS)
        .map(|(i, y)| {
            i.ok_or_else(|| SourceError::MissingColumn {
                path: path.to_path_buf(),
                column: format!("{}/{:02}", y - 1, y % 100),
            })
        })
        .collect::<Result<_>>()?;
    let mut out = BTreeMap::new();
    let mut ambiguous = BTreeSet::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(path, e))?
    {
        let row = record.position().map(|p| p.line()).unwrap_or(0);
        let name = record.get(0).unwrap_or("").trim().to_string();
        // The title row has no figures; "Unknown" and "Total" are not areas.
        if record.iter().skip(1).all(|f| f.trim().is_empty())
            || name.is_empty()
            || name == "Unknown"
            || name == "Total"
        {
            continue;
        }
        if let Some(&last) = year_i.iter().max() {
            if record.len() <= last {
                return Err(SourceError::Row {
                    path: path.to_path_buf(),
                    row,
                    message: format!(
                        "{name:?} has {} fields, the header has {} (truncated?)",
                        record.len(),
                        headers.len()
                    ),
                });
            }
        }
        let mut counts = [None; 8];
        for (slot, &i) in counts.iter_mut().zip(&year_i) {
            *slot = count(path, row, &headers, &record, i)?;
        }
        if ambiguous.contains(&name) {
            continue;
        }
        if out.insert(name.clone(), counts).is_some() {
            out.remove(&name);
            ambiguous.insert(name);
        }
    }
    if out.is_empty() {
        return Err(SourceError::Format {
            path: path.to_path_buf(),
            message: "no area rows".into(),
        });
    }
    Ok(StatXplore {
        areas: out,
        ambiguous,
    })
}

/// District totals from MSOA counts, per year: `None` for a year where any MSOA of the district is
/// suppressed (a sum with a hole would understate the total).
pub fn district_totals(msoas: &[MsoaCounts]) -> BTreeMap<String, YearCounts> {
    let mut out: BTreeMap<String, YearCounts> = BTreeMap::new();
    let mut holes: BTreeMap<String, [bool; 8]> = BTreeMap::new();
    for m in msoas {
        let total = out.entry(m.lad19.clone()).or_insert([Some(0.0); 8]);
        let hole = holes.entry(m.lad19.clone()).or_default();
        for (k, c) in m.counts.iter().enumerate() {
            match c {
                Some(x) => total[k] = total[k].map(|t| t + x),
                None => hole[k] = true,
            }
        }
    }
    for (lad, hole) in holes {
        if let Some(t) = out.get_mut(&lad) {
            for k in 0..8 {
                if hole[k] {
                    t[k] = None;
                }
            }
        }
    }
    out
}

/// The MSOA 2011 an LSOA 2011 belongs to, by ONS's naming rule: an LSOA's name is its MSOA's name
/// followed by one letter ("Cheltenham 008A" lies in MSOA "Cheltenham 008").
pub fn msoa_name_of_lsoa11(lsoa_name: &str) -> Option<&str> {
    let t = lsoa_name.trim();
    let last = t.chars().last()?;
    if !last.is_ascii_uppercase() {
        return None;
    }
    let stem = &t[..t.len() - 1];
    stem.ends_with(|c: char| c.is_ascii_digit()).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statxplore_layout() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sx.csv");
        std::fs::write(
            &p,
            "\"Year\",\"2014/15\",\"2014/15 - Annotations\",\"2015/16\",\"2015/16 - Annotations\",\"2016/17\",\"2016/17 - Annotations\",\"2017/18\",\"2017/18 - Annotations\",\"2018/19\",\"2018/19 - Annotations\",\"2019/20\",\"2019/20 - Annotations\",\"2020/21\",\"2020/21 - Annotations\",\"2021/22 (p)\",\"2021/22 - Annotations\",\n\
             \"National - Regional - LA - OAs\",\n\
             \"Cheltenham\",3307,,3260,,2987,,2960,,3084,,3265,,3105,,3754,,\n\
             \"Nowhere\",..,,1,,2,,3,,4,,5,,6,,7,,\n\
             \"Twice\",1,,1,,1,,1,,1,,1,,1,,1,,\n\
             \"Twice\",2,,2,,2,,2,,2,,2,,2,,2,,\n\
             \"Unknown\",..,,..,,..,,..,,..,,..,,..,,..,,\n\
             \"Total\",1,,2,,3,,4,,5,,6,,7,,8\n",
        )
        .unwrap();
        let t = read_statxplore(&p).unwrap();
        assert_eq!(t.ambiguous, BTreeSet::from(["Twice".to_string()]));
        let t = t.areas;
        assert_eq!(t.len(), 2);
        assert_eq!(t["Cheltenham"][0], Some(3307.0));
        assert_eq!(t["Cheltenham"][7], Some(3754.0));
        assert_eq!(t["Nowhere"][0], None);
        std::fs::write(&p, "\"Year\",\"2014/15\",\"2015/16\",\"2016/17\",\"2017/18\",\"2018/19\",\"2019/20\",\"2020/21\",\"2021/22 (p)\"\n\"A\",1,2,3\n").unwrap();
        let err = read_statxplore(&p).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("truncated"), "{err}");
        std::fs::write(&p, "\"Year\",\"2014/15\"\n\"A\",1\n").unwrap();
        assert!(read_statxplore(&p)
            .unwrap_err()
            .to_string()
            .contains("missing column '2015/16'"));
    }

    #[test]
    fn totals_refuse_to_sum_over_holes() {
        let m = |lad: &str, a: Option<f64>| MsoaCounts {
            code: "E02000001".into(),
            name: "x".into(),
            lad19: lad.into(),
            counts: [
                a,
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(1.0),
                Some(2.0),
            ],
        };
        let t = district_totals(&[m("A", Some(3.0)), m("A", Some(4.0)), m("B", None)]);
        assert_eq!(t["A"][0], Some(7.0));
        assert_eq!(t["A"][7], Some(4.0));
        assert_eq!(t["B"][0], None);
        assert_eq!(t["B"][1], Some(1.0));
    }

    #[test]
    fn msoa_names_from_lsoa_names() {
        assert_eq!(
            msoa_name_of_lsoa11("Cheltenham 008A"),
            Some("Cheltenham 008")
        );
        assert_eq!(
            msoa_name_of_lsoa11("Forest of Dean 012E"),
            Some("Forest of Dean 012")
        );
        assert_eq!(msoa_name_of_lsoa11("Cheltenham 008"), None);
        assert_eq!(msoa_name_of_lsoa11(""), None);
    }

    #[test]
    fn msoa_table_names_bad_cells() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.csv");
        let head = "MSOA11CD,MSOA_name,LAD19CD,children_rel_low_income_u16_FYE2015,children_rel_low_income_u16_FYE2016,children_rel_low_income_u16_FYE2017,children_rel_low_income_u16_FYE2018,children_rel_low_income_u16_FYE2019,children_rel_low_income_u16_FYE2020,children_rel_low_income_u16_FYE2021,children_rel_low_income_u16_FYE2022_provisional\n";
        std::fs::write(
            &p,
            format!("{head}E02004600,Cheltenham 001,E07000078,221,188,192,191,215,223,207,231\n"),
        )
        .unwrap();
        let t = read_msoa_table(&p).unwrap();
        assert_eq!(t[0].counts[7], Some(231.0));
        std::fs::write(
            &p,
            format!("{head}E02004600,Cheltenham 001,E07000078,221,188,192,191,2.5,223,207,231\n"),
        )
        .unwrap();
        let err = read_msoa_table(&p).unwrap_err().to_string();
        assert!(err.contains("row 2") && err.contains("FYE2019"), "{err}");
    }
}
