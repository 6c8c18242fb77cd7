// The hover tooltip. Tiles carry only `code` and the drawn layer(s) (CONTRACTS.md §A), so the
// area's name and district come from its profile, fetched once per area after a short pause and
// remembered; a tile that still carries `name` (older servers, static archives) is used as is.
import { api, latest, isAbort } from '../api.js';
import { html, setHtml } from '../html.js';
import * as fmt from '../format.js';

const $ = (id) => document.getElementById(id);
const NAME_DELAY_MS = 120;
const NAMES_KEPT = 2000;

export function tooltipPanel(ctx) {
  const request = latest();
  const names = new Map(); // code → {name, district}
  let timer = null;
  let last = null;

  function place(t, point) {
    t.hidden = false;
    const wrap = $('map').getBoundingClientRect();
    const w = t.offsetWidth;
    const h = t.offsetHeight;
    let x = point.x + 14;
    let y = point.y + 14;
    if (x + w > wrap.width - 8) x = point.x - w - 14;
    if (y + h > wrap.height - 8) y = point.y - h - 14;
    t.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
  }

  function areaHtml(p, known) {
    const state = ctx.store.state;
    const L = ctx.data.byId.get(state.layer);
    const who = known || (p.name ? { name: p.name, district: p.district } : null);
    const M = ctx.modeLayer(state.mode);
    const v = M ? p[M.id] : undefined;
    return html`${who ? html`<strong>${who.name}</strong> <span class="muted">${p.code}</span><br><span class="muted">${who.district || ''}</span>` : html`<strong>${p.code}</strong>`}
      <div class="tt-val">${L?.title}: <strong>${fmt.withUnit(L ? p[L.id] : undefined, L?.unit)}</strong>${L?.method === 'estimate' && html` <span class="badge badge-estimate">estimate</span>`}</div>
      ${state.beyond && M && M.id !== L?.id && html`<div class="tt-val">${M.title}: <strong>${fmt.withUnit(v, 'minutes')}</strong>${typeof v === 'number' && v > state.minutes && ` — beyond ${state.minutes} min`}</div>`}`;
  }

  function lookUp(code) {
    clearTimeout(timer);
    if (ctx.staticMode || names.has(code)) return;
    timer = setTimeout(async () => {
      try {
        const doc = await request.run((signal) => api.area(code, { signal }));
        if (names.size >= NAMES_KEPT) names.delete(names.keys().next().value);
        names.set(code, { name: doc.name, district: doc.district });
        if (last?.area?.properties.code === code && !last.gp) show(last);
      } catch (e) {
        if (!isAbort(e)) names.set(code, null); // no name: the tooltip keeps the code
      }
    }, NAME_DELAY_MS);
  }

  function show(hover) {
    last = hover;
    const t = $('tooltip');
    if (hover.gp) {
      const p = hover.gp.properties;
      setHtml(t, html`<strong>${fmt.titleCase(p.name)}</strong><br><span class="muted">GP ${p.kind || 'site'} · ${p.code} · ${p.postcode || ''}</span>`);
      place(t, hover.point);
    } else if (hover.area) {
      const p = hover.area.properties;
      if (!p.name) lookUp(p.code);
      setHtml(t, areaHtml(p, names.get(p.code)));
      place(t, hover.point);
    } else {
      clearTimeout(timer);
      t.hidden = true;
    }
  }

  return { show };
}
