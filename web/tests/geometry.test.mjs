import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bboxOf, boundsOf, extend, inPolygon, markInside } from '../public/geometry.js';

const square = (x, y, s) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const donut = { type: 'Polygon', coordinates: [square(0, 0, 10), square(4, 4, 2)] };

test('bboxOf walks features, collections and bare geometries', () => {
  assert.deepEqual(bboxOf(donut), [[0, 0], [10, 10]]);
  const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: donut }, { type: 'Feature', geometry: { type: 'Point', coordinates: [-3, 12] } }] };
  assert.deepEqual(bboxOf(fc), [[-3, 0], [10, 12]]);
  assert.deepEqual(bboxOf({ type: 'FeatureCollection', features: [] }), [[Infinity, Infinity], [-Infinity, -Infinity]]);
});

test('boundsOf and extend', () => {
  assert.deepEqual(boundsOf([1, 2, 3, 4]), [[1, 2], [3, 4]]);
  assert.equal(boundsOf([1, 2, 3]), null);
  assert.equal(boundsOf([1, 2, NaN, 4]), null);
  assert.deepEqual(extend([[0, 0], [1, 1]], [2, -1]), [[0, -1], [2, 1]]);
});

test('point in polygon honours holes, checked against a grid count', () => {
  let inside = 0;
  for (let x = 0.05; x < 10; x += 0.1) for (let y = 0.05; y < 10; y += 0.1) if (inPolygon([x, y], donut.coordinates)) inside++;
  // area 100 - 4 = 96 square units at 100 samples per unit
  assert.equal(inside, 9600);
});

test('GP sites are flagged inside or outside the districts', () => {
  const districts = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [donut.coordinates, [square(20, 20, 1)]] } }] };
  const gp = { type: 'FeatureCollection', features: [[1, 1], [5, 5], [20.5, 20.5], [15, 15]].map((c, i) => ({ type: 'Feature', properties: { code: `G${i}` }, geometry: { type: 'Point', coordinates: c } })) };
  const out = markInside(gp, districts);
  assert.deepEqual(out.features.map((f) => f.properties.inside), [true, false, true, false]);
  assert.equal(gp.features[0].properties.inside, undefined, 'the input is not changed');
});
