//! `needsmap data status`: the data directory's sources and, when the atlas loads, its GP sites.

use crate::atlas::gp::{Exclusion, GpKind, GpSites};
use crate::atlas::layers::{Group, Method};
use crate::atlas::Atlas;
use crate::sources::{DataDir, SourceState, SourceStatus};
use serde::Serialize;
use std::path::Path;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusAnswer<'a> {
    #[schema(value_type = String)]
    pub data_dir: &'a Path,
    #[schema(value_type = Option<String>)]
    pub mirror: Option<&'a Path>,
    pub sources: Vec<SourceRow<'a>>,
    /// `null` when the core sources are missing and no atlas could be loaded.
    pub atlas: Option<AtlasSummary>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceRow<'a> {
    pub id: &'a str,
    #[schema(value_type = String)]
    pub state: SourceState,
    #[schema(value_type = String)]
    pub path: &'a Path,
    pub licence: &'a str,
    pub vintage: &'a str,
    pub sha256: &'a str,
    pub url: &'a str,
    pub needed_for: &'a str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AtlasSummary {
    pub region: String,
    pub areas: usize,
    pub districts: usize,
    /// GP sites in use today.
    pub current: GpSiteSummary,
    /// GP sites open on 1 January 2019 (the IoD2019 reference date).
    pub reference_2019: GpSiteSummary,
    /// How each GP-access layer was obtained, and how many areas lack a value.
    pub gp_access: Vec<AccessLayerSummary>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLayerSummary {
    pub id: String,
    #[schema(value_type = String)]
    pub method: Method,
    pub missing: usize,
    pub description: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GpSiteSummary {
    pub sites: usize,
    pub practices: usize,
    pub excluded: Vec<ExcludedSites>,
}

/// ODS rows that did not become sites, by kind and reason.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExcludedSites {
    #[schema(value_type = String)]
    pub kind: GpKind,
    #[schema(value_type = String)]
    pub reason: Exclusion,
    pub count: usize,
}

impl GpSiteSummary {
    pub fn of(set: &GpSites) -> GpSiteSummary {
        GpSiteSummary {
            sites: set.len(),
            practices: set
                .sites
                .iter()
                .filter(|s| s.kind == GpKind::Practice)
                .count(),
            excluded: set
                .excluded
                .iter()
                .map(|(&(kind, reason), &count)| ExcludedSites {
                    kind,
                    reason,
                    count,
                })
                .collect(),
        }
    }
}

impl<'a> StatusAnswer<'a> {
    pub fn of(
        data: &'a DataDir,
        status: &'a [SourceStatus],
        atlas: Option<&Atlas>,
    ) -> StatusAnswer<'a> {
        let sources = status
            .iter()
            .map(|s| SourceRow {
                id: &s.source.id,
                state: s.state,
                path: &s.path,
                licence: &s.source.licence,
                vintage: &s.source.vintage,
                sha256: &s.source.sha256,
                url: &s.source.url,
                needed_for: &s.source.needed_for,
            })
            .collect();
        let atlas = atlas.map(|a| AtlasSummary {
            region: a.region.to_string(),
            areas: a.areas.len(),
            districts: a.districts().len(),
            current: GpSiteSummary::of(&a.gp_sites),
            reference_2019: GpSiteSummary::of(&a.gp_sites_2019),
            gp_access: a
                .layers
                .iter()
                .filter(|l| l.meta.group == Group::GpAccess)
                .map(|l| AccessLayerSummary {
                    id: l.meta.id.clone(),
                    method: l.meta.method,
                    missing: l.values.missing(),
                    description: l.meta.description.clone(),
                })
                .collect(),
        });
        StatusAnswer {
            data_dir: &data.root,
            mirror: data.mirror.as_deref(),
            sources,
            atlas,
        }
    }
}
