// Source checks of the page: no region hard-coded, no bare layer ids, no manual escaping, and no
// third-party URL (an XML namespace is a name, not a request; the page only talks to the server it came from, or the archive it was given).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAYERS, LAYER_IDS } from '../public/generated/layers.js';
import { LABEL_KINDS } from '../public/labels.js';

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');

function files(dir = PUBLIC) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const source = files().filter((f) => /\.(js|html|css)$/.test(f)).map((f) => ({ name: path.relative(PUBLIC, f), text: fs.readFileSync(f, 'utf8') }));
const code = source.filter((f) => !f.name.startsWith('generated'));
const strip = (t) => t.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1'); // comments may name things

test('the generated catalogue has the contract shape', () => {
  assert.ok(Object.isFrozen(LAYER_IDS) && Object.isFrozen(LAYERS));
  for (const l of LAYERS) {
    assert.equal(LAYER_IDS[l.id.toUpperCase()], l.id);
    for (const k of ['id', 'title', 'unit', 'group', 'direction']) assert.equal(typeof l[k], 'string', `${l.id}.${k}`);
  }
});

test('no region name is hard-coded in the page', () => {
  for (const f of code) {
    const t = strip(f.text);
    assert.ok(!/Gloucestershire|\bCounty\b|county top/i.test(t), `${f.name} names a region`);
  }
});

test('no bare layer-id strings outside generated/layers.js', () => {
  // ids that are also group names ("population", "children") are compared as groups elsewhere
  // and the label kinds of /api/labels ("ward") are declared once, in labels.js's LABEL_KINDS
  const groups = new Set(LAYERS.map((l) => l.group));
  const kinds = Object.values(LABEL_KINDS);
  const ids = LAYERS.map((l) => l.id).filter((id) => !groups.has(id));
  for (const f of code) {
    const t = strip(f.text);
    for (const id of ids) {
      if (f.name === 'labels.js' && kinds.includes(id)) continue;
      assert.ok(!new RegExp(`['"\`]${id}['"\`]`).test(t), `${f.name} spells the layer id "${id}"`);
    }
  }
});

test('HTML is built with the html template, not by hand-escaping', () => {
  for (const f of code.filter((x) => x.name.endsWith('.js'))) {
    if (f.name === 'html.js') continue;
    assert.doesNotMatch(f.text, /\besc\(/, `${f.name} escapes by hand`);
    assert.doesNotMatch(f.text, /innerHTML\s*=\s*[^'`;]*\$\{/, `${f.name} assigns interpolated innerHTML`);
  }
});

test('no third-party URLs in the page', () => {
  for (const f of code) {
    const urls = strip(f.text).match(/https?:\/\/[^\s'"`)<]+/g) || [];
    assert.deepEqual(urls.filter((u) => !/^https?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(u) && u !== 'http://www.w3.org/2000/svg'), [], `${f.name} refers to another host`);
  }
});
