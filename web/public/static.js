// Static mode (issue 9): the map read from a PMTiles archive through the `pmtiles` package's
// MapLibre protocol, so it runs from any static file host with no needsmap process behind it.
//
//   index.html?pmtiles=areas.pmtiles          the archive (relative to the page, or an http(s) URL)
//   index.html?static=static.json             a config file (default name static.json)
//   index.html                                with no server answering, static.json beside the page
//
// static.json: { "pmtiles": "areas.pmtiles", "layers": [/api/layers rows]?, "region": {/api/region}?,
//               "districts": "districts.geojson"? }. Parsing is pure: tests/static.test.mjs.
// One archive per vintage: "archives": [{ "pmtiles": "areas-2019.pmtiles", "vintage": "2019"? }, …]
// instead of "pmtiles" (the vintage defaults to the one `needsmap --vintage V export pmtiles`
// wrote in the archive's metadata); with two vintages the page offers the switch.

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
  let archives;
  if (doc.archives !== undefined) {
    if (!Array.isArray(doc.archives) || !doc.archives.length) throw new Error('static config: "archives" must be a non-empty list of {"pmtiles": URL, "vintage"?: text}');
    archives = doc.archives.map((a, i) => {
      if (!a || typeof a !== 'object') throw new Error(`static config: archives[${i}] must be an object with "pmtiles"`);
      if (a.vintage !== undefined && typeof a.vintage !== 'string') throw new Error(`static config: archives[${i}].vintage must be text, e.g. "2025"`);
      return { pmtiles: resolveUrl(a.pmtiles, base, `archives[${i}].pmtiles`), vintage: a.vintage || null };
    });
    // two archives of one vintage are refused by archiveChoice, which also sees the metadata's
  } else {
    archives = [{ pmtiles: resolveUrl(doc.pmtiles, base, 'pmtiles'), vintage: null }];
  }
  const out = { archives, layers: null, region: null, districts: null };
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
  const m = /^needsmap areas \(([^,)]+)(?:, [^)]*)?\)$/.exec(metadata?.name || '');
  return m ? { id: m[1], name: null } : null;
}

/** The vintage an archive was exported for (`needsmap --vintage V export pmtiles`), or null. */
export function archiveVintage(metadata) {
  const v = metadata?.vintage;
  if (typeof v === 'string' && v) return v;
  return typeof v?.id === 'string' && v.id ? v.id : null;
}

/**
 * The vintages a set of opened archives offers, and which archive shows `wanted`: the config's
 * vintage of an archive, else its metadata's. `offered` lists each vintage once, in config order,
 * only when every archive has one; `index` is the wanted vintage's archive, else the first.
 */
export function archiveChoice(archives, metadatas, wanted) {
  const vintages = archives.map((a, i) => a.vintage || archiveVintage(metadatas[i]));
  if (archives.length > 1) {
    const missing = vintages.findIndex((v) => !v);
    if (missing >= 0) throw new Error(`static config: archives[${missing}] names no vintage and its metadata has none (export it with needsmap --vintage V export pmtiles)`);
    const dup = vintages.find((v, i) => vintages.indexOf(v) !== i);
    if (dup) throw new Error(`static config: two archives are of vintage ${dup}`);
  }
  const index = Math.max(0, vintages.indexOf(wanted));
  return { index, vintage: vintages[index] || '', offered: vintages.every(Boolean) ? vintages : [] };
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

let protocol = null;
const opened = new Map();
/**
 * Registers the pmtiles:// protocol (once: every archive is added to the same one, so two
 * vintages' archives can be switched between) and opens the archive: {url, header, metadata}.
 */
export function openArchive(url) {
  if (!opened.has(url)) opened.set(url, openOnce(url));
  return opened.get(url);
}

async function openOnce(url) {
  const pm = await loadPmtilesScript();
  if (!protocol) {
    protocol = new pm.Protocol({ metadata: true });
    window.maplibregl.addProtocol('pmtiles', protocol.tile);
  }
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
