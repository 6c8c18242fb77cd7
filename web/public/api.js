// Client for the needsmap HTTP API (see API.md). Every failure becomes an ApiError that carries
// what the page needs to tell the user: the server's `detail`, and for filter errors the `column`
// where the filter went wrong. A network failure is kept apart from a 4xx/5xx answer so the page
// can say "the server is unreachable" rather than blaming the user's query.

export class ApiError extends Error {
  /**
   * @param {object} o
   * @param {'network'|'http'|'parse'} o.kind
   * @param {number} [o.status] HTTP status when the server answered
   * @param {string} [o.code] the API's `error` field, e.g. "bad_filter"
   * @param {string} o.detail human sentence
   * @param {number} [o.column] filter column (filter errors only)
   * @param {string} o.url
   */
  constructor({ kind, status, code, detail, column, url }) {
    super(detail);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.column = column;
    this.url = url;
  }
}

const TIMEOUT_MS = 20000;

/** The reason given when a newer request replaces an older one. */
export const SUPERSEDED = 'superseded';

/** True for a request cancelled on purpose (superseded or aborted), which is never shown. */
export function isAbort(e) {
  return !!e && (e === SUPERSEDED || e.name === 'AbortError' || e.message === SUPERSEDED);
}

function pageUrl() {
  return globalThis.location?.href || 'http://localhost/';
}

/** Fetches a JSON document from the server; rejects with ApiError (or the abort reason). */
export async function getJson(path, { signal, fetchFn = globalThis.fetch } = {}) {
  const url = new URL(path, pageUrl()).href;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), TIMEOUT_MS);
  const onAbort = () => ctl.abort(signal.reason);
  if (signal) {
    if (signal.aborted) ctl.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  let res;
  try {
    res = await fetchFn(url, { signal: ctl.signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if (signal?.aborted) throw signal.reason ?? e; // superseded by a newer request: not an error to show
    const why = ctl.signal.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : String(e.message || e);
    throw new ApiError({ kind: 'network', detail: `The needsmap server cannot be reached (${why}).`, url });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    throw new ApiError({
      kind: 'http',
      status: res.status,
      code: body?.error,
      detail: body?.detail || `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.',
      column: Number.isFinite(body?.column) ? body.column : undefined,
      url,
    });
  }
  if (body === null) {
    throw new ApiError({ kind: 'parse', status: res.status, detail: `The server sent an answer that is not JSON (${path}).`, url });
  }
  return body;
}

/**
 * Query string for /api/areas and tile requests. Empty values are left out. Values are
 * percent-encoded (space as %20, never '+', so no server has to guess form encoding).
 */
export function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * "Only the latest answer counts": each `run(fn)` aborts the previous one still in flight, and
 * rejects with SUPERSEDED if a newer run started before it finished. Every panel that asks the
 * server while the user keeps typing or clicking uses one of these.
 */
export function latest() {
  let current = null;
  return {
    async run(fn) {
      current?.abort(SUPERSEDED);
      const ctl = new AbortController();
      current = ctl;
      const value = await fn(ctl.signal);
      if (ctl.signal.aborted) throw SUPERSEDED;
      return value;
    },
    abort() {
      current?.abort(SUPERSEDED);
      current = null;
    },
  };
}

/** The path with `vintage=` added; unchanged when no vintage is chosen or it already has one. */
export function withVintage(path, vintage) {
  if (!vintage) return path;
  const [base, hash] = String(path).split('#');
  if (/[?&]vintage=/.test(base)) return path;
  return `${base}${base.includes('?') ? '&' : '?'}vintage=${encodeURIComponent(vintage)}${hash !== undefined ? `#${hash}` : ''}`;
}

let vintage = '';
/** The vintage every answer made from the atlas is asked for ('' = the server's default). */
export function useVintage(v) {
  vintage = v ? String(v) : '';
}
const atlas = (path) => withVintage(path, vintage);

/** Paths of the API, in one place; everything made from the atlas carries the vintage. */
export const api = {
  health: (o) => getJson('/healthz', o),
  layers: (o) => getJson(atlas('/api/layers'), o),
  region: (o) => getJson(atlas('/api/region'), o),
  districts: (o) => getJson(atlas('/api/districts'), o),
  tilejson: (o) => getJson(atlas('/tiles/areas.json'), o),
  gpSites: (o) => getJson(atlas('/api/gp-sites'), o),
  // `kind` ('district,ward' or 'lsoa') and `bbox` ('w,s,e,n'), in the vintage's geography
  labels: (params, o) => getJson(atlas(`/api/labels${query(params)}`), o),
  area: (code, o) => getJson(atlas(`/api/areas/${encodeURIComponent(code)}`), o),
  postcode: (pc, o) => getJson(atlas(`/api/postcode/${encodeURIComponent(pc)}`), o),
  scenario: (path, o) => getJson(atlas(path), o),
  areasUrl: (params) => atlas(`/api/areas${query(params)}`),
  areas: (params, o) => getJson(atlas(`/api/areas${query(params)}`), o),
};

/**
 * A TileJSON `tiles` template made absolute against the page (the contract allows relative
 * URLs), keeping `{z}/{x}/{y}` as they are (URL resolution would percent-encode the braces).
 */
export function absoluteTemplate(template, pageHref = pageUrl()) {
  return new URL(template, pageHref).href.replace(/%7B([a-z]+)%7D/gi, '{$1}');
}

/**
 * The URL template of the area tiles, asking only for the layers the map draws
 * (CONTRACTS.md §A: `?layers=a,b` and `where=` when filtering).
 */
export function tileUrl(template, { layers = [], where = '' } = {}) {
  const q = query({ layers: layers.filter(Boolean).join(','), where });
  if (!q) return template;
  return template + (template.includes('?') ? `&${q.slice(1)}` : q);
}
