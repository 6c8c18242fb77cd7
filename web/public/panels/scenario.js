// "What if a surgery closed or opened?": GP sites closed by a click on the map, new sites added by a
// click or a postcode, the answer of /api/scenario by IMD decile, and the areas that lose or gain
// access highlighted through feature-state on the area tiles (feature id = area index). The
// scenario is part of the state, so it lives in the URL and a link shares it.
import { api, latest, isAbort } from '../api.js';
import { html, setHtml } from '../html.js';
import * as fmt from '../format.js';
import { SRC, ML, SOURCE_LAYER } from '../mapstyle.js';
import { MAX_SCENARIO_CHANGES, SCENARIO_PT_MODES } from '../urlstate.js';
import { LAYER_IDS, ABSENT_CAUSES } from '../generated/layers.js';
import { showMessage, clearMessage, errorHtml } from '../messages.js';
import { MODE_WORDS } from './access.js';
import { methodBadge } from './layers.js';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// pure parts (tests/scenario.test.mjs)

/** The codes closed, from the state's comma-separated `close`. */
export const closedCodes = (close) => (close ? close.split(',').filter(Boolean) : []);
/** The new sites, from the state's `;`-separated `open`. */
export const openSites = (open) => (open ? open.split(';').filter(Boolean) : []);

/** True when the state holds a scenario. */
export const hasScenario = (s) => !!(s.close || s.open);

/** How many more sites the scenario may change. */
export const room = (s) => MAX_SCENARIO_CHANGES - closedCodes(s.close).length - openSites(s.open).length;

/** `close` with `code` closed, or reopened when it was closed already. */
export function toggleClose(close, code) {
  const c = closedCodes(close);
  const k = String(code).toUpperCase();
  return (c.includes(k) ? c.filter((x) => x !== k) : [...c, k]).join(',');
}

/** `open` with one more site (a postcode, or "lon,lat" from a click, rounded to ~1 m). */
export function addOpen(open, spec) {
  const v = typeof spec === 'string' ? spec.trim() : `${spec.lon.toFixed(5)},${spec.lat.toFixed(5)}`;
  return v ? [...openSites(open), v].join(';') : open;
}

/** `open` without its i-th site. */
export function removeOpen(open, i) {
  return openSites(open).filter((_, j) => j !== i).join(';');
}

/** The API path of a scenario: `close` once (comma-separated), `open` repeated. */
export function scenarioPath({ close, open, mode, minutes }) {
  const parts = [];
  if (close) parts.push(`close=${encodeURIComponent(close)}`);
  for (const o of openSites(open)) parts.push(`open=${encodeURIComponent(o)}`);
  parts.push(`mode=${encodeURIComponent(mode)}`, `minutes=${encodeURIComponent(minutes)}`);
  return `/api/scenario?${parts.join('&')}`;
}

/**
 * The highlight of each changed area, by feature id: `lose`/`gain` when it crosses the threshold,
 * otherwise `worse`/`better` by the sign of the change (`worse` when no longer reachable).
 */
export function highlights(answer) {
  const m = new Map();
  for (const c of answer?.changes || []) {
    const how = c.crossing || (c.delta_min === null || c.delta_min === undefined ? (c.after_min === null ? 'worse' : 'better') : c.delta_min > 0 ? 'worse' : 'better');
    m.set(c.feature_id, how);
  }
  return m;
}

/** One row per IMD decile: areas/people/children whose time changes, and who loses or gains access. */
export function decileRows(answer) {
  const rows = new Map();
  const row = (d) => {
    if (!rows.has(d)) rows.set(d, { decile: d, areas: 0, people: 0, children: 0, losePeople: 0, gainPeople: 0, loseAreas: 0, gainAreas: 0 });
    return rows.get(d);
  };
  for (const d of answer?.by_imd_decile || []) Object.assign(row(d.decile), { areas: d.areas, people: d.people, children: d.children });
  for (const d of answer?.threshold?.lose?.by_imd_decile || []) Object.assign(row(d.decile), { loseAreas: d.areas, losePeople: d.people });
  for (const d of answer?.threshold?.gain?.by_imd_decile || []) Object.assign(row(d.decile), { gainAreas: d.areas, gainPeople: d.people });
  return [...rows.values()].sort((a, b) => a.decile - b.decile);
}

