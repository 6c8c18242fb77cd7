// The page's state: one plain, frozen object (the whole view, the same fields as the URL hash),
// changed only through `setState(patch)`, which calls `render(next, prev, changed, how)` once.
// The reducer and the consistency rules are pure functions, unit-tested in tests/state.test.mjs.

/** Fields of the state; anything else in a patch is a programming error. */
export const STATE_KEYS = Object.freeze(['vintage', 'layer', 'district', 'filter', 'mode', 'minutes', 'beyond', 'gp', 'area', 'postcode', 'view', 'close', 'open', 'smode']);

function sameView(a, b) {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.zoom === b.zoom && a.lat === b.lat && a.lon === b.lon;
}

function same(key, a, b) {
  return key === 'view' ? sameView(a, b) : Object.is(a, b);
}

/** The keys whose values differ between two states. */
export function changedKeys(prev, next) {
  return STATE_KEYS.filter((k) => !same(k, prev[k], next[k]));
}

/**
 * Pure reducer: the state after applying `patch` (an object, or a function of the state that
 * returns one). Returns `state` itself when nothing changes, so callers can skip rendering.
 */
export function reduce(state, patch) {
  const p = typeof patch === 'function' ? patch(state) : patch;
  if (!p) return state;
  for (const k of Object.keys(p)) {
    if (!STATE_KEYS.includes(k)) throw new Error(`unknown state field "${k}"`);
  }
  const next = { ...state, ...p };
  return changedKeys(state, next).length ? Object.freeze(next) : state;
}

/**
 * Makes a state consistent with what the server (or the static archive) offers:
 * `ctx.layers` the drawable layer ids in order, `ctx.defaultLayer`, `ctx.districts` the district
 * codes, `ctx.modes` the travel modes with a GP-time layer, `ctx.vintage` the vintage loaded.
 */
export function normalise(state, ctx) {
  const patch = {};
  if (ctx.vintage && state.vintage !== ctx.vintage) patch.vintage = ctx.vintage;
  const layers = ctx.layers || [];
  if (!layers.includes(state.layer)) patch.layer = layers.includes(ctx.defaultLayer) ? ctx.defaultLayer : layers[0] || '';
  if (state.district && !(ctx.districts || []).includes(state.district)) patch.district = '';
  const modes = ctx.modes || [];
  if (modes.length && !modes.includes(state.mode)) patch.mode = modes[0];
  return reduce(state, patch);
}

/** A store: the current state and the one way to change it. */
export function createStore(initial, render) {
  let state = Object.freeze({ ...initial });
  return {
    get state() {
      return state;
    },
    /** Applies a patch and renders once; `how` tells render why (e.g. {fromMap: true}). */
    setState(patch, how = {}) {
      const prev = state;
      const next = reduce(prev, patch);
      if (next === prev) return [];
      state = next;
      const changed = changedKeys(prev, next);
      render(next, prev, new Set(changed), how);
      return changed;
    },
  };
}
