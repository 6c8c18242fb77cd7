// "Summaries": a table of districts (= locality partnerships), wards or MSOAs from
// /api/summary, a choropleth of the same rows on the map (their outlines, dissolved from the
// LSOAs by the server), and a click-through from a row (or its shape) to its LSOAs. Ward figures
// say how LSOAs were assigned (by population-weighted centroid). Pure parts: ../summary.js.
import { getJson } from '../api.js';
import { html, setHtml } from '../html.js';
import { ML } from '../mapstyle.js';
import { LEVELS, MEASURES, colourise, clickThrough, profileHref, showMeasure, summaryUrl, measureOf, measureFor, measureAvailable, measureNote, levelLabel, SUMMARY_COLOURS } from '../summary.js';

const SOURCE = 'summary';
const FILL = 'summary-fill';
const LINE = 'summary-line';

function section() {
  const el = document.createElement('section');
  el.className = 'panel';
  el.id = 'summary-panel';
  el.setAttribute('aria-labelledby', 'h-summary');
  el.dataset.testid = 'summary-panel';
  el.innerHTML = `<h2 id="h-summary">Summaries</h2>
    <div class="field-row">
      <div class="field"><label for="summary-level">By</label><select id="summary-level" data-testid="summary-level"></select></div>
      <div class="field"><label for="summary-measure">Colour by</label><select id="summary-measure" data-testid="summary-measure"></select></div>
    </div>
    <label class="check"><input type="checkbox" id="summary-map" data-testid="summary-map"> Show on the map</label>
    <p id="summary-method" class="muted small" data-testid="summary-method"></p>
    <div id="summary-table" class="summary-table" data-testid="summary-table"></div>
    <p class="small"><a id="summary-csv" data-testid="summary-csv" href="#" download>Download CSV</a></p>`;
  return el;
}

