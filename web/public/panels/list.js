// "Eligibility and area list": presets, the filter, the matching areas with totals, downloads,
// and the outline of the matches on the map.
import { api, latest, isAbort, ApiError, tileUrl } from '../api.js';
import { html, setHtml } from '../html.js';
import * as fmt from '../format.js';
import { combinedWhere, presets, sortFor, quote } from '../filters.js';
import { placeName } from '../region.js';
import { LAYER_IDS } from '../generated/layers.js';
import { SRC, SELECTION_LAYERS } from '../mapstyle.js';
import { showMessage, clearMessage, errorHtml } from '../messages.js';

export const LIST_LIMIT = 1000;
const $ = (id) => document.getElementById(id);

export function listPanel(ctx) {
  const request = latest();
  const region = ctx.data.region;
  const PRESETS = presets(region.name);
  let lastDoc = null;

  for (const [key, p] of Object.entries(PRESETS)) {
    setHtml($(`preset-${key}`), html`${p.label}<small>${p.detail}</small>`);
    $(`preset-${key}`).addEventListener('click', () => {
      $('filter-input').value = p.filter;
      ctx.store.setState({ filter: p.filter });
    });
  }
  $('preset-clear').addEventListener('click', () => {
    $('filter-input').value = '';
    ctx.store.setState({ filter: '' });
  });
  $('filter-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = $('filter-input').value.trim();
    if (f === ctx.store.state.filter) run(ctx.store.state); // the same filter again: ask again
    else ctx.store.setState({ filter: f });
  });
  $('result-list').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-code]');
    if (b) ctx.store.setState({ area: b.dataset.code }, { fly: true });
  });

  const [d1, d2] = region.districts;
  $('filter-example-district').textContent = d1 && d2 ? `district = ${quote(d1.name)} or district = ${quote(d2.name)}` : d1 ? `district = ${quote(d1.name)}` : 'district = "name"';

  const whereOf = (state) => combinedWhere(state.district ? placeName(region, state.district) : '', state.filter);

  function listUrl(state, format) {
    const L = ctx.data.byId.get(state.layer);
    return api.areasUrl({ where: whereOf(state).where, sort: sortFor(L), limit: format === 'json' ? LIST_LIMIT : undefined, format: format === 'json' ? undefined : format });
  }

  function outline(state, where) {
    // outline the matches when the user asked for a filter (a district alone is shown by veiling)
    const url = state.filter.trim() && where ? tileUrl(ctx.data.tileTemplate, { where }) : '';
    ctx.mapView?.setWhereSource(SRC.SELECTION, url, SELECTION_LAYERS);
  }

  function empty(hint) {
    setHtml($('result-list'), '');
    $('totals').dataset.count = '';
    setHtml($('totals'), html`<p class="hint">${hint}</p>`);
    setHtml($('result-head'), '');
    $('downloads').hidden = true;
  }

  async function run(state) {
    const { where, prefixLen } = whereOf(state);
    for (const [key, p] of Object.entries(PRESETS)) $(`preset-${key}`).setAttribute('aria-pressed', String(state.filter.trim() === p.filter));
    $('filter-input').removeAttribute('aria-invalid');
    if (!where) {
      request.abort();
      lastDoc = null;
      empty('Choose a preset or type a filter to list areas.');
      outline(state, '');
      clearMessage('filter');
      return;
    }
    const totals = $('totals');
    totals.setAttribute('aria-busy', 'true');
    let doc;
    try {
      doc = await request.run((signal) => api.areas({ where, sort: sortFor(ctx.data.byId.get(state.layer)), limit: LIST_LIMIT }, { signal }));
    } catch (e) {
      if (isAbort(e)) return;
      totals.removeAttribute('aria-busy');
      lastDoc = null;
      empty('No list: the filter could not be run.');
      outline(state, '');
      if (e instanceof ApiError && e.kind === 'http') {
        $('filter-input').setAttribute('aria-invalid', 'true');
        showMessage('error', errorHtml(e, 'The filter is not valid', where, prefixLen), 'filter');
      } else {
        showMessage('error', errorHtml(e, 'Listing areas'), 'network');
      }
      return;
    }
    totals.removeAttribute('aria-busy');
    clearMessage('filter');
    clearMessage('network');
    lastDoc = doc;
    renderList(state, doc);
    $('download-csv').href = listUrl(state, 'csv');
    $('download-geojson').href = listUrl(state, 'geojson');
    $('downloads').hidden = false;
    outline(state, where);
  }

  function renderList(state, doc) {
    const L = ctx.data.byId.get(state.layer);
    const t = doc.totals || {};
    const totals = $('totals');
    totals.dataset.count = String(doc.count);
    const cid = ctx.data.byId.get(LAYER_IDS.CHILDREN_INCOME_DEPRIVED);
    setHtml(totals, html`
      <p class="totals-main"><strong data-testid="totals-count">${fmt.count(doc.count)}</strong> ${fmt.plural(doc.count, 'area')}
        · <strong>${fmt.count(t.population)}</strong> people
        · <strong>${fmt.count(t.children)}</strong> children (0–15)</p>
      ${Number.isFinite(t.children_income_deprived) && html`<p class="totals-sub">${fmt.count(t.children_income_deprived)} children in income-deprived families${cid?.method === 'estimate' && ' (estimate)'}</p>`}
      ${doc.returned < doc.count && html`<p class="totals-sub">Showing the first ${fmt.count(doc.returned)}; downloads include all.</p>`}`);
    const rows = (doc.areas || []).map((a, i) => {
      const v = a[L.id];
      return html`<li data-testid="result-row" data-code="${a.code}" class="${a.code === state.area ? 'current' : ''}">
        <button type="button" class="row" data-code="${a.code}" aria-label="${`${a.name} (${a.code}), ${a.district}: ${L.title} ${fmt.withUnit(v, L.unit)}. Open profile`}">
          <span class="n">${i + 1}</span>
          <span class="who"><span class="nm">${a.name}</span><span class="cd">${a.code} · ${a.district}</span></span>
          <span class="v">${fmt.value(v, L.unit)}</span>
        </button></li>`;
    });
    setHtml($('result-list'), doc.count ? rows : html`<li class="empty">No area matches this filter.</li>`);
    setHtml($('result-head'), doc.count > 0 && html`<span>Area</span><span>${L.title}${L.unit && L.unit !== 'decile' && ` (${L.unit})`}</span>`);
  }

  function markCurrent(code) {
    for (const li of $('result-list').querySelectorAll('li[data-code]')) li.classList.toggle('current', li.dataset.code === code);
  }

  return {
    render(state, prev, changed) {
      if (changed.has('filter')) $('filter-input').value = state.filter;
      // a new layer re-sorts the list worst-first, but only when a list is shown
      if (changed.has('filter') || changed.has('district') || (changed.has('layer') && lastDoc)) run(state);
      if (changed.has('area')) markCurrent(state.area);
    },
  };
}
