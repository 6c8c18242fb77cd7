// The region the server has loaded (CONTRACTS.md §B) and every sentence that names it, so no
// label in the page says "Gloucestershire" or "County" unless the server does. Pure functions,
// unit-tested in tests/region.test.mjs.
import { bboxOf } from './geometry.js';
import * as fmt from './format.js';

/** More districts than this and the chooser offers type-ahead (England has ~300). */
export const TYPEAHEAD_MIN = 12;

const finiteBox = (b) => (Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) ? b : null);

/** A region document from `/api/region`, checked and with districts sorted by name. */
export function regionFromApi(doc) {
  if (!doc || typeof doc.name !== 'string' || !doc.name) throw new Error('the region document has no name');
  const districts = (Array.isArray(doc.districts) ? doc.districts : [])
    .filter((d) => d && typeof d.code === 'string' && typeof d.name === 'string')
    .map((d) => ({ code: d.code, name: d.name, lsoaCount: Number.isFinite(d.lsoa_count) ? d.lsoa_count : null, bbox: finiteBox(d.bbox) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    id: String(doc.id || doc.name.toLowerCase()),
    name: doc.name,
    lsoaCount: Number.isFinite(doc.lsoa_count) ? doc.lsoa_count : null,
    bbox: finiteBox(doc.bbox),
    districts,
    vintages: Array.isArray(doc.vintages) ? doc.vintages.map(String) : [],
    defaultVintage: doc.default_vintage ? String(doc.default_vintage) : null,
    // the vintage this document describes and its geography (servers before ?vintage= omit them)
    vintage: doc.vintage ? String(doc.vintage) : doc.default_vintage ? String(doc.default_vintage) : null,
    geography: typeof doc.geography === 'string' && doc.geography ? doc.geography : null,
    basemapStyle: typeof doc.basemap_style === 'string' && doc.basemap_style ? doc.basemap_style : null,
  };
}

/** "gloucestershire" → "Gloucestershire", "west_of-england" → "West Of England". */
export function nameFromId(id) {
  return String(id || '')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

/**
 * The same document built from a server without `/api/region`: the name from `/healthz`
 * (`region` is an id string today, `{id, name}` by the contract) and districts, with their
 * bounding boxes, from the `/api/districts` outlines.
 */
export function regionFromLegacy(health, districts, bounds) {
  const r = health?.region;
  const id = typeof r === 'object' && r ? r.id || r.name : r;
  const name = typeof r === 'object' && r?.name ? r.name : nameFromId(id) || 'this region';
  const list = (districts?.features || []).map((f) => {
    const [[w, s], [e, n]] = bboxOf(f);
    return {
      code: f.properties.code,
      name: f.properties.name,
      lsoaCount: Number.isFinite(f.properties.areas) ? f.properties.areas : null,
      bbox: [w, s, e, n].every(Number.isFinite) ? [w, s, e, n] : null,
    };
  });
  return regionFromApi({
    id: id || name.toLowerCase(),
    name,
    lsoa_count: health?.areas,
    bbox: bounds,
    districts: list.map((d) => ({ code: d.code, name: d.name, lsoa_count: d.lsoaCount, bbox: d.bbox })),
  });
}

/** The region's name, or a district's name when one is chosen. */
export function placeName(region, districtCode) {
  const d = districtCode ? region.districts.find((x) => x.code === districtCode) : null;
  return d ? d.name : region.name;
}

/** Every sentence of the page that names the region. */
export const words = {
  heading: (r) => `${r.name} neighbourhood needs`,
  allDistricts: (r) => `All ${r.name}`,
  districtOption: (d) => (Number.isFinite(d.lsoaCount) ? `${d.name} (${fmt.count(d.lsoaCount)} areas)` : d.name),
  regionTop10: (r) => `Top 10% within ${r.name}`,
  regionTop10Detail: (r) => `IMD decile within ${r.name}`,
  regionDecile: (r) => `IMD decile within ${r.name}`,
  regionRank: (r) => `Rank within ${r.name}`,
  mapLabel: (r) => `Map of ${r.name} neighbourhoods. Use arrow keys to pan and plus or minus to zoom.`,
  documentTitle: (layerTitle, place) => `${layerTitle || 'needsmap'} — ${place} · needsmap`,
  status: (r, health) => {
    const n = (health?.sources || []).length;
    // the region document follows the vintage shown (373 LSOA 2011 or 393 LSOA 2021 areas)
    const areas = Number.isFinite(r.lsoaCount) ? r.lsoaCount : health?.areas;
    return `${r.name} · ${fmt.count(areas)} areas${n ? ` · ${n} ${n === 1 ? 'source' : 'sources'}` : ''}`;
  },
};

/**
 * Districts matching what the user typed, best first: names starting with it, then names with a
 * word starting with it, then names or codes containing it. Case and accents are ignored.
 */
export function matchDistricts(districts, typed, limit = Infinity) {
  const fold = (s) => String(s).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
  const q = fold(typed);
  if (!q) return districts.slice(0, limit);
  const scored = [];
  for (const d of districts) {
    const n = fold(d.name);
    let score = -1;
    if (n.startsWith(q)) score = 0;
    else if (n.split(/[\s,'-]+/).some((w) => w.startsWith(q))) score = 1;
    else if (n.includes(q) || fold(d.code).startsWith(q)) score = 2;
    if (score >= 0) scored.push({ d, score });
  }
  scored.sort((a, b) => a.score - b.score || a.d.name.localeCompare(b.d.name));
  return scored.slice(0, limit).map((x) => x.d);
}
