// Browser test of the vintage switch and the change view: the real `needsmap serve`, Debian's
// chromium. Expected answers are computed HERE from the official files (IoD2025 on LSOA 2021,
// IoD2019 on LSOA 2011 and the 2011→2021 lookup), never taken from the server.
//
// Run from web/:  NEEDSMAP_BIN=../target/release/needsmap node --test tests/browser-vintage.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, startServer, fetchJson, launchBrowser, openPage, ready, mapIdle, withTimeout, readCsv, GLOUCESTERSHIRE_LADS } from './helpers/needsmap-server.mjs';

const STEP_MS = 60000;
const IOD2025_COUNTY = 'deprivation/iod2025/imd2025_lsoa21_gloucestershire_humaniverse.csv';
const IOD2019 = 'deprivation/iod2019/iod2019_lsoa11_england_all_scores_ranks_deciles_denominators_COMPOSITE.csv';
const LOOKUP = 'lookups/lsoa11_to_lsoa21_gloucestershire_derived.csv';
const COL_2019_CODE = 'LSOA code (2011)';
const COL_2019_LAD = 'Local Authority District code (2019)';
const COL_2019_DECILE = 'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)';
// the change layers under test, as the 2025 catalogue names them
const DECILE_CHANGE = 'imd_decile_change';
const TOP10_STATUS = 'top10_status';

/** The county under both vintages and the change between them, from the official files. */
function expectedFacts() {
  const now = new Map(readCsv(IOD2025_COUNTY).map((r) => [r.lsoa21_code, Number(r.IMD_decile)]));
  const was = new Map(readCsv(IOD2019).filter((r) => GLOUCESTERSHIRE_LADS.has(r[COL_2019_LAD])).map((r) => [r[COL_2019_CODE], Number(r[COL_2019_DECILE])]));
  const lookup = readCsv(LOOKUP);
  const parents = new Map();
  for (const r of lookup) parents.set(r.LSOA21CD, [...(parents.get(r.LSOA21CD) || []), { code: r.LSOA11CD, type: r.CHGIND_derived }]);
  const change = new Map();
  const status = new Map();
  for (const [code, d] of now) {
    const p = parents.get(code) || [];
    // unchanged and split areas have one parent, whose 2019 decile they carry
    assert.equal(p.length, 1, `${code}: one LSOA 2011 parent`);
    const before = was.get(p[0].code);
    assert.ok(Number.isInteger(before), `${code}: its parent ${p[0].code} has an IMD 2019 decile`);
    change.set(code, d - before);
    status.set(code, before === 1 ? (d === 1 ? 'stayed' : 'left') : d === 1 ? 'entered' : 'never');
  }
  return { now, was, lookup, change, status, decile1: [...now].filter(([, d]) => d === 1).map(([c]) => c).sort() };
}

let server = null;
let browser = null;
let page = null;
let facts = null;
let layers2025 = null;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  facts = expectedFacts();
  server = await startServer({ serve: ['--no-warm'] });
  const l = await fetchJson(`${server.base}/api/layers?vintage=2025`, 300000);
  assert.equal(l.status, 200, JSON.stringify(l.body));
  layers2025 = new Map(l.body.layers.map((x) => [x.id, x]));
  browser = await launchBrowser(STEP_MS);
  page = await openPage(browser, `${server.base}/`, STEP_MS);
}, { timeout: 420000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } catch (e) {
    console.error(e.message);
    try { browser?.process()?.kill('SIGKILL'); } catch { /* already gone */ }
  } finally {
    browser = null;
    await server?.stop();
  }
}, { timeout: 40000 });

const shot = (name) => page.screenshot({ path: path.join(ARTIFACTS, name) });
const text = async (sel) => (await page.textContent(sel)).trim();

/** Properties of the areas drawn on screen, one per code. */
async function drawn() {
  return page.evaluate(() => {
    const feats = window.needsmap.map.queryRenderedFeatures({ layers: ['areas-fill'] });
    return Object.fromEntries(feats.map((f) => [f.properties.code, f.properties]));
  });
}

/** Tile URLs asked for from `from` on (an index into page.requests). */
const tilesSince = (from) => page.requests.slice(from).filter((u) => u.includes('/tiles/areas/') && u.includes('.mvt'));

test('official data: 393 LSOA 2021 areas, each with one LSOA 2011 parent', () => {
  assert.equal(facts.now.size, 393);
  assert.equal(facts.was.size, 373);
  const types = new Set(facts.lookup.map((r) => r.CHGIND_derived));
  assert.deepEqual([...types].sort(), ['S', 'U'], 'the county lookup has unchanged and split areas only');
  assert.ok(facts.decile1.length > 0);
});

