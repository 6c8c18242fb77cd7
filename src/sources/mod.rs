//! Reading the official open-data files, and getting them onto this machine.
//!
//! The project never ships data: `geodata/sources.toml` lists each source (publisher URL, licence,
//! checksum) and [`DataDir`] fills a local folder from a mirror or from the publisher, verifying
//! every file before any reader sees it.

pub mod boundaries;
pub mod centroids;
pub mod child_poverty;
pub mod codepoint;
pub mod indicators;
pub mod iod;
pub mod iod2025;
pub mod lookup;
pub mod ods;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The manifest compiled into the binary, so a lone binary still knows where its data comes from.
pub const MANIFEST_TOML: &str = include_str!("../../geodata/sources.toml");

/// Everything that can go wrong while locating or reading a source file. Each variant names the
/// file (and row/field where there is one) so a user can find the problem.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("source '{id}' ({file}) is not in the data directory {data_dir} and could not be fetched: {why}. \
             Get it from {url} ({licence}) and place it at {data_dir}/{file}, or run `needsmap data fetch --mirror DIR`")]
    Missing {
        id: String,
        file: String,
        data_dir: String,
        url: String,
        licence: String,
        why: String,
    },
    #[error("checksum mismatch for {path}: expected sha256 {expected}, found {actual}. The file is damaged or \
             is a different release; delete it and run `needsmap data fetch` again")]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{path}, row {row}: {message}")]
    Row {
        path: PathBuf,
        row: u64,
        message: String,
    },
    #[error("{path}, row {row}, field '{field}': cannot read {value:?} as {expected}")]
    Field {
        path: PathBuf,
        row: u64,
        field: String,
        value: String,
        expected: &'static str,
    },
    #[error(
        "{path}: missing column '{column}' (is this the right file? expected the official layout)"
    )]
    MissingColumn { path: PathBuf, column: String },
    #[error("{path}: {message}")]
    Format { path: PathBuf, message: String },
    #[error("unknown source id '{0}' (see geodata/sources.toml)")]
    UnknownSource(String),
    #[error("the source manifest is invalid: {0}")]
    Manifest(String),
}

pub type Result<T, E = SourceError> = std::result::Result<T, E>;

/// One entry of `geodata/sources.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub licence: String,
    pub attribution: String,
    pub vintage: String,
    pub file: String,
    #[serde(default)]
    pub sha256: String,
    #[serde(default)]
    pub member: Option<String>,
    pub needed_for: String,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Deserialize)]
struct ManifestFile {
    source: Vec<Source>,
}

/// The parsed source manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub sources: Vec<Source>,
}

impl Manifest {
    /// The manifest built into this binary.
    pub fn builtin() -> Manifest {
        Manifest::parse(MANIFEST_TOML).expect("geodata/sources.toml is checked by a unit test")
    }

    pub fn parse(text: &str) -> Result<Manifest> {
        let file: ManifestFile =
            toml::from_str(text).map_err(|e| SourceError::Manifest(e.to_string()))?;
        for s in &file.source {
            if !s.sha256.is_empty() && (s.sha256.len() != 64 || hex::decode(&s.sha256).is_err()) {
                return Err(SourceError::Manifest(format!(
                    "source '{}' has a malformed sha256",
                    s.id
                )));
            }
        }
        Ok(Manifest {
            sources: file.source,
        })
    }

    pub fn get(&self, id: &str) -> Result<&Source> {
        self.sources
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| SourceError::UnknownSource(id.to_string()))
    }
}

/// Where a source file was found or how it arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Already in the data directory and verified.
    Present,
    /// Copied from the mirror folder.
    Mirror,
    /// Downloaded from the publisher.
    Publisher,
}

/// A local data directory plus where to fill it from.
#[derive(Debug, Clone)]
pub struct DataDir {
    pub root: PathBuf,
    pub mirror: Option<PathBuf>,
    pub manifest: Manifest,
    /// Whether a missing file may be downloaded from the publisher (off in tests that must be offline).
    pub allow_download: bool,
}

/// The default data directory: `geodata/cache` under the current directory.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from("geodata/cache")
}

