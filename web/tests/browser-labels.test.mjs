// Browser check of the place names: district, ward and LSOA labels drawn with glyphs from the
// needsmap server itself, names checked against the official boundary files, and no request
// leaving 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, openPage, mapIdle, fetchJson, withTimeout, REPO, WEB } from './helpers/needsmap-server.mjs';

const opendata = (rel) => path.join(process.env.NEEDSMAP_MIRROR || path.join(REPO, '..', 'shared', 'opendata'), rel);
const names = (rel, key) => new Set(JSON.parse(fs.readFileSync(opendata(rel))).features.map((f) => f.properties[key]));

let srv = null;
let browser = null;
let page = null;

before(async () => {
  srv = await startServer({ serve: ['--no-warm'] });
  browser = await launchBrowser();
  page = await openPage(browser, `${srv.base}/`);
  await page.waitForFunction(() => !!window.needsmap.map.getLayer('labels-district'));
}, { timeout: 240000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    await srv?.stop();
  }
}, { timeout: 40000 });

async function drawn(layer, view) {
  await page.evaluate((v) => window.needsmap.map.jumpTo(v), view);
  await withTimeout(page.evaluate(() => window.needsmap.labelsSettled()), 30000, 'LSOA names for the view');
  await mapIdle(page);
  return page.evaluate((l) => [...new Set(window.needsmap.map.queryRenderedFeatures({ layers: [l] }).map((f) => f.properties.name))], layer);
}

test('district names are drawn at county zoom, as the official district names', { timeout: 60000 }, async () => {
  const official = names('boundaries/lad_gloucestershire_dissolved_from_lsoa11_bgc.geojson', 'LAD19NM');
  const got = await drawn('labels-district', { center: [-2.2, 51.85], zoom: 8.6 });
  assert.ok(got.length >= 5, `district labels drawn: ${got}`);
  assert.deepEqual(got.filter((n) => !official.has(n)), []);
  fs.mkdirSync(path.join(WEB, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: path.join(WEB, 'test-artifacts', 'labels-county.png') });
});

test('ward names from town zoom, LSOA names close in', { timeout: 60000 }, async () => {
  const wards = names('boundaries/wards_wd25_bgc_gloucestershire.geojson', 'WD25NM');
  const w = await drawn('labels-ward', { center: [-2.245, 51.862], zoom: 12 });
  assert.ok(w.length >= 3, `ward labels drawn: ${w}`);
  assert.deepEqual(w.filter((n) => !wards.has(n)), []);
  const lsoas = names('boundaries/lsoa11_bgc_gloucestershire.geojson', 'LSOA11NM');
  const l = await drawn('labels-lsoa', { center: [-2.245, 51.862], zoom: 14.5 });
  assert.ok(l.length >= 2, `LSOA labels drawn: ${l}`);
  assert.deepEqual(l.filter((n) => !lsoas.has(n)), []);
  await page.screenshot({ path: path.join(WEB, 'test-artifacts', 'labels-gloucester.png') });
});

test('glyphs come from this server and no request leaves 127.0.0.1', async () => {
  const glyphs = page.requests.filter((u) => u.includes('/glyphs/'));
  assert.ok(glyphs.length >= 2, `glyph requests: ${glyphs}`);
  assert.ok(glyphs.every((u) => u.startsWith(`${srv.base}/glyphs/`)), glyphs.join('\n'));
  const { status } = await fetchJson(`${srv.base}/api/labels`);
  assert.equal(status, 200);
  const outside = page.requests.filter((u) => !u.startsWith(srv.base) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(outside, []);
});
