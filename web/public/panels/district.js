// The district chooser: the region's districts from the server, with type-ahead when there are
// many (England has ~300); choosing one veils the others and fits the map to its bounding box.
import { html, setHtml } from '../html.js';
import { boundsOf } from '../geometry.js';
import { matchDistricts, words, TYPEAHEAD_MIN } from '../region.js';

const $ = (id) => document.getElementById(id);

export function districtPanel(ctx) {
  const region = ctx.data.region;
  const sel = $('district-select');
  const search = $('district-search');
  const many = region.districts.length > TYPEAHEAD_MIN;

  function fill(list, chosen) {
    const opts = [html`<option value="">${words.allDistricts(region)}</option>`];
    // keep the chosen district selectable while the list is narrowed
    const shown = chosen && !list.some((d) => d.code === chosen) ? [region.districts.find((d) => d.code === chosen), ...list].filter(Boolean) : list;
    for (const d of shown) opts.push(html`<option value="${d.code}">${words.districtOption(d)}</option>`);
    setHtml(sel, opts);
    sel.value = chosen || '';
    sel.dataset.shown = String(shown.length);
  }

  fill(region.districts, ctx.store.state.district);
  sel.addEventListener('change', (e) => ctx.store.setState({ district: e.target.value }));

  search.closest('.field').hidden = !many;
  if (many) {
    search.addEventListener('input', () => {
      const list = matchDistricts(region.districts, search.value);
      fill(list, ctx.store.state.district);
      $('district-matches').textContent = search.value.trim() ? `${list.length} ${list.length === 1 ? 'district matches' : 'districts match'}` : '';
    });
    search.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      const best = matchDistricts(region.districts, search.value, 1)[0];
      if (best) ctx.store.setState({ district: best.code });
    });
  }

  /** The box the map fits to: the district's, or the whole region's. */
  function box(code) {
    const d = code ? region.districts.find((x) => x.code === code) : null;
    return boundsOf(d?.bbox) || boundsOf(region.bbox);
  }

  return {
    box,
    render(state, prev, changed, how) {
      if (!changed.has('district')) return;
      if (sel.value !== state.district) fill(many && search.value.trim() ? matchDistricts(region.districts, search.value) : region.districts, state.district);
      ctx.mapView?.setDistrict(state.district);
      const b = box(state.district);
      // a pasted link with its own map view keeps that view
      if (ctx.mapView && b && !how.initial && !(how.fromHash && state.view)) {
        ctx.mapView.map.fitBounds(b, { padding: ctx.mapView.padding(), duration: 600 });
      }
    },
  };
}
