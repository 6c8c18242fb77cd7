import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryBreaks, colourFor, colourise, clickThrough, profileHref, showMeasure, summaryUrl, SUMMARY_COLOURS, NO_VALUE_COLOUR, MEASURES } from '../public/summary.js';

test('breaks are ascending quantiles of the values present', () => {
  assert.deepEqual(summaryBreaks([null, 5, 1, 3, 2, 4, 6], 3), [3, 5]);
  assert.deepEqual(summaryBreaks([7, 7, 7], 3), [7]);
  assert.deepEqual(summaryBreaks([null, NaN]), []);
});

test('colours run light to dark and missing is grey', () => {
  const b = [3, 5];
  assert.equal(colourFor(1, b), SUMMARY_COLOURS[0]);
  assert.equal(colourFor(9, b), SUMMARY_COLOURS[SUMMARY_COLOURS.length - 1]);
  assert.equal(colourFor(null, b), NO_VALUE_COLOUR);
  const { data } = colourise({ type: 'FeatureCollection', features: [{ properties: { x: 1 } }, { properties: { x: null } }, { properties: { x: 9 } }] }, 'x');
  assert.equal(data.features[1].properties._colour, NO_VALUE_COLOUR);
  assert.notEqual(data.features[0].properties._colour, data.features[2].properties._colour);
});

test('a row click goes to its LSOAs: districts choose, wards and MSOAs filter', () => {
  assert.deepEqual(clickThrough('district', { code: 'E07000081' }), { district: 'E07000081', filter: '', area: '' });
  assert.deepEqual(clickThrough('ward', { code: 'E05010696' }), { filter: 'ward = "E05010696"', area: '' });
  assert.deepEqual(clickThrough('msoa', { code: 'E02004600' }), { filter: 'msoa = "E02004600"', area: '' });
  assert.equal(profileHref('ward', { code: 'E05010696' }), '/profile/ward/E05010696');
  assert.equal(profileHref('msoa', { code: 'E02004600' }), null);
});

test('figures are shown as people read them', () => {
  assert.equal(showMeasure(0.1234, 'share'), '12.3%');
  assert.equal(showMeasure(12345.4, 'count'), '12,345');
  assert.equal(showMeasure(null, 'count'), '–');
  assert.equal(summaryUrl('ward', 30, 'geojson'), '/api/summary?by=ward&minutes=30&format=geojson');
  assert.ok(MEASURES.every((m) => m.id && m.label && m.kind));
});
