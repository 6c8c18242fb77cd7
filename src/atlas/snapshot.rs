//! Compiled atlas snapshots: a loaded [`Atlas`] written once per region and vintage, so every
//! later command opens it in milliseconds instead of re-deriving it from the national files.
//!
//! # File layout (format version [`FORMAT_VERSION`])
//!
//! ```text
//! magic "NMATLAS\0" | format u32 LE | header length u64 LE | body length u64 LE | SHA-256 of header+body (32 bytes)
//! header: postcard(Header)   — format, derivation version, crate version, region, vintage, codec,
//!                               and every input's id, path, SHA-256 and size:mtime stamp
//! body:   codec(Body)        — areas (polygons, centroids), every layer, GP sites (today and
//!                               2019), sources, and the postcodes of the region and its margin
//! ```
//!
//! A snapshot is used only when its own checksum holds (a truncated or damaged file is detected
//! and rebuilt with a warning), its format, derivation and crate version are this program's, its
//! region and vintage are the ones asked for, and every input is unchanged: same file stamp and
//! the manifest's SHA-256, or the same SHA-256 when re-hashed. Anything else rebuilds it. Writes go
//! to a temporary name in the same folder and are renamed when complete, so a crash never leaves a
//! half-written snapshot under the real name.

use super::gp::{Exclusion, GpKind, GpSite, GpSites};
use super::layers::{AbsentLayer, Layer, LayerMeta, LayerSet, Method, Values};
use super::{Atlas, Lsoa, MissingBoundaries, Region, Shape, UsedSource, GP_MARGIN_M};
use crate::geodesy::degrees_for_metres;
use crate::sources::codepoint::{PostcodeBook, PostcodePoint};
use crate::sources::{sha256_file, DataDir};
use crate::vintage::Vintage;
use geo::{BoundingRect, Coord, LineString, MultiPolygon, Point, Polygon};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The container format. Bump when the layout or the body's types change.
pub const FORMAT_VERSION: u32 = 4;

/// Bump when the way the atlas is derived from unchanged inputs changes (a new layer, a new rule),
/// so snapshots made by an older program are rebuilt rather than answering with old layers.
pub const DERIVATION_VERSION: u32 = 4;

const MAGIC: [u8; 8] = *b"NMATLAS\0";
const PREFIX_LEN: usize = 8 + 4 + 8 + 8 + 32;

/// The body encoding. The product writes [`Codec::DEFAULT`]; the others exist so the benchmark
/// can measure the candidates on the same atlas (see `benches/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Codec {
    Postcard,
    PostcardZstd,
    Bincode,
    BincodeZstd,
}

impl Codec {
    /// The choice, measured in `benches/README.md` ("Atlas snapshot").
    pub const DEFAULT: Codec = Codec::PostcardZstd;
    pub const ALL: [Codec; 4] = [
        Codec::Postcard,
        Codec::PostcardZstd,
        Codec::Bincode,
        Codec::BincodeZstd,
    ];

    /// zstd level 3: the library default, a few hundred MB/s to write and over 1 GB/s to read.
    const ZSTD_LEVEL: i32 = 3;

