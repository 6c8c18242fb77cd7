// needsmap browser map: wires the needsmap HTTP API (API.md), or a static PMTiles archive, to a
// MapLibre GL JS map. Plain ES modules, no bundler. MapLibre is loaded as a classic script
// (window.maplibregl) from vendor/maplibre-gl/, which the server maps to
// web/node_modules/maplibre-gl/dist/.
//
// One state (state.js) changed only by `store.setState`, which calls `render` once; each panel
// (panels/*.js) renders its part from the state and the data loaded at start.
import { api, ApiError, tileUrl, absoluteTemplate, useVintage } from './api.js';
import { createStore, normalise, STATE_KEYS } from './state.js';
import { parseHash, toHash } from './urlstate.js';
import { regionFromApi, regionFromLegacy, placeName, words } from './region.js';
import { boundsOf } from './geometry.js';
import { areaSource, SRC, SOURCE_LAYER, ML } from './mapstyle.js';
import { addBasemap, FILL_OPACITY_OVER_BASEMAP } from './basemap.js';
import { MapView } from './mapview.js';
import { html, setHtml } from './html.js';
import { showMessage, clearMessage, errorHtml } from './messages.js';
import { MISSING_COLOUR, quantileBreaks } from './classify.js';
import { composePng } from './png.js';
import { staticSource, loadStaticConfig, openArchive, archiveFields, archiveRegion, archiveChoice, staticLayers } from './static.js';
import { LAYERS, LAYER_IDS } from './generated/layers.js';
import { layersPanel, attributionLines, withMethod, vintageOf } from './panels/layers.js';
import { vintagePanel } from './panels/vintage.js';
import { isCategorical } from './vintage.js';
import { districtPanel } from './panels/district.js';
import { listPanel } from './panels/list.js';
import { accessPanel, availableModes, MODE_WORDS } from './panels/access.js';
import { profilePanel } from './panels/profile.js';
import { postcodePanel } from './panels/postcode.js';
import { tooltipPanel } from './panels/tooltip.js';
import { summaryPanel } from './panels/summary.js';
import { scenarioPanel } from './panels/scenario.js';
import { glyphsUrl, lsoaLabelLoader, PLACE_KINDS } from './labels.js';

const $ = (id) => document.getElementById(id);
const HEALTH_EVERY_MS = 30000;

// ---------------------------------------------------------------------------------------------
// state and render

const panels = [];
const ctx = {
  data: null, // {health, layers, byId, region, modes, districts, tileTemplate, tilejson}
  mapView: null,
  staticMode: null, // {archives, source, archive, ...} in static mode
  store: null,
  modeLayer: (mode) => ctx.data.modes.find((m) => m.mode === mode)?.layer || null,
  networkShown: (s) => ctx.data.byId.get(s.layer)?.method === 'network' || (s.beyond && ctx.modeLayer(s.mode)?.method === 'network'),
  postcodeArea: () => '',
};

let hashTimer = null;
function writeHash(state) {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    const h = toHash(state);
    if (h !== window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search + h);
  }, 150);
}

/** The layers the area tiles must carry: the one drawn, and the GP time when it is hatched. */
function tileLayers(state) {
  const M = state.beyond ? ctx.modeLayer(state.mode) : null;
  return [state.layer, M && M.id !== state.layer ? M.id : null];
}

function render(state, prev, changed, how) {
  if (!ctx.data) return;
  for (const p of panels) p.render(state, prev, changed, how);
  const mv = ctx.mapView;
  if (mv && !ctx.staticMode && ['vintage', 'layer', 'beyond', 'mode'].some((k) => changed.has(k))) {
    mv.setAreaTiles(tileUrl(ctx.data.tileTemplate, { layers: tileLayers(state) }));
  }
  if (mv && how.fromHash && changed.has('view') && state.view) mv.map.jumpTo({ center: [state.view.lon, state.view.lat], zoom: state.view.zoom });
  writeHash(state);
}

