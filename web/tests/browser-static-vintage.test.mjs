// Browser check of the static PMTiles page with one archive per vintage (issue 8): two archives
// written by the real `needsmap --vintage V export pmtiles`, a plain file host (no needsmap server)
// and Debian's chromium. The page offers the switch and draws the other vintage's areas from its
// archive. Expected codes and deciles come HERE from the official files.
//
// Run from web/:  NEEDSMAP_BIN=../target/release/needsmap node --test tests/browser-static-vintage.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, WEB, launchBrowser, openPage, mapIdle, withTimeout, readCsv, runNeedsmap, GLOUCESTERSHIRE_LADS } from './helpers/needsmap-server.mjs';
import { staticHost } from './helpers/static-host.mjs';

const STEP_MS = 90000;
const IOD2025_COUNTY = 'deprivation/iod2025/imd2025_lsoa21_gloucestershire_humaniverse.csv';
const IOD2019_FILE1 = 'deprivation/iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv';
const DIR = path.join(ARTIFACTS, 'static-vintage');

let facts = null;
let host = null;
let browser = null;

before(async () => {
  facts = {
    v2025: new Map(readCsv(IOD2025_COUNTY).map((r) => [r.lsoa21_code, Number(r.IMD_decile)])),
    v2019: new Map(readCsv(IOD2019_FILE1).filter((r) => GLOUCESTERSHIRE_LADS.has(r['Local Authority District code (2019)'])).map((r) => [r['LSOA code (2011)'], Number(r['Index of Multiple Deprivation (IMD) Decile'])])),
  };
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  // one archive per vintage, by the real exporter; the vintage is in each archive's metadata
  for (const v of ['2019', '2025']) {
    const said = await runNeedsmap(['--vintage', v, 'export', 'pmtiles', path.join(DIR, `areas-${v}.pmtiles`), '--maxzoom', '10', '--layers', 'imd_decile'], {
      env: { NEEDSMAP_VINTAGE: undefined }, // --vintage on the command line decides; an inherited NEEDSMAP_VINTAGE must not
    });
    assert.match(said, new RegExp(`^wrote .*areas-${v}\\.pmtiles \\(\\d+ tiles, \\d+ bytes\\)`));
  }
  fs.writeFileSync(path.join(DIR, 'static.json'), JSON.stringify({ archives: [{ pmtiles: 'areas-2019.pmtiles' }, { pmtiles: 'areas-2025.pmtiles' }] }));
  host = await staticHost({
    '/': path.join(WEB, 'public'),
    '/vendor/maplibre-gl/': path.join(WEB, 'node_modules', 'maplibre-gl', 'dist'),
    '/vendor/pmtiles/': path.join(WEB, 'node_modules', 'pmtiles', 'dist'),
    '/data/': DIR,
  });
  browser = await launchBrowser(STEP_MS);
}, { timeout: 700000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    browser = null;
    await host?.close();
  }
}, { timeout: 40000 });

/** IMD deciles of the areas drawn on screen, by code. */
async function drawn(p) {
  return p.evaluate(() => Object.fromEntries(window.needsmap.map.queryRenderedFeatures({ layers: ['areas-fill'] }).map((f) => [f.properties.code, f.properties.imd_decile])));
}

function sameAsOfficial(got, official, what) {
  const codes = Object.keys(got);
  assert.deepEqual(codes.filter((c) => !official.has(c)), [], `${what}: only its own areas are drawn`);
  assert.ok(codes.length >= Math.floor(official.size * 0.95), `${what}: drawn ${codes.length} of ${official.size}`);
  for (const c of codes) assert.equal(got[c], official.get(c), `${what} ${c}`);
}

test('the exporter records the vintage in each archive', { timeout: 60000 }, async () => {
  const p = await openPage(browser, `${host.url}/index.html?static=data/static.json`, STEP_MS);
  try {
    const metas = await p.evaluate(async () => Promise.all(['2019', '2025'].map((v) => new window.pmtiles.PMTiles(new URL(`data/areas-${v}.pmtiles`, document.baseURI).href).getMetadata())));
    assert.deepEqual(metas.map((m) => m.vintage), [
      { id: '2019', title: 'IoD2019', geography: 'LSOA 2011' },
      { id: '2025', title: 'IoD2025', geography: 'LSOA 2021' },
    ]);
    assert.deepEqual(metas.map((m) => m.region.id), ['gloucestershire', 'gloucestershire']);
  } finally {
    await p.close();
  }
});

test('a static page with two archives offers the vintage switch and draws each archive', { timeout: 300000 }, async () => {
  const p = await openPage(browser, `${host.url}/index.html?static=data/static.json`, STEP_MS);
  try {
    await mapIdle(p, STEP_MS);
    assert.equal(await p.isVisible('[data-testid="static-note"]'), true);
    assert.equal(await p.isVisible('[data-testid="vintage-switch"]'), true, 'two vintages: the switch is offered');
    assert.deepEqual(await p.$$eval('[data-testid="vintage-switch"] button', (b) => b.map((x) => x.dataset.vintage)), ['2019', '2025']);
    assert.equal(await p.evaluate(() => window.needsmap.state.vintage), '2019');
    sameAsOfficial(await drawn(p), facts.v2019, '2019');

    await p.click('[data-testid="vintage-2025"]');
    await p.waitForFunction(() => window.needsmap.state.vintage === '2025', null, { timeout: STEP_MS });
    // the 2025 archive is drawn once areas new in 2021 (splits) are on screen
    const only2021 = [...facts.v2025.keys()].filter((c) => !facts.v2019.has(c));
    await p.waitForFunction((fresh) => {
      const set = new Set(fresh);
      return window.needsmap.map.queryRenderedFeatures({ layers: ['areas-fill'] }).some((f) => set.has(f.properties.code));
    }, only2021, { timeout: STEP_MS, polling: 200 });
    await mapIdle(p, STEP_MS);
    const got = await drawn(p);
    sameAsOfficial(got, facts.v2025, '2025');
    assert.ok(Object.keys(got).some((c) => !facts.v2019.has(c)), 'areas new in 2021 are drawn');
    assert.equal(await p.getAttribute('[data-testid="vintage-2025"]', 'aria-pressed'), 'true');
    assert.ok(p.requests.some((u) => u.endsWith('/data/areas-2025.pmtiles')), 'the 2025 archive was read');
    // every request stayed on the file host: no needsmap server, no third party
    assert.deepEqual(p.requests.filter((u) => !u.startsWith(host.url) && !u.startsWith('data:') && !u.startsWith('blob:')), []);
    await p.screenshot({ path: path.join(ARTIFACTS, 'static-vintage-2025.png') });
  } finally {
    await p.close();
  }
});

test('a link to the 2025 view opens the 2025 archive', { timeout: 180000 }, async () => {
  const p = await openPage(browser, `${host.url}/index.html?static=data/static.json#vintage=2025`, STEP_MS);
  try {
    await mapIdle(p, STEP_MS);
    assert.equal(await p.evaluate(() => window.needsmap.state.vintage), '2025');
    sameAsOfficial(await drawn(p), facts.v2025, '2025 from a link');
  } finally {
    await p.close();
  }
});
