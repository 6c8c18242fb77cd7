//! The atlas: a region's LSOAs, their layers, GP sites and the spatial index over them.

pub mod change;
pub mod child_poverty;
pub mod gp;
pub mod layers;
pub mod msoa21;
pub mod snapshot;
pub mod v2025;
pub mod wards;

use crate::geodesy::{degrees_for_metres, LocalMetres};
use crate::sources::codepoint::{Postcode, PostcodeBook, PostcodeError, PostcodePoint};
use crate::sources::iod::{decile_of_rank, rank_descending, IodRow};
use crate::sources::{self, DataDir, SourceError};
use geo::{BoundingRect, Contains, Intersects, MultiPolygon, Point, Rect};
use gp::{GpSites, SiteDate};
use layers::catalogue::{self, Vars};
use layers::{ids, Layer, LayerSet, Values};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

/// The six districts of Gloucestershire (E10000013).
pub const GLOUCESTERSHIRE_DISTRICTS: [&str; 6] = [
    "E07000078",
    "E07000079",
    "E07000080",
    "E07000081",
    "E07000082",
    "E07000083",
];

/// How far beyond the region GP sites are kept: people cross a county line to see a GP.
pub const GP_MARGIN_M: f64 = 15_000.0;

#[derive(Debug, thiserror::Error)]
pub enum AtlasError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error(
        "region '{0}' is not known: use 'gloucestershire', 'england', or a \
        comma-separated list of local authority district codes like E07000078,E07000081"
    )]
    UnknownRegion(String),
    #[error(
        "region {region} has no LSOAs in {source_file} (are the district codes right? \
        They are 2019 codes such as E07000078)"
    )]
    EmptyRegion { region: String, source_file: String },
    #[error("LSOA {code} of region {region} is missing from {what}")]
    Incomplete {
        code: String,
        region: String,
        what: String,
    },
    #[error("unknown LSOA code '{0}'")]
    UnknownArea(String),
    #[error(transparent)]
    Postcode(#[from] PostcodeError),
    #[error(transparent)]
    Compare(#[from] crate::vintage::CompareError),
    #[error("postcode {0} is not in OS Code-Point Open (it may be terminated or not exist)")]
    PostcodeNotFound(String),
    /// A map, a point or a distance asked of an atlas built without boundaries.
    #[error("{0}")]
    BoundariesMissing(MissingBoundaries),
    #[error("postcode {postcode} is in {district}, outside the loaded region ({region})")]
    OutsideRegion {
        postcode: String,
        district: String,
        region: String,
    },
}

pub type Result<T, E = AtlasError> = std::result::Result<T, E>;

/// Which areas are loaded: configuration, never an assumption about one county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Region {
    /// A set of local authority district codes (2019), with a display name.
    Districts { name: String, codes: Vec<String> },
    /// Every English LSOA.
    England,
}

impl Default for Region {
    fn default() -> Self {
        Region::Districts {
            name: "gloucestershire".into(),
            codes: GLOUCESTERSHIRE_DISTRICTS
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

impl FromStr for Region {
    type Err = AtlasError;
    fn from_str(s: &str) -> Result<Region> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("gloucestershire") || t.eq_ignore_ascii_case("E10000013") {
            return Ok(Region::default());
        }
        if t.eq_ignore_ascii_case("england") {
            return Ok(Region::England);
        }
        let codes: Vec<String> = t
            .split(',')
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty())
            .collect();
        let valid = |c: &str| {
            c.len() == 9 && c.starts_with('E') && c[1..].chars().all(|ch| ch.is_ascii_digit())
        };
        if codes.is_empty() || !codes.iter().all(|c| valid(c)) {
            return Err(AtlasError::UnknownRegion(s.to_string()));
        }
        Ok(Region::Districts {
            name: codes.join(","),
            codes,
        })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Region::Districts { name, .. } => f.write_str(name),
            Region::England => f.write_str("england"),
        }
    }
}

