// Vintages of the deprivation index on the page: which one is shown, the words that name it and
// its geography, and how the change between vintages is coloured. Pure functions, unit-tested in
// tests/vintage.test.mjs; the switch itself is panels/vintage.js.
import { LAYER_IDS } from './generated/layers.js';
import { MISSING_COLOUR } from './classify.js';

/** The geography each vintage is published on, for servers that do not say. */
export const GEOGRAPHY = Object.freeze({ 2019: 'LSOA 2011', 2025: 'LSOA 2021' });

/** "IMD 2025 · LSOA 2021": the line every legend, title and PNG carries. */
export function vintageLine(vintage, geography) {
  const geo = geography || GEOGRAPHY[vintage] || '';
  return [vintage ? `IMD ${vintage}` : '', geo].filter(Boolean).join(' · ');
}

// ---------------------------------------------------------------------------------------------
// the change view

/** Decile changes (2025 − 2019 carried), nationally and within the region: diverging. */
export const DIVERGING_LAYERS = Object.freeze([LAYER_IDS.IMD_DECILE_CHANGE, LAYER_IDS.IMD_COUNTY_DECILE_CHANGE].filter(Boolean));
/** Top-10% statuses (entered, left, stayed, never), nationally and within the region: by category. */
export const STATUS_LAYERS = Object.freeze([LAYER_IDS.TOP10_STATUS, LAYER_IDS.TOP10_STATUS_COUNTY].filter(Boolean));
/** Layers of the change view, in the order its buttons are offered (the 2025 vintage has them). */
export const CHANGE_LAYERS = Object.freeze([...DIVERGING_LAYERS, ...STATUS_LAYERS]);

/**
 * ColorBrewer PuOr, 7 classes (colour-blind safe): orange = more deprived than in 2019 (a lower
 * decile), purple = less deprived, the middle near-white = no change.
 */
export const DIVERGING = Object.freeze(['#b35806', '#f1a340', '#fee0b6', '#f7f7f7', '#d8daeb', '#998ec3', '#542788']);

/**
 * Classes of a decile change (new decile − old, −9..9): −3 or lower, −2, −1, 0, +1, +2, +3 or
 * higher, on the diverging palette. Same class shape as classify.js (`test`, `edge`, `label`,
 * `colour`), so its expression and legend code apply.
 */
export function changeClasses() {
  const labels = ['−3 or lower', '−2', '−1', 'no change', '+1', '+2', '+3 or higher'];
  return labels.map((label, i) => {
    const edge = i - 3;
    const last = i === labels.length - 1;
    return { test: last ? null : '<=', edge: last ? null : edge, label, colour: DIVERGING[i] };
  });
}

/** Words at both ends of the change legend. */
export const CHANGE_ENDS = Object.freeze(['more deprived than in 2019', 'less deprived than in 2019']);

/**
 * The top-10% statuses and how they are drawn: entered and left in the two strong, opposite
 * colours of the change palette, stayed in the darkest ink (need that persists), never muted.
 */
export const TOP10 = Object.freeze([
  Object.freeze({ value: 'entered', label: 'Entered the most deprived 10%', colour: DIVERGING[0] }),
  Object.freeze({ value: 'left', label: 'Left the most deprived 10%', colour: DIVERGING[6] }),
  Object.freeze({ value: 'stayed', label: 'Stayed in the most deprived 10%', colour: '#1b2430' }),
  Object.freeze({ value: 'never', label: 'Never in the most deprived 10%', colour: '#f1eee6' }),
]);

/** True for a layer drawn by category (its values are words, e.g. the top-10% status). */
export function isCategorical(layer) {
  return !!layer && layer.kind === 'text' && STATUS_LAYERS.includes(layer.id);
}

/** True for a layer drawn on the diverging palette. */
export function isDiverging(layer) {
  return !!layer && layer.kind !== 'text' && DIVERGING_LAYERS.includes(layer.id);
}

/** MapLibre fill colour of a categorical layer; unknown words and missing values are grey. */
export function categoryExpression(layerId, cats = TOP10) {
  const e = ['match', ['coalesce', ['get', layerId], '']];
  for (const c of cats) e.push(c.value, c.colour);
  e.push(MISSING_COLOUR);
  return e;
}

/** Legend rows of a categorical layer (no end words: each row says what it is). */
export function categoryRows(cats = TOP10) {
  return cats.map((c) => ({ colour: c.colour, label: c.label, end: '' }));
}
