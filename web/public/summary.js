// Pure parts of the summary panel (panels/summary.js): which figures a summary offers, how a row
// is shown, how the choropleth is coloured, and what clicking a row does. No DOM, no map: unit
// tested in tests/summary.test.mjs.
import { LAYER_IDS } from './generated/layers.js';
import { withVintage } from './api.js';
import { GEOGRAPHY } from './vintage.js';

/**
 * Summary levels, as `/api/summary?by=` accepts them. Wards and MSOAs are named after the layers
 * that assign each LSOA to one (`ward`, `msoa`), which are also what a click filters on.
 */
export const LEVELS = Object.freeze([
  { id: 'district', label: 'Districts (locality partnerships)' },
  { id: LAYER_IDS.WARD, label: 'Wards (May 2025)' },
  { id: LAYER_IDS.MSOA, label: 'MSOAs' },
]);

/** A vintage on LSOAs 2021 nests in MSOAs 2021; others in MSOAs 2011. */
const onLsoa21 = (vintage) => GEOGRAPHY[vintage] === 'LSOA 2021';

/** A level's label in a vintage: MSOAs are of the vintage's own census. */
export function levelLabel(level, vintage = '') {
  const l = LEVELS.find((x) => x.id === level);
  if (!l) return String(level);
  if (level === LAYER_IDS.MSOA) return `${l.label} (${onLsoa21(vintage) ? 2021 : 2011})`;
  return l.label;
}

/** The layer that names an area's MSOA in a vintage (what a click on an MSOA row filters on). */
export function msoaLayer(vintage = '') {
  return onLsoa21(vintage) ? LAYER_IDS.MSOA21 : LAYER_IDS.MSOA;
}

/**
 * Figures the choropleth can show: the property of a summary row and how to read it. A measure
 * of `people` names what stands in for it where a vintage has no population (`withoutPeople`:
 * the same figure counted by LSOAs), or null where nothing honestly does.
 */
export const MEASURES = Object.freeze([
  { id: 'share_people_decile1', label: 'People in the most deprived 10% (share)', kind: 'share', people: true, withoutPeople: 'share_lsoas_decile1' },
  { id: 'share_people_decile1_2', label: 'People in the most deprived 20% (share)', kind: 'share', people: true, withoutPeople: 'share_lsoas_decile1_2' },
  { id: 'share_lsoas_decile1', label: 'LSOAs in the most deprived 10% (share)', kind: 'share' },
  { id: 'share_lsoas_decile1_2', label: 'LSOAs in the most deprived 20% (share)', kind: 'share' },
  // a mean weighted by population has no population-free equivalent (an unweighted mean of LSOA
  // scores is another figure): without a population it has no values and says so
  { id: 'imd_score_weighted', label: 'IMD score, population-weighted', kind: 'score', people: true, withoutPeople: null },
  { id: LAYER_IDS.CHILDREN_INCOME_DEPRIVED, label: 'Children in income-deprived families', kind: 'count' },
  { id: 'child_poverty', label: 'Children in low-income families (DWP, MSOA-level)', kind: 'count' },
]);

/** Sequential colours, light (least) to dark (most in need). */
export const SUMMARY_COLOURS = Object.freeze(['#fff5eb', '#fdd0a2', '#fdae6b', '#f16913', '#d94801', '#8c2d04']);
export const NO_VALUE_COLOUR = '#d9d9d9';

/** True when the summary document's vintage has no population (IoD2025: `population` is null). */
const withoutPopulation = (doc) => doc?.region_total?.population === null;

/**
 * The measure to show for a summary document: the one asked for, unless it counts people and the
 * vintage has no population, then its stand-in by LSOAs where it has one; a measure without one
 * is kept (its values are null: shown as none, see `measureNote`).
 */
export function measureFor(doc, measure) {
  const m = MEASURES.find((x) => x.id === measure) || MEASURES[0];
  if (!m.people || !withoutPopulation(doc)) return m.id;
  return m.withoutPeople ?? m.id;
}

/** False for a measure the document cannot give (a people measure with no stand-in, no population). */
export function measureAvailable(doc, measure) {
  const m = MEASURES.find((x) => x.id === measure);
  return !!m && !(m.people && m.withoutPeople === null && withoutPopulation(doc));
}

/** What the table says about the measure shown: why it has no values, or what stands in for it. */
export function measureNote(doc, measure) {
  const m = MEASURES.find((x) => x.id === measure);
  if (!m || !m.people || !withoutPopulation(doc)) return '';
  if (m.withoutPeople === null) return `${m.label}: not available, as this vintage has no population to weight by.`;
  const by = MEASURES.find((x) => x.id === m.withoutPeople);
  return `${m.label}: shown as ${by.label}, as this vintage has no population.`;
}

/** The value of a measure in a row (a GeoJSON feature's properties or a JSON row). */
export function measureOf(row, measure) {
  const v = row?.[measure];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Class breaks: equal-count quantiles of the values present (at most `k` classes). */
export function summaryBreaks(values, k = SUMMARY_COLOURS.length) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (!xs.length) return [];
  const out = [];
  for (let q = 1; q < k; q++) {
    const v = xs[Math.min(xs.length - 1, Math.floor((q * xs.length) / k))];
    if (!out.length || v > out[out.length - 1]) out.push(v);
  }
  return out;
}

/** The colour of a value given breaks (values at or above a break go to the next class). */
export function colourFor(value, breaks) {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE_COLOUR;
  let c = 0;
  while (c < breaks.length && value >= breaks[c]) c++;
  const scale = SUMMARY_COLOURS.length - 1;
  return SUMMARY_COLOURS[breaks.length ? Math.round((c * scale) / breaks.length) : scale];
}

/** A copy of a summary FeatureCollection with `_colour` on each feature for `measure`. */
export function colourise(fc, measure) {
  const values = fc.features.map((f) => measureOf(f.properties, measure));
  const breaks = summaryBreaks(values);
  return {
    breaks,
    data: {
      ...fc,
      features: fc.features.map((f, i) => ({ ...f, properties: { ...f.properties, _colour: colourFor(values[i], breaks) } })),
    },
  };
}

const nf = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** A value for the table: counts grouped, shares as %, scores to one decimal, '–' for none. */
export function showMeasure(value, kind) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (kind === 'share') return `${(value * 100).toFixed(1)}%`;
  if (kind === 'score') return value.toFixed(1);
  return nf.format(value);
}

/**
 * What clicking a row does, as a state patch: a district sets the district chooser; a ward or an
 * MSOA filters the area list to its LSOAs (the `ward` and `msoa` layers of the filter language).
 */
export function clickThrough(level, row, vintage = '') {
  const quoted = JSON.stringify(String(row.code));
  if (level === 'district') return { district: row.code, filter: '', area: '' };
  if (level === LAYER_IDS.WARD) return { filter: `${LAYER_IDS.WARD} = ${quoted}`, area: '' };
  return { filter: `${msoaLayer(vintage)} = ${quoted}`, area: '' };
}

/** The printable profile of a row, where one exists (districts and wards), in the vintage shown. */
export function profileHref(level, row, vintage = '') {
  if (level !== 'district' && level !== LAYER_IDS.WARD) return null;
  return withVintage(`/profile/${level}/${encodeURIComponent(row.code)}`, vintage);
}

/** The URL of a summary document, in the vintage shown ('' = the server's default). */
export function summaryUrl(level, minutes, format = 'json', vintage = '') {
  const p = new URLSearchParams({ by: level, minutes: String(minutes || 45) });
  if (format !== 'json') p.set('format', format);
  return withVintage(`/api/summary?${p}`, vintage);
}
