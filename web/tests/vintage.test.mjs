// The pure parts of the vintage switch and the change view: URL state, legend words, the paths
// the page asks for, and the palettes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vintageLine, changeClasses, DIVERGING, TOP10, CHANGE_LAYERS, DIVERGING_LAYERS, STATUS_LAYERS, CHANGE_ENDS, categoryExpression, categoryRows, isCategorical, isDiverging } from '../public/vintage.js';
import { withVintage, useVintage, api } from '../public/api.js';
import { parseHash, toHash, DEFAULTS } from '../public/urlstate.js';
import { normalise, STATE_KEYS } from '../public/state.js';
import { classOf, colourExpression, MISSING_COLOUR } from '../public/classify.js';
import { LAYERS } from '../public/generated/layers.js';

const rgb = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const distance = (a, b) => Math.hypot(...rgb(a).map((x, i) => x - rgb(b)[i]));
// relative luminance (WCAG)
const lum = (h) => {
  const [r, g, b] = rgb(h).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};

test('the vintage is part of the URL state and survives a round trip', () => {
  assert.ok(STATE_KEYS.includes('vintage'));
  assert.equal(DEFAULTS.vintage, '');
  const s = { ...DEFAULTS, vintage: '2025', layer: 'x' };
  assert.match(toHash(s), /^#vintage=2025&layer=x$/);
  assert.deepEqual(parseHash(toHash(s)), s);
  // the default (the server's) is left out of links; junk falls back to it
  assert.equal(toHash(DEFAULTS), `#layer=${DEFAULTS.layer}`);
  assert.equal(parseHash('#vintage=twenty').vintage, '');
  assert.equal(parseHash('#vintage=2025%3Cscript').vintage, '');
});

test('normalise takes the vintage actually loaded', () => {
  const ctx = { layers: ['a'], defaultLayer: 'a', vintage: '2025' };
  assert.equal(normalise({ ...DEFAULTS, layer: 'a' }, ctx).vintage, '2025');
  assert.equal(normalise({ ...DEFAULTS, layer: 'a', vintage: '2019' }, ctx).vintage, '2025');
  const same = Object.freeze({ ...DEFAULTS, layer: 'a', vintage: '2025' });
  assert.equal(normalise(same, ctx), same, 'nothing to change');
  // a static archive says no vintage: the state keeps what it had
  assert.equal(normalise({ ...DEFAULTS, layer: 'a' }, { layers: ['a'] }).vintage, '');
});

test('the legend line names the vintage and the geography', () => {
  assert.equal(vintageLine('2025', 'LSOA 2021'), 'IMD 2025 · LSOA 2021');
  assert.equal(vintageLine('2019', 'LSOA 2011'), 'IMD 2019 · LSOA 2011');
  // a server that does not name the geography: the vintage's own
  assert.equal(vintageLine('2025', null), 'IMD 2025 · LSOA 2021');
  assert.equal(vintageLine('', ''), '');
});

test('every answer made from the atlas carries the chosen vintage', async () => {
  assert.equal(withVintage('/api/areas', '2025'), '/api/areas?vintage=2025');
  assert.equal(withVintage('/api/areas?where=a%20%3D%201', '2025'), '/api/areas?where=a%20%3D%201&vintage=2025');
  assert.equal(withVintage('/api/areas?vintage=2019', '2025'), '/api/areas?vintage=2019', 'an explicit vintage is kept');
  assert.equal(withVintage('/api/layers', ''), '/api/layers');
  const asked = [];
  const fetchFn = async (url) => {
    asked.push(url);
    return { ok: true, status: 200, text: async () => '{}' };
  };
  useVintage('2025');
  try {
    await api.layers({ fetchFn });
    await api.area('E01033333', { fetchFn });
    await api.areas({ where: 'imd_decile <= 1' }, { fetchFn });
    await api.tilejson({ fetchFn });
    await api.health({ fetchFn });
    assert.match(api.areasUrl({ format: 'csv' }), /\?format=csv&vintage=2025$/);
  } finally {
    useVintage('');
  }
  const paths = asked.map((u) => new URL(u).pathname + new URL(u).search);
  assert.deepEqual(paths, [
    '/api/layers?vintage=2025',
    '/api/areas/E01033333?vintage=2025',
    '/api/areas?where=imd_decile%20%3C%3D%201&vintage=2025',
    '/tiles/areas.json?vintage=2025',
    '/healthz',
  ]);
  assert.equal(api.areasUrl({}), '/api/areas');
});

test('the decile change is diverging: each value in one class, no change in the middle', () => {
  const cls = changeClasses();
  assert.equal(cls.length, DIVERGING.length);
  const at = (v) => cls[classOf(cls, v)];
  for (let v = -9; v <= -3; v++) assert.equal(at(v).colour, DIVERGING[0], `${v}`);
  for (let v = 3; v <= 9; v++) assert.equal(at(v).colour, DIVERGING[DIVERGING.length - 1], `${v}`);
  assert.equal(at(0).label, 'no change');
  assert.equal(at(-1).label, '−1');
  assert.equal(at(2).label, '+2');
  // the two sides have opposite hues and grow darker away from the middle
  const mid = (DIVERGING.length - 1) / 2;
  for (let i = 0; i < mid; i++) {
    assert.ok(lum(DIVERGING[i]) < lum(DIVERGING[i + 1]), `left side darkens outward at ${i}`);
    assert.ok(lum(DIVERGING[DIVERGING.length - 1 - i]) < lum(DIVERGING[DIVERGING.length - 2 - i]), `right side darkens outward at ${i}`);
  }
  const [r0, , b0] = rgb(DIVERGING[0]);
  const [r6, , b6] = rgb(DIVERGING[6]);
  assert.ok(r0 > b0 && b6 > r6 - 30, 'orange one way, purple the other');
  // the expression draws the same classes; missing values are grey
  const e = colourExpression('x', cls);
  assert.equal(e[2], MISSING_COLOUR);
  assert.equal(e[e.length - 1], DIVERGING[DIVERGING.length - 1]);
  assert.equal(CHANGE_ENDS.length, 2);
});

test('top-10% status: entered and left stand apart, stayed is strong, never is muted', () => {
  const by = Object.fromEntries(TOP10.map((c) => [c.value, c.colour]));
  assert.deepEqual(Object.keys(by).sort(), ['entered', 'left', 'never', 'stayed']);
  const strong = ['entered', 'left', 'stayed'];
  for (const a of strong) {
    for (const b of strong) if (a !== b) assert.ok(distance(by[a], by[b]) > 100, `${a} vs ${b}`);
    assert.ok(lum(by[a]) < 0.3, `${a} is a strong colour`);
    assert.ok(distance(by[a], by.never) > 150, `${a} vs never`);
  }
  assert.ok(lum(by.never) > 0.8, 'never is muted');
  assert.ok(distance(by.never, MISSING_COLOUR) > 20, 'never is not "no data"');
  const e = categoryExpression('s');
  assert.equal(e[0], 'match');
  assert.equal(e[e.indexOf('entered') + 1], by.entered);
  assert.equal(e[e.length - 1], MISSING_COLOUR);
  assert.deepEqual(categoryRows().map((r) => r.colour), TOP10.map((c) => c.colour));
});

test('the change layers are in the catalogue and drawn by their kind', () => {
  assert.equal(DIVERGING_LAYERS.length, 2, `decile changes in the catalogue: ${DIVERGING_LAYERS}`);
  assert.equal(STATUS_LAYERS.length, 2, `top-10% statuses in the catalogue: ${STATUS_LAYERS}`);
  for (const id of CHANGE_LAYERS) {
    const l = LAYERS.find((x) => x.id === id);
    assert.ok(l, id);
    assert.equal(l.group, 'change', id);
  }
  for (const id of DIVERGING_LAYERS) assert.equal(isDiverging({ id, kind: 'number' }), true);
  for (const id of STATUS_LAYERS) assert.equal(isCategorical({ id, kind: 'text' }), true);
  assert.equal(isCategorical({ id: LAYERS[0].id, kind: 'text' }), false);
  assert.equal(isDiverging({ id: LAYERS[0].id, kind: 'number' }), false);
});
