// The map's style: sources, layer specs and their ids, in one place. Our own data only: district
// outlines, LSOA polygons from our vector tiles, GP sites, on a plain background; place-name labels
// (labels.js) use glyphs the needsmap server makes itself, so no tile, glyph or font server is asked.
import { MISSING_COLOUR } from './classify.js';

/** Ids of the MapLibre sources and style layers (not to be confused with data layer ids). */
export const SRC = Object.freeze({ AREAS: 'areas', DISTRICTS: 'districts', GP: 'gp', SELECTION: 'selection', BEYOND: 'beyond' });
export const ML = Object.freeze({
  BACKGROUND: 'background',
  AREAS_FILL: 'areas-fill',
  AREAS_LINE: 'areas-line',
  DISTRICT_MASK: 'districts-mask',
  DISTRICTS_CASING: 'districts-casing',
  DISTRICTS_LINE: 'districts-line',
  AREAS_HOVER: 'areas-hover',
  FOCUS_CASING: 'focus-casing',
  FOCUS_LINE: 'focus-line',
  GP_CIRCLES: 'gp-circles',
  SELECTION_CASING: 'selection-casing',
  SELECTION_LINE: 'selection-line',
  BEYOND_HATCH: 'beyond-hatch',
  BEYOND_LINE: 'beyond-line',
});
/** The source-layer of the area polygons in every tile (CONTRACTS.md §A). */
export const SOURCE_LAYER = 'areas';
export const BACKGROUND_COLOUR = '#eef0ec';
export const HATCH_IMAGE = 'hatch';

/** The empty style the map starts with; everything else is added once the data is known. */
export function baseStyle() {
  return {
    version: 8,
    name: 'needsmap',
    sources: {},
    layers: [{ id: ML.BACKGROUND, type: 'background', paint: { 'background-color': BACKGROUND_COLOUR } }],
  };
}

/** Diagonal dark hatching with a light halo, readable over both light and dark fills. */
export function hatchImage(size = 16) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = (x + y) % size;
      const i = (y * size + x) * 4;
      if (d === 0 || d === 1) data.set([17, 17, 17, 220], i);
      else if (d === 2 || d === size - 1) data.set([255, 255, 255, 170], i);
    }
  }
  return { width: size, height: size, data };
}

/** An area-tile source: hover and focus key on the MVT feature id (the area's atlas index). */
export function areaSource(tiles, { minzoom = 0, maxzoom = 14, bounds } = {}) {
  return { type: 'vector', tiles: [tiles], minzoom, maxzoom, ...(Array.isArray(bounds) ? { bounds } : {}) };
}

const isHover = ['boolean', ['feature-state', 'hover'], false];
const byCode = (code) => ['==', ['get', 'code'], code || '-'];
const isBranch = ['==', ['get', 'kind'], 'branch'];
const inside = ['to-boolean', ['get', 'inside']];

/** The fixed layers, bottom to top; `selection` and `beyond` layers are inserted on demand. */
export function baseLayers({ gpVisible }) {
  const areas = { source: SRC.AREAS, 'source-layer': SOURCE_LAYER };
  return [
    { id: ML.AREAS_FILL, type: 'fill', ...areas, paint: { 'fill-color': MISSING_COLOUR, 'fill-opacity': 0.9 } },
    {
      id: ML.AREAS_LINE,
      type: 'line',
      ...areas,
      paint: {
        'line-color': '#ffffff',
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.35, 12, 0.8],
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.3, 12, 0.8, 15, 1.4],
      },
    },
    // districts other than the chosen one are veiled in the background colour
    { id: ML.DISTRICT_MASK, type: 'fill', source: SRC.DISTRICTS, filter: ['==', ['get', 'code'], '-'], paint: { 'fill-color': BACKGROUND_COLOUR, 'fill-opacity': 0.8 } },
    { id: ML.DISTRICTS_CASING, type: 'line', source: SRC.DISTRICTS, paint: { 'line-color': '#ffffff', 'line-width': 4, 'line-opacity': 0.8 }, layout: { 'line-join': 'round' } },
    { id: ML.DISTRICTS_LINE, type: 'line', source: SRC.DISTRICTS, paint: { 'line-color': '#1b2430', 'line-width': districtLineWidth('') }, layout: { 'line-join': 'round' } },
    { id: ML.AREAS_HOVER, type: 'line', ...areas, paint: { 'line-color': '#000000', 'line-width': ['case', isHover, 2.2, 0] } },
    { id: ML.FOCUS_CASING, type: 'line', ...areas, filter: byCode(''), paint: { 'line-color': '#ffffff', 'line-width': 7 }, layout: { 'line-join': 'round' } },
    { id: ML.FOCUS_LINE, type: 'line', ...areas, filter: byCode(''), paint: { 'line-color': '#d9480f', 'line-width': 3.5 }, layout: { 'line-join': 'round' } },
    {
      id: ML.GP_CIRCLES,
      type: 'circle',
      source: SRC.GP,
      paint: {
        // small at a national zoom, where England's ~6,500 sites would otherwise hide the areas
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, ['case', isBranch, 0.8, 1.2], 8, ['case', isBranch, 2.5, 3.5], 13, ['case', isBranch, 5, 7]],
        'circle-color': ['case', isBranch, '#ffffff', inside, '#c2255c', '#9a8f97'],
        'circle-stroke-color': ['case', isBranch, ['case', inside, '#c2255c', '#9a8f97'], '#ffffff'],
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 5, 0, 8, 1, 13, 2],
        'circle-opacity': ['case', inside, 1, 0.7],
        'circle-stroke-opacity': ['case', inside, 1, 0.7],
      },
      layout: { visibility: gpVisible ? 'visible' : 'none' },
    },
  ];
}

/** The focus outline filter (the LSOA of the open profile or the checked postcode). */
export const focusFilter = byCode;
/** Filter of the mask: every district except the chosen one (none when no district is chosen). */
export const maskFilter = (code) => (code ? ['!=', ['get', 'code'], code] : ['==', ['get', 'code'], '-']);
export function districtLineWidth(code) {
  return ['case', ['==', ['get', 'code'], code || '-'], 2.8, 1.4];
}

/** Outline of the areas matching the list filter (tiles with `where=`; features carry `selected`). */
export const SELECTION_LAYERS = [
  { id: ML.SELECTION_CASING, before: ML.DISTRICTS_CASING, spec: { type: 'line', paint: { 'line-color': '#ffffff', 'line-width': 5.5 }, layout: { 'line-join': 'round' } } },
  { id: ML.SELECTION_LINE, before: ML.DISTRICTS_CASING, spec: { type: 'line', paint: { 'line-color': '#000000', 'line-width': 2.5 }, layout: { 'line-join': 'round' } } },
];

/** Hatching of the areas beyond the GP-time threshold. */
export const BEYOND_LAYERS = [
  { id: ML.BEYOND_HATCH, before: ML.AREAS_LINE, spec: { type: 'fill', paint: { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': 0.9 } } },
  { id: ML.BEYOND_LINE, before: ML.DISTRICTS_CASING, spec: { type: 'line', paint: { 'line-color': '#111111', 'line-width': 1.4, 'line-dasharray': [2, 1.5] } } },
];
