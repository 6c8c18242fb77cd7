// Place names on the map: district (locality partnership) names, ward names from town zooms and
// LSOA names close in, from /api/labels, drawn with glyphs the needsmap server makes itself
// (/glyphs/{fontstack}/{range}.pbf), so the page asks no other server for fonts.
//
// The few district and ward names load at start (one source); LSOA names (32,844 for England)
// load only for the view, once it reaches LSOA_LABEL_MINZOOM, into a second source
// (`lsoaLabelLoader`), so a national first draw never waits for them.

/** The source of district and ward names, loaded at start. */
export const LABEL_SOURCE = 'labels';
/** The source of the LSOA names around the view. */
export const LSOA_LABEL_SOURCE = 'labels-lsoa-points';
/** LSOA names are drawn (and loaded) from this zoom. */
export const LSOA_LABEL_MINZOOM = 13;
/** The `kind=` of /api/labels the page loads at start. */
export const PLACE_KINDS = 'district,ward';
/** Wait after the map stops before asking for LSOA names, so a pan or zoom asks once. */
const LSOA_LABEL_DEBOUNCE_MS = 150;
export const LABEL_LAYERS = Object.freeze({ DISTRICT: 'labels-district', WARD: 'labels-ward', LSOA: 'labels-lsoa' });
/** The `kind` of each label point in /api/labels (names of places, not layer ids). */
export const LABEL_KINDS = Object.freeze({ LSOA: 'lsoa', WARD: 'ward', DISTRICT: 'district' });
export const FONT = 'DejaVu Sans';
export const FONT_BOLD = 'DejaVu Sans Bold';

/** The glyph URL template on this server (absolute, as MapLibre resolves it off the page). */
export function glyphsUrl(pageHref) {
  return new URL('glyphs/{fontstack}/{range}.pbf', new URL('/', pageHref)).href.replace(/%7B([a-z]+)%7D/gi, '{$1}');
}

const kind = (k) => ['==', ['get', 'kind'], k];
const halo = { 'text-halo-color': 'rgba(255,255,255,0.92)', 'text-halo-width': 1.6, 'text-halo-blur': 0.3 };

/** Symbol layers, bottom to top: LSOAs (zoom ≥ 13), wards (10.5–14), districts (up to 12). */
export function labelLayers() {
  return [
    {
      id: LABEL_LAYERS.LSOA,
      type: 'symbol',
      source: LSOA_LABEL_SOURCE,
      filter: kind(LABEL_KINDS.LSOA),
      minzoom: LSOA_LABEL_MINZOOM,
      layout: { 'text-field': ['get', 'name'], 'text-font': [FONT], 'text-size': 11, 'text-max-width': 8, 'symbol-sort-key': ['-', 0, ['coalesce', ['get', 'population'], 0]] },
      paint: { 'text-color': '#4a4f57', ...halo },
    },
    {
      id: LABEL_LAYERS.WARD,
      type: 'symbol',
      source: LABEL_SOURCE,
      filter: kind(LABEL_KINDS.WARD),
      minzoom: 10.5,
      maxzoom: 14,
      layout: { 'text-field': ['get', 'name'], 'text-font': [FONT], 'text-size': ['interpolate', ['linear'], ['zoom'], 10.5, 11, 13, 13], 'text-max-width': 8 },
      paint: { 'text-color': '#1b2430', ...halo },
    },
    {
      id: LABEL_LAYERS.DISTRICT,
      type: 'symbol',
      source: LABEL_SOURCE,
      filter: kind(LABEL_KINDS.DISTRICT),
      maxzoom: 12,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': [FONT_BOLD],
        'text-size': ['interpolate', ['linear'], ['zoom'], 7, 12, 11, 17],
        'text-transform': 'uppercase',
        'text-letter-spacing': 0.08,
        'text-max-width': 9,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#1b2430', ...halo, 'text-halo-width': 2 },
    },
  ];
}

const GRID = 0.02; // degrees: boxes snap outward to this grid, so small pans reuse one answer

/**
 * The box of LSOA names to load for a view (`bounds` = [[w, s], [e, n]]), as [w, s, e, n]:
 * the view grown by half its size each way and snapped outward to a 0.02° grid. Null below the
 * LSOA label zoom (nothing is loaded there).
 */
export function lsoaLabelBox(bounds, zoom) {
  if (!(zoom >= LSOA_LABEL_MINZOOM)) return null;
  const [[w, s], [e, n]] = bounds;
  const dx = (e - w) / 2;
  const dy = (n - s) / 2;
  const down = (v) => Math.floor(v / GRID) * GRID;
  const up = (v) => Math.ceil(v / GRID) * GRID;
  const r = (v) => Math.round(v * 1000) / 1000;
  return [r(Math.max(-180, down(w - dx))), r(Math.max(-90, down(s - dy))), r(Math.min(180, up(e + dx))), r(Math.min(90, up(n + dy)))];
}

/** Does the loaded box `outer` ([w, s, e, n]) cover the view `bounds` ([[w, s], [e, n]])? */
export function covers(outer, bounds) {
  if (!outer) return false;
  const [[w, s], [e, n]] = bounds;
  return w >= outer[0] && s >= outer[1] && e <= outer[2] && n <= outer[3];
}

/**
 * Keeps the LSOA label source filled for the view: after each move (debounced) at or above the
 * LSOA label zoom, unless the names already loaded cover the view, asks `fetchLabels(bbox,
 * signal)` (bbox as 'w,s,e,n') and gives the answer to `setData`. A newer request aborts an older
 * one, unless the box already on its way holds the new view. `refresh()` forgets what was loaded (another vintage) and loads again; `settled()`
 * resolves once no request is waiting or in flight.
 */
export function lsoaLabelLoader({ map, fetchLabels, setData, onError = () => {}, debounceMs = LSOA_LABEL_DEBOUNCE_MS }) {
  let loaded = null;
  let timer = null;
  let inflight = null; // {ctl, box} of the request on its way
  let waiters = [];
  const settle = () => {
    if (timer || inflight) return;
    const w = waiters;
    waiters = [];
    for (const res of w) res();
  };
  const bounds = () => {
    const b = map.getBounds();
    return [[b.getWest(), b.getSouth()], [b.getEast(), b.getNorth()]];
  };
  async function load() {
    timer = null;
    const view = bounds();
    const box = lsoaLabelBox(view, map.getZoom());
    if (!box || covers(loaded, view)) return settle();
    if (inflight && covers(inflight.box, view)) return undefined; // its answer holds this view too
    inflight?.ctl.abort();
    const ctl = new AbortController();
    const mine = { ctl, box };
    inflight = mine;
    try {
      const fc = await fetchLabels(box.join(','), ctl.signal);
      if (ctl.signal.aborted) return;
      loaded = box;
      setData(fc);
    } catch (e) {
      if (!ctl.signal.aborted) onError(e);
    } finally {
      if (inflight === mine) inflight = null;
      settle();
    }
  }
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(load, debounceMs);
  };
  map.on('moveend', schedule);
  schedule(); // a page opened close in (a shared link) needs its names without a move
  return {
    refresh() {
      loaded = null;
      inflight?.ctl.abort();
      inflight = null;
      setData({ type: 'FeatureCollection', features: [] });
      schedule();
    },
    settled() {
      return new Promise((res) => {
        waiters.push(res);
        settle();
      });
    },
    /** The box loaded last ([w, s, e, n]), or null. */
    get loaded() {
      return loaded;
    },
  };
}
