import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  glyphsUrl, labelLayers, LABEL_SOURCE, LSOA_LABEL_SOURCE, LSOA_LABEL_MINZOOM, FONT, FONT_BOLD, lsoaLabelBox, covers, lsoaLabelLoader,
} from '../public/labels.js';

test("glyphs come from the page's own server, with the template intact", () => {
  assert.equal(glyphsUrl('http://127.0.0.1:8080/some/page?x=1#a=b'), 'http://127.0.0.1:8080/glyphs/{fontstack}/{range}.pbf');
});

test('districts, wards and LSOAs are labelled at rising zooms with the served fonts', () => {
  const [lsoa, ward, district] = labelLayers();
  assert.ok([ward, district].every((l) => l.source === LABEL_SOURCE && l.type === 'symbol'));
  // LSOA names come from a source of their own, filled for the view only
  assert.ok(lsoa.source === LSOA_LABEL_SOURCE && lsoa.type === 'symbol' && lsoa.minzoom === LSOA_LABEL_MINZOOM);
  assert.deepEqual([lsoa.filter[2], ward.filter[2], district.filter[2]], ['lsoa', 'ward', 'district']);
  assert.ok(lsoa.minzoom > ward.minzoom && district.maxzoom <= ward.maxzoom);
  for (const l of [lsoa, ward]) assert.deepEqual(l.layout['text-font'], [FONT]);
  assert.deepEqual(district.layout['text-font'], [FONT_BOLD]);
});

test('the LSOA label box grows the view by half each way, snapped outward, and only close in', () => {
  const view = [[-2.26, 51.85], [-2.22, 51.87]];
  assert.equal(lsoaLabelBox(view, LSOA_LABEL_MINZOOM - 0.01), null);
  const b = lsoaLabelBox(view, LSOA_LABEL_MINZOOM);
  // grown: w - 0.02, s - 0.01, e + 0.02, n + 0.01, then out to the 0.02° grid
  assert.deepEqual(b, [-2.28, 51.84, -2.2, 51.88]);
  assert.ok(covers(b, view));
  // a small pan stays inside what was loaded; a long one does not
  assert.ok(covers(b, [[-2.27, 51.845], [-2.23, 51.865]]));
  assert.ok(!covers(b, [[-2.20, 51.85], [-2.16, 51.87]]));
  assert.ok(!covers(null, view));
  // on the globe, at the edges
  assert.deepEqual(lsoaLabelBox([[-179.99, 89.9], [179.99, 89.99]], 14), [-180, 89.84, 180, 90]);
});

/** A map that moves when told: `on('moveend')`, `getZoom`, `getBounds`. */
function fakeMap(view, zoom) {
  const handlers = [];
  const map = {
    view,
    zoom,
    on: (ev, fn) => ev === 'moveend' && handlers.push(fn),
    getZoom: () => map.zoom,
    getBounds: () => ({ getWest: () => map.view[0][0], getSouth: () => map.view[0][1], getEast: () => map.view[1][0], getNorth: () => map.view[1][1] }),
    move(v, z) {
      map.view = v;
      map.zoom = z;
      handlers.forEach((h) => h());
    },
  };
  return map;
}

test('LSOA names load once per view close in, not at national zoom, and again after a refresh', async () => {
  const map = fakeMap([[-6, 49.9], [2, 55.8]], 6);
  const asked = [];
  const shown = [];
  const loader = lsoaLabelLoader({
    map,
    debounceMs: 1,
    fetchLabels: async (bbox) => {
      asked.push(bbox);
      return { type: 'FeatureCollection', features: [{ bbox }] };
    },
    setData: (fc) => shown.push(fc.features.length ? fc.features[0].bbox : 'empty'),
  });
  await loader.settled();
  assert.deepEqual(asked, [], 'nothing at a national zoom');
  map.move([[-2.26, 51.85], [-2.22, 51.87]], 14);
  map.move([[-2.26, 51.85], [-2.22, 51.87]], 14); // debounced: one request
  await loader.settled();
  assert.deepEqual(asked, ['-2.28,51.84,-2.2,51.88']);
  assert.deepEqual(loader.loaded, [-2.28, 51.84, -2.2, 51.88]);
  map.move([[-2.27, 51.845], [-2.23, 51.865]], 14.5); // inside what was loaded
  await loader.settled();
  assert.equal(asked.length, 1);
  loader.refresh(); // another vintage: forget, clear, load again
  await loader.settled();
  assert.equal(asked.length, 2);
  assert.deepEqual(shown, ['-2.28,51.84,-2.2,51.88', 'empty', asked[1]]);
});

test('a newer view aborts the older request, and failures are reported', async () => {
  const map = fakeMap([[-2.26, 51.85], [-2.22, 51.87]], 14);
  const shown = [];
  const errors = [];
  let calls = 0;
  const loader = lsoaLabelLoader({
    map,
    debounceMs: 1,
    fetchLabels: (bbox, signal) => new Promise((res, rej) => {
      calls += 1;
      if (calls === 1) signal.addEventListener('abort', () => rej(new Error('aborted')));
      else if (calls === 2) res({ type: 'FeatureCollection', features: [{ bbox }] });
      else rej(new Error('HTTP 500'));
    }),
    setData: (fc) => shown.push(fc.features[0].bbox),
    onError: (e) => errors.push(e.message),
  });
  await new Promise((r) => setTimeout(r, 10)); // the first request is in flight
  map.move([[-1.26, 51.85], [-1.22, 51.87]], 14);
  await loader.settled();
  assert.deepEqual(shown, ['-1.28,51.84,-1.2,51.88'], 'only the newer answer is shown');
  assert.deepEqual(errors, []);
  map.move([[0.74, 51.85], [0.78, 51.87]], 14);
  await loader.settled();
  assert.deepEqual(errors, ['HTTP 500']);
});

test('a move inside the box already on its way neither aborts it nor asks again', async () => {
  const map = fakeMap([[-2.26, 51.85], [-2.22, 51.87]], 14);
  const asked = [];
  const aborted = [];
  let answer;
  const loader = lsoaLabelLoader({
    map,
    debounceMs: 1,
    fetchLabels: (bbox, signal) => new Promise((res) => {
      asked.push(bbox);
      signal.addEventListener('abort', () => aborted.push(bbox));
      answer = () => res({ type: 'FeatureCollection', features: [{ bbox }] });
    }),
    setData: () => {},
  });
  await new Promise((r) => setTimeout(r, 10)); // the first request is in flight
  map.move([[-2.27, 51.845], [-2.23, 51.865]], 14.5); // inside its box
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(asked, ['-2.28,51.84,-2.2,51.88']);
  answer();
  await loader.settled();
  assert.deepEqual(aborted, []);
  assert.deepEqual(loader.loaded, [-2.28, 51.84, -2.2, 51.88]);
});
