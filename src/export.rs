//! Exports for use without a needsmap process: a PMTiles v3 archive of the same `areas` tiles the
//! server answers (for any static host or CDN; MapLibre reads it through the `pmtiles` protocol),
//! and the full table as GeoJSON or CSV for GIS users (QGIS opens both).
//!
//! Every export is written to a temporary file beside the target and renamed onto it only when
//! complete, so a failed or interrupted export never leaves a half-written file under the name asked
//! for; a failure says which path could not be written.

use crate::atlas::Atlas;
use crate::report;
use crate::selection::AreaQuery;
use crate::server::tiles::{self as area_tiles, AreaTiles, LayerPick};
use crate::tiles::{TileCoord, TileError, MAX_ZOOM};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What `needsmap export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Pmtiles,
    Geojson,
    Csv,
}

impl FromStr for ExportFormat {
    type Err = ExportError;
    fn from_str(s: &str) -> Result<Self, ExportError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pmtiles" => Ok(ExportFormat::Pmtiles),
            "geojson" => Ok(ExportFormat::Geojson),
            "csv" => Ok(ExportFormat::Csv),
            _ => Err(ExportError::Format(s.chars().take(40).collect())),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("export format {0:?} is not offered: use pmtiles, geojson or csv")]
    Format(String),
    #[error("cannot write {path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "zoom range --minzoom {min} --maxzoom {max} is invalid: both in 0..={MAX_ZOOM}, min <= max"
    )]
    Zooms { min: u8, max: u8 },
    #[error(transparent)]
    Layer(#[from] area_tiles::UnknownLayer),
    #[error(transparent)]
    Tile(#[from] TileError),
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
    #[error("writing the PMTiles archive {path}: {detail}")]
    Pmtiles { path: PathBuf, detail: String },
}

/// Options of the PMTiles export.
#[derive(Debug, Clone)]
pub struct PmtilesOptions {
    pub minzoom: u8,
    pub maxzoom: u8,
    /// Layers each feature carries besides `code` (the archive has no `?layers=`, so it holds
    /// what the static page will draw).
    pub layers: LayerPick,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportSummary {
    /// Tiles (PMTiles) or areas (tables) written.
    pub items: u64,
    /// Size of the file.
    pub bytes: u64,
}

/// The temporary name this process writes `target` under (`.NAME.PID.partial` beside it), so a
/// signal handler at the edge can remove it when the export is interrupted; `None` when `target`
/// names no file.
pub fn partial_path(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.partial", std::process::id()));
    Some(target.with_file_name(tmp_name))
}

/// A file written under a temporary name in the target's folder and renamed onto the target by
/// [`Staged::commit`]; dropped uncommitted, the temporary file is removed.
struct Staged {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<BufWriter<File>>,
    renamed: bool,
}

impl Staged {
    fn create(target: &Path) -> Result<Staged, ExportError> {
        let tmp = partial_path(target).ok_or_else(|| ExportError::Io {
            path: target.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
        })?;
        let file = File::create(&tmp).map_err(|source| ExportError::Io {
            path: target.to_path_buf(),
            source,
        })?;
        Ok(Staged {
            target: target.to_path_buf(),
            tmp,
            file: Some(BufWriter::new(file)),
            renamed: false,
        })
    }

    fn io(&self, source: std::io::Error) -> ExportError {
        ExportError::Io {
            path: self.target.clone(),
            source,
        }
    }

    fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("open until commit")
    }

    fn commit(mut self) -> Result<u64, ExportError> {
        let w = self.file.take().expect("open until commit");
        let file = w.into_inner().map_err(|e| self.io(e.into_error()))?;
        file.sync_all().map_err(|e| self.io(e))?;
        let len = file.metadata().map_err(|e| self.io(e))?.len();
        drop(file);
        std::fs::rename(&self.tmp, &self.target).map_err(|e| self.io(e))?;
        self.renamed = true;
        Ok(len)
    }
}

impl Drop for Staged {
    /// Anything short of the rename (an error, a panic, a failed rename onto a folder) removes the
    /// temporary file.
    fn drop(&mut self) {
        drop(self.file.take());
        if !self.renamed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes every area with every layer to `path` as GeoJSON (WGS84 polygons) or CSV, with the
/// same writers as `/api/areas?format=...`.
pub fn write_table(
    atlas: &Atlas,
    format: ExportFormat,
    path: &Path,
) -> Result<ExportSummary, ExportError> {
    let sel = AreaQuery::parse(atlas, None, None, None)?.run(atlas);
    let mut out = Staged::create(path)?;
    let report_format = match format {
        ExportFormat::Geojson => report::Format::Geojson,
        ExportFormat::Csv => report::Format::Csv,
        ExportFormat::Pmtiles => {
            return Err(ExportError::Format("pmtiles (use write_pmtiles)".into()))
        }
    };
    let written = report::write_areas(out.writer(), report_format, atlas, &sel, false);
    written.map_err(|e| out.io(e))?;
    let bytes = out.commit()?;
    Ok(ExportSummary {
        items: sel.areas.len() as u64,
        bytes,
    })
}

/// The PMTiles tile id of a tile: tiles of lower zooms first, then the Hilbert-curve position
/// (PMTiles v3 spec), the order a clustered archive stores them in.
pub fn pmtiles_tile_id(c: TileCoord) -> u64 {
    let z = c.z() as u32;
    let base = ((1u64 << (2 * z)) - 1) / 3;
    let n = 1u64 << z;
    let (mut x, mut y) = (c.x() as u64, c.y() as u64);
    let mut d = 0u64;
    let mut s = n >> 1;
    while s > 0 {
        let rx = ((x & s) > 0) as u64;
        let ry = ((y & s) > 0) as u64;
        d += s * s * ((3 * rx) ^ ry);
        // Rotate the quadrant so the curve continues (x, y < n throughout).
        if ry == 0 {
            if rx == 1 {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    base + d
}

/// Tiles encoded per parallel batch: enough to keep both cores busy, few enough that memory stays
/// small (a batch holds at most this many gzipped tiles).
const BATCH: usize = 512;

/// Writes the region's `areas` tiles for `minzoom..=maxzoom` to a PMTiles v3 archive at `path`:
/// the bytes [`AreaTiles::encode_uncached`] makes for the server (so the same tiles), gzip-compressed
/// as PMTiles readers expect for MVT, clustered in tile-id order, with TileJSON-style metadata
/// (`vector_layers`, attribution, the region and the vintage). Empty tiles are left out. `progress(done, total)` is called
/// after every batch.
pub fn write_pmtiles(
    tiles: &AreaTiles,
    path: &Path,
    opts: &PmtilesOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ExportSummary, ExportError> {
    use pmtiles::{Compression, PmTilesWriter, TileType};
    use rayon::prelude::*;
    if opts.minzoom > opts.maxzoom || opts.maxzoom > MAX_ZOOM {
        return Err(ExportError::Zooms {
            min: opts.minzoom,
            max: opts.maxzoom,
        });
    }
    let atlas = tiles.atlas();
    let mut coords = tiles.covering(opts.minzoom..=opts.maxzoom);
    coords.sort_by_key(|c| pmtiles_tile_id(*c));
    let total = coords.len() as u64;
    let [w, s, e, n] = atlas.bounds();
    let mut meta = area_tiles::tilejson_of_vintage(atlas, atlas.vintage, false, "");
    if let Some(m) = meta.as_object_mut() {
        m.remove("tiles");
        m.insert("format".into(), "pbf".into());
        m.insert("minzoom".into(), opts.minzoom.into());
        m.insert("maxzoom".into(), opts.maxzoom.into());
        m.insert("layers".into(), opts.layers.ids().join(",").into());
        // What the static page reads (web/public/static.js): the region for its labels, and the
        // picked layers' registry rows (titles, units, class breaks) as `/api/layers` gives them.
        m.insert(
            "region".into(),
            serde_json::json!({ "id": atlas.region.to_string(), "name": atlas.region.title() }),
        );
        // The vintage, so a static page given one archive per vintage can offer the switch.
        m.insert(
            "vintage".into(),
            serde_json::json!({
                "id": atlas.vintage.as_str(),
                "title": atlas.vintage.title(),
                "geography": atlas.vintage.geography().label(),
            }),
        );
        let picked = opts.layers.ids();
        let list = crate::model::layers::LayerList::of(atlas);
        let rows: Vec<_> = list
            .layers
            .iter()
            .filter(|l| picked.iter().any(|p| p == l.id))
            .collect();
        m.insert("needsmap".into(), serde_json::json!({ "layers": rows }));
        if let Some(v) = m
            .get_mut("vector_layers")
            .and_then(|v| v.get_mut(0))
            .and_then(|v| v.as_object_mut())
        {
            v.insert("minzoom".into(), opts.minzoom.into());
            v.insert("maxzoom".into(), opts.maxzoom.into());
        }
    }
    let pm_err = |detail: String| ExportError::Pmtiles {
        path: path.to_path_buf(),
        detail,
    };
    let mut staged = Staged::create(path)?;
    let center_zoom = opts.maxzoom.min(9).max(opts.minzoom);
    let mut writer = PmTilesWriter::new(TileType::Mvt)
        .precompressed(Compression::Gzip)
        .internal_compression(Compression::Gzip)
        .min_zoom(opts.minzoom)
        .max_zoom(opts.maxzoom)
        .bounds(w, s, e, n)
        .center((w + e) / 2.0, (s + n) / 2.0)
        .center_zoom(center_zoom)
        .metadata(meta.to_string())
        .create(staged.writer())
        .map_err(|e| pm_err(e.to_string()))?;
    let mut written = 0u64;
    let mut done = 0u64;
    for batch in coords.chunks(BATCH) {
        // Encode and gzip in parallel; the writer then only appends, in tile-id order.
        let encoded: Vec<Option<Vec<u8>>> = batch
            .par_iter()
            .map(|c| {
                tiles
                    .encode_uncached(*c, &opts.layers, None)
                    .map(|t| t.map(|raw| area_tiles::gzip(&raw)))
            })
            .collect::<Result<_, _>>()?;
        for (c, gz) in batch.iter().zip(encoded) {
            if let Some(gz) = gz {
                let coord = pmtiles::TileCoord::new(c.z(), c.x(), c.y())
                    .map_err(|e| pm_err(e.to_string()))?;
                writer
                    .add_tile(coord, &gz)
                    .map_err(|e| pm_err(e.to_string()))?;
                written += 1;
            }
        }
        done += batch.len() as u64;
        progress(done, total);
    }
    writer.finalize().map_err(|e| pm_err(e.to_string()))?;
    let bytes = staged.commit()?;
    Ok(ExportSummary {
        items: written,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn tile_ids_follow_the_pmtiles_spec() {
        // Values from the PMTiles v3 specification's examples and reference implementation.
        let id = |z, x, y| pmtiles_tile_id(TileCoord::new(z, x, y).unwrap());
        assert_eq!(id(0, 0, 0), 0);
        assert_eq!(id(1, 0, 0), 1);
        assert_eq!(id(1, 0, 1), 2);
        assert_eq!(id(1, 1, 1), 3);
        assert_eq!(id(1, 1, 0), 4);
        assert_eq!(id(2, 0, 0), 5);
        // Every id of a zoom is used exactly once.
        for z in 0..=4u8 {
            let n = 1u32 << z;
            let mut ids: Vec<u64> = (0..n)
                .flat_map(|x| (0..n).map(move |y| (x, y)))
                .map(|(x, y)| id(z, x, y))
                .collect();
            ids.sort_unstable();
            let base = ((1u64 << (2 * z)) - 1) / 3;
            assert_eq!(
                ids,
                (base..base + (n as u64 * n as u64)).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn unwritable_paths_are_named_and_leave_nothing() {
        let dir = std::env::temp_dir().join(format!("needsmap-export-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("missing-folder").join("x.csv");
        let err = Staged::create(&target).err().expect("no such folder");
        assert!(
            err.to_string().contains(&target.display().to_string()),
            "{err}"
        );
        let ok = dir.join("y.csv");
        let mut s = Staged::create(&ok).unwrap();
        s.writer().write_all(b"a,b\n").unwrap();
        drop(s);
        assert!(!ok.exists());
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "temporary file removed"
        );
        // A folder under the target's name: the rename fails, the error names it, nothing is left.
        let folder = dir.join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        let mut s = Staged::create(&folder).unwrap();
        s.writer().write_all(b"a,b\n").unwrap();
        let err = s.commit().expect_err("cannot rename onto a folder");
        assert!(err.to_string().contains("folder.csv"), "{err}");
        std::fs::remove_dir(&folder).unwrap();
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "temporary file removed after a failed rename"
        );
        let mut s = Staged::create(&ok).unwrap();
        s.writer().write_all(b"a,b\n").unwrap();
        assert_eq!(s.commit().unwrap(), 4);
        assert_eq!(std::fs::read(&ok).unwrap(), b"a,b\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
