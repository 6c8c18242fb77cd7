import { test } from 'node:test';
import assert from 'node:assert/strict';
import { html, raw, esc, SafeHtml } from '../public/html.js';

test('esc escapes the five HTML specials', () => {
  assert.equal(esc(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(esc(null), '');
  assert.equal(esc(undefined), '');
  assert.equal(esc(0), '0');
});

test('html escapes interpolated values but not the template', () => {
  const name = '<img src=x onerror=alert(1)>';
  const out = html`<li class="${'a" onclick="b'}">${name}</li>`;
  assert.ok(out instanceof SafeHtml);
  assert.equal(String(out), '<li class="a&quot; onclick=&quot;b">&lt;img src=x onerror=alert(1)&gt;</li>');
});

test('nested html, arrays and conditionals compose without double escaping', () => {
  const rows = ['A&B', 'C<D'].map((x) => html`<li>${x}</li>`);
  const out = html`<ul>${rows}</ul>${false}${null}${undefined}${0}${raw('<br>')}`;
  assert.equal(String(out), '<ul><li>A&amp;B</li><li>C&lt;D</li></ul>0<br>');
  // a nested fragment's escapes are kept exactly once
  assert.equal(String(html`${html`${'&'}`}`), '&amp;');
});
