/*
 * tourlib: the Grand Tour figure in the browser (window.TourFigure).
 *
 * tourlib.viz.tour_figure (Python) builds a Bokeh layout and embeds the data (int16 codes,
 * x = q * scale + offset per column) and the tour's parameters. Its CustomJS glue calls
 *   TourFigure.attach(fig, plot)            when a panel is laid out (also on resize)
 *   TourFigure.call(state, "method", ...)   from widgets, the brush and state changes.
 * One TourInstance per figure (keyed by its TourState model) owns the view G (d×d, row-major,
 * row vectors: the screen shows X @ G[:, :2]) and the animation loop; one Panel per data set
 * owns its decoded points, its pixel buffer and its Bokeh views.
 *
 * Each frame: B = G[:, :2]; every panel projects its points (tour_project.js: the same sums as
 * TourEngine.projectInto; for a time axis (1 - f) X_k B + f X_{k+1} B), rasterises them into its
 * Uint32 buffer (tour_raster.js), hands the pixels to its image_rgba glyph and repaints its plot
 * once.
 *
 * Bokeh internals used for speed (each has a public fallback, see Bridge): the PlotView's
 * pause/unpause/invalidate_painters/repaint (one synchronous paint per frame instead of
 * Bokeh's throttled one) and the canvas the ImageRGBA glyph view draws from (one
 * putImageData per frame instead of a full data-source update).
 */
