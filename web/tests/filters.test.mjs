import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quote, combinedWhere, presets, sortFor, beyondFilter, REGION_DECILE } from '../public/filters.js';
import { filterCaret } from '../public/messages.js';
import { LAYERS } from '../public/generated/layers.js';

test('text literals escape quotes and backslashes', () => {
  assert.equal(quote('Kings "Lynn"\\x'), '"Kings \\"Lynn\\"\\\\x"');
});

test('a district clause goes in front of the filter, and error columns map back', () => {
  assert.deepEqual(combinedWhere('', '  imd_decile <= 1 '), { where: 'imd_decile <= 1', prefixLen: 0 });
  assert.deepEqual(combinedWhere('Stroud', ''), { where: 'district = "Stroud"', prefixLen: 0 });
  const user = 'imd_decile <== 1';
  const { where, prefixLen } = combinedWhere('Forest of Dean', user);
  assert.equal(where, 'district = "Forest of Dean" and (imd_decile <== 1)');
  // the server reports the column in the text it saw; the user sees their own column
  const sentColumn = where.indexOf('<==') + 2; // 1-based column of the second '='
  const c = filterCaret(where, sentColumn, prefixLen);
  assert.equal(c.text, user);
  assert.equal(user[c.column - 1], '=');
  assert.equal(c.column, user.indexOf('<==') + 2);
  assert.ok(c.moved);
});

test('presets name the region and use catalogue layer ids', () => {
  const p = presets('Cumbria');
  assert.equal(p.region.label, 'Top 10% within Cumbria');
  assert.match(p.region.filter, new RegExp(`^${REGION_DECILE} <= 1$`));
  const ids = new Set(LAYERS.map((l) => l.id));
  for (const x of Object.values(p)) assert.ok(ids.has(x.filter.split(' ')[0]), `${x.filter} uses a catalogue id`);
});

test('lists sort worst first', () => {
  assert.equal(sortFor({ id: 'imd_score', direction: 'higher_is_worse' }), 'imd_score:desc');
  assert.equal(sortFor({ id: 'imd_rank', direction: 'lower_is_worse' }), 'imd_rank');
  assert.equal(sortFor({ id: 'population', direction: 'neutral' }), 'population:desc');
  assert.equal(sortFor(undefined), '');
  assert.equal(beyondFilter('gp_walk_min', 45), 'gp_walk_min > 45');
});
