//! The IoD2025 atlas: LSOA 2021 areas with the IoD2025 layers and the change since IoD2019.
//!
//! The county's 393 LSOA 2021 polygons come from the mirror's BGC subset; their districts from its
//! `LADCD_ACTIVE` property and the district names from the IoD2019 table (the six Gloucestershire
//! district codes did not change). Figures come from the IoD2025 extracts of official File 7
//! (IMD and domains), the sub-domain table and File 8 (IDACI numerator, patients per GP).
//!
//! Centroids: ONS's LSOA 2021 population-weighted centroids are not in the mirror. An area the
//! 2011→2021 lookup marks unchanged keeps ONS's official 2011 population-weighted centroid (the
//! same area); any other area gets a point inside its 2021 polygon — geometric, not
//! population-weighted — and the `centroid_basis` layer says which is which.
//!
//! England: its LSOA 2021 boundaries are not mirrored. Without them the atlas is built from the
//! IoD2025 table alone ([`Atlas::unmapped`]): every English LSOA 2021, no shapes, no centroids, so
//! tables answer and every map, point or distance question names the source it needs.

use super::change;
use super::child_poverty;
use super::layers::catalogue::{self, declared_in, source, Vars, Vintage as CatVintage};
use super::layers::{ids, AbsentCause, Layer, LayerSet, Values};
use super::{Atlas, AtlasError, Lsoa, MissingBoundaries, Region, Result, Shape};
use crate::sources::iod2025::{self, Iod2025Row};
use crate::sources::lookup::{LookupChange, LookupRow};
use crate::sources::{self, DataDir};
use crate::vintage::{region_deciles, Vintage};
use geo::{BoundingRect, InteriorPoint, Point};
use std::collections::{HashMap, HashSet};

/// The district name of an England 2025 area (built without boundaries) whose code is new since
/// 2011: its district code stays blank, because the mirror holds no LSOA 2021 → district lookup.
pub const DISTRICT_NOT_MIRRORED: &str =
    "not in the data mirror (LSOA 2021 area new since 2011; ONS's LSOA 2021 to district lookup is not mirrored)";

/// `centroid_basis` of an area unchanged since 2011.
pub const CENTROID_PWC_2011: &str = "population-weighted (LSOA 2011 PWC)";
/// `centroid_basis` of an area whose 2011 centroid does not describe it.
pub const CENTROID_INTERIOR: &str = "geometric (point inside the 2021 polygon)";

/// The LSOA 2021 boundaries a region is drawn with: the mirrored county subset inside
/// Gloucestershire, else England's when the data directory has them. `None` for England without
/// them: its atlas answers tables only (see [`Atlas::unmapped`]). A list of districts outside the
/// county without them is an error naming the source: only the boundaries say which LSOA 2021
/// areas lie in a district.
pub fn boundary_source(data: &DataDir, region: &Region) -> Result<Option<&'static str>> {
    if region.within_gloucestershire() {
        return Ok(Some(source::LSOA21_BGC_GLOUCESTERSHIRE));
    }
    let id = source::LSOA21_BGC_ENGLAND_WALES;
    if data.has(id) {
        return Ok(Some(id));
    }
    match region {
        Region::England => Ok(None),
        _ => Err(AtlasError::BoundariesMissing(missing_boundaries(
            data, region,
        )?)),
    }
}

/// What England's (unmirrored) LSOA 2021 boundaries are and where they go, from the manifest.
pub fn missing_boundaries(data: &DataDir, region: &Region) -> Result<MissingBoundaries> {
    let id = source::LSOA21_BGC_ENGLAND_WALES;
    let s = data.manifest.get(id)?;
    Ok(MissingBoundaries {
        region: region.to_string(),
        id: id.to_string(),
        title: s.title.clone(),
        url: s.url.clone(),
        path: data.root.join(&s.file).display().to_string(),
    })
}

/// An area before its figures: code, name, district, and its polygon when the boundaries exist.
struct Placed {
    code: String,
    name: String,
    district_code: String,
    polygon: Option<geo::MultiPolygon<f64>>,
}

