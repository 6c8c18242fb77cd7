// Thin client for the needsmap HTTP API (see API.md). Every failure becomes an ApiError that
// carries what the page needs to tell the user: the server's `detail`, and for filter errors the
// `column` where the filter went wrong. A network failure is kept apart from a 4xx/5xx answer so
// the page can say "the server is unreachable" rather than blaming the user's query.

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

/** Fetches a JSON document from the server; rejects with ApiError. */
export async function getJson(path, { signal } = {}) {
  const url = new URL(path, window.location.href).href;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), TIMEOUT_MS);
  const onAbort = () => ctl.abort(signal.reason);
  if (signal) {
    if (signal.aborted) ctl.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  let res;
  try {
    res = await fetch(url, { signal: ctl.signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if (signal?.aborted) throw e; // superseded by a newer request: not an error to show
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
