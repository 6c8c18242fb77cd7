import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, toHash, DEFAULTS } from '../public/urlstate.js';
import { LAYER_IDS } from '../public/generated/layers.js';

test('defaults come from the layer catalogue', () => {
  assert.equal(DEFAULTS.layer, LAYER_IDS.IMD_DECILE);
  assert.deepEqual(parseHash(''), { ...DEFAULTS });
});

test('a state survives the hash round trip', () => {
  const s = {
    ...DEFAULTS, layer: LAYER_IDS.IMD_SCORE, district: 'E07000081', filter: 'imd_decile <= 1 and district = "A&B"',
    mode: 'car', minutes: 20, beyond: true, gp: false, area: 'E01022333', postcode: 'GL1 2EH', view: { zoom: 10.5, lat: 51.86, lon: -2.24 },
  };
  const back = parseHash(toHash(s));
  assert.deepEqual(back, s);
  assert.match(toHash(s), /map=10\.50\/51\.86000\/-2\.24000/);
});

test('malformed values fall back to the defaults', () => {
  const s = parseHash('#mode=plane&min=-3&area=nope&map=1/200/0&beyond=yes');
  assert.equal(s.mode, DEFAULTS.mode);
  assert.equal(s.minutes, DEFAULTS.minutes);
  assert.equal(s.area, '');
  assert.equal(s.view, null);
  assert.equal(s.beyond, false);
  assert.equal(toHash(DEFAULTS), `#layer=${DEFAULTS.layer}`);
});
