// @module atlas_input
// @requires atlas_view
/*
 * The atlas's commands, tooltip and gestures (methods added to tourlib.atlas.AtlasInstance).
 * +/− buttons, double-click / double-tap, ctrl/⌘ + wheel and a two-finger pinch zoom; a drag (a
 * sideways finger) pans; a plain wheel and a vertical one-finger swipe scroll the page
 * (touch-action: pan-y on the plot's event layer). Hover (tap) shows a cell's top classes, count and
 * example images. The view is written into the AtlasState model when it settles.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.atlas.AtlasInstance.prototype;
  if (P.bindEvents) return;
  const instances = tl.atlas.instances, Bridge = tl.bridge, focusAlpha = tl.atlas.focusAlpha;
  let scrollBound = false;

  Object.assign(P, {
    // ------------------------------------------------------------------------------ commands
    zoomBy(f) { this.zoomAbout(Number(f), null, null, true); },

    reset() { this.animateTo(1, 0.5, 0.5); },

    setFocus(name) {
      const c = this.cfg.classes.indexOf(String(name));
      this.focus = c;
      this.alphas = this.levels.map((l) => focusAlpha(l.attribution, l.M, this.K, c));
      if (this.fig.focus && this.fig.focus.value !== (c < 0 ? "all" : name)) this.fig.focus.value = c < 0 ? "all" : name;
      this.requestDraw();
      this.settled();
    },

    stateChanged(prop) {
      if (prop === "focus") {
        const want = this.state.focus || "all", have = this.focus < 0 ? "all" : this.cfg.classes[this.focus];
        if (want !== have) this.setFocus(want);
      } else if (prop === "zoom" || prop === "center") {
        // a write from a kernel moves the view (the page's own writes equal the view: no-op)
        const s = this.state, c = s.center && s.center.length === 2 ? s.center : [this.cx, this.cy];
        if (this.anim || this.drag || this.pinch) return;
        if (Math.abs(s.zoom - this.zoom) > 1e-9 || Math.abs(c[0] - this.cx) > 1e-9 || Math.abs(c[1] - this.cy) > 1e-9) {
          this.animateTo(Math.max(1, Number(s.zoom) || 1), Number(c[0]), Number(c[1]));
        }
      }
    },

    settled() {
      const s = this.state;
      if (!s) return;
      const focus = this.focus < 0 ? "" : this.cfg.classes[this.focus];
      if (s.focus !== focus) s.focus = focus;
      if (Math.abs(s.zoom - this.zoom) > 1e-9) s.zoom = this.zoom;
      if (!s.center || s.center[0] !== this.cx || s.center[1] !== this.cy) s.center = [this.cx, this.cy];
      if (s.level !== this.level) s.level = this.level;
    },

    writeStatus() {
      const st = this.fig.status;
      if (!st) return;
      const G = this.levels[this.level].G;
      const text = `grid ${G}×${G} (${this.level + 1}/${this.levels.length})`;
      if (st.text !== text) st.text = text;
    },

    // ------------------------------------------------------------------------------- tooltip
    hover(m, clientX, clientY, touch) {
      if (m !== this.hovered) {
        this.hovered = m;
        if (this.state && this.state.hovered !== m) this.state.hovered = m;
        this.requestDraw();
      }
      if (m < 0) { this.hideTip(); return; }
      this.showTip({ level: this.level, m, x: clientX, y: clientY, touch });
    },

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
    },

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
    },

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
    },

    hideTip() {
      this.tipCell = null;
      if (this.tip) this.tip.style.display = "none";
    },

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
        else if (p && P.size === 1 && Math.abs(ev.clientX - p.x0) > 8 &&
                 Math.abs(ev.clientX - p.x0) > Math.abs(ev.clientY - p.y0)) {   // (an upright swipe is the page's)
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
      if (!scrollBound) {
        scrollBound = true;
        window.addEventListener("scroll", () => {
          for (const inst of instances) if (inst.tipCell) inst.hideTip();   // the tip would stay put while the figure moves
        }, { passive: true });
      }
    },

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
    },

    panBy(dx, dy) {
      const f = this.frameRect();
      this.cx -= dx / (f.width * this.zoom);
      this.cy += dy / (f.height * this.zoom);
      this.anim = null;
      this.viewChanged(true);
    },

    pinchPoints() {
      const pts = [...this.pointers.values()].slice(0, 2);
      return { d: Math.hypot(pts[0].x - pts[1].x, pts[0].y - pts[1].y), x: (pts[0].x + pts[1].x) / 2, y: (pts[0].y + pts[1].y) / 2 };
    },

    startPinch() {
      const p = this.pinchPoints();
      this.drag = null;
      this.hideTip();
      this.pinch = { d0: Math.max(1, p.d), z0: this.zoom, anchor: this.toData(p.x, p.y) };
    },

    movePinch() {
      const p = this.pinchPoints(), P = this.pinch, f = this.frameRect();
      this.zoom = Math.min(this.maxZoom(), Math.max(1, (P.z0 * p.d) / P.d0));
      // keep the data point first under the fingers' midpoint under it
      this.cx = P.anchor.x - ((p.x - f.left) / f.width - 0.5) / this.zoom;
      this.cy = P.anchor.y + ((p.y - f.top) / f.height - 0.5) / this.zoom;
      this.anim = null;
      this.viewChanged(true);
    },
  });

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function fmt(v) {
    const a = Math.abs(v);
    if (a !== 0 && (a < 0.01 || a >= 1000)) return v.toExponential(1);
    return (v >= 0 ? "+" : "") + v.toFixed(a < 1 ? 3 : a < 10 ? 2 : 1);
  }
})();
