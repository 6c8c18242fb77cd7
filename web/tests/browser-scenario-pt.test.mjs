// Browser check of public transport in the scenario panel on the real county server, which has
// no GTFS feed: both public-transport choices are shown disabled, with the reason the server
// lists in /api/layers put in plain words, and a link asking for them routes by the mode above.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, fetchJson, withTimeout } from './helpers/needsmap-server.mjs';
import { ptReasonWords } from '../public/panels/scenario.js';

let srv = null;
let browser = null;
let absent = null; // id → reason, from the server's own layer list

before(async () => {
  srv = await startServer({ serve: ['--no-warm'] });
  const layers = (await fetchJson(`${srv.base}/api/layers`)).body;
  absent = new Map((layers.absent || []).map((a) => [a.id, a.reason]));
  browser = await launchBrowser();
}, { timeout: 240000 });

after(async () => {
  try {
    if (browser) await withTimeout(browser.close(), 15000, 'closing chromium');
  } finally {
    await srv?.stop();
  }
}, { timeout: 40000 });

test('without a feed, public transport is disabled with the server’s reason in plain words', { timeout: 90000 }, async () => {
  assert.ok(absent.has('gp_pt_min') && absent.has('gp_pt_walk_min'), 'this check is about a server without a feed');
  const site = (await fetchJson(`${srv.base}/api/gp-sites`)).body.features[0].properties.code;
  const page = await openPage(browser, `${srv.base}/#close=${site}&smode=walk_or_pt`);
  try {
    await page.waitForSelector('[data-testid="scenario-mode"] option[value="walk_or_pt"]', { state: 'attached' });
    const options = await page.$$eval('[data-testid="scenario-mode"] option', (os) => os.map((o) => ({ value: o.value, disabled: o.disabled, title: o.title })));
    assert.deepEqual(options.map((o) => [o.value, o.disabled]), [['', false], ['pt', true], ['walk_or_pt', true]]);
    assert.equal(options[1].title, ptReasonWords(absent.get('gp_pt_min')));
    assert.equal(options[2].title, ptReasonWords(absent.get('gp_pt_walk_min')));
    const note = await page.textContent('[data-testid="scenario-mode-note"]');
    assert.ok(note.includes(ptReasonWords(absent.get('gp_pt_min'))), note);
    assert.match(note, /no bus or train timetable/);
    // The link's public-transport choice cannot be honoured: the scenario is routed by the
    // travel mode above, and the panel says so in its answer.
    assert.equal(await page.inputValue('[data-testid="scenario-mode"]'), '');
    const walk = (await fetchJson(`${srv.base}/api/scenario?close=${site}&mode=walk&minutes=45`)).body;
    await page.waitForFunction((s) => document.querySelector('[data-testid="scenario-summary"]')?.textContent.includes(s), walk.summary);
    assert.match(await page.textContent('[data-testid="scenario-result"]'), /Times walking/);
  } finally {
    await page.close();
  }
});