(function () {
  "use strict";

  // Keep the figures already running if this file is loaded a second time (a notebook may do so).
  const instances = (window.TourFigure && window.TourFigure.instances) || [];

  // ------------------------------------------------------------------ Bokeh bridge
  const Bridge = {
    view(model) {
      try {
        return (window.Bokeh && window.Bokeh.index.find_one(model)) || null;
      } catch (e) {
        return null;
      }
    },
    ndarray(buf, shape) {
      const nd = window.Bokeh.require("core/util/ndarray");
      return nd.ndarray(buf, { dtype: "uint32", shape });
    },
    pause(pv) {
      if (pv && typeof pv.pause === "function") pv.pause();
    },
    resume(pv) {
      if (pv && typeof pv.unpause === "function") pv.unpause(true);
    },
    /** Paint the plot now (fast path) or ask Bokeh to (fallback). */
    paint(pv, rv) {
      if (pv && typeof pv.invalidate_painters === "function" && typeof pv.repaint === "function") {
        if (rv) pv.invalidate_painters(rv);
        pv.repaint();
        return true;
      }
      if (pv && typeof pv.request_paint === "function") pv.request_paint();
      return false;
    },
    /** The canvas an ImageRGBA glyph view draws from, if it has the expected size. */
    imageCanvas(rv, W, H) {
      const gv = rv && rv.glyph;
      const c = gv && gv.image_data && gv.image_data[0];
      return c && c.width === W && c.height === H && typeof c.getContext === "function" ? c : null;
    },
    frameBox(pv) {
      const b = pv && pv.frame && pv.frame.bbox;
      return b ? { x: b.x, y: b.y, width: b.width, height: b.height } : null;
    },
    eventsElement(pv) {
      return (pv && pv.canvas_view && pv.canvas_view.events_el) || null;
    },
  };

  // ------------------------------------------------------------------ small math helpers
  function basisOf(G, d) {
    const B = new Float64Array(2 * d);
    for (let j = 0; j < d; j++) {
      B[2 * j] = G[j * d];
      B[2 * j + 1] = G[j * d + 1];
    }
    return B;
  }

  /** Orthonormalise the two columns of a d×2 basis (Gram–Schmidt); null if degenerate. */
  function orthonormalBasis(B, d) {
    let n0 = 0;
    for (let j = 0; j < d; j++) n0 += B[2 * j] * B[2 * j];
    n0 = Math.sqrt(n0);
    if (n0 < 1e-9) return null;
    const out = new Float64Array(2 * d);
    let dot = 0;
    for (let j = 0; j < d; j++) {
      out[2 * j] = B[2 * j] / n0;
      dot += out[2 * j] * B[2 * j + 1];
    }
    let n1 = 0;
    for (let j = 0; j < d; j++) {
      out[2 * j + 1] = B[2 * j + 1] - dot * out[2 * j];
      n1 += out[2 * j + 1] * out[2 * j + 1];
    }
    n1 = Math.sqrt(n1);
    if (n1 < 1e-9) return null;
    for (let j = 0; j < d; j++) out[2 * j + 1] /= n1;
    return out;
  }

  const smooth = (u) => u * u * (3 - 2 * u);

  // ------------------------------------------------------------------ one data set
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
      const [T, n, d] = data.shape;
      this.T = T;
      this.n = n;
      this.d = d;
      this.q = data.points;
      this.scale = Float64Array.from(data.scale);
      this.offset = Float64Array.from(data.offset);
      this.labels = data.labels;
      this.preds = data.predictions || null;
      this.images = data.images || null;
      this.imageIndex = data.image_index ? Int32Array.from(data.image_index) : null;
      this.steps = new Array(T).fill(null);
      this.stepProj = new Map();
      this.proj = new Float32Array(2 * n);
      this.projKey = "";
      this.flags = new Uint8Array(n); // 1 = ghost, 2 = active
      this.activeList = new Int32Array(n);
      this.ghostList = new Int32Array(n);
      this.activeCount = n;
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

    /** Decoded points of time step t: Float32Array n*d, x = q * scale + offset. */
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
        this.steps[t] = X;
      }
      return X;
    }

    projectStep(t, B, version) {
      const hit = this.stepProj.get(t);
      if (hit && hit.version === version) return hit.proj;
      const out = hit ? hit.proj : new Float32Array(2 * this.n);
      window.TourProject.project(out, this.step(t), this.n, this.d, B);
      this.stepProj.set(t, { version, proj: out });
      if (this.stepProj.size > 3) {
        for (const key of this.stepProj.keys()) {
          if (key !== t && key !== t + 1 && key !== t - 1) {
            this.stepProj.delete(key);
            break;
          }
        }
      }
      return out;
    }

    /** Screen coordinates of every point for basis B at time position s. */
    project(B, version, s) {
      const key = version + ":" + s;
      if (key === this.projKey) return;
      this.projKey = key;
      this.grid = null;
      if (this.T === 1) {
        window.TourProject.project(this.proj, this.step(0), this.n, this.d, B);
        return;
      }
      const k = Math.min(this.T - 2, Math.floor(s)), f = s - k;
      const A = this.projectStep(k, B, version);
      if (f === 0) {
        this.proj.set(A);
        return;
      }
      const C = this.projectStep(k + 1, B, version);
      const g = 1 - f, out = this.proj;
      for (let m = 0; m < out.length; m++) out[m] = g * A[m] + f * C[m];
    }

    /** Point i's coordinates in data space at time position s (Float64Array d). */
    pointAt(i, s) {
      const out = new Float64Array(this.d);
      const k = this.T === 1 ? 0 : Math.min(this.T - 2, Math.floor(s));
      const f = this.T === 1 ? 0 : s - k;
      const A = this.step(k);
      for (let j = 0; j < this.d; j++) out[j] = A[i * this.d + j];
      if (f > 0) {
        const C = this.step(k + 1);
        for (let j = 0; j < this.d; j++) out[j] = (1 - f) * out[j] + f * C[i * this.d + j];
      }
      return out;
    }

    /** The rectangle shown and the raster size; (re)allocates the buffer when the size changes. */
    view() {
      const xr = this.plot.x_range, yr = this.plot.y_range;
      const dpr = window.devicePixelRatio || 1;
      const W = Math.max(1, Math.round((this.plot.inner_width || 1) * dpr));
      const H = Math.max(1, Math.round((this.plot.inner_height || 1) * dpr));
      return { x0: xr.start, x1: xr.end, y0: yr.start, y1: yr.end, W, H };
    }

    ensureRaster(view) {
      let changed = false;
      if (view.W !== this.W || view.H !== this.H) {
        this.W = view.W;
        this.H = view.H;
        this.buf = new Uint32Array(view.W * view.H);
        this.imageData = new ImageData(new Uint8ClampedArray(this.buf.buffer), view.W, view.H);
        this.fill = window.TourRaster.makeSplat(this.inst.cfg.fill, view.W);
        const ring = this.inst.cfg.ring;
        this.ring = ring && ring.length ? window.TourRaster.makeSplat(ring, view.W) : null;
        changed = true;
      }
      const placement = [view.x0, view.x1, view.y0, view.y1, view.W, view.H].join(",");
      if (changed || placement !== this.placement) {
        this.placement = placement;
        this.imageSource.data = {
          image: [Bridge.ndarray(this.buf, [view.H, view.W])],
          x: [view.x0],
          y: [view.y1],
          dw: [view.x1 - view.x0],
          dh: [view.y1 - view.y0],
        };
        this.grid = null;
      }
    }

    /** Recompute which points are active and which are ghosts. */
    updateFlags(hidden, focus, selection) {
      const { n, labels, flags } = this;
      const sel = selection && selection.panel === this.k ? selection.mask : null;
      let a = 0, g = 0;
      for (let i = 0; i < n; i++) {
        const c = labels[i];
        const on = (focus < 0 ? hidden[c] === 0 : focus === c) && (sel === null || sel[i] === 1);
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

    ensureSprites() {
      if (this.sprites || !this.images) return;
      const [M, h, w, c] = this.images.shape;
      const S = this.inst.cfg.image_size;
      const rgb = [];
      for (let m = 0; m < M; m++) rgb.push(this.inst.classRGB[this.labels[this.imageIndex[m]]]);
      this.sprites = window.TourRaster.makeSprites(this.images, M, h, w, c, S, rgb);
    }

    draw(view) {
      const R = window.TourRaster, inst = this.inst;
      this.buf.fill(0);
      const ox = Math.floor((0 - view.x0) * view.W / (view.x1 - view.x0));
      const oy = Math.floor((view.y1 - 0) * view.H / (view.y1 - view.y0));
      R.drawCross(this.buf, view.W, view.H, ox, oy, inst.crossColor);
      if (this.ghostCount > 0) {
        R.drawDots(this.buf, this.proj, this.ghostList, this.ghostCount, this.labels, inst.ghostPalette, this.fill, null, 0, view);
      }
      const all = this.ghostCount === 0 ? null : this.activeList;
      const images = inst.mode === "images" && this.images !== null;
      // in image mode the dots are only context: faint, under the thumbnails
      const palette = images ? inst.ghostPalette : inst.palette;
      R.drawDots(this.buf, this.proj, all, this.activeCount, this.labels, palette, this.fill, images ? null : this.ring, inst.ringColor, view);
      if (images) {
        this.ensureSprites();
        R.drawSprites(this.buf, this.proj, this.imageIndex, this.spriteShow, this.sprites, inst.cfg.image_size, view);
      }
      if (inst.cfg.show_handles) this.drawHandleLabels(view);
    }

    /** Axis labels just beyond each handle end, 14 CSS px further out from the origin. */
    drawHandleLabels(view) {
      const inst = this.inst, d = this.d, s = inst.cfg.handle_scale, B = inst.B;
      const dpr = window.devicePixelRatio || 1;
      if (!this.labels2d || this.labelsDpr !== dpr) {
        this.labels2d = inst.cfg.axis_labels.map((t) => window.TourRaster.makeLabel(String(t), 11, dpr));
        this.labelsDpr = dpr;
      }
      const kx = view.W / (view.x1 - view.x0), ky = view.H / (view.y1 - view.y0);
      for (let i = 0; i < d; i++) {
        const x = s * B[2 * i], y = s * B[2 * i + 1];
        const px = (x - view.x0) * kx, py = (view.y1 - y) * ky;
        const dx = x * kx, dy = -y * ky, len = Math.hypot(dx, dy);
        const ux = len > 1e-9 ? dx / len : 0, uy = len > 1e-9 ? dy / len : -1;
        const L = this.labels2d[i];
        // push the chip out along the handle so that its nearest edge clears the end marker
        const out = 9 * dpr + 0.5 * Math.abs(ux) * L.w + 0.5 * Math.abs(uy) * L.h;
        window.TourRaster.drawLabel(this.buf, view.W, view.H, L, px + ux * out, py + uy * out);
      }
    }

    /** Hand the pixels to the image glyph: straight into its canvas, or via the data source. */
    pushPixels() {
      const canvas = Bridge.imageCanvas(this.rv, this.W, this.H);
      if (canvas) {
        canvas.getContext("2d").putImageData(this.imageData, 0, 0);
        return true;
      }
      this.imageSource.change.emit();
      return false;
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

  // ------------------------------------------------------------------ one figure
  class TourInstance {
    constructor(fig) {
      const E = window.TourEngine;
      if (!E) throw new Error("tourlib: tour_engine.js must be loaded before a tour figure runs");
      this.fig = fig;
      this.state = fig.state;
      this.cfg = fig.config;
      this.widgets = fig.widgets;
      this.handleSource = fig.handles;
      this.d = this.cfg.tour.dim;
      this.tour = E.GrandTour.fromParams(this.cfg.tour);
      this.t = 0;
      this.G = Float64Array.from(this.tour.matrix(0));
      this.B = basisOf(this.G, this.d);
      this.version = 0; // bumps whenever B changes
      this.epoch = 0;
      this.T = fig.panels.length ? fig.panels[0].data.shape[0] : 1;
      // Layer figures (tourlib.viz.tour_figure.layer_tour_figure): the T steps are E blocks of
      // L + 1 activations; position s = e (L + 1) + λ, epoch e, λ ∈ [0, L] on the layer axis.
      this.layerAxis = this.cfg.layer_axis || null;
      if (this.layerAxis && this.layerAxis.start_epoch) this.epoch = this.layerAxis.start_epoch * (this.layerAxis.n_layers + 1);
      this.playing = false;
      this.timePlaying = false;
      this.rate = 1;
      this.mode = "dots";
      const K = this.cfg.classes.length;
      this.hidden = new Uint8Array(K);
      this.focus = -1;
      this.selection = null; // {panel, indices, mask}
      this.centroid = null; // Float64Array d (data space)
      this.hover = null; // {panel, index}
      this.drag = null;
      this.transition = null;
      this.lastDrag = null;
      this.frameCount = 0;
      this.visible = true;
      this.ready = false;
      this.dirty = true;
      this.rafPending = false;
      this.lastTs = null;
      this.lastWrite = 0;
      this.writing = false;
      this.autoplayDone = false;
      const R = window.TourRaster;
      this.classRGB = this.cfg.colors.map(R.hexToRGB);
      this.palette = Uint32Array.from(this.classRGB.map(([r, g, b]) => R.pack(r, g, b, 255)));
      this.ghostPalette = Uint32Array.from(this.classRGB.map(([r, g, b]) => R.pack(r, g, b, this.cfg.ghost_alpha)));
      this.ringColor = R.pack(255, 255, 255, 255);
      this.crossColor = R.pack(170, 170, 170, 255);
      this.panels = fig.panels.map((pm, k) => new Panel(this, pm, k));
      this.updateFlags();
    }

    // ---- lifecycle
    onLayout() {
      this.dirty = true;
      this.tryStart();
    }

    tryStart() {
      if (!this.ready) {
        if (!this.panels.every((p) => p.resolveViews())) {
          setTimeout(() => this.tryStart(), 30);
          return;
        }
        this.ready = true;
        if (window.TourUI) {
          this.panels.forEach((p) => window.TourUI.bindPointer(this, p));
          window.TourUI.bindLegend(this);
        }
        this.observeVisibility();
        if (this.cfg.autoplay && !this.autoplayDone) {
          this.autoplayDone = true;
          this.play();
        }
      } else {
        this.panels.forEach((p) => p.resolveViews());
      }
      this.requestFrame();
    }

    observeVisibility() {
      const el = this.panels[0].pv && this.panels[0].pv.el;
      if (!el || typeof IntersectionObserver === "undefined") return;
      this.observer = new IntersectionObserver((entries) => {
        const vis = entries.some((e) => e.isIntersecting);
        if (vis !== this.visible) {
          this.visible = vis;
          this.lastTs = null;
          if (vis) this.requestFrame();
        }
      });
      this.observer.observe(el);
    }

    destroyed() {
      return this.panels.some((p) => p.pv && p.pv.is_destroyed);
    }

    requestFrame() {
      this.dirty = true;
      if (this.rafPending) return;
      this.rafPending = true;
      requestAnimationFrame((ts) => this.tick(ts));
    }

    tick(ts) {
      this.rafPending = false;
      if (!this.ready || this.destroyed()) return;
      const dt = this.lastTs === null ? 0 : Math.min(0.1, (ts - this.lastTs) / 1000);
      this.lastTs = ts;
      let animating = false;
      if (this.visible && this.playing && !this.drag) {
        this.t += dt * this.rate;
        this.followTour();
        animating = true;
      }
      if (this.visible && this.timePlaying) {
        const end = this.timeEnd();
        const s = Math.min(end, this.epoch + dt * this.rate * this.cfg.time_speed);
        this.setEpoch(s, true);
        if (s >= end) this.setTimePlaying(false);
        else animating = true;
      }
      if (this.transition) {
        this.stepTransition(ts);
        animating = true;
      }
      if (this.dirty || animating) this.render();
      if ((this.playing || this.timePlaying) && ts - this.lastWrite > 250) {
        this.lastWrite = ts;
        this.writeState();
      }
      if ((animating || this.transition) && this.visible) {
        this.rafPending = true;
        requestAnimationFrame((t2) => this.tick(t2));
      } else {
        this.lastTs = null;
      }
    }

    setG(G) {
      this.G = G instanceof Float64Array ? G : Float64Array.from(G);
      this.B = basisOf(this.G, this.d);
      this.version++;
      this.dirty = true;
    }

    /** A playing frame: only the screen basis G(t)[:, :2], O(d²) (tour_engine.js); the full view
     *  G(t), O(d³), is computed when something reads it (a drag, a write to Python, a test). */
    followTour() {
      this._G = null;
      this.B = this.tour.screenBasis(this.t);
      this.version++;
      this.dirty = true;
    }

    get G() {
      if (this._G === null) this._G = Float64Array.from(this.tour.matrix(this.t));
      return this._G;
    }

    set G(value) {
      this._G = value;
    }

    // ---- drawing
    render() {
      this.dirty = false;
      const pvs = this.panels.map((p) => p.pv);
      pvs.forEach(Bridge.pause);
      try {
        for (const p of this.panels) {
          const view = p.view();
          p.ensureRaster(view);
          p.lastView = view;
          p.project(this.B, this.version, this.epoch);
          p.draw(view);
          p.pushPixels();
        }
        this.updateOverlays();
        if (window.TourUI) window.TourUI.afterRender(this);
      } finally {
        pvs.forEach(Bridge.resume);
      }
      for (const p of this.panels) Bridge.paint(p.pv, p.rv);
      this.frameCount++;
    }

    /** Axis handles, the brush centroid and the hover ring (small Bokeh glyphs). */
    updateOverlays() {
      const cfg = this.cfg, d = this.d, s = cfg.handle_scale, B = this.B;
      if (cfg.show_handles) {
          const x1 = [], y1 = [];
        for (let i = 0; i < d; i++) {
          x1.push(s * B[2 * i]);
          y1.push(s * B[2 * i + 1]);
        }
        const zeros = new Array(d).fill(0);
        this.handleSource.data = { x0: zeros, y0: zeros, x1, y1, color: cfg.axis_colors };
      }
      for (const p of this.panels) {
        const rows = { x: [], y: [], marker: [], size: [], line_color: [], fill_alpha: [], line_width: [] };
        const add = (x, y, marker, size, color, alpha, width) => {
          rows.x.push(x);
          rows.y.push(y);
          rows.marker.push(marker);
          rows.size.push(size);
          rows.line_color.push(color);
          rows.fill_alpha.push(alpha);
          rows.line_width.push(width);
        };
        if (this.selection && this.selection.panel === p.k && this.centroid) {
          const c = this.centroid;
          let x = 0, y = 0;
          for (let j = 0; j < d; j++) {
            x += c[j] * B[2 * j];
            y += c[j] * B[2 * j + 1];
          }
          add(x, y, "circle_cross", 18, "#222222", 0.8, 2);
        }
        if (this.hover && this.hover.panel === p.k) {
          const i = this.hover.index;
          add(p.proj[2 * i], p.proj[2 * i + 1], "circle", 14, cfg.colors[p.labels[i]], 0, 2.5);
        }
        setSmall(p.markerSource, rows);
        // an empty glyph still costs a paint: hide the renderer when it has nothing to show
        const show = rows.x.length > 0;
        if (p.markerRenderer && p.markerRenderer.visible !== show) p.markerRenderer.visible = show;
      }
    }

    updateFlags() {
      for (const p of this.panels) p.updateFlags(this.hidden, this.focus, this.selection);
      this.dirty = true;
    }

    // ---- tour control (also called from widgets through TourFigure.call)
    play() {
      if (this.drag) return;
      this.finishTransition();
      this.tour.rebase(this.G, this.t);
      this.playing = true;
      this.lastTs = null;
      this.syncWidgets();
      this.writeState();
      this.requestFrame();
    }

    pause() {
      this.playing = false;
      this.syncWidgets();
      this.writeState();
    }

    togglePlay() {
      if (this.playing) this.pause();
      else this.play();
    }

    setRate(v) {
      v = Number(v);
      if (!isFinite(v) || v < 0) return;
      if (v === this.rate) return;
      this.rate = v;
      this.syncWidgets();
      this.writeState();
    }

    setMode(m) {
      m = m === "images" ? "images" : "dots";
      if (m === this.mode) return;
      this.mode = m;
      this.syncWidgets();
      this.writeState();
      this.requestFrame();
    }

    /** Move along the time axis (s in [0, T-1], interpolated between steps). */
    setEpoch(s, fromLoop) {
      s = Math.max(0, Math.min(this.T - 1, Number(s)));
      if (!isFinite(s)) return;
      const la = this.layerAxis;
      if (la) {
        // stay inside one epoch's block: s = e (L + 1) + λ with λ ≤ L
        const e = Math.floor(s / (la.n_layers + 1));
        s = e * (la.n_layers + 1) + Math.min(la.n_layers, s - e * (la.n_layers + 1));
      }
      if (Math.abs(s - this.epoch) < 1e-12) return;
      this.epoch = s;
      if (this.selection) this.computeCentroid();
      this.dirty = true;
      this.syncTimeWidgets();
      if (!fromLoop) {
        this.writeState();
        this.requestFrame();
      }
    }

    /** Layer figures: the epoch index e and the layer position λ of position s. */
    get epochIndex() {
      const la = this.layerAxis;
      return la ? Math.floor(this.epoch / (la.n_layers + 1)) : 0;
    }

    get layerPos() {
      const la = this.layerAxis;
      return la ? this.epoch - this.epochIndex * (la.n_layers + 1) : 0;
    }

    /** Layer figures: transition i = ⌊λ⌋ (the last one at λ = L) and its parameter t = λ − i. */
    transitionAt() {
      const L = this.layerAxis.n_layers, lam = this.layerPos;
      const i = Math.min(L - 1, Math.floor(lam));
      return { i, t: lam - i };
    }

    /** Where playing the time (layer) axis starts and stops. */
    timeStart() {
      return this.layerAxis ? this.epochIndex * (this.layerAxis.n_layers + 1) : 0;
    }

    timeEnd() {
      return this.layerAxis ? this.timeStart() + this.layerAxis.n_layers : this.T - 1;
    }

    /** Layer figures: move to layer position λ ∈ [0, L] of the current epoch. */
    setLayer(lam, fromLoop) {
      const la = this.layerAxis;
      if (!la) return;
      lam = Math.max(0, Math.min(la.n_layers, Number(lam)));
      if (!isFinite(lam)) return;
      this.setEpoch(this.timeStart() + lam, fromLoop);
    }

    /** Layer figures: show epoch index e at the same layer position (the view is kept). */
    setEpochIndex(e) {
      const la = this.layerAxis;
      if (!la) return;
      e = Math.max(0, Math.min(la.epochs.length - 1, Math.round(Number(e))));
      if (!isFinite(e)) return;
      this.setEpoch(e * (la.n_layers + 1) + this.layerPos);
    }

    setTimePlaying(on) {
      if (on && this.epoch >= this.timeEnd()) this.setEpoch(this.timeStart(), true);
      this.timePlaying = !!on && this.T > 1;
      this.lastTs = null;
      const b = this.widgets.time_play;
      const what = this.layerAxis ? "layers" : this.cfg.time_name + "s";
      if (b) b.label = (this.timePlaying ? "❚❚ " : "▶ ") + what;
      this.writeState();
      if (this.timePlaying) this.requestFrame();
    }

    toggleTimePlay() {
      this.setTimePlaying(!this.timePlaying);
    }

    /** Show view G (flat d*d, orthogonal) and pause. */
    setMatrix(G) {
      this.pause();
      this.transition = null;
      this.setG(Float64Array.from(G));
      this.tour.rebase(this.G, this.t);
      this.writeState();
      this.requestFrame();
    }

    applyPreset(name) {
      const target = this.cfg.presets[name];
      if (!target) return;
      this.pause();
      this.transition = { from: this.B, to: Float64Array.from(target), start: null, duration: 600, name };
      this.requestFrame();
    }

    stepTransition(ts) {
      const tr = this.transition;
      if (tr.start === null) tr.start = ts;
      const u = Math.min(1, (ts - tr.start) / tr.duration);
      if (u >= 1) {
        this.finishTransition();
        return;
      }
      const to = basisOf(tr.to, this.d), w = smooth(u), mix = new Float64Array(2 * this.d);
      for (let m = 0; m < mix.length; m++) mix[m] = (1 - w) * tr.from[m] + w * to[m];
      const B = orthonormalBasis(mix, this.d);
      if (B === null) {
        this.finishTransition();
        return;
      }
      this.B = B;
      this.version++;
      this.dirty = true;
    }

    finishTransition() {
      const tr = this.transition;
      if (!tr) return;
      this.transition = null;
      this.setG(tr.to);
      this.tour.rebase(this.G, this.t);
      this.writeState();
    }

    reset() {
      this.transition = null;
      this.tour = window.TourEngine.GrandTour.fromParams(this.cfg.tour);
      this.t = 0;
      this.setG(this.tour.matrix(0));
      this.hidden.fill(0);
      this.focus = -1;
      this.selection = null;
      this.centroid = null;
      const la = this.layerAxis;
      this.setEpoch(la && la.start_epoch ? la.start_epoch * (la.n_layers + 1) : 0, true);
      this.setRate(1);
      const h = this.cfg.half, p = this.panels[0].plot;
      p.x_range.setv({ start: -h, end: h });
      p.y_range.setv({ start: -h, end: h });
      this.updateFlags();
      if (window.TourUI) window.TourUI.refreshLegend(this);
      this.syncWidgets();
      this.writeState();
      this.requestFrame();
    }

    viewChanged() {
      this.requestFrame();
    }

    // ---- legend
    setFocus(c) {
      if (c === this.focus) return;
      this.focus = c;
      this.updateFlags();
      this.requestFrame();
    }

    toggleClass(c) {
      this.hidden[c] = this.hidden[c] ? 0 : 1;
      this.updateFlags();
      this.writeState();
      this.requestFrame();
    }

    // ---- brush (SelectionGeometry from Bokeh's BoxSelectTool)
    brush(k, geometry, final) {
      if (!final || !geometry || geometry.type !== "rect") return;
      const p = this.panels[k];
      const x0 = Math.min(geometry.x0, geometry.x1), x1 = Math.max(geometry.x0, geometry.x1);
      const y0 = Math.min(geometry.y0, geometry.y1), y1 = Math.max(geometry.y0, geometry.y1);
      // choose among the points not hidden by the legend
      const saved = this.selection;
      this.selection = null;
      p.updateFlags(this.hidden, -1, null);
      const idx = window.TourHit.inRect(p.proj, p.activeList, p.activeCount, x0, x1, y0, y1);
      this.selection = saved;
      this.select(k, idx);
    }

    /** Select points `indices` of panel k (empty: clear the brush). */
    select(k, indices) {
      if (!indices || indices.length === 0) {
        this.selection = null;
        this.centroid = null;
      } else {
        const mask = new Uint8Array(this.panels[k].n);
        for (const i of indices) mask[i] = 1;
        this.selection = { panel: k, indices: Int32Array.from(indices), mask };
        this.computeCentroid();
      }
      this.updateFlags();
      this.writeState();
      this.requestFrame();
    }

    clearBrush() {
      if (this.selection) this.select(0, null);
    }

    computeCentroid() {
      const sel = this.selection, p = this.panels[sel.panel], d = this.d;
      const c = new Float64Array(d);
      for (const i of sel.indices) {
        const x = p.pointAt(i, this.epoch);
        for (let j = 0; j < d; j++) c[j] += x[j];
      }
      for (let j = 0; j < d; j++) c[j] /= sel.indices.length;
      this.centroid = c;
    }

    // ---- direct manipulation (called by tour_ui.js)
    /** kind "axis" (index = axis i) or "centroid"; x, y: pointer in data units. */
    beginDrag(kind, index, x, y, panel) {
      this.finishTransition();
      if (this.playing) this.pause();
      this.drag = { kind, index, x, y, panel, G0: Float64Array.from(this.G), c: this.centroid ? Float64Array.from(this.centroid) : null };
    }

    dragTo(x, y) {
      const dr = this.drag;
      if (!dr) return;
      const E = window.TourEngine, d = this.d;
      const dx = x - dr.x, dy = y - dr.y;
      let G, delta;
      if (dr.kind === "axis") {
        const s = this.cfg.handle_scale;
        delta = [dx / s, dy / s];
        G = E.dragAxis(dr.G0, d, dr.index, delta[0], delta[1]);
      } else {
        delta = [dx, dy];
        G = E.dragCentroid(dr.G0, d, dr.c, delta[0], delta[1]);
      }
      this.lastDrag = { kind: dr.kind, index: dr.index, G0: Array.from(dr.G0), delta, c: dr.c ? Array.from(dr.c) : null };
      this.setG(G);
      this.requestFrame();
    }

    endDrag() {
      if (!this.drag) return;
      this.drag = null;
      this.tour.rebase(this.G, this.t);
      this.writeState();
    }

    // ---- widgets and the shared state model
    syncWidgets() {
      const w = this.widgets;
      if (w.play) w.play.label = this.playing ? "❚❚ Pause" : "▶ Play";
      if (w.speed && w.speed.value !== this.rate) w.speed.value = this.rate;
      if (w.mode) {
        const a = this.mode === "images" ? 1 : 0;
        if (w.mode.active !== a) w.mode.active = a;
      }
    }

    syncTimeWidgets() {
      const sl = this.widgets.time_slider;
      if (!sl) return;
      const la = this.layerAxis;
      if (la) {
        const lam = this.layerPos, e = this.epochIndex, { i, t } = this.transitionAt();
        if (Math.abs(sl.value - lam) > 1e-9) sl.value = lam;
        const title = "layer: " + la.names[i] + "  (t = " + t.toFixed(2) + ")";
        if (sl.title !== title) sl.title = title;
        const es = this.widgets.epoch_slider;
        if (es) {
          if (es.value !== e) es.value = e;
          const et = "epoch " + la.epochs[e];
          if (es.title !== et) es.title = et;
        }
        return;
      }
      if (Math.abs(sl.value - this.epoch) > 1e-9) sl.value = this.epoch;
      const k = Math.round(this.epoch);
      const title = this.cfg.time_name + " " + this.cfg.time_labels[k];
      if (sl.title !== title) sl.title = title;
    }

    /** Write the live state into the TourState model (synced to Python in a live kernel). */
    writeState() {
      const s = this.state;
      this.writing = true;
      try {
        const hidden = [];
        this.hidden.forEach((h, c) => h && hidden.push(c));
        const layerState = {};
        // layer figures only; a page embedded before TourState had these properties must not get them
        if (this.layerAxis && s.properties && s.properties.layer && s.properties.epoch_index) {
          layerState.layer = this.layerPos;
          layerState.epoch_index = this.epochIndex;
        }
        s.setv({
          ...layerState,
          matrix: Array.from(this.G),
          tour_time: this.t,
          epoch: this.epoch,
          playing: this.playing,
          rate: this.rate,
          mode: this.mode,
          selected_panel: this.selection ? this.selection.panel : -1,
          selected: this.selection ? Array.from(this.selection.indices) : [],
          hidden_classes: hidden,
        });
      } finally {
        this.writing = false;
      }
    }

    /** A TourState property was set from outside (Python, ipywidgets). */
    stateChanged(prop) {
      if (this.writing) return;
      const s = this.state;
      if (prop === "matrix") {
        const m = s.matrix;
        if (m && m.length === this.d * this.d) {
          let same = true;
          for (let j = 0; j < m.length; j++) if (m[j] !== this.G[j]) same = false;
          if (!same) this.setMatrix(m);
        }
      } else if (prop === "playing") {
        if (s.playing !== this.playing) s.playing ? this.play() : this.pause();
      } else if (prop === "rate") {
        this.setRate(s.rate);
      } else if (prop === "epoch") {
        this.setEpoch(s.epoch);
      } else if (prop === "mode") {
        this.setMode(s.mode);
      } else if (prop === "layer") {
        this.setLayer(s.layer);
      } else if (prop === "epoch_index") {
        this.setEpochIndex(s.epoch_index);
      }
    }
  }

  function setSmall(source, data) {
    const old = source.data;
    let same = true;
    for (const key in data) {
      const a = old[key], b = data[key];
      if (!a || a.length !== b.length) {
        same = false;
        break;
      }
      for (let m = 0; m < b.length; m++) if (a[m] !== b[m]) same = false;
    }
    if (!same) source.data = data;
  }

  // ------------------------------------------------------------------ public entry points
  function find(state) {
    for (const inst of instances) if (inst.state === state) return inst;
    return null;
  }

  function attach(fig, plot) {
    // forget figures whose views are gone (a re-run notebook cell, a re-rendered page part)
    for (let k = instances.length - 1; k >= 0; k--) if (instances[k].destroyed()) instances.splice(k, 1);
    let inst = find(fig.state);
    if (!inst) {
      inst = new TourInstance(fig);
      instances.push(inst);
    }
    inst.onLayout(plot);
    return inst;
  }

  function call(state, method, ...args) {
    const inst = find(state);
    if (inst && typeof inst[method] === "function") return inst[method](...args);
    return undefined;
  }

  window.TourFigure = { attach, call, instances, Bridge, basisOf };
})();
