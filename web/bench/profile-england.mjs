// Profile of the England page's first draw (benches/README.md §5), not a test:
//   cd web && NEEDSMAP_BIN=../target/release/needsmap node bench/profile-england.mjs
// starts `needsmap --region england serve` as the browser checks do (tests/helpers), opens `/` in
// their chromium, prints the page's two marks since navigation start — the first view's areas drawn
// (window.needsmap.areasDrawnAt) and district outlines, GP sites and place names drawn too
// (window.needsmap.contextDrawnAt) — and every request with its start and end in ms since the page
// was opened. BLOCK=/api/labels,... answers those URLs with 503 (to see what each costs);
// QUIET=1 prints the times only.
import { startServer, launchBrowser } from '../tests/helpers/needsmap-server.mjs';

// England's atlas takes longer to load than the county's
process.env.NEEDSMAP_START_TIMEOUT_MS ||= '180000';
const server = await startServer({ global: ['--region', 'england'] });
let browser;
try {
  browser = await launchBrowser();
  const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const t0 = Date.now();
  const BLOCK = (process.env.BLOCK || '').split(',').filter(Boolean);
  await p.route('**/*', (r) => (BLOCK.some((b) => r.request().url().includes(b)) ? r.fulfill({ status: 503, body: 'blocked' }) : r.continue()));
  const reqs = new Map();
  p.on('request', (r) => reqs.set(r, { url: r.url().replace(server.base, ''), start: Date.now() - t0 }));
  p.on('requestfinished', async (r) => {
    const e = reqs.get(r);
    if (!e) return;
    e.end = Date.now() - t0;
    try {
      e.size = (await r.sizes()).responseBodySize;
    } catch { /* the page is gone */ }
  });
  await p.goto(`${server.base}/`, { waitUntil: 'commit' });
  const { areasAt, contextAt } = await p.waitForFunction(() => {
    const n = window.needsmap;
    if (typeof n?.areasDrawnAt !== 'number' || typeof n.contextDrawnAt !== 'number') return false;
    return { areasAt: n.areasDrawnAt, contextAt: n.contextDrawnAt };
  }, null, { timeout: 90000, polling: 50 }).then((h) => h.jsonValue());
  console.log('areas drawn', Math.round(areasAt), 'ms; outlines, GP sites and names drawn', Math.round(contextAt), 'ms');
  if (!process.env.QUIET) {
    for (const e of [...reqs.values()].sort((a, b) => a.start - b.start)) {
      console.log(String(e.start).padStart(6), String(e.end ?? '-').padStart(6), String(e.size ?? '').padStart(9), e.url.slice(0, 120));
    }
  }
} finally {
  await browser?.close();
  await server.stop();
}
