// The area profile (click an area or a list row): every layer with national and regional rank,
// the GP times and the nearest GP sites, from `/api/areas/{code}` (tiles carry only what the map
// draws). In static mode, the values the archive holds for the clicked area.
import { api, latest, isAbort, getJson } from '../api.js';
import { html, setHtml } from '../html.js';
import * as fmt from '../format.js';
import { bboxOf, extend } from '../geometry.js';
import { words } from '../region.js';
import { LAYER_IDS } from '../generated/layers.js';
import { quote, REGION_DECILE } from '../filters.js';
import { errorHtml } from '../messages.js';
import { grouped, groupLabel, methodBadge } from './layers.js';
import { MODE_LABELS, MODE_LAYER_IDS } from './access.js';

const $ = (id) => document.getElementById(id);

/** A profile row's rank within the region (named `county_*` by servers before the contract). */
export function regionalRank(l) {
  return {
    rank: l.region_rank ?? l.county_rank,
    decile: l.region_decile ?? l.county_decile,
    of: l.region_of ?? l.county_of,
  };
}

function rankCell(rank, decile, of) {
  if (!Number.isFinite(rank) && !Number.isFinite(decile)) return html`<td class="muted">–</td>`;
  const r = Number.isFinite(rank) ? html`${fmt.count(rank)}${of && html`<span class="muted"> / ${fmt.count(of)}</span>`}` : '–';
  const d = Number.isFinite(decile) && html`<span class="dec" title="decile ${decile}">d${decile}</span>`;
  return html`<td>${r} ${d}</td>`;
}

const closeButton = () => html`<button type="button" class="close" data-testid="profile-close" aria-label="Close area profile">×</button>`;

