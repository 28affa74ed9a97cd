// @module fig_tooltip
// @requires tour_hit
/*
 * Hover and tooltips of the tour figure (tourlib.ui): the nearest active point under the pointer
 * (tourlib.hit grid, rebuilt once per drawn frame), a ring around it and a tooltip with its index,
 * class, prediction (at the nearest stored step of the axes) and image.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  tl.ui = tl.ui || {};
  if (tl.ui.hoverAt) return;
  const GRID_CELL = 16;
  const CSS = `
.tourlib-tip { position: fixed; z-index: 10000; pointer-events: none; display: none;
  background: rgba(255,255,255,0.97); border: 1px solid #ccc; border-radius: 6px;
  box-shadow: 0 2px 8px rgba(0,0,0,0.15); padding: 6px 8px; gap: 8px; align-items: center;
  font: 12px/1.35 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #222; }
.tourlib-tip canvas { image-rendering: pixelated; width: 56px; height: 56px; border: 1px solid #ddd; }
.tourlib-tip .tt-class { font-weight: 600; }
.tourlib-tip .tt-meta { color: #777; }
.tourlib-tip .tt-ok { color: #2a7a2a; } .tourlib-tip .tt-bad { color: #c0392b; }`;

  function ensureStyle() {
    if (document.getElementById("tourlib-tour-ui-style")) return;
    const st = document.createElement("style");
    st.id = "tourlib-tour-ui-style";
    st.textContent = CSS;
    document.head.appendChild(st);
  }

  // ---------------------------------------------------------------- hover and tooltip
  function hoverAt(inst, panel, cx, cy) {
    const at = panel.fromClient(cx, cy);
    if (!at || !at.inside || inst.drag || !panel.lastView) {
      setHover(inst, null);
      return;
    }
    if (!panel.grid) {
      panel.grid = tl.hit.buildGrid(panel.proj, panel.activeList, panel.activeCount, panel.lastView, GRID_CELL);
    }
    const dpr = window.devicePixelRatio || 1;
    let r = Math.max(6, inst.cfg.dot_size / 2 + 3);
    if (inst.mode === "images") r = Math.max(r, inst.cfg.image_size / 2);
    const i = tl.hit.nearest(panel.grid, panel.proj, at.sx, at.sy, r * dpr);
    setHover(inst, i >= 0 ? { panel: panel.k, index: i } : null, cx, cy);
  }

  function setHover(inst, hover, cx, cy) {
    const old = inst.hover;
    const same = (old === null && hover === null) || (old && hover && old.panel === hover.panel && old.index === hover.index);
    inst.hover = hover;
    if (!same) inst.requestFrame();
    if (hover) showTooltip(inst, inst.panels[hover.panel], hover.index, cx, cy);
    else if (inst.tip) inst.tip.style.display = "none";
  }

  function imageSlot(panel, i) {
    if (!panel.imageIndex) return -1;
    if (!panel.imageOf) {
      panel.imageOf = new Int32Array(panel.n).fill(-1);
      panel.imageIndex.forEach((pt, m) => (panel.imageOf[pt] = m));
    }
    return panel.imageOf[i];
  }

  function showTooltip(inst, panel, i, cx, cy) {
    if (!inst.tip) {
      inst.tip = document.createElement("div");
      inst.tip.className = "tourlib-tip";
      document.body.appendChild(inst.tip);
    }
    const tip = inst.tip, cfg = inst.cfg;
    if (tip.dataset.key !== panel.k + ":" + i + ":" + panel.nearestStep(inst.pos)) {
      tip.dataset.key = panel.k + ":" + i + ":" + panel.nearestStep(inst.pos);
      tip.textContent = "";
      const m = imageSlot(panel, i);
      if (m >= 0) tip.appendChild(imageCanvas(panel.images, m));
      const text = document.createElement("div");
      const label = panel.labels[i];
      const line = (cls, s) => {
        const el = document.createElement("div");
        if (cls) el.className = cls;
        el.textContent = s;
        text.appendChild(el);
        return el;
      };
      line("tt-class", cfg.classes.length > 1 ? cfg.classes[label] : "point");
      line("tt-meta", "#" + i + (panel.name ? " · " + panel.name : ""));
      if (panel.preds) {
        const k = Math.min(panel.T - 1, panel.nearestStep(inst.pos));
        const p = panel.preds[k * panel.n + i];
        const ok = p === label;
        line(ok ? "tt-ok" : "tt-bad", "predicted: " + cfg.classes[p] + (ok ? " ✓" : " ✗"));
      }
      tip.appendChild(text);
    }
    tip.style.display = "flex";
    if (cx !== undefined) {
      const w = tip.offsetWidth, h = tip.offsetHeight;
      const left = cx + 16 + w > window.innerWidth ? cx - 16 - w : cx + 16;
      const top = cy + 16 + h > window.innerHeight ? cy - 16 - h : cy + 16;
      tip.style.left = Math.max(0, left) + "px";
      tip.style.top = Math.max(0, top) + "px";
    }
  }

  function imageCanvas(images, m) {
    const [, h, w, c] = images.shape;
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(w, h);
    const base = m * h * w * c;
    for (let p = 0; p < h * w; p++) {
      const src = base + p * c;
      img.data[4 * p] = images[src];
      img.data[4 * p + 1] = images[c === 1 ? src : src + 1];
      img.data[4 * p + 2] = images[c === 1 ? src : src + 2];
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    return canvas;
  }

  /** After a frame: the hovered point may have moved away from the pointer. */
  function afterRender(inst) {
    if (!inst.pointer || !(inst.playing || inst.axisPlaying >= 0 || inst.transition)) return;
    const panel = inst.panels[inst.pointer.panel];
    if (panel) hoverAt(inst, panel, inst.pointer.x, inst.pointer.y);
  }

  Object.assign(tl.ui, { ensureStyle, hoverAt, setHover, showTooltip, afterRender });
})();
