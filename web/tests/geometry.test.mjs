import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bboxOf, boundsOf, extend } from '../public/geometry.js';

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