impl Region {
    /// The region's name for sentences ("Gloucestershire", "England").
    pub fn title(&self) -> String {
        match self {
            Region::Districts { name, .. } if name == "gloucestershire" => "Gloucestershire".into(),
            Region::Districts { name, .. } => format!("districts {name}"),
            Region::England => "England".into(),
        }
    }

    pub(crate) fn includes(&self, lad: &str) -> bool {
        match self {
            Region::Districts { codes, .. } => codes.iter().any(|c| c == lad),
            Region::England => lad.starts_with('E'),
        }
    }

    /// Whether every district of the region is one of Gloucestershire's (the mirrored county).
    pub fn within_gloucestershire(&self) -> bool {
        matches!(self, Region::Districts { codes, .. }
            if codes.iter().all(|c| GLOUCESTERSHIRE_DISTRICTS.contains(&c.as_str())))
    }

    /// The finer BGC boundaries are mirrored for Gloucestershire only; elsewhere the national
    /// super-generalised layer is used.
    pub(crate) fn boundary_source(&self) -> &'static str {
        match self {
            Region::Districts { codes, .. }
                if codes
                    .iter()
                    .all(|c| GLOUCESTERSHIRE_DISTRICTS.contains(&c.as_str())) =>
            {
                "lsoa11_bgc_gloucestershire"
            }
            _ => "lsoa11_bsc_england_wales",
        }
    }
}

/// A Lower Layer Super Output Area (2011, or 2021 under IoD2025).
#[derive(Debug, Clone)]
pub struct Lsoa {
    pub code: String,
    pub name: String,
    pub district_code: String,
    pub district: String,
    /// Where the area lies; `None` in an atlas built without boundaries (England under IoD2025,
    /// whose LSOA 2021 boundaries are not mirrored): see [`Atlas::unmapped`].
    pub shape: Option<Shape>,
}

/// Where an area lies: the official polygon, the point travel times start from, and its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub polygon: MultiPolygon<f64>,
    /// ONS population-weighted centroid (lon, lat): where people live, for travel times.
    pub centroid: Point<f64>,
    pub bbox: Rect<f64>,
}

impl Lsoa {
    /// The area's centroid, when the atlas has its shape.
    pub fn centroid(&self) -> Option<Point<f64>> {
        self.shape.as_ref().map(|s| s.centroid)
    }
}

/// The LSOA boundaries an atlas was built without: tables answer, maps and distances cannot.
/// Kept in the atlas (and its snapshot) so every refusal names the source and where to get it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MissingBoundaries {
    pub region: String,
    /// The manifest source id (`geodata/sources.toml`).
    pub id: String,
    pub title: String,
    /// The publisher's official download.
    pub url: String,
    /// Where the file goes in the data directory.
    pub path: String,
}

impl fmt::Display for MissingBoundaries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "region {} under vintage 2025 has no LSOA 2021 boundaries: maps, tiles, GeoJSON, \
            postcode look-ups and distances need them, and they are not in the data mirror. \
            Download source '{}' ({}) from {} and place it at {}. Tables (query, area, layers, \
            compare, summaries) answer without them; only Gloucestershire's 393 LSOA 2021 areas \
            are mirrored (--region gloucestershire or its district codes)",
            self.region, self.id, self.title, self.url, self.path
        )
    }
}

/// One source the atlas was built from, for `healthz` and attribution.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UsedSource {
    pub id: String,
    pub title: String,
    pub vintage: String,
    pub licence: String,
    pub attribution: String,
}

/// An area's bounding box in the R-tree, with the area's index.
type AreaBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// The lookups an atlas derives from its areas: code → index, and an R-tree of bounding boxes.
/// Derived, never stored, so a fresh build and an opened snapshot index the same way.
pub(crate) fn area_index(areas: &[Lsoa]) -> (HashMap<String, usize>, RTree<AreaBox>) {
    let by_code = areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.clone(), i))
        .collect();
    let boxes = areas
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let b = a.shape.as_ref()?.bbox;
            let (lo, hi) = (b.min(), b.max());
            Some(GeomWithData::new(
                Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]),
                i,
            ))
        })
        .collect();
    (by_code, RTree::bulk_load(boxes))
}

