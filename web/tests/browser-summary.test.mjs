// Browser checks of the summaries panel and the printable locality profiles (issue 10): the real
// `needsmap serve` binary and Debian's chromium through playwright-core. Expected figures are
// computed HERE from the official files (IoD2019 File 1 and File 6), not asked of the server.
//
// Run from web/:  NEEDSMAP_BIN=../target/release/needsmap node --test tests/browser-summary.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, startServer, launchBrowser, openPage, readCsv, GLOUCESTERSHIRE_LADS } from './helpers/needsmap-server.mjs';

const num = (s) => Number(String(s).replace(/,/g, ''));

/** Per district: LSOA count (File 1) and mid-2015 population (File 6). */
function expected() {
  const f1 = readCsv('deprivation/iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv').filter((r) => GLOUCESTERSHIRE_LADS.has(r['Local Authority District code (2019)']));
  const f6 = readCsv('deprivation/iod2019/File_6_-_IoD2019_Population_Denominators.csv').filter((r) => GLOUCESTERSHIRE_LADS.has(r['Local Authority District code (2019)']));
  const d = new Map();
  for (const r of f1) {
    const k = r['Local Authority District code (2019)'];
    const e = d.get(k) || { name: r['Local Authority District name (2019)'], lsoas: 0, population: 0 };
    e.lsoas += 1;
    d.set(k, e);
  }
  for (const r of f6) d.get(r['Local Authority District code (2019)']).population += num(r['Total population: mid 2015 (excluding prisoners)']);
  return d;
}

let server = null;
let base = '';
let browser = null;
let page = null;
let facts = null;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  facts = expected();
  server = await startServer({ serve: ['--no-warm'] });
  base = server.base;
  browser = await launchBrowser();
  page = await openPage(browser, `${base}/`);
}, { timeout: 300000 });

after(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
});

async function summaryReady(level) {
  await page.waitForFunction((l) => {
    const el = document.querySelector('[data-testid="summary-panel"]');
    return el && el.dataset.state === 'ready' && el.dataset.level === l;
  }, level);
}

test('the summary table lists the six districts with the official LSOA counts', { timeout: 60000 }, async () => {
  await summaryReady('district');
  const rows = await page.$$eval('[data-testid="summary-row"]', (els) => els.map((e) => ({ code: e.dataset.code, cells: [...e.querySelectorAll('td')].map((td) => td.textContent.trim()) })));
  assert.equal(rows.length, 6);
  for (const r of rows) {
    const f = facts.get(r.code);
    assert.ok(f, `${r.code} is a Gloucestershire district`);
    assert.equal(Number(r.cells[0]), f.lsoas, `${f.name} LSOAs`);
    assert.equal(num(r.cells[1]), f.population, `${f.name} population`);
  }
  const counts = Object.fromEntries([...facts.values()].map((f) => [f.name, f.lsoas]));
  assert.deepEqual(counts, { Cheltenham: 75, Cotswold: 51, 'Forest of Dean': 50, Gloucester: 78, Stroud: 69, Tewkesbury: 50 });
});

