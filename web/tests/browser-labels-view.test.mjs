// Browser check of labels that scale: the page loads district and ward names at start and LSOA
// names only for the view once it is close in (`/api/labels?kind=lsoa&bbox=`), in the vintage
// shown; GP sites are muted outside the region by the server's `inside` flag. Names are checked
// against the official boundary files, boxes against the map's own view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launchBrowser, openPage, mapIdle, withTimeout, opendata } from './helpers/needsmap-server.mjs';

const official = (rel, code, name) => new Map(JSON.parse(fs.readFileSync(opendata(rel))).features.map((f) => [f.properties[code], f.properties[name]]));

let srv = null;
let browser = null;
let page = null;

before(async () => {
  srv = await startServer({ serve: ['--no-warm'] });
  browser = await launchBrowser();
  page = await openPage(browser, `${srv.base}/`);
  await page.waitForFunction(() => !!window.needsmap.map.getLayer('labels-lsoa'));
}, { timeout: 240000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    await srv?.stop();
  }
}, { timeout: 40000 });

const labelRequests = () => page.requests.filter((u) => u.startsWith(`${srv.base}/api/labels`)).map((u) => new URL(u));

async function goTo(view) {
  await page.evaluate((v) => window.needsmap.map.jumpTo(v), view);
  await withTimeout(page.evaluate(() => window.needsmap.labelsSettled()), 30000, 'LSOA names for the view');
  await mapIdle(page);
  return page.evaluate(() => {
    const m = window.needsmap.map;
    const b = m.getBounds();
    return {
      bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      lsoa: m.queryRenderedFeatures({ layers: ['labels-lsoa'] }).map((f) => f.properties),
      points: m.getSource('labels-lsoa-points').serialize().data,
    };
  });
}

test('at start only district and ward names are asked for, none at county zoom for LSOAs', { timeout: 60000 }, async () => {
  await goTo({ center: [-2.2, 51.85], zoom: 9 });
  const asked = labelRequests();
  assert.ok(asked.length >= 1, 'labels asked for');
  assert.deepEqual(asked.map((u) => u.searchParams.get('kind')), ['district,ward'], asked.join('\n'));
  assert.equal(asked[0].searchParams.get('vintage'), '2019');
});

test('close in, the LSOA names of the view load in a box around it and are official names', { timeout: 60000 }, async () => {
  const names = official('boundaries/lsoa11_bgc_gloucestershire.geojson', 'LSOA11CD', 'LSOA11NM');
  const got = await goTo({ center: [-2.245, 51.862], zoom: 14.5 });
  const lsoa = labelRequests().filter((u) => u.searchParams.get('kind') === 'lsoa');
  assert.equal(lsoa.length, 1, lsoa.join('\n'));
  const box = lsoa[0].searchParams.get('bbox').split(',').map(Number);
  const [w, s, e, n] = got.bounds;
  assert.ok(box[0] <= w && box[1] <= s && box[2] >= e && box[3] >= n, `box ${box} holds the view ${got.bounds}`);
  // only the box's names were loaded: a small share of the county's 373
  const loaded = got.points.features;
  assert.ok(loaded.length >= 5 && loaded.length < 120, `${loaded.length} LSOA names loaded`);
  for (const f of loaded) {
    const [x, y] = f.geometry.coordinates;
    assert.ok(x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3], JSON.stringify(f));
    assert.equal(names.get(f.properties.code), f.properties.name);
  }
  assert.ok(got.lsoa.length >= 2, `LSOA labels drawn: ${got.lsoa.map((p) => p.name)}`);
  // a small pan stays within what was loaded: no new request
  await goTo({ center: [-2.243, 51.861], zoom: 14.5 });
  assert.equal(labelRequests().filter((u) => u.searchParams.get('kind') === 'lsoa').length, 1);
});

test('switching to 2025 loads LSOA 2021 names for the view', { timeout: 120000 }, async () => {
  const names21 = official('boundaries/lsoa21_bgc_gloucestershire.geojson', 'LSOA21CD', 'LSOA21NM');
  await page.evaluate(() => window.needsmap.app.switchVintage('2025'));
  await page.waitForFunction(() => window.needsmap.state.vintage === '2025', null, { timeout: 90000 });
  const got = await goTo({ center: [-2.245, 51.862], zoom: 14.5 });
  const asked = labelRequests().filter((u) => u.searchParams.get('vintage') === '2025');
  assert.deepEqual(asked.map((u) => u.searchParams.get('kind')).sort(), ['district,ward', 'lsoa']);
  assert.ok(got.points.features.length >= 5);
  for (const f of got.points.features) assert.equal(names21.get(f.properties.code), f.properties.name, JSON.stringify(f.properties));
  assert.ok(got.lsoa.length >= 2 && got.lsoa.every((p) => names21.has(p.code)), `2025 LSOA labels drawn: ${got.lsoa.map((p) => p.name)}`);
});

test('GP sites outside the county are marked by the server and drawn muted', { timeout: 60000 }, async () => {
  await page.evaluate(() => window.needsmap.map.setLayoutProperty('gp-circles', 'visibility', 'visible'));
  const sites = await page.evaluate(() => window.needsmap.map.getSource('gp').serialize().data.features.map((f) => f.properties));
  const inside = sites.filter((p) => p.inside === true).length;
  const outside = sites.filter((p) => p.inside === false).length;
  assert.equal(inside + outside, sites.length, 'every site says inside or not');
  assert.ok(inside > 50 && outside > 0, `${inside} inside, ${outside} outside`);
  // the circle colour follows the flag
  const colour = await page.evaluate(() => window.needsmap.map.getPaintProperty('gp-circles', 'circle-color'));
  assert.ok(JSON.stringify(colour).includes('"inside"'), JSON.stringify(colour));
});