export function summaryPanel(ctx) {
  const el = section();
  const postcode = document.getElementById('h-postcode')?.closest('section');
  const side = document.getElementById('controls');
  if (postcode) side.insertBefore(el, postcode);
  else side.appendChild(el);
  const $ = (id) => el.querySelector(`#${id}`);
  setHtml($('summary-level'), LEVELS.map((l) => html`<option value="${l.id}">${levelLabel(l.id, ctx.data.vintage)}</option>`));
  setHtml($('summary-measure'), MEASURES.map((m) => html`<option value="${m.id}">${m.label}</option>`));
  // `vintage`: the one the page shows (ctx.data.vintage); a switch reloads the summary in it
  const local = { level: 'district', measure: MEASURES[0].id, onMap: false, doc: null, fc: null, minutes: ctx.store.state.minutes || 45, vintage: ctx.data.vintage || '' };
  let seq = 0;

  function ensureLayers() {
    const m = ctx.mapView?.map;
    if (!m || m.getSource(SOURCE)) return;
    m.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    const before = m.getLayer(ML.DISTRICTS_CASING) ? ML.DISTRICTS_CASING : undefined;
    m.addLayer({ id: FILL, type: 'fill', source: SOURCE, paint: { 'fill-color': ['get', '_colour'], 'fill-opacity': 0.85 }, layout: { visibility: 'none' } }, before);
    m.addLayer({ id: LINE, type: 'line', source: SOURCE, paint: { 'line-color': '#333333', 'line-width': 1.2 }, layout: { visibility: 'none' } }, before);
    m.on('click', FILL, (e) => {
      const f = e.features?.[0];
      if (f) go(f.properties);
    });
  }

  function go(row) {
    const patch = clickThrough(local.level, row, local.vintage);
    if (patch.filter !== undefined) {
      const input = document.getElementById('filter-input');
      if (input) input.value = patch.filter;
    }
    ctx.store.setState(patch);
    window.needsmap.lastSummaryClick = { level: local.level, code: row.code, patch };
  }

  function drawMap() {
    const m = ctx.mapView?.map;
    if (!m) return;
    ensureLayers();
    const vis = local.onMap && local.fc ? 'visible' : 'none';
    if (local.fc) {
      const { data, breaks } = colourise(local.fc, measureFor(local.doc, local.measure));
      m.getSource(SOURCE).setData(data);
      local.breaks = breaks;
    }
    m.setLayoutProperty(FILL, 'visibility', vis);
    m.setLayoutProperty(LINE, 'visibility', vis);
  }

  function drawTable() {
    const d = local.doc;
    if (!d) return;
    const measure = MEASURES.find((x) => x.id === measureFor(d, local.measure));
    const noPeople = d.region_total.population === null;
    // a measure this vintage cannot give is offered disabled, saying why
    for (const o of $('summary-measure').options) {
      o.disabled = !measureAvailable(d, o.value);
      o.title = o.disabled ? measureNote(d, o.value) : '';
    }
    const note = measureNote(d, local.measure);
    $('summary-method').textContent = `${d.vintage}. ${d.method} Child poverty: ${d.child_poverty}${noPeople ? ` ${d.notes.find((n) => n.startsWith('No population')) || ''}` : ''}${note ? ` ${note}` : ''}`;
    const estimate = (d.gp_modes || []).filter((g) => g.estimate).map((g) => g.mode);
    const walk = (r) => r.gp_beyond.find((g) => g.mode === 'walk');
    const rows = d.rows.map((r) => {
      const href = profileHref(d.by, r, local.vintage);
      return html`<tr data-testid="summary-row" data-code="${r.code}">
        <th scope="row"><button type="button" class="link" data-code="${r.code}">${r.name}</button>${href && html` <a class="small" href="${href}" target="_blank" rel="noopener" data-testid="profile-link">profile</a>`}</th>
        <td class="n">${r.lsoas}</td><td class="n">${showMeasure(r.population, 'count')}</td>
        <td class="n">${showMeasure(measureOf(r, measure.id), measure.kind)}</td>
        <td class="n">${showMeasure(walk(r)?.people ?? null, 'count')}</td></tr>`;
    });
    const t = d.region_total;
    setHtml($('summary-table'), html`<table class="summary">
      <thead><tr><th scope="col">${levelLabel(d.by, local.vintage)}</th><th scope="col" class="n">LSOAs</th><th scope="col" class="n">People</th>
      <th scope="col" class="n">${measure.label}</th><th scope="col" class="n">People &gt;${d.minutes} min walk to a GP${estimate.includes('walk') && html` <span class="badge">estimate</span>`}</th></tr></thead>
      <tbody>${rows}</tbody>
      <tfoot><tr><th scope="row">${t.name}</th><td class="n">${t.lsoas}</td><td class="n">${showMeasure(t.population, 'count')}</td><td class="n">${showMeasure(measureOf(t, measure.id), measure.kind)}</td><td class="n">${showMeasure(walk(t)?.people ?? null, 'count')}</td></tr></tfoot></table>
      <p class="muted small">Colours: ${SUMMARY_COLOURS.length} classes, light = least, dark = most.</p>`);
    $('summary-csv').href = summaryUrl(d.by, local.minutes, 'csv', local.vintage);
  }

  async function load() {
    const mine = ++seq;
    el.dataset.state = 'loading';
    try {
      const url = (format) => summaryUrl(local.level, local.minutes, format, local.vintage);
      const [doc, fc] = await Promise.all([getJson(url()), local.onMap ? getJson(url('geojson')) : Promise.resolve(null)]);
      if (mine !== seq) return;
      local.doc = doc;
      local.fc = fc;
      drawTable();
      drawMap();
      el.dataset.state = 'ready';
      el.dataset.level = local.level;
      el.dataset.vintage = local.vintage;
    } catch (e) {
      if (mine !== seq) return;
      el.dataset.state = 'error';
      setHtml($('summary-table'), html`<p class="hint">The summary could not be loaded: ${e.detail || e.message}</p>`);
    }
  }

  $('summary-level').addEventListener('change', (e) => {
    local.level = e.target.value;
    load();
  });
  $('summary-measure').addEventListener('change', (e) => {
    local.measure = e.target.value;
    drawTable();
    drawMap();
  });
  $('summary-map').addEventListener('change', (e) => {
    local.onMap = e.target.checked;
    if (local.onMap && !local.fc) load();
    else drawMap();
  });
  $('summary-table').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-code]');
    if (!b || !local.doc) return;
    const row = local.doc.rows.find((r) => r.code === b.dataset.code);
    if (row) go(row);
  });
  window.needsmap.summary = { load, get state() { return { ...local }; } };
  load();

  return {
    render(state, prev, changed) {
      const vintage = ctx.data.vintage || '';
      const minutes = changed.has('minutes') && state.minutes && state.minutes !== local.minutes;
      if (minutes || vintage !== local.vintage) {
        if (minutes) local.minutes = state.minutes;
        local.vintage = vintage;
        for (const o of $('summary-level').options) o.textContent = levelLabel(o.value, vintage);
        local.fc = null;
        load();
      }
    },
  };
}
