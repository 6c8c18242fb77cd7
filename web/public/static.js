// Static mode (issue 9): the map read from a PMTiles archive through the `pmtiles` package's
// MapLibre protocol, so it runs from any static file host with no needsmap process behind it.
//
//   index.html?pmtiles=areas.pmtiles          the archive (relative to the page, or an http(s) URL)
//   index.html?static=static.json             a config file (default name static.json)
//   index.html                                with no server answering, static.json beside the page
//
// static.json: { "pmtiles": "areas.pmtiles", "layers": [/api/layers rows]?, "region": {/api/region}?,
//               "districts": "districts.geojson"? }. Parsing is pure: tests/static.test.mjs.

/** Where the static configuration comes from, from the page's query string (null: use the API). */
export function staticSource(search) {
  const p = new URLSearchParams(String(search || '').replace(/^\?/, ''));
  if (p.get('pmtiles')) return { pmtiles: p.get('pmtiles') };
  if (p.has('static')) return { config: p.get('static') || 'static.json' };
  return null;
}

/** An absolute http(s) URL for `value` relative to `base`; a clear error for anything else. */
export function resolveUrl(value, base, field) {
  if (typeof value !== 'string' || !value.trim()) throw new Error(`static config: "${field}" must be a URL (text), got ${JSON.stringify(value)}`);
  let u;
  try {
    u = new URL(value.trim(), base);
  } catch {
    throw new Error(`static config: "${field}" is not a valid URL: ${value}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`static config: "${field}" must be an http(s) URL, not ${u.protocol}`);
  return u.href;
}

/** Checks a static configuration document and resolves its URLs against `base` (the config's URL). */
export function parseStaticConfig(doc, base) {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('static config: expected a JSON object');
  const out = { pmtiles: resolveUrl(doc.pmtiles, base, 'pmtiles'), layers: null, region: null, districts: null };
  if (doc.layers !== undefined) {
    const rows = Array.isArray(doc.layers) ? doc.layers : doc.layers?.layers;
    if (!Array.isArray(rows)) throw new Error('static config: "layers" must be a list of layers (as /api/layers gives)');
    rows.forEach((l, i) => {
      if (!l || typeof l.id !== 'string' || typeof l.title !== 'string') throw new Error(`static config: layers[${i}] needs a text "id" and "title"`);
    });
    out.layers = rows;
  }
  if (doc.region !== undefined) {
    if (!doc.region || typeof doc.region.name !== 'string') throw new Error('static config: "region" needs a "name"');
    out.region = doc.region;
  }
  if (doc.districts !== undefined) out.districts = resolveUrl(doc.districts, base, 'districts');
  return out;
}

/** The static configuration, from the query string or `static.json` beside the page. */
export async function loadStaticConfig(source, pageUrl, fetchFn = globalThis.fetch) {
  if (source?.pmtiles) return parseStaticConfig({ pmtiles: source.pmtiles }, pageUrl);
  const url = new URL(source?.config || 'static.json', pageUrl).href;
  const res = await fetchFn(url);
  if (!res.ok) throw new Error(`static config ${url}: HTTP ${res.status}`);
  let doc;
  try {
    doc = await res.json();
  } catch {
    throw new Error(`static config ${url} is not JSON`);
  }
  return parseStaticConfig(doc, url);
}

/**
 * Field ids an archive's tiles carry, from its metadata: `layers` (what `needsmap export pmtiles
 * --layers` wrote, "a,b" or a list) when present, since `vector_layers[].fields` lists every id
 * the server could add; otherwise those fields (TileJSON style).
 */
export function archiveFields(metadata, sourceLayer = 'areas') {
  const picked = metadata?.layers;
  if (typeof picked === 'string' && picked.trim()) return ['code', ...picked.split(',').map((x) => x.trim()).filter(Boolean)];
  if (Array.isArray(picked) && picked.length) return ['code', ...picked.map(String)];
  const vl = (metadata?.vector_layers || []).find((l) => l.id === sourceLayer) || metadata?.vector_layers?.[0];
  return vl?.fields ? Object.keys(vl.fields) : [];
}

/**
 * The region of an archive without a config: `region` ({id, name}) when the exporter wrote it,
 * else the id in the TileJSON name "needsmap areas (<id>)"; null when neither is there.
 */
export function archiveRegion(metadata) {
  const r = metadata?.region;
  if (r && typeof r === 'object' && typeof r.name === 'string') return { id: r.id || r.name, name: r.name };
  const m = /^needsmap areas \((.+)\)$/.exec(metadata?.name || '');
  return m ? { id: m[1], name: null } : null;
}

/**
 * The drawable layers of a static map: the config's (or the archive metadata's `layers`) when
 * given, else the generated catalogue, kept to the ids the tiles carry.
 */
export function staticLayers({ configLayers, metadataLayers, catalogue, fields }) {
  const rows = configLayers || metadataLayers || catalogue;
  const carried = new Set(fields);
  return rows.filter((l) => l.kind !== 'text' && (!fields.length || carried.has(l.id))).map((l) => ({ ...l }));
}

let scriptLoading = null;
/** Loads the pmtiles browser bundle (served beside MapLibre under vendor/). */
function loadPmtilesScript() {
  if (window.pmtiles) return Promise.resolve(window.pmtiles);
  scriptLoading ??= new Promise((res, rej) => {
    const s = document.createElement('script');
    s.src = new URL('vendor/pmtiles/pmtiles.js', document.baseURI).href;
    s.onload = () => (window.pmtiles ? res(window.pmtiles) : rej(new Error('pmtiles.js loaded but defined nothing')));
    s.onerror = () => rej(new Error(`could not load ${s.src}: copy node_modules/pmtiles/dist to vendor/pmtiles/ beside the page`));
    document.head.appendChild(s);
  });
  return scriptLoading;
}

/** Registers the pmtiles:// protocol and opens the archive: {url, header, metadata}. */
export async function openArchive(url) {
  const pm = await loadPmtilesScript();
  const protocol = new pm.Protocol({ metadata: true });
  window.maplibregl.addProtocol('pmtiles', protocol.tile);
  const archive = new pm.PMTiles(url);
  protocol.add(archive);
  const header = await archive.getHeader();
  let metadata = {};
  try {
    metadata = (await archive.getMetadata()) || {};
  } catch {
    metadata = {};
  }
  return { url: `pmtiles://${url}`, header, metadata };
}
