import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getJson, query, latest, isAbort, tileUrl, absoluteTemplate, ApiError, SUPERSEDED } from '../public/api.js';

const reply = (status, body, statusText = '') => async () => ({ ok: status < 400, status, statusText, text: async () => (typeof body === 'string' ? body : JSON.stringify(body)) });

test('query strings leave out empty values and encode spaces as %20', () => {
  assert.equal(query({ where: 'district = "A B"', sort: '', limit: 0, format: undefined }), '?where=district%20%3D%20%22A%20B%22&limit=0');
  assert.equal(query({}), '');
});

test('tile URLs ask for the drawn layers and the filter', () => {
  const t = 'http://h/tiles/areas/{z}/{x}/{y}.mvt';
  assert.equal(tileUrl(t, { layers: ['imd_decile'] }), 'http://h/tiles/areas/{z}/{x}/{y}.mvt?layers=imd_decile');
  assert.equal(tileUrl(t, { layers: ['a', null, 'b'], where: 'x > 1' }), 'http://h/tiles/areas/{z}/{x}/{y}.mvt?layers=a%2Cb&where=x%20%3E%201');
  assert.equal(tileUrl(`${t}?v=2`, { layers: ['a'] }), `${t}?v=2&layers=a`);
  assert.equal(tileUrl(t), t);
});

test('relative TileJSON templates resolve against the page, braces intact', () => {
  const page = 'https://maps.example.org/needs/index.html?x=1';
  assert.equal(absoluteTemplate('/tiles/areas/{z}/{x}/{y}.mvt', page), 'https://maps.example.org/tiles/areas/{z}/{x}/{y}.mvt');
  assert.equal(absoluteTemplate('tiles/{z}/{x}/{y}.mvt', page), 'https://maps.example.org/needs/tiles/{z}/{x}/{y}.mvt');
  assert.equal(absoluteTemplate('http://h:8080/tiles/areas/{z}/{x}/{y}.mvt', page), 'http://h:8080/tiles/areas/{z}/{x}/{y}.mvt');
});

test('getJson turns answers into values or ApiErrors', async () => {
  assert.deepEqual(await getJson('/x', { fetchFn: reply(200, { a: 1 }) }), { a: 1 });
  const bad = await getJson('/x', { fetchFn: reply(400, { error: 'bad_filter', detail: 'column 3: oops', column: 3 }) }).catch((e) => e);
  assert.ok(bad instanceof ApiError);
  assert.deepEqual([bad.kind, bad.status, bad.code, bad.detail, bad.column], ['http', 400, 'bad_filter', 'column 3: oops', 3]);
  const plain = await getJson('/x', { fetchFn: reply(502, '<html>', 'Bad Gateway') }).catch((e) => e);
  assert.equal(plain.detail, 'The server answered 502 Bad Gateway.');
  const parse = await getJson('/x', { fetchFn: reply(200, 'not json') }).catch((e) => e);
  assert.equal(parse.kind, 'parse');
  const net = await getJson('/x', { fetchFn: async () => { throw new TypeError('fetch failed'); } }).catch((e) => e);
  assert.equal(net.kind, 'network');
  assert.match(net.detail, /cannot be reached \(fetch failed\)/);
});

test('latest(): a newer run aborts the older one, whose result is never used', async () => {
  const req = latest();
  const seen = [];
  const slow = (name, ms) => (signal) => new Promise((res, rej) => {
    const t = setTimeout(() => res(name), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      seen.push(`${name} aborted`);
      rej(signal.reason);
    });
  });
  const first = req.run(slow('first', 50)).catch((x) => x);
  const second = req.run(slow('second', 5));
  assert.equal(await second, 'second');
  const e = await first;
  assert.equal(e, SUPERSEDED);
  assert.ok(isAbort(e));
  assert.deepEqual(seen, ['first aborted']);
  // a run whose function ignores the signal is still rejected when superseded
  const ignoring = req.run(() => new Promise((r) => setTimeout(() => r('late'), 20))).catch((x) => x);
  req.abort();
  assert.equal(await ignoring, SUPERSEDED);
  assert.ok(!isAbort(new Error('other')));
});

test('getJson passes the abort reason of a superseded request through', async () => {
  const ctl = new AbortController();
  const p = getJson('/x', { signal: ctl.signal, fetchFn: (url, { signal }) => new Promise((_, rej) => signal.addEventListener('abort', () => rej(signal.reason))) });
  ctl.abort(SUPERSEDED);
  assert.equal(await p.catch((e) => e), SUPERSEDED);
});
