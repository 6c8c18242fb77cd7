// The vintage switch (IMD 2019 on LSOA 2011 / IMD 2025 on LSOA 2021) and the change view's
// buttons. Switching asks app.js to load the other vintage (`ctx.switchVintage`); the change view
// is a layer choice, so it lives in the URL like any other.
import { html, setHtml } from '../html.js';
import { CHANGE_LAYERS, vintageLine } from '../vintage.js';

const $ = (id) => document.getElementById(id);

export function vintagePanel(ctx) {
  const box = $('vintage-switch');
  const change = $('change-view');

  function buttons() {
    const offered = ctx.data.region.vintages || [];
    box.closest('.field').hidden = offered.length < 2;
    setHtml(box, offered.map((v) => html`<button type="button" data-vintage="${v}" data-testid="vintage-${v}" aria-pressed="false"
      title="${vintageLine(v, '')}">IMD ${v}</button>`));
    for (const b of box.querySelectorAll('button')) b.addEventListener('click', () => ctx.switchVintage(b.dataset.vintage));
  }

  function changeButtons() {
    const here = CHANGE_LAYERS.map((id) => ctx.data.byId.get(id)).filter((l) => l && ctx.data.layers.includes(l));
    change.hidden = !here.length;
    setHtml(change, here.length
      ? html`<span class="label">Change since 2019</span>${here.map((l) => html`<button type="button" data-layer="${l.id}" data-testid="change-${l.id}" aria-pressed="false">${l.title}</button>`)}`
      : '');
    for (const b of change.querySelectorAll('button')) b.addEventListener('click', () => ctx.store.setState({ layer: b.dataset.layer }));
  }

  buttons();
  changeButtons();

  return {
    render(state, prev, changed) {
      if (changed.has('vintage')) {
        changeButtons();
        box.dataset.vintage = state.vintage;
      }
      for (const b of box.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.vintage === state.vintage));
      for (const b of change.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.layer === state.layer));
    },
  };
}
