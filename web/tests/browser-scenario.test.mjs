// Browser check of the GP scenario panel on the real server: close a surgery by clicking it on the
// map, compare the panel with the API's own answer, share the scenario through the URL, reset.
// The page must make no request outside 127.0.0.1. On the county server, which has no GTFS feed,
// public transport is offered disabled with the server's reason in plain words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, mapIdle, fetchJson, withTimeout } from './helpers/needsmap-server.mjs';
import * as fmt from '../public/format.js';
import { highlights, ptReasonWords } from '../public/panels/scenario.js';

let srv = null;
let browser = null;
let page = null;
let site = null; // the GP practice the test closes
let answer = null; // the API's answer for closing it

const haversine = (a, b) => {
  const r = (d) => (d * Math.PI) / 180;
  const h = Math.sin(r(b[1] - a[1]) / 2) ** 2 + Math.cos(r(a[1])) * Math.cos(r(b[1])) * Math.sin(r(b[0] - a[0]) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
};

before(async () => {
  srv = await startServer({ serve: ['--no-warm'] });
  // A practice standing alone (no other site within 400 m, so a click hits it) whose closure
  // changes some areas' times.
  const sites = (await fetchJson(`${srv.base}/api/gp-sites`)).body.features;
  for (const f of sites) {
    if (f.properties.kind !== 'practice') continue;
    const c = f.geometry.coordinates;
    if (sites.some((g) => g !== f && haversine(c, g.geometry.coordinates) < 400)) continue;
    const { status, body } = await fetchJson(`${srv.base}/api/scenario?close=${f.properties.code}&mode=walk&minutes=45`);
    assert.equal(status, 200);
    if (body.changes.length >= 2) {
      site = f;
      answer = body;
      break;
    }
  }
  assert.ok(site, 'an isolated practice whose closure changes something');
  browser = await launchBrowser();
  page = await openPage(browser, `${srv.base}/`);
}, { timeout: 240000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    await srv?.stop();
  }
}, { timeout: 40000 });

const hashParams = () => page.evaluate(() => Object.fromEntries(new URLSearchParams(window.location.hash.slice(1))));