/** Public-transport modes: their layer, the label in the mode list and words for the answer. */
export const PT_MODES = Object.freeze({
  pt: { layer: LAYER_IDS.GP_PT_MIN, label: 'Public transport', words: 'by public transport (at least one bus or train)' },
  walk_or_pt: { layer: LAYER_IDS.GP_PT_WALK_MIN, label: 'Walk or public transport', words: 'walking or by public transport, whichever is quicker' },
});

/**
 * Why public transport is not offered, in plain words, from the cause the server recorded for
 * the layer (`/api/layers` → `absent[].cause`). Other causes show the recorded reason, tidied.
 * `hasReference`: the server has DfT's 2013 journey times (gp_pt_walk_min_2013) to point to.
 */
export function ptReasonWords(absent, hasReference = false) {
  const ref = hasReference ? " Until then, the Department for Transport's 2013 journey times are the reference." : '';
  switch (absent?.cause) {
    case ABSENT_CAUSES.NO_TIMETABLE:
      return `Not available yet: this server has no bus or train timetable. Its administrator can add one (a GTFS file, such as the Bus Open Data Service timetable for the South West, in the data folder transit/gtfs).${ref}`;
    case ABSENT_CAUSES.NO_WALK_NETWORK:
      return `Not available yet: the server has bus or train timetables, but not the map of streets and footpaths (OpenStreetMap) needed to walk to and from the stops.${ref}`;
    default: {
      const plain = String(absent?.reason || '').trim().replace(/^absent( on this server)?:\s*/i, '');
      return plain ? `Not available: ${plain.charAt(0).toUpperCase()}${plain.slice(1)}${/[.!?]$/.test(plain) ? '' : '.'}` : 'Not available on this server.';
    }
  }
}

/**
 * The public-transport choices of the scenario's mode list: offered when the server has the
 * layer, otherwise shown disabled with the recorded cause in plain words.
 * `byId`: layers by id (present); `absent`: [{id, cause, reason}] from /api/layers.
 */
export function ptChoices(byId, absent) {
  const hasReference = Boolean(byId?.get(LAYER_IDS.GP_PT_WALK_MIN_2013));
  return SCENARIO_PT_MODES.map((mode) => {
    const { layer, label } = PT_MODES[mode];
    if (byId?.get(layer)) return { mode, label, enabled: true, reason: '' };
    const why = (absent || []).find((a) => a.id === layer) || { reason: 'this server has no such layer' };
    return { mode, label, enabled: false, reason: ptReasonWords(why, hasReference) };
  });
}

/** The mode a scenario is routed by: the chosen public-transport mode when offered, else `mode`. */
export function scenarioMode({ mode, smode }, choices) {
  return smode && choices.some((c) => c.mode === smode && c.enabled) ? smode : mode;
}

/** Words for an answer's mode ("walking", "by public transport …"). */
export const modeWords = (mode) => PT_MODES[mode]?.words || MODE_WORDS[mode] || mode;

// ---------------------------------------------------------------------------------------------
// the panel

/** Colours of the highlight (red loses access, green gains; lighter when no threshold is crossed). */
export const HIGHLIGHT = { lose: '#c92a2a', gain: '#2b8a3e', worse: '#f08c00', better: '#74b816' };
const SITES = 'scenario-sites';
const SITE_LAYER = 'scenario-sites';
const LINE_LAYER = 'scenario-line';

