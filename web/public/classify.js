// Colour classes for a choropleth. The server gives each layer its class `breaks` (ascending);
// this module turns them into classes with labels and a MapLibre expression, and picks a
// colour-blind-safe sequential palette (ColorBrewer schemes, which are CVD-safe) ordered so that
// the WORSE end of the layer (its `direction`) is the darkest, i.e. visually strongest, colour.
import * as fmt from './format.js';

/** ColorBrewer sequential schemes, 9 classes, light to dark. */
export const PALETTES = {
  // deprivation, domains, children: yellow-green-blue, dark navy = most deprived
  YlGnBu: ['#ffffd9', '#edf8b1', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#253494', '#081d58'],
  // access times / distances: yellow-orange-brown, dark brown = longest
  YlOrBr: ['#ffffe5', '#fff7bc', '#fee391', '#fec44f', '#fe9929', '#ec7014', '#cc4c02', '#993404', '#662506'],
  // neutral counts (population): purples, more = darker, with no "good/bad" reading
  Purples: ['#fcfbfd', '#efedf5', '#dadaeb', '#bcbddc', '#9e9ac8', '#807dba', '#6a51a3', '#54278f', '#3f007d'],
};

export const MISSING_COLOUR = '#d4d4d4';

export function paletteFor(layer) {
  if (layer.direction === 'neutral' || layer.group === 'population') return PALETTES.Purples;
  if (layer.group === 'gp_access') return PALETTES.YlOrBr;
  return PALETTES.YlGnBu;
}

function hexToRgb(h) {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
function rgbToHex([r, g, b]) {
  return `#${[r, g, b].map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * k colours sampled evenly along a light→dark ramp. The lightest stop is skipped when k is small
 * so that the best class is still distinguishable from the plain background.
 */
export function sample(ramp, k) {
  if (k <= 0) return [];
  const start = k <= 6 ? 1 : 0;
  const out = [];
  for (let i = 0; i < k; i++) {
    const t = k === 1 ? 1 : start + (i * (ramp.length - 1 - start)) / (k - 1);
    const lo = Math.floor(t);
    const hi = Math.min(ramp.length - 1, lo + 1);
    const f = t - lo;
    const a = hexToRgb(ramp[lo]);
    const b = hexToRgb(ramp[hi]);
    out.push(rgbToHex(a.map((x, j) => x + (b[j] - x) * f)));
  }
  return out;
}

/**
 * Classes of a layer, in ascending value order. Each class is
 * {test: '<='|'<'|null, edge, label, colour}: a value belongs to the first class whose test
 * `value <test> edge` holds; the last class takes the rest (test null).
 *
 * `breaks` are read in the one way that fits them:
 * - integer steps covering min..max one by one (deciles [1..10]): one class per value;
 * - first break at or below the minimum: breaks are class LOWER bounds;
 * - otherwise: breaks are class UPPER bounds (the last one normally equals the maximum).
 */
export function classes(layer) {
  const unit = layer.unit;
  let b = [...new Set((layer.breaks || []).filter(Number.isFinite))].sort((x, y) => x - y);
  const min = Number.isFinite(layer.min) ? layer.min : b[0];
  const max = Number.isFinite(layer.max) ? layer.max : b[b.length - 1];
  if (b.length === 0 && Number.isFinite(min) && Number.isFinite(max)) {
    // no breaks from the server: five equal intervals
    b = [1, 2, 3, 4, 5].map((i) => min + ((max - min) * i) / 5);
  }
  const out = [];
  const isSteps = b.length >= 2 && b.every(Number.isInteger) && b[b.length - 1] - b[0] === b.length - 1 &&
    (!Number.isFinite(min) || min >= b[0]) && (!Number.isFinite(max) || max <= b[b.length - 1]);
  if (b.length === 0) {
    out.push({ test: null, edge: null, label: 'all values' });
  } else if (isSteps) {
    b.forEach((v, i) => out.push({ test: i < b.length - 1 ? '<=' : null, edge: v, label: fmt.value(v, unit) }));
  } else if (Number.isFinite(min) && b[0] <= min) {
    for (let i = 0; i < b.length; i++) {
      const last = i === b.length - 1;
      const lo = fmt.value(b[i], unit);
      out.push({
        test: last ? null : '<',
        edge: last ? null : b[i + 1],
        label: last ? `${lo} or more` : `${lo} to under ${fmt.value(b[i + 1], unit)}`,
      });
    }
  } else {
    let prev = min;
    for (let i = 0; i < b.length; i++) {
      const last = i === b.length - 1 && !(Number.isFinite(max) && max > b[i]);
      const hi = fmt.value(b[i], unit);
      out.push({
        test: last ? null : '<=',
        edge: b[i],
        label: i === 0 ? `up to ${hi}` : `over ${fmt.value(prev, unit)} to ${hi}`,
      });
      prev = b[i];
    }
    if (Number.isFinite(max) && max > b[b.length - 1]) {
      out.push({ test: null, edge: null, label: `over ${fmt.value(b[b.length - 1], unit)}` });
    }
  }
  const ramp = sample(paletteFor(layer), out.length);
  // ramp is light→dark for ascending values; lower_is_worse wants low values dark
  if (layer.direction === 'lower_is_worse') ramp.reverse();
  out.forEach((c, i) => {
    c.colour = ramp[i];
  });
  return out;
}

/** Index of the class a value falls in (same rule as the expression); -1 for no data. */
export function classOf(cls, v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return -1;
  for (let i = 0; i < cls.length; i++) {
    const c = cls[i];
    if (c.test === null) return i;
    if (c.test === '<=' ? v <= c.edge : v < c.edge) return i;
  }
  return cls.length - 1;
}

/** MapLibre fill-color expression for a layer's classes; features without the value are grey. */
export function colourExpression(layerId, cls) {
  const v = ['to-number', ['get', layerId]];
  const e = ['case', ['!', ['has', layerId]], MISSING_COLOUR];
  for (const c of cls) {
    if (c.test === null) break;
    e.push([c.test, v, c.edge], c.colour);
  }
  e.push(cls[cls.length - 1].colour);
  return e;
}

/** Words for the ends of the legend, honouring the layer's direction. */
export function endWords(layer) {
  // counts of people are context, not a judgement, whatever direction they carry
  if (layer.group === 'population' || layer.direction === 'neutral') return ['fewer', 'more'];
  const dec = layer.unit === 'decile';
  if (layer.direction === 'lower_is_worse') return dec ? ['most deprived 10%', 'least deprived 10%'] : ['worse', 'better'];
  return ['better', 'worse'];
}

/**
 * Class breaks (upper bounds, ascending, distinct) cutting `values` into about `k` equal-count
 * classes; used when a static archive comes without the server's breaks. The last break is the
 * maximum. Missing values are ignored.
 */
export function quantileBreaks(values, k = 7) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return [];
  const out = [];
  for (let i = 1; i <= k; i++) {
    const x = v[Math.min(v.length - 1, Math.ceil((i * v.length) / k) - 1)];
    if (!out.length || x > out[out.length - 1]) out.push(x);
  }
  return out;
}

/** Legend rows for a layer's classes, with the direction's words at both ends. */
export function legendRows(layer, cls) {
  const [low, high] = endWords(layer);
  return cls.map((c, i) => ({ colour: c.colour, label: c.label, end: i === 0 ? low : i === cls.length - 1 ? high : '' }));
}