    fn encode(self, body: &impl Serialize) -> Result<Vec<u8>, String> {
        let raw = match self {
            Codec::Postcard | Codec::PostcardZstd => {
                postcard::to_stdvec(body).map_err(|e| e.to_string())?
            }
            Codec::Bincode | Codec::BincodeZstd => {
                bincode::serde::encode_to_vec(body, bincode::config::standard())
                    .map_err(|e| e.to_string())?
            }
        };
        match self {
            Codec::PostcardZstd | Codec::BincodeZstd => {
                zstd::bulk::compress(&raw, Self::ZSTD_LEVEL).map_err(|e| e.to_string())
            }
            _ => Ok(raw),
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(self, bytes: &[u8]) -> Result<T, String> {
        let raw;
        let plain: &[u8] = match self {
            Codec::PostcardZstd | Codec::BincodeZstd => {
                raw = zstd::stream::decode_all(bytes).map_err(|e| format!("zstd: {e}"))?;
                &raw
            }
            _ => bytes,
        };
        match self {
            Codec::Postcard | Codec::PostcardZstd => {
                postcard::from_bytes(plain).map_err(|e| format!("postcard: {e}"))
            }
            Codec::Bincode | Codec::BincodeZstd => {
                let (v, used) =
                    bincode::serde::decode_from_slice(plain, bincode::config::standard())
                        .map_err(|e| format!("bincode: {e}"))?;
                if used != plain.len() {
                    return Err(format!("bincode: {} trailing bytes", plain.len() - used));
                }
                Ok(v)
            }
        }
    }
}

/// One file the atlas was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// The manifest id (`geodata/sources.toml`), or `network` for a `--network FILE`.
    pub id: String,
    pub path: PathBuf,
    pub sha256: String,
    /// Size and modification time ("bytes:nanoseconds"): unchanged means no need to re-hash.
    pub stamp: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format: u32,
    derivation: u32,
    crate_version: String,
    region: String,
    vintage: Vintage,
    codec: Codec,
    inputs: Vec<InputFile>,
}

#[derive(Serialize, Deserialize)]
struct AreaRec {
    code: String,
    name: String,
    district_code: String,
    district: String,
    /// `None` in an atlas built without boundaries (the body's `unmapped` says which).
    shape: Option<ShapeRec>,
}

#[derive(Serialize, Deserialize)]
struct ShapeRec {
    centroid: [f64; 2],
    /// Polygons → rings (exterior first) → coordinates.
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

#[derive(Serialize, Deserialize)]
enum ValuesRec {
    Number(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

#[derive(Serialize, Deserialize)]
struct LayerRec {
    /// The metadata as JSON: it is small, and JSON follows `LayerMeta`'s own serde attributes
    /// (optional fields) that a non-self-describing encoding cannot.
    meta_json: String,
    values: ValuesRec,
    /// Each area's method when the layer mixes methods (routed here, estimated there).
    area_methods: Option<Vec<Method>>,
}

#[derive(Serialize, Deserialize)]
struct SitesRec {
    sites: Vec<GpSite>,
    excluded: Vec<(GpKind, Exclusion, u64)>,
}

#[derive(Serialize, Deserialize)]
struct Body {
    national_count: u64,
    areas: Vec<AreaRec>,
    layers: Vec<LayerRec>,
    /// Layers the catalogue lists that this atlas could not make, with the reason.
    absent: Vec<AbsentLayer>,
    gp_sites: SitesRec,
    gp_sites_2019: SitesRec,
    sources: Vec<UsedSource>,
    /// Postcodes of the region and its GP margin; others are read from the zip on demand.
    postcodes: Vec<PostcodePoint>,
    /// The boundaries the atlas was built without, when it was.
    unmapped: Option<MissingBoundaries>,
}

/// Why a snapshot was (re)built instead of opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebuild {
    /// There was none yet.
    Missing,
    /// Asked for (`needsmap build --force`).
    Forced,
    /// It could not be read (permissions, I/O).
    Unreadable(String),
    /// Shorter or longer than its own header says: an interrupted copy or a full disk.
    Truncated { expected: u64, found: u64 },
    /// Its checksum does not match its contents, or its contents do not decode.
    Corrupt(String),
    /// Written by another format, derivation or program version.
    Outdated(String),
    /// Made for another region or vintage (a file name clash).
    OtherKey(String),
    /// An input was added, removed, or changed.
    InputChanged(String),
}

impl fmt::Display for Rebuild {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rebuild::Missing => f.write_str("no snapshot yet"),
            Rebuild::Forced => f.write_str("rebuild requested"),
            Rebuild::Unreadable(e) => write!(f, "cannot be read: {e}"),
            Rebuild::Truncated { expected, found } => write!(
                f,
                "truncated: {found} bytes where its header says {expected}"
            ),
            Rebuild::Corrupt(why) => write!(f, "corrupt: {why}"),
            Rebuild::Outdated(why) => write!(f, "made by another version: {why}"),
            Rebuild::OtherKey(why) => write!(f, "made for {why}"),
            Rebuild::InputChanged(why) => write!(f, "an input changed: {why}"),
        }
    }
}

/// Whether the atlas came from its snapshot or was built (and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Opened,
    Built(Rebuild),
}

/// An atlas with where its snapshot lives and how it was obtained.
#[derive(Debug)]
pub struct Opened {
    pub atlas: Atlas,
    pub vintage: Vintage,
    pub path: PathBuf,
    pub outcome: Outcome,
    /// Bytes of the snapshot on disk (0 when it could not be written).
    pub bytes: u64,
}