async function panelFigures(p = page) {
  await p.waitForSelector('[data-testid="scenario-summary"]');
  return p.evaluate(() => ({
    summary: document.querySelector('[data-testid="scenario-summary"]').childNodes[0].textContent.trim(),
    areas: document.querySelector('[data-testid="scenario-areas"]').textContent,
    lose: document.querySelector('[data-testid="scenario-lose"]').textContent,
    rows: [...document.querySelectorAll('[data-testid="scenario-table"] tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
  }));
}

function expectedRows(a) {
  const lose = new Map(a.threshold.lose.by_imd_decile.map((d) => [d.decile, d.people]));
  const gain = new Map(a.threshold.gain.by_imd_decile.map((d) => [d.decile, d.people]));
  return a.by_imd_decile.map((d) => [String(d.decile), fmt.count(d.areas), fmt.count(d.people), fmt.count(d.children), fmt.count(lose.get(d.decile) ?? 0), fmt.count(gain.get(d.decile) ?? 0)]);
}

test('clicking a GP site closes it; the panel shows the API figures and the map highlights the areas', { timeout: 90000 }, async () => {
  const [lon, lat] = site.geometry.coordinates;
  await page.evaluate(([lon, lat]) => window.needsmap.map.jumpTo({ center: [lon, lat], zoom: 14 }), [lon, lat]);
  await mapIdle(page);
  await page.check('[data-testid="scenario-edit"]');
  const at = await page.evaluate(([lon, lat]) => {
    const p = window.needsmap.map.project([lon, lat]);
    const r = window.needsmap.map.getCanvas().getBoundingClientRect();
    return { x: r.left + p.x, y: r.top + p.y };
  }, [lon, lat]);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((code) => new URLSearchParams(window.location.hash.slice(1)).get('close') === code, site.properties.code);
  const got = await panelFigures();
  assert.equal(got.summary, answer.summary);
  assert.equal(got.areas, fmt.count(answer.changes.length));
  assert.equal(got.lose, fmt.count(answer.threshold.lose.people));
  assert.deepEqual(got.rows, expectedRows(answer));
  // Each changed area carries its highlight as feature-state on the area tiles.
  const want = [...highlights(answer)];
  const states = await page.evaluate((ids) => ids.map((id) => window.needsmap.map.getFeatureState({ source: 'areas', sourceLayer: 'areas', id })?.scenario), want.map(([id]) => id));
  assert.deepEqual(states, want.map(([, h]) => h));
  // The click closed a surgery; it opened no profile.
  assert.equal((await hashParams()).area, undefined);
});

test('a link carries the scenario; a postcode adds a site; reset clears it all', { timeout: 90000 }, async () => {
  const url = await page.evaluate(() => window.location.href);
  const shared = await openPage(browser, url);
  try {
    assert.equal((await panelFigures(shared)).summary, answer.summary, 'the shared link shows the same scenario');
  } finally {
    await shared.close();
  }
  await page.fill('[data-testid="scenario-postcode"]', 'GL1 2EH');
  await page.click('[data-testid="scenario-add"]');
  await page.waitForFunction(() => new URLSearchParams(window.location.hash.slice(1)).get('open') === 'GL1 2EH');
  const both = (await fetchJson(`${srv.base}/api/scenario?close=${site.properties.code}&open=GL1%202EH&mode=walk&minutes=45`)).body;
  await page.waitForFunction((s) => document.querySelector('[data-testid="scenario-summary"]')?.textContent.includes(s), both.summary);
  assert.deepEqual((await panelFigures()).rows, expectedRows(both));
  assert.equal(await page.locator('[data-testid="scenario-opened"]').count(), 1);

  const changed = [...highlights(both).keys()];
  await page.click('[data-testid="scenario-reset"]');
  await page.waitForFunction(() => !document.querySelector('[data-testid="scenario-summary"]'));
  await page.waitForFunction(() => !/(^|&)(close|open)=/.test(window.location.hash.slice(1)));
  const h = await hashParams();
  assert.equal(h.close, undefined);
  assert.equal(h.open, undefined);
  const states = await page.evaluate((ids) => ids.map((id) => window.needsmap.map.getFeatureState({ source: 'areas', sourceLayer: 'areas', id })?.scenario ?? null), changed);
  assert.ok(states.every((s) => s === null), `highlights cleared: ${states}`);
  assert.equal(await page.locator('[data-testid="scenario-closed"]').count(), 0);
});

test('without a feed, public transport is disabled with the server’s reason in plain words', { timeout: 90000 }, async () => {
  // id → {cause, reason}, from the server's own layer list
  const doc = (await fetchJson(`${srv.base}/api/layers`)).body;
  const absent = new Map((doc.absent || []).map((a) => [a.id, a]));
  const hasReference = (doc.layers || []).some((l) => l.id === 'gp_pt_walk_min_2013');
  assert.equal(absent.get('gp_pt_min')?.cause, 'no_timetable', 'this server has no GTFS feed');
  assert.ok(absent.has('gp_pt_min') && absent.has('gp_pt_walk_min'), 'this check is about a server without a feed');
  const code = (await fetchJson(`${srv.base}/api/gp-sites`)).body.features[0].properties.code;
  const p = await openPage(browser, `${srv.base}/#close=${code}&smode=walk_or_pt`);
  try {
    await p.waitForSelector('[data-testid="scenario-mode"] option[value="walk_or_pt"]', { state: 'attached' });
    const options = await p.$$eval('[data-testid="scenario-mode"] option', (os) => os.map((o) => ({ value: o.value, disabled: o.disabled, title: o.title })));
    assert.deepEqual(options.map((o) => [o.value, o.disabled]), [['', false], ['pt', true], ['walk_or_pt', true]]);
    assert.equal(options[1].title, ptReasonWords(absent.get('gp_pt_min'), hasReference));
    assert.equal(options[2].title, ptReasonWords(absent.get('gp_pt_walk_min'), hasReference));
    const note = await p.textContent('[data-testid="scenario-mode-note"]');
    assert.ok(note.includes(ptReasonWords(absent.get('gp_pt_min'), hasReference)), note);
    assert.match(note, /no bus or train timetable/);
    // The link's public-transport choice cannot be honoured: the scenario is routed by the
    // travel mode above, and the panel says so in its answer.
    assert.equal(await p.inputValue('[data-testid="scenario-mode"]'), '');
    const walk = (await fetchJson(`${srv.base}/api/scenario?close=${code}&mode=walk&minutes=45`)).body;
    await p.waitForFunction((s) => document.querySelector('[data-testid="scenario-summary"]')?.textContent.includes(s), walk.summary);
    assert.match(await p.textContent('[data-testid="scenario-result"]'), /Times walking/);
    const outside = p.requests.filter((u) => !u.startsWith(srv.base) && !u.startsWith('data:') && !u.startsWith('blob:'));
    assert.deepEqual(outside, []);
  } finally {
    await p.close();
  }
});

test('no request left 127.0.0.1', () => {
  const outside = page.requests.filter((u) => !u.startsWith(srv.base) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(outside, []);
});
