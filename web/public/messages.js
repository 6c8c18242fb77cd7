// The message area (errors and warnings) and the wording of errors. `errorHtml` and
// `filterCaret` are pure (tests/messages.test.mjs); show/clear touch the one message element.
import { ApiError } from './api.js';
import { html, setHtml } from './html.js';

/**
 * Where a filter error points in the user's own text. API columns count from 1 and refer to the
 * text the server saw; when the page put a district clause (`prefixLen` characters) in front of
 * the user's filter, the column is moved back into the user's text.
 */
export function filterCaret(sent, column, prefixLen = 0) {
  if (prefixLen && column > prefixLen) {
    return { text: sent.slice(prefixLen).replace(/\)$/, ''), column: column - prefixLen, moved: true };
  }
  return { text: sent, column, moved: false };
}

/** Markup for an error: the server's sentence, and for filters the column with a caret. */
export function errorHtml(err, what, filterText, prefixLen = 0) {
  if (!(err instanceof ApiError)) return html`<strong>${what} failed.</strong> ${err?.message || err}`;
  if (err.kind === 'network') {
    return html`<strong>The needsmap server is unreachable.</strong> ${err.detail} Check that <code>needsmap serve</code> is running, then try again.`;
  }
  const head = html`<strong>${what}:</strong> <span class="detail" data-testid="message-detail">${err.detail}</span>`;
  if (err.column === undefined) return err.status ? html`${head} <span class="status">(HTTP ${err.status})</span>` : head;
  const c = filterCaret(filterText || '', err.column, prefixLen);
  const col = c.moved
    ? html` <span class="column" data-testid="message-column">(column ${c.column} of your filter; column ${err.column} of the query sent)</span>`
    : !err.detail.includes(`column ${c.column}`) && html` <span class="column" data-testid="message-column">(column ${c.column})</span>`;
  const pad = ' '.repeat(Math.max(0, Math.min(c.text.length, c.column - 1)));
  return html`${head}${col}${c.text && html`<pre class="caret" aria-hidden="true">${c.text}\n${pad}^</pre>`}`;
}

const el = () => document.getElementById('message');

/** Shows a message; `scope` lets a later success clear only its own message. */
export function showMessage(kind, markup, scope) {
  const m = el();
  m.hidden = false;
  m.className = `message message-${kind}`;
  m.dataset.scope = scope || '';
  m.dataset.kind = kind;
  setHtml(m, html`<div class="message-body">${markup}</div><button type="button" class="message-close" aria-label="Dismiss message">×</button>`);
  m.querySelector('.message-close').addEventListener('click', () => clearMessage());
}

/** Clears the message, or only a message of the given scope. */
export function clearMessage(scope) {
  const m = el();
  if (scope !== undefined && m.dataset.scope !== scope) return;
  m.hidden = true;
  m.innerHTML = '';
  m.dataset.scope = '';
  m.dataset.kind = '';
}