/// Where the snapshot of a region and vintage lives: `<data>/atlas/<region>-<vintage>[-net<hash>].atlas`.
pub fn path_for(
    data: &DataDir,
    region: &Region,
    vintage: Vintage,
    network: Option<&Path>,
) -> PathBuf {
    let name: String = region
        .to_string()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let net = match network {
        Some(p) => format!(
            "-net{}",
            &hex::encode(Sha256::digest(canonical(p).to_string_lossy().as_bytes()))[..10]
        ),
        None => String::new(),
    };
    data.root
        .join("atlas")
        .join(format!("{name}-{vintage}{net}.atlas"))
}

/// The files an atlas of this region and vintage is built from, by manifest id (the builders in
/// `Atlas::load`, `atlas::v2025` and `overlay`): keep this list and the builders in step.
pub fn inputs_for(
    data: &DataDir,
    region: &Region,
    vintage: Vintage,
    network: Option<&Path>,
) -> Vec<(String, PathBuf)> {
    let mut ids: Vec<&str> = match vintage {
        Vintage::V2019 => vec![
            "iod2019",
            region.boundary_source(),
            "lsoa11_pwc",
            "iod2019_indicators",
            "dft_acs0505_2013",
            "cilif_msoa11_gloucestershire",
            "wards_wd25_gloucestershire",
        ],
        Vintage::V2025 => {
            let mut v = vec![
                "iod2025",
                "iod2025_subdomains",
                "iod2025_indicators",
                "iod2019",
                "iod2019_indicators",
                "dft_acs0505_2013",
            ];
            // England without its LSOA 2021 boundaries is built without them: adding the file
            // changes this list, which rebuilds the snapshot with maps.
            match super::v2025::boundary_source(data, region) {
                Ok(None) => {}
                Ok(Some(id)) => v.extend([id, "lsoa11_pwc"]),
                Err(_) => v.push(super::layers::catalogue::source::LSOA21_BGC_ENGLAND_WALES),
            }
            if region.within_gloucestershire() {
                v.extend([
                    "lsoa11_to_lsoa21_gloucestershire",
                    "cilif_msoa11_gloucestershire",
                    "wards_wd25_gloucestershire",
                    "msoa21_bgc_gloucestershire",
                ]);
            }
            v
        }
    };
    ids.extend(["epraccur", "ebranchs", "codepoint_open"]);
    let mut out: Vec<(String, PathBuf)> = ids
        .iter()
        .filter_map(|id| {
            data.path_of(id)
                .ok()
                .map(|p| (id.to_string(), canonical(&p)))
        })
        .collect();
    // GTFS feeds: their presence decides the public-transport layers.
    if let Ok(dir) = fs::read_dir(data.root.join(crate::overlay::GTFS_DIR)) {
        let mut feeds: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")))
            .collect();
        feeds.sort();
        out.extend(
            feeds
                .into_iter()
                .map(|p| ("gtfs".to_string(), canonical(&p))),
        );
    }
    match network {
        Some(p) => out.push(("network".into(), canonical(p))),
        None if data.has("osm_gloucestershire") => out.extend(
            data.path_of("osm_gloucestershire")
                .ok()
                .map(|p| ("osm_gloucestershire".into(), canonical(&p))),
        ),
        None => {}
    }
    out
}

/// A path as the file system resolves it, so `--data-dir geodata/cache` and the same folder
/// given absolutely (or through a symlink) name the same inputs; a path that does not resolve
/// (a missing file) is made absolute without touching the disk.
fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Whether the inputs a snapshot recorded are the ones asked for now (`wanted`, resolved by
/// [`inputs_for`]): same ids in the same order, at the same files once the recorded path is
/// resolved too.
fn same_inputs(recorded: &[InputFile], wanted: &[(String, PathBuf)]) -> bool {
    recorded.len() == wanted.len()
        && recorded
            .iter()
            .zip(wanted)
            .all(|(r, (id, p))| r.id == *id && canonical(&r.path) == *p)
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

/// Fingerprint the inputs after a build: pinned manifest sources were verified against the
/// manifest's SHA-256 when the build fetched them; anything else is hashed.
fn fingerprint(data: &DataDir, inputs: &[(String, PathBuf)]) -> io::Result<Vec<InputFile>> {
    inputs
        .iter()
        .map(|(id, path)| {
            let pinned = data
                .manifest
                .get(id)
                .ok()
                .map(|s| s.sha256.clone())
                .filter(|s| !s.is_empty());
            let sha256 = match pinned {
                Some(sha) => {
                    data.require(id).map_err(io::Error::other)?;
                    sha
                }
                None => sha256_file(path).map_err(io::Error::other)?,
            };
            let stamp = file_stamp(path).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} is gone", path.display()),
                )
            })?;
            Ok(InputFile {
                id: id.clone(),
                path: path.clone(),
                sha256,
                stamp,
            })
        })
        .collect()
}

