import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classes, classOf, colourExpression, endWords, quantileBreaks, legendRows, MISSING_COLOUR } from '../public/classify.js';

/** Evaluates the small subset of MapLibre expressions colourExpression writes (an oracle). */
function evaluate(expr, props) {
  const [op, ...a] = expr;
  switch (op) {
    case 'case': {
      for (let i = 0; i + 1 < a.length; i += 2) if (evaluate(a[i], props)) return a[i + 1];
      return a[a.length - 1];
    }
    case '!': return !evaluate(a[0], props);
    case 'has': return a[0] in props;
    case 'get': return props[a[0]];
    case 'to-number': return Number(evaluate(a[0], props));
    case '<=': return evaluate(a[0], props) <= a[1];
    case '<': return evaluate(a[0], props) < a[1];
    default: throw new Error(`op ${op}`);
  }
}

const decile = { id: 'imd_decile', unit: 'decile', direction: 'lower_is_worse', group: 'deprivation', breaks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], min: 1, max: 10 };
const score = { id: 'imd_score', unit: 'score', direction: 'higher_is_worse', group: 'deprivation', breaks: [5, 10, 20, 40, 70], min: 1.2, max: 70 };
const lower = { id: 'x', unit: 'minutes', direction: 'higher_is_worse', group: 'gp_access', breaks: [0, 10, 20, 30], min: 0, max: 55 };

test('deciles get one class per value, decile 1 darkest when lower is worse', () => {
  const c = classes(decile);
  assert.equal(c.length, 10);
  assert.deepEqual(c.map((x) => x.label), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  const lum = (h) => parseInt(h.slice(1, 3), 16) + parseInt(h.slice(3, 5), 16) + parseInt(h.slice(5, 7), 16);
  assert.ok(lum(c[0].colour) < lum(c[9].colour), 'decile 1 is darker than decile 10');
});

test('upper-bound and lower-bound breaks are both read', () => {
  assert.deepEqual(classes(score).map((x) => x.label), ['up to 5', 'over 5 to 10', 'over 10 to 20', 'over 20 to 40', 'over 40 to 70']);
  assert.deepEqual(classes(lower).map((x) => x.label), ['0.0 to under 10.0', '10.0 to under 20.0', '20.0 to under 30.0', '30.0 or more']);
});

test('the map expression and classOf put every value in the same class', () => {
  for (const layer of [decile, score, lower]) {
    const cls = classes(layer);
    const expr = colourExpression(layer.id, cls);
    for (let v = -1; v <= 80; v += 0.25) {
      const i = classOf(cls, v);
      assert.equal(evaluate(expr, { [layer.id]: v }), cls[i].colour, `${layer.id} = ${v}`);
    }
    assert.equal(evaluate(expr, {}), MISSING_COLOUR, 'a missing value is grey');
    assert.equal(classOf(cls, undefined), -1);
  }
});

test('legend rows name the worse end by direction', () => {
  assert.deepEqual(endWords(decile), ['most deprived 10%', 'least deprived 10%']);
  assert.deepEqual(endWords(score), ['better', 'worse']);
  assert.deepEqual(endWords({ group: 'population', direction: 'neutral' }), ['fewer', 'more']);
  const rows = legendRows(score, classes(score));
  assert.equal(rows[0].end, 'better');
  assert.equal(rows[rows.length - 1].end, 'worse');
  assert.ok(rows.slice(1, -1).every((r) => r.end === ''));
});

test('quantile breaks cut values into equal-count classes', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1).reverse();
  assert.deepEqual(quantileBreaks(values, 4), [25, 50, 75, 100]);
  // ties collapse, missing values are ignored
  assert.deepEqual(quantileBreaks([1, 1, 1, 1, 2, null, undefined, NaN], 4), [1, 2]);
  assert.deepEqual(quantileBreaks([], 5), []);
  // each class holds about a quarter of a skewed sample (checked by counting)
  const skew = Array.from({ length: 400 }, (_, i) => (i * 7919) % 1000 ** 1.3);
  const b = quantileBreaks(skew, 4);
  const counts = b.map((x, i) => skew.filter((v) => v <= x && (i === 0 || v > b[i - 1])).length);
  assert.ok(counts.every((n) => Math.abs(n - 100) <= 1), `counts ${counts}`);
});
