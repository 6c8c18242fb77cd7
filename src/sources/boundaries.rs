//! LSOA boundary polygons: ONS GeoJSON (WGS84), or an ONS shapefile in British National Grid.

use super::{Result, SourceError};
use geo::{MapCoords, MultiPolygon};
use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// One boundary as read from a file, always in WGS84 lon/lat.
#[derive(Debug, Clone)]
pub struct Boundary {
    pub code: String,
    pub name: String,
    pub polygon: MultiPolygon<f64>,
}

/// Which features to keep (a region's codes); `None` keeps all.
pub type Wanted<'a> = Option<&'a HashSet<String>>;

/// Read LSOA boundaries from an ONS GeoJSON FeatureCollection (`LSOA11CD`, `LSOA11NM`).
///
/// RFC 7946 GeoJSON is WGS84; a file that declares another CRS, or whose coordinates are plainly
/// grid metres, is refused rather than silently misplaced.
pub fn read_geojson(path: &Path, wanted: Wanted) -> Result<Vec<Boundary>> {
    Ok(
        read_geojson_keyed(path, "LSOA11CD", "LSOA11NM", &[], wanted)?
            .into_iter()
            .map(|(b, _)| b)
            .collect(),
    )
}

/// An LSOA 2021 boundary with the district ONS assigns it today (`LADCD_ACTIVE`).
#[derive(Debug, Clone)]
pub struct Boundary21 {
    pub boundary: Boundary,
    pub district_code: String,
}

/// Read LSOA 2021 boundaries from an ONS GeoJSON (`LSOA21CD`, `LSOA21NM`, `LADCD_ACTIVE`).
pub fn read_lsoa21_geojson(path: &Path, wanted: Wanted) -> Result<Vec<Boundary21>> {
    read_geojson_keyed(path, "LSOA21CD", "LSOA21NM", &["LADCD_ACTIVE"], wanted)?
        .into_iter()
        .map(|(boundary, mut extra)| {
            let district_code = extra.pop().flatten().ok_or_else(|| SourceError::Format {
                path: path.to_path_buf(),
                message: format!(
                    "feature {} has no LADCD_ACTIVE property (the district of a 2021 LSOA)",
                    boundary.code
                ),
            })?;
            Ok(Boundary21 {
                boundary,
                district_code,
            })
        })
        .collect()
}

/// Read any ONS area GeoJSON (LSOA, MSOA; 2011 or 2021) by its code and name properties, with
/// the values of `extra` properties alongside each boundary.
pub fn read_geojson_keyed(
    path: &Path,
    code_key: &str,
    name_key: &str,
    extra: &[&str],
    wanted: Wanted,
) -> Result<Vec<(Boundary, Vec<Option<String>>)>> {
    let file = File::open(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let fc: geojson::FeatureCollection =
        serde_json::from_reader(BufReader::with_capacity(1 << 20, file)).map_err(|e| {
            SourceError::Format {
                path: path.to_path_buf(),
                message: format!("not a GeoJSON FeatureCollection: {e}"),
            }
        })?;
    if let Some(crs) = fc.foreign_members.as_ref().and_then(|m| m.get("crs")) {
        let name = crs
            .pointer("/properties/name")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        let ok = name.is_empty() || name.contains("CRS84") || name.ends_with("4326");
        if !ok {
            return Err(SourceError::Format {
                path: path.to_path_buf(),
                message: format!("declares CRS {name:?}; GeoJSON boundaries must be WGS84 (CRS84). Reproject it, or use the shapefile reader for British National Grid"),
            });
        }
    }
    let mut out = Vec::new();
    for (i, feature) in fc.features.into_iter().enumerate() {
        let row = i as u64 + 1;
        let prop = |key: &str| -> Option<String> {
            feature
                .properties
                .as_ref()?
                .get(key)?
                .as_str()
                .map(|s| s.trim().to_string())
        };
        let code = prop(code_key).ok_or_else(|| SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!("feature has no {code_key} property"),
        })?;
        if wanted.is_some_and(|w| !w.contains(&code)) {
            continue;
        }
        let name = prop(name_key).unwrap_or_default();
        let extras: Vec<Option<String>> = extra.iter().map(|k| prop(k)).collect();
        let geometry = feature.geometry.ok_or_else(|| SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!("feature {code} has no geometry"),
        })?;
        let polygon =
            to_multipolygon(geo_types::Geometry::<f64>::try_from(geometry).map_err(|e| {
                SourceError::Row {
                    path: path.to_path_buf(),
                    row,
                    message: format!("feature {code}: invalid geometry: {e}"),
                }
            })?)
            .ok_or_else(|| SourceError::Row {
                path: path.to_path_buf(),
                row,
                message: format!("feature {code} is not a polygon"),
            })?;
        check_lonlat(path, row, &code, &polygon)?;
        out.push((
            Boundary {
                code,
                name,
                polygon,
            },
            extras,
        ));
    }
    Ok(out)
}

fn to_multipolygon(g: geo_types::Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        geo_types::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo_types::Geometry::MultiPolygon(mp) => Some(mp),
        _ => None,
    }
}

