// @module atlas_figure
// @requires fig_bridge
/*
 * tourlib.AtlasFigure — the activation atlas in the browser (tourlib.viz.atlas_figure), and
 * tourlib.AtlasGrid — one image's activation grid (tourlib.viz.atlas_figure.atlas_grid_figure).
 *
 * Python embeds cfg.levels (one per grid, coarse to fine: size G, cells (row, col) flat, count,
 * scale = icon side / cell, top classes, mean attributions M×K flat, the icons' sprite sheet) and the
 * example images' sheet. The page draws the icons of one level into the plot's image_rgba canvas
 * (fig_bridge imageCanvas; through the data source if that canvas is not there) with drawImage:
 *   view: centre (cx, cy) and zoom z; the frame shows x ∈ cx ± 1/(2z), y ∈ cy ± 1/(2z), y up;
 *   level: the finest l with cell = side·z/G_l ≥ cfg.min_icon_px CSS px (else 0), cross-faded;
 *   focus on class c: α_m = 0.06 + 0.94·clip(a_mc / max_m' a_m'c, 0, 1) over the level's cells.
 * Input: +/− buttons, double-click / double-tap, ctrl/⌘ + wheel and two-finger pinch zoom; drag
 * pans; a plain wheel and a vertical one-finger swipe scroll the page (touch-action: pan-y).
 * Hover (tap) shows a tooltip: top classes, count, examples. The view is written into the
 * AtlasState model when it settles (a live kernel reads it back).
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.AtlasFigure) return;
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
          scale: typed(L.scale, Float32Array), top: typed(L.top, Int8Array),
          attribution: typed(L.attribution, Float32Array), cols: L.cols, S: L.icon,
          examples: typed(L.examples, Int32Array), ready: false,
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

    // ------------------------------------------------------------------------------ commands
    zoomBy(f) { this.zoomAbout(Number(f), null, null, true); }

    reset() { this.animateTo(1, 0.5, 0.5); }

    setFocus(name) {
      const c = this.cfg.classes.indexOf(String(name));
      this.focus = c;
      this.alphas = this.levels.map((l) => focusAlpha(l.attribution, l.M, this.K, c));
      if (this.fig.focus && this.fig.focus.value !== (c < 0 ? "all" : name)) this.fig.focus.value = c < 0 ? "all" : name;
      this.requestDraw();
      this.settled();
    }

    stateChanged(prop) {
      if (prop === "focus") {
        const want = this.state.focus || "all", have = this.focus < 0 ? "all" : this.cfg.classes[this.focus];
        if (want !== have) this.setFocus(want);
      }
    }

    settled() {
      const s = this.state;
      if (!s) return;
      const focus = this.focus < 0 ? "" : this.cfg.classes[this.focus];
      if (s.focus !== focus) s.focus = focus;
      if (Math.abs(s.zoom - this.zoom) > 1e-9) s.zoom = this.zoom;
      if (!s.center || s.center[0] !== this.cx || s.center[1] !== this.cy) s.center = [this.cx, this.cy];
      if (s.level !== this.level) s.level = this.level;
    }

    writeStatus() {
      const st = this.fig.status;
      if (!st) return;
      const G = this.levels[this.level].G;
      const text = `grid ${G}×${G} (${this.level + 1}/${this.levels.length})`;
      if (st.text !== text) st.text = text;
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
      // fallback: the glyph reads the buffer (origin top_left: rows top-down, as the canvas)
      const data = this.cv.getContext("2d").getImageData(0, 0, this.W, this.H).data;
      this.buf.set(new Uint32Array(data.buffer, 0, this.W * this.H));
      this.direct = false;
      this.fig.source.change.emit();
    }

    // ------------------------------------------------------------------------------- tooltip
    hover(m, clientX, clientY, touch) {
      if (m !== this.hovered) {
        this.hovered = m;
        if (this.state && this.state.hovered !== m) this.state.hovered = m;
        this.requestDraw();
      }
      if (m < 0) { this.hideTip(); return; }
      this.showTip({ level: this.level, m, x: clientX, y: clientY, touch });
    }

    tipElement() {
      if (this.tip && this.tip.isConnected) return this.tip;
      const d = document.createElement("div");
      d.className = "tl-atlas-tip";
      d.setAttribute("data-atlas", this.cfg.uid);
      d.style.cssText = "position:fixed;z-index:10000;pointer-events:none;background:#fff;border:1px solid #ccc;" +
        "border-radius:4px;box-shadow:0 2px 8px rgba(0,0,0,.18);padding:6px 8px;max-width:240px;" +
        "font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#333;display:none";
      document.body.appendChild(d);
      return (this.tip = d);
    }

    showTip(cell) {
      this.tipCell = cell;
      const L = this.levels[cell.level], m = cell.m, K = this.K, d = this.tipElement();
      const rows = [];
      const vals = [];
      for (let j = 0; j < L.k; j++) vals.push(L.attribution[m * K + L.top[m * L.k + j]]);
      const big = Math.max(1e-12, ...vals.map(Math.abs));
      for (let j = 0; j < L.k; j++) {
        const c = L.top[m * L.k + j], v = vals[j], color = this.cfg.colors[c];
        const w = Math.round((56 * Math.abs(v)) / big);
        rows.push(`<div class="tl-atlas-class" style="display:flex;align-items:center;gap:6px;white-space:nowrap">` +
          `<span style="display:inline-block;width:${w}px;height:8px;background:${color}"></span>` +
          `<b style="color:${color}">${escapeHtml(this.cfg.classes[c])}</b><span>${fmt(v)}</span></div>`);
      }
      const n = L.count[m], r = L.cells[2 * m], col = L.cells[2 * m + 1];
      d.innerHTML = `<div style="color:#666;margin-bottom:3px">cell (${r}, ${col}) of ${L.G}×${L.G} · ${n} activation${n === 1 ? "" : "s"}</div>` +
        `<div style="color:#666">mean attribution:</div>${rows.join("")}<div class="tl-atlas-ex" style="display:flex;gap:3px;margin-top:4px"></div>`;
      this.drawExamples(d.querySelector(".tl-atlas-ex"), L, m);
      d.style.display = "block";
      const pad = 14, vw = document.documentElement.clientWidth, vh = window.innerHeight;
      const bw = d.offsetWidth, bh = d.offsetHeight;
      let x = cell.x + pad, y = cell.touch ? cell.y - bh - 24 : cell.y + pad;
      if (x + bw > vw - 4) x = Math.max(4, cell.x - pad - bw);
      if (y + bh > vh - 4) y = Math.max(4, cell.y - pad - bh);
      if (y < 4) y = Math.min(vh - bh - 4, cell.y + 24);
      d.style.left = `${Math.round(x)}px`;
      d.style.top = `${Math.round(y)}px`;
    }

    drawExamples(host, L, m) {
      const E = this.examples, n = this.cfg.n_examples;
      if (!E || !n || !host) return;
      const dpr = window.devicePixelRatio || 1, px = 48;
      for (let j = 0; j < n; j++) {
        const e = L.examples[m * n + j];
        if (e < 0) break;
        const c = document.createElement("canvas");
        c.width = px * dpr; c.height = px * dpr;
        c.style.cssText = `width:${px}px;height:${px}px;image-rendering:pixelated;border:1px solid #eee`;
        c.setAttribute("data-activation", String(E.activations[e]));
        if (E.ready) {
          const g = c.getContext("2d");
          g.imageSmoothingEnabled = false;
          g.drawImage(E.img, (e % E.cols) * E.w, Math.floor(e / E.cols) * E.h, E.w, E.h, 0, 0, c.width, c.height);
        }
        host.appendChild(c);
      }
    }

    hideTip() {
      this.tipCell = null;
      if (this.tip) this.tip.style.display = "none";
    }

    // -------------------------------------------------------------------------------- events
    bindEvents() {
      const el = Bridge.eventsElement(this.pv);
      if (!el) return;
      el.style.touchAction = "pan-y";     // a vertical swipe scrolls the page; the rest is ours
      el.style.outline = "none";          // no focus ring after a tap
      if (this.boundEl === el) return;
      this.boundEl = el;
      const P = this.pointers;
      el.addEventListener("pointerdown", (ev) => {
        P.set(ev.pointerId, { x: ev.clientX, y: ev.clientY, x0: ev.clientX, y0: ev.clientY, t0: performance.now(), type: ev.pointerType });
        if (P.size === 2) this.startPinch();
        else if (ev.pointerType === "mouse" && ev.button === 0) {
          this.drag = { x: ev.clientX, y: ev.clientY, moved: false };
          try { el.setPointerCapture(ev.pointerId); } catch (e) { /* not capturable */ }
        }
      });
      el.addEventListener("pointermove", (ev) => {
        const p = P.get(ev.pointerId);
        if (p) { p.x = ev.clientX; p.y = ev.clientY; }
        if (this.pinch && P.size >= 2) { this.movePinch(); return; }
        if (this.drag) {
          const dx = ev.clientX - this.drag.x, dy = ev.clientY - this.drag.y;
          if (!this.drag.moved && Math.hypot(ev.clientX - (p ? p.x0 : ev.clientX), ev.clientY - (p ? p.y0 : ev.clientY)) < 4) return;
          this.drag.moved = true;
          this.drag.x = ev.clientX; this.drag.y = ev.clientY;
          this.panBy(dx, dy);
          this.hideTip();
          return;
        }
        if (ev.pointerType === "mouse") this.hover(this.cellAt(ev.clientX, ev.clientY), ev.clientX, ev.clientY, false);
        else if (p && P.size === 1 && Math.hypot(ev.clientX - p.x0, ev.clientY - p.y0) > 8) {
          this.drag = { x: ev.clientX, y: ev.clientY, moved: true };   // a sideways finger pans
        }
      });
      const end = (ev) => {
        const p = P.get(ev.pointerId);
        P.delete(ev.pointerId);
        if (this.pinch) { if (P.size < 2) { this.pinch = null; this.drag = null; this.settled(); } return; }
        if (this.drag) { const moved = this.drag.moved; this.drag = null; if (moved) { this.settled(); return; } }
        if (ev.type === "pointerup" && p && p.type !== "mouse" && performance.now() - p.t0 < 500 &&
            Math.hypot(ev.clientX - p.x0, ev.clientY - p.y0) < 10) this.tap(ev.clientX, ev.clientY);
      };
      el.addEventListener("pointerup", end);
      el.addEventListener("pointercancel", end);
      el.addEventListener("pointerleave", (ev) => { if (ev.pointerType === "mouse" && !this.drag) this.hover(-1); });
      el.addEventListener("dblclick", (ev) => {
        ev.preventDefault();
        const q = this.toData(ev.clientX, ev.clientY);
        this.zoomAbout(2, q.x, q.y, true);
      });
      el.addEventListener("wheel", (ev) => {
        if (!(ev.ctrlKey || ev.metaKey)) return;        // a plain wheel scrolls the page
        ev.preventDefault();
        const q = this.toData(ev.clientX, ev.clientY);
        const dy = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
        this.zoomAbout(Math.exp(-dy * 0.0025), q.x, q.y, false);
      }, { passive: false });
      el.addEventListener("touchmove", (ev) => { if (ev.touches.length >= 2) ev.preventDefault(); }, { passive: false });
      if (!AtlasInstance.scrollBound) {
        AtlasInstance.scrollBound = true;
        window.addEventListener("scroll", () => {
          for (const inst of instances) if (inst.tipCell && inst.tipCell.touch) inst.hideTip();
        }, { passive: true });
      }
    }

    tap(x, y) {
      const now = performance.now();
      const last = this.lastTap;
      this.lastTap = { x, y, t: now };
      if (last && now - last.t < 320 && Math.hypot(x - last.x, y - last.y) < 30) {
        this.lastTap = null;
        const q = this.toData(x, y);
        this.hideTip();
        this.zoomAbout(2, q.x, q.y, true);
        return;
      }
      const m = this.cellAt(x, y);
      if (m >= 0 && m === this.hovered && this.tipCell) { this.hover(-1); return; }
      this.hover(m, x, y, true);
    }

    panBy(dx, dy) {
      const f = this.frameRect();
      this.cx -= dx / (f.width * this.zoom);
      this.cy += dy / (f.height * this.zoom);
      this.anim = null;
      this.viewChanged(true);
    }

    pinchPoints() {
      const pts = [...this.pointers.values()].slice(0, 2);
      return { d: Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y), x: (pts[0].x + pts[1].x) / 2, y: (pts[0].y + pts[1].y) / 2 };
    }

    startPinch() {
      const p = this.pinchPoints();
      this.drag = null;
      this.hideTip();
      this.pinch = { d0: Math.max(1, p.d), z0: this.zoom, anchor: this.toData(p.x, p.y) };
    }

    movePinch() {
      const p = this.pinchPoints(), P = this.pinch, f = this.frameRect();
      this.zoom = Math.min(this.maxZoom(), Math.max(1, (P.z0 * p.d) / P.d0));
      // keep the data point first under the fingers' midpoint under it
      this.cx = P.anchor.x - ((p.x - f.left) / f.width - 0.5) / this.zoom;
      this.cy = P.anchor.y + ((p.y - f.top) / f.height - 0.5) / this.zoom;
      this.anim = null;
      this.viewChanged(true);
    }
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function fmt(v) {
    const a = Math.abs(v);
    if (a !== 0 && (a < 0.01 || a >= 1000)) return v.toExponential(1);
    return (v >= 0 ? "+" : "") + v.toFixed(a < 1 ? 3 : a < 10 ? 2 : 1);
  }

  function find(state) {
    for (const inst of instances) if (inst.state === state) return inst;
    return null;
  }

  function attach(fig, plot) {
    for (let k = instances.length - 1; k >= 0; k--) if (instances[k].destroyed()) instances.splice(k, 1);
    let inst = find(fig.state);
    if (!inst) {
      inst = new AtlasInstance(fig);
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

  function byId(id) {
    for (const inst of instances) if (!inst.destroyed() && inst.cfg.figure_id === id) return inst;
    return null;
  }

  tl.AtlasFigure = { attach, call, byId, instances, focusAlpha, levelFor, AtlasInstance };

  /* ---------------------------------------------------------------- one image's activation grid */
  function show(args, indices) {
    const list = indices && indices.length !== undefined ? indices : [];
    if (!list.length) return;
    const i = list[0], b = args.boxes[i];       // (y0, x0, y1, x1) in image pixels, y down
    args.box.data = { x: [(b[1] + b[3]) / 2], y: [(b[0] + b[2]) / 2], w: [b[3] - b[1]], h: [b[2] - b[0]] };
    if (args.info.text !== args.texts[i]) args.info.text = args.texts[i];
    tl.AtlasGrid.shown = i;
  }

  tl.AtlasGrid = { show, shown: -1 };
})();