const store = createStore(parseHash(window.location.hash), render);
ctx.store = store;

let resolveReady;
let rejectReady;
const ready = new Promise((res, rej) => {
  resolveReady = res;
  rejectReady = rej;
});
ready.catch(() => {}); // failures are shown on the page; keep the console free of unhandled noise
window.needsmap = {
  map: null,
  get state() {
    return store.state;
  },
  ready,
  app: ctx,
  idle: () => ctx.mapView.idle(),
  /** Resolves once the LSOA names for the view are loaded (or none are needed). */
  labelsSettled: () => ctx.lsoaLabels?.settled() ?? Promise.resolve(),
  /** `performance.now()` when the areas of the first view were drawn (before outlines, GP sites, names). */
  areasDrawnAt: null,
  /** `performance.now()` when the context (outlines, GP sites, place names) was drawn too. */
  contextDrawnAt: null,
};

// ---------------------------------------------------------------------------------------------
// loading: the API, or a static archive

function setStatus(kind, text, health) {
  const el = $('server-status');
  el.dataset.state = kind;
  setHtml(el, html`<span class="dot" aria-hidden="true"></span>${text}`);
  const src = (health?.sources || []).map((x) => `${x.id}${x.vintage ? ` (${x.vintage})` : ''}`).join('\n');
  if (health) el.title = src ? `Data sources:\n${src}` : '';
}

function indexLayers(d, rows) {
  d.byId = new Map(rows.map((l) => [l.id, l]));
  d.layers = rows.filter((l) => l.kind !== 'text' || isCategorical(l));
  d.modes = availableModes(d.byId);
  return d;
}

const NO_FEATURES = Object.freeze({ type: 'FeatureCollection', features: [] });

/**
 * Everything the page needs from a running server, for the vintage `api` is set to. The district
 * outlines (hundreds of KB for England) are asked for at once but not waited for: they are drawn
 * after the areas (`drawContext`).
 */
async function loadFromApi() {
  const districts = api.districts();
  districts.catch(() => {}); // reported when drawn
  const [health, layersDoc, tilejson] = await Promise.all([api.health(), api.layers(), api.tilejson()]);
  return fromApi(health, layersDoc, tilejson, districts);
}

/** `districts` is a promise of the outlines. */
async function fromApi(health, layersDoc, tilejson, districts) {
  if (!Array.isArray(tilejson.tiles) || !tilejson.tiles.length) throw new Error('tile service lists no tile URL');
  // servers before CONTRACTS.md §B (whose /healthz names the region by a bare id) have no
  // /api/region: the same document is built from /healthz and the district outlines
  const region = health.region && typeof health.region === 'object'
    ? regionFromApi(await api.region())
    : regionFromLegacy(health, await districts, tilejson.bounds);
  const d = { health, region, tilejson, districts: NO_FEATURES, districtsLoading: districts, tileTemplate: absoluteTemplate(tilejson.tiles[0]), vintage: region.vintage || '' };
  d.areaSource = areaSource(tileUrl(d.tileTemplate, { layers: [store.state.layer] }), { minzoom: tilejson.minzoom ?? 0, maxzoom: tilejson.maxzoom ?? 14, bounds: tilejson.bounds });
  d.absent = layersDoc.absent || []; // layers this server cannot have, with the reason
  return indexLayers(d, layersDoc.layers || []);
}

/**
 * Everything the page needs from a static archive (and its optional config); with one archive
 * per vintage, the archive of `wanted` (else the first), and the vintages offered.
 */
