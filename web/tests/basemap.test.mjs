import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basemapParts, addBasemap, PREFIX } from '../public/basemap.js';

const style = {
  version: 8,
  glyphs: 'https://fonts.example.org/{fontstack}/{range}.pbf',
  sources: { osm: { type: 'vector', url: 'tiles.json' }, hill: { type: 'raster', tiles: ['/hill/{z}/{x}/{y}.png'], tileSize: 256 } },
  layers: [
    { id: 'bg', type: 'background', paint: { 'background-color': '#eee' } },
    { id: 'water', type: 'fill', source: 'osm', 'source-layer': 'water', paint: { 'fill-color': '#9cf' } },
    { id: 'park', type: 'fill', source: 'osm', 'source-layer': 'park', paint: { 'fill-pattern': 'dots' } },
    { id: 'roads', type: 'line', source: 'osm', 'source-layer': 'roads' },
    { id: 'hills', type: 'raster', source: 'hill' },
    { id: 'names', type: 'symbol', source: 'osm', 'source-layer': 'place', layout: { 'text-field': '{name}' } },
  ],
};

test('drawing layers are taken with prefixed ids; labels and sprite patterns are not', () => {
  const { sources, layers } = basemapParts(style, 'https://maps.example.org/styles/base/style.json');
  assert.deepEqual(layers.map((l) => l.id), ['bg', 'water', 'roads', 'hills'].map((id) => PREFIX + id));
  assert.ok(layers.every((l) => !l.source || l.source.startsWith(PREFIX)));
  assert.equal(sources[`${PREFIX}osm`].url, 'https://maps.example.org/styles/base/tiles.json');
  assert.deepEqual(sources[`${PREFIX}hill`].tiles, ['https://maps.example.org/hill/{z}/{x}/{y}.png']);
  assert.throws(() => basemapParts({ version: 7, layers: [] }, 'https://x/'), /version 8/);
});

test('addBasemap puts every layer below the one named', async () => {
  const calls = [];
  const map = { addSource: (id) => calls.push(['source', id]), addLayer: (l, before) => calls.push(['layer', l.id, before]) };
  const fetchFn = async () => ({ ok: true, json: async () => style });
  assert.equal(await addBasemap(map, 'https://maps.example.org/style.json', 'areas-fill', fetchFn), 4);
  assert.ok(calls.filter((c) => c[0] === 'layer').every((c) => c[2] === 'areas-fill'));
  await assert.rejects(addBasemap(map, 'https://x/s.json', 'a', async () => ({ ok: false, status: 404 })), /HTTP 404/);
});
