//! GP sites: where people can see a GP, located with Code-Point Open.

use crate::sources::codepoint::{Postcode, PostcodeBook};
use crate::sources::ods::{Branch, OdsDate, Practice};
use crate::sources::Result;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum GpKind {
    Practice,
    Branch,
}

/// A place where a GP can be seen: a practice's main site or one of its branch surgeries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GpSite {
    pub code: String,
    pub name: String,
    pub postcode: String,
    pub kind: GpKind,
    /// For branches: the practice they belong to.
    pub parent: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub status: String,
    /// `epraccur` or `ebranchs`.
    pub source: String,
    pub vintage: String,
}

/// Why an ODS row did not become a site: `data status` reports these counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Practice status not A (closed, dormant, proposed).
    NotActive,
    /// Prescribing setting other than 4 (prisons, walk-in centres, out-of-hours...).
    NotGpSetting,
    /// Branch with a close date.
    BranchClosed,
    /// Branch whose parent practice is not an active GP practice.
    ParentNotActive,
    /// Postcode missing from Code-Point Open (terminated since, or non-geographic).
    PostcodeNotFound,
    /// Located, but further than the margin from every area of the region.
    OutsideRegion,
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Exclusion::NotActive => "practice not active (status C/D/P)",
            Exclusion::NotGpSetting => "not a GP practice (prescribing setting other than 4)",
            Exclusion::BranchClosed => "branch closed",
            Exclusion::ParentNotActive => {
                "branch whose parent practice is not an active GP practice"
            }
            Exclusion::PostcodeNotFound => "postcode not in Code-Point Open",
            Exclusion::OutsideRegion => "outside the region and its margin",
        })
    }
}

/// A set of GP sites with a spatial index for nearest-site questions.
#[derive(Debug, Clone)]
pub struct GpSites {
    pub sites: Vec<GpSite>,
    pub excluded: BTreeMap<(GpKind, Exclusion), usize>,
    index: RTree<GeomWithData<[f64; 2], usize>>,
}

impl GpSites {
    pub fn new(sites: Vec<GpSite>, excluded: BTreeMap<(GpKind, Exclusion), usize>) -> GpSites {
        let index = RTree::bulk_load(
            sites
                .iter()
                .enumerate()
                .map(|(i, s)| GeomWithData::new(project(s.lon, s.lat), i))
                .collect(),
        );
        GpSites {
            sites,
            excluded,
            index,
        }
    }

    /// The `k` nearest sites to a point by straight-line distance, with metres.
    pub fn nearest(&self, lon: f64, lat: f64, k: usize) -> Vec<(&GpSite, f64)> {
        let p = project(lon, lat);
        self.index
            .nearest_neighbor_iter(&p)
            .take(k)
            .map(|g| {
                let s = &self.sites[g.data];
                (s, crate::geodesy::haversine_m((lon, lat), (s.lon, s.lat)))
            })
            .collect()
    }

    pub fn by_code(&self, code: &str) -> Option<&GpSite> {
        self.sites
            .iter()
            .find(|s| s.code.eq_ignore_ascii_case(code))
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }
}

/// A local equal-distance projection good enough to order neighbours within England
/// (x scaled by cos 52.5°); exact metres are then computed by haversine.
fn project(lon: f64, lat: f64) -> [f64; 2] {
    const COS_LAT: f64 = 0.608_761_429;
    [lon * COS_LAT, lat]
}

/// A site before it is located: kind, ODS code, name, postcode, parent practice, status.
type Candidate<'a> = (GpKind, &'a str, &'a str, &'a str, Option<String>, &'a str);

/// Which day the site list describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteDate {
    /// The files' own current state: practices with status A, branches without a close date.
    Current,
    /// Sites open on a past date by their open/close dates (e.g. 2019-01-01, the IoD2019 reference).
    On(OdsDate),
}

/// Select GP sites from the ODS files: GP practices (prescribing setting 4) and the branch
/// surgeries of such practices, located by postcode, kept when `keep(lon, lat)` says they are
/// in or near the region.
pub fn select_sites(
    practices: &[Practice],
    branches: &[Branch],
    postcodes: &PostcodeBook,
    when: SiteDate,
    branch_vintage: &str,
    practice_vintage: &str,
    keep: impl Fn(f64, f64) -> bool,
) -> Result<GpSites> {
    let mut excluded: BTreeMap<(GpKind, Exclusion), usize> = BTreeMap::new();
    let mut count = |k: GpKind, e: Exclusion| *excluded.entry((k, e)).or_default() += 1;
    let practice_open = |p: &Practice| match when {
        SiteDate::Current => p.status == "A",
        SiteDate::On(d) => p.open_on(d),
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut active_gp: HashMap<&str, &Practice> = HashMap::new();
    for p in practices {
        if p.prescribing_setting != Some(4) {
            count(GpKind::Practice, Exclusion::NotGpSetting);
        } else if !practice_open(p) {
            count(GpKind::Practice, Exclusion::NotActive);
        } else {
            active_gp.insert(p.code.as_str(), p);
            candidates.push((
                GpKind::Practice,
                &p.code,
                &p.name,
                &p.postcode,
                None,
                p.status.as_str(),
            ));
        }
    }
    for b in branches {
        let branch_open = match when {
            SiteDate::Current => b.close.is_none(),
            SiteDate::On(d) => b.open_on(d),
        };
        if !branch_open {
            count(GpKind::Branch, Exclusion::BranchClosed);
        } else if !active_gp.contains_key(b.parent.as_str()) {
            count(GpKind::Branch, Exclusion::ParentNotActive);
        } else {
            candidates.push((
                GpKind::Branch,
                &b.code,
                &b.name,
                &b.postcode,
                Some(b.parent.clone()),
                "A",
            ));
        }
    }
    let wanted: HashSet<Postcode> = candidates
        .iter()
        .filter_map(|c| Postcode::parse(c.3).ok())
        .collect();
    let located = postcodes.locate_many(&wanted)?;
    let mut sites = Vec::new();
    for (kind, code, name, postcode, parent, status) in candidates {
        let Some(point) = Postcode::parse(postcode).ok().and_then(|p| located.get(&p)) else {
            count(kind, Exclusion::PostcodeNotFound);
            continue;
        };
        if !keep(point.lon, point.lat) {
            count(kind, Exclusion::OutsideRegion);
            continue;
        }
        let (source, vintage) = match kind {
            GpKind::Practice => ("epraccur", practice_vintage),
            GpKind::Branch => ("ebranchs", branch_vintage),
        };
        sites.push(GpSite {
            code: code.to_string(),
            name: name.to_string(),
            postcode: point.postcode.to_string(),
            kind,
            parent,
            lon: point.lon,
            lat: point.lat,
            status: status.to_string(),
            source: source.to_string(),
            vintage: vintage.to_string(),
        });
    }
    sites.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(GpSites::new(sites, excluded))
}
