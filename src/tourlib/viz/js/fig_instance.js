// @module fig_instance
// @requires paths path_rotation path_torus path_planned path_guided fig_panel fig_draw fig_bridge tour_raster
/*
 * tourlib.fig.TourInstance — one tour figure: its view G (d×d, row-major; the screen shows
 * X @ G[:, :2]), its path (tourlib.paths, rebuilt from the config's tour parameters), its clock and
 * animation loop, and one Panel per data set. Behaviour is added by the other fig_* modules:
 * fig_axes (positions on the data axes), fig_control (play, presets, reset, the shared state),
 * fig_select (legend, brush, drags, named group handles), fig_pointer / fig_tooltip / fig_legend.
 *
 * The config it reads is tourlib.viz.tour_models.TourConfig (a typed dataclass, documented there).
 * Each frame: a playing tour computes only the screen basis B = G(t)[:, :2] (O(d²)); every panel
 * projects its points at the current axis positions, rasterises them and repaints its plot once.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  tl.fig = tl.fig || {};
  if (tl.fig.TourInstance) return;
  const Bridge = tl.bridge, L = tl.linalg;

  class TourInstance {
    constructor(fig) {
      this.fig = fig;
      this.state = fig.state;
      this.cfg = fig.config;
      this.widgets = fig.widgets;
      this.handleSource = fig.handles;
      this.d = this.cfg.tour.dim;
      this.tour = tl.paths.GrandTour.fromParams(this.cfg.tour);
      this.t = 0;
      this._G = null;
      this.G = Float64Array.from(this.tour.matrix(0));
      this.B = L.basisOf(this.G, this.d);
      this.version = 0; // bumps whenever B changes
      this.axes = this.cfg.axes || [];
      this.pos = Float64Array.from(this.axes.map((a) => a.start || 0));
      this.axisPlaying = -1;
      this.playing = false;
      this.rate = 1;
      this.mode = "dots";
      this.hidden = new Uint8Array(this.cfg.classes.length);
      this.focus = -1;
      this.selection = null; // {panel, indices, mask}
      this.centroid = null; // Float64Array d (data space)
      this.groups = []; // named group handles {name, panel, indices, color}
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
      const R = tl.raster;
      this.classRGB = this.cfg.colors.map(R.hexToRGB);
      this.palette = Uint32Array.from(this.classRGB.map(([r, g, b]) => R.pack(r, g, b, 255)));
      this.ghostPalette = Uint32Array.from(this.classRGB.map(([r, g, b]) => R.pack(r, g, b, this.cfg.ghost_alpha)));
      this.ringColor = R.pack(255, 255, 255, 255);
      this.crossColor = R.pack(170, 170, 170, 255);
      this.panels = fig.panels.map((pm, k) => new tl.fig.Panel(this, pm, k));
      this.pairPos = null; // per-panel positions when a heat-map cell set the panels apart (fig_compare)
      if (this.initHandles) this.initHandles();
      if (this.initCompare) this.initCompare();
      this.updateFlags();
    }

    /** The axis positions panel k shows: the figure's, or its own after showPair (fig_compare). */
    panelPos(k) {
      return this.pairPos && this.pairPos[k] ? this.pairPos[k] : this.pos;
    }

    // ---- lifecycle
    onLayout() {
      this.dirty = true;
      if (this.ready && this.keepSquare) this.keepSquare();
      this.tryStart();
    }

    tryStart() {
      if (!this.ready) {
        if (!this.panels.every((p) => p.resolveViews())) {
          setTimeout(() => this.tryStart(), 30);
          return;
        }
        this.ready = true;
        if (tl.ui) {
          this.panels.forEach((p) => tl.ui.bindPointer(this, p));
          if (tl.ui.bindTouch) this.panels.forEach((p) => tl.ui.bindTouch(this, p));
          if (this.setupTouch) this.setupTouch();
          tl.ui.bindLegend(this);
          if (tl.ui.bindHandles) tl.ui.bindHandles(this);
          if (this.groups.length && this.writeHandles) this.writeHandles();   // Python sees the handles from the start
          if (tl.ui.bindIndicators) tl.ui.bindIndicators(this);
          if (this.syncAlignButton) this.syncAlignButton();
          if (this.fitToColumn) this.fitToColumn();
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
        if (this.t >= this.tour.endTime) this.pause();     // a path that ends (guided) stops there
        else animating = true;
      }
      if (this.visible && this.axisPlaying >= 0 && this.advanceAxis(dt)) animating = true;
      if (this.transition) {
        this.stepTransition(ts);
        animating = true;
      }
      if (this.animate && this.animate(dt)) animating = true;   // e.g. the alignment toggle (fig_compare)
      if (this.dirty || animating) this.render();
      if ((this.playing || this.axisPlaying >= 0) && ts - this.lastWrite > 250) {
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
      this.B = L.basisOf(this.G, this.d);
      this.version++;
      this.dirty = true;
    }

    /** A playing frame: only the screen basis G(t)[:, :2], O(d²); the full view G(t), O(d³), is
     *  computed when something reads it (a drag, a write to Python, a test). */
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
          p.project(this.B, this.version, this.panelPos(p.k));
          p.draw(view);
          p.pushPixels();
        }
        this.updateOverlays();
        if (tl.ui) tl.ui.afterRender(this);
      } finally {
        pvs.forEach(Bridge.resume);
      }
      for (const p of this.panels) Bridge.paint(p.pv, p.rv);
      this.frameCount++;
    }

    /** Screen position of a data-space point c under the current basis. */
    screenOf(c) {
      let x = 0, y = 0;
      for (let j = 0; j < this.d; j++) {
        x += c[j] * this.B[2 * j];
        y += c[j] * this.B[2 * j + 1];
      }
      return [x, y];
    }

    /** Axis handles, the brush centroid, group handles and the hover ring (small Bokeh glyphs). */
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
        const add = ([x, y], marker, size, color, alpha, width) => {
          rows.x.push(x); rows.y.push(y); rows.marker.push(marker); rows.size.push(size);
          rows.line_color.push(color); rows.fill_alpha.push(alpha); rows.line_width.push(width);
        };
        if (this.selection && this.selection.panel === p.k && this.centroid) {
          add(this.screenOf(this.centroid), "circle_cross", 18, "#222222", 0.8, 2);
        }
        for (const g of this.groups) if (g.panel === p.k && this.groupVisible(g)) add(this.screenOf(this.groupCentroid(g)), "square_pin", 16, g.color, 0.85, 2);
        if (this.hover && this.hover.panel === p.k) {
          const i = this.hover.index;
          add([p.proj[2 * i], p.proj[2 * i + 1]], "circle", 14, cfg.colors[p.labels[i]], 0, 2.5);
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

  tl.fig.TourInstance = TourInstance;
})();
