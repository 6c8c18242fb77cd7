import { test } from 'node:test';
import assert from 'node:assert/strict';
import { glyphsUrl, labelLayers, LABEL_SOURCE, FONT, FONT_BOLD } from '../public/labels.js';

test("glyphs come from the page's own server, with the template intact", () => {
  assert.equal(glyphsUrl('http://127.0.0.1:8080/some/page?x=1#a=b'), 'http://127.0.0.1:8080/glyphs/{fontstack}/{range}.pbf');
});

test('districts, wards and LSOAs are labelled at rising zooms with the served fonts', () => {
  const [lsoa, ward, district] = labelLayers();
  assert.ok([lsoa, ward, district].every((l) => l.source === LABEL_SOURCE && l.type === 'symbol'));
  assert.deepEqual([lsoa.filter[2], ward.filter[2], district.filter[2]], ['lsoa', 'ward', 'district']);
  assert.ok(lsoa.minzoom > ward.minzoom && district.maxzoom <= ward.maxzoom);
  for (const l of [lsoa, ward]) assert.deepEqual(l.layout['text-font'], [FONT]);
  assert.deepEqual(district.layout['text-font'], [FONT_BOLD]);
});
