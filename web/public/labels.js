// Place names on the map: district (locality partnership) names, ward names from town zooms and
// LSOA names close in, from /api/labels, drawn with glyphs the needsmap server makes itself
// (/glyphs/{fontstack}/{range}.pbf), so the page asks no other server for fonts.

export const LABEL_SOURCE = 'labels';
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
      source: LABEL_SOURCE,
      filter: kind(LABEL_KINDS.LSOA),
      minzoom: 13,
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
