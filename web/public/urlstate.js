// The whole view lives in the URL hash, so a copied link reproduces what is on screen:
// #vintage=2025&layer=imd_decile&district=E07000081&filter=imd_decile%20%3C%3D%201&mode=walk&min=45&beyond=1
//  &area=E01022333&pc=GL1%202EH&gp=0&map=10.50/51.8600/-2.2400
//  &close=L84003,L84005&open=GL1%202EH;-2.24000,51.86000   (a GP scenario: sites closed, sites opened)
//  &smode=walk_or_pt   (the scenario by public transport instead of the travel mode above)
// (map = zoom/lat/lon, the order used by openstreetmap.org links).
import { LAYER_IDS } from './generated/layers.js';

export const DEFAULTS = Object.freeze({
  vintage: '', // '2019' or '2025'; '' = the server's default
  layer: LAYER_IDS.IMD_DECILE,
  district: '', // district code, '' = the whole region
  filter: '', // filter-language text of the area list
  mode: 'walk',
  minutes: 45,
  beyond: false, // highlight areas beyond the GP threshold on the map
  gp: true, // show GP sites
  area: '', // LSOA whose profile is open
  postcode: '',
  view: null, // {zoom, lat, lon}
  close: '', // GP scenario: ODS codes closed, comma-separated
  open: '', // GP scenario: new sites (postcodes or "lon,lat"), separated by ';'
  smode: '', // GP scenario by public transport: 'pt' or 'walk_or_pt'; '' = the travel mode above
});

/** Public-transport modes a scenario may ask for (when the server has their layers). */
export const SCENARIO_PT_MODES = Object.freeze(['pt', 'walk_or_pt']);

/** Most sites a scenario closes plus opens (the API's limit). */
export const MAX_SCENARIO_CHANGES = 20;

/** Travel modes, in the order the page offers them. */
export const MODES = Object.freeze(['walk', 'cycle', 'car']);

/** State from a location hash ("#a=b&…"); unknown or malformed values fall back to defaults. */
export function parseHash(hash) {
  const p = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const s = { ...DEFAULTS };
  if (/^\d{4}$/.test(p.get('vintage') || '')) s.vintage = p.get('vintage');
  if (p.get('layer')) s.layer = p.get('layer');
  if (p.get('district')) s.district = p.get('district');
  if (p.has('filter')) s.filter = p.get('filter');
  if (MODES.includes(p.get('mode'))) s.mode = p.get('mode');
  const m = Number(p.get('min'));
  if (p.has('min') && Number.isFinite(m) && m > 0 && m <= 1440) s.minutes = m;
  if (p.has('beyond')) s.beyond = p.get('beyond') === '1';
  if (p.has('gp')) s.gp = p.get('gp') !== '0';
  if (/^[A-Z]\d{8}$/.test(p.get('area') || '')) s.area = p.get('area');
  if (p.get('pc')) s.postcode = p.get('pc');
  const close = (p.get('close') || '').split(',').map((c) => c.trim().toUpperCase()).filter((c) => /^[A-Z0-9]{3,10}$/.test(c));
  const open = (p.get('open') || '').split(';').map((o) => o.trim()).filter((o) => o && o.length <= 40);
  if (close.length + open.length <= MAX_SCENARIO_CHANGES) {
    s.close = [...new Set(close)].join(',');
    s.open = open.join(';');
  }
  if (SCENARIO_PT_MODES.includes(p.get('smode'))) s.smode = p.get('smode');
  const v = (p.get('map') || '').split('/').map(Number);
  if (v.length === 3 && v.every(Number.isFinite) && Math.abs(v[1]) <= 90 && Math.abs(v[2]) <= 180) {
    s.view = { zoom: v[0], lat: v[1], lon: v[2] };
  }
  return s;
}

/** Hash for a state; values equal to the defaults are left out to keep links short. */
export function toHash(s) {
  const parts = [];
  const put = (k, v) => parts.push(`${k}=${encodeURIComponent(v).replace(/%2F/g, '/')}`);
  if (s.vintage) put('vintage', s.vintage);
  if (s.layer) put('layer', s.layer);
  if (s.district) put('district', s.district);
  if (s.filter) put('filter', s.filter);
  if (s.mode !== DEFAULTS.mode) put('mode', s.mode);
  if (s.minutes !== DEFAULTS.minutes) put('min', String(s.minutes));
  if (s.beyond) put('beyond', '1');
  if (!s.gp) put('gp', '0');
  if (s.area) put('area', s.area);
  if (s.postcode) put('pc', s.postcode);
  if (s.close) put('close', s.close);
  if (s.open) put('open', s.open);
  if (s.smode) put('smode', s.smode);
  if (s.view) put('map', `${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(5)}/${s.view.lon.toFixed(5)}`);
  return `#${parts.join('&')}`;
}
