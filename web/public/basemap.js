// A deployment's own basemap (`needsmap serve --basemap-style URL`, told to the page through
// /api/region) drawn under the choropleth. Off by default: without it the page asks no server but
// its own. Only the style's drawing layers are taken: its labels need its own glyphs and sprite,
// and the map's place names come from needsmap (labels.js).

export const PREFIX = 'basemap:';
/** Choropleth opacity over a basemap, so roads and water show through. */
export const FILL_OPACITY_OVER_BASEMAP = 0.72;

const usesSprite = (l) => Object.keys(l.paint || {}).some((k) => k.endsWith('-pattern'));

/**
 * The sources and layers of a MapLibre style to add under ours, ids prefixed so they never clash.
 * Symbol layers and layers drawn with sprite patterns are left out. Pure.
 */
export function basemapParts(style, styleUrl) {
  if (!style || style.version !== 8 || !Array.isArray(style.layers)) throw new Error('the basemap is not a MapLibre style (version 8)');
  const sources = {};
  for (const [id, src] of Object.entries(style.sources || {})) {
    const s = { ...src };
    // relative URLs in a style are relative to the style itself
    if (typeof s.url === 'string') s.url = new URL(s.url, styleUrl).href;
    if (Array.isArray(s.tiles)) s.tiles = s.tiles.map((t) => new URL(t, styleUrl).href.replace(/%7B([a-z]+)%7D/gi, '{$1}'));
    if (typeof s.data === 'string') s.data = new URL(s.data, styleUrl).href;
    sources[PREFIX + id] = s;
  }
  const layers = style.layers
    .filter((l) => l.type !== 'symbol' && !usesSprite(l))
    .map((l) => ({ ...l, id: PREFIX + l.id, ...(l.source ? { source: PREFIX + l.source } : {}) }));
  return { sources, layers };
}

/** Fetches the style and adds it to `map` below the layer `before`. */
export async function addBasemap(map, styleUrl, before, fetchFn = globalThis.fetch) {
  const res = await fetchFn(styleUrl);
  if (!res.ok) throw new Error(`basemap style ${styleUrl}: HTTP ${res.status}`);
  const { sources, layers } = basemapParts(await res.json(), styleUrl);
  for (const [id, s] of Object.entries(sources)) map.addSource(id, s);
  for (const l of layers) map.addLayer(l, before);
  return layers.length;
}
