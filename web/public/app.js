// needsmap browser map: wires the needsmap HTTP API (API.md) to a MapLibre GL JS map.
// Plain ES module, no bundler. MapLibre is loaded as a classic script (window.maplibregl) from
// /vendor/maplibre-gl/, which the server maps to web/node_modules/maplibre-gl/dist/.
// The base map is our own data only (no tile, glyph or font server): district outlines,
// LSOA polygons from our vector tiles and GP sites, on a plain background; names and values are
// shown in HTML (tooltip, legend, list, profile), never as map labels.

import { getJson, query, ApiError } from './api.js';
import * as fmt from './format.js';
import { classes, colourExpression, endWords, MISSING_COLOUR } from './classify.js';
import { parseHash, toHash, DEFAULTS } from './urlstate.js';
import { composePng } from './png.js';

const maplibregl = window.maplibregl;
const $ = (id) => document.getElementById(id);

const OGL_ATTRIBUTION =
  'Contains public sector information licensed under the Open Government Licence v3.0. ' +
  'Contains OS data © Crown copyright and database right 2025. ' +
  'Contains Royal Mail data © Royal Mail copyright and database right 2025. ' +
  'Contains National Statistics data © Crown copyright and database right 2025.';
const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

export const PRESETS = {
  national: { filter: 'imd_decile <= 1', label: 'National top 10% (IMD decile 1)' },
  county: { filter: 'imd_county_decile <= 1', label: 'County top 10% (county IMD decile 1)' },
};
const MODE_WORDS = { walk: 'walking', cycle: 'cycling', car: 'by car' };
const MODE_LABELS = { walk: 'Walk', cycle: 'Cycle', car: 'Car' };
const GROUP_ORDER = ['deprivation', 'children', 'domains', 'gp_access', 'population'];
const GROUP_LABELS = {
  deprivation: 'Deprivation (IMD)',
  children: 'Children',
  domains: 'Domains of deprivation',
  gp_access: 'GP access',
  population: 'Population',
};
const METHOD_WORDS = {
  official: 'Official statistic, as published.',
  computed: 'Computed by needsmap from the official source.',
  estimate: 'Estimate made by needsmap — not an official statistic.',
  network: 'Computed by needsmap on the OpenStreetMap path and road network.',
  reference: 'Reference figure from an earlier official release (older vintage or geography).',
};
const LIST_LIMIT = 1000;
const HEALTH_EVERY_MS = 30000;

// ---------------------------------------------------------------------------------------------
// state

const state = parseHash(window.location.hash);
const app = {
  health: null,
  layers: [], // numeric layers, in select order
  byId: new Map(), // every layer incl. text ones
  districts: null, // GeoJSON
  districtByCode: new Map(),
  tilejson: null,
  classes: [],
  modes: [], // [{mode, layer}]
  marker: null,
  hoverId: null,
  listCtl: null,
  beyondCtl: null,
  profileCtl: null,
  postcodeCtl: null,
  lastList: null,
  lastBeyond: null,
};
let map = null;
let resolveReady;
let rejectReady;
const ready = new Promise((res, rej) => {
  resolveReady = res;
  rejectReady = rej;
});
ready.catch(() => {}); // failures are shown on the page; keep the console free of unhandled noise
window.needsmap = { map: null, state, ready, app, idle: () => idle() };

// ---------------------------------------------------------------------------------------------
// messages

const messageEl = () => $('message');

/** Shows a message in the message area. scope lets a later success clear only its own message. */
function showMessage(kind, html, scope) {
  const el = messageEl();
  el.hidden = false;
  el.className = `message message-${kind}`;
  el.dataset.scope = scope || '';
  el.dataset.kind = kind;
  el.innerHTML = `<div class="message-body">${html}</div>` +
    '<button type="button" class="message-close" aria-label="Dismiss message">×</button>';
  el.querySelector('.message-close').addEventListener('click', () => clearMessage());
}

function clearMessage(scope) {
  const el = messageEl();
  if (scope !== undefined && el.dataset.scope !== scope) return;
  el.hidden = true;
  el.innerHTML = '';
  el.dataset.scope = '';
  el.dataset.kind = '';
}

/** Error text for an ApiError, with the filter and a caret under the failing column. */
function errorHtml(err, what, filterText, prefixLen = 0) {
  if (!(err instanceof ApiError)) return `<strong>${fmt.esc(what)} failed.</strong> ${fmt.esc(err?.message || err)}`;
  if (err.kind === 'network') {
    return `<strong>The needsmap server is unreachable.</strong> ${fmt.esc(err.detail)} ` +
      'Check that <code>needsmap serve</code> is running, then try again.';
  }
  let html = `<strong>${fmt.esc(what)}:</strong> <span class="detail" data-testid="message-detail">${fmt.esc(err.detail)}</span>`;
  if (err.column !== undefined) {
    // API columns count from 1 and refer to the text the server saw; when the page put a
    // district clause in front of the user's filter, point into the user's own text instead
    let text = filterText;
    let col = err.column;
    if (filterText && prefixLen && col > prefixLen) {
      text = filterText.slice(prefixLen).replace(/\)$/, '');
      col -= prefixLen;
    } else if (prefixLen) {
      text = filterText;
    }
    if (col !== err.column) {
      html += ` <span class="column" data-testid="message-column">(column ${col} of your filter; column ${err.column} of the query sent)</span>`;
    } else if (!err.detail.includes(`column ${col}`)) {
      html += ` <span class="column" data-testid="message-column">(column ${col})</span>`;
    }
    if (text) {
      const pad = ' '.repeat(Math.max(0, Math.min(text.length, col - 1)));
      html += `<pre class="caret" aria-hidden="true">${fmt.esc(text)}\n${pad}^</pre>`;
    }
  } else if (err.status) {
    html += ` <span class="status">(HTTP ${err.status})</span>`;
  }
  return html;
}

function isAbort(e) {
  return e && (e.name === 'AbortError' || e === 'superseded');
}

// ---------------------------------------------------------------------------------------------
// URL

let hashTimer = null;
function writeHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => {
    const h = toHash(state);
    if (h !== window.location.hash) window.history.replaceState(null, '', h);
  }, 150);
}

// ---------------------------------------------------------------------------------------------
// filters

const districtName = (code) => app.districtByCode.get(code)?.name || '';

