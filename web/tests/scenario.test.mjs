import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  closedCodes, openSites, toggleClose, addOpen, removeOpen, scenarioPath, highlights, decileRows, room, hasScenario,
} from '../public/panels/scenario.js';
import { parseHash, toHash, DEFAULTS, MAX_SCENARIO_CHANGES } from '../public/urlstate.js';

test('closing toggles, opening appends and removes by position', () => {
  assert.equal(toggleClose('', 'l84003'), 'L84003');
  assert.equal(toggleClose('L84003', 'L84005'), 'L84003,L84005');
  assert.equal(toggleClose('L84003,L84005', 'L84003'), 'L84005');
  assert.equal(addOpen('', 'GL1 2EH'), 'GL1 2EH');
  assert.equal(addOpen('GL1 2EH', { lon: -2.2400001, lat: 51.86 }), 'GL1 2EH;-2.24000,51.86000');
  assert.equal(addOpen('GL1 2EH', '  '), 'GL1 2EH');
  assert.equal(removeOpen('A;B;C', 1), 'A;C');
  assert.deepEqual(closedCodes(''), []);
  assert.deepEqual(openSites('A;;B'), ['A', 'B']);
  assert.equal(room({ close: 'A,B', open: 'X' }), MAX_SCENARIO_CHANGES - 3);
  assert.equal(hasScenario({ close: '', open: '' }), false);
});

test('the API path repeats open and keeps the comma of a coordinate inside one value', () => {
  const p = scenarioPath({ close: 'L84003,L84005', open: 'GL1 2EH;-2.24000,51.86000', mode: 'walk', minutes: 45 });
  assert.equal(p, '/api/scenario?close=L84003%2CL84005&open=GL1%202EH&open=-2.24000%2C51.86000&mode=walk&minutes=45');
  const q = new URLSearchParams(p.split('?')[1]);
  assert.deepEqual(q.getAll('open'), ['GL1 2EH', '-2.24000,51.86000']);
});

test('highlights: crossings first, then the sign of the change', () => {
  const h = highlights({
    changes: [
      { feature_id: 3, delta_min: 5, crossing: 'lose' },
      { feature_id: 4, delta_min: 5, crossing: null },
      { feature_id: 5, delta_min: -2, crossing: null },
      { feature_id: 6, delta_min: -2, crossing: 'gain' },
      { feature_id: 7, delta_min: null, after_min: null, crossing: null },
    ],
  });
  assert.deepEqual([...h], [[3, 'lose'], [4, 'worse'], [5, 'better'], [6, 'gain'], [7, 'worse']]);
  assert.equal(highlights(null).size, 0);
});

test('decile rows merge the changed areas with who loses and gains', () => {
  const rows = decileRows({
    by_imd_decile: [{ decile: 2, areas: 3, people: 4500, children: 900 }, { decile: 7, areas: 1, people: 1500, children: 200 }],
    threshold: { minutes: 15, lose: { by_imd_decile: [{ decile: 2, areas: 1, people: 1400, children: 1 }] }, gain: { by_imd_decile: [] } },
  });
  assert.deepEqual(rows.map((r) => [r.decile, r.areas, r.people, r.losePeople, r.gainPeople]), [[2, 3, 4500, 1400, 0], [7, 1, 1500, 0, 0]]);
});

test('the scenario survives the URL and bad values are dropped', () => {
  const s = { ...DEFAULTS, close: 'L84003,L84005', open: 'GL1 2EH;-2.24000,51.86000' };
  assert.deepEqual(parseHash(toHash(s)), s);
  const bad = parseHash('#close=L84003,<script>,,l84005&open=;;GL1 2EH');
  assert.equal(bad.close, 'L84003,L84005');
  assert.equal(bad.open, 'GL1 2EH');
  const many = Array.from({ length: 21 }, (_, i) => `A${1000 + i}`).join(',');
  assert.equal(parseHash(`#close=${many}`).close, '', 'more than the API allows is not taken from a link');
});