fn check_lonlat(path: &Path, row: u64, code: &str, polygon: &MultiPolygon<f64>) -> Result<()> {
    use geo::CoordsIter;
    if let Some(c) = polygon
        .coords_iter()
        .find(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
    {
        return Err(SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!(
                "feature {code} has coordinate ({}, {}) outside longitude/latitude range: wrong CRS? (British National Grid metres must be reprojected to WGS84)",
                c.x, c.y
            ),
        });
    }
    if polygon.0.is_empty() {
        return Err(SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!("feature {code} has an empty geometry"),
        });
    }
    Ok(())
}

/// The coordinate reference systems an ONS shapefile comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShapeCrs {
    BritishNationalGrid,
    Wgs84,
}

fn shapefile_crs(shp: &Path) -> Result<ShapeCrs> {
    let prj = shp.with_extension("prj");
    let text = std::fs::read_to_string(&prj).map_err(|e| SourceError::Io {
        path: prj.clone(),
        source: e,
    })?;
    let t = text.to_ascii_lowercase();
    if t.contains("british_national_grid") || t.contains("osgb") || t.contains("27700") {
        Ok(ShapeCrs::BritishNationalGrid)
    } else if t.starts_with("geogcs") && (t.contains("wgs_1984") || t.contains("wgs 84")) {
        Ok(ShapeCrs::Wgs84)
    } else {
        Err(SourceError::Format {
            path: prj,
            message: "unsupported coordinate reference system: expected British National Grid (EPSG:27700) or WGS84".into(),
        })
    }
}

/// Read LSOA boundaries from an ONS shapefile (.shp + .dbf + .prj), reprojecting British National
/// Grid to WGS84 with OSTN15 (metre-accurate, unlike a Helmert shift).
pub fn read_shapefile(shp: &Path, wanted: Wanted) -> Result<Vec<Boundary>> {
    let crs = shapefile_crs(shp)?;
    let shp_err = |e: shapefile::Error| SourceError::Format {
        path: shp.to_path_buf(),
        message: e.to_string(),
    };
    let mut reader = shapefile::Reader::from_path(shp).map_err(shp_err)?;
    let mut out = Vec::new();
    for (i, item) in reader.iter_shapes_and_records().enumerate() {
        let row = i as u64 + 1;
        let (shape, record) = item.map_err(shp_err)?;
        let field = |key: &str| -> Option<String> {
            match record.get(key) {
                Some(shapefile::dbase::FieldValue::Character(Some(s))) => {
                    Some(s.trim().to_string())
                }
                _ => None,
            }
        };
        let code = field("LSOA11CD").ok_or_else(|| SourceError::Row {
            path: shp.with_extension("dbf"),
            row,
            message: "record has no LSOA11CD field".into(),
        })?;
        if wanted.is_some_and(|w| !w.contains(&code)) {
            continue;
        }
        let name = field("LSOA11NM").unwrap_or_default();
        let polygon = match shape {
            shapefile::Shape::Polygon(p) => MultiPolygon::<f64>::try_from(p).map_err(shp_err)?,
            other => {
                return Err(SourceError::Row {
                    path: shp.to_path_buf(),
                    row,
                    message: format!(
                        "record {code} is a {} shape, expected a polygon",
                        other.shapetype()
                    ),
                })
            }
        };
        let polygon = match crs {
            ShapeCrs::Wgs84 => polygon,
            ShapeCrs::BritishNationalGrid => polygon
                .try_map_coords(|c| {
                    crate::geodesy::bng_to_lonlat(c.x, c.y).map(|(x, y)| geo::coord! { x: x, y: y }).ok_or(())
                })
                .map_err(|()| SourceError::Row {
                    path: shp.to_path_buf(),
                    row,
                    message: format!("record {code} has coordinates outside the British National Grid transformation area"),
                })?,
        };
        check_lonlat(shp, row, &code, &polygon)?;
        out.push(Boundary {
            code,
            name,
            polygon,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_geojson_in_british_national_grid() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bng.geojson");
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"LSOA11CD":"E01000001"},
            "geometry":{"type":"Polygon","coordinates":[[[383000,218000],[383100,218000],[383100,218100],[383000,218000]]]}}]}"#,
        )
        .unwrap();
        let err = read_geojson(&p, None).unwrap_err().to_string();
        assert!(err.contains("wrong CRS") && err.contains("row 1"), "{err}");
    }

    #[test]
    fn refuses_a_declared_projected_crs_and_reports_missing_codes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.geojson");
        std::fs::write(&p, r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},"features":[]}"#).unwrap();
        assert!(read_geojson(&p, None)
            .unwrap_err()
            .to_string()
            .contains("27700"));
        std::fs::write(&p, r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#).unwrap();
        assert!(read_geojson(&p, None)
            .unwrap_err()
            .to_string()
            .contains("LSOA11CD"));
        std::fs::write(
            &p,
            r#"{"type":"FeatureCollection","features":[{"type":"Feat"#,
        )
        .unwrap();
        assert!(read_geojson(&p, None)
            .unwrap_err()
            .to_string()
            .contains("not a GeoJSON"));
    }
}