/// Whether a recorded input still holds, hashing only when its stamp moved.
fn input_unchanged(data: &DataDir, input: &InputFile) -> Result<(), Rebuild> {
    let changed = |why: String| {
        Rebuild::InputChanged(format!("{} ({}): {why}", input.id, input.path.display()))
    };
    if let Some(pinned) = data
        .manifest
        .get(&input.id)
        .ok()
        .map(|s| s.sha256.as_str())
        .filter(|s| !s.is_empty())
    {
        if !pinned.eq_ignore_ascii_case(&input.sha256) {
            return Err(changed(format!(
                "the manifest now expects sha256 {pinned}, the snapshot was built from {}",
                input.sha256
            )));
        }
    }
    match file_stamp(&input.path) {
        None => Err(changed("the file is missing".into())),
        Some(stamp) if stamp == input.stamp => Ok(()),
        Some(_) => {
            let sha = sha256_file(&input.path).map_err(|e| changed(e.to_string()))?;
            if sha.eq_ignore_ascii_case(&input.sha256) {
                Ok(())
            } else {
                Err(changed(format!(
                    "sha256 is now {sha}, was {}",
                    input.sha256
                )))
            }
        }
    }
}

fn body_of(atlas: &Atlas, postcodes: Vec<PostcodePoint>) -> Result<Body, String> {
    let ring = |l: &LineString<f64>| l.0.iter().map(|c| [c.x, c.y]).collect::<Vec<_>>();
    let areas = atlas
        .areas
        .iter()
        .map(|a| AreaRec {
            code: a.code.clone(),
            name: a.name.clone(),
            district_code: a.district_code.clone(),
            district: a.district.clone(),
            shape: a.shape.as_ref().map(|s| ShapeRec {
                centroid: [s.centroid.x(), s.centroid.y()],
                polygons: s
                    .polygon
                    .0
                    .iter()
                    .map(|p| {
                        std::iter::once(ring(p.exterior()))
                            .chain(p.interiors().iter().map(ring))
                            .collect()
                    })
                    .collect(),
            }),
        })
        .collect();
    let layers = atlas
        .layers
        .iter()
        .map(|l| {
            Ok(LayerRec {
                meta_json: serde_json::to_string(&l.meta).map_err(|e| e.to_string())?,
                values: match &l.values {
                    Values::Number(v) => ValuesRec::Number(v.clone()),
                    Values::Text(v) => ValuesRec::Text(v.clone()),
                },
                area_methods: (l.meta.method == Method::Mixed)
                    .then(|| (0..l.values.len()).map(|i| l.method_of(i)).collect()),
            })
        })
        .collect::<Result<_, String>>()?;
    let sites = |s: &GpSites| SitesRec {
        sites: s.sites.clone(),
        excluded: s
            .excluded
            .iter()
            .map(|(&(k, e), &n)| (k, e, n as u64))
            .collect(),
    };
    Ok(Body {
        national_count: atlas.national_count as u64,
        areas,
        layers,
        absent: atlas.layers.absent().to_vec(),
        gp_sites: sites(&atlas.gp_sites),
        gp_sites_2019: sites(&atlas.gp_sites_2019),
        sources: atlas.sources.clone(),
        postcodes,
        unmapped: atlas.unmapped.clone(),
    })
}

