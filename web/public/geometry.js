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

/** Even-odd point-in-ring test. */
export function inRing(pt, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Point in a polygon given as rings (outer first, then holes). */
export function inPolygon(pt, rings) {
  return inRing(pt, rings[0]) && !rings.slice(1).some((h) => inRing(pt, h));
}

/**
 * Flags GP sites inside the loaded districts (`inside`), so sites across the border, which
 * matter for nearest-GP times, can be drawn muted instead of competing with the region's own.
 * Returns a new FeatureCollection.
 */
export function markInside(gp, districts) {
  const polys = [];
  const add = (rings) => {
    const [[w, s], [e, n]] = bboxOf({ type: 'Polygon', coordinates: rings });
    polys.push({ rings, w, s, e, n });
  };
  for (const f of districts?.features || []) {
    const g = f.geometry;
    if (g?.type === 'Polygon') add(g.coordinates);
    else if (g?.type === 'MultiPolygon') g.coordinates.forEach(add);
  }
  const features = (gp?.features || []).map((f) => {
    const c = f.geometry?.coordinates;
    // bounding boxes first, so a national map (hundreds of districts) stays quick
    const inside = !!c && polys.some((p) => c[0] >= p.w && c[0] <= p.e && c[1] >= p.s && c[1] <= p.n && inPolygon(c, p.rings));
    return { ...f, properties: { ...f.properties, inside } };
  });
  return { type: 'FeatureCollection', features };
}
