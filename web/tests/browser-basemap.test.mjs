// Browser check of `needsmap serve --basemap-style URL`: the style's layers are drawn under the
// choropleth, and the page tells which style it uses only because the server says so. The style is
// served from 127.0.0.1 by this test (with CORS, as a real tile host would), so nothing leaves the
// machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, launchBrowser, openPage, mapIdle, fetchJson, withTimeout } from './helpers/needsmap-server.mjs';

const WATER = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[-2.6, 51.7], [-2.2, 51.7], [-2.2, 51.9], [-2.6, 51.9], [-2.6, 51.7]]] } }] };
const STYLE = {
  version: 8,
  sources: { water: { type: 'geojson', data: 'water.geojson' } },
  layers: [
    { id: 'land', type: 'background', paint: { 'background-color': '#e4ecd9' } },
    { id: 'water', type: 'fill', source: 'water', paint: { 'fill-color': '#7fb2e0' } },
    { id: 'water-names', type: 'symbol', source: 'water', layout: { 'text-field': 'Severn' } },
  ],
};

let host = null;
let hostUrl = '';
let srv = null;
let browser = null;
let page = null;

before(async () => {
  host = http.createServer((req, res) => {
    const body = req.url === '/style.json' ? STYLE : req.url === '/water.geojson' ? WATER : null;
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body || { error: 'not found' }));
  });
  await new Promise((r) => host.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${host.address().port}`;
  srv = await startServer({ serve: ['--no-warm'], env: { NEEDSMAP_BASEMAP_STYLE: `${hostUrl}/style.json` } });
  browser = await launchBrowser();
  page = await openPage(browser, `${srv.base}/`);
}, { timeout: 240000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    await srv?.stop();
    host?.close();
  }
}, { timeout: 40000 });

test('the region document names the basemap style', async () => {
  const { body } = await fetchJson(`${srv.base}/api/region`);
  assert.equal(body.basemap_style, `${hostUrl}/style.json`);
});

test("the style's drawing layers sit under the choropleth; its labels are left out", { timeout: 60000 }, async () => {
  await page.waitForFunction(() => !!window.needsmap.map.getLayer('basemap:water'));
  await mapIdle(page);
  const got = await page.evaluate(() => {
    const m = window.needsmap.map;
    const ids = m.getStyle().layers.map((l) => l.id);
    return { ids, opacity: m.getPaintProperty('areas-fill', 'fill-opacity') };
  });
  const at = (id) => got.ids.indexOf(id);
  assert.ok(at('basemap:land') >= 0 && at('basemap:water') > at('basemap:land'), got.ids.join(','));
  assert.ok(at('basemap:water') < at('areas-fill'), 'under the choropleth');
  assert.equal(at('basemap:water-names'), -1);
  assert.equal(got.opacity, 0.72);
  const outside = page.requests.filter((u) => !u.startsWith('http://127.0.0.1:') && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(outside, []);
  assert.ok(page.requests.includes(`${hostUrl}/style.json`));
});
