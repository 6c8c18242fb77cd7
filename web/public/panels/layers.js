// "What to map": the layer chooser, the legend, the map title and the attribution.
import { html, setHtml } from '../html.js';
import * as fmt from '../format.js';
import { classes, colourExpression, legendRows, MISSING_COLOUR } from '../classify.js';
import { placeName, words } from '../region.js';
import { isCategorical, isDiverging, changeClasses, CHANGE_ENDS, categoryExpression, categoryRows, vintageLine } from '../vintage.js';

export const GROUP_ORDER = ['deprivation', 'children', 'domains', 'gp_access', 'population'];
export const GROUP_LABELS = {
  deprivation: 'Deprivation (IMD)',
  children: 'Children',
  domains: 'Domains of deprivation',
  gp_access: 'GP access',
  population: 'Population',
  change: 'Change since 2019',
};
export const METHOD_WORDS = {
  official: 'Official statistic, as published.',
  computed: 'Computed by needsmap from the official source.',
  estimate: 'Estimate made by needsmap — not an official statistic.',
  network: 'Computed by needsmap on the OpenStreetMap path and road network.',
  reference: 'Reference figure from an earlier official release (older vintage or geography).',
};

export const OGL_ATTRIBUTION =
  'Contains public sector information licensed under the Open Government Licence v3.0. ' +
  'Contains OS data © Crown copyright and database right 2025. ' +
  'Contains Royal Mail data © Royal Mail copyright and database right 2025. ' +
  'Contains National Statistics data © Crown copyright and database right 2025.';
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

/** Attribution lines: OGL always, ODbL when a network-routed layer is on screen. */
export function attributionLines(networkShown) {
  return networkShown ? [OGL_ATTRIBUTION, OSM_ATTRIBUTION] : [OGL_ATTRIBUTION];
}

/** Groups in display order, each with its layers: [[group, layers], …]. */
export function grouped(layers, groupOf = (l) => l.group) {
  const groups = new Map();
  for (const l of layers) {
    const g = groupOf(l) || 'other';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(l);
  }
  const order = [...GROUP_ORDER.filter((g) => groups.has(g)), ...[...groups.keys()].filter((g) => !GROUP_ORDER.includes(g))];
  return order.map((g) => [g, groups.get(g)]);
}

export const groupLabel = (g) => GROUP_LABELS[g] || g.replace(/_/g, ' ');

/** A layer's title, marked "(estimate)" or "(network)" unless the title already says so. */
export function withMethod(l) {
  if ((l.method === 'estimate' || l.method === 'network') && !l.title.toLowerCase().includes(l.method)) return `${l.title} (${l.method})`;
  return l.title;
}

export function methodBadge(method) {
  return method ? html`<span class="badge badge-${method}" data-testid="method-badge">${method}</span>` : '';
}

const $ = (id) => document.getElementById(id);

/**
 * How a layer is coloured: its classes (for the legend and the PNG) and the fill expression.
 * Change layers are diverging (decile change) or categorical (top-10% status); others follow
 * their class breaks.
 */
export function layerStyle(L) {
  if (isCategorical(L)) return { cls: categoryRows(), rows: categoryRows(), expression: categoryExpression(L.id) };
  if (isDiverging(L)) {
    const cls = changeClasses();
    return { cls, rows: cls.map((c, i) => ({ colour: c.colour, label: c.label, end: i === 0 ? CHANGE_ENDS[0] : i === cls.length - 1 ? CHANGE_ENDS[1] : '' })), expression: colourExpression(L.id, cls) };
  }
  const cls = classes(L);
  return { cls, rows: legendRows(L, cls), expression: colourExpression(L.id, cls) };
}

/** The line naming the vintage and geography on screen: "IMD 2025 · LSOA 2021". */
export const vintageOf = (ctx) => vintageLine(ctx.data.vintage, ctx.data.region.geography);

