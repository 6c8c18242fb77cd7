import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fmt from '../public/format.js';

test('counts use thousands separators and never say -0', () => {
  assert.equal(fmt.count(18900), '18,900');
  assert.equal(fmt.count(-0), '0');
  assert.equal(fmt.count(undefined), '–');
});

test('values follow their unit', () => {
  assert.equal(fmt.value(0.2345, 'rate'), '23.5%');
  assert.equal(fmt.value(52.34, 'minutes'), '52.3');
  assert.equal(fmt.value(3, 'decile'), '3');
  assert.equal(fmt.value(12.3456, 'score'), '12.35');
  assert.equal(fmt.value(null, 'score'), 'no data');
  assert.equal(fmt.withUnit(52.34, 'minutes'), '52.3 min');
  assert.equal(fmt.withUnit(1, 'decile'), 'decile 1');
  assert.equal(fmt.withUnit(undefined, 'minutes'), 'no data');
});

test('names in capitals are title-cased; plurals', () => {
  assert.equal(fmt.titleCase('THE SURGERY, STROUD'), 'The Surgery, Stroud');
  assert.equal(fmt.titleCase('McTimoney Practice'), 'McTimoney Practice');
  assert.equal(fmt.plural(1, 'area'), 'area');
  assert.equal(fmt.plural(0, 'area'), 'areas');
});
