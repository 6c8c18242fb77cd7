// "Check a postcode": its LSOA and whether it is in the most deprived 10% nationally or within
// the region (the grant eligibility test), with a marker and the LSOA outlined on the map.
import { api, latest, isAbort, ApiError } from '../api.js';
import { html, setHtml } from '../html.js';
import { showMessage, errorHtml } from '../messages.js';
import { fitArea } from './profile.js';

const $ = (id) => document.getElementById(id);

/** The verdict sentence and the two checks, from a `/api/postcode` answer. Pure. */
export function verdict(doc, regionName, vintage = '2019') {
  const a = doc.area || {};
  const el = doc.eligible || {};
  const national = !!el.national_top10;
  const regional = !!(el.region_top10 ?? el.county_top10);
  const any = national || regional;
  const rdec = a.imd_region_decile ?? a.imd_county_decile;
  const decile = Number.isFinite(a.imd_decile)
    ? ` (IMD ${vintage} national decile ${a.imd_decile}${Number.isFinite(rdec) ? `, decile within ${regionName} ${rdec}` : ''})`
    : '';
  const where = `${doc.postcode} is in ${a.name} (${a.code}), ${a.district}.`;
  const why = [national && 'in the most deprived 10% of areas in England', regional && `in the most deprived 10% of areas in ${regionName}`].filter(Boolean).join(' and ');
  const text = any
    ? `${where} It is eligible: ${why}${decile}.`
    : `${where} It is not eligible: not in the most deprived 10% of areas in England or in ${regionName}${decile}.`;
  return { text, national, regional, eligible: any };
}

export function postcodePanel(ctx) {
  const request = latest();
  const out = $('postcode-answer');
  let marker = null;
  let area = '';
  let shown = ''; // the postcode the answer on screen is for (as the server wrote it)

  $('postcode-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const pc = $('postcode-input').value.trim();
    if (pc === ctx.store.state.postcode) check(pc, true);
    else ctx.store.setState({ postcode: pc });
  });
  out.addEventListener('click', (e) => {
    if (e.target.closest('#postcode-profile') && area) ctx.store.setState({ area }, { fly: false });
  });

  function clearMark() {
    marker?.remove();
    marker = null;
    area = '';
    if (!ctx.store.state.area) ctx.mapView?.setFocus('');
  }

  async function check(pc, move) {
    if (!pc) {
      request.abort();
      setHtml(out, '');
      shown = '';
      clearMark();
      return;
    }
    out.dataset.state = 'busy';
    setHtml(out, html`<p class="hint">Checking…</p>`);
    let doc;
    try {
      doc = await request.run((signal) => api.postcode(pc, { signal }));
    } catch (e) {
      if (isAbort(e)) return;
      clearMark();
      out.dataset.state = 'error';
      if (e instanceof ApiError && e.kind === 'http') {
        const lead = e.status === 404 ? `We could not find ${pc} in the area this map covers.` : `“${pc}” does not look like a postcode.`;
        setHtml(out, html`<p class="verdict verdict-unknown">${lead}</p><p class="muted">${e.detail}</p>`);
      } else {
        setHtml(out, '');
        showMessage('error', errorHtml(e, 'Checking the postcode'), 'network');
      }
      return;
    }
    const a = doc.area || {};
    const v = verdict(doc, ctx.data.region.name, ctx.data.vintage || undefined);
    shown = doc.postcode || pc;
    out.dataset.state = v.eligible ? 'eligible' : 'not-eligible';
    out.dataset.code = a.code || '';
    const mark = (ok) => html`<span aria-hidden="true">${ok ? '✔' : '✘'}</span>`;
    setHtml(out, html`
      <p class="verdict ${v.eligible ? 'verdict-yes' : 'verdict-no'}" data-testid="postcode-verdict">${v.text}</p>
      <ul class="checks">
        <li class="${v.national ? 'yes' : 'no'}">${mark(v.national)} National top 10% (IMD decile 1): <strong>${v.national ? 'yes' : 'no'}</strong></li>
        <li class="${v.regional ? 'yes' : 'no'}">${mark(v.regional)} Top 10% within ${ctx.data.region.name}: <strong>${v.regional ? 'yes' : 'no'}</strong></li>
      </ul>
      ${doc.message && html`<p class="muted small" data-testid="postcode-message">${doc.message}</p>`}
      <button type="button" class="link" id="postcode-profile">Open the profile of ${a.name || a.code}</button>`);
    out.scrollIntoView({ block: 'nearest' });
    area = a.code || '';
    if (!ctx.store.state.area) ctx.mapView?.setFocus(area);
    marker?.remove();
    marker = null;
    if (Number.isFinite(doc.lon) && Number.isFinite(doc.lat) && ctx.mapView) {
      const el = document.createElement('div');
      el.className = 'pc-marker';
      el.setAttribute('aria-label', `Postcode ${doc.postcode}`);
      marker = new window.maplibregl.Marker({ element: el, anchor: 'bottom' }).setLngLat([doc.lon, doc.lat]).addTo(ctx.mapView.map);
      if (move) fitArea(ctx, a.code, [doc.lon, doc.lat]);
    }
    // the URL keeps the postcode as the server wrote it ("gl12eh" → "GL1 2EH")
    if (shown !== ctx.store.state.postcode) ctx.store.setState({ postcode: shown }, { normalised: true });
  }

  return {
    area: () => area,
    render(state, prev, changed, how) {
      if (changed.has('postcode')) $('postcode-input').value = state.postcode;
      if (how.vintage && state.postcode) {
        // the same postcode, answered under the vintage now shown; the map stays where it is
        check(state.postcode, false);
        return;
      }
      if (!changed.has('postcode') || how.normalised || state.postcode === shown) return;
      check(state.postcode, !(how.initial && state.view) && !how.fromHash);
    },
  };
}