async function loadStatic(source, wanted = store.state.vintage) {
  const cfg = await loadStaticConfig(source, window.location.href);
  const all = await Promise.all(cfg.archives.map((a) => openArchive(a.pmtiles)));
  const choice = archiveChoice(cfg.archives, all.map((a) => a.metadata), wanted);
  const archive = all[choice.index];
  const h = archive.header;
  const meta = archive.metadata || {};
  const bbox = [h.minLon, h.minLat, h.maxLon, h.maxLat];
  let districts = { type: 'FeatureCollection', features: [] };
  if (cfg.districts) {
    const res = await fetch(cfg.districts);
    if (!res.ok) throw new Error(`districts ${cfg.districts}: HTTP ${res.status}`);
    districts = await res.json();
  }
  const fromArchive = archiveRegion(meta);
  const region = cfg.region
    ? regionFromApi({ bbox, ...cfg.region })
    : regionFromLegacy({ region: fromArchive?.name ? fromArchive : fromArchive?.id || { id: 'static', name: 'this area' } }, districts, bbox);
  const rows = staticLayers({ configLayers: cfg.layers, metadataLayers: Array.isArray(meta.needsmap?.layers) ? meta.needsmap.layers : null, catalogue: LAYERS, fields: archiveFields(meta) });
  for (const l of rows) {
    // deciles need no breaks; others get quantile breaks from the drawn tiles (see fillBreaks)
    if (!l.breaks && l.unit === 'decile') l.breaks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  }
  ctx.staticMode = { ...cfg, source, archive: archive.url };
  region.vintages = choice.offered;
  const d = { health: null, region, districts, districtsLoading: Promise.resolve(districts), tileTemplate: null, vintage: choice.vintage };
  d.areaSource = { type: 'vector', url: archive.url };
  return indexLayers(d, rows);
}

/** Static archives without class breaks: quantiles of the values in the loaded tiles. */
function fillBreaks() {
  const L = ctx.data.byId.get(store.state.layer);
  if (!ctx.staticMode || !L || L.breaks?.length) return false;
  // one value per area (an area cut by tile edges comes back once per tile)
  const byCode = new Map(ctx.mapView.map.querySourceFeatures(SRC.AREAS, { sourceLayer: SOURCE_LAYER }).map((f) => [f.properties.code, f.properties[L.id]]));
  const values = [...byCode.values()];
  const b = quantileBreaks(values, 7);
  if (!b.length) return false;
  L.breaks = b;
  L.min = Math.min(...values.filter(Number.isFinite));
  L.max = b[b.length - 1];
  return true;
}

