// Number formatting by layer unit, in British English, so the map, the list, the tooltip and the
// exported PNG all say a value the same way.

const nf0 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const nf3 = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 });

/** Integer with thousands separators ("18,900"). */
export function count(n) {
  // `+ 0` turns a -0 (an empty floating-point sum) into 0
  return Number.isFinite(n) ? nf0.format(n + 0) : '–';
}

/** A value of a layer, without its unit. */
export function value(v, unit) {
  if (v === null || v === undefined || v === '') return 'no data';
  if (typeof v !== 'number') return String(v);
  v += 0; // no "-0"
  switch (unit) {
    case 'decile':
    case 'rank':
    case 'people':
    case 'children':
    case 'count':
      return nf0.format(v);
    case 'rate':
    case 'proportion':
      return `${nf1.format(v * 100)}%`;
    case 'minutes':
    case 'min':
    case 'km':
      return nf1.format(v);
    case 'score':
      return nf2.format(v);
    default:
      return Math.abs(v) >= 100 ? nf0.format(v) : nf3.format(v);
  }
}

const UNIT_SUFFIX = { minutes: ' min', min: ' min', km: ' km', people: ' people', children: ' children' };

/** A value of a layer with a short unit suffix ("52.3 min", "decile 1"). */
export function withUnit(v, unit) {
  const s = value(v, unit);
  if (s === 'no data') return s;
  if (unit === 'decile') return `decile ${s}`;
  if (unit === 'rank') return `rank ${s}`;
  return s + (UNIT_SUFFIX[unit] || '');
}

/** Names published in capitals ("THE SURGERY") in title case; mixed-case names unchanged. */
export function titleCase(s) {
  const t = String(s || '');
  return t === t.toUpperCase() ? t.toLowerCase().replace(/\b([a-z])/g, (c) => c.toUpperCase()) : t;
}

/** "1 area", "2 areas". */
export function plural(n, one, many = `${one}s`) {
  return n === 1 ? one : many;
}
