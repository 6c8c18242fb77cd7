// The real `needsmap serve` binary and Debian's chromium for the browser checks in their own files
// (browser-<topic>.test.mjs), started the way browser.test.mjs starts them and always stopped.
// Env as there: NEEDSMAP_BIN, NEEDSMAP_URL, NEEDSMAP_START_TIMEOUT_MS, NEEDSMAP_MIRROR, CHROMIUM.
// Also the official facts they share: the county's districts and the mirror's CSV files.
import assert from 'node:assert/strict';
import { spawn, execSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { chromium } from 'playwright-core';

export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO = path.resolve(WEB, '..');
export const ARTIFACTS = path.join(WEB, 'test-artifacts');
/** How long one browser step may take (a shared two-core machine renders in software). */
export const STEP_MS = 30000;

/** A file of the official open-data mirror. */
export function opendata(rel) {
  const base = process.env.NEEDSMAP_MIRROR || path.join(REPO, '..', 'shared', 'opendata');
  return path.join(base, rel);
}

/** Gloucestershire's six districts (LAD 2019 codes, unchanged since): the county the server serves by default. */
export const GLOUCESTERSHIRE_LADS = new Set(['E07000078', 'E07000079', 'E07000080', 'E07000081', 'E07000082', 'E07000083']);

/** The rows of a CSV file of the mirror, by header; a missing file says which and how to point elsewhere. */
export function readCsv(rel) {
  const file = opendata(rel);
  assert.ok(fs.existsSync(file), `open-data file missing: ${file} (set NEEDSMAP_MIRROR)`);
  return parse(fs.readFileSync(file), { columns: true, bom: true, skip_empty_lines: true });
}

/** The needsmap binary the checks run (NEEDSMAP_BIN, else the release build). */
export function needsmapBin() {
  const bin = path.resolve(WEB, process.env.NEEDSMAP_BIN || '../target/release/needsmap');
  assert.ok(fs.existsSync(bin), `server binary not found: ${bin} (build it with cargo build --release, or set NEEDSMAP_BIN)`);
  return bin;
}

/**
 * Runs `needsmap ARGS` from the repository with `env` (variables set to undefined are removed);
 * resolves its standard output, rejects with the end of stderr on failure or after `ms`.
 */
export function runNeedsmap(args, { ms = 300000, env = {} } = {}) {
  const bin = needsmapBin();
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err = (err + d).slice(-8000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`needsmap ${args.join(' ')} exited ${code ?? sig}:\n${err}`));
    });
  });
}

function freePort() {
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

/**
 * Starts `needsmap [global…] serve [serve…]` on a free port of 127.0.0.1 with `env` added, and
 * waits for `/healthz`; NEEDSMAP_URL is used instead when the call asks for no options of its own.
 * Returns {base, stop(), log()}.
 */
export async function startServer({ global = [], serve = [], env = {} } = {}) {
  if (process.env.NEEDSMAP_URL && !global.length && !Object.keys(env).length) {
    const base = process.env.NEEDSMAP_URL.replace(/\/$/, '');
    return { base, stop: async () => {}, log: () => '' };
  }
  const bin = needsmapBin();
  const port = await freePort();
  const proc = spawn(bin, [...global, 'serve', '--addr', `127.0.0.1:${port}`, ...serve], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_BACKTRACE: '1', ...env },
  });
  let text = '';
  const keep = (d) => {
    text = (text + d.toString()).slice(-20000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const kill = () => proc.exitCode === null && proc.kill('SIGKILL');
  process.on('exit', kill);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off('exit', kill);
    if (proc.exitCode !== null || proc.signalCode) return;
    const gone = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await Promise.race([gone, new Promise((r) => setTimeout(r, 8000))]);
    clearTimeout(timer);
  };
  const until = Date.now() + Number(process.env.NEEDSMAP_START_TIMEOUT_MS || 120000);
  let last = '';
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`needsmap serve exited with ${proc.exitCode}:\n${text.slice(-4000)}`);
    try {
      const { status, body } = await fetchJson(`${base}/healthz`, 2000);
      if (status === 200 && body.status === 'ok') return { base, stop, log: () => text };
      last = `HTTP ${status}`;
    } catch (e) {
      last = String(e.message || e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`server not healthy (${last}):\n${text.slice(-4000)}`);
}

function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  try {
    return execSync('command -v chromium', { shell: '/bin/sh', encoding: 'utf8' }).trim();
  } catch {
    throw new Error('chromium not found: run scripts/browser-deps.sh');
  }
}

export async function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no result within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

/** Headless chromium as browser.test.mjs launches it. */
export async function launchBrowser(stepMs = STEP_MS) {
  return withTimeout(chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    timeout: stepMs,
  }), 45000, 'launching chromium');
}

/** A page of `url` once `window.needsmap.ready` resolved; `p.requests` records every URL asked for. */
export async function openPage(browser, url, stepMs = STEP_MS) {
  const p = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  p.setDefaultTimeout(stepMs);
  p.requests = [];
  p.on('request', (r) => p.requests.push(r.url()));
  p.on('pageerror', (e) => console.error('[page error]', e.message));
  p.on('console', (m) => {
    if (m.type() === 'error') console.error('[page console]', m.text());
  });
  await p.goto(url, { waitUntil: 'load' });
  await ready(p, stepMs);
  return p;
}

/** Waits for the page's start (after a goto or a reload). */
export async function ready(p, stepMs = STEP_MS) {
  await p.waitForFunction(() => !!window.needsmap?.ready, null, { timeout: stepMs });
  await withTimeout(p.evaluate(() => window.needsmap.ready), stepMs, 'window.needsmap.ready');
}

/** Waits until the map has drawn everything it asked for. */
export async function mapIdle(p, stepMs = STEP_MS) {
  await p.waitForFunction(() => {
    const m = window.needsmap?.map;
    return m && m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: stepMs, polling: 100 });
}
