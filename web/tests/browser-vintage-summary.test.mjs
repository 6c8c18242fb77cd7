// Browser check of summaries and printable profiles under the vintage switch (issue 8): the real
// `needsmap serve` binary and Debian's chromium. Switching to IMD 2025 reloads the summary panel
// in 2025 (393 LSOA 2021 areas) and its profile links print 2025 pages. Expected figures are
// computed HERE from the official IoD2025 county table, not asked of the server.
//
// Run from web/:  NEEDSMAP_BIN=../target/release/needsmap node --test tests/browser-vintage-summary.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, startServer, launchBrowser, openPage, withTimeout, readCsv, GLOUCESTERSHIRE_LADS } from './helpers/needsmap-server.mjs';

const STEP_MS = 90000;
const IOD2025_COUNTY = 'deprivation/iod2025/imd2025_lsoa21_gloucestershire_humaniverse.csv';
const IOD2019_FILE1 = 'deprivation/iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv';

/** District code → LSOA count, for 2025 (LSOA 2021) and 2019 (LSOA 2011, File 1). */
function expected() {
  const count = (rows, lad) => {
    const m = new Map();
    for (const r of rows) if (GLOUCESTERSHIRE_LADS.has(r[lad])) m.set(r[lad], (m.get(r[lad]) || 0) + 1);
    return m;
  };
  return {
    v2025: count(readCsv(IOD2025_COUNTY), 'LADCD_ACTIVE'),
    v2019: count(readCsv(IOD2019_FILE1), 'Local Authority District code (2019)'),
  };
}

let server = null;
let browser = null;
let page = null;
let facts = null;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  facts = expected();
  server = await startServer({ serve: ['--no-warm'] });
  browser = await launchBrowser(STEP_MS);
  page = await openPage(browser, `${server.base}/`, STEP_MS);
}, { timeout: 300000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    browser = null;
    await server?.stop();
  }
}, { timeout: 40000 });

async function summaryReady(level, vintage) {
  await page.waitForFunction(([l, v]) => {
    const el = document.querySelector('[data-testid="summary-panel"]');
    return el && el.dataset.state === 'ready' && el.dataset.level === l && el.dataset.vintage === v;
  }, [level, vintage], { timeout: STEP_MS });
}

/** The summary table as shown: each row's code, cells and profile link; and the total row. */
async function table() {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll('[data-testid="summary-row"]')].map((e) => ({
      code: e.dataset.code,
      cells: [...e.querySelectorAll('td')].map((td) => td.textContent.trim()),
      profile: e.querySelector('[data-testid="profile-link"]')?.getAttribute('href') || null,
    }));
    const foot = [...document.querySelectorAll('[data-testid="summary-table"] tfoot td')].map((td) => td.textContent.trim());
    const head = document.querySelector('[data-testid="summary-table"] thead th')?.textContent.trim();
    return { rows, foot, head };
  });
}

test('official data: 393 LSOA 2021 and 373 LSOA 2011 areas in the six districts', () => {
  assert.equal([...facts.v2025.values()].reduce((a, b) => a + b, 0), 393);
  assert.equal([...facts.v2019.values()].reduce((a, b) => a + b, 0), 373);
});

test('the summary starts in the default vintage, IMD 2019 on LSOA 2011', { timeout: 120000 }, async () => {
  await summaryReady('district', '2019');
  const t = await table();
  assert.equal(Number(t.foot[0]), 373);
  for (const r of t.rows) assert.equal(Number(r.cells[0]), facts.v2019.get(r.code), r.code);
});

test('switching to IMD 2025 reloads the summary with the 393 LSOA 2021 areas', { timeout: 180000 }, async () => {
  const from = page.requests.length;
  await page.click('[data-testid="vintage-2025"]');
  await page.waitForFunction(() => window.needsmap.state.vintage === '2025', null, { timeout: STEP_MS });
  await summaryReady('district', '2025');
  const t = await table();
  assert.equal(t.rows.length, facts.v2025.size);
  for (const r of t.rows) {
    assert.equal(Number(r.cells[0]), facts.v2025.get(r.code), `${r.code}: LSOA 2021 count`);
    assert.equal(r.cells[1], '–', `${r.code}: no population in IoD2025, shown as none, not 0`);
    assert.match(r.profile, /\?vintage=2025$/);
  }
  assert.equal(Number(t.foot[0]), 393, 'the region total counts 393 areas');
  const asked = page.requests.slice(from).filter((u) => u.includes('/api/summary'));
  assert.ok(asked.length > 0 && asked.every((u) => new URL(u).searchParams.get('vintage') === '2025'), asked.join('\n'));
  const method = await page.textContent('[data-testid="summary-method"]');
  assert.match(method, /IoD2025, LSOA 2021/);
  assert.match(method, /No population in IoD2025/);
  // the people share is shown by LSOAs, and says so; the population-weighted score is offered disabled
  assert.match(method, /People in the most deprived 10% \(share\): shown as LSOAs in the most deprived 10% \(share\)/);
  const weighted = await page.$eval('[data-testid="summary-measure"] option[value="imd_score_weighted"]', (o) => ({ disabled: o.disabled, title: o.title }));
  assert.equal(weighted.disabled, true);
  assert.match(weighted.title, /no population to weight by/);
  assert.match(await page.getAttribute('[data-testid="summary-csv"]', 'href'), /vintage=2025/);
  await page.screenshot({ path: path.join(ARTIFACTS, 'vintage-summary-2025.png') });
});

test('2025 MSOAs are MSOAs 2021 and wards say which centroid placed an area', { timeout: 180000 }, async () => {
  await page.selectOption('[data-testid="summary-level"]', 'msoa');
  await summaryReady('msoa', '2025');
  let t = await table();
  assert.equal(t.head, 'MSOAs (2021)');
  assert.equal(t.rows.reduce((a, r) => a + Number(r.cells[0]), 0), 393);
  assert.ok(t.rows.every((r) => /^E02\d{6}$/.test(r.code)), 'ONS MSOA 2021 codes');
  await page.selectOption('[data-testid="summary-level"]', 'ward');
  await summaryReady('ward', '2025');
  t = await table();
  assert.equal(t.rows.reduce((a, r) => a + Number(r.cells[0]), 0), 393);
  assert.match(await page.textContent('[data-testid="summary-method"]'), /LSOAs 2021 do not nest/);
  await page.selectOption('[data-testid="summary-level"]', 'district');
  await summaryReady('district', '2025');
});

test('a profile link prints the 2025 profile', { timeout: 120000 }, async () => {
  const { rows } = await table();
  const glos = rows.find((r) => r.code === 'E07000081');
  const p = await browser.newPage();
  try {
    const res = await p.goto(new URL(glos.profile, server.base).href);
    assert.equal(res.status(), 200);
    const sub = await p.textContent('p.sub');
    assert.match(sub, new RegExp(`${facts.v2025.get('E07000081')} LSOAs · figures on IoD2025, LSOA 2021`));
    assert.equal(await p.$$eval('svg path', (x) => x.length), facts.v2025.get('E07000081'));
  } finally {
    await p.close();
  }
});

test('switching back to IMD 2019 shows the 373 LSOA 2011 areas again', { timeout: 180000 }, async () => {
  await page.click('[data-testid="vintage-2019"]');
  await summaryReady('district', '2019');
  const t = await table();
  assert.equal(Number(t.foot[0]), 373);
  assert.notEqual(t.rows[0].cells[1], '–', 'people are counted in 2019');
});
