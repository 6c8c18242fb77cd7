// "GP access threshold": how many areas (and people) are beyond N minutes from a GP by a mode,
// and the hatching of those areas on the map.
import { api, latest, isAbort, tileUrl } from '../api.js';
import { html, setHtml } from '../html.js';
import * as fmt from '../format.js';
import { combinedWhere, beyondFilter } from '../filters.js';
import { placeName } from '../region.js';
import { LAYER_IDS } from '../generated/layers.js';
import { MODES } from '../urlstate.js';
import { SRC, BEYOND_LAYERS } from '../mapstyle.js';
import { showMessage, clearMessage, errorHtml } from '../messages.js';
import { methodBadge } from './layers.js';

export const MODE_WORDS = { walk: 'walking', cycle: 'cycling', car: 'by car' };
export const MODE_LABELS = { walk: 'Walk', cycle: 'Cycle', car: 'Car' };
/** The GP travel-time layer of each mode. */
export const MODE_LAYER_IDS = { walk: LAYER_IDS.GP_WALK_MIN, cycle: LAYER_IDS.GP_CYCLE_MIN, car: LAYER_IDS.GP_CAR_MIN };

/** The modes this server has a GP-time layer for: [{mode, layer}]. */
export function availableModes(byId) {
  return MODES.map((mode) => ({ mode, layer: byId.get(MODE_LAYER_IDS[mode]) })).filter((m) => m.layer);
}

/** "12 areas in Stroud are more than 45 min from a GP walking: …" */
export function beyondSentence({ count, place, minutes, mode }) {
  return `${fmt.count(count)} ${fmt.plural(count, 'area')} in ${place} ${count === 1 ? 'is' : 'are'} more than ${fmt.value(minutes, 'people')} min from a GP ${MODE_WORDS[mode]}`;
}

const $ = (id) => document.getElementById(id);

export function accessPanel(ctx) {
  const request = latest();
  const modes = ctx.data.modes;
  const modeLayer = (mode) => modes.find((m) => m.mode === mode)?.layer || null;

  const sel = $('mode-select');
  for (const { mode, layer } of modes) sel.appendChild(new Option(layer.method === 'estimate' ? `${MODE_LABELS[mode]} (estimate)` : MODE_LABELS[mode], mode));
  const none = modes.length === 0;
  sel.disabled = none;
  $('threshold-input').disabled = none;
  $('beyond-toggle').disabled = none;
  if (none) $('beyond-summary').textContent = 'This server has no GP travel-time layers yet.';

  sel.addEventListener('change', (e) => ctx.store.setState({ mode: e.target.value }));
  const onMinutes = () => {
    const input = $('threshold-input');
    const v = Number(input.value);
    if (!Number.isFinite(v) || v <= 0 || v > 1440) {
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    input.removeAttribute('aria-invalid');
    ctx.store.setState({ minutes: v });
  };
  $('threshold-input').addEventListener('change', onMinutes);
  $('threshold-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') onMinutes();
  });
  $('beyond-toggle').addEventListener('change', (e) => ctx.store.setState({ beyond: e.target.checked }));

  async function run(state) {
    const L = modeLayer(state.mode);
    const out = $('beyond-summary');
    if (!L) {
      request.abort();
      ctx.mapView?.setWhereSource(SRC.BEYOND, '', BEYOND_LAYERS);
      return;
    }
    const { where } = combinedWhere(state.district ? placeName(ctx.data.region, state.district) : '', beyondFilter(L.id, state.minutes));
    out.setAttribute('aria-busy', 'true');
    let doc;
    try {
      doc = await request.run((signal) => api.areas({ where, limit: 1 }, { signal }));
    } catch (e) {
      if (isAbort(e)) return;
      out.removeAttribute('aria-busy');
      out.textContent = 'Could not count the areas beyond the threshold.';
      showMessage('error', errorHtml(e, 'Counting areas beyond the GP threshold', where), e.kind === 'network' ? 'network' : 'beyond');
      return;
    }
    out.removeAttribute('aria-busy');
    clearMessage('beyond');
    const t = doc.totals || {};
    out.dataset.count = String(doc.count);
    const s = beyondSentence({ count: doc.count, place: placeName(ctx.data.region, state.district), minutes: state.minutes, mode: state.mode });
    const [countText, ...rest] = s.split(' ');
    setHtml(out, html`<strong data-testid="beyond-count">${countText}</strong> ${rest.join(' ')}:
      <strong>${fmt.count(t.population)}</strong> people, <strong>${fmt.count(t.children)}</strong> children.
      ${(L.method === 'estimate' || L.method === 'network') && methodBadge(L.method)}
      ${L.missing > 0 && html`<span class="muted">${fmt.count(L.missing)} areas have no time.</span>`}`);
    ctx.mapView?.setWhereSource(SRC.BEYOND, state.beyond ? tileUrl(ctx.data.tileTemplate, { where }) : '', BEYOND_LAYERS);
  }

  return {
    modeLayer,
    render(state, prev, changed) {
      if (changed.has('mode') && modes.length) sel.value = state.mode;
      if (changed.has('minutes')) $('threshold-input').value = String(state.minutes);
      if (changed.has('beyond')) $('beyond-toggle').checked = state.beyond;
      if (['mode', 'minutes', 'beyond', 'district'].some((k) => changed.has(k))) run(state);
    },
  };
}