/// Build the region's IoD2025 atlas (without the GP-access layers, which
/// [`crate::load_vintage_with_overlays`] adds as for 2019).
pub fn load(data: &DataDir, region: &Region) -> Result<Atlas> {
    let _span = tracing::info_span!("atlas_load_2025", %region).entered();
    let manifest = &data.manifest;
    let boundary_id = boundary_source(data, region)?;
    let all25 = iod2025::read_imd2025(&data.require(source::IOD2025)?, None)?;
    let national_count = all25.iter().filter(|r| r.code.starts_with("E01")).count();
    let rows19 = sources::iod::read_file7(&data.require(source::IOD2019)?)?;
    let mut selected: Vec<Placed> = match boundary_id {
        Some(id) => {
            let boundary_path = data.require(id)?;
            let found: Vec<Placed> =
                sources::boundaries::read_lsoa21_geojson(&boundary_path, None)?
                    .into_iter()
                    .filter(|b| region.includes(&b.district_code))
                    .map(|b| Placed {
                        code: b.boundary.code,
                        name: b.boundary.name,
                        district_code: b.district_code,
                        polygon: Some(b.boundary.polygon),
                    })
                    .collect();
            if found.is_empty() {
                return Err(AtlasError::EmptyRegion {
                    region: region.to_string(),
                    source_file: boundary_path.display().to_string(),
                });
            }
            found
        }
        // England without boundaries: every English LSOA 2021 of the IoD2025 table. An area
        // whose code is an LSOA 2011 code is the same area (ONS keeps a code only for an
        // unchanged area), so it keeps its 2011 name and 2019 district; the mirror names no
        // other (ONS's LSOA 2021 names and district lookup are not in it): those stay blank.
        None => {
            let of2011: HashMap<&str, &sources::iod::IodRow> =
                rows19.iter().map(|r| (r.code.as_str(), r)).collect();
            all25
                .iter()
                .filter(|r| r.code.starts_with("E01"))
                .map(|r| {
                    let old = of2011.get(r.code.as_str());
                    Placed {
                        code: r.code.clone(),
                        name: old.map(|o| o.name.clone()).unwrap_or_default(),
                        district_code: old.map(|o| o.lad_code.clone()).unwrap_or_default(),
                        polygon: None,
                    }
                })
                .collect()
        }
    };
    selected.sort_by(|a, b| a.code.cmp(&b.code));
    let wanted: HashSet<String> = selected.iter().map(|b| b.code.clone()).collect();

    let rows25: HashMap<&str, &Iod2025Row> = all25
        .iter()
        .filter(|r| wanted.contains(&r.code))
        .map(|r| (r.code.as_str(), r))
        .collect();
    let subdomains =
        iod2025::read_subdomains2025(&data.require(source::IOD2025_SUBDOMAINS)?, Some(&wanted))?;
    let indicators =
        iod2025::read_indicators2025(&data.require(source::IOD2025_INDICATORS)?, Some(&wanted))?;
    let district_names: HashMap<&str, &str> = rows19
        .iter()
        .map(|r| (r.lad_code.as_str(), r.lad_name.as_str()))
        .collect();
    // The lookup covers the mirrored county only.
    let lookup: Option<Vec<LookupRow>> = if region.within_gloucestershire() {
        Some(sources::lookup::read_lsoa11_to_lsoa21(
            &data.require(source::LSOA11_TO_LSOA21)?,
        )?)
    } else {
        None
    };
    let unchanged: HashSet<String> = lookup
        .iter()
        .flatten()
        .filter(|r| r.change == LookupChange::Unchanged && r.lsoa11 == r.lsoa21)
        .map(|r| r.lsoa21.clone())
        .filter(|c| wanted.contains(c))
        .collect();
    let pwc = match boundary_id {
        Some(_) => sources::centroids::read_centroids(
            &data.require(source::LSOA11_PWC)?,
            Some(&unchanged),
        )?,
        None => HashMap::new(),
    };

    let incomplete = |code: &str, what: String| AtlasError::Incomplete {
        code: code.to_string(),
        region: region.to_string(),
        what,
    };
    let iod25_file = manifest.get(source::IOD2025)?.file.clone();
    let mut areas = Vec::with_capacity(selected.len());
    let mut basis = Vec::with_capacity(selected.len());
    let mut rows: Vec<&Iod2025Row> = Vec::with_capacity(selected.len());
    for b in selected {
        let code = b.code;
        let row = *rows25
            .get(code.as_str())
            .ok_or_else(|| incomplete(&code, format!("the IoD2025 table ({iod25_file})")))?;
        let district = match (district_names.get(b.district_code.as_str()), &b.polygon) {
            (Some(name), _) => name.to_string(),
            // A table-only area the mirror names no district for (see above).
            (None, None) if b.district_code.is_empty() => DISTRICT_NOT_MIRRORED.to_string(),
            (None, _) => {
                return Err(incomplete(
                    &code,
                    format!(
                        "the district names (district {} is not in the IoD2019 table)",
                        b.district_code
                    ),
                ))
            }
        };
        let shape = match b.polygon {
            None => None,
            Some(polygon) => {
                let bbox = polygon
                    .bounding_rect()
                    .ok_or_else(|| incomplete(&code, "the boundaries (empty polygon)".into()))?;
                let (centroid, how) = match pwc.get(&code) {
                    Some(&(lon, lat)) => (Point::new(lon, lat), CENTROID_PWC_2011),
                    None => (
                        polygon.interior_point().ok_or_else(|| {
                            incomplete(&code, "the boundaries (no interior point)".into())
                        })?,
                        CENTROID_INTERIOR,
                    ),
                };
                basis.push(Some(how.to_string()));
                Some(Shape {
                    polygon,
                    centroid,
                    bbox,
                })
            }
        };
        rows.push(row);
        areas.push(Lsoa {
            code,
            name: b.name,
            district_code: b.district_code,
            district,
            shape,
        });
    }

    let vars = Vars {
        national: national_count,
        areas: areas.len(),
    };
    let mut layers = LayerSet::of_vintage(CatVintage::Iod2025);
    let layer = |id: &str, values: Values| -> Result<Layer> {
        let spec = declared_in(CatVintage::Iod2025, id);
        Ok(Layer::new(
            spec.meta(manifest.get(spec.source)?, &vars),
            values,
        ))
    };
    let each =
        |f: &dyn Fn(&Iod2025Row) -> f64| Values::Number(rows.iter().map(|r| Some(f(r))).collect());
    let county = region_deciles(rows.iter().map(|r| (r.code.as_str(), r.imd.rank)));
    layers.insert(layer(ids::IMD_SCORE, each(&|r| r.imd.score))?);
    layers.insert(layer(ids::IMD_RANK, each(&|r| r.imd.rank as f64))?);
    layers.insert(layer(ids::IMD_DECILE, each(&|r| r.imd.decile as f64))?);
    layers.insert(layer(
        ids::IMD_COUNTY_DECILE,
        each(&|r| county[&r.code] as f64),
    )?);
    for (d, (score, rank, decile)) in ids::DOMAINS.into_iter().enumerate() {
        layers.insert(layer(score, each(&|r| r.domains[d].score))?);
        layers.insert(layer(rank, each(&|r| r.domains[d].rank as f64))?);
        layers.insert(layer(decile, each(&|r| r.domains[d].decile as f64))?);
    }
    let sub = |code: &str| {
        subdomains.get(code).ok_or_else(|| {
            incomplete(
                code,
                "the IoD2025 sub-domain table (iod2025_subdomains)".into(),
            )
        })
    };
    for (k, (score, rank, decile)) in ids::SUBDOMAINS.into_iter().enumerate() {
        let mut v = [Vec::new(), Vec::new(), Vec::new()];
        for a in &areas {
            let x = sub(&a.code)?.values[k];
            v[0].push(Some(x.score));
            v[1].push(Some(x.rank as f64));
            v[2].push(Some(x.decile as f64));
        }
        let [s, r, d] = v;
        layers.insert(layer(score, Values::Number(s))?);
        layers.insert(layer(rank, Values::Number(r))?);
        layers.insert(layer(decile, Values::Number(d))?);
    }
    let indicator = |f: fn(&iod2025::Indicators2025) -> Option<f64>| {
        Values::Number(
            areas
                .iter()
                .map(|a| indicators.get(&a.code).and_then(f))
                .collect(),
        )
    };
    layers.insert(layer(
        ids::CHILDREN_INCOME_DEPRIVED,
        indicator(|i| i.idaci_numerator),
    )?);
    layers.insert(layer(
        ids::PATIENT_TO_GP_RATIO,
        indicator(|i| i.patient_to_gp_ratio),
    )?);
    match boundary_id {
        Some(_) => layers.insert(layer(ids::CENTROID_BASIS, Values::Text(basis))?),
        None => layers.mark_absent(
            declared_in(CatVintage::Iod2025, ids::CENTROID_BASIS),
            AbsentCause::NoBoundaries,
            missing_boundaries(data, region)?.to_string(),
        ),
    }
    for id in [ids::IDACI_SCORE, ids::IDACI_RANK, ids::IDACI_DECILE] {
        layers.mark_absent(
            declared_in(CatVintage::Iod2025, id),
            AbsentCause::NotInMirror,
            catalogue::IDACI_2025_ABSENT,
        );
    }
    for id in [ids::POPULATION, ids::CHILDREN] {
        layers.mark_absent(
            declared_in(CatVintage::Iod2025, id),
            AbsentCause::NotInMirror,
            catalogue::POPULATION_2025_ABSENT,
        );
    }
    match &lookup {
        Some(lookup) => {
            for l in change::layers(region, &areas, &rows, &rows19, lookup, &vars, data)? {
                layers.insert(l);
            }
            // Child poverty now: DWP's MSOA 2011 table, reached through each area's 2011 parents.
            let cilif_src = manifest.get(source::CILIF_MSOA11)?;
            let cilif = child_poverty::MsoaChildPoverty::new(
                sources::child_poverty::read_msoa_table(&data.require(source::CILIF_MSOA11)?)?,
                rows19
                    .iter()
                    .filter(|r| region.includes(&r.lad_code))
                    .map(|r| (r.name.as_str(), Some(r.children))),
            );
            let codes: Vec<&str> = areas.iter().map(|a| a.code.as_str()).collect();
            let names = child_poverty::lsoa11_names_through(&codes, lookup);
            cilif.attach(&mut layers, &names, cilif_src, &vars);
        }
        None => {
            let why = crate::vintage::ChangesError::NoLookup(region.to_string()).to_string();
            for id in change::IDS {
                layers.mark_absent(
                    declared_in(CatVintage::Iod2025, id),
                    AbsentCause::OutsideCoverage,
                    why.clone(),
                );
            }
            for id in child_poverty::LAYER_IDS {
                layers.mark_absent(
                    declared_in(CatVintage::Iod2025, id),
                    AbsentCause::OutsideCoverage,
                    format!("DWP's child-poverty table is on MSOA 2011 geography for Gloucestershire's 75 MSOAs only, and reaches LSOA 2021 areas through the 2011→2021 lookup, which covers the county only: {why}"),
                );
            }
        }
    }
    let localities = localities(data, region, &mut layers, &areas, &vars)?;
    layers.sort_as_catalogue();

    let mut atlas = Atlas::assemble(data, region, Vintage::V2025, areas, layers, national_count)?;
    let mut used = vec![
        source::IOD2025,
        source::IOD2025_SUBDOMAINS,
        source::IOD2025_INDICATORS,
        source::IOD2019,
    ];
    if let Some(id) = boundary_id {
        used.extend([
            id,
            source::LSOA11_PWC,
            "epraccur",
            "ebranchs",
            "codepoint_open",
        ]);
    }
    if lookup.is_some() {
        used.extend([source::LSOA11_TO_LSOA21, source::CILIF_MSOA11]);
    }
    used.extend(localities);
    atlas.sources = Atlas::used_sources(data, &used)?;
    tracing::info!(
        areas = atlas.areas.len(),
        gp_sites = atlas.gp_sites.len(),
        "IoD2025 atlas loaded"
    );
    Ok(atlas)
}

