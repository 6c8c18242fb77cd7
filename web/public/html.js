// The one way the page builds HTML: a tagged template that escapes every interpolated value
// unless it is itself the result of `html` (or explicitly `raw`). Arrays are joined, and
// null/undefined/false render as nothing, so conditional parts read naturally:
//   html`<li class="${cls}">${name}${estimate && html` <span class="badge">estimate</span>`}</li>`

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup that is already safe (built by `html`, or a constant the page wrote itself). */
export class SafeHtml {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

/** Marks a constant string as markup. Never pass text that came from the server or the user. */
export function raw(text) {
  return new SafeHtml(String(text));
}

function part(v) {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.text;
  if (Array.isArray(v)) return v.map(part).join('');
  return esc(v);
}

/** Tagged template: escapes every value, keeps nested `html` results as markup. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Replaces an element's content with markup from `html` (plain strings are escaped). */
export function setHtml(el, markup) {
  el.innerHTML = part(markup);
}
