// @module atlas_view
// @requires fig_bridge
/*
 * tourlib.atlas — the activation atlas's view in the browser (tourlib.viz.atlas_figure): one
 * AtlasInstance per figure holds the levels, the view and draws. atlas_input.js adds the gestures,
 * the commands and the tooltip; atlas_figure.js is the entry point.
 *
 * Python embeds cfg.levels (one per grid, coarse to fine: size G, cells (row, col) flat, count,
 * scale = icon side / cell, top classes, mean attributions M×K flat, the icons' sprite sheet) and the
 * example images' sheet. The page draws the icons of one level into the plot's image_rgba canvas
 * (fig_bridge imageCanvas; through the data source if that canvas is not there) with drawImage:
 *   view: centre (cx, cy) and zoom z; the frame shows x ∈ cx ± 1/(2z), y ∈ cy ± 1/(2z), y up;
 *   level: the finest l with cell = side·z/G_l ≥ cfg.min_icon_px CSS px (else 0), cross-faded;
 *   focus on class c: α_m = 0.06 + 0.94·clip(a_mc / max_m' a_m'c, 0, 1) over the level's cells.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.atlas) return;
  const Bridge = tl.bridge;
  const ALPHA_FLOOR = 0.06, FADE_MS = 180, ANIM_MS = 260, GAP = 0.94;
  const instances = [];

  function typed(x, Ctor) {
    if (x == null) return new Ctor(0);
    if (ArrayBuffer.isView(x)) return x;
    return Ctor.from(x);
  }

  /** Opacity of each cell of a level when class c is focused (c < 0: all opaque). */
  function focusAlpha(attribution, M, K, c) {
    const out = new Float32Array(M);
    if (c < 0) return out.fill(1);
    let top = 0;
    for (let m = 0; m < M; m++) top = Math.max(top, attribution[m * K + c]);
    for (let m = 0; m < M; m++) {
      const s = top > 0 ? Math.min(1, Math.max(0, attribution[m * K + c] / top)) : 0;
      out[m] = ALPHA_FLOOR + (1 - ALPHA_FLOOR) * s;
    }
    return out;
  }

  /** The level to draw: the finest whose cells are ≥ minPx CSS px at zoom z on a side of sidePx. */
  function levelFor(sizes, sidePx, z, minPx) {
    let best = 0;
    for (let l = 0; l < sizes.length; l++) if ((sidePx * z) / sizes[l] >= minPx) best = l;
    return best;
  }

  function loadImage(uri, onload) {
    const img = new Image();
    img.onload = onload;
    img.onerror = () => console.warn("tourlib: an atlas sprite sheet could not be decoded");
    img.src = uri;
    return img;
  }

  class AtlasInstance {
    constructor(fig) {
      this.fig = fig;
      this.state = fig.state;
      this.cfg = fig.config;
      const K = (this.K = this.cfg.classes.length);
      this.levels = this.cfg.levels.map((L) => {
        const lev = {
          G: L.size, cells: typed(L.cells, Int16Array), count: typed(L.count, Int32Array),
          scale: Float32Array.from(typed(L.scale, Uint8Array), (v) => v / 255), top: typed(L.top, Int8Array),
          attribution: Float32Array.from(typed(L.attribution, Int16Array), (q) => q * L.attribution_scale),
          cols: L.cols, S: L.icon, examples: typed(L.examples, Int32Array), ready: false,
        };
        lev.M = lev.count.length;
        lev.k = lev.M ? lev.top.length / lev.M : 0;
        lev.index = new Int32Array(lev.G * lev.G).fill(-1);
        for (let m = 0; m < lev.M; m++) lev.index[lev.cells[2 * m] * lev.G + lev.cells[2 * m + 1]] = m;
        lev.img = loadImage(L.sheet, () => { lev.ready = true; this.requestDraw(); });
        return lev;
      });
      this.examples = null;
      if (this.cfg.examples) {
        const E = (this.examples = Object.assign({}, this.cfg.examples, { ready: false }));
        E.img = loadImage(E.sheet, () => { E.ready = true; if (this.tipCell) this.showTip(this.tipCell); });
      }
      this.zoom = 1; this.cx = 0.5; this.cy = 0.5;
      this.focus = -1;
      this.alphas = this.levels.map((l) => focusAlpha(l.attribution, l.M, K, -1));
      this.level = 0; this.prevLevel = -1; this.fadeStart = 0;
      this.hovered = -1; this.tipCell = null;
      this.frameCount = 0; this.drawn = []; this.drawnLevel = -1; this.labelsDrawn = 0;
      this.anim = null; this.pending = false; this.pointers = new Map();
      this.cv = document.createElement("canvas");
      this.W = 0; this.H = 0;
    }

    destroyed() {
      return this.pv ? !(this.pv.el && this.pv.el.isConnected) : false;
    }

    onLayout(plot) {
      this.plot = plot;
      const pv = Bridge.view(plot);
      if (!pv) { setTimeout(() => this.onLayout(plot), 50); return; }
      this.pv = pv;
      this.rv = Bridge.view(this.fig.renderer) || (pv.renderer_view ? pv.renderer_view(this.fig.renderer) : null);
      if (!this.rv && pv.renderer_views) this.rv = pv.renderer_views.get(this.fig.renderer);
      const dpr = window.devicePixelRatio || 1;
      const w = plot.inner_width, h = plot.inner_height;
      if (!(w > 0 && h > 0)) return;
      this.side = Math.min(w, h);
      const W = Math.max(1, Math.round(w * dpr)), H = Math.max(1, Math.round(h * dpr));
      if (W !== this.W || H !== this.H) {
        this.W = W; this.H = H; this.dpr = dpr;
        this.cv.width = W; this.cv.height = H;
        this.buf = new Uint32Array(W * H);
        this.fig.source.data = { image: [Bridge.ndarray(this.buf, [H, W])], x: [0], y: [1], dw: [1], dh: [1] };
      }
      this.bindEvents();
      this.clampView();
      this.level = this.pickLevel();
      this.requestDraw();
      this.writeStatus();
    }

    // ------------------------------------------------------------------------------- view math
    maxZoom() {
      const G = this.levels[this.levels.length - 1].G;
      return Math.max(2, (4 * this.cfg.min_icon_px * G) / Math.max(1, this.side || this.cfg.size));
    }

    clampView() {
      this.zoom = Math.min(this.maxZoom(), Math.max(1, this.zoom));
      const h = 0.5 / this.zoom;
      this.cx = Math.min(1 - h, Math.max(h, this.cx));
      this.cy = Math.min(1 - h, Math.max(h, this.cy));
    }

    pickLevel() {
      return levelFor(this.levels.map((l) => l.G), this.side || this.cfg.size, this.zoom, this.cfg.min_icon_px);
    }

    frameRect() {
      const el = Bridge.eventsElement(this.pv) || this.pv.el;
      const r = el.getBoundingClientRect();
      const fb = Bridge.frameBox(this.pv) || { x: 0, y: 0, width: r.width, height: r.height };
      return { left: r.left + fb.x, top: r.top + fb.y, width: fb.width, height: fb.height };
    }

    /** Data (x, y) in the unit square → client px, for tests and the tooltip. */
    toClient(x, y) {
      const f = this.frameRect(), z = this.zoom;
      return { x: f.left + ((x - this.cx) * z + 0.5) * f.width, y: f.top + (0.5 - (y - this.cy) * z) * f.height };
    }

    toData(clientX, clientY) {
      const f = this.frameRect(), z = this.zoom;
      return { x: this.cx + ((clientX - f.left) / f.width - 0.5) / z, y: this.cy - ((clientY - f.top) / f.height - 0.5) / z };
    }

    /** Cell centre (x, y) of cell m of level l. */
    centre(l, m) {
      const L = this.levels[l];
      return { x: (L.cells[2 * m + 1] + 0.5) / L.G, y: (L.cells[2 * m] + 0.5) / L.G };
    }

    cellAt(clientX, clientY) {
      const p = this.toData(clientX, clientY), L = this.levels[this.level];
      if (p.x < 0 || p.x >= 1 || p.y < 0 || p.y >= 1) return -1;
      return L.index[Math.floor(p.y * L.G) * L.G + Math.floor(p.x * L.G)];
    }

    /** Zoom by factor f keeping data point (x, y) where it is (default: the centre). */
    zoomAbout(f, x, y, animate) {
      const z0 = this.zoom;
      const z1 = Math.min(this.maxZoom(), Math.max(1, z0 * f));
      x = x == null ? this.cx : x;
      y = y == null ? this.cy : y;
      const cx = x - (x - this.cx) * (z0 / z1), cy = y - (y - this.cy) * (z0 / z1);
      if (animate) this.animateTo(z1, cx, cy);
      else { this.zoom = z1; this.cx = cx; this.cy = cy; this.viewChanged(); }
    }

    animateTo(z, cx, cy) {
      this.anim = { t0: performance.now(), z0: this.zoom, cx0: this.cx, cy0: this.cy, z1: z, cx1: cx, cy1: cy };
      this.requestDraw();
    }

    stepAnim(now) {
      const a = this.anim;
      if (!a) return false;
      const t = Math.min(1, (now - a.t0) / ANIM_MS), e = t * t * (3 - 2 * t);
      this.zoom = Math.exp(Math.log(a.z0) + (Math.log(a.z1) - Math.log(a.z0)) * e);
      // the centre moves so that the point fixed by the zoom stays put: interpolate in 1/z
      const w0 = 1 / a.z0, w1 = 1 / a.z1, w = 1 / this.zoom, s = w0 === w1 ? e : (w0 - w) / (w0 - w1);
      this.cx = a.cx0 + (a.cx1 - a.cx0) * s;
      this.cy = a.cy0 + (a.cy1 - a.cy0) * s;
      if (t >= 1) this.anim = null;
      this.viewChanged(this.anim !== null);
      return this.anim !== null;
    }

    viewChanged(moving) {
      this.clampView();
      const L = this.pickLevel();
      if (L !== this.level) {
        this.prevLevel = this.level;
        this.fadeStart = performance.now();
        this.level = L;
        this.hovered = -1;
        this.hideTip();
        this.writeStatus();
      }
      this.requestDraw();
      if (!moving) this.settled();
    }

    // -------------------------------------------------------------------------------- drawing
    requestDraw() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame((now) => {
        this.pending = false;
        const moving = this.stepAnim(now);
        this.draw(now);
        if (moving || this.fading) this.requestDraw();
      });
    }

    drawLevel(ctx, l, mult, record) {
      const L = this.levels[l];
      if (!L.ready) return;
      const W = this.W, H = this.H, z = this.zoom;
      const kx = W * z, ky = H * z, k = Math.min(kx, ky);
      const cell = k / L.G, x0 = this.cx - 0.5 / z, y1 = this.cy + 0.5 / z;
      const alpha = this.alphas[l], S = L.S, cols = L.cols, img = L.img;
      for (let m = 0; m < L.M; m++) {
        const px = ((L.cells[2 * m + 1] + 0.5) / L.G - x0) * kx, py = (y1 - (L.cells[2 * m] + 0.5) / L.G) * ky;
        if (px < -cell || py < -cell || px > W + cell || py > H + cell) continue;
        const a = alpha[m] * mult;
        if (a <= 0.004) continue;
        const s = L.scale[m] * cell * GAP;
        ctx.globalAlpha = a;
        ctx.drawImage(img, (m % cols) * S + 0.5, Math.floor(m / cols) * S + 0.5, S - 1, S - 1, px - s / 2, py - s / 2, s, s);
        if (record) record.push(m);
      }
    }

    drawLabels(ctx, l, drawn) {
      const L = this.levels[l], dpr = this.dpr || 1, z = this.zoom;
      const kx = this.W * z, ky = this.H * z, cell = Math.min(kx, ky) / L.G;
      if (cell < this.cfg.label_px * dpr) return 0;
      const fs = Math.round(10 * dpr), pad = 2 * dpr, x0 = this.cx - 0.5 / z, y1 = this.cy + 0.5 / z;
      ctx.font = `600 ${fs}px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif`;
      ctx.textAlign = "center";
      ctx.textBaseline = "alphabetic";
      const alpha = this.alphas[l];
      let n = 0;
      for (const m of drawn) {
        const c = L.top[m * L.k];
        let name = this.cfg.classes[c];
        const maxW = cell - 4 * pad;
        while (name.length > 1 && ctx.measureText(name).width > maxW) name = name.slice(0, -1);
        if (name !== this.cfg.classes[c]) name = name.slice(0, -1) + "…";
        const px = ((L.cells[2 * m + 1] + 0.5) / L.G - x0) * kx, py = (y1 - (L.cells[2 * m] + 0.5) / L.G) * ky;
        const base = py + cell / 2 - 2 * pad, tw = ctx.measureText(name).width;
        ctx.globalAlpha = 0.78 * alpha[m];
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(px - tw / 2 - pad, base - fs + 1, tw + 2 * pad, fs + pad);
        ctx.globalAlpha = alpha[m];
        ctx.fillStyle = this.cfg.colors[c];
        ctx.fillText(name, px, base);
        n++;
      }
      return n;
    }

    draw(now) {
      if (!this.W) return;
      const ctx = this.cv.getContext("2d");
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.globalAlpha = 1;
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, this.W, this.H);
      ctx.imageSmoothingEnabled = true;
      const t = this.prevLevel >= 0 ? Math.min(1, (now - this.fadeStart) / FADE_MS) : 1;
      this.fading = t < 1;
      if (this.fading) this.drawLevel(ctx, this.prevLevel, 1 - t, null);
      else this.prevLevel = -1;
      const drawn = [];
      this.drawLevel(ctx, this.level, t, drawn);
      this.drawn = drawn;
      this.drawnLevel = this.levels[this.level].ready ? this.level : -1;
      this.labelsDrawn = this.fading ? 0 : this.drawLabels(ctx, this.level, drawn);
      if (this.hovered >= 0) this.outline(ctx, this.level, this.hovered);
      ctx.globalAlpha = 1;
      this.push();
      this.frameCount++;
    }

    outline(ctx, l, m) {
      const L = this.levels[l], z = this.zoom, kx = this.W * z, ky = this.H * z;
      const x0 = this.cx - 0.5 / z, y1 = this.cy + 0.5 / z, dpr = this.dpr || 1;
      const px = (L.cells[2 * m + 1] / L.G - x0) * kx, py = (y1 - (L.cells[2 * m] + 1) / L.G) * ky;
      ctx.globalAlpha = 1;
      ctx.strokeStyle = "#222222";
      ctx.lineWidth = 1.5 * dpr;
      ctx.strokeRect(px, py, kx / L.G, ky / L.G);
    }

    /** Hand the pixels to the image glyph (straight into its canvas, or via the data source), paint. */
    push() {
      const target = Bridge.imageCanvas(this.rv, this.W, this.H);
      if (target) {
        const g = target.getContext("2d");
        g.globalAlpha = 1;
        g.clearRect(0, 0, this.W, this.H);
        g.drawImage(this.cv, 0, 0);
        Bridge.paint(this.pv, this.rv);
        this.direct = true;
        return;
      }
      // fallback: hand the glyph a new image (origin top_left: rows top-down, as the canvas)
      const data = this.cv.getContext("2d").getImageData(0, 0, this.W, this.H).data;
      this.buf.set(new Uint32Array(data.buffer, 0, this.W * this.H));
      this.direct = false;
      this.fig.source.data = { image: [Bridge.ndarray(this.buf.slice(), [this.H, this.W])], x: [0], y: [1], dw: [1], dh: [1] };
    }

  }

  tl.atlas = { AtlasInstance, focusAlpha, levelFor, instances };
})();