async function load() {
  const source = staticSource(window.location.search);
  if (source) return loadStatic(source);
  try {
    return await loadFromApi();
  } catch (e) {
    // no needsmap server here: a static host may have a static.json beside the page
    if (e instanceof ApiError && (e.kind === 'network' || e.status === 404)) {
      try {
        return await loadStatic(null);
      } catch {
        throw e;
      }
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// PNG, link, health

function downloadPng() {
  const state = store.state;
  const L = ctx.data.byId.get(state.layer);
  const rows = ctx.layersPanel.rows().map((r) => ({ colour: r.colour, label: r.end ? `${r.label} (${r.end})` : r.label }));
  if (L.missing > 0) rows.push({ colour: MISSING_COLOUR, label: `No data (${L.missing})` });
  const sub = [placeName(ctx.data.region, state.district), vintageOf(ctx)].filter(Boolean);
  if (state.filter) sub.push(`outlined: ${state.filter}`);
  if (state.beyond && ctx.modeLayer(state.mode)) sub.push(`hatched: over ${state.minutes} min to a GP ${MODE_WORDS[state.mode]}`);
  let url;
  try {
    url = composePng(ctx.mapView.map.getCanvas(), {
      title: withMethod(L),
      subtitle: sub.join(' · '),
      legendTitle: L.unit ? `${L.title} (${L.unit})` : L.title,
      legend: rows,
      source: `Source: ${L.source_title || L.source || 'needsmap'}${L.vintage ? `, ${L.vintage}` : ''}. Method: ${L.method}.`,
      attribution: ['Map: needsmap.', ...attributionLines(ctx.networkShown(state))],
    });
  } catch (e) {
    showMessage('error', errorHtml(e, 'Making the PNG'), 'png');
    return;
  }
  const a = document.createElement('a');
  a.href = url;
  a.download = `needsmap-${L.id}${state.district ? `-${state.district}` : ''}-${new Date().toISOString().slice(0, 10)}.png`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.needsmap.lastPng = url;
}

function bindPage() {
  $('download-png').addEventListener('click', downloadPng);
  $('copy-link').addEventListener('click', async () => {
    const url = window.location.href.split('#')[0] + toHash(store.state);
    const btn = $('copy-link');
    try {
      await navigator.clipboard.writeText(url);
      const old = btn.textContent;
      btn.textContent = 'Link copied';
      setTimeout(() => (btn.textContent = old), 1500);
    } catch {
      window.prompt('Copy this link', url);
    }
  });
  window.addEventListener('hashchange', () => {
    const asked = parseHash(window.location.hash);
    if (asked.vintage && asked.vintage !== ctx.data.vintage) {
      switchVintage(asked.vintage, asked);
      return;
    }
    const next = normalise(asked, normaliseContext());
    store.setState(Object.fromEntries(STATE_KEYS.map((k) => [k, next[k]])), { fromHash: true });
  });
}

function watchHealth() {
  setInterval(async () => {
    try {
      const h = await api.health();
      ctx.data.health = h;
      setStatus('ok', words.status(ctx.data.region, h), h);
      clearMessage('network');
    } catch (e) {
      setStatus('down', 'Server unreachable');
      showMessage('error', errorHtml(e, 'Checking the server'), 'network');
    }
  }, HEALTH_EVERY_MS);
}

function normaliseContext() {
  const d = ctx.data;
  return {
    layers: d.layers.map((l) => l.id),
    defaultLayer: LAYER_IDS.IMD_DECILE,
    districts: d.region.districts.map((x) => x.code),
    modes: d.modes.map((m) => m.mode),
    vintage: d.vintage,
  };
}

/**
 * Shows another vintage: its layers, region, districts and tiles are loaded, the state made
 * consistent with them (an open profile is closed: area codes differ between geographies) and
 * every panel drawn again. `asked` is the rest of the state to keep (e.g. from a link).
 */
async function switchVintage(vintage, asked = store.state) {
  if (vintage === ctx.data.vintage || ctx.switching === vintage) return;
  if (ctx.staticMode && !(ctx.data.region.vintages || []).includes(vintage)) return;
  ctx.switching = vintage;
  setStatus('busy', `Loading IMD ${vintage}…`);
  try {
    if (ctx.staticMode) {
      // one archive per vintage: the other archive's tiles and layers, same page
      const d = await loadStatic(ctx.staticMode.source, vintage);
      ctx.mapView.setAreaArchive(d.areaSource.url);
      ctx.data = d;
    } else {
      useVintage(vintage);
      // the outlines are asked for now and drawn when they come, as at the start
      const districts = api.districts();
      districts.catch(() => {}); // reported when drawn
      const [layersDoc, tilejson] = await Promise.all([api.layers(), api.tilejson()]);
      const d = await fromApi(ctx.data.health, layersDoc, tilejson, districts);
      d.areaSource = ctx.data.areaSource;
      ctx.data = d;
    }
  } catch (e) {
    if (!ctx.staticMode) useVintage(ctx.data.vintage);
    showMessage('error', errorHtml(e, `Loading IMD ${vintage}`), 'vintage');
    return;
  } finally {
    ctx.switching = null;
    setStatus('ok', ctx.staticMode ? `Static map · ${ctx.data.region.name}` : words.status(ctx.data.region, ctx.data.health), ctx.data.health);
  }
  clearMessage('vintage');
  drawOutlines(ctx.data);
  refreshLabels();
  const keepArea = asked.area && asked.vintage === ctx.data.vintage ? asked.area : '';
  const next = normalise({ ...asked, vintage: ctx.data.vintage, area: keepArea }, normaliseContext());
  store.setState(Object.fromEntries(STATE_KEYS.map((k) => [k, next[k]])), { fromVintage: true });
  // the data behind every panel changed: draw them all again, as at the start (the map stays put)
  render(store.state, {}, new Set(STATE_KEYS), { initial: true, vintage: true });
}
ctx.switchVintage = switchVintage;

/** Place names of the vintage now shown (LSOA names and points differ between geographies). */
function refreshLabels() {
  if (!ctx.lsoaLabels) return;
  api.labels({ kind: PLACE_KINDS })
    .then((l) => ctx.mapView.setPlaceLabels(l))
    .catch((e) => showMessage('warning', errorHtml(e, 'Loading place names'), 'labels'));
  ctx.lsoaLabels.refresh();
}

/** Region words in the fixed parts of the page (heading, map label, static notes). */
function labelPage() {
  const r = ctx.data.region;
  $('region-heading').textContent = words.heading(r);
  $('map').setAttribute('aria-label', words.mapLabel(r));
  if (!r.districts.length) $('district-select').closest('.field').hidden = true;
  if (ctx.staticMode) {
    for (const el of document.querySelectorAll('[data-needs-api]')) el.hidden = true;
    $('static-note').hidden = false;
  }
}

// ---------------------------------------------------------------------------------------------
// start

async function start() {
  setStatus('busy', 'Connecting…');
  useVintage(store.state.vintage);
  try {
    try {
      ctx.data = await load();
    } catch (e) {
      // a link to a vintage this server does not offer: show its default instead
      if (!(e instanceof ApiError && e.code === 'bad_vintage')) throw e;
      useVintage('');
      ctx.data = await load();
    }
    useVintage(ctx.data.vintage);
  } catch (e) {
    setStatus('down', ctx.staticMode ? 'Archive unreadable' : 'Server unreachable');
    showMessage('error', errorHtml(e, 'Loading the map'), 'network');
    setHtml($('legend'), html`<p class="hint">No map: ${ctx.staticMode ? 'the archive could not be read' : 'the server did not answer'}.</p>`);
    throw e;
  }
  const d = ctx.data;
  setStatus('ok', ctx.staticMode ? `Static map · ${d.region.name}` : words.status(d.region, d.health), d.health);
  const normal = normalise(store.state, normaliseContext());
  store.setState(Object.fromEntries(STATE_KEYS.map((k) => [k, normal[k]])), { initial: true });
  labelPage();

  const state = store.state;
  const dist = state.district ? d.region.districts.find((x) => x.code === state.district) : null;
  ctx.mapView = new MapView({
    container: 'map',
    view: state.view,
    bounds: boundsOf(dist?.bbox) || boundsOf(d.region.bbox),
    onError: (e) => {
      const err = e?.error;
      const status = err?.status;
      if (status === 204 || status === 404) return; // empty tile
      console.warn('map error', err);
      if (status === 400 || status >= 500 || status === 0 || err instanceof TypeError) {
        const what = e?.sourceId ? `Loading map data (${e.sourceId})` : 'Drawing the map';
        showMessage('error', html`<strong>${what} failed:</strong> ${err?.message || 'unknown error'}`, 'tiles');
      }
    },
  });
  window.needsmap.map = ctx.mapView.map;
  await ctx.mapView.loaded;
  ctx.mapView.addLayers({ areas: d.areaSource, districts: d.districts, gpVisible: state.gp });
  // a deployment's basemap (serve --basemap-style), under the choropleth; the map works without it
  if (d.region.basemapStyle) {
    addBasemap(ctx.mapView.map, d.region.basemapStyle, ML.AREAS_FILL)
      .then(() => ctx.mapView.map.setPaintProperty(ML.AREAS_FILL, 'fill-opacity', FILL_OPACITY_OVER_BASEMAP))
      .catch((e) => showMessage('warning', errorHtml(e, 'Loading the basemap'), 'basemap'));
  }

  ctx.layersPanel = layersPanel(ctx);
  panels.push(ctx.layersPanel, districtPanel(ctx), profilePanel(ctx));
  panels.push(vintagePanel(ctx)); // hidden unless two vintages are offered (server or archives)
  const tooltip = tooltipPanel(ctx);
  if (!ctx.staticMode) {
    const postcode = postcodePanel(ctx);
    ctx.postcodeArea = postcode.area;
    ctx.scenario = scenarioPanel(ctx);
    panels.push(listPanel(ctx), accessPanel(ctx), postcode, summaryPanel(ctx), ctx.scenario);
  }
  ctx.mapView.bindPointer({
    onHover: (h) => tooltip.show(h),
    onAreaClick: (f) => !ctx.scenario?.editing() && store.setState({ area: f.properties.code }, { properties: f.properties }),
  });
  ctx.mapView.map.on('moveend', () => {
    const c = ctx.mapView.map.getCenter();
    store.setState({ view: { zoom: ctx.mapView.map.getZoom(), lat: c.lat, lon: c.lng } }, { fromMap: true });
  });
  bindPage();
  // the first render: every field is new
  render(store.state, {}, new Set(STATE_KEYS), { initial: true });

  // context (outlines, GP sites, place names) is asked for now and drawn once the areas are
  const gp = ctx.staticMode ? null : api.gpSites();
  const places = ctx.staticMode ? null : api.labels({ kind: PLACE_KINDS });
  gp?.catch(() => {});
  places?.catch(() => {});
  await ctx.mapView.idle();
  // every area tile of the first view is loaded and drawn (the England check reports this time)
  window.needsmap.areasDrawnAt = performance.now();
  if (ctx.staticMode) {
    if (fillBreaks()) render(store.state, store.state, new Set(['layer']), {});
    ctx.mapView.map.on('idle', () => {
      if (fillBreaks()) render(store.state, store.state, new Set(['layer']), {});
    });
  } else {
    watchHealth();
    await drawContext(d, gp, places);
  }
  await ctx.mapView.idle();
  // outlines, GP sites and place names are drawn as well (the England check reports this time too)
  window.needsmap.contextDrawnAt = performance.now();
}

/**
 * Draws `d`'s district outlines once they are loaded, unless another vintage is shown by then
 * (with its own outlines). Optional: a failure is reported and the map works without them.
 */
function drawOutlines(d) {
  return d.districtsLoading
    .then((fc) => {
      if (ctx.data !== d) return;
      d.districts = fc;
      ctx.mapView.setDistricts(fc);
      clearMessage('districts');
    })
    .catch((e) => {
      if (ctx.data !== d) return;
      ctx.mapView.setDistricts(null); // not another vintage's outlines in their place
      showMessage('warning', errorHtml(e, 'Loading district outlines'), 'districts');
    });
}

/**
 * Draws what gives the areas their context: district outlines, GP sites and place names. Each is
 * optional: a failure is reported and the map works without it. On one MapLibre worker these
 * would otherwise be tiled before the area tiles, so they come after the first draw.
 */
async function drawContext(d, gp, places) {
  const outlines = drawOutlines(d);
  // the server marks each GP site `inside` the region or not
  const sites = gp
    .then((g) => ctx.mapView.setGpData(g))
    .catch((e) => showMessage('warning', errorHtml(e, 'Loading GP sites'), 'gp'));
  const names = places
    .then((l) => {
      ctx.mapView.addLabels(l, glyphsUrl(window.location.href));
      // LSOA names only for the view, from their zoom on
      ctx.lsoaLabels = lsoaLabelLoader({
        map: ctx.mapView.map,
        fetchLabels: (bbox, signal) => api.labels({ kind: 'lsoa', bbox }, { signal }),
        setData: (fc) => ctx.mapView.setLsoaLabels(fc),
        onError: (e) => showMessage('warning', errorHtml(e, 'Loading LSOA names'), 'labels'),
      });
      if (ctx.data !== d) refreshLabels(); // the vintage changed while they loaded
    })
    .catch((e) => showMessage('warning', errorHtml(e, 'Loading place names'), 'labels'));
  await Promise.all([outlines, sites, names]);
}

start().then(resolveReady, (e) => {
  console.error(e);
  rejectReady(e);
});