test('the page starts on the server default, IMD 2019 on LSOA 2011', { timeout: 120000 }, async () => {
  await mapIdle(page, STEP_MS);
  assert.equal(await page.evaluate(() => window.needsmap.state.vintage), '2019');
  assert.equal(await text('[data-testid="legend-vintage"]'), 'IMD 2019 · LSOA 2011');
  assert.equal(await page.getAttribute('[data-testid="vintage-2019"]', 'aria-pressed'), 'true');
  assert.equal(await page.isVisible('[data-testid="change-view"]'), false, 'no change view in 2019');
  const codes = Object.keys(await drawn());
  assert.ok(codes.length > 300, `drawn ${codes.length}`);
  assert.deepEqual(codes.filter((c) => !facts.was.has(c)), [], 'only LSOA 2011 areas');
});

test('switching to 2025 draws the LSOA 2021 areas from 2025 tiles', { timeout: 180000 }, async () => {
  const from = page.requests.length;
  await page.click('[data-testid="vintage-2025"]');
  await page.waitForFunction(() => window.needsmap.state.vintage === '2025', null, { timeout: STEP_MS });
  await page.waitForFunction(() => document.querySelector('[data-testid="legend-vintage"]')?.textContent.trim() === 'IMD 2025 · LSOA 2021', null, { timeout: STEP_MS });
  await mapIdle(page, STEP_MS);
  assert.equal(await page.getAttribute('[data-testid="vintage-2025"]', 'aria-pressed'), 'true');
  assert.match(await text('[data-testid="map-title"] .s'), / · IMD 2025 · LSOA 2021$/);
  const region = (await fetchJson(`${server.base}/api/region?vintage=2025`)).body;
  assert.equal(region.lsoa_count, facts.now.size);
  assert.match(await text('[data-testid="server-status"]'), new RegExp(` · ${facts.now.size} areas`));
  const tiles = tilesSince(from);
  assert.ok(tiles.length > 0, 'tiles were asked for');
  for (const u of tiles) assert.equal(new URL(u).searchParams.get('vintage'), '2025', u);
  const props = await drawn();
  const codes = Object.keys(props);
  assert.deepEqual(codes.filter((c) => !facts.now.has(c)), [], 'only LSOA 2021 areas are drawn');
  assert.ok(codes.length >= Math.floor(facts.now.size * 0.95), `drawn ${codes.length} of ${facts.now.size}`);
  assert.ok(codes.some((c) => !facts.was.has(c)), 'areas new in 2021 (splits) are drawn');
  // the drawn layer's values are the published 2025 deciles
  assert.equal(await page.evaluate(() => window.needsmap.state.layer), 'imd_decile', 'the layer on screen exists in 2025 too');
  for (const c of codes) assert.equal(props[c].imd_decile, facts.now.get(c), c);
  await shot('vintage-01-2025.png');
});

test('the 2025 area list is the official decile-1 set, as the API counts it', { timeout: 120000 }, async () => {
  const api = await fetchJson(`${server.base}/api/areas?vintage=2025&where=${encodeURIComponent('imd_decile <= 1')}&limit=0`, 60000);
  assert.equal(api.body.count, facts.decile1.length, 'the API counts the published set');
  await page.fill('[data-testid="filter-input"]', 'imd_decile <= 1');
  await page.click('[data-testid="filter-apply"]');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="result-row"]').length === n, facts.decile1.length, { timeout: STEP_MS });
  const codes = await page.$$eval('[data-testid="result-row"]', (els) => els.map((e) => e.dataset.code).sort());
  assert.deepEqual(codes, facts.decile1);
  await page.click('[data-testid="preset-clear"]');
  await page.waitForFunction(() => window.needsmap.state.filter === '', null, { timeout: STEP_MS });
});

