// Browser check of the place names: district, ward and LSOA labels drawn with glyphs from the
// needsmap server itself; district and ward names loaded at start, LSOA names only for the view
// once it is close in (`/api/labels?kind=lsoa&bbox=`), in the vintage shown; GP sites muted
// outside the region by the server's `inside` flag. Names are checked against the official
// boundary files, boxes against the map's own view, and no request leaves 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, openPage, mapIdle, fetchJson, withTimeout, opendata, WEB } from './helpers/needsmap-server.mjs';

const geojson = (rel) => JSON.parse(fs.readFileSync(opendata(rel)));
const official = (rel, code, name) => new Map(geojson(rel).features.map((f) => [f.properties[code], f.properties[name]]));
const names = (rel, key) => new Set(geojson(rel).features.map((f) => f.properties[key]));

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

/** Moves the map, waits for the view's LSOA names and the draw; what is drawn and loaded then. */
async function goTo(view) {
  await page.evaluate((v) => window.needsmap.map.jumpTo(v), view);
  await withTimeout(page.evaluate(() => window.needsmap.labelsSettled()), 30000, 'LSOA names for the view');
  await mapIdle(page);
  return page.evaluate(() => {
    const m = window.needsmap.map;
    const b = m.getBounds();
    const drawn = (layer) => m.queryRenderedFeatures({ layers: [layer] }).map((f) => f.properties);
    return {
      bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
      district: drawn('labels-district'),
      ward: drawn('labels-ward'),
      lsoa: drawn('labels-lsoa'),
      points: m.getSource('labels-lsoa-points').serialize().data,
    };
  });
}

const uniqueNames = (props) => [...new Set(props.map((p) => p.name))];

// first: it counts the label requests since the page was loaded
test('at start only district and ward names are asked for, none at county zoom for LSOAs', { timeout: 60000 }, async () => {
  await goTo({ center: [-2.2, 51.85], zoom: 9 });
  const asked = labelRequests();
  assert.ok(asked.length >= 1, 'labels asked for');
  assert.deepEqual(asked.map((u) => u.searchParams.get('kind')), ['district,ward'], asked.join('\n'));
  assert.equal(asked[0].searchParams.get('vintage'), '2019');
});

test('district names are drawn at county zoom, as the official district names', { timeout: 60000 }, async () => {
  const officialNames = names('boundaries/lad_gloucestershire_dissolved_from_lsoa11_bgc.geojson', 'LAD19NM');
  const got = uniqueNames((await goTo({ center: [-2.2, 51.85], zoom: 8.6 })).district);
  assert.ok(got.length >= 5, `district labels drawn: ${got}`);
  assert.deepEqual(got.filter((n) => !officialNames.has(n)), []);
  fs.mkdirSync(path.join(WEB, 'test-artifacts'), { recursive: true });
  await page.screenshot({ path: path.join(WEB, 'test-artifacts', 'labels-county.png') });
});

test('close in, the LSOA names of the view load in a box around it and are official names', { timeout: 60000 }, async () => {
  const lsoaNames = official('boundaries/lsoa11_bgc_gloucestershire.geojson', 'LSOA11CD', 'LSOA11NM');
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
    assert.equal(lsoaNames.get(f.properties.code), f.properties.name);
  }
  assert.ok(got.lsoa.length >= 2, `LSOA labels drawn: ${got.lsoa.map((p) => p.name)}`);
  // a small pan stays within what was loaded: no new request
  await goTo({ center: [-2.243, 51.861], zoom: 14.5 });
  assert.equal(labelRequests().filter((u) => u.searchParams.get('kind') === 'lsoa').length, 1);
});

test('ward names from town zoom, LSOA names close in', { timeout: 60000 }, async () => {
  const wards = names('boundaries/wards_wd25_bgc_gloucestershire.geojson', 'WD25NM');
  const w = uniqueNames((await goTo({ center: [-2.245, 51.862], zoom: 12 })).ward);
  assert.ok(w.length >= 3, `ward labels drawn: ${w}`);
  assert.deepEqual(w.filter((n) => !wards.has(n)), []);
  const lsoas = names('boundaries/lsoa11_bgc_gloucestershire.geojson', 'LSOA11NM');
  const l = uniqueNames((await goTo({ center: [-2.245, 51.862], zoom: 14.5 })).lsoa);
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

/** The point lies in the ring (even-odd ray casting; lon/lat taken as planar). */
function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The point lies in the (Multi)Polygon: in an outer ring and none of its holes. */
function inGeometry(pt, g) {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polygons.some(([outer, ...holes]) => inRing(pt, outer) && !holes.some((h) => inRing(pt, h)));
}

test('GP sites are marked inside the county as the official district polygons say, and drawn muted outside', { timeout: 60000 }, async () => {
  const districts = geojson('boundaries/lad_gloucestershire_dissolved_from_lsoa11_bgc.geojson').features;
  const sites = await page.evaluate(() => window.needsmap.map.getSource('gp').serialize().data.features);
  const county = (f) => districts.some((d) => inGeometry(f.geometry.coordinates, d.geometry));
  const inside = sites.filter((f) => county(f));
  const outside = sites.filter((f) => !county(f));
  assert.ok(inside.length > 50 && outside.length > 0, `${inside.length} sites in the county's districts, ${outside.length} outside`);
  // every site's flag agrees with the official polygons
  const wrong = sites.filter((f) => f.properties.inside !== county(f)).map((f) => `${f.properties.code} ${f.properties.name} inside=${f.properties.inside}`);
  assert.deepEqual(wrong, []);
  // the circle colour follows the flag
  const colour = await page.evaluate(() => window.needsmap.map.getPaintProperty('gp-circles', 'circle-color'));
  assert.ok(JSON.stringify(colour).includes('"inside"'), JSON.stringify(colour));
});

// last: it changes the vintage shown
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