/// The loaded region: areas, layers, GP sites and the index for spatial questions.
pub struct Atlas {
    pub region: Region,
    /// The edition of the index the areas and layers come from (2019: LSOA 2011; 2025: LSOA 2021).
    pub vintage: crate::vintage::Vintage,
    pub areas: Vec<Lsoa>,
    pub layers: LayerSet,
    /// GP sites in use today (for access layers and the map).
    pub gp_sites: GpSites,
    /// GP sites open on 1 January 2019, the reference date of the IoD2019 road-distance indicator.
    pub gp_sites_2019: GpSites,
    /// Number of LSOAs in England in the IoD file (the denominator of national ranks).
    pub national_count: usize,
    pub sources: Vec<UsedSource>,
    pub postcodes: PostcodeBook,
    /// `Some` when the atlas was built without boundaries: no area has a [`Shape`].
    pub unmapped: Option<MissingBoundaries>,
    by_code: HashMap<String, usize>,
    index: RTree<AreaBox>,
}

impl fmt::Debug for Atlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Atlas")
            .field("region", &self.region)
            .field("vintage", &self.vintage)
            .field("areas", &self.areas.len())
            .field("layers", &self.layers.len())
            .finish()
    }
}

/// The IoD2019 reference date for GP sites (the indicator's metadata gives 2019).
pub const IOD2019_GP_REFERENCE_DATE: u32 = 2019_01_01;

