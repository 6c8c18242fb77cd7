// Small geometry helpers on GeoJSON coordinates (lon/lat). Pure; tests/geometry.test.mjs.

/** [[w, s], [e, n]] of a Feature, FeatureCollection or bare Geometry. Infinite when empty. */
export function bboxOf(geojson) {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const walk = (c) => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
    } else c.forEach(walk);
  };
  const geometries = geojson?.type === 'FeatureCollection'
    ? geojson.features.map((f) => f.geometry)
    : geojson?.type === 'Feature' ? [geojson.geometry] : [geojson];
  for (const g of geometries) if (g) walk(g.coordinates);
  return [[w, s], [e, n]];
}

/** MapLibre bounds from a [w, s, e, n] box, or null when it is not a finite box. */
export function boundsOf(box) {
  if (!Array.isArray(box) || box.length !== 4 || !box.every(Number.isFinite)) return null;
  return [[box[0], box[1]], [box[2], box[3]]];
}

/** Bounds grown to include a point. */
export function extend(bounds, [lon, lat]) {
  return [[Math.min(bounds[0][0], lon), Math.min(bounds[0][1], lat)], [Math.max(bounds[1][0], lon), Math.max(bounds[1][1], lat)]];
}