/// The default mirror: `../shared/opendata` when it exists (the layout of this project's workplace).
pub fn default_mirror() -> Option<PathBuf> {
    let candidate = PathBuf::from("../shared/opendata");
    candidate.is_dir().then_some(candidate)
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>, mirror: Option<PathBuf>) -> DataDir {
        DataDir {
            root: root.into(),
            mirror,
            manifest: Manifest::builtin(),
            allow_download: true,
        }
    }

    /// The data directory of a checkout, as the tests and benchmarks use it: `NEEDSMAP_DATA_DIR`
    /// (else `<checkout>/geodata/cache`) filled from `NEEDSMAP_MIRROR` (else
    /// `<checkout>/../shared/opendata` when it exists). Downloads stay on; callers that must be
    /// offline turn `allow_download` off.
    pub fn from_env_at(checkout: &Path) -> DataDir {
        let root = std::env::var_os("NEEDSMAP_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| checkout.join(default_data_dir()));
        let mirror = std::env::var_os("NEEDSMAP_MIRROR")
            .map(PathBuf::from)
            .or_else(|| {
                let m = checkout.join("../shared/opendata");
                m.is_dir().then_some(m)
            });
        DataDir::new(root, mirror)
    }

    /// The path a source lives at in this data directory (whether or not it is there yet).
    pub fn path_of(&self, id: &str) -> Result<PathBuf> {
        Ok(self.root.join(&self.manifest.get(id)?.file))
    }

    /// Whether the source's file is in the data directory (without verifying it).
    pub fn has(&self, id: &str) -> bool {
        self.path_of(id).map(|p| p.is_file()).unwrap_or(false)
    }

    /// The verified path of a source, fetching it first if it is not here yet.
    pub fn require(&self, id: &str) -> Result<PathBuf> {
        self.fetch(id).map(|(path, _)| path)
    }

    /// Make one source present and verified in the data directory.
    pub fn fetch(&self, id: &str) -> Result<(PathBuf, Provenance)> {
        let source = self.manifest.get(id)?.clone();
        let dest = self.root.join(&source.file);
        if dest.is_file() {
            self.verify(&source, &dest)?;
            return Ok((dest, Provenance::Present));
        }
        let mut reasons = Vec::new();
        if let Some(mirror) = &self.mirror {
            let from = mirror.join(&source.file);
            if from.is_file() {
                self.install(&source, &dest, |tmp| {
                    fs::copy(&from, tmp)
                        .map(|_| ())
                        .map_err(|e| SourceError::Io {
                            path: from.clone(),
                            source: e,
                        })
                })?;
                return Ok((dest, Provenance::Mirror));
            }
            reasons.push(format!("not in the mirror {}", mirror.display()));
        } else {
            reasons.push("no mirror folder configured".to_string());
        }
        if self.allow_download {
            match self.install(&source, &dest, |tmp| download(&source, tmp)) {
                Ok(()) => return Ok((dest, Provenance::Publisher)),
                Err(e) => reasons.push(format!("download failed: {e}")),
            }
        }
        Err(SourceError::Missing {
            id: source.id.clone(),
            file: source.file.clone(),
            data_dir: self.root.display().to_string(),
            url: source.url.clone(),
            licence: source.licence.clone(),
            why: reasons.join("; "),
        })
    }

    /// Write via a temporary file and rename only after the checksum passed, so a failed or
    /// interrupted fetch never leaves a half file that later looks present.
    fn install(
        &self,
        source: &Source,
        dest: &Path,
        fill: impl FnOnce(&Path) -> Result<()>,
    ) -> Result<()> {
        let parent = dest.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| SourceError::Io {
            path: parent.to_path_buf(),
            source: e,
        })?;
        // A name of its own per call: two fetches of one source (threads, processes) never share it.
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dest.with_extension(format!("{}.partial", std::process::id() as u64 * 1_000 + n));
        let outcome = fill(&tmp).and_then(|()| {
            let actual = sha256_file(&tmp)?;
            if !source.sha256.is_empty() && !actual.eq_ignore_ascii_case(&source.sha256) {
                return Err(SourceError::Checksum {
                    path: dest.to_path_buf(),
                    expected: source.sha256.clone(),
                    actual,
                });
            }
            fs::rename(&tmp, dest).map_err(|e| SourceError::Io {
                path: dest.to_path_buf(),
                source: e,
            })?;
            self.remember_verified(source, dest, &actual);
            Ok(())
        });
        if outcome.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        outcome
    }

    /// Verify a present file; the result is remembered (by size and mtime) so start-up does not
    /// re-hash tens of megabytes every time.
    fn verify(&self, source: &Source, path: &Path) -> Result<()> {
        if source.sha256.is_empty() {
            return Ok(());
        }
        let stamp = file_stamp(path);
        let memo = self.memo_path(source);
        if let (Some(stamp), Ok(seen)) = (&stamp, fs::read_to_string(&memo)) {
            if seen.trim() == format!("{} {}", source.sha256, stamp) {
                return Ok(());
            }
        }
        let actual = sha256_file(path)?;
        if !actual.eq_ignore_ascii_case(&source.sha256) {
            return Err(SourceError::Checksum {
                path: path.to_path_buf(),
                expected: source.sha256.clone(),
                actual,
            });
        }
        self.remember_verified(source, path, &actual);
        Ok(())
    }

    fn memo_path(&self, source: &Source) -> PathBuf {
        self.root.join(".verified").join(&source.id)
    }

    fn remember_verified(&self, source: &Source, path: &Path, sha: &str) {
        if let Some(stamp) = file_stamp(path) {
            let memo = self.memo_path(source);
            if let Some(dir) = memo.parent() {
                let _ = fs::create_dir_all(dir);
            }
            let _ = fs::write(memo, format!("{sha} {stamp}"));
        }
    }

    /// What `data status` shows for each source.
    pub fn status(&self) -> Vec<SourceStatus> {
        self.manifest
            .sources
            .iter()
            .map(|s| {
                let path = self.root.join(&s.file);
                let state = if !path.is_file() {
                    let in_mirror = self
                        .mirror
                        .as_ref()
                        .is_some_and(|m| m.join(&s.file).is_file());
                    if in_mirror {
                        SourceState::InMirror
                    } else {
                        SourceState::Missing
                    }
                } else {
                    match self.verify(s, &path) {
                        Ok(()) if s.sha256.is_empty() => SourceState::PresentUnpinned,
                        Ok(()) => SourceState::Verified,
                        Err(_) => SourceState::ChecksumMismatch,
                    }
                };
                SourceStatus {
                    source: s.clone(),
                    state,
                    path,
                }
            })
            .collect()
    }
}

