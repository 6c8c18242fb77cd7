//! What a running server shares between requests: the atlas, figures derived from it once,
//! answers that never change while it runs, and the limits it enforces.

use super::tiles::AreaTiles;
use crate::atlas::layers::Values;
use crate::atlas::Atlas;
use crate::model::{
    DistrictCollection, GpSiteCollection, Health, LabelCollection, LayerList, RegionInfo,
};
use crate::sources::boundaries::Boundary;
use crate::tiles::TileError;
use crate::travel::Networks;
use axum::body::Bytes;
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};

/// Bounds on the work the server takes on.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time to the start of an answer; later, the request gets 504 and its work is cancelled.
    pub request_timeout: Duration,
    /// Requests to the API and tiles handled at once; more wait (within their timeout).
    pub in_flight: usize,
    /// CPU-heavy jobs (filters, sorts, tiles) running at once on the blocking pool.
    pub cpu_jobs: usize,
    /// Large answers being written at once (each holds a small, fixed buffer).
    pub streams: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Limits {
            request_timeout: Duration::from_secs(30),
            in_flight: 256,
            cpu_jobs: 2 * cores,
            streams: 16,
        }
    }
}

/// An answer computed once in the background; requests wait for it (within their timeout)
/// instead of each starting the work again.
pub type Pending<T> = watch::Receiver<Option<Arc<Result<T, String>>>>;

/// Shared, read-only state of a running server.
pub struct AppState {
    pub atlas: Arc<Atlas>,
    pub tiles: AreaTiles,
    pub web_dir: PathBuf,
    pub limits: Limits,
    /// Changes whenever the data does: the basis of every ETag.
    pub data_version: u64,
    /// `/api/layers`, `/api/region`, `/healthz` and `/api/gp-sites`, serialised at load.
    pub layers_json: Bytes,
    pub region_json: Bytes,
    pub health_json: Bytes,
    pub gp_sites_json: Bytes,
    /// `/api/labels`: district and LSOA names, and ward names once [`AppState::with_wards`] gives them.
    pub labels_json: Bytes,
    /// District outlines, dissolved in the background from start-up.
    pub districts: Pending<Bytes>,
    /// Label glyphs, made from the packaged font on first request.
    pub glyphs: crate::tiles::glyphs::Glyphs,
    /// The road networks scenarios route on; `None` means scenarios use the estimate.
    pub networks: Option<Arc<Networks>>,
    pub(crate) cpu: Arc<Semaphore>,
    pub(crate) streams: Arc<Semaphore>,
}

fn to_bytes<T: Serialize>(v: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(v).expect("answers serialise"))
}

impl AppState {
    pub fn new(atlas: Arc<Atlas>, web_dir: PathBuf) -> Result<AppState, TileError> {
        AppState::with_limits(atlas, web_dir, Limits::default())
    }

    pub fn with_limits(
        atlas: Arc<Atlas>,
        web_dir: PathBuf,
        limits: Limits,
    ) -> Result<AppState, TileError> {
        let job = atlas.clone();
        let districts = in_background("district outlines", move || {
            to_bytes(&DistrictCollection::of(&job))
        });
        Ok(AppState {
            tiles: AreaTiles::new(atlas.clone())?,
            data_version: data_version(&atlas),
            layers_json: to_bytes(&LayerList::of(&atlas)),
            region_json: to_bytes(&RegionInfo::of(&atlas)),
            health_json: to_bytes(&Health::of(&atlas)),
            gp_sites_json: to_bytes(&GpSiteCollection::of(&atlas.gp_sites.sites)),
            labels_json: to_bytes(&LabelCollection::of(&atlas, &[])),
            districts,
            networks: None,
            glyphs: crate::tiles::glyphs::Glyphs::new(crate::tiles::glyphs::font_dirs(&web_dir)),
            cpu: Arc::new(Semaphore::new(limits.cpu_jobs.max(1))),
            streams: Arc::new(Semaphore::new(limits.streams.max(1))),
            web_dir,
            limits,
            atlas,
        })
    }

    /// Tell the page (through `/api/region`) to draw this basemap style under the choropleth.
    pub fn with_basemap_style(mut self, url: Option<String>) -> AppState {
        let mut region = RegionInfo::of(&self.atlas);
        region.basemap_style = url;
        self.region_json = to_bytes(&region);
        self
    }

    /// Label these wards too (those whose interior point lies in the region).
    pub fn with_wards(mut self, wards: Vec<Boundary>) -> AppState {
        use geo::InteriorPoint;
        let inside: Vec<Boundary> = wards
            .into_iter()
            .filter(|w| {
                w.polygon
                    .interior_point()
                    .is_some_and(|p| self.atlas.locate(p.x(), p.y()).is_some())
            })
            .collect();
        self.labels_json = to_bytes(&LabelCollection::of(&self.atlas, &inside));
        self
    }

    /// Route scenarios on these networks (the ones the atlas's GP layers were routed on).
    pub fn with_networks(mut self, networks: Option<Networks>) -> AppState {
        self.networks = networks.map(Arc::new);
        self
    }
}

/// Run `job` once on its own thread; a panic becomes an error answer, never a missing one.
pub fn in_background<T: Send + Sync + 'static>(
    what: &'static str,
    job: impl FnOnce() -> T + Send + 'static,
) -> Pending<T> {
    let (tx, rx) = watch::channel(None);
    std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job)).map_err(|_| {
            tracing::error!(what, "background job panicked");
            format!("the server could not compute the {what}; see its log")
        });
        tracing::info!(
            what,
            ms = started.elapsed().as_millis() as u64,
            "computed in the background"
        );
        let _ = tx.send(Some(Arc::new(result)));
    });
    rx
}

/// A hash of everything an answer is made from: areas, layer values and metadata, sources.
fn data_version(atlas: &Atlas) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    atlas.region.to_string().hash(&mut h);
    for a in &atlas.areas {
        a.code.hash(&mut h);
    }
    for s in &atlas.sources {
        (&s.id, &s.vintage, &s.licence).hash(&mut h);
    }
    for l in atlas.layers.iter() {
        serde_json::to_string(&l.meta)
            .unwrap_or_default()
            .hash(&mut h);
        match &l.values {
            Values::Number(v) => v.iter().for_each(|x| x.map(f64::to_bits).hash(&mut h)),
            Values::Text(v) => v.hash(&mut h),
        }
    }
    for g in &atlas.gp_sites.sites {
        (&g.code, g.lon.to_bits(), g.lat.to_bits()).hash(&mut h);
    }
    h.finish()
}