fn atlas_of(
    body: Body,
    region: Region,
    vintage: Vintage,
    postcodes: PostcodeBook,
) -> Result<Atlas, String> {
    let ring = |r: Vec<[f64; 2]>| {
        LineString::from(
            r.into_iter()
                .map(|[x, y]| Coord { x, y })
                .collect::<Vec<_>>(),
        )
    };
    let mut areas = Vec::with_capacity(body.areas.len());
    for a in body.areas {
        let shape = match a.shape {
            None if body.unmapped.is_some() => None,
            None => return Err(format!("area {} has no shape in a mapped atlas", a.code)),
            Some(_) if body.unmapped.is_some() => {
                return Err(format!(
                    "area {} has a shape in an atlas without boundaries",
                    a.code
                ))
            }
            Some(s) => {
                let polygon = MultiPolygon(
                    s.polygons
                        .into_iter()
                        .map(|rings| {
                            let mut rings = rings.into_iter();
                            let exterior = rings
                                .next()
                                .map(ring)
                                .unwrap_or_else(|| LineString(Vec::new()));
                            Polygon::new(exterior, rings.map(ring).collect())
                        })
                        .collect(),
                );
                let bbox = polygon
                    .bounding_rect()
                    .ok_or_else(|| format!("area {} has an empty polygon", a.code))?;
                Some(Shape {
                    polygon,
                    centroid: Point::new(s.centroid[0], s.centroid[1]),
                    bbox,
                })
            }
        };
        areas.push(Lsoa {
            code: a.code,
            name: a.name,
            district_code: a.district_code,
            district: a.district,
            shape,
        });
    }
    let n = areas.len();
    let mut layers = LayerSet::of_vintage(vintage.into());
    for l in body.layers {
        let meta: LayerMeta =
            serde_json::from_str(&l.meta_json).map_err(|e| format!("layer metadata: {e}"))?;
        let values = match l.values {
            ValuesRec::Number(v) => Values::Number(v),
            ValuesRec::Text(v) => Values::Text(v),
        };
        if values.len() != n {
            return Err(format!(
                "layer {} has {} values for {n} areas",
                meta.id,
                values.len()
            ));
        }
        layers.insert(match l.area_methods {
            Some(methods) if methods.len() == n => Layer::with_area_methods(meta, values, methods),
            Some(methods) => {
                return Err(format!(
                    "layer {} has {} area methods for {n} areas",
                    meta.id,
                    methods.len()
                ))
            }
            None => Layer::new(meta, values),
        });
    }
    for a in body.absent {
        layers.restore_absent(a);
    }
    let sites = |s: SitesRec| {
        GpSites::new(
            s.sites,
            s.excluded
                .into_iter()
                .map(|(k, e, c)| ((k, e), c as usize))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    let (by_code, index) = super::area_index(&areas);
    Ok(Atlas {
        region,
        vintage,
        areas,
        layers,
        gp_sites: sites(body.gp_sites),
        gp_sites_2019: sites(body.gp_sites_2019),
        national_count: body.national_count as usize,
        sources: body.sources,
        postcodes: postcodes.with_preloaded(body.postcodes),
        unmapped: body.unmapped,
        by_code,
        index,
    })
}

/// The postcodes a region's snapshot carries: those within the region's bounds widened by the GP
/// margin (the same margin GP sites are kept within). England carries none: its 1.5 million
/// postcodes cost more to load than reading one postcode area from the zip when asked.
fn region_postcodes(atlas: &Atlas) -> Result<Vec<PostcodePoint>, String> {
    if atlas.region == Region::England || atlas.unmapped.is_some() {
        return Ok(Vec::new());
    }
    let [w, s, e, n] = atlas.bounds();
    let (dlon, dlat) = degrees_for_metres(GP_MARGIN_M, n.abs().max(s.abs()));
    atlas
        .postcodes
        .points_within(w - dlon, s - dlat, e + dlon, n + dlat)
        .map_err(|e| e.to_string())
}

/// Encode an atlas body with a codec (for the benchmark: the product uses [`write`]).
#[doc(hidden)]
pub fn encode_body(atlas: &Atlas, codec: Codec) -> Result<Vec<u8>, String> {
    codec.encode(&body_of(atlas, region_postcodes(atlas)?)?)
}

/// Decode a body written by [`encode_body`] into an atlas (for the benchmark).
#[doc(hidden)]
pub fn decode_body(
    bytes: &[u8],
    codec: Codec,
    region: &Region,
    vintage: Vintage,
    postcodes: PostcodeBook,
) -> Result<Atlas, String> {
    atlas_of(codec.decode(bytes)?, region.clone(), vintage, postcodes)
}

/// Write an atlas's snapshot: to a temporary name beside `path`, synced, then renamed.
/// Returns the size in bytes.
pub fn write(
    path: &Path,
    atlas: &Atlas,
    vintage: Vintage,
    inputs: Vec<InputFile>,
) -> io::Result<u64> {
    let started = Instant::now();
    let header = Header {
        format: FORMAT_VERSION,
        derivation: DERIVATION_VERSION,
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        region: atlas.region.to_string(),
        vintage,
        codec: Codec::DEFAULT,
        inputs,
    };
    let header_bytes = postcard::to_stdvec(&header).map_err(io::Error::other)?;
    let body_bytes = encode_body(atlas, Codec::DEFAULT).map_err(io::Error::other)?;
    let mut hasher = Sha256::new();
    hasher.update(&header_bytes);
    hasher.update(&body_bytes);
    let digest = hasher.finalize();

    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("atlas.{}-{seq}.partial", std::process::id()));
    let result = (|| {
        let mut f = io::BufWriter::new(fs::File::create(&tmp)?);
        f.write_all(&MAGIC)?;
        f.write_all(&FORMAT_VERSION.to_le_bytes())?;
        f.write_all(&(header_bytes.len() as u64).to_le_bytes())?;
        f.write_all(&(body_bytes.len() as u64).to_le_bytes())?;
        f.write_all(&digest)?;
        f.write_all(&header_bytes)?;
        f.write_all(&body_bytes)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    let bytes = (PREFIX_LEN + header_bytes.len() + body_bytes.len()) as u64;
    tracing::info!(path = %path.display(), bytes, ms = started.elapsed().as_millis() as u64, "atlas snapshot written");
    Ok(bytes)
}

/// Read and check a snapshot's container: magic, format, lengths, checksum. Returns the header
/// and the body bytes.
fn read_container(bytes: &[u8]) -> Result<(Header, &[u8]), Rebuild> {
    if bytes.len() < PREFIX_LEN {
        return Err(Rebuild::Truncated {
            expected: PREFIX_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    if bytes[..8] != MAGIC {
        return Err(Rebuild::Corrupt(
            "not a needsmap atlas snapshot (bad magic)".into(),
        ));
    }
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    let u64_at = |i: usize| u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
    let format = u32_at(8);
    if format != FORMAT_VERSION {
        return Err(Rebuild::Outdated(format!(
            "format {format}, this program writes {FORMAT_VERSION}"
        )));
    }
    let (hlen, blen) = (u64_at(12), u64_at(20));
    let expected = (PREFIX_LEN as u64)
        .saturating_add(hlen)
        .saturating_add(blen);
    if expected != bytes.len() as u64 {
        return Err(Rebuild::Truncated {
            expected,
            found: bytes.len() as u64,
        });
    }
    let rest = &bytes[PREFIX_LEN..];
    if Sha256::digest(rest)[..] != bytes[28..60] {
        return Err(Rebuild::Corrupt("checksum mismatch".into()));
    }
    let (h, b) = rest.split_at(hlen as usize);
    let header: Header =
        postcard::from_bytes(h).map_err(|e| Rebuild::Corrupt(format!("header: {e}")))?;
    Ok((header, b))
}

/// Open the snapshot at `path` if it is sound and current for this region, vintage and inputs.
pub fn read(
    path: &Path,
    data: &DataDir,
    region: &Region,
    vintage: Vintage,
    inputs: &[(String, PathBuf)],
) -> Result<Atlas, Rebuild> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Rebuild::Missing),
        Err(e) => return Err(Rebuild::Unreadable(e.to_string())),
    };
    let (header, body) = read_container(&bytes)?;
    if header.derivation != DERIVATION_VERSION || header.crate_version != env!("CARGO_PKG_VERSION")
    {
        return Err(Rebuild::Outdated(format!(
            "needsmap {} derivation {}",
            header.crate_version, header.derivation
        )));
    }
    if header.region != region.to_string() || header.vintage != vintage {
        return Err(Rebuild::OtherKey(format!(
            "region {} vintage {}",
            header.region, header.vintage
        )));
    }
    if !same_inputs(&header.inputs, inputs) {
        let was: Vec<String> = header
            .inputs
            .iter()
            .map(|i| format!("{} {}", i.id, i.path.display()))
            .collect();
        let now: Vec<String> = inputs
            .iter()
            .map(|(id, p)| format!("{id} {}", p.display()))
            .collect();
        return Err(Rebuild::InputChanged(format!(
            "inputs were [{}], are now [{}]",
            was.join(", "),
            now.join(", ")
        )));
    }
    for input in &header.inputs {
        input_unchanged(data, input)?;
    }
    let zip = data
        .path_of("codepoint_open")
        .map_err(|e| Rebuild::Unreadable(e.to_string()))?;
    let book = PostcodeBook::open(&zip).map_err(|e| Rebuild::Unreadable(e.to_string()))?;
    let body: Body = header.codec.decode(body).map_err(Rebuild::Corrupt)?;
    atlas_of(body, region.clone(), vintage, book).map_err(Rebuild::Corrupt)
}

/// Open the region's snapshot, or build the atlas with `build` and write its snapshot when the
/// snapshot is missing, stale, truncated or corrupt (with a warning for the last three). A
/// snapshot that cannot be written is a warning, not an error: the built atlas still answers.
pub fn open_or_build<E>(
    data: &DataDir,
    region: &Region,
    vintage: Vintage,
    network: Option<&Path>,
    force: bool,
    build: impl FnOnce() -> Result<Atlas, E>,
) -> Result<Opened, E> {
    let path = path_for(data, region, vintage, network);
    let inputs = inputs_for(data, region, vintage, network);
    let reason = if force {
        Rebuild::Forced
    } else {
        let started = Instant::now();
        match read(&path, data, region, vintage, &inputs) {
            Ok(atlas) => {
                tracing::debug!(path = %path.display(), ms = started.elapsed().as_millis() as u64, "atlas snapshot opened");
                let bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                return Ok(Opened {
                    atlas,
                    vintage,
                    path,
                    outcome: Outcome::Opened,
                    bytes,
                });
            }
            Err(reason) => reason,
        }
    };
    match &reason {
        Rebuild::Missing | Rebuild::Forced => {
            tracing::info!(path = %path.display(), "building the atlas snapshot: {reason}")
        }
        Rebuild::Outdated(_) | Rebuild::InputChanged(_) | Rebuild::OtherKey(_) => {
            tracing::info!(path = %path.display(), "rebuilding the atlas snapshot: {reason}")
        }
        _ => tracing::warn!(path = %path.display(), "atlas snapshot {reason}; rebuilding it"),
    }
    let atlas = build()?;
    let bytes = match fingerprint(data, &inputs).and_then(|fp| write(&path, &atlas, vintage, fp)) {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(path = %path.display(), "could not write the atlas snapshot ({e}); answering from the freshly built atlas");
            0
        }
    };
    Ok(Opened {
        atlas,
        vintage,
        path,
        outcome: Outcome::Built(reason),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(header: &[u8], body: &[u8]) -> Vec<u8> {
        let mut h = Sha256::new();
        h.update(header);
        h.update(body);
        let mut v = MAGIC.to_vec();
        v.extend(FORMAT_VERSION.to_le_bytes());
        v.extend((header.len() as u64).to_le_bytes());
        v.extend((body.len() as u64).to_le_bytes());
        v.extend(h.finalize());
        v.extend(header);
        v.extend(body);
        v
    }

    fn header_bytes() -> Vec<u8> {
        postcard::to_stdvec(&Header {
            format: FORMAT_VERSION,
            derivation: DERIVATION_VERSION,
            crate_version: "x".into(),
            region: "gloucestershire".into(),
            vintage: Vintage::V2019,
            codec: Codec::DEFAULT,
            inputs: vec![InputFile {
                id: "a".into(),
                path: "a.csv".into(),
                sha256: "00".into(),
                stamp: "1:2".into(),
            }],
        })
        .unwrap()
    }

    #[test]
    fn container_detects_truncation_corruption_and_other_formats() {
        let good = container(&header_bytes(), b"body");
        let (h, b) = read_container(&good).unwrap();
        assert_eq!((h.region.as_str(), b), ("gloucestershire", &b"body"[..]));
        for cut in [0, 10, PREFIX_LEN, good.len() - 1] {
            assert!(
                matches!(read_container(&good[..cut]), Err(Rebuild::Truncated { .. })),
                "cut at {cut}"
            );
        }
        let mut longer = good.clone();
        longer.push(0);
        assert!(matches!(
            read_container(&longer),
            Err(Rebuild::Truncated { .. })
        ));
        for at in [PREFIX_LEN + 1, good.len() - 2, 30] {
            let mut bad = good.clone();
            bad[at] ^= 0x40;
            assert_eq!(
                read_container(&bad).unwrap_err(),
                Rebuild::Corrupt("checksum mismatch".into()),
                "flip at {at}"
            );
        }
        let mut other = good.clone();
        other[8] = 99;
        assert!(matches!(read_container(&other), Err(Rebuild::Outdated(_))));
        let mut magic = good;
        magic[0] = b'X';
        assert!(matches!(read_container(&magic), Err(Rebuild::Corrupt(_))));
    }

    #[test]
    fn codecs_round_trip_and_refuse_garbage() {
        let v: Vec<(String, Option<f64>)> = (0..1000)
            .map(|i| (format!("E{i:08}"), (i % 7 != 0).then_some(i as f64 / 3.0)))
            .collect();
        for codec in Codec::ALL {
            let bytes = codec.encode(&v).unwrap();
            assert_eq!(
                codec.decode::<Vec<(String, Option<f64>)>>(&bytes).unwrap(),
                v,
                "{codec:?}"
            );
            assert!(
                codec
                    .decode::<Vec<(String, Option<f64>)>>(&bytes[..bytes.len() / 2])
                    .is_err(),
                "{codec:?} half"
            );
        }
    }

    #[test]
    fn inputs_compare_by_resolved_path_not_by_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("geodata").join("cache");
        fs::create_dir_all(cache.join("deprivation")).unwrap();
        let file = cache.join("deprivation").join("a.csv");
        fs::write(&file, "x").unwrap();
        // `wanted` comes resolved from `inputs_for`
        let file = fs::canonicalize(&file).unwrap();
        let recorded = |path: PathBuf| InputFile {
            id: "a".into(),
            path,
            sha256: "00".into(),
            stamp: "1:2".into(),
        };
        // Spelled relative to the folder above, with a detour, and absolute: one file.
        let detour = dir
            .path()
            .join("geodata")
            .join("..")
            .join("geodata")
            .join("cache/deprivation/a.csv");
        let relative = pathdiff_like(&file);
        for spelling in [detour, relative, file.clone()] {
            assert!(
                same_inputs(&[recorded(spelling.clone())], &[("a".into(), file.clone())]),
                "{} is {}",
                spelling.display(),
                file.display()
            );
        }
        // Another file, another id, or one input more are changes.
        let other = cache.join("deprivation").join("b.csv");
        fs::write(&other, "y").unwrap();
        assert!(!same_inputs(
            &[recorded(other)],
            &[("a".into(), file.clone())]
        ));
        assert!(!same_inputs(
            &[recorded(file.clone())],
            &[("b".into(), file.clone())]
        ));
        assert!(!same_inputs(
            &[recorded(file.clone())],
            &[("a".into(), file.clone()), ("a".into(), file.clone())]
        ));
        // The network part of a snapshot name does not depend on the spelling either.
        let d = DataDir::new("/data", None);
        let cwd_relative = pathdiff_like(&file);
        assert_eq!(
            path_for(&d, &Region::default(), Vintage::V2019, Some(&file)),
            path_for(&d, &Region::default(), Vintage::V2019, Some(&cwd_relative))
        );
    }

    /// `path` spelled relative to the current directory (through `..` as far as needed).
    fn pathdiff_like(path: &Path) -> PathBuf {
        let cwd = fs::canonicalize(std::env::current_dir().unwrap()).unwrap();
        let target = fs::canonicalize(path).unwrap();
        let ups = cwd.components().count() - 1;
        let mut rel = PathBuf::new();
        for _ in 0..ups {
            rel.push("..");
        }
        rel.push(target.strip_prefix("/").unwrap());
        assert!(rel.is_relative());
        rel
    }

    #[test]
    fn snapshot_names_keep_regions_vintages_and_networks_apart() {
        let d = DataDir::new("/data", None);
        let g = path_for(&d, &Region::default(), Vintage::V2019, None);
        assert_eq!(g, PathBuf::from("/data/atlas/gloucestershire-2019.atlas"));
        assert_ne!(g, path_for(&d, &Region::default(), Vintage::V2025, None));
        assert_ne!(
            g,
            path_for(
                &d,
                &Region::default(),
                Vintage::V2019,
                Some(Path::new("x.osm.pbf"))
            )
        );
        let r: Region = "E07000078,E07000081".parse().unwrap();
        assert_eq!(
            path_for(&d, &r, Vintage::V2019, None),
            PathBuf::from("/data/atlas/e07000078_e07000081-2019.atlas")
        );
    }
}