function quote(s) {
  return `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The user's filter restricted to the chosen district, or '' when neither is set. */
function combinedWhere(filter) {
  const parts = [];
  if (state.district && districtName(state.district)) parts.push(`district = ${quote(districtName(state.district))}`);
  if (filter && filter.trim()) parts.push(parts.length ? `(${filter.trim()})` : filter.trim());
  return parts.join(' and ');
}

function tileTemplate(where) {
  const t = app.tilejson.tiles[0];
  if (!where) return t;
  return t + (t.includes('?') ? '&' : '?') + `where=${encodeURIComponent(where)}`;
}

function modeLayer(mode) {
  return app.modes.find((m) => m.mode === mode)?.layer || null;
}

// ---------------------------------------------------------------------------------------------
// controls

function buildLayerSelect() {
  const sel = $('layer-select');
  sel.innerHTML = '';
  const groups = new Map();
  for (const l of app.layers) {
    if (!groups.has(l.group)) groups.set(l.group, []);
    groups.get(l.group).push(l);
  }
  const order = [...GROUP_ORDER.filter((g) => groups.has(g)), ...[...groups.keys()].filter((g) => !GROUP_ORDER.includes(g))];
  for (const g of order) {
    const og = document.createElement('optgroup');
    og.label = GROUP_LABELS[g] || g.replace(/_/g, ' ');
    for (const l of groups.get(g)) {
      const o = document.createElement('option');
      o.value = l.id;
      o.textContent = withMethod(l);
      og.appendChild(o);
    }
    sel.appendChild(og);
  }
}

/** A layer's title, marked "(estimate)" or "(network)" unless the title already says so. */
function withMethod(l) {
  if ((l.method === 'estimate' || l.method === 'network') && !l.title.toLowerCase().includes(l.method)) return `${l.title} (${l.method})`;
  return l.title;
}

function buildDistrictSelect() {
  const sel = $('district-select');
  sel.innerHTML = '<option value="">All Gloucestershire</option>';
  const feats = [...(app.districts?.features || [])].sort((a, b) => a.properties.name.localeCompare(b.properties.name));
  for (const f of feats) {
    const o = document.createElement('option');
    o.value = f.properties.code;
    o.textContent = `${f.properties.name} (${f.properties.areas} areas)`;
    sel.appendChild(o);
  }
}

function buildModeSelect() {
  const sel = $('mode-select');
  sel.innerHTML = '';
  for (const { mode, layer } of app.modes) {
    const o = document.createElement('option');
    o.value = mode;
    o.textContent = layer.method === 'estimate' ? `${MODE_LABELS[mode]} (estimate)` : MODE_LABELS[mode];
    sel.appendChild(o);
  }
  const none = app.modes.length === 0;
  $('mode-select').disabled = none;
  $('threshold-input').disabled = none;
  $('beyond-toggle').disabled = none;
  if (none) $('beyond-summary').textContent = 'This server has no GP travel-time layers yet.';
}

/** Puts the state into the form controls (initial load and pasted links). */
function syncControls() {
  $('layer-select').value = state.layer;
  $('district-select').value = state.district;
  $('filter-input').value = state.filter;
  if (app.modes.length) $('mode-select').value = state.mode;
  $('threshold-input').value = String(state.minutes);
  $('beyond-toggle').checked = state.beyond;
  $('gp-toggle').checked = state.gp;
  $('postcode-input').value = state.postcode;
  syncPresetButtons();
}

function syncPresetButtons() {
  for (const [key, p] of Object.entries(PRESETS)) {
    $(`preset-${key}`).setAttribute('aria-pressed', String(state.filter.trim() === p.filter));
  }
}

/** Makes the state consistent with what the server offers. */
function normaliseState() {
  if (!app.byId.has(state.layer) || app.byId.get(state.layer).kind === 'text') {
    state.layer = app.byId.has(DEFAULTS.layer) ? DEFAULTS.layer : app.layers[0]?.id;
  }
  if (state.district && !app.districtByCode.has(state.district)) state.district = '';
  if (app.modes.length && !modeLayer(state.mode)) state.mode = app.modes[0].mode;
}

// ---------------------------------------------------------------------------------------------
// map

function hatchImage() {
  // diagonal dark hatching with a light halo, readable over both light and dark fills
  const size = 16;
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = (x + y) % size;
      const i = (y * size + x) * 4;
      if (d === 0 || d === 1) {
        data.set([17, 17, 17, 220], i);
      } else if (d === 2 || d === 15) {
        data.set([255, 255, 255, 170], i);
      }
    }
  }
  return { width: size, height: size, data };
}

function bboxOf(geojson) {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
    } else c.forEach(walk);
  };
  const feats = geojson.type === 'FeatureCollection' ? geojson.features : [geojson];
  feats.forEach((f) => f.geometry && walk(f.geometry.coordinates));
  return [[w, s], [e, n]];
}

/** Map padding that keeps the drawn areas clear of the title (top) and legend (bottom left). */
function viewPadding() {
  const el = $('map');
  const w = el.clientWidth;
  const h = el.clientHeight;
  const legendW = $('legend').offsetWidth || 290;
  return {
    top: Math.round(Math.min(90, h * 0.12)),
    bottom: Math.round(Math.min(50, h * 0.08)),
    left: w > 900 ? Math.round(legendW * 0.5) : 20,
    right: w > 900 ? 50 : 20,
  };
}

function inRing(pt, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(pt, rings) {
  return inRing(pt, rings[0]) && !rings.slice(1).some((h) => inRing(pt, h));
}

/**
 * Flags GP sites inside the loaded districts (`inside`), so sites across the border, which
 * matter for nearest-GP times, can be drawn muted instead of competing with the county's own.
 */
function markInside(gp, districts) {
  const polys = [];
  const add = (rings) => {
    const [[w, s], [e, n]] = bboxOf({ type: 'Feature', geometry: { coordinates: rings } });
    polys.push({ rings, w, s, e, n });
  };
  for (const f of districts?.features || []) {
    const g = f.geometry;
    if (g?.type === 'Polygon') add(g.coordinates);
    else if (g?.type === 'MultiPolygon') g.coordinates.forEach(add);
  }
  for (const f of gp.features || []) {
    const c = f.geometry?.coordinates;
    // bounding boxes first, so a national map (hundreds of districts) stays quick
    const inside = !!c && polys.some((p) => c[0] >= p.w && c[0] <= p.e && c[1] >= p.s && c[1] <= p.n && inPolygon(c, p.rings));
    f.properties = { ...f.properties, inside };
  }
  return gp;
}

function createMap() {
  const tj = app.tilejson;
  const opts = {
    container: 'map',
    style: {
      version: 8,
      name: 'needsmap',
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0ec' } }],
    },
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxZoom: 17,
    minZoom: 5,
    fadeDuration: 0,
  };
  if (state.view) {
    opts.center = [state.view.lon, state.view.lat];
    opts.zoom = state.view.zoom;
  } else if (state.district && app.districtByCode.has(state.district)) {
    opts.bounds = bboxOf(app.districtByCode.get(state.district).feature);
    opts.fitBoundsOptions = { padding: viewPadding() };
  } else if (Array.isArray(tj.bounds) && tj.bounds.length === 4) {
    opts.bounds = [[tj.bounds[0], tj.bounds[1]], [tj.bounds[2], tj.bounds[3]]];
    opts.fitBoundsOptions = { padding: viewPadding() };
  } else if (Array.isArray(tj.center)) {
    opts.center = [tj.center[0], tj.center[1]];
    opts.zoom = tj.center[2] ?? 9;
  }
  map = new maplibregl.Map(opts);
  window.needsmap.map = map;
  map.keyboard.enable();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
  map.on('error', (e) => {
    const err = e?.error;
    const status = err?.status;
    if (status === 204 || status === 404) return; // empty tile
    const what = e?.sourceId ? `Loading map data (${e.sourceId})` : 'Drawing the map';
    console.warn('map error', err);
    if (status === 400 || status >= 500 || status === 0 || err instanceof TypeError) {
      showMessage('error', `<strong>${fmt.esc(what)} failed:</strong> ${fmt.esc(err?.message || 'unknown error')}`, 'tiles');
    }
  });
  return new Promise((res) => map.once('load', res));
}

function addMapLayers() {
  const tj = app.tilejson;
  const vector = (tiles) => ({
    type: 'vector',
    tiles: [tiles],
    minzoom: tj.minzoom ?? 0,
    maxzoom: tj.maxzoom ?? 14,
    ...(Array.isArray(tj.bounds) ? { bounds: tj.bounds } : {}),
    promoteId: 'code',
  });
  map.addImage('hatch', hatchImage(), { pixelRatio: 2 });
  map.addSource('areas', vector(tileTemplate('')));
  map.addSource('districts', { type: 'geojson', data: app.districts || { type: 'FeatureCollection', features: [] } });
  map.addSource('gp', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });

  map.addLayer({
    id: 'areas-fill',
    type: 'fill',
    source: 'areas',
    'source-layer': 'areas',
    paint: { 'fill-color': MISSING_COLOUR, 'fill-opacity': 0.9 },
  });
  map.addLayer({
    id: 'areas-line',
    type: 'line',
    source: 'areas',
    'source-layer': 'areas',
    paint: {
      'line-color': '#ffffff',
      'line-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.35, 12, 0.8],
      'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.3, 12, 0.8, 15, 1.4],
    },
  });
  // 'beyond' and 'selection' vector sources are added on demand, below these anchors
  map.addLayer({
    id: 'districts-casing',
    type: 'line',
    source: 'districts',
    paint: { 'line-color': '#ffffff', 'line-width': 4, 'line-opacity': 0.8 },
    layout: { 'line-join': 'round' },
  });
  map.addLayer({
    id: 'districts-line',
    type: 'line',
    source: 'districts',
    paint: {
      'line-color': '#1b2430',
      'line-width': ['case', ['==', ['get', 'code'], state.district || '-'], 2.6, 1.4],
    },
    layout: { 'line-join': 'round' },
  });
  map.addLayer({
    id: 'areas-hover',
    type: 'line',
    source: 'areas',
    'source-layer': 'areas',
    paint: {
      'line-color': '#000000',
      'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 2.2, 0],
    },
  });
  map.addLayer({
    id: 'focus-casing',
    type: 'line',
    source: 'areas',
    'source-layer': 'areas',
    filter: ['==', ['get', 'code'], '-'],
    paint: { 'line-color': '#ffffff', 'line-width': 7 },
    layout: { 'line-join': 'round' },
  });
  map.addLayer({
    id: 'focus-line',
    type: 'line',
    source: 'areas',
    'source-layer': 'areas',
    filter: ['==', ['get', 'code'], '-'],
    paint: { 'line-color': '#d9480f', 'line-width': 3.5 },
    layout: { 'line-join': 'round' },
  });
  map.addLayer({
    id: 'gp-circles',
    type: 'circle',
    source: 'gp',
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, ['case', ['==', ['get', 'kind'], 'branch'], 2.5, 3.5], 13, ['case', ['==', ['get', 'kind'], 'branch'], 5, 7]],
      'circle-color': ['case', ['==', ['get', 'kind'], 'branch'], '#ffffff', ['to-boolean', ['get', 'inside']], '#c2255c', '#9a8f97'],
      'circle-stroke-color': ['case', ['==', ['get', 'kind'], 'branch'], ['case', ['to-boolean', ['get', 'inside']], '#c2255c', '#9a8f97'], '#ffffff'],
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 13, 2],
      'circle-opacity': ['case', ['to-boolean', ['get', 'inside']], 1, 0.7],
      'circle-stroke-opacity': ['case', ['to-boolean', ['get', 'inside']], 1, 0.7],
    },
    layout: { visibility: state.gp ? 'visible' : 'none' },
  });
}

/** Adds, retargets or removes a filtered copy of the area tiles (features carry `selected`). */
function setWhereSource(id, where, layers) {
  const has = !!map.getSource(id);
  if (!where) {
    if (has) {
      for (const l of layers) if (map.getLayer(l.id)) map.removeLayer(l.id);
      map.removeSource(id);
    }
    return;
  }
  const tiles = [tileTemplate(where)];
  if (has) {
    map.getSource(id).setTiles(tiles);
    return;
  }
  const tj = app.tilejson;
  map.addSource(id, {
    type: 'vector',
    tiles,
    minzoom: tj.minzoom ?? 0,
    maxzoom: tj.maxzoom ?? 14,
    ...(Array.isArray(tj.bounds) ? { bounds: tj.bounds } : {}),
    promoteId: 'code',
  });
  for (const l of layers) {
    map.addLayer({ source: id, 'source-layer': 'areas', filter: ['to-boolean', ['get', 'selected']], ...l.spec, id: l.id }, l.before);
  }
}

// ---------------------------------------------------------------------------------------------
// layer, legend, attribution

function currentLayer() {
  return app.byId.get(state.layer);
}

function methodBadge(method) {
  if (!method) return '';
  return `<span class="badge badge-${fmt.esc(method)}" data-testid="method-badge">${fmt.esc(method === 'estimate' ? 'estimate' : method)}</span>`;
}

function applyLayer() {
  const L = currentLayer();
  if (!L) return;
  app.classes = classes(L);
  map.setPaintProperty('areas-fill', 'fill-color', colourExpression(L.id, app.classes));
  renderLegend(L);
  renderTitle();
  renderAttribution();
}

function renderLegend(L) {
  const cls = app.classes;
  const [lowWord, highWord] = endWords(L);
  const stepped = L.unit === 'decile' && cls.length >= 5;
  let sw = '';
  if (stepped) {
    sw = `<div class="legend-steps" role="list">${cls
      .map((c) => `<span role="listitem" class="step" style="background:${c.colour}" title="${fmt.esc(c.label)}"><span class="sr-only">${fmt.esc(c.label)}</span></span>`)
      .join('')}</div>
      <div class="legend-step-labels" aria-hidden="true">${cls.map((c) => `<span>${fmt.esc(c.label)}</span>`).join('')}</div>
      <div class="legend-ends"><span>${fmt.esc(lowWord)}</span><span>${fmt.esc(highWord)}</span></div>`;
  } else {
    sw = `<ul class="legend-rows">${cls
      .map((c, i) => {
        const end = i === 0 ? lowWord : i === cls.length - 1 ? highWord : '';
        return `<li><span class="swatch" style="background:${c.colour}"></span><span>${fmt.esc(c.label)}</span>${end ? `<span class="end">${fmt.esc(end)}</span>` : ''}</li>`;
      })
      .join('')}</ul>`;
  }
  const missing = Number.isFinite(L.missing) && L.missing > 0
    ? `<div class="legend-missing"><span class="swatch" style="background:${MISSING_COLOUR}"></span>No data (${fmt.count(L.missing)} ${L.missing === 1 ? 'area' : 'areas'})</div>`
    : '';
  const estimate = L.method === 'estimate'
    ? `<div class="legend-estimate" data-testid="legend-estimate"><strong>Estimate</strong>: read it as an indication, not a measurement.
        ${L.description ? `<details><summary>How this estimate is made</summary><p>${fmt.esc(L.description)}</p></details>` : ''}</div>`
    : '';
  const about = L.method !== 'estimate' && L.description
    ? `<details class="legend-about"><summary>About this layer</summary><p>${fmt.esc(L.description)}</p></details>`
    : '';
  $('legend').innerHTML = `
    <button type="button" class="legend-toggle" id="legend-toggle" aria-expanded="${!app.legendFolded}" aria-controls="legend-body"
      title="Show or hide the legend details">${app.legendFolded ? 'Show' : 'Hide'}</button>
    <h2 class="legend-title" data-testid="legend-title">${fmt.esc(L.title)}</h2>
    <div id="legend-body" ${app.legendFolded ? 'hidden' : ''}>
    <div class="legend-unit">${L.unit ? fmt.esc(L.unit) + ' · ' : ''}${methodBadge(L.method)}</div>
    ${sw}${missing}
    <dl class="legend-meta" data-testid="legend-source">
      <dt>Source</dt><dd>${fmt.esc(L.source_title || L.source || 'not stated')}${L.licence ? ` (${fmt.esc(L.licence)})` : ''}</dd>
      ${L.vintage ? `<dt>Vintage</dt><dd>${fmt.esc(L.vintage)}</dd>` : ''}
      <dt>Method</dt><dd data-testid="legend-method">${fmt.esc(METHOD_WORDS[L.method] || L.method || 'not stated')}</dd>
    </dl>
    ${estimate}${about}</div>`;
  $('legend').dataset.layer = L.id;
  $('legend-toggle').addEventListener('click', () => {
    app.legendFolded = !app.legendFolded;
    renderLegend(L);
    $('legend-toggle').focus();
  });
}

function renderTitle() {
  const L = currentLayer();
  const d = districtName(state.district);
  $('map-title').innerHTML = `<span class="t">${fmt.esc(L?.title || '')}</span><span class="s">${fmt.esc(d || 'Gloucestershire')} · LSOA 2011</span>`;
  document.title = `${L?.title || 'needsmap'} — ${d || 'Gloucestershire'} · needsmap`;
}

function networkShown() {
  if (currentLayer()?.method === 'network') return true;
  return state.beyond && modeLayer(state.mode)?.method === 'network';
}

function attributionLines() {
  const lines = [OGL_ATTRIBUTION];
  if (networkShown()) lines.push(OSM_ATTRIBUTION);
  return lines;
}

function renderAttribution() {
  $('attribution').innerHTML = attributionLines().map((l) => `<p>${fmt.esc(l)}</p>`).join('');
}

// ---------------------------------------------------------------------------------------------
// district

function applyDistrict({ fit }) {
  const name = districtName(state.district);
  map.setPaintProperty('areas-fill', 'fill-opacity', name ? ['case', ['==', ['get', 'district'], name], 0.92, 0.18] : 0.9);
  map.setPaintProperty('districts-line', 'line-width', ['case', ['==', ['get', 'code'], state.district || '-'], 2.8, 1.4]);
  if (fit) {
    const f = state.district ? app.districtByCode.get(state.district)?.feature : null;
    const b = f ? bboxOf(f) : app.tilejson.bounds ? [[app.tilejson.bounds[0], app.tilejson.bounds[1]], [app.tilejson.bounds[2], app.tilejson.bounds[3]]] : null;
    if (b) map.fitBounds(b, { padding: viewPadding(), duration: 600 });
  }
  renderTitle();
}

// ---------------------------------------------------------------------------------------------
// area list (grant teams)

function sortFor(L) {
  if (!L) return '';
  return L.direction === 'higher_is_worse' || L.direction === 'neutral' ? `${L.id}:desc` : L.id;
}

function listQuery(format) {
  const where = combinedWhere(state.filter);
  const L = currentLayer();
  return `/api/areas${query({ where, sort: sortFor(L), limit: format === 'json' ? LIST_LIMIT : undefined, format: format === 'json' ? undefined : format })}`;
}

async function runList() {
  app.listCtl?.abort('superseded');
  const ctl = new AbortController();
  app.listCtl = ctl;
  const where = combinedWhere(state.filter);
  const listEl = $('result-list');
  const totalsEl = $('totals');
  syncPresetButtons();
  $('filter-input').removeAttribute('aria-invalid');
  if (!where) {
    listEl.innerHTML = '';
    totalsEl.dataset.count = '';
    totalsEl.innerHTML = '<p class="hint">Choose a preset or type a filter to list areas.</p>';
    $('result-head').innerHTML = '';
    $('downloads').hidden = true;
    setWhereSource('selection', '', SELECTION_LAYERS);
    clearMessage('filter');
    return;
  }
  totalsEl.setAttribute('aria-busy', 'true');
  let doc;
  try {
    doc = await getJson(listQuery('json'), { signal: ctl.signal });
  } catch (e) {
    if (isAbort(e) || ctl.signal.aborted) return;
    totalsEl.removeAttribute('aria-busy');
    app.lastList = null;
    listEl.innerHTML = '';
    totalsEl.dataset.count = '';
    totalsEl.innerHTML = '<p class="hint">No list: the filter could not be run.</p>';
    $('result-head').innerHTML = '';
    $('downloads').hidden = true;
    setWhereSource('selection', '', SELECTION_LAYERS);
    if (e instanceof ApiError && e.kind === 'http') {
      $('filter-input').setAttribute('aria-invalid', 'true');
      // columns refer to the text the server saw; show that text under the caret
      const prefix = where.length - state.filter.trim().length - (where.endsWith(')') && where !== state.filter.trim() ? 1 : 0);
      showMessage('error', errorHtml(e, 'The filter is not valid', where, prefix), 'filter');
    } else {
      showMessage('error', errorHtml(e, 'Listing areas'), 'network');
    }
    return;
  }
  if (ctl.signal.aborted) return;
  totalsEl.removeAttribute('aria-busy');
  clearMessage('filter');
  clearMessage('network');
  app.lastList = doc;
  renderList(doc);
  $('download-csv').href = listQuery('csv');
  $('download-geojson').href = listQuery('geojson');
  $('downloads').hidden = false;
  // outline the matches on the map when the user asked for a filter (a district alone is shown by fading)
  setWhereSource('selection', state.filter.trim() ? where : '', SELECTION_LAYERS);
}

function renderList(doc) {
  const L = currentLayer();
  const t = doc.totals || {};
  const totalsEl = $('totals');
  totalsEl.dataset.count = String(doc.count);
  totalsEl.innerHTML = `
    <p class="totals-main"><strong data-testid="totals-count">${fmt.count(doc.count)}</strong> ${doc.count === 1 ? 'area' : 'areas'}
      · <strong>${fmt.count(t.population)}</strong> people
      · <strong>${fmt.count(t.children)}</strong> children (0–15)</p>
    ${Number.isFinite(t.children_income_deprived) ? `<p class="totals-sub">${fmt.count(t.children_income_deprived)} children in income-deprived families${app.byId.get('children_income_deprived')?.method === 'estimate' ? ' (estimate)' : ''}</p>` : ''}
    ${doc.returned < doc.count ? `<p class="totals-sub">Showing the first ${fmt.count(doc.returned)}; downloads include all.</p>` : ''}`;
  const rows = (doc.areas || []).map((a, i) => {
    const v = a[L.id];
    return `<li data-testid="result-row" data-code="${fmt.esc(a.code)}" class="${a.code === state.area ? 'current' : ''}">
      <button type="button" class="row" data-code="${fmt.esc(a.code)}" aria-label="${fmt.esc(`${a.name} (${a.code}), ${a.district}: ${L.title} ${fmt.withUnit(v, L.unit)}. Open profile`)}">
        <span class="n">${i + 1}</span>
        <span class="who"><span class="nm">${fmt.esc(a.name)}</span><span class="cd">${fmt.esc(a.code)} · ${fmt.esc(a.district)}</span></span>
        <span class="v">${fmt.esc(fmt.value(v, L.unit))}</span>
      </button></li>`;
  });
  $('result-list').innerHTML = rows.join('');
  $('result-head').innerHTML = doc.count
    ? `<span>Area</span><span>${fmt.esc(L.title)}${L.unit && L.unit !== 'decile' ? ` (${fmt.esc(L.unit)})` : ''}</span>`
    : '';
  if (!doc.count) $('result-list').innerHTML = '<li class="empty">No area matches this filter.</li>';
}

const SELECTION_LAYERS = [
  {
    id: 'selection-casing',
    before: 'districts-casing',
    spec: { type: 'line', paint: { 'line-color': '#ffffff', 'line-width': 5.5 }, layout: { 'line-join': 'round' } },
  },
  {
    id: 'selection-line',
    before: 'districts-casing',
    spec: { type: 'line', paint: { 'line-color': '#000000', 'line-width': 2.5 }, layout: { 'line-join': 'round' } },
  },
];

const BEYOND_LAYERS = [
  {
    id: 'beyond-hatch',
    before: 'areas-line',
    spec: { type: 'fill', paint: { 'fill-pattern': 'hatch', 'fill-opacity': 0.9 } },
  },
  {
    id: 'beyond-line',
    before: 'districts-casing',
    spec: { type: 'line', paint: { 'line-color': '#111111', 'line-width': 1.4, 'line-dasharray': [2, 1.5] } },
  },
];

// ---------------------------------------------------------------------------------------------
// GP threshold (planners)

async function runBeyond() {
  app.beyondCtl?.abort('superseded');
  const ctl = new AbortController();
  app.beyondCtl = ctl;
  const L = modeLayer(state.mode);
  const out = $('beyond-summary');
  if (!L) {
    setWhereSource('beyond', '', BEYOND_LAYERS);
    renderAttribution();
    return;
  }
  const minutes = state.minutes;
  const where = combinedWhere(`${L.id} > ${minutes}`);
  out.setAttribute('aria-busy', 'true');
  let doc;
  try {
    doc = await getJson(`/api/areas${query({ where, limit: 1 })}`, { signal: ctl.signal });
  } catch (e) {
    if (isAbort(e) || ctl.signal.aborted) return;
    out.removeAttribute('aria-busy');
    out.textContent = 'Could not count the areas beyond the threshold.';
    showMessage('error', errorHtml(e, 'Counting areas beyond the GP threshold', where), e.kind === 'network' ? 'network' : 'beyond');
    return;
  }
  if (ctl.signal.aborted) return;
  out.removeAttribute('aria-busy');
  clearMessage('beyond');
  app.lastBeyond = doc;
  const t = doc.totals || {};
  const place = districtName(state.district) || 'Gloucestershire';
  out.dataset.count = String(doc.count);
  out.innerHTML = `<strong data-testid="beyond-count">${fmt.count(doc.count)}</strong> ${doc.count === 1 ? 'area' : 'areas'} in ${fmt.esc(place)}
    ${doc.count === 1 ? 'is' : 'are'} more than ${fmt.esc(fmt.value(minutes, 'people'))} min from a GP ${fmt.esc(MODE_WORDS[state.mode])}:
    <strong>${fmt.count(t.population)}</strong> people, <strong>${fmt.count(t.children)}</strong> children.
    ${L.method === 'estimate' ? '<span class="badge badge-estimate">estimate</span>' : L.method === 'network' ? '<span class="badge badge-network">network</span>' : ''}
    ${L.missing ? `<span class="muted">${fmt.count(L.missing)} areas have no time.</span>` : ''}`;
  setWhereSource('beyond', state.beyond ? where : '', BEYOND_LAYERS);
  renderAttribution();
}

// ---------------------------------------------------------------------------------------------
// profile (click on an area)

async function openProfile(code, { fly = false } = {}) {
  state.area = code;
  writeHash();
  setFocus(code);
  markCurrentRow();
  app.profileCtl?.abort('superseded');
  const ctl = new AbortController();
  app.profileCtl = ctl;
  const panel = $('profile');
  panel.hidden = false;
  panel.dataset.code = code;
  panel.innerHTML = `<div class="profile-head"><h2>${fmt.esc(code)}</h2>${closeButton()}</div><p class="hint">Loading…</p>`;
  bindClose();
  let doc;
  try {
    doc = await getJson(`/api/areas/${encodeURIComponent(code)}`, { signal: ctl.signal });
  } catch (e) {
    if (isAbort(e) || ctl.signal.aborted) return;
    panel.innerHTML = `<div class="profile-head"><h2>${fmt.esc(code)}</h2>${closeButton()}</div>
      <p class="error-inline">${errorHtml(e, 'Loading the area profile')}</p>`;
    bindClose();
    return;
  }
  if (ctl.signal.aborted) return;
  renderProfile(doc);
  if (fly && Number.isFinite(doc.lon)) fitArea(doc.code, [doc.lon, doc.lat]);
}

function closeButton() {
  return '<button type="button" class="close" data-testid="profile-close" aria-label="Close area profile">×</button>';
}
function bindClose() {
  $('profile').querySelector('.close')?.addEventListener('click', closeProfile);
}

function closeProfile() {
  app.profileCtl?.abort('superseded');
  state.area = '';
  writeHash();
  $('profile').hidden = true;
  setFocus(app.postcodeArea || '');
  markCurrentRow();
}

function setFocus(code) {
  if (!map?.getLayer('focus-line')) return;
  const f = ['==', ['get', 'code'], code || '-'];
  map.setFilter('focus-line', f);
  map.setFilter('focus-casing', f);
}

function markCurrentRow() {
  for (const li of $('result-list').querySelectorAll('li[data-code]')) li.classList.toggle('current', li.dataset.code === state.area);
}

function rankCell(rank, decile, of) {
  if (!Number.isFinite(rank) && !Number.isFinite(decile)) return '<td class="muted">–</td>';
  const r = Number.isFinite(rank) ? `${fmt.count(rank)}${of ? `<span class="muted"> / ${fmt.count(of)}</span>` : ''}` : '–';
  const d = Number.isFinite(decile) ? `<span class="dec" title="decile ${decile}">d${decile}</span>` : '';
  return `<td>${r} ${d}</td>`;
}

function renderProfile(doc) {
  const panel = $('profile');
  const byId = new Map((doc.layers || []).map((l) => [l.id, l]));
  const get = (id) => byId.get(id);
  const headline = [];
  const imd = get('imd_decile');
  if (imd) headline.push(`<div class="kpi"><span class="k">IMD national decile</span><span class="v">${fmt.value(imd.value, 'decile')}</span><span class="s">${imd.value === 1 ? 'most deprived 10% in England' : ''}</span></div>`);
  const cdec = get('imd_county_decile');
  if (cdec) headline.push(`<div class="kpi"><span class="k">IMD county decile</span><span class="v">${fmt.value(cdec.value, 'decile')}</span><span class="s">${cdec.value === 1 ? 'most deprived 10% in county' : ''}</span></div>`);
  const pop = get('population');
  if (pop) headline.push(`<div class="kpi"><span class="k">People</span><span class="v">${fmt.count(pop.value)}</span></div>`);
  const ch = get('children');
  if (ch) headline.push(`<div class="kpi"><span class="k">Children 0–15</span><span class="v">${fmt.count(ch.value)}</span></div>`);

  const modes = ['walk', 'cycle', 'car']
    .map((m) => ({ m, l: get(`gp_${m}_min`) }))
    .filter((x) => x.l);
  const gpTimes = modes.length
    ? `<h3>Time to the nearest GP</h3><div class="modes" data-testid="profile-gp-times">${modes
      .map(({ m, l }) => `<div class="mode"><span class="k">${MODE_LABELS[m]}</span><span class="v">${fmt.withUnit(l.value, 'minutes')}</span>${methodBadge(l.method === 'official' ? '' : l.method)}</div>`)
      .join('')}</div>`
    : '';
  const sites = (doc.gp_sites || []).length
    ? `<h3>Nearest GP sites</h3><ol class="sites" data-testid="profile-gp-sites">${doc.gp_sites
      .map((s) => `<li><span class="nm">${fmt.esc(titleCase(s.name))}</span> <span class="muted">${fmt.esc(s.code)} · ${fmt.esc(s.postcode || '')} · ${fmt.esc(s.kind || '')}</span>
        <span class="km">${Number.isFinite(s.straight_km) ? `${fmt.value(s.straight_km, 'km')} km straight line` : ''}</span></li>`)
      .join('')}</ol>`
    : '';

  // full table, grouped like the layer list
  const groups = new Map();
  for (const l of doc.layers || []) {
    const g = app.byId.get(l.id)?.group || 'other';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(l);
  }
  const order = [...GROUP_ORDER.filter((g) => groups.has(g)), ...[...groups.keys()].filter((g) => !GROUP_ORDER.includes(g))];
  const county = app.health?.areas;
  const tables = order
    .map((g) => `<tr class="group"><th colspan="4" scope="colgroup">${fmt.esc(GROUP_LABELS[g] || g)}</th></tr>${groups
      .get(g)
      .map((l) => `<tr data-layer="${fmt.esc(l.id)}"><th scope="row">${fmt.esc(l.title || l.id)} ${l.method === 'estimate' || l.method === 'network' ? methodBadge(l.method) : ''}
          <span class="src" title="${fmt.esc(l.vintage || '')}">${fmt.esc(l.source || '')}</span></th>
        <td class="val">${fmt.esc(fmt.value(l.value, l.unit || app.byId.get(l.id)?.unit))}</td>
        ${rankCell(l.national_rank, l.national_decile)}${(l.unit || app.byId.get(l.id)?.unit) === 'decile'
          ? '<td class="muted" title="a decile is itself a ranking; ranking it again would only rank ties">–</td>'
          : rankCell(l.county_rank, l.county_decile, l.county_of ?? county)}</tr>`)
      .join('')}`)
    .join('');

  panel.innerHTML = `
    <div class="profile-head">
      <div><h2 data-testid="profile-name">${fmt.esc(doc.name)}</h2>
      <p class="muted">${fmt.esc(doc.code)} · ${fmt.esc(doc.district)} (${fmt.esc(doc.district_code)})</p></div>
      ${closeButton()}
    </div>
    <div class="kpis">${headline.join('')}</div>
    ${gpTimes}${sites}
    <h3>All measures</h3>
    <div class="table-wrap"><table class="profile-table" data-testid="profile-table">
      <thead><tr><th scope="col">Measure</th><th scope="col">Value</th><th scope="col">National rank</th><th scope="col">County rank</th></tr></thead>
      <tbody>${tables}</tbody></table></div>
    <p class="muted small">Rank 1 = most deprived (or longest time); d = decile. County ranks are among the ${county ? fmt.count(county) : ''} areas of the loaded region.</p>`;
  bindClose();
}

function titleCase(s) {
  const t = String(s || '');
  return t === t.toUpperCase() ? t.toLowerCase().replace(/\b([a-z])/g, (c) => c.toUpperCase()) : t;
}

// ---------------------------------------------------------------------------------------------
// postcode (grant teams)

async function checkPostcode(raw, { move = true } = {}) {
  const pc = String(raw || '').trim();
  const out = $('postcode-answer');
  app.postcodeCtl?.abort('superseded');
  if (!pc) {
    out.innerHTML = '';
    state.postcode = '';
    writeHash();
    clearPostcodeMark();
    return;
  }
  const ctl = new AbortController();
  app.postcodeCtl = ctl;
  out.dataset.state = 'busy';
  out.innerHTML = '<p class="hint">Checking…</p>';
  let doc;
  try {
    doc = await getJson(`/api/postcode/${encodeURIComponent(pc)}`, { signal: ctl.signal });
  } catch (e) {
    if (isAbort(e) || ctl.signal.aborted) return;
    clearPostcodeMark();
    out.dataset.state = 'error';
    if (e instanceof ApiError && e.kind === 'http') {
      const lead = e.status === 404 ? `We could not find ${pc} in the area this map covers.` : `“${pc}” does not look like a postcode.`;
      out.innerHTML = `<p class="verdict verdict-unknown">${fmt.esc(lead)}</p><p class="muted">${fmt.esc(e.detail)}</p>`;
    } else {
      out.innerHTML = '';
      showMessage('error', errorHtml(e, 'Checking the postcode'), 'network');
    }
    return;
  }
  if (ctl.signal.aborted) return;
  state.postcode = doc.postcode || pc;
  writeHash();
  const a = doc.area || {};
  const el = doc.eligible || {};
  const nat = !!el.national_top10;
  const cty = !!el.county_top10;
  const any = nat || cty;
  out.dataset.state = any ? 'eligible' : 'not-eligible';
  out.dataset.code = a.code || '';
  const decile = Number.isFinite(a.imd_decile) ? ` (IMD 2019 national decile ${a.imd_decile}${Number.isFinite(a.imd_county_decile) ? `, county decile ${a.imd_county_decile}` : ''})` : '';
  const verdict = any
    ? `${doc.postcode} is in ${a.name} (${a.code}), ${a.district}. It is eligible: ${[nat ? 'in the most deprived 10% of areas in England' : '', cty ? 'in the most deprived 10% of areas in the county' : ''].filter(Boolean).join(' and ')}${decile}.`
    : `${doc.postcode} is in ${a.name} (${a.code}), ${a.district}. It is not eligible: not in the most deprived 10% of areas in England or in the county${decile}.`;
  out.innerHTML = `
    <p class="verdict ${any ? 'verdict-yes' : 'verdict-no'}" data-testid="postcode-verdict">${fmt.esc(verdict)}</p>
    <ul class="checks">
      <li class="${nat ? 'yes' : 'no'}"><span aria-hidden="true">${nat ? '✔' : '✘'}</span> National top 10% (IMD decile 1): <strong>${nat ? 'yes' : 'no'}</strong></li>
      <li class="${cty ? 'yes' : 'no'}"><span aria-hidden="true">${cty ? '✔' : '✘'}</span> County top 10% (county decile 1): <strong>${cty ? 'yes' : 'no'}</strong></li>
    </ul>
    ${doc.message ? `<p class="muted small" data-testid="postcode-message">${fmt.esc(doc.message)}</p>` : ''}
    <button type="button" class="link" id="postcode-profile">Open the profile of ${fmt.esc(a.name || a.code)}</button>`;
  $('postcode-profile').addEventListener('click', () => openProfile(a.code));
  out.scrollIntoView({ block: 'nearest' });
  markPostcode(doc, move);
}

function markPostcode(doc, move) {
  app.postcodeArea = doc.area?.code || '';
  if (!state.area) setFocus(app.postcodeArea);
  app.marker?.remove();
  if (Number.isFinite(doc.lon) && Number.isFinite(doc.lat)) {
    const el = document.createElement('div');
    el.className = 'pc-marker';
    el.setAttribute('aria-label', `Postcode ${doc.postcode}`);
    app.marker = new maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat([doc.lon, doc.lat]).addTo(map);
    if (move) fitArea(doc.area?.code, [doc.lon, doc.lat]);
  }
}

/** Moves the map to show a whole LSOA (its polygon from the API), keeping `point` in view. */
async function fitArea(code, point) {
  let b = null;
  try {
    const gj = await getJson(`/api/areas${query({ where: `code in [${quote(code)}]`, format: 'geojson' })}`);
    if (gj.features?.length) b = bboxOf(gj);
  } catch {
    b = null; // the polygon is a nicety: fall back to centring on the point
  }
  if (b && Number.isFinite(b[0][0])) {
    if (point) {
      b[0] = [Math.min(b[0][0], point[0]), Math.min(b[0][1], point[1])];
      b[1] = [Math.max(b[1][0], point[0]), Math.max(b[1][1], point[1])];
    }
    // keep the area clear of the legend (left) and the profile panel (right)
    const w = map.getContainer().clientWidth;
    const h = map.getContainer().clientHeight;
    const left = Math.round(Math.min(320, w * 0.3));
    const right = Math.round($('profile').hidden ? 60 : Math.min(440, w * 0.4));
    const v = Math.round(Math.min(90, h * 0.15));
    map.fitBounds(b, { padding: { top: v, bottom: v, left, right }, maxZoom: 15, duration: 600 });
  } else if (point) {
    map.easeTo({ center: point, zoom: Math.max(map.getZoom(), 12), duration: 600 });
  }
}

function clearPostcodeMark() {
  app.marker?.remove();
  app.marker = null;
  app.postcodeArea = '';
  if (!state.area) setFocus('');
}

// ---------------------------------------------------------------------------------------------
// hover tooltip

function showTooltip(point, html) {
  const t = $('tooltip');
  t.innerHTML = html;
  t.hidden = false;
  const wrap = $('map').getBoundingClientRect();
  const w = t.offsetWidth;
  const h = t.offsetHeight;
  let x = point.x + 14;
  let y = point.y + 14;
  if (x + w > wrap.width - 8) x = point.x - w - 14;
  if (y + h > wrap.height - 8) y = point.y - h - 14;
  t.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
}

function hideTooltip() {
  $('tooltip').hidden = true;
}

function setHover(id) {
  if (app.hoverId === id) return;
  if (app.hoverId) map.setFeatureState({ source: 'areas', sourceLayer: 'areas', id: app.hoverId }, { hover: false });
  app.hoverId = id;
  if (id) map.setFeatureState({ source: 'areas', sourceLayer: 'areas', id }, { hover: true });
}

function bindMapEvents() {
  map.on('mousemove', (e) => {
    const layers = ['gp-circles', 'areas-fill'].filter((l) => map.getLayer(l));
    const feats = map.queryRenderedFeatures(e.point, { layers });
    const gp = feats.find((f) => f.layer.id === 'gp-circles');
    const area = feats.find((f) => f.layer.id === 'areas-fill');
    map.getCanvas().style.cursor = gp || area ? 'pointer' : '';
    setHover(area ? area.properties.code : null);
    if (gp) {
      const p = gp.properties;
      showTooltip(e.point, `<strong>${fmt.esc(titleCase(p.name))}</strong><br><span class="muted">GP ${fmt.esc(p.kind || 'site')} · ${fmt.esc(p.code)} · ${fmt.esc(p.postcode || '')}</span>`);
    } else if (area) {
      const p = area.properties;
      const L = currentLayer();
      let html = `<strong>${fmt.esc(p.name)}</strong> <span class="muted">${fmt.esc(p.code)}</span><br><span class="muted">${fmt.esc(p.district || '')}</span>
        <div class="tt-val">${fmt.esc(L.title)}: <strong>${fmt.esc(fmt.withUnit(p[L.id], L.unit))}</strong>${L.method === 'estimate' ? ' <span class="badge badge-estimate">estimate</span>' : ''}</div>`;
      const M = modeLayer(state.mode);
      if (state.beyond && M && M.id !== L.id) {
        const v = p[M.id];
        html += `<div class="tt-val">${fmt.esc(M.title)}: <strong>${fmt.esc(fmt.withUnit(v, 'minutes'))}</strong>${typeof v === 'number' && v > state.minutes ? ` — beyond ${fmt.esc(String(state.minutes))} min` : ''}</div>`;
      }
      showTooltip(e.point, html);
    } else {
      hideTooltip();
    }
  });
  map.getCanvas().addEventListener('mouseleave', () => {
    setHover(null);
    hideTooltip();
  });
  map.on('click', (e) => {
    const feats = map.queryRenderedFeatures(e.point, { layers: ['areas-fill'] });
    if (feats.length) openProfile(feats[0].properties.code);
  });
  map.on('moveend', () => {
    const c = map.getCenter();
    state.view = { zoom: map.getZoom(), lat: c.lat, lon: c.lng };
    writeHash();
  });
}

// ---------------------------------------------------------------------------------------------
// form events

function bindControls() {
  $('layer-select').addEventListener('change', (e) => {
    state.layer = e.target.value;
    applyLayer();
    writeHash();
    if (app.lastList) runList(); // re-sort worst-first by the new layer
  });
  $('district-select').addEventListener('change', (e) => {
    state.district = e.target.value;
    applyDistrict({ fit: true });
    writeHash();
    runList();
    runBeyond();
  });
  $('gp-toggle').addEventListener('change', (e) => {
    state.gp = e.target.checked;
    map.setLayoutProperty('gp-circles', 'visibility', state.gp ? 'visible' : 'none');
    writeHash();
  });
  $('filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.filter = $('filter-input').value.trim();
    writeHash();
    runList();
  });
  for (const [key, p] of Object.entries(PRESETS)) {
    $(`preset-${key}`).addEventListener('click', () => {
      state.filter = p.filter;
      $('filter-input').value = p.filter;
      writeHash();
      runList();
    });
  }
  $('preset-clear').addEventListener('click', () => {
    state.filter = '';
    $('filter-input').value = '';
    writeHash();
    runList();
  });
  $('mode-select').addEventListener('change', (e) => {
    state.mode = e.target.value;
    writeHash();
    runBeyond();
  });
  const onMinutes = () => {
    const v = Number($('threshold-input').value);
    if (!Number.isFinite(v) || v <= 0 || v > 1440) {
      $('threshold-input').setAttribute('aria-invalid', 'true');
      return;
    }
    $('threshold-input').removeAttribute('aria-invalid');
    if (v === state.minutes) return;
    state.minutes = v;
    writeHash();
    runBeyond();
  };
  $('threshold-input').addEventListener('change', onMinutes);
  $('threshold-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') onMinutes();
  });
  $('beyond-toggle').addEventListener('change', (e) => {
    state.beyond = e.target.checked;
    writeHash();
    runBeyond();
  });
  $('postcode-form').addEventListener('submit', (e) => {
    e.preventDefault();
    checkPostcode($('postcode-input').value);
  });
  $('result-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-code]');
    if (b) openProfile(b.dataset.code, { fly: true });
  });
  $('download-png').addEventListener('click', downloadPng);
  $('copy-link').addEventListener('click', async () => {
    const url = window.location.href.split('#')[0] + toHash(state);
    try {
      await navigator.clipboard.writeText(url);
      flash($('copy-link'), 'Link copied');
    } catch {
      window.prompt('Copy this link', url);
    }
  });
  window.addEventListener('hashchange', () => applyState(parseHash(window.location.hash)));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('profile').hidden) closeProfile();
  });
}

function flash(btn, text) {
  const old = btn.textContent;
  btn.textContent = text;
  setTimeout(() => {
    btn.textContent = old;
  }, 1500);
}

/** Applies a state from a pasted/edited URL to a running page. */
function applyState(next) {
  const prev = { ...state };
  Object.assign(state, next);
  normaliseState();
  syncControls();
  if (prev.layer !== state.layer) applyLayer();
  if (prev.district !== state.district) applyDistrict({ fit: !state.view });
  if (state.view && (!prev.view || prev.view.zoom !== state.view.zoom || prev.view.lat !== state.view.lat || prev.view.lon !== state.view.lon)) {
    map.jumpTo({ center: [state.view.lon, state.view.lat], zoom: state.view.zoom });
  }
  map.setLayoutProperty('gp-circles', 'visibility', state.gp ? 'visible' : 'none');
  if (prev.filter !== state.filter || prev.district !== state.district || prev.layer !== state.layer) runList();
  if (prev.mode !== state.mode || prev.minutes !== state.minutes || prev.beyond !== state.beyond || prev.district !== state.district) runBeyond();
  if (state.area && state.area !== prev.area) openProfile(state.area);
  if (!state.area && prev.area) closeProfile();
  if (state.postcode !== prev.postcode) checkPostcode(state.postcode, { move: false });
}

// ---------------------------------------------------------------------------------------------
// PNG

function downloadPng() {
  const L = currentLayer();
  const legendRows = app.classes.map((c, i) => {
    const [lo, hi] = endWords(L);
    const end = i === 0 ? ` (${lo})` : i === app.classes.length - 1 ? ` (${hi})` : '';
    return { colour: c.colour, label: c.label + end };
  });
  if (L.missing > 0) legendRows.push({ colour: MISSING_COLOUR, label: `No data (${L.missing})` });
  const sub = [districtName(state.district) || 'Gloucestershire', 'LSOA 2011'];
  if (state.filter) sub.push(`outlined: ${state.filter}`);
  if (state.beyond && modeLayer(state.mode)) sub.push(`hatched: over ${state.minutes} min to a GP ${MODE_WORDS[state.mode]}`);
  let url;
  try {
    url = composePng(map.getCanvas(), {
      title: withMethod(L),
      subtitle: sub.join(' · '),
      legendTitle: L.unit ? `${L.title} (${L.unit})` : L.title,
      legend: legendRows,
      source: `Source: ${L.source_title || L.source}${L.vintage ? `, ${L.vintage}` : ''}. Method: ${L.method}.`,
      attribution: ['Map: needsmap.', ...attributionLines()],
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

// ---------------------------------------------------------------------------------------------
// server status

function setStatus(kind, text) {
  const el = $('server-status');
  el.dataset.state = kind;
  el.innerHTML = `<span class="dot" aria-hidden="true"></span>${fmt.esc(text)}`;
}

function describeHealth(h) {
  const src = (h.sources || []).map((s) => `${s.id}${s.vintage ? ` (${s.vintage})` : ''}`).join('\n');
  $('server-status').title = src ? `Data sources:\n${src}` : '';
  const n = (h.sources || []).length;
  return `${h.region ? h.region[0].toUpperCase() + h.region.slice(1) : 'Connected'} · ${fmt.count(h.areas)} areas${n ? ` · ${n} ${n === 1 ? 'source' : 'sources'}` : ''}`;
}

function watchHealth() {
  setInterval(async () => {
    try {
      const h = await getJson('/healthz');
      app.health = h;
      setStatus('ok', describeHealth(h));
      clearMessage('network');
    } catch (e) {
      setStatus('down', 'Server unreachable');
      showMessage('error', errorHtml(e, 'Checking the server'), 'network');
    }
  }, HEALTH_EVERY_MS);
}

// ---------------------------------------------------------------------------------------------
// start

function idle() {
  return new Promise((res) => {
    if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) res();
    map.once('idle', res);
  });
}

async function start() {
  setStatus('busy', 'Connecting…');
  let health;
  let layersDoc;
  let tilejson;
  let districts;
  try {
    [health, layersDoc, tilejson, districts] = await Promise.all([
      getJson('/healthz'),
      getJson('/api/layers'),
      getJson('/tiles/areas.json'),
      getJson('/api/districts'),
    ]);
  } catch (e) {
    setStatus('down', 'Server unreachable');
    showMessage('error', errorHtml(e, 'Loading the map'), 'network');
    $('legend').innerHTML = '<p class="hint">No map: the server did not answer.</p>';
    throw e;
  }
  app.health = health;
  setStatus('ok', describeHealth(health));
  app.tilejson = tilejson;
  if (!Array.isArray(tilejson.tiles) || !tilejson.tiles.length) throw new Error('tile service lists no tile URL');
  for (const l of layersDoc.layers || []) app.byId.set(l.id, l);
  app.layers = (layersDoc.layers || []).filter((l) => l.kind !== 'text');
  app.modes = ['walk', 'cycle', 'car'].map((mode) => ({ mode, layer: app.byId.get(`gp_${mode}_min`) })).filter((m) => m.layer);
  app.districts = districts;
  for (const f of districts.features || []) app.districtByCode.set(f.properties.code, { name: f.properties.name, feature: f });

  buildLayerSelect();
  buildDistrictSelect();
  buildModeSelect();
  normaliseState();
  syncControls();
  bindControls();

  await createMap();
  addMapLayers();
  bindMapEvents();
  applyLayer();
  applyDistrict({ fit: false });
  watchHealth();

  // GP sites are context, not essential: a failure is reported but does not stop the map
  getJson('/api/gp-sites')
    .then((g) => map.getSource('gp').setData(markInside(g, app.districts)))
    .catch((e) => showMessage('warning', errorHtml(e, 'Loading GP sites'), 'gp'));

  const jobs = [runList(), runBeyond()];
  if (state.area) jobs.push(openProfile(state.area));
  if (state.postcode) jobs.push(checkPostcode(state.postcode, { move: !state.view }));
  await Promise.all(jobs);
  writeHash();
  await idle();
}

start().then(resolveReady, (e) => {
  console.error(e);
  rejectReady(e);
});
