// @module path_guided
// @requires paths path_planned
/*
 * The guided path (twin of src/tourlib/tour/paths/guided.py): the keyframes a projection-pursuit
 * search found in Python, replayed as geodesics (tourlib.geodesic) at a constant speed (segment k
 * lasts max(distance_k / speed, 0.05)), resting at the last one. Full views are chained:
 * V_{k+1} = viewAt(plan_k, V_k, 1). rebase(G, t) continues from G to the keyframes not reached yet.
 */
(function () {
  'use strict';
  const tl = globalThis.tourlib;
  if (tl.paths.names().indexOf('guided') >= 0) return;
  const L = tl.linalg, Geo = tl.geodesic;
  const MIN_SEGMENT = 0.05;

  class GuidedPath {
    constructor(start, frames, speed, t0) {
      const d = Math.round(Math.sqrt(start.length));
      this.dim = d;
      this.seed = null;
      this.speed = L.checkReal(speed, 'speed');
      if (!(this.speed > 0)) throw new RangeError('speed must be > 0; got ' + speed + '.');
      this.frames = frames.map((F) => Geo.orthonormalFrame(F, d));
      this.rebase(start, t0 || 0);
    }

    static fromParams(p) {
      const d = p.dim, frames = [];
      for (let k = 0; k < p.frames.length / (2 * d); k++) frames.push(Float64Array.from(p.frames.slice(2 * d * k, 2 * d * (k + 1))));
      const g = new GuidedPath(Float64Array.from(p.G0), frames, p.speed, p.t0);
      g.indexValues = p.index_values || null;
      g.indexName = p.index_name || null;
      return g;
    }

    params() {
      const frames = [];
      this.frames.forEach((F) => frames.push(...F));
      return { dim: this.dim, path: 'guided', G0: Array.from(this.baseView), frames, speed: this.speed, t0: this.baseTime,
        index_values: this.indexValues || null, index_name: this.indexName || null };
    }

    get endTime() { return this.baseTime + this.times[this.times.length - 1]; }

    rebase(G, t) {
      if (this.times) {
        const { k } = this.segment(t);
        const done = t - this.baseTime >= this.times[this.times.length - 1] ? k + 1 : k;
        this.frames = this.frames.slice(Math.max(0, done));
        if (this.indexValues) this.indexValues = this.indexValues.slice(Math.max(0, done));
      }
      this.baseView = Float64Array.from(G);
      this.baseTime = t;
      this.plans = [];
      this.views = [this.baseView];
      this.times = [0];
      for (const F of this.frames) {
        const prev = this.views[this.views.length - 1];
        const plan = Geo.geodesicPlan(L.basisOf(prev, this.dim), F, this.dim);
        this.plans.push(plan);
        this.views.push(Geo.viewAt(plan, prev, 1));
        this.times.push(this.times[this.times.length - 1] + Math.max(plan.distance / this.speed, MIN_SEGMENT));
      }
      return this;
    }

    segment(t) {
      const tau = t - this.baseTime, T = this.times;
      if (this.plans.length === 0) return { k: -1, s: 1 };
      if (tau >= T[T.length - 1]) return { k: this.plans.length - 1, s: 1 };
      if (tau <= 0) return { k: 0, s: 0 };
      let k = 0;
      while (k + 1 < T.length && T[k + 1] <= tau) k++;
      return { k, s: (tau - T[k]) / (T[k + 1] - T[k]) };
    }

    screenBasisInto(out, t) {
      const { k, s } = this.segment(t);
      if (k < 0) { out.set(L.basisOf(this.baseView, this.dim)); return out; }
      if (s >= 1) { out.set(L.basisOf(this.views[k + 1], this.dim)); return out; }
      return Geo.frameAtInto(out, this.plans[k], s);
    }

    matrix(t) {
      const { k, s } = this.segment(t);
      if (k < 0) return Float64Array.from(this.baseView);
      if (s >= 1) return Float64Array.from(this.views[k + 1]);
      return Geo.viewAt(this.plans[k], this.views[k], s);
    }
  }

  tl.paths.register('guided', GuidedPath);
})();