/// The state of one source in the data directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    Verified,
    PresentUnpinned,
    ChecksumMismatch,
    InMirror,
    Missing,
}

impl std::fmt::Display for SourceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SourceState::Verified => "present, checksum ok",
            SourceState::PresentUnpinned => "present (no fixed checksum)",
            SourceState::ChecksumMismatch => "CHECKSUM MISMATCH",
            SourceState::InMirror => "in mirror, fetched on first use",
            SourceState::Missing => "missing",
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    pub source: Source,
    pub state: SourceState,
    pub path: PathBuf,
}

fn file_stamp(path: &Path) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!("{}:{}", meta.len(), mtime.as_nanos()))
}

/// SHA-256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String> {
    let io_err = |e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut file = fs::File::open(path).map_err(io_err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io_err)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Download from the publisher with the system's `curl` (present on every machine this targets;
/// it handles proxies and TLS better than anything we would bundle). A zip download is unpacked
/// to the manifest's `member`.
fn download(source: &Source, dest: &Path) -> Result<()> {
    let fail = |why: String| SourceError::Row {
        path: dest.to_path_buf(),
        row: 0,
        message: why,
    };
    let target = if source.member.is_some() {
        dest.with_extension("zip-download")
    } else {
        dest.to_path_buf()
    };
    let status = Command::new("curl")
        .args([
            "--fail",
            "--location",
            "--silent",
            "--show-error",
            "--max-time",
            "600",
            "--output",
        ])
        .arg(&target)
        .arg(&source.url)
        .status()
        .map_err(|e| fail(format!("cannot run curl: {e}")))?;
    if !status.success() {
        let _ = fs::remove_file(&target);
        return Err(fail(format!(
            "curl could not download {} ({status})",
            source.url
        )));
    }
    if let Some(member) = &source.member {
        let result = (|| {
            let file = fs::File::open(&target).map_err(|e| SourceError::Io {
                path: target.clone(),
                source: e,
            })?;
            let mut archive = zip::ZipArchive::new(file).map_err(|e| SourceError::Format {
                path: target.clone(),
                message: format!("not a zip file: {e}"),
            })?;
            let mut entry = archive.by_name(member).map_err(|_| SourceError::Format {
                path: target.clone(),
                message: format!("the download has no member '{member}'"),
            })?;
            let mut out = fs::File::create(dest).map_err(|e| SourceError::Io {
                path: dest.to_path_buf(),
                source: e,
            })?;
            io::copy(&mut entry, &mut out).map_err(|e| SourceError::Io {
                path: dest.to_path_buf(),
                source: e,
            })?;
            Ok(())
        })();
        let _ = fs::remove_file(&target);
        result?;
    }
    Ok(())
}

