// The MapLibre map: creation, sources, filtered overlays, focus, and hover through
// layer-scoped events and feature-state (keyed by the MVT feature id, CONTRACTS.md §A).
import {
  ML, SRC, SOURCE_LAYER, HATCH_IMAGE, baseStyle, baseLayers, hatchImage, areaSource, focusFilter, maskFilter, districtLineWidth,
} from './mapstyle.js';
import { LABEL_SOURCE, LSOA_LABEL_SOURCE, labelLayers } from './labels.js';

const maplibregl = () => window.maplibregl;

/** Map padding that keeps the drawn areas clear of the title (top) and legend (bottom left). */
export function viewPadding(container, legend) {
  const w = container.clientWidth;
  const h = container.clientHeight;
  const legendW = legend?.offsetWidth || 290;
  return {
    top: Math.round(Math.min(90, h * 0.12)),
    bottom: Math.round(Math.min(50, h * 0.08)),
    left: w > 900 ? Math.round(legendW * 0.5) : 20,
    right: w > 900 ? 50 : 20,
  };
}

export class MapView {
  /**
   * @param {object} o
   * @param {string} o.container element id
   * @param {{zoom:number,lat:number,lon:number}|null} o.view initial view, or
   * @param {[[number,number],[number,number]]|null} o.bounds initial bounds
   * @param {(e:object)=>void} o.onError map errors (tiles that failed)
   */
  constructor({ container, view, bounds, onError }) {
    const opts = {
      container,
      style: baseStyle(),
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxZoom: 17,
      minZoom: 4,
      fadeDuration: 0,
    };
    if (view) {
      opts.center = [view.lon, view.lat];
      opts.zoom = view.zoom;
    } else if (bounds) {
      opts.bounds = bounds;
      opts.fitBoundsOptions = { padding: this.padding(container) };
    }
    const gl = maplibregl();
    this.map = new gl.Map(opts);
    this.map.keyboard.enable();
    this.map.addControl(new gl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new gl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
    this.map.on('error', (e) => onError?.(e));
    this.hover = { area: null, gp: null, point: null };
    this.hoverId = null;
    this.loaded = new Promise((res) => this.map.once('load', res));
  }

  padding(container = 'map') {
    return viewPadding(document.getElementById(container), document.getElementById('legend'));
  }

  /** Adds the sources and fixed layers. `areas` is an area-tile source spec. */
  addLayers({ areas, districts, gpVisible }) {
    const m = this.map;
    m.addImage(HATCH_IMAGE, hatchImage(), { pixelRatio: 2 });
    m.addSource(SRC.AREAS, areas);
    this.areaSpec = areas;
    m.addSource(SRC.DISTRICTS, { type: 'geojson', data: districts || { type: 'FeatureCollection', features: [] } });
    m.addSource(SRC.GP, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    for (const l of baseLayers({ gpVisible })) m.addLayer(l);
  }

  /**
   * Place-name labels with glyphs from `glyphs`, above everything else: `places` (district and
   * ward points) now, LSOA names later through `setLsoaLabels`.
   */
  addLabels(places, glyphs) {
    const m = this.map;
    m.setGlyphs(glyphs);
    m.addSource(LABEL_SOURCE, { type: 'geojson', data: places });
    m.addSource(LSOA_LABEL_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    for (const l of labelLayers()) m.addLayer(l);
  }

  /** New district and ward label points (another vintage). */
  setPlaceLabels(fc) {
    this.map.getSource(LABEL_SOURCE)?.setData(fc);
  }

  /** The LSOA label points around the view. */
  setLsoaLabels(fc) {
    this.map.getSource(LSOA_LABEL_SOURCE)?.setData(fc);
  }

  /** Points the area tiles at a new URL (e.g. another `?layers=`); keeps the hover state clean. */
  setAreaTiles(url) {
    const src = this.map.getSource(SRC.AREAS);
    if (!src?.setTiles) return;
    if (src.tiles?.[0] === url) return;
    this.setHover(null);
    src.setTiles([url]);
  }

  /** Points the area source at another PMTiles archive (static mode, another vintage); clears the hover. */
  setAreaArchive(url) {
    const src = this.map.getSource(SRC.AREAS);
    if (!src?.setUrl) return;
    this.setHover(null);
    src.setUrl(url);
  }

  /** New district outlines (another vintage's dissolve). */
  setDistricts(fc) {
    this.map.getSource(SRC.DISTRICTS)?.setData(fc || { type: 'FeatureCollection', features: [] });
  }

  setFill(expression) {
    this.map.setPaintProperty(ML.AREAS_FILL, 'fill-color', expression);
  }

  /** Veils every district but the chosen one and draws its outline heavier. */
  setDistrict(code) {
    this.map.setFilter(ML.DISTRICT_MASK, maskFilter(code));
    this.map.setPaintProperty(ML.DISTRICTS_LINE, 'line-width', districtLineWidth(code));
  }

  setGpVisible(on) {
    this.map.setLayoutProperty(ML.GP_CIRCLES, 'visibility', on ? 'visible' : 'none');
  }

  setGpData(fc) {
    this.map.getSource(SRC.GP).setData(fc);
  }

  /** Outlines one LSOA by code ('' for none). */
  setFocus(code) {
    if (!this.map.getLayer(ML.FOCUS_LINE)) return;
    this.map.setFilter(ML.FOCUS_LINE, focusFilter(code));
    this.map.setFilter(ML.FOCUS_CASING, focusFilter(code));
  }

  /** Adds, retargets or removes a filtered copy of the area tiles (features carry `selected`). */
  setWhereSource(id, url, layers) {
    const m = this.map;
    const src = m.getSource(id);
    if (!url) {
      if (src) {
        for (const l of layers) if (m.getLayer(l.id)) m.removeLayer(l.id);
        m.removeSource(id);
      }
      return;
    }
    if (src) {
      src.setTiles([url]);
      return;
    }
    m.addSource(id, { ...this.areaSpec, tiles: [url] });
    for (const l of layers) {
      m.addLayer({ source: id, 'source-layer': SOURCE_LAYER, filter: ['to-boolean', ['get', 'selected']], ...l.spec, id: l.id }, l.before);
    }
  }

  /** Hover outline through feature-state on the area's feature id (null clears it). */
  setHover(id) {
    if (this.hoverId === id) return;
    const key = (fid) => ({ source: SRC.AREAS, sourceLayer: SOURCE_LAYER, id: fid });
    if (this.hoverId !== null && this.hoverId !== undefined) this.map.setFeatureState(key(this.hoverId), { hover: false });
    this.hoverId = id ?? null;
    if (this.hoverId !== null) this.map.setFeatureState(key(this.hoverId), { hover: true });
  }

  /**
   * Wires hover and click with layer-scoped events: `onHover({area, gp, point})` after every
   * change (GP sites take precedence in the tooltip), `onAreaClick(feature)`.
   */
  bindPointer({ onHover, onAreaClick }) {
    const m = this.map;
    const changed = () => {
      m.getCanvas().style.cursor = this.hover.gp || this.hover.area ? 'pointer' : '';
      onHover({ ...this.hover });
    };
    m.on('mousemove', ML.GP_CIRCLES, (e) => {
      this.hover.gp = e.features?.[0] || null;
      this.hover.point = e.point;
      changed();
    });
    m.on('mouseleave', ML.GP_CIRCLES, () => {
      this.hover.gp = null;
      changed();
    });
    m.on('mousemove', ML.AREAS_FILL, (e) => {
      const f = e.features?.[0] || null;
      this.hover.area = f;
      this.hover.point = e.point;
      this.setHover(f && f.id !== undefined ? f.id : null);
      changed();
    });
    m.on('mouseleave', ML.AREAS_FILL, () => {
      this.hover.area = null;
      this.setHover(null);
      changed();
    });
    m.on('click', ML.AREAS_FILL, (e) => {
      const f = e.features?.[0];
      if (f) onAreaClick(f);
    });
  }

  /** Resolves when everything asked for is drawn. */
  idle() {
    const m = this.map;
    return new Promise((res) => {
      if (m.loaded() && m.areTilesLoaded() && !m.isMoving()) res();
      m.once('idle', res);
    });
  }
}