test('the change view: decile change on a diverging palette, then the top-10% status', { timeout: 180000 }, async () => {
  assert.ok(layers2025.has(DECILE_CHANGE) && layers2025.has(TOP10_STATUS), `2025 layers: ${[...layers2025.keys()]}`);
  assert.equal(await page.isVisible('[data-testid="change-view"]'), true);

  await page.click(`[data-testid="change-${DECILE_CHANGE}"]`);
  await page.waitForFunction((id) => window.needsmap.state.layer === id, DECILE_CHANGE, { timeout: STEP_MS });
  await mapIdle(page, STEP_MS);
  assert.equal(await text('[data-testid="legend-title"]'), layers2025.get(DECILE_CHANGE).title);
  assert.equal(await text('[data-testid="legend-vintage"]'), 'IMD 2025 · LSOA 2021');
  const legend = await text('[data-testid="legend"]');
  assert.match(legend, /no change/);
  assert.match(legend, /more deprived than in 2019/);
  let props = await drawn();
  let codes = Object.keys(props);
  assert.ok(codes.length > 300);
  for (const c of codes) assert.equal(props[c][DECILE_CHANGE], facts.change.get(c), `${c}: 2025 decile − carried 2019 decile`);
  const fill = await page.evaluate(() => window.needsmap.map.getPaintProperty('areas-fill', 'fill-color'));
  assert.equal(fill[0], 'case');
  await shot('vintage-02-decile-change.png');

  await page.click(`[data-testid="change-${TOP10_STATUS}"]`);
  await page.waitForFunction((id) => window.needsmap.state.layer === id, TOP10_STATUS, { timeout: STEP_MS });
  await mapIdle(page, STEP_MS);
  const rows = await page.$$eval('[data-testid="legend"] .legend-rows li', (els) => els.map((e) => e.textContent.trim()));
  for (const w of ['Entered', 'Left', 'Stayed', 'Never']) assert.ok(rows.some((r) => r.startsWith(w)), `${w} in ${rows}`);
  props = await drawn();
  codes = Object.keys(props);
  for (const c of codes) assert.equal(props[c][TOP10_STATUS], facts.status.get(c), c);
  // entered and left are drawn in distinct colours by a category expression
  const expr = await page.evaluate(() => window.needsmap.map.getPaintProperty('areas-fill', 'fill-color'));
  assert.equal(expr[0], 'match');
  const colour = (v) => expr[expr.indexOf(v) + 1];
  assert.notEqual(colour('entered'), colour('left'));
  assert.notEqual(colour('stayed'), colour('never'));
  // the API agrees with the files on who entered
  const entered = [...facts.status].filter(([, s]) => s === 'entered').map(([c]) => c).sort();
  const api = await fetchJson(`${server.base}/api/areas?vintage=2025&where=${encodeURIComponent(`${TOP10_STATUS} = "entered"`)}`, 60000);
  assert.equal(api.status, 200, JSON.stringify(api.body));
  assert.deepEqual(api.body.areas.map((a) => a.code).sort(), entered);
  await shot('vintage-03-top10-status.png');
});

test('the URL carries the vintage and the change view, and a reload restores them', { timeout: 180000 }, async () => {
  await page.waitForFunction((id) => {
    const h = new URLSearchParams(window.location.hash.slice(1));
    return h.get('vintage') === '2025' && h.get('layer') === id;
  }, TOP10_STATUS, { timeout: STEP_MS });
  const from = page.requests.length;
  await page.reload({ waitUntil: 'load' });
  await ready(page, STEP_MS);
  await mapIdle(page, STEP_MS);
  const state = await page.evaluate(() => ({ vintage: window.needsmap.state.vintage, layer: window.needsmap.state.layer }));
  assert.deepEqual(state, { vintage: '2025', layer: TOP10_STATUS });
  assert.equal(await text('[data-testid="legend-vintage"]'), 'IMD 2025 · LSOA 2021');
  assert.equal(await text('[data-testid="legend-title"]'), layers2025.get(TOP10_STATUS).title);
  const tiles = tilesSince(from);
  assert.ok(tiles.length > 0);
  for (const u of tiles) {
    const q = new URL(u).searchParams;
    assert.equal(q.get('vintage'), '2025', u);
    assert.equal(q.get('layers'), TOP10_STATUS, u);
  }
  const codes = Object.keys(await drawn());
  assert.deepEqual(codes.filter((c) => !facts.now.has(c)), []);
});

test('switching back to 2019 leaves the change view for a 2019 layer', { timeout: 180000 }, async () => {
  await page.click('[data-testid="vintage-2019"]');
  await page.waitForFunction(() => window.needsmap.state.vintage === '2019', null, { timeout: STEP_MS });
  await mapIdle(page, STEP_MS);
  assert.equal(await text('[data-testid="legend-vintage"]'), 'IMD 2019 · LSOA 2011');
  const layer = await page.evaluate(() => window.needsmap.state.layer);
  assert.notEqual(layer, TOP10_STATUS, 'a 2025-only layer is not kept');
  assert.equal(await page.isVisible('[data-testid="change-view"]'), false);
  const codes = Object.keys(await drawn());
  assert.ok(codes.length > 300);
  assert.deepEqual(codes.filter((c) => !facts.was.has(c)), [], 'only LSOA 2011 areas');
  await page.waitForFunction(() => new URLSearchParams(window.location.hash.slice(1)).get('vintage') === '2019', null, { timeout: STEP_MS });
});