impl Atlas {
    /// Load a region from the data directory, fetching missing sources first.
    pub fn load(data: &DataDir, region: &Region) -> Result<Atlas> {
        let _span = tracing::info_span!("atlas_load", %region).entered();
        let manifest = &data.manifest;
        let iod_path = data.require("iod2019")?;
        let rows = sources::iod::read_file7(&iod_path)?;
        let english: Vec<&IodRow> = rows.iter().filter(|r| r.code.starts_with("E01")).collect();
        let national_count = english.len();
        let idaci_ranks =
            rank_descending(&english.iter().map(|r| r.idaci_score).collect::<Vec<_>>());
        let idaci_rank_of: HashMap<&str, u32> = english
            .iter()
            .zip(&idaci_ranks)
            .map(|(r, &k)| (r.code.as_str(), k))
            .collect();

        let mut selected: Vec<&IodRow> = english
            .iter()
            .copied()
            .filter(|r| region.includes(&r.lad_code))
            .collect();
        if selected.is_empty() {
            return Err(AtlasError::EmptyRegion {
                region: region.to_string(),
                source_file: "the IoD2019 file".into(),
            });
        }
        selected.sort_by(|a, b| a.code.cmp(&b.code));
        let wanted: HashSet<String> = selected.iter().map(|r| r.code.clone()).collect();

        let boundary_id = region.boundary_source();
        let boundary_path = data.require(boundary_id)?;
        let mut boundaries: HashMap<String, sources::boundaries::Boundary> =
            sources::boundaries::read_geojson(&boundary_path, Some(&wanted))?
                .into_iter()
                .map(|b| (b.code.clone(), b))
                .collect();
        let centroids =
            sources::centroids::read_centroids(&data.require("lsoa11_pwc")?, Some(&wanted))?;

        let mut areas = Vec::with_capacity(selected.len());
        for r in &selected {
            let b = boundaries
                .remove(&r.code)
                .ok_or_else(|| AtlasError::Incomplete {
                    code: r.code.clone(),
                    region: region.to_string(),
                    what: format!("the boundaries ({})", boundary_path.display()),
                })?;
            let &(lon, lat) = centroids
                .get(&r.code)
                .ok_or_else(|| AtlasError::Incomplete {
                    code: r.code.clone(),
                    region: region.to_string(),
                    what: "the population-weighted centroids".into(),
                })?;
            let bbox = b
                .polygon
                .bounding_rect()
                .ok_or_else(|| AtlasError::Incomplete {
                    code: r.code.clone(),
                    region: region.to_string(),
                    what: "the boundaries (empty polygon)".into(),
                })?;
            areas.push(Lsoa {
                code: r.code.clone(),
                name: r.name.clone(),
                district_code: r.lad_code.clone(),
                district: r.lad_name.clone(),
                shape: Some(Shape {
                    polygon: b.polygon,
                    centroid: Point::new(lon, lat),
                    bbox,
                }),
            });
        }
        let mut layer_set = LayerSet::default();
        let iod_source = manifest.get(catalogue::source::IOD2019)?;
        for layer in deprivation_layers(&selected, &idaci_rank_of, national_count, iod_source) {
            layer_set.insert(layer);
        }
        let vars = Vars {
            national: national_count,
            areas: areas.len(),
        };
        // Child poverty now (DWP, MSOA-level) and wards (May 2025), both for summaries.
        let cilif = child_poverty::MsoaChildPoverty::new(
            sources::child_poverty::read_msoa_table(
                &data.require(catalogue::source::CILIF_MSOA11)?,
            )?,
            selected.iter().map(|r| (r.name.as_str(), Some(r.children))),
        );
        let names: Vec<Option<&str>> = areas.iter().map(|a| Some(a.name.as_str())).collect();
        cilif.attach(
            &mut layer_set,
            &names,
            manifest.get(catalogue::source::CILIF_MSOA11)?,
            &vars,
        );
        let ward_list = wards::read_wards(&data.require(catalogue::source::WARDS_WD25)?)?;
        let (in_wards, nearest) = wards::attach(
            &mut layer_set,
            &ward_list,
            &areas,
            manifest.get(catalogue::source::WARDS_WD25)?,
            &vars,
        );
        tracing::info!(in_wards, nearest, "LSOAs assigned to wards by centroid");

        let mut atlas = Atlas::assemble(
            data,
            region,
            crate::vintage::Vintage::V2019,
            areas,
            layer_set,
            national_count,
        )?;
        atlas.sources = Atlas::used_sources(
            data,
            &[
                "iod2019",
                boundary_id,
                "lsoa11_pwc",
                "epraccur",
                "ebranchs",
                "codepoint_open",
                catalogue::source::CILIF_MSOA11,
                catalogue::source::WARDS_WD25,
            ],
        )?;
        tracing::info!(
            areas = atlas.areas.len(),
            gp_sites = atlas.gp_sites.len(),
            "atlas loaded"
        );
        Ok(atlas)
    }

    /// An atlas of `areas` and `layers` with the GP sites in use today and on the IoD2019
    /// reference date, placed through Code-Point Open and kept within [`GP_MARGIN_M`] of the
    /// areas. Every vintage's builder ends here; `sources` is the builder's to fill.
    pub(crate) fn assemble(
        data: &DataDir,
        region: &Region,
        vintage: crate::vintage::Vintage,
        areas: Vec<Lsoa>,
        layers: LayerSet,
        national_count: usize,
    ) -> Result<Atlas> {
        let manifest = &data.manifest;
        let (by_code, index) = area_index(&areas);
        let postcodes = PostcodeBook::open(&data.require("codepoint_open")?)?;
        let unmapped = match shapes_all_or_none(&areas, region)? {
            true => None,
            false => Some(v2025::missing_boundaries(data, region)?),
        };
        let practices = sources::ods::read_epraccur(&data.require("epraccur")?)?;
        let branches = sources::ods::read_ebranchs(&data.require("ebranchs")?)?;
        let practice_vintage = manifest.get("epraccur")?.vintage.clone();
        let branch_vintage = manifest.get("ebranchs")?.vintage.clone();
        let mut atlas = Atlas {
            region: region.clone(),
            vintage,
            areas,
            layers,
            gp_sites: GpSites::new(Vec::new(), BTreeMap::new()),
            gp_sites_2019: GpSites::new(Vec::new(), BTreeMap::new()),
            national_count,
            sources: Vec::new(),
            postcodes,
            unmapped,
            by_code,
            index,
        };
        if atlas.unmapped.is_some() {
            // No shapes, so no margin to keep GP sites within: none are placed.
            return Ok(atlas);
        }
        let keep = |lon: f64, lat: f64| atlas.within_distance(lon, lat, GP_MARGIN_M);
        let gp_now = gp::select_sites(
            &practices,
            &branches,
            &atlas.postcodes,
            SiteDate::Current,
            &branch_vintage,
            &practice_vintage,
            keep,
        )?;
        let gp_2019 = gp::select_sites(
            &practices,
            &branches,
            &atlas.postcodes,
            SiteDate::On(IOD2019_GP_REFERENCE_DATE),
            &branch_vintage,
            &practice_vintage,
            keep,
        )?;
        atlas.gp_sites = gp_now;
        atlas.gp_sites_2019 = gp_2019;
        Ok(atlas)
    }