/// Wards (May 2025) and MSOAs 2021 for summaries, inside the mirrored county (their boundaries
/// cover it only); elsewhere the layers are absent with the reason. Returns the sources used.
fn localities(
    data: &DataDir,
    region: &Region,
    layers: &mut LayerSet,
    areas: &[Lsoa],
    vars: &Vars,
) -> Result<Vec<&'static str>> {
    if !region.within_gloucestershire() {
        let why = format!(
            "ward and MSOA 2021 boundaries are mirrored for Gloucestershire only, not for {region}"
        );
        for id in [ids::WARD, ids::WARD_NAME, ids::MSOA21] {
            layers.mark_absent(
                declared_in(CatVintage::Iod2025, id),
                AbsentCause::OutsideCoverage,
                why.clone(),
            );
        }
        return Ok(vec![]);
    }
    let manifest = &data.manifest;
    let wards = super::wards::read_wards(&data.require(source::WARDS_WD25)?)?;
    let (in_wards, nearest) = super::wards::attach(
        layers,
        &wards,
        areas,
        manifest.get(source::WARDS_WD25)?,
        vars,
    );
    let msoas = super::msoa21::read_codes(&data.require(source::MSOA21_BGC)?)?;
    let in_msoas = super::msoa21::attach(
        layers,
        areas,
        &msoas,
        manifest.get(source::MSOA21_BGC)?,
        vars,
    );
    tracing::info!(
        in_wards,
        nearest,
        in_msoas,
        "LSOAs 2021 assigned to wards and MSOAs 2021"
    );
    Ok(vec![source::WARDS_WD25, source::MSOA21_BGC])
}
