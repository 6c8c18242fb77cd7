// Public transport in the scenario panel: offered only when the server has the layer, otherwise
// disabled with the server's recorded reason in plain words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ptChoices, ptReasonWords, scenarioMode, scenarioPath, modeWords } from '../public/panels/scenario.js';
import { parseHash, toHash, DEFAULTS } from '../public/urlstate.js';
import { ABSENT_CAUSES } from '../public/generated/layers.js';

// The two causes needsmap records (src/pt_access.rs, absent_reason) with their reasons, as
// /api/layers lists them; the page branches on the cause, never on the wording.
const NO_FEED = { cause: ABSENT_CAUSES.NO_TIMETABLE, reason: "absent: no GTFS timetable in /srv/needsmap/geodata/cache/transit/gtfs (place the Bus Open Data Service South West GTFS there, source gtfs; optionally the rail timetable as GTFS); DfT's 2013 figures (gp_pt_walk_min_2013) remain the reference" };
const NO_WALK = { cause: ABSENT_CAUSES.NO_WALK_NETWORK, reason: 'absent: GTFS timetables are present but no OpenStreetMap walk network (source osm_gloucestershire, or --network) to reach the stops' };

const layer = (id) => [id, { id, method: 'network' }];

test('public transport is offered only when its layer is there', () => {
  const both = ptChoices(new Map([layer('gp_walk_min'), layer('gp_pt_min'), layer('gp_pt_walk_min')]), []);
  assert.deepEqual(both.map((c) => [c.mode, c.enabled, c.reason]), [['pt', true, ''], ['walk_or_pt', true, '']]);
  const one = ptChoices(new Map([layer('gp_pt_walk_min')]), [{ id: 'gp_pt_min', ...NO_WALK }]);
  assert.deepEqual(one.map((c) => [c.mode, c.enabled]), [['pt', false], ['walk_or_pt', true]]);
  assert.match(one[0].reason, /map of streets and footpaths/);
});

test('without a feed both are disabled with the reason in plain words, no server path', () => {
  const absent = [{ id: 'gp_pt_min', ...NO_FEED }, { id: 'gp_pt_walk_min', ...NO_FEED }];
  const c = ptChoices(new Map([layer('gp_walk_min'), layer('gp_pt_walk_min_2013')]), absent);
  assert.ok(c.every((x) => !x.enabled));
  for (const x of c) {
    assert.match(x.reason, /no bus or train timetable/);
    assert.match(x.reason, /transit\/gtfs/);
    assert.match(x.reason, /Department for Transport's 2013 journey times are the reference/);
    assert.doesNotMatch(x.reason, /\/srv\/|gp_pt_walk_min_2013|source gtfs/, 'no file paths or ids for a reader');
  }
  // A server that lists no reason still says why the option is off.
  assert.match(ptChoices(new Map(), undefined)[0].reason, /^Not available: This server has no such layer\.$/);
  // A cause the page has no words for is shown as recorded, tidied.
  assert.equal(ptReasonWords({ cause: 'something_new', reason: 'absent on this server: it was started without a data directory' }), 'Not available: It was started without a data directory.');
  // The cause decides, not the wording: a reworded reason keeps its plain words.
  const reworded = ptReasonWords({ cause: ABSENT_CAUSES.NO_TIMETABLE, reason: 'no feeds here' }, true);
  assert.equal(reworded, c[0].reason);
  // The 2013 reference is offered only when the server has that layer.
  const noRef = ptChoices(new Map([layer('gp_walk_min')]), absent);
  assert.doesNotMatch(noRef[0].reason, /2013/);
  assert.match(ptChoices(new Map([layer('gp_pt_walk_min_2013')]), [{ id: 'gp_pt_min', ...NO_WALK }])[0].reason, /map of streets and footpaths.*2013 journey times are the reference/);
});

test('the scenario is routed by the chosen public-transport mode only while it is offered', () => {
  const on = ptChoices(new Map([layer('gp_pt_min'), layer('gp_pt_walk_min')]), []);
  const off = ptChoices(new Map(), [{ id: 'gp_pt_min', ...NO_FEED }, { id: 'gp_pt_walk_min', ...NO_FEED }]);
  assert.equal(scenarioMode({ mode: 'walk', smode: 'walk_or_pt' }, on), 'walk_or_pt');
  assert.equal(scenarioMode({ mode: 'walk', smode: '' }, on), 'walk');
  assert.equal(scenarioMode({ mode: 'car', smode: 'pt' }, off), 'car');
  const s = { close: 'L84003', open: '', mode: 'walk', smode: 'pt', minutes: 45 };
  assert.equal(scenarioPath({ ...s, mode: scenarioMode(s, on) }), '/api/scenario?close=L84003&mode=pt&minutes=45');
  assert.match(modeWords('walk_or_pt'), /walking or by public transport/);
  assert.equal(modeWords('walk'), 'walking');
});

test('the public-transport choice lives in the URL; other values are dropped', () => {
  const s = { ...DEFAULTS, close: 'L84003', smode: 'walk_or_pt' };
  assert.match(toHash(s), /smode=walk_or_pt/);
  assert.deepEqual(parseHash(toHash(s)), s);
  assert.equal(parseHash('#close=L84003&smode=bus').smode, '');
  assert.doesNotMatch(toHash(DEFAULTS), /smode/);
});
