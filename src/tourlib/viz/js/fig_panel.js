// @module fig_panel
// @requires engine_linalg tour_project fig_bridge
/*
 * tourlib.fig.Panel — one data set of a tour figure: its points over the figure's data axes,
 * decoded on demand, and their screen positions.
 *
 * Data: shape (*sizes, N, d), int16 codes q with x = q * scale + offset per column; the steps of
 * the axes are stored one after the other (row-major over the axes). A position on the axes is
 * one number per axis, p_a ∈ [0, size_a − 1]; an axis that interpolates may sit between two steps
 * (f_a = p_a − ⌊p_a⌋), the others sit on a step. The points shown are the multilinear blend
 *   X(p) = Σ_corners Π_a w_a X[step(corner)],  w_a = 1 − f_a (lower) or f_a (upper),
 * and, the view being linear, their screen positions are the same blend of the corners' X_k B
 * (each corner's projection is cached per view version).
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  tl.fig = tl.fig || {};
  if (tl.fig.Panel) return;
  const Bridge = tl.bridge;

  /** The corners and weights of position `pos` on axes of sizes `sizes` (strides row-major). */
  function corners(pos, sizes) {
    let list = [{ step: 0, w: 1 }];
    let stride = 1;
    for (let a = sizes.length - 1; a >= 0; a--) {
      const n = sizes[a];
      const k = n === 1 ? 0 : Math.min(n - 2, Math.floor(pos[a] || 0));
      const f = n === 1 ? 0 : (pos[a] || 0) - k;
      const next = [];
      for (const c of list) {
        if (f < 1) next.push({ step: c.step + k * stride, w: c.w * (1 - f) });
        if (f > 0) next.push({ step: c.step + (k + 1) * stride, w: c.w * f });
      }
      list = next;
      stride *= n;
    }
    return list;
  }

  class Panel {
    constructor(inst, pm, k) {
      this.inst = inst;
      this.k = k;
      this.plot = pm.plot;
      this.imageSource = pm.image;
      this.markerSource = pm.markers;
      this.markerRenderer = pm.plot.renderers.find((r) => r.data_source === pm.markers) || null;
      const data = pm.data;
      this.name = data.name;
      const shape = data.shape;
      this.sizes = shape.slice(0, shape.length - 2);
      this.T = this.sizes.reduce((a, b) => a * b, 1);          // number of stored steps
      this.n = shape[shape.length - 2];
      this.d = shape[shape.length - 1];
      this.q = data.points;
      this.scale = Float64Array.from(data.scale);
      this.offset = Float64Array.from(data.offset);
      this.labels = data.labels;
      this.preds = data.predictions || null;
      this.images = data.images || null;
      this.imageIndex = data.image_index ? Int32Array.from(data.image_index) : null;
      this.rotations = data.rotations || null;   // S×S'×d×d, the alignment toggle's (fig_compare)
      this.steps = new Array(this.T).fill(null);
      this.stepProj = new Map();
      this.proj = new Float32Array(2 * this.n);
      this.projKey = "";
      this.flags = new Uint8Array(this.n); // 1 = ghost, 2 = active
      this.activeList = new Int32Array(this.n);
      this.ghostList = new Int32Array(this.n);
      this.activeCount = this.n;
      this.ghostCount = 0;
      this.spriteShow = this.imageIndex ? new Uint8Array(this.imageIndex.length) : null;
      this.sprites = null;
      this.W = 0;
      this.H = 0;
      this.buf = null;
      this.imageData = null;
      this.placement = "";
      this.grid = null;
      this.pv = null;
      this.rv = null;
      this.pointerBound = false;
    }

    /** Resolve the Bokeh views of this panel; false until BokehJS has built them. */
    resolveViews() {
      if (this.pv && !this.pv.is_destroyed) return true;
      const pv = Bridge.view(this.plot);
      if (!pv) return false;
      const r = this.plot.renderers.find((r) => r.data_source === this.imageSource);
      this.pv = pv;
      this.rv = (r && pv.renderer_views && pv.renderer_views.get(r)) || null;
      return true;
    }

    /** Decoded points of stored step t: Float32Array n*d, x = q * scale + offset. */
    step(t) {
      let X = this.steps[t];
      if (X === null) {
        const { n, d, q, scale, offset } = this;
        X = new Float32Array(n * d);
        const base = t * n * d;
        for (let i = 0; i < n; i++) {
          const o = i * d;
          for (let j = 0; j < d; j++) X[o + j] = q[base + o + j] * scale[j] + offset[j];
        }
        if (this.transform) X = this.transform(X, t);   // the alignment toggle's rotation (fig_compare)
        this.steps[t] = X;
      }
      return X;
    }

    projectStep(t, B, version, keep) {
      const hit = this.stepProj.get(t);
      if (hit && hit.version === version) return hit.proj;
      const out = hit ? hit.proj : new Float32Array(2 * this.n);
      tl.project.project(out, this.step(t), this.n, this.d, B);
      this.stepProj.set(t, { version, proj: out });
      if (this.stepProj.size > keep + 2) {
        for (const key of this.stepProj.keys()) {
          if (this.stepProj.get(key).version !== version) {
            this.stepProj.delete(key);
            break;
          }
        }
      }
      return out;
    }

    /** Forget decoded steps and projections (after the transform of the points changed). */
    invalidateSteps() {
      this.stepsEpoch = (this.stepsEpoch || 0) + 1;
      this.steps.fill(null);
      this.stepProj.clear();
      this.projKey = "";
      this.grid = null;
    }

    /** Screen coordinates of every point for basis B at axis positions `pos`. */
    project(B, version, pos) {
      const key = version + ":" + Array.prototype.join.call(pos, ",");
      if (key === this.projKey) return;
      this.projKey = key;
      this.grid = null;
      if (this.T === 1) {
        tl.project.project(this.proj, this.step(0), this.n, this.d, B);
        return;
      }
      const cs = corners(pos, this.sizes);
      if (cs.length === 1) {
        this.proj.set(this.projectStep(cs[0].step, B, version, 1));
        return;
      }
      const out = this.proj;
      out.fill(0);
      for (const c of cs) {
        const A = this.projectStep(c.step, B, version, cs.length);
        for (let m = 0; m < out.length; m++) out[m] += c.w * A[m];
      }
    }

    /** Point i's coordinates in data space at axis positions `pos` (Float64Array d). */
    pointAt(i, pos) {
      const out = new Float64Array(this.d);
      for (const c of corners(pos, this.sizes)) {
        const A = this.step(c.step);
        for (let j = 0; j < this.d; j++) out[j] += c.w * A[i * this.d + j];
      }
      return out;
    }

    /** The stored step nearest to `pos` (for per-step predictions). */
    nearestStep(pos) {
      let step = 0, stride = 1;
      for (let a = this.sizes.length - 1; a >= 0; a--) {
        step += Math.min(this.sizes[a] - 1, Math.round(pos[a] || 0)) * stride;
        stride *= this.sizes[a];
      }
      return step;
    }

    /** Recompute which points are active and which are ghosts. */
    updateFlags(hidden, focus, selection) {
      const { n, labels, flags } = this;
      const sel = selection && selection.panel === this.k ? selection.mask : null;
      let a = 0, g = 0;
      for (let i = 0; i < n; i++) {
        const c = labels[i];
        // a class hovered in the legend shows whatever is brushed; otherwise the brush and the legend
        const on = focus >= 0 ? focus === c : hidden[c] === 0 && (sel === null || sel[i] === 1);
        flags[i] = on ? 2 : 1;
        if (on) this.activeList[a++] = i;
        else this.ghostList[g++] = i;
      }
      this.activeCount = a;
      this.ghostCount = g;
      if (this.imageIndex) {
        for (let m = 0; m < this.imageIndex.length; m++) this.spriteShow[m] = flags[this.imageIndex[m]] === 2 ? 1 : 0;
      }
      this.grid = null;
    }

    /** The rectangle shown and the raster size. */
    view() {
      const xr = this.plot.x_range, yr = this.plot.y_range;
      const dpr = window.devicePixelRatio || 1;
      const W = Math.max(1, Math.round((this.plot.inner_width || 1) * dpr));
      const H = Math.max(1, Math.round((this.plot.inner_height || 1) * dpr));
      return { x0: xr.start, x1: xr.end, y0: yr.start, y1: yr.end, W, H };
    }

    /** Pointer position (client px) → {sx, sy} pixel of the raster and (x, y) data, or null. */
    fromClient(clientX, clientY) {
      const el = Bridge.eventsElement(this.pv), box = Bridge.frameBox(this.pv);
      if (!el || !box) return null;
      const r = el.getBoundingClientRect();
      const fx = clientX - r.left - box.x, fy = clientY - r.top - box.y;
      const v = this.lastView;
      if (!v) return null;
      const x = v.x0 + (fx / box.width) * (v.x1 - v.x0);
      const y = v.y1 - (fy / box.height) * (v.y1 - v.y0);
      const inside = fx >= 0 && fy >= 0 && fx < box.width && fy < box.height;
      return { x, y, sx: fx * (v.W / box.width), sy: fy * (v.H / box.height), fx, fy, inside };
    }

    /** Data (x, y) → client px (for handles' hit-tests and for tests). */
    toClient(x, y) {
      const el = Bridge.eventsElement(this.pv), box = Bridge.frameBox(this.pv), v = this.lastView;
      if (!el || !box || !v) return null;
      const r = el.getBoundingClientRect();
      return {
        x: r.left + box.x + ((x - v.x0) / (v.x1 - v.x0)) * box.width,
        y: r.top + box.y + ((v.y1 - y) / (v.y1 - v.y0)) * box.height,
      };
    }

    /** Data units per CSS pixel (x direction). */
    unitsPerPixel() {
      const box = Bridge.frameBox(this.pv), v = this.lastView;
      return box && v ? (v.x1 - v.x0) / box.width : 0;
    }
  }

  tl.fig.Panel = Panel;
  tl.fig.corners = corners;
})();
