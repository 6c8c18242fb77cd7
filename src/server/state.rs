//! What a running server shares between requests: the atlas of each vintage it serves, figures
//! derived from each once, answers that never change while it runs, and the limits it enforces.
//!
//! The default vintage is opened before the server listens (so `/healthz` answers at once); any
//! other vintage is opened from its compiled snapshot on the first request that names it, in the
//! background, and kept. A county server that is never asked for 2025 never holds it.

use super::tiles::AreaTiles;
use crate::atlas::layers::Values;
use crate::atlas::Atlas;
use crate::model::{
    DistrictCollection, GpSiteCollection, Health, LabelCollection, LayerList, RegionInfo,
};
use crate::sources::boundaries::Boundary;
use crate::tiles::TileError;
use crate::travel::Networks;
use crate::vintage::Vintage;
use axum::body::Bytes;
use serde::Serialize;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
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

/// Opens the atlas of another vintage (from its snapshot, building it when missing); the error
/// is the sentence a client is told.
pub type Opener = Arc<dyn Fn(Vintage) -> Result<Atlas, String> + Send + Sync>;

/// The one background open of another vintage: its answers, or why it could not be opened.
type Opening = Pending<Result<Arc<Served>, String>>;

/// Everything the server answers for one vintage: its atlas, tiles, and the answers made once.
pub struct Served {
    pub vintage: Vintage,
    pub atlas: Arc<Atlas>,
    pub tiles: AreaTiles,
    /// Changes whenever this vintage's data does: the basis of its ETags.
    pub data_version: u64,
    /// `/api/layers`, `/api/region` and `/api/gp-sites`, serialised at load.
    pub layers_json: Bytes,
    pub region_json: Bytes,
    pub gp_sites_json: Bytes,
    /// `/api/labels`: this vintage's district and LSOA names and the server's ward names, made
    /// on the first request ([`Served::labels`]); requests choose kinds and a box from it.
    labels: std::sync::OnceLock<LabelCollection>,
    /// District outlines, dissolved in the background from load.
    pub districts: Pending<Bytes>,
    /// What `region_json` was made from.
    region: RegionInfo,
}

impl Served {
    /// The place-name labels of this vintage with `wards` (the server's, [`AppState::wards`]),
    /// made once, on first use: a national set is tens of thousands of points that a server
    /// whose page never asks for them should not build at start-up.
    pub fn labels(&self, wards: &[Boundary]) -> &LabelCollection {
        self.labels
            .get_or_init(|| LabelCollection::of(&self.atlas, wards))
    }

    /// Name the deployment's basemap style in `/api/region` (`serve --basemap-style`).
    fn set_basemap_style(&mut self, url: Option<String>) {
        self.region.basemap_style = url;
        self.region_json = to_bytes(&self.region);
    }

    /// `offered` are the vintages the server answers (for `/api/region`), `default` its default.
    fn new(
        vintage: Vintage,
        atlas: Arc<Atlas>,
        offered: &[Vintage],
        default: Vintage,
    ) -> Result<Served, TileError> {
        let job = atlas.clone();
        let districts = in_background("district outlines", move || {
            to_bytes(&DistrictCollection::of(&job))
        });
        let mut region = RegionInfo::of(&atlas);
        region.vintage = vintage.as_str().to_string();
        region.geography = vintage.geography().label().to_string();
        region.vintages = offered.iter().map(|v| v.as_str().to_string()).collect();
        region.default_vintage = default.as_str().to_string();
        Ok(Served {
            tiles: AreaTiles::new(atlas.clone())?,
            data_version: data_version(&atlas, vintage),
            layers_json: to_bytes(&LayerList::of(&atlas)),
            region_json: to_bytes(&region),
            gp_sites_json: to_bytes(&GpSiteCollection::of(&atlas)),
            labels: std::sync::OnceLock::new(),
            districts,
            vintage,
            atlas,
            region,
        })
    }
}

/// Why a vintage cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VintageProblem {
    /// This server was started without a way to open other vintages.
    NotServed { asked: Vintage, served: Vintage },
    /// Opening it failed (the reason is kept: the server does not retry a failed build).
    Failed { asked: Vintage, why: String },
}

/// Shared, read-only state of a running server.
pub struct AppState {
    /// The vintage answered when a request names none (`serve --vintage`).
    pub default_vintage: Vintage,
    /// The default vintage's atlas (the same as `served(default)`), for logs and start-up.
    pub atlas: Arc<Atlas>,
    default: Arc<Served>,
    opener: Option<Opener>,
    /// Other vintages, opened on first use; each entry is the one background open.
    others: Mutex<BTreeMap<Vintage, Opening>>,
    pub web_dir: PathBuf,
    pub limits: Limits,
    /// `/healthz`, serialised at start: it never waits for anything.
    pub health_json: Bytes,
    /// The data directory, when the server knows it (profiles read England's figures from it).
    pub data: Option<crate::sources::DataDir>,
    /// England's profile figures per vintage (index: `Vintage as usize`), read on first use.
    pub england: [std::sync::OnceLock<Result<crate::model::locality::EnglandFigures, String>>; 2],
    /// Ward boundaries inside the region, labelled in every vintage ([`AppState::with_wards`]).
    pub wards: Vec<Boundary>,
    /// Label glyphs, made from the packaged font on first request.
    pub glyphs: crate::tiles::glyphs::Glyphs,
    /// The road networks scenarios route on; `None` means scenarios use the estimate.
    pub networks: Option<Arc<Networks>>,
    /// The GTFS feeds of the data directory, read on the first public-transport scenario and
    /// kept (a regional feed takes seconds to read); the error is the sentence a client is told.
    pub pt_feeds: std::sync::OnceLock<Result<Arc<Vec<crate::travel::transit::Feed>>, String>>,
    /// A MapLibre style the page draws under the choropleth (`serve --basemap-style`).
    basemap_style: Option<String>,
    pub(crate) cpu: Arc<Semaphore>,
    pub(crate) streams: Arc<Semaphore>,
}

