import { test } from 'node:test';
import assert from 'node:assert/strict';
import { staticSource, parseStaticConfig, resolveUrl, loadStaticConfig, archiveFields, archiveRegion, staticLayers } from '../public/static.js';
import { LAYERS } from '../public/generated/layers.js';

const PAGE = 'https://maps.example.org/needs/index.html';

test('the query string chooses static mode', () => {
  assert.equal(staticSource(''), null);
  assert.equal(staticSource('?layer=x'), null);
  assert.deepEqual(staticSource('?pmtiles=data/areas.pmtiles'), { pmtiles: 'data/areas.pmtiles' });
  assert.deepEqual(staticSource('?static'), { config: 'static.json' });
  assert.deepEqual(staticSource('?static=cfg/england.json'), { config: 'cfg/england.json' });
});

test('URLs resolve against the config and only http(s) is accepted', () => {
  assert.equal(resolveUrl('areas.pmtiles', PAGE, 'pmtiles'), 'https://maps.example.org/needs/areas.pmtiles');
  assert.equal(resolveUrl('/t/a.pmtiles', PAGE, 'pmtiles'), 'https://maps.example.org/t/a.pmtiles');
  assert.throws(() => resolveUrl('javascript:alert(1)', PAGE, 'pmtiles'), /"pmtiles" must be an http\(s\) URL, not javascript:/);
  assert.throws(() => resolveUrl('', PAGE, 'pmtiles'), /"pmtiles" must be a URL/);
  assert.throws(() => resolveUrl(5, PAGE, 'districts'), /"districts" must be a URL \(text\), got 5/);
});

test('a static config is checked field by field', () => {
  const cfg = parseStaticConfig({ pmtiles: 'a.pmtiles', districts: 'd.geojson', region: { name: 'England' }, layers: { layers: [{ id: 'imd_decile', title: 'IMD' }] } }, 'https://h/x/static.json');
  assert.deepEqual(cfg.archives, [{ pmtiles: 'https://h/x/a.pmtiles', vintage: null }]);
  assert.equal(cfg.districts, 'https://h/x/d.geojson');
  assert.equal(cfg.region.name, 'England');
  assert.deepEqual(cfg.layers.map((l) => l.id), ['imd_decile']);
  assert.throws(() => parseStaticConfig([], PAGE), /expected a JSON object/);
  assert.throws(() => parseStaticConfig({}, PAGE), /"pmtiles" must be a URL/);
  assert.throws(() => parseStaticConfig({ pmtiles: 'a', layers: 3 }, PAGE), /"layers" must be a list/);
  assert.throws(() => parseStaticConfig({ pmtiles: 'a', layers: [{ id: 'x' }] }, PAGE), /layers\[0\] needs a text "id" and "title"/);
  assert.throws(() => parseStaticConfig({ pmtiles: 'a', region: {} }, PAGE), /"region" needs a "name"/);
});

test('loading a config: from ?pmtiles=, or fetched relative to the page', async () => {
  assert.equal((await loadStaticConfig({ pmtiles: 'x.pmtiles' }, PAGE)).archives[0].pmtiles, 'https://maps.example.org/needs/x.pmtiles');
  const asked = [];
  const fetchFn = async (url) => {
    asked.push(url);
    return url.endsWith('static.json') ? { ok: true, json: async () => ({ pmtiles: 'tiles/a.pmtiles' }) } : { ok: false, status: 404 };
  };
  assert.equal((await loadStaticConfig(null, PAGE, fetchFn)).archives[0].pmtiles, 'https://maps.example.org/needs/tiles/a.pmtiles');
  assert.deepEqual(asked, ['https://maps.example.org/needs/static.json']);
  await assert.rejects(loadStaticConfig({ config: 'nope.json' }, PAGE, fetchFn), /nope\.json: HTTP 404/);
  const notJson = async () => ({ ok: true, json: async () => { throw new SyntaxError('x'); } });
  await assert.rejects(loadStaticConfig(null, PAGE, notJson), /is not JSON/);
});

test('the layers of a static map are those its tiles carry', () => {
  const meta = { vector_layers: [{ id: 'areas', fields: { code: 'String', imd_decile: 'Number', imd_score: 'Number' } }] };
  const fields = archiveFields(meta);
  assert.deepEqual(fields, ['code', 'imd_decile', 'imd_score']);
  const rows = staticLayers({ catalogue: LAYERS, fields });
  assert.deepEqual(rows.map((l) => l.id), ['imd_score', 'imd_decile']);
  assert.equal(rows[0].title, LAYERS.find((l) => l.id === 'imd_score').title);
  // a config's own layer list wins; an archive without field metadata keeps every layer
  assert.deepEqual(staticLayers({ configLayers: [{ id: 'imd_decile', title: 'D', breaks: [1] }], catalogue: LAYERS, fields }).map((l) => l.id), ['imd_decile']);
  assert.equal(staticLayers({ catalogue: LAYERS, fields: [] }).length, LAYERS.length);
});

test('archives from `needsmap export pmtiles`: the exported layers and the region id', () => {
  // the exporter writes the server's TileJSON (fields = every id ?layers= accepts) plus `layers`
  const meta = {
    name: 'needsmap areas (gloucestershire)',
    vector_layers: [{ id: 'areas', fields: Object.fromEntries(LAYERS.map((l) => [l.id, 'Number'])) }],
    layers: 'imd_decile, idaci_decile',
  };
  assert.deepEqual(archiveFields(meta), ['code', 'imd_decile', 'idaci_decile']);
  assert.deepEqual(staticLayers({ catalogue: LAYERS, fields: archiveFields(meta) }).map((l) => l.id), ['imd_decile', 'idaci_decile']);
  assert.deepEqual(archiveFields({ layers: ['a'] }), ['code', 'a']);
  assert.deepEqual(archiveRegion(meta), { id: 'gloucestershire', name: null });
  assert.deepEqual(archiveRegion({ region: { id: 'england', name: 'England' } }), { id: 'england', name: 'England' });
  assert.equal(archiveRegion({ name: 'something else' }), null);
});