export function layersPanel(ctx) {
  let folded = false;
  let style = { cls: [], rows: [] };

  const sel = $('layer-select');
  function fillOptions() {
    sel.replaceChildren();
    for (const [g, ls] of grouped(ctx.data.layers)) {
      const og = document.createElement('optgroup');
      og.label = groupLabel(g);
      for (const l of ls) og.appendChild(new Option(withMethod(l), l.id));
      sel.appendChild(og);
    }
  }
  fillOptions();
  sel.addEventListener('change', (e) => ctx.store.setState({ layer: e.target.value }));
  $('gp-toggle').addEventListener('change', (e) => ctx.store.setState({ gp: e.target.checked }));

  function legend(L) {
    const rows = style.rows;
    const stepped = L.unit === 'decile' && style.cls.length >= 5 && !isDiverging(L);
    const swatches = stepped
      ? html`<div class="legend-steps" role="list">${rows.map((r) => html`<span role="listitem" class="step" style="background:${r.colour}" title="${r.label}"><span class="sr-only">${r.label}</span></span>`)}</div>
        <div class="legend-step-labels" aria-hidden="true">${rows.map((r) => html`<span>${r.label}</span>`)}</div>
        <div class="legend-ends"><span>${rows[0]?.end}</span><span>${rows[rows.length - 1]?.end}</span></div>`
      : html`<ul class="legend-rows">${rows.map((r) => html`<li><span class="swatch" style="background:${r.colour}"></span><span>${r.label}</span>${r.end && html`<span class="end">${r.end}</span>`}</li>`)}</ul>`;
    const missing = Number.isFinite(L.missing) && L.missing > 0 &&
      html`<div class="legend-missing"><span class="swatch" style="background:${MISSING_COLOUR}"></span>No data (${fmt.count(L.missing)} ${fmt.plural(L.missing, 'area')})</div>`;
    const estimate = L.method === 'estimate' &&
      html`<div class="legend-estimate" data-testid="legend-estimate"><strong>Estimate</strong>: read it as an indication, not a measurement.
        ${L.description && html`<details><summary>How this estimate is made</summary><p>${L.description}</p></details>`}</div>`;
    const about = L.method !== 'estimate' && L.description &&
      html`<details class="legend-about"><summary>About this layer</summary><p>${L.description}</p></details>`;
    const el = $('legend');
    setHtml(el, html`
      <button type="button" class="legend-toggle" id="legend-toggle" aria-expanded="${String(!folded)}" aria-controls="legend-body"
        title="Show or hide the legend details">${folded ? 'Show' : 'Hide'}</button>
      <h2 class="legend-title" data-testid="legend-title">${L.title}</h2>
      ${vintageOf(ctx) && html`<p class="legend-vintage" data-testid="legend-vintage">${vintageOf(ctx)}</p>`}
      <div id="legend-body" ${folded ? html`hidden` : ''}>
      <div class="legend-unit">${L.unit && `${L.unit} · `}${methodBadge(L.method)}</div>
      ${swatches}${missing}
      <dl class="legend-meta" data-testid="legend-source">
        <dt>Source</dt><dd>${L.source_title || L.source || 'not stated'}${L.licence && ` (${L.licence})`}</dd>
        ${L.vintage && html`<dt>Vintage</dt><dd>${L.vintage}</dd>`}
        <dt>Method</dt><dd data-testid="legend-method">${METHOD_WORDS[L.method] || L.method || 'not stated'}</dd>
      </dl>
      ${estimate}${about}</div>`);
    el.dataset.layer = L.id;
    $('legend-toggle').addEventListener('click', () => {
      folded = !folded;
      legend(L);
      $('legend-toggle').focus();
    });
  }

  function title(state) {
    const L = ctx.data.byId.get(state.layer);
    const place = placeName(ctx.data.region, state.district);
    setHtml($('map-title'), html`<span class="t">${L?.title || ''}</span><span class="s">${[place, vintageOf(ctx)].filter(Boolean).join(' · ')}</span>`);
    document.title = words.documentTitle(L?.title, place);
  }

  function attribution(state) {
    setHtml($('attribution'), attributionLines(ctx.networkShown(state)).map((l) => html`<p>${l}</p>`));
  }

  return {
    /** The classes of the layer on screen (the PNG legend uses them). */
    classes: () => style.cls,
    /** Legend rows of the layer on screen, with their end words. */
    rows: () => style.rows,
    render(state, prev, changed) {
      if (changed.has('vintage')) fillOptions();
      if (changed.has('layer') || changed.has('vintage')) {
        const L = ctx.data.byId.get(state.layer);
        sel.value = state.layer;
        if (L) {
          style = layerStyle(L);
          ctx.mapView?.setFill(style.expression);
          legend(L);
        }
      }
      if (changed.has('gp')) {
        $('gp-toggle').checked = state.gp;
        ctx.mapView?.setGpVisible(state.gp);
      }
      if (changed.has('layer') || changed.has('district') || changed.has('vintage')) title(state);
      attribution(state);
    },
  };
}