export function profilePanel(ctx) {
  const request = latest();
  const region = ctx.data.region;
  const panel = $('profile');
  panel.addEventListener('click', (e) => {
    if (e.target.closest('.close')) ctx.store.setState({ area: '' });
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) ctx.store.setState({ area: '' });
  });

  function kpi(label, value, sub) {
    return html`<div class="kpi"><span class="k">${label}</span><span class="v">${value}</span>${sub !== undefined && html`<span class="s">${sub}</span>`}</div>`;
  }

  function renderDoc(doc) {
    const byId = new Map((doc.layers || []).map((l) => [l.id, l]));
    const unitOf = (l) => l.unit || ctx.data.byId.get(l.id)?.unit;
    const imd = byId.get(LAYER_IDS.IMD_DECILE);
    const rdec = byId.get(REGION_DECILE);
    const pop = byId.get(LAYER_IDS.POPULATION);
    const ch = byId.get(LAYER_IDS.CHILDREN);
    const headline = [
      imd && kpi('IMD national decile', fmt.value(imd.value, 'decile'), imd.value === 1 ? 'most deprived 10% in England' : ''),
      rdec && kpi(words.regionDecile(region), fmt.value(rdec.value, 'decile'), rdec.value === 1 ? `most deprived 10% in ${region.name}` : ''),
      pop && kpi('People', fmt.count(pop.value)),
      ch && kpi('Children 0–15', fmt.count(ch.value)),
    ];
    const modes = Object.entries(MODE_LAYER_IDS).map(([m, id]) => ({ m, l: byId.get(id) })).filter((x) => x.l);
    const gpTimes = modes.length > 0 && html`<h3>Time to the nearest GP</h3><div class="modes" data-testid="profile-gp-times">${modes.map(({ m, l }) =>
      html`<div class="mode"><span class="k">${MODE_LABELS[m]}</span><span class="v">${fmt.withUnit(l.value, 'minutes')}</span>${methodBadge(l.method === 'official' ? '' : l.method)}</div>`)}</div>`;
    const sites = (doc.gp_sites || []).length > 0 && html`<h3>Nearest GP sites</h3><ol class="sites" data-testid="profile-gp-sites">${doc.gp_sites.map((s) =>
      html`<li><span class="nm">${fmt.titleCase(s.name)}</span> <span class="muted">${s.code} · ${s.postcode || ''} · ${s.kind || ''}</span>
        <span class="km">${Number.isFinite(s.straight_km) && `${fmt.value(s.straight_km, 'km')} km straight line`}</span></li>`)}</ol>`;
    const regionCount = region.lsoaCount ?? ctx.data.health?.areas;
    const rows = grouped(doc.layers || [], (l) => ctx.data.byId.get(l.id)?.group).map(([g, ls]) => html`
      <tr class="group"><th colspan="4" scope="colgroup">${groupLabel(g)}</th></tr>
      ${ls.map((l) => {
        const rr = regionalRank(l);
        return html`<tr data-layer="${l.id}"><th scope="row">${l.title || l.id} ${(l.method === 'estimate' || l.method === 'network') && methodBadge(l.method)}
            <span class="src" title="${l.vintage || ''}">${l.source || ''}</span></th>
          <td class="val">${fmt.value(l.value, unitOf(l))}</td>
          ${rankCell(l.national_rank, l.national_decile)}${unitOf(l) === 'decile'
            ? html`<td class="muted" title="a decile is itself a ranking; ranking it again would only rank ties">–</td>`
            : rankCell(rr.rank, rr.decile, rr.of ?? regionCount)}</tr>`;
      })}`);
    setHtml(panel, html`
      <div class="profile-head">
        <div><h2 data-testid="profile-name">${doc.name}</h2>
        <p class="muted">${doc.code} · ${doc.district} (${doc.district_code})</p></div>
        ${closeButton()}
      </div>
      <div class="kpis">${headline}</div>
      ${gpTimes}${sites}
      <h3>All measures</h3>
      <div class="table-wrap"><table class="profile-table" data-testid="profile-table">
        <thead><tr><th scope="col">Measure</th><th scope="col">Value</th><th scope="col">National rank</th><th scope="col">${words.regionRank(region)}</th></tr></thead>
        <tbody>${rows}</tbody></table></div>
      <p class="muted small">Rank 1 = most deprived (or longest time); d = decile. Ranks within ${region.name} are among its ${regionCount ? fmt.count(regionCount) : ''} areas.</p>`);
  }

  /** Static mode: the clicked feature's values, as the archive holds them. */
  function renderProperties(code, props) {
    const known = ctx.data.layers.filter((l) => props[l.id] !== undefined);
    setHtml(panel, html`
      <div class="profile-head"><div><h2 data-testid="profile-name">${props.name || code}</h2><p class="muted">${code}</p></div>${closeButton()}</div>
      <div class="table-wrap"><table class="profile-table" data-testid="profile-table"><thead><tr><th scope="col">Measure</th><th scope="col">Value</th></tr></thead>
      <tbody>${known.map((l) => html`<tr data-layer="${l.id}"><th scope="row">${l.title}</th><td class="val">${fmt.value(props[l.id], l.unit)}</td></tr>`)}</tbody></table></div>
      <p class="muted small" data-testid="profile-static-note">Static map: ranks, GP sites and the other measures need the needsmap server.</p>`);
  }

  async function open(code, { fly, properties }) {
    panel.hidden = false;
    panel.dataset.code = code;
    if (ctx.staticMode) {
      renderProperties(code, properties || {});
      return;
    }
    setHtml(panel, html`<div class="profile-head"><h2>${code}</h2>${closeButton()}</div><p class="hint">Loading…</p>`);
    let doc;
    try {
      doc = await request.run((signal) => api.area(code, { signal }));
    } catch (e) {
      if (isAbort(e)) return;
      setHtml(panel, html`<div class="profile-head"><h2>${code}</h2>${closeButton()}</div><p class="error-inline">${errorHtml(e, 'Loading the area profile')}</p>`);
      return;
    }
    renderDoc(doc);
    if (fly && Number.isFinite(doc.lon)) fitArea(ctx, doc.code, [doc.lon, doc.lat]);
  }

  return {
    render(state, prev, changed, how) {
      if (!changed.has('area')) return;
      if (state.area) {
        ctx.mapView?.setFocus(state.area);
        open(state.area, how);
      } else {
        request.abort();
        panel.hidden = true;
        ctx.mapView?.setFocus(ctx.postcodeArea?.() || '');
      }
    },
  };
}

/** Moves the map to show a whole LSOA (its polygon from the API), keeping `point` in view. */
export async function fitArea(ctx, code, point) {
  const map = ctx.mapView?.map;
  if (!map) return;
  let b = null;
  if (!ctx.staticMode) {
    try {
      const gj = await getJson(api.areasUrl({ where: `code in [${quote(code)}]`, format: 'geojson' }));
      if (gj.features?.length) b = bboxOf(gj);
    } catch {
      b = null; // the polygon is a nicety: fall back to centring on the point
    }
  }
  if (b && Number.isFinite(b[0][0])) {
    if (point) b = extend(extend(b, point), point);
    // keep the area clear of the legend (left) and the profile panel (right)
    const w = map.getContainer().clientWidth;
    const h = map.getContainer().clientHeight;
    const left = Math.round(Math.min(320, w * 0.3));
    const right = Math.round($('profile').hidden ? 60 : Math.min(440, w * 0.4));
    const v = Math.round(Math.min(90, h * 0.15));
    map.fitBounds(b, { padding: { top: v, bottom: v, left, right }, maxZoom: 15, duration: 600 });
  } else if (point) {
    map.easeTo({ center: point, zoom: Math.max(map.getZoom(), 12), duration: 600 });
  }
}
