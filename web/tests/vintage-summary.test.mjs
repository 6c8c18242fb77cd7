// Pure parts of summaries and static archives under a vintage (issue 8): summary and profile URLs
// carry the vintage shown, MSOA rows filter on the vintage's own MSOA layer, people measures fall
// back to LSOA shares where a vintage has no population (the population-weighted score to no
// values, saying why), and a static config lists one archive per vintage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickThrough, profileHref, summaryUrl, measureFor, measureAvailable, measureNote, levelLabel, msoaLayer, MEASURES } from '../public/summary.js';
import { parseStaticConfig, archiveVintage, archiveChoice, archiveRegion } from '../public/static.js';
import { LAYER_IDS } from '../public/generated/layers.js';

test('summary and profile URLs carry the vintage shown', () => {
  assert.equal(summaryUrl('district', 45, 'json', '2025'), '/api/summary?by=district&minutes=45&vintage=2025');
  assert.equal(summaryUrl('ward', 30, 'csv', '2025'), '/api/summary?by=ward&minutes=30&format=csv&vintage=2025');
  assert.equal(summaryUrl('ward', 30, 'csv'), '/api/summary?by=ward&minutes=30&format=csv');
  assert.equal(profileHref('district', { code: 'E07000081' }, '2025'), '/profile/district/E07000081?vintage=2025');
  assert.equal(profileHref('district', { code: 'E07000081' }), '/profile/district/E07000081');
  assert.equal(profileHref('msoa', { code: 'E02004600' }, '2025'), null);
});

test('MSOA rows are of the vintage\'s census', () => {
  assert.equal(msoaLayer('2025'), LAYER_IDS.MSOA21);
  assert.equal(msoaLayer('2019'), LAYER_IDS.MSOA);
  assert.deepEqual(clickThrough(LAYER_IDS.MSOA, { code: 'E02004600' }, '2025'), { filter: `${LAYER_IDS.MSOA21} = "E02004600"`, area: '' });
  assert.equal(levelLabel(LAYER_IDS.MSOA, '2025'), 'MSOAs (2021)');
  assert.equal(levelLabel(LAYER_IDS.MSOA, '2019'), 'MSOAs (2011)');
});

test('without a population, people shares are shown as LSOA shares and the weighted score as none', () => {
  const none = { region_total: { population: null } };
  const some = { region_total: { population: 640000 } };
  assert.equal(measureFor(none, 'share_people_decile1'), 'share_lsoas_decile1');
  assert.equal(measureFor(none, 'share_people_decile1_2'), 'share_lsoas_decile1_2');
  assert.match(measureNote(none, 'share_people_decile1_2'), /shown as LSOAs in the most deprived 20% \(share\)/);
  // a population-weighted mean has no population-free equivalent: kept (no values), not swapped
  // for another figure, offered disabled and saying why
  assert.equal(measureFor(none, 'imd_score_weighted'), 'imd_score_weighted');
  assert.equal(measureAvailable(none, 'imd_score_weighted'), false);
  assert.match(measureNote(none, 'imd_score_weighted'), /not available.*no population to weight by/);
  assert.equal(measureFor(some, 'imd_score_weighted'), 'imd_score_weighted');
  assert.equal(measureAvailable(some, 'imd_score_weighted'), true);
  assert.equal(measureNote(some, 'imd_score_weighted'), '');
  assert.equal(measureFor(none, LAYER_IDS.CHILDREN_INCOME_DEPRIVED), LAYER_IDS.CHILDREN_INCOME_DEPRIVED);
  assert.equal(measureFor(some, 'share_people_decile1'), 'share_people_decile1');
  // every people measure says what stands in for it, and a stand-in counts no people
  for (const m of MEASURES.filter((x) => x.people)) {
    assert.ok(m.withoutPeople === null || MEASURES.some((x) => x.id === m.withoutPeople && !x.people), m.id);
  }
});

test('a static config lists one archive per vintage', () => {
  const base = 'http://h/data/static.json';
  const one = parseStaticConfig({ pmtiles: 'a.pmtiles' }, base);
  assert.deepEqual(one.archives, [{ pmtiles: 'http://h/data/a.pmtiles', vintage: null }]);
  const two = parseStaticConfig({ archives: [{ pmtiles: 'a19.pmtiles' }, { pmtiles: 'a25.pmtiles', vintage: '2025' }] }, base);
  assert.equal(two.archives[0].pmtiles, 'http://h/data/a19.pmtiles');
  assert.deepEqual(two.archives.map((a) => a.vintage), [null, '2025']);
  assert.throws(() => parseStaticConfig({ archives: [] }, base), /non-empty list/);
  assert.throws(() => parseStaticConfig({ archives: [{ pmtiles: 'a', vintage: 2025 }] }, base), /must be text/);
});

test('the archive of a vintage is chosen from the config or the exporter\'s metadata', () => {
  const archives = [{ pmtiles: 'a', vintage: null }, { pmtiles: 'b', vintage: null }];
  const metas = [{ vintage: { id: '2019' } }, { vintage: { id: '2025' } }];
  assert.equal(archiveVintage(metas[1]), '2025');
  assert.equal(archiveVintage({}), null);
  assert.deepEqual(archiveChoice(archives, metas, '2025'), { index: 1, vintage: '2025', offered: ['2019', '2025'] });
  assert.deepEqual(archiveChoice(archives, metas, ''), { index: 0, vintage: '2019', offered: ['2019', '2025'] });
  assert.deepEqual(archiveChoice([archives[0]], [{}], '2025'), { index: 0, vintage: '', offered: [] });
  assert.throws(() => archiveChoice(archives, [{}, metas[1]], ''), /archives\[0\] names no vintage/);
  assert.throws(() => archiveChoice(archives, [metas[1], metas[1]], ''), /two archives are of vintage 2025/);
  // the config's own vintages count too (one check, here, for both)
  assert.throws(() => archiveChoice([{ pmtiles: 'a', vintage: '2025' }, { pmtiles: 'b', vintage: '2025' }], [{}, {}], ''), /two archives are of vintage 2025/);
  // the exporter's TileJSON name carries the vintage after the region id
  assert.deepEqual(archiveRegion({ name: 'needsmap areas (gloucestershire, IoD2025)' }), { id: 'gloucestershire', name: null });
});
