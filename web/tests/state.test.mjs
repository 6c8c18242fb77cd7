import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduce, changedKeys, normalise, createStore } from '../public/state.js';
import { DEFAULTS } from '../public/urlstate.js';

const s0 = Object.freeze({ ...DEFAULTS });

test('reduce returns the same object when nothing changes', () => {
  assert.equal(reduce(s0, {}), s0);
  assert.equal(reduce(s0, { layer: s0.layer }), s0);
  assert.equal(reduce(s0, null), s0);
  const v = reduce(s0, { view: { zoom: 9, lat: 51.8, lon: -2.2 } });
  // views compare by value, not identity
  assert.equal(reduce(v, { view: { zoom: 9, lat: 51.8, lon: -2.2 } }), v);
});

test('reduce applies object and function patches, freezing the result', () => {
  const a = reduce(s0, { filter: 'imd_decile <= 1' });
  assert.notEqual(a, s0);
  assert.equal(a.filter, 'imd_decile <= 1');
  assert.equal(s0.filter, '', 'the old state is untouched');
  assert.ok(Object.isFrozen(a));
  const b = reduce(a, (s) => ({ minutes: s.minutes + 5 }));
  assert.equal(b.minutes, DEFAULTS.minutes + 5);
  assert.deepEqual(changedKeys(s0, b), ['filter', 'minutes']);
});

test('reduce rejects fields the state does not have', () => {
  assert.throws(() => reduce(s0, { layr: 'x' }), /unknown state field "layr"/);
});

test('normalise falls back to what the server offers', () => {
  const ctx = { layers: ['imd_decile', 'imd_score'], defaultLayer: 'imd_decile', districts: ['E07000078'], modes: ['car'] };
  const bad = reduce(s0, { layer: 'nope', district: 'E99999999', mode: 'walk' });
  const n = normalise(bad, ctx);
  assert.equal(n.layer, 'imd_decile');
  assert.equal(n.district, '');
  assert.equal(n.mode, 'car');
  const good = reduce(s0, { layer: 'imd_score', district: 'E07000078', mode: 'car' });
  assert.equal(normalise(good, ctx), good);
  // no default layer on offer: the first one
  assert.equal(normalise(bad, { ...ctx, layers: ['imd_score'] }).layer, 'imd_score');
});

test('setState renders once per change, with the changed keys and the reason', () => {
  const calls = [];
  const store = createStore(DEFAULTS, (next, prev, changed, how) => calls.push({ next, prev, changed: [...changed], how }));
  assert.deepEqual(store.setState({ district: 'E07000081', filter: 'x' }, { fromHash: true }), ['district', 'filter']);
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].changed, ['district', 'filter']);
  assert.deepEqual(calls[0].how, { fromHash: true });
  assert.equal(calls[0].prev.district, '');
  assert.equal(store.state.district, 'E07000081');
  store.setState({ district: 'E07000081' });
  assert.equal(calls.length, 1, 'no render without a change');
});