export function scenarioPanel(ctx) {
  const request = latest();
  const out = $('scenario-result');
  const map = ctx.mapView.map;
  let shown = new Map(); // feature id → highlight on the map now
  let answer = null;
  const editing = () => $('scenario-edit').checked;

  map.addSource(SITES, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const state = ['get', 'state'];
  map.addLayer({
    id: SITE_LAYER,
    type: 'circle',
    source: SITES,
    paint: {
      'circle-radius': 8,
      'circle-color': ['match', state, 'closed', '#ffffff', '#2b8a3e'],
      'circle-stroke-color': ['match', state, 'closed', '#c92a2a', '#ffffff'],
      'circle-stroke-width': 3,
    },
  });
  const hl = ['feature-state', 'scenario'];
  map.addLayer(
    {
      id: LINE_LAYER,
      type: 'line',
      source: SRC.AREAS,
      'source-layer': SOURCE_LAYER,
      paint: {
        'line-color': ['match', hl, 'lose', HIGHLIGHT.lose, 'gain', HIGHLIGHT.gain, 'worse', HIGHLIGHT.worse, 'better', HIGHLIGHT.better, 'rgba(0,0,0,0)'],
        'line-width': ['match', hl, 'lose', 3.5, 'gain', 3.5, 'worse', 2, 'better', 2, 0],
      },
      layout: { 'line-join': 'round' },
    },
    ML.GP_CIRCLES,
  );

  const set = (patch) => ctx.store.setState(patch);
  const modeSel = $('scenario-mode');
  let choices = [];
  /** The mode list for the data loaded now (another vintage may differ). */
  function fillModes(s) {
    choices = ptChoices(ctx.data.byId, ctx.data.absent);
    const follow = new Option(`As the travel mode above (${MODE_WORDS[s.mode] || s.mode})`, '');
    modeSel.replaceChildren(follow, ...choices.map((c) => {
      const o = new Option(c.enabled ? c.label : `${c.label} (not available)`, c.mode);
      o.disabled = !c.enabled;
      if (!c.enabled) o.title = c.reason;
      return o;
    }));
    modeSel.value = scenarioMode(s, choices) === s.smode ? s.smode : '';
    const off = choices.filter((c) => !c.enabled);
    const note = $('scenario-mode-note');
    // the reasons in the page itself too: a disabled option's tooltip is not shown everywhere
    note.textContent = off.length ? `${off.map((c) => c.label).join(' and ')}: ${[...new Set(off.map((c) => c.reason))].join(' ')}` : '';
    note.hidden = !off.length;
  }
  modeSel.addEventListener('change', (e) => set({ smode: e.target.value }));
  map.on('click', (e) => {
    if (!editing()) return;
    const gp = map.getLayer(ML.GP_CIRCLES) ? map.queryRenderedFeatures(e.point, { layers: [ML.GP_CIRCLES, SITE_LAYER] }) : [];
    const s = ctx.store.state;
    const hit = gp[0];
    if (hit?.layer.id === SITE_LAYER) {
      const p = hit.properties;
      if (p.state === 'closed') set({ close: toggleClose(s.close, p.code) });
      else set({ open: removeOpen(s.open, Number(p.index)) });
    } else if (hit) {
      if (!closedCodes(s.close).includes(hit.properties.code) && room(s) <= 0) return tooFull();
      set({ close: toggleClose(s.close, hit.properties.code) });
    } else {
      if (room(s) <= 0) return tooFull();
      set({ open: addOpen(s.open, { lon: e.lngLat.lng, lat: e.lngLat.lat }) });
    }
  });
  function tooFull() {
    showMessage('warning', html`A scenario changes at most ${MAX_SCENARIO_CHANGES} sites: remove one first.`, 'scenario');
  }
  $('scenario-edit').addEventListener('change', () => {
    map.getCanvas().classList.toggle('picking', editing());
  });
  $('scenario-postcode-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const pc = $('scenario-postcode').value.trim();
    if (!pc) return;
    if (room(ctx.store.state) <= 0) return tooFull();
    set({ open: addOpen(ctx.store.state.open, pc) });
    $('scenario-postcode').value = '';
  });
  $('scenario-reset').addEventListener('click', () => set({ close: '', open: '' }));
  $('scenario-changes').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-undo]');
    if (!b) return;
    const s = ctx.store.state;
    if (b.dataset.undo === 'close') set({ close: toggleClose(s.close, b.dataset.code) });
    else set({ open: removeOpen(s.open, Number(b.dataset.index)) });
  });

  function paint(next) {
    const key = (id) => ({ source: SRC.AREAS, sourceLayer: SOURCE_LAYER, id });
    for (const id of shown.keys()) if (!next.has(id)) map.setFeatureState(key(id), { scenario: null });
    for (const [id, how] of next) if (shown.get(id) !== how) map.setFeatureState(key(id), { scenario: how });
    shown = next;
  }

  function drawSites(doc) {
    const f = (site, st, index) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [site.lon, site.lat] }, properties: { code: site.code, name: site.name, state: st, index } });
    const features = doc ? [...doc.closed.map((s) => f(s, 'closed', -1)), ...doc.opened.map((s, i) => f(s, 'opened', i))] : [];
    map.getSource(SITES).setData({ type: 'FeatureCollection', features });
  }

  function listChanges(s, doc) {
    const closed = closedCodes(s.close);
    const opened = openSites(s.open);
    const nameOf = (code) => doc?.closed.find((x) => x.code === code)?.name;
    setHtml($('scenario-changes'), html`${closed.map((c) => html`<li data-testid="scenario-closed">Close <strong>${c}</strong> ${nameOf(c) ? fmt.titleCase(nameOf(c)) : ''}
        <button type="button" class="link" data-undo="close" data-code="${c}" aria-label="Keep ${c} open">undo</button></li>`)}
      ${opened.map((o, i) => html`<li data-testid="scenario-opened">Open a site at <strong>${o}</strong>
        <button type="button" class="link" data-undo="open" data-index="${i}" aria-label="Remove the new site at ${o}">undo</button></li>`)}`);
    $('scenario-reset').disabled = !closed.length && !opened.length;
  }

  function table(doc) {
    const rows = decileRows(doc);
    if (!rows.length) return '';
    const t = doc.threshold;
    return html`<table class="scenario-table" data-testid="scenario-table">
      <caption>By IMD 2019 national decile (1 = most deprived)</caption>
      <thead><tr><th scope="col">Decile</th><th scope="col">Areas changing</th><th scope="col">People</th><th scope="col">Children</th>
        <th scope="col">People losing access</th><th scope="col">People gaining access</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr data-decile="${r.decile}"><th scope="row">${r.decile}</th><td>${fmt.count(r.areas)}</td><td>${fmt.count(r.people)}</td><td>${fmt.count(r.children)}</td>
        <td>${fmt.count(r.losePeople)}</td><td>${fmt.count(r.gainPeople)}</td></tr>`)}</tbody>
      <tfoot><tr><th scope="row">All</th><td data-testid="scenario-areas">${fmt.count(doc.changes.length)}</td><td>${fmt.count(rows.reduce((a, r) => a + r.people, 0))}</td>
        <td>${fmt.count(rows.reduce((a, r) => a + r.children, 0))}</td><td data-testid="scenario-lose">${fmt.count(t?.lose.people ?? 0)}</td><td data-testid="scenario-gain">${fmt.count(t?.gain.people ?? 0)}</td></tr></tfoot>
    </table>`;
  }

  async function run(s) {
    listChanges(s, answer);
    if (!hasScenario(s)) {
      request.abort();
      answer = null;
      setHtml(out, '');
      delete out.dataset.method;
      paint(new Map());
      drawSites(null);
      clearMessage('scenario');
      return;
    }
    out.setAttribute('aria-busy', 'true');
    let doc;
    try {
      const mode = scenarioMode(s, choices);
      if (PT_MODES[mode]) setHtml(out, html`<p class="muted small" data-testid="scenario-wait">Routing public transport minute by minute for every area: this can take a minute.</p>`);
      doc = await request.run((signal) => api.scenario(scenarioPath({ ...s, mode }), { signal }));
    } catch (e) {
      if (isAbort(e)) return;
      out.removeAttribute('aria-busy');
      setHtml(out, html`<p class="muted">No answer for this scenario.</p>`);
      paint(new Map());
      showMessage('error', errorHtml(e, 'Computing the scenario'), e.kind === 'network' ? 'network' : 'scenario');
      return;
    }
    out.removeAttribute('aria-busy');
    clearMessage('scenario');
    answer = doc;
    out.dataset.method = doc.method;
    listChanges(s, doc);
    drawSites(doc);
    paint(highlights(doc));
    setHtml(out, html`<p class="summary" data-testid="scenario-summary">${doc.summary} ${methodBadge(doc.method)}</p>
      <p class="muted small">Times ${modeWords(doc.mode)}, threshold ${fmt.count(s.minutes)} min (set above).
        <span class="swatch" style="border-color:${HIGHLIGHT.lose}"></span> loses access
        <span class="swatch" style="border-color:${HIGHLIGHT.gain}"></span> gains access
        <span class="swatch" style="border-color:${HIGHLIGHT.worse}"></span> further
        <span class="swatch" style="border-color:${HIGHLIGHT.better}"></span> nearer</p>
      ${table(doc)}`);
  }

  return {
    /** True while clicks on the map edit the scenario (they then open no profile). */
    editing,
    render(s, prev, changed) {
      if (['mode', 'smode', 'vintage'].some((k) => changed.has(k))) fillModes(s);
      if (['close', 'open', 'mode', 'minutes', 'smode'].some((k) => changed.has(k))) run(s);
    },
  };
}
