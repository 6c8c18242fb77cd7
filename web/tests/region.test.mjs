import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionFromApi, regionFromLegacy, nameFromId, placeName, words, matchDistricts } from '../public/region.js';

const doc = {
  id: 'england', name: 'England', lsoa_count: 32844, bbox: [-6.4, 49.8, 1.8, 55.8],
  districts: [
    { code: 'E07000078', name: 'Cheltenham', lsoa_count: 75, bbox: [-2.2, 51.8, -1.9, 52] },
    { code: 'E06000001', name: 'Hartlepool', lsoa_count: 58, bbox: [-1.4, 54.6, -1.1, 54.8] },
    { code: 'E07000079', name: 'Cotswold', lsoa_count: 51, bbox: [-2.2, 51.5, -1.6, 52.1] },
    { code: 'E09000012', name: 'Hackney', lsoa_count: 144, bbox: [-0.1, 51.5, 0, 51.6] },
    { code: 'E07000244', name: 'East Suffolk', lsoa_count: 150, bbox: [1.2, 51.9, 1.8, 52.5] },
    { code: 'E06000052', name: 'Cornwall', lsoa_count: 326, bbox: [-5.8, 49.9, -4.2, 50.9] },
  ],
  vintages: ['2019'], default_vintage: '2019',
};

test('a region document is read and its districts sorted by name', () => {
  const r = regionFromApi(doc);
  assert.equal(r.name, 'England');
  assert.equal(r.lsoaCount, 32844);
  assert.deepEqual(r.districts.map((d) => d.name), ['Cheltenham', 'Cornwall', 'Cotswold', 'East Suffolk', 'Hackney', 'Hartlepool']);
  assert.deepEqual(r.districts[0].bbox, [-2.2, 51.8, -1.9, 52]);
  assert.equal(r.defaultVintage, '2019');
  assert.throws(() => regionFromApi({ id: 'x' }), /no name/);
});

test('every sentence names the region the server gave', () => {
  const r = regionFromApi(doc);
  const all = [words.heading(r), words.allDistricts(r), words.regionTop10(r), words.regionDecile(r), words.regionRank(r), words.mapLabel(r), words.status(r, { areas: 32844, sources: [{}, {}] })];
  assert.deepEqual(all, [
    'England neighbourhood needs', 'All England', 'Top 10% within England', 'IMD decile within England', 'Rank within England',
    'Map of England neighbourhoods. Use arrow keys to pan and plus or minus to zoom.', 'England · 32,844 areas · 2 sources',
  ]);
  assert.equal(placeName(r, 'E09000012'), 'Hackney');
  assert.equal(placeName(r, ''), 'England');
  assert.equal(words.districtOption(r.districts[0]), 'Cheltenham (75 areas)');
});

test('servers without /api/region: the name from /healthz, districts from the outlines', () => {
  const districts = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { code: 'E07000081', name: 'Gloucester', areas: 79 }, geometry: { type: 'Polygon', coordinates: [[[-2.3, 51.8], [-2.2, 51.8], [-2.2, 51.9], [-2.3, 51.8]]] } },
      { type: 'Feature', properties: { code: 'E07000078', name: 'Cheltenham', areas: 75 }, geometry: { type: 'MultiPolygon', coordinates: [[[[-2.1, 51.85], [-2.0, 51.85], [-2.0, 51.95], [-2.1, 51.85]]]] } },
    ],
  };
  const r = regionFromLegacy({ region: 'gloucestershire', areas: 373 }, districts, [-2.7, 51.5, -1.6, 52.2]);
  assert.equal(r.name, 'Gloucestershire');
  assert.equal(r.lsoaCount, 373);
  assert.deepEqual(r.districts.map((d) => [d.code, d.lsoaCount]), [['E07000078', 75], ['E07000081', 79]]);
  assert.deepEqual(r.districts[1].bbox, [-2.3, 51.8, -2.2, 51.9]);
  // the contract's /healthz shape, {id, name}
  assert.equal(regionFromLegacy({ region: { id: 'england', name: 'England' } }, null, null).name, 'England');
  assert.equal(nameFromId('west_of-england'), 'West Of England');
});

test('type-ahead ranks name prefixes, then word prefixes, then substrings and codes', () => {
  const r = regionFromApi(doc);
  const names = (q) => matchDistricts(r.districts, q).map((d) => d.name);
  assert.deepEqual(names('co'), ['Cornwall', 'Cotswold']);
  assert.deepEqual(names('SUF'), ['East Suffolk']);
  assert.deepEqual(names('ck'), ['Hackney']);
  assert.deepEqual(names('E0600'), ['Cornwall', 'Hartlepool']);
  assert.deepEqual(names('h'), ['Hackney', 'Hartlepool', 'Cheltenham'], 'prefixes before substrings');
  assert.deepEqual(names('zz'), []);
  assert.equal(matchDistricts(r.districts, '', 2).length, 2);
  assert.deepEqual(matchDistricts([{ code: 'X', name: 'Gôteborg' }], 'gote').map((d) => d.code), ['X']);
});
