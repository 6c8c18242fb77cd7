// The real `needsmap serve` and Debian's chromium for browser checks in their own files
// (browser-<topic>.test.mjs): start, wait until healthy, open the page, always stop. The same
// steps as browser.test.mjs, shared so each new check does not copy them.
import { spawn, execSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO = path.resolve(WEB, '..');
export const STEP_MS = 30000;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function fetchJson(url, ms = 30000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  return { status: res.status, body: await res.json() };
}

/** `needsmap [global…] serve` on a free port of 127.0.0.1; resolves {base, stop, log}. */
export async function startServer({ global = [], env = {} } = {}) {
  const bin = path.resolve(WEB, process.env.NEEDSMAP_BIN || '../target/release/needsmap');
  if (!fs.existsSync(bin)) throw new Error(`server binary not found: ${bin} (cargo build --release, or set NEEDSMAP_BIN)`);
  const port = await freePort();
  const proc = spawn(bin, [...global, 'serve', '--addr', `127.0.0.1:${port}`, '--no-warm'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_BACKTRACE: '1', ...env },
  });
  let log = '';
  const keep = (d) => {
    log = (log + d.toString()).slice(-20000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  process.on('exit', () => proc.exitCode === null && proc.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + Number(process.env.NEEDSMAP_START_TIMEOUT_MS || 120000);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`needsmap serve exited with ${proc.exitCode}:\n${log.slice(-4000)}`);
    try {
      const { status, body } = await fetchJson(`${base}/healthz`, 2000);
      if (status === 200 && body.status === 'ok') break;
    } catch {
      /* not yet */
    }
    if (Date.now() > until) throw new Error(`server not healthy in time:\n${log.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await Promise.race([gone, new Promise((r) => setTimeout(r, 8000))]);
    clearTimeout(timer);
  };
  return { base, stop, log: () => log };
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  return execSync('command -v chromium', { shell: '/bin/sh', encoding: 'utf8' }).trim();
}

/** Headless chromium with software WebGL and no background traffic. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    timeout: STEP_MS,
  });
}

export async function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no result within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

/** A page at `url`, ready (window.needsmap.ready); `page.requests` lists every URL it asked for. */
export async function openPage(browser, url) {
  const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  p.setDefaultTimeout(STEP_MS);
  p.requests = [];
  p.on('request', (r) => p.requests.push(r.url()));
  p.on('pageerror', (e) => console.error('[page error]', e.message));
  await p.goto(url, { waitUntil: 'load' });
  await p.waitForFunction(() => !!window.needsmap?.ready, null, { timeout: STEP_MS });
  await withTimeout(p.evaluate(() => window.needsmap.ready), STEP_MS, 'window.needsmap.ready');
  return p;
}

/** Waits until the map has drawn everything it asked for. */
export async function mapIdle(p) {
  await p.waitForFunction(() => {
    const m = window.needsmap?.map;
    return m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: STEP_MS, polling: 100 });
}
