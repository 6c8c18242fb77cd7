//! CSV input/output for `needsmap travel`: named points in, one row per origin out.

use std::io::Write;
use std::path::Path;

use super::route::{Access, Unreachable};
use super::TravelError;

/// A point with an identifier, e.g. an LSOA code or a GP practice code.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPoint {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
}

impl NamedPoint {
    /// `(lon, lat)`, the order routing functions take.
    pub fn lon_lat(&self) -> (f64, f64) {
        (self.lon, self.lat)
    }
}

/// Read a CSV whose header contains `id`, `lon` and `lat` (any order, extra columns ignored,
/// case-insensitive, UTF-8 BOM tolerated). Errors name the file, line and field.
pub fn read_points_csv(path: impl AsRef<Path>) -> Result<Vec<NamedPoint>, TravelError> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|source| TravelError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let headers = reader
        .headers()
        .map_err(|source| TravelError::Csv {
            path: path.to_path_buf(),
            line: 1,
            source,
        })?
        .clone();
    let column = |name: &str| {
        headers.iter().position(|h| {
            h.trim_start_matches('\u{feff}')
                .trim()
                .eq_ignore_ascii_case(name)
        })
    };
    let (Some(id_col), Some(lon_col), Some(lat_col)) = (column("id"), column("lon"), column("lat"))
    else {
        let found: Vec<&str> = headers.iter().collect();
        return Err(TravelError::CsvHeader {
            path: path.to_path_buf(),
            message: format!("header must contain id, lon and lat; found {found:?}"),
        });
    };

    let mut points = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|source| TravelError::Csv {
            path: path.to_path_buf(),
            line: source.position().map_or(0, |p| p.line()),
            source,
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field_err = |field: &str, message: String| TravelError::CsvField {
            path: path.to_path_buf(),
            line,
            field: field.to_string(),
            message,
        };
        let get = |col: usize, name: &str| {
            record
                .get(col)
                .map(str::trim)
                .ok_or_else(|| field_err(name, "missing".into()))
        };
        let id = get(id_col, "id")?;
        if id.is_empty() {
            return Err(field_err("id", "empty".into()));
        }
        let coord = |col: usize, name: &str, range: std::ops::RangeInclusive<f64>| {
            let text = get(col, name)?;
            let v: f64 = text
                .parse()
                .map_err(|_| field_err(name, format!("{text:?} is not a number")))?;
            if !v.is_finite() || !range.contains(&v) {
                return Err(field_err(
                    name,
                    format!("{v} is outside {}..{}", range.start(), range.end()),
                ));
            }
            Ok(v)
        };
        let lon = coord(lon_col, "lon", -180.0..=180.0)?;
        let lat = coord(lat_col, "lat", -90.0..=90.0)?;
        points.push(NamedPoint {
            id: id.to_string(),
            lon,
            lat,
        });
    }
    Ok(points)
}

/// Write one row per origin:
/// `origin_id,destination_id,minutes,metres,origin_snap_m,destination_snap_m,status`.
/// Unreachable origins get empty numeric fields and a status such as `no_nearby_road`.
pub fn write_travel_csv<W: Write>(
    w: W,
    origins: &[NamedPoint],
    destinations: &[NamedPoint],
    results: &[Result<Access, Unreachable>],
) -> Result<(), TravelError> {
    if origins.len() != results.len() {
        return Err(TravelError::LengthMismatch {
            origins: origins.len(),
            results: results.len(),
        });
    }
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "origin_id",
        "destination_id",
        "minutes",
        "metres",
        "origin_snap_m",
        "destination_snap_m",
        "status",
    ])?;
    for (origin, result) in origins.iter().zip(results) {
        match result {
            Ok(a) => {
                let dest = destinations
                    .get(a.destination)
                    .map_or("", |d| d.id.as_str());
                out.write_record([
                    origin.id.as_str(),
                    dest,
                    &format!("{:.2}", a.minutes),
                    &format!("{:.1}", a.metres),
                    &format!("{:.1}", a.origin_snap_m),
                    &format!("{:.1}", a.destination_snap_m),
                    "ok",
                ])?;
            }
            Err(why) => {
                out.write_record([origin.id.as_str(), "", "", "", "", "", why.status()])?;
            }
        }
    }
    out.flush().map_err(|e| TravelError::Write(e.into()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_csv(name: &str, body: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("needsmap-travel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
        path
    }

    #[test]
    fn reads_points_in_any_column_order_with_bom() {
        let p = temp_csv(
            "ok.csv",
            "\u{feff}name,LAT,id,lon\nx,51.9,E01,-2.1\ny, 51.8 ,E02, -2.2\n",
        );
        let pts = read_points_csv(&p).unwrap();
        assert_eq!(
            pts,
            vec![
                NamedPoint {
                    id: "E01".into(),
                    lon: -2.1,
                    lat: 51.9
                },
                NamedPoint {
                    id: "E02".into(),
                    lon: -2.2,
                    lat: 51.8
                },
            ]
        );
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let p = temp_csv("badlat.csv", "id,lon,lat\nA,-2.1,51.9\nB,-2.1,95\n");
        let e = read_points_csv(&p).unwrap_err().to_string();
        assert!(
            e.contains("badlat.csv") && e.contains("line 3") && e.contains("\"lat\""),
            "{e}"
        );

        let p = temp_csv("badlon.csv", "id,lon,lat\nA,west,51.9\n");
        let e = read_points_csv(&p).unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("\"lon\"") && e.contains("west"),
            "{e}"
        );

        let p = temp_csv("nohdr.csv", "code,x,y\nA,1,2\n");
        let e = read_points_csv(&p).unwrap_err().to_string();
        assert!(
            e.contains("nohdr.csv") && e.contains("id, lon and lat"),
            "{e}"
        );

        let p = temp_csv("short.csv", "id,lon,lat\nA,1\n");
        let e = read_points_csv(&p).unwrap_err().to_string();
        assert!(e.contains("short.csv") && e.contains("line 2"), "{e}");

        let e = read_points_csv("/nonexistent/pts.csv")
            .unwrap_err()
            .to_string();
        assert!(e.contains("/nonexistent/pts.csv"), "{e}");
    }

    #[test]
    fn writes_ok_and_failure_rows() {
        let o = vec![
            NamedPoint {
                id: "O1".into(),
                lon: 0.0,
                lat: 0.0,
            },
            NamedPoint {
                id: "O2".into(),
                lon: 9.0,
                lat: 9.0,
            },
        ];
        let d = vec![NamedPoint {
            id: "GP1".into(),
            lon: 0.0,
            lat: 0.0,
        }];
        let results = vec![
            Ok(Access {
                destination: 0,
                minutes: 12.346,
                metres: 987.64,
                origin_snap_m: 3.21,
                destination_snap_m: 0.0,
            }),
            Err(Unreachable::NoNearbyRoad {
                nearest_m: Some(9e5),
            }),
        ];
        let mut buf = Vec::new();
        write_travel_csv(&mut buf, &o, &d, &results).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "origin_id,destination_id,minutes,metres,origin_snap_m,destination_snap_m,status\n\
             O1,GP1,12.35,987.6,3.2,0.0,ok\n\
             O2,,,,,,no_nearby_road\n"
        );
        assert!(matches!(
            write_travel_csv(Vec::new(), &o, &d, &results[..1]),
            Err(TravelError::LengthMismatch {
                origins: 2,
                results: 1
            })
        ));
    }
}