/// Parse a number as the official spreadsheets export it: thousands separators, blanks for
/// suppressed values. `Ok(None)` means the cell is empty (missing, never zero).
pub(crate) fn parse_number(raw: &str) -> std::result::Result<Option<f64>, ()> {
    let t = raw.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("na") || t.eq_ignore_ascii_case("null") {
        return Ok(None);
    }
    let cleaned: String = t.chars().filter(|c| *c != ',').collect();
    cleaned
        .parse::<f64>()
        .map(Some)
        .map_err(|_| ())
        .and_then(|v| match v {
            Some(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(()),
        })
}

/// A CSV header lookup that reports the file when a column is missing.
pub(crate) struct Columns {
    path: PathBuf,
    names: Vec<String>,
}

impl Columns {
    pub fn new(path: &Path, headers: &csv::StringRecord) -> Columns {
        let names = headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        Columns {
            path: path.to_path_buf(),
            names,
        }
    }

    pub fn index(&self, name: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .ok_or_else(|| SourceError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
            })
    }
}

/// Map a csv crate error onto our error, keeping the row number.
pub(crate) fn csv_error(path: &Path, e: csv::Error) -> SourceError {
    let row = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(err) => SourceError::Io {
            path: path.to_path_buf(),
            source: err,
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!(
                "has {len} fields but the header has {expected_len} (truncated or malformed file?)"
            ),
        },
        csv::ErrorKind::Utf8 { err, .. } => SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!("invalid UTF-8: {err}"),
        },
        other => SourceError::Row {
            path: path.to_path_buf(),
            row,
            message: format!("{other:?}"),
        },
    }
}

/// Open a CSV file with a header row; a BOM on the first header is tolerated.
pub(crate) fn open_csv(path: &Path) -> Result<(csv::Reader<fs::File>, Columns)> {
    let file = fs::File::open(path).map_err(|e| SourceError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(file);
    let headers = reader.headers().map_err(|e| csv_error(path, e))?.clone();
    let cols = Columns::new(path, &headers);
    Ok((reader, cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_manifest_parses_and_ids_are_unique() {
        let m = Manifest::builtin();
        let mut ids: Vec<_> = m.sources.iter().map(|s| s.id.as_str()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(m.get("iod2019").is_ok());
        assert!(matches!(m.get("nope"), Err(SourceError::UnknownSource(_))));
    }

    #[test]
    fn numbers_with_thousands_separators_and_blanks() {
        assert_eq!(parse_number("29,199"), Ok(Some(29199.0)));
        assert_eq!(parse_number(" 0.25 "), Ok(Some(0.25)));
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("NA"), Ok(None));
        assert!(parse_number("abc").is_err());
        assert!(parse_number("inf").is_err());
    }

    #[test]
    fn fetch_copies_from_mirror_and_rejects_a_bad_checksum() {
        let tmp = tempfile::tempdir().unwrap();
        let mirror = tmp.path().join("mirror");
        fs::create_dir_all(mirror.join("x")).unwrap();
        fs::write(mirror.join("x/a.txt"), b"hello").unwrap();
        fs::write(mirror.join("x/b.txt"), b"tampered").unwrap();
        let sha = hex::encode(Sha256::digest(b"hello"));
        let text = format!(
            "[[source]]\nid='a'\ntitle='A'\npublisher='P'\nurl='http://127.0.0.1:9/none'\nlicence='OGL v3'\nattribution='x'\nvintage='v'\nfile='x/a.txt'\nsha256='{sha}'\nneeded_for='core'\n\
             [[source]]\nid='b'\ntitle='B'\npublisher='P'\nurl='http://127.0.0.1:9/none'\nlicence='OGL v3'\nattribution='x'\nvintage='v'\nfile='x/b.txt'\nsha256='{sha}'\nneeded_for='core'\n"
        );
        let mut dd = DataDir::new(tmp.path().join("data"), Some(mirror));
        dd.manifest = Manifest::parse(&text).unwrap();
        dd.allow_download = false;
        let (path, how) = dd.fetch("a").unwrap();
        assert_eq!(how, Provenance::Mirror);
        assert_eq!(fs::read(&path).unwrap(), b"hello");
        assert_eq!(dd.fetch("a").unwrap().1, Provenance::Present);
        let err = dd.fetch("b").unwrap_err();
        assert!(matches!(err, SourceError::Checksum { .. }), "{err}");
        assert!(
            !dd.root.join("x/b.txt").exists(),
            "a file that failed verification must not be installed"
        );
        assert!(std::fs::read_dir(dd.root.join("x")).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")));
        // A missing source says where to get it.
        dd.mirror = None;
        fs::remove_file(dd.root.join("x/a.txt")).unwrap();
        let msg = dd.fetch("a").unwrap_err().to_string();
        assert!(
            msg.contains("http://127.0.0.1:9/none") && msg.contains("x/a.txt"),
            "{msg}"
        );
    }
}