    /// What the manifest says about a source, for [`Atlas::sources`].
    pub(crate) fn used_sources(data: &DataDir, ids: &[&str]) -> Result<Vec<UsedSource>> {
        ids.iter()
            .map(|id| {
                let s = data.manifest.get(id)?;
                Ok(UsedSource {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    vintage: s.vintage.clone(),
                    licence: s.licence.clone(),
                    attribution: s.attribution.clone(),
                })
            })
            .collect()
    }

    pub fn area(&self, code: &str) -> Result<(usize, &Lsoa)> {
        let key = code.trim().to_ascii_uppercase();
        self.by_code
            .get(&key)
            .map(|&i| (i, &self.areas[i]))
            .ok_or_else(|| AtlasError::UnknownArea(code.trim().chars().take(40).collect()))
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.by_code.get(code).copied()
    }

    /// `Ok` when every area has its shape; otherwise the boundaries this atlas was built
    /// without, as the error every map, point or distance question answers with.
    pub fn mapped(&self) -> Result<()> {
        match &self.unmapped {
            None => Ok(()),
            Some(m) => Err(AtlasError::BoundariesMissing(m.clone())),
        }
    }

    /// Every area's centroid (lon, lat), in area order, or why the atlas has none.
    pub fn centroids(&self) -> Result<Vec<(f64, f64)>> {
        self.mapped()?;
        (0..self.areas.len())
            .map(|i| self.shape(i).map(|s| (s.centroid.x(), s.centroid.y())))
            .collect()
    }

    /// The shape of area `i`, or why the atlas has none.
    pub fn shape(&self, i: usize) -> Result<&Shape> {
        self.mapped()?;
        self.areas[i]
            .shape
            .as_ref()
            .ok_or_else(|| AtlasError::UnknownArea(self.areas[i].code.clone()))
    }