fn to_bytes<T: Serialize>(v: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(v).expect("answers serialise"))
}

impl AppState {
    /// A server of one atlas (its own vintage, no other).
    pub fn new(atlas: Arc<Atlas>, web_dir: PathBuf) -> Result<AppState, TileError> {
        AppState::with_limits(atlas, web_dir, Limits::default())
    }

    pub fn with_limits(
        atlas: Arc<Atlas>,
        web_dir: PathBuf,
        limits: Limits,
    ) -> Result<AppState, TileError> {
        AppState::with_vintages(atlas.vintage, atlas, None, web_dir, limits)
    }

    /// A server whose default is `atlas` of `vintage`; `opener` opens the other vintages on
    /// first use (without one, only `vintage` is served).
    pub fn with_vintages(
        vintage: Vintage,
        atlas: Arc<Atlas>,
        opener: Option<Opener>,
        web_dir: PathBuf,
        limits: Limits,
    ) -> Result<AppState, TileError> {
        let offered: Vec<Vintage> = if opener.is_some() {
            Vintage::ALL.to_vec()
        } else {
            vec![vintage]
        };
        let default = Arc::new(Served::new(vintage, atlas.clone(), &offered, vintage)?);
        Ok(AppState {
            default_vintage: vintage,
            health_json: to_bytes(&Health::of(&atlas)),
            wards: Vec::new(),
            glyphs: crate::tiles::glyphs::Glyphs::new(crate::tiles::glyphs::font_dirs(&web_dir)),
            networks: None,
            pt_feeds: std::sync::OnceLock::new(),
            basemap_style: None,
            atlas,
            default,
            opener,
            others: Mutex::new(BTreeMap::new()),
            data: None,
            england: Default::default(),
            cpu: Arc::new(Semaphore::new(limits.cpu_jobs.max(1))),
            streams: Arc::new(Semaphore::new(limits.streams.max(1))),
            web_dir,
            limits,
        })
    }

    /// Replace the default vintage's district outlines job before serving (tests of a slow
    /// start). Returns false once the state is shared.
    pub fn replace_districts(&mut self, districts: Pending<Bytes>) -> bool {
        match Arc::get_mut(&mut self.default) {
            Some(d) => {
                d.districts = districts;
                true
            }
            None => false,
        }
    }

    /// The vintages this server answers, oldest first.
    pub fn vintages(&self) -> Vec<Vintage> {
        if self.opener.is_some() {
            Vintage::ALL.to_vec()
        } else {
            vec![self.default_vintage]
        }
    }

    /// The default vintage's answers (always ready).
    pub fn default_served(&self) -> &Arc<Served> {
        &self.default
    }

    /// A vintage's answers if they are ready now: never starts or waits for an open.
    pub fn served_now(&self, vintage: Vintage) -> Option<Arc<Served>> {
        if vintage == self.default_vintage {
            return Some(self.default.clone());
        }
        let others = self.others.lock().unwrap_or_else(|e| e.into_inner());
        let done = others.get(&vintage)?.borrow().clone();
        match done.as_deref() {
            Some(Ok(Ok(s))) => Some(s.clone()),
            _ => None,
        }
    }

    /// A vintage's answers, opening its atlas in the background on first use and waiting for it.
    /// Requests that time out leave the open running, so a later request finds it done.
    pub async fn served(&self, vintage: Vintage) -> Result<Arc<Served>, VintageProblem> {
        if vintage == self.default_vintage {
            return Ok(self.default.clone());
        }
        let Some(opener) = self.opener.clone() else {
            return Err(VintageProblem::NotServed {
                asked: vintage,
                served: self.default_vintage,
            });
        };
        let mut rx = {
            let mut others = self.others.lock().unwrap_or_else(|e| e.into_inner());
            others
                .entry(vintage)
                .or_insert_with(|| {
                    let offered = self.vintages();
                    let default = self.default_vintage;
                    let basemap = self.basemap_style.clone();
                    in_background("atlas of another vintage", move || {
                        tracing::info!(%vintage, "opening the atlas of another vintage");
                        let atlas = opener(vintage)?;
                        Served::new(vintage, Arc::new(atlas), &offered, default)
                            .map(|mut s| {
                                s.set_basemap_style(basemap);
                                Arc::new(s)
                            })
                            .map_err(|e| format!("its tiles could not be prepared: {e}"))
                    })
                })
                .clone()
        };
        let failed = |why: String| VintageProblem::Failed {
            asked: vintage,
            why,
        };
        let done = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| failed("the open ended without an answer".into()))?;
        match done.as_deref() {
            Some(Ok(Ok(s))) => Ok(s.clone()),
            Some(Ok(Err(why))) | Some(Err(why)) => Err(failed(why.clone())),
            None => Err(failed("the open ended without an answer".into())),
        }
    }

    /// Tell the page (through `/api/region`) to draw this basemap style under the choropleth.
    pub fn with_basemap_style(mut self, url: Option<String>) -> AppState {
        if let Some(d) = Arc::get_mut(&mut self.default) {
            d.set_basemap_style(url.clone());
        }
        self.basemap_style = url;
        self
    }

    /// Label these wards too (those whose interior point lies in the region), in every vintage.
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
        self.wards = inside;
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

/// A hash of everything an answer is made from: the vintage, areas, layer values and metadata,
/// sources.
fn data_version(atlas: &Atlas, vintage: Vintage) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    vintage.as_str().hash(&mut h);
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