test('wards say how LSOAs were assigned, draw as a choropleth, and click through to their LSOAs', { timeout: 90000 }, async () => {
  await page.selectOption('[data-testid="summary-level"]', 'ward');
  await summaryReady('ward');
  const method = await page.textContent('[data-testid="summary-method"]');
  assert.match(method, /population-weighted centroid/);
  await page.check('[data-testid="summary-map"]');
  await page.waitForFunction(() => window.needsmap.map.getSource('summary') && window.needsmap.summary.state.fc);
  await page.waitForFunction(() => {
    const m = window.needsmap.map;
    return m.loaded() && !m.isMoving() && m.queryRenderedFeatures({ layers: ['summary-fill'] }).length > 0;
  });
  const drawn = await page.evaluate(() => new Set(window.needsmap.map.queryRenderedFeatures({ layers: ['summary-fill'] }).map((f) => f.properties.code)).size);
  assert.ok(drawn > 50, `${drawn} ward shapes drawn`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'summary-wards.png') });
  // Click-through: the first ward's button filters the area list to its LSOAs.
  const first = await page.$eval('[data-testid="summary-row"]', (e) => ({ code: e.dataset.code, lsoas: Number(e.querySelector('td').textContent) }));
  await page.click(`[data-testid="summary-row"][data-code="${first.code}"] button`);
  await page.waitForFunction((c) => window.needsmap.state.filter === `ward = "${c}"`, first.code);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="result-row"]').length === n, first.lsoas);
  // A district row chooses the district.
  await page.uncheck('[data-testid="summary-map"]');
  await page.selectOption('[data-testid="summary-level"]', 'district');
  await summaryReady('district');
  await page.click('[data-testid="summary-row"][data-code="E07000081"] button');
  await page.waitForFunction(() => window.needsmap.state.district === 'E07000081');
});

/** Every page's text of a PDF, as pdf.js extracts it (items joined by spaces). */
async function pdfText(bytes) {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((it) => it.str).join(' '));
  }
  await doc.destroy();
  return pages.join('\n').replace(/\s+/g, ' ');
}

test('a district profile prints to an A4 PDF with the place name and its figures', { timeout: 90000 }, async () => {
  const p = await browser.newPage();
  const res = await p.goto(`${base}/profile/district/E07000081`);
  assert.equal(res.status(), 200);
  const f = facts.get('E07000081');
  const text = await p.innerText('body');
  assert.match(text, /Gloucester/);
  const population = f.population.toLocaleString('en-GB');
  assert.ok(text.includes(population), `population ${population} on the page`);
  assert.ok(text.includes(`${f.lsoas} LSOAs`), 'LSOA count on the page');
  assert.match(text, /ESTIMATE|network/, 'GP access says how times were made');
  assert.equal(await p.locator('svg path').count(), f.lsoas, 'one map shape per LSOA');
  // Printed: no interactive chrome.
  await p.emulateMedia({ media: 'print' });
  assert.equal(await p.locator('.chrome').isVisible(), false, 'buttons and links are hidden in print');
  const pdf = await p.pdf({ format: 'A4', printBackground: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'profile-gloucester.pdf'), pdf);
  const raw = pdf.toString('latin1');
  assert.ok(raw.startsWith('%PDF-'), 'a PDF');
  assert.ok(pdf.length > 20000, `${pdf.length} bytes`);
  // Page size: A4 is 595.28 × 841.89 pt.
  const boxes = [...raw.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(boxes.length >= 1, 'pages have a MediaBox');
  for (const [w, h] of boxes) assert.ok(Math.abs(w - 595.28) < 2 && Math.abs(h - 841.89) < 2, `A4 page, got ${w}×${h}`);
  // Chromium writes <title> into the document information: literal or UTF-16BE hex.
  const title = 'Gloucester — locality profile';
  const hex = 'FEFF' + [...title].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('').toUpperCase();
  assert.ok(raw.includes(`/Title (${title})`) || raw.toUpperCase().includes(`/TITLE <${hex}>`), 'the PDF title names the place');
  // The printed text itself, read back with pdf.js: the place, its LSOA count and population.
  const printed = await pdfText(pdf);
  assert.match(printed, /Gloucester/, 'the PDF text names the place');
  assert.ok(printed.includes(population), `the PDF text has the population ${population}`);
  assert.ok(printed.includes(`${f.lsoas} LSOAs`), 'the PDF text has the LSOA count');
  await p.close();
});

test('an unknown profile is a 404 page a person can read', async () => {
  const p = await browser.newPage();
  const res = await p.goto(`${base}/profile/ward/E05999999`);
  assert.equal(res.status(), 404);
  assert.match(await p.innerText('body'), /No such ward/);
  await p.close();
});