    /// The LSOA containing a point (lon, lat). Points on a shared edge go to the first match.
    /// Always `None` in an atlas without boundaries.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        let p = Point::new(lon, lat);
        let mut hits: Vec<usize> = self
            .index
            .locate_all_at_point(&[lon, lat])
            .map(|g| g.data)
            .collect();
        hits.sort_unstable();
        let polygon = |i: usize| self.areas[i].shape.as_ref().map(|s| &s.polygon);
        hits.iter()
            .copied()
            .find(|&i| polygon(i).is_some_and(|g| g.contains(&p)))
            .or_else(|| {
                hits.into_iter()
                    .find(|&i| polygon(i).is_some_and(|g| g.intersects(&p)))
            })
    }

    /// Areas whose bounding box intersects a lon/lat box.
    pub fn in_bbox(&self, west: f64, south: f64, east: f64, north: f64) -> Vec<usize> {
        let mut v: Vec<usize> = self
            .index
            .locate_in_envelope_intersecting(&AABB::from_corners([west, south], [east, north]))
            .map(|g| g.data)
            .collect();
        v.sort_unstable();
        v
    }

    /// Whether a point is within `metres` of any area of the region.
    pub fn within_distance(&self, lon: f64, lat: f64, metres: f64) -> bool {
        use geo::{Distance, Euclidean, MapCoords};
        let (dlon, dlat) = degrees_for_metres(metres, lat);
        let plane = LocalMetres::around(lon, lat);
        let to_m = |c: geo::Coord<f64>| {
            let (x, y) = plane.forward(c.x, c.y);
            geo::coord! { x: x, y: y }
        };
        self.in_bbox(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
            .into_iter()
            .any(|i| {
                self.areas[i].shape.as_ref().is_some_and(|s| {
                    Euclidean.distance(&Point::new(0.0, 0.0), &s.polygon.map_coords(to_m)) <= metres
                })
            })
    }

    /// The region's bounds [west, south, east, north].
    pub fn bounds(&self) -> [f64; 4] {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for s in self.areas.iter().filter_map(|a| a.shape.as_ref()) {
            b[0] = b[0].min(s.bbox.min().x);
            b[1] = b[1].min(s.bbox.min().y);
            b[2] = b[2].max(s.bbox.max().x);
            b[3] = b[3].max(s.bbox.max().y);
        }
        b
    }

    /// Look up a postcode and the LSOA it falls in.
    pub fn postcode(&self, input: &str) -> Result<(PostcodePoint, usize)> {
        let pc = Postcode::parse(input)?;
        self.mapped()?;
        let point = self
            .postcodes
            .locate(&pc)
            .map_err(AtlasError::Source)?
            .ok_or_else(|| AtlasError::PostcodeNotFound(pc.to_string()))?;
        match self.locate(point.lon, point.lat) {
            Some(i) => Ok((point, i)),
            None => Err(AtlasError::OutsideRegion {
                postcode: pc.to_string(),
                district: point.district_code.clone(),
                region: self.region.to_string(),
            }),
        }
    }

    /// Districts in the region: code → (name, number of LSOAs), sorted by name.
    pub fn districts(&self) -> Vec<(String, String, usize)> {
        let mut m: BTreeMap<(String, String), usize> = BTreeMap::new();
        for a in &self.areas {
            *m.entry((a.district.clone(), a.district_code.clone()))
                .or_default() += 1;
        }
        m.into_iter()
            .map(|((name, code), n)| (code, name, n))
            .collect()
    }

    pub fn number(&self, layer: &str, area: usize) -> Option<f64> {
        self.layers.get(layer).and_then(|l| l.number(area))
    }
}

/// The IoD2019 layers: IMD, the seven domains, IDACI (ranked nationally here), population. Which
/// layers exist and what they say is the catalogue's; this only supplies their values.
fn deprivation_layers(
    rows: &[&IodRow],
    idaci_rank: &HashMap<&str, u32>,
    national: usize,
    src: &sources::Source,
) -> Vec<Layer> {
    let vars = Vars {
        national,
        areas: rows.len(),
    };
    let layer = |id: &str, values: Vec<Option<f64>>| {
        Layer::new(
            catalogue::declared(id).meta(src, &vars),
            Values::Number(values),
        )
    };
    let each = |f: &dyn Fn(&IodRow) -> f64| rows.iter().map(|r| Some(f(r))).collect::<Vec<_>>();
    // Region deciles: rank the region's areas by their national IMD rank.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| rows[i].imd.rank);
    let mut county = vec![None; rows.len()];
    for (pos, &i) in order.iter().enumerate() {
        county[i] = Some(decile_of_rank(pos as u32 + 1, rows.len()) as f64);
    }
    let idaci = |r: &IodRow| idaci_rank.get(r.code.as_str()).copied();
    let mut out = vec![
        layer(ids::IMD_SCORE, each(&|r| r.imd.score)),
        layer(ids::IMD_RANK, each(&|r| r.imd.rank as f64)),
        layer(ids::IMD_DECILE, each(&|r| r.imd.decile as f64)),
        layer(ids::IMD_COUNTY_DECILE, county),
        layer(ids::IDACI_SCORE, each(&|r| r.idaci_score)),
        layer(
            ids::IDACI_RANK,
            rows.iter().map(|r| idaci(r).map(f64::from)).collect(),
        ),
        layer(
            ids::IDACI_DECILE,
            rows.iter()
                .map(|r| idaci(r).map(|k| decile_of_rank(k, national) as f64))
                .collect(),
        ),
        layer(ids::POPULATION, each(&|r| r.population)),
        layer(ids::CHILDREN, each(&|r| r.children)),
        layer(
            ids::CHILDREN_INCOME_DEPRIVED,
            each(&|r| r.idaci_score * r.children),
        ),
    ];
    for (d, (score, rank, decile)) in ids::DOMAINS.into_iter().enumerate() {
        out.push(layer(score, each(&|r| r.domains[d].score)));
        out.push(layer(rank, each(&|r| r.domains[d].rank as f64)));
        out.push(layer(decile, each(&|r| r.domains[d].decile as f64)));
    }
    out
}

