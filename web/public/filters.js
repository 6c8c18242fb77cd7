// Filter-language text the page writes for the API (`?where=`): the district clause, the
// presets, the GP threshold and the list's sort. Pure; tests/filters.test.mjs.
import { LAYER_IDS } from './generated/layers.js';

/** The layer of deciles within the loaded region (named "county" before the catalogue said region). */
export const REGION_DECILE = LAYER_IDS.IMD_REGION_DECILE ?? LAYER_IDS.IMD_COUNTY_DECILE;

/** A text literal of the filter language. */
export function quote(s) {
  return `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The user's filter restricted to a district: `{ where, prefixLen }`, where `prefixLen` is how
 * many characters the page put in front of the user's text (to move error columns back).
 */
export function combinedWhere(districtName, filter) {
  const f = String(filter || '').trim();
  if (!districtName) return { where: f, prefixLen: 0 };
  const head = `district = ${quote(districtName)}`;
  if (!f) return { where: head, prefixLen: 0 };
  const prefix = `${head} and (`;
  return { where: `${prefix}${f})`, prefixLen: prefix.length };
}

/** The preset filters, with labels naming the region. */
export function presets(regionName) {
  return {
    national: { filter: `${LAYER_IDS.IMD_DECILE} <= 1`, label: 'National top 10%', detail: 'IMD decile 1' },
    region: { filter: `${REGION_DECILE} <= 1`, label: `Top 10% within ${regionName}`, detail: `IMD decile within ${regionName}` },
  };
}

/** Sort so the worst areas come first (neutral counts: most first). */
export function sortFor(layer) {
  if (!layer) return '';
  return layer.direction === 'higher_is_worse' || layer.direction === 'neutral' ? `${layer.id}:desc` : layer.id;
}

/** Areas beyond a GP-time threshold. */
export function beyondFilter(layerId, minutes) {
  return `${layerId} > ${minutes}`;
}
