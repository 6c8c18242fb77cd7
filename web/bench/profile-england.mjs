// Profile of the England page's first draw (benches/README.md §5), not a test:
//   cd web && BIN=../target/release/needsmap node bench/profile-england.mjs
// starts `needsmap --region england serve` on a random port of 127.0.0.1, opens `/` in Debian's
// chromium, prints when the areas were drawn (window.needsmap.areasDrawnAt), when everything the
// England step of browser.test.mjs waits for was loaded, and every request with its start and end
// in ms since navigation. BLOCK=/api/labels,... answers those URLs with 503 (to see what each costs);
// QUIET=1 prints the times only.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import path from 'node:path';
const bin = path.resolve(process.env.BIN || '../target/release/needsmap');
const port = 18000 + Math.floor(Math.random() * 1000);
const srv = spawn(bin, ['--region', 'england', 'serve', '--addr', `127.0.0.1:${port}`], { cwd: path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..'), stdio: 'ignore' });
const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (srv.exitCode !== null || i > 1800) throw new Error(`needsmap serve did not answer /healthz (exit ${srv.exitCode})`);
  try { const r = await fetch(url + '/healthz'); if (r.ok) break; } catch {}
  await new Promise((r) => setTimeout(r, 100));
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const t0 = Date.now();
const BLOCK = (process.env.BLOCK || '').split(',').filter(Boolean);
await p.route('**/*', r => BLOCK.some(b => r.request().url().includes(b)) ? r.fulfill({ status: 503, body: 'blocked' }) : r.continue());
const reqs = new Map();
p.on('request', r => reqs.set(r, { url: r.url().replace(url, ''), start: Date.now() - t0 }));
p.on('requestfinished', async r => { const e = reqs.get(r); if (e) { e.end = Date.now() - t0; try { e.size = (await r.sizes()).responseBodySize; } catch {} } });
await p.goto(url + '/', { waitUntil: 'commit' });
const drawnAt = await p.waitForFunction(() => {
  const m = window.needsmap?.map;
  if (!m || !m.loaded() || !m.areTilesLoaded() || m.isMoving() || !m.getLayer('areas-fill')) return false;
  if (!m.queryRenderedFeatures({ layers: ['areas-fill'] }).length) return false;
  return performance.now();
}, null, { timeout: 90000, polling: 50 }).then(h => h.jsonValue());
const areasAt = await p.evaluate(() => window.needsmap.areasDrawnAt);
console.log('areas drawn', Math.round(areasAt), 'ms; everything loaded', Math.round(drawnAt), 'ms');
if (!process.env.QUIET) for (const e of [...reqs.values()].sort((a, b) => a.start - b.start)) console.log(String(e.start).padStart(6), String(e.end ?? '-').padStart(6), String(e.size ?? '').padStart(9), e.url.slice(0, 120));
await browser.close(); srv.kill();