/// Whether the areas have shapes: all of them (`true`), or none (`false`, an atlas without
/// boundaries). A mix is refused when the atlas is built, naming an area, rather than later by
/// every layer measured from centroids ([`Atlas::centroids`]).
fn shapes_all_or_none(areas: &[Lsoa], region: &Region) -> Result<bool> {
    let mapped = areas.iter().filter(|a| a.shape.is_some()).count();
    match areas.iter().find(|a| a.shape.is_none()) {
        None => Ok(true),
        Some(_) if mapped == 0 => Ok(false),
        Some(a) => Err(AtlasError::Incomplete {
            code: a.code.clone(),
            region: region.to_string(),
            what: format!(
                "the boundaries ({mapped} of the region's {} areas have one)",
                areas.len()
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    #[test]
    fn shapes_are_all_or_none() {
        let area = |code: &str, mapped: bool| Lsoa {
            code: code.into(),
            name: code.into(),
            district_code: "E07000081".into(),
            district: "Gloucester".into(),
            shape: mapped.then(|| {
                let polygon: Polygon<f64> = Polygon::new(
                    LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)]),
                    vec![],
                );
                Shape {
                    bbox: polygon.bounding_rect().unwrap(),
                    centroid: Point::new(0.6, 0.3),
                    polygon: MultiPolygon(vec![polygon]),
                }
            }),
        };
        let r = Region::default();
        let all = [area("E01000001", true), area("E01000002", true)];
        let none = [area("E01000001", false), area("E01000002", false)];
        assert!(shapes_all_or_none(&all, &r).unwrap());
        assert!(!shapes_all_or_none(&none, &r).unwrap());
        assert!(shapes_all_or_none(&[], &r).unwrap());
        let mix = [area("E01000001", true), area("E01000002", false)];
        let e = shapes_all_or_none(&mix, &r).unwrap_err().to_string();
        assert!(
            e.contains("E01000002") && e.contains("1 of the region's 2 areas"),
            "{e}"
        );
    }

    #[test]
    fn regions_parse() {
        assert_eq!(
            "Gloucestershire".parse::<Region>().unwrap(),
            Region::default()
        );
        assert_eq!("england".parse::<Region>().unwrap(), Region::England);
        let r: Region = "e07000078, E07000081".parse().unwrap();
        assert!(r.includes("E07000081") && !r.includes("E07000079"));
        assert!("mars".parse::<Region>().is_err());
        assert!("E0700007".parse::<Region>().is_err());
        assert_eq!(
            Region::default().boundary_source(),
            "lsoa11_bgc_gloucestershire"
        );
        assert_eq!(
            Region::England.boundary_source(),
            "lsoa11_bsc_england_wales"
        );
    }
}
