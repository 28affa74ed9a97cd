/*
 * tourlib: pointer, legend and tooltip of the Grand Tour figure (window.TourUI).
 *
 * Pointer: listeners on each panel's Bokeh event layer, in the capture phase, so a press on an
 * axis handle end (within HANDLE_PX) or on the brush centroid (within CENTROID_PX) starts a
 * direct-manipulation drag and Bokeh's own tools (brush, pan) never see it; any other press goes
 * on to Bokeh. A click (press and release within CLICK_PX) on empty space, or Escape, clears the brush.
 * Hover finds the nearest active point (TourHit grid) and shows a tooltip with its index, class,
 * prediction and image.
 * Legend: the Div built by Python; hovering an item highlights that class, clicking toggles it.
 */
(function () {
  "use strict";

  const HANDLE_PX = 10, CENTROID_PX = 14, CLICK_PX = 4, GRID_CELL = 16;

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

  // ---------------------------------------------------------------- handles under the pointer
  function handleAt(inst, panel, cx, cy) {
    const cfg = inst.cfg, B = inst.B, d = inst.d;
    let best = null, bestD = Infinity;
    if (inst.selection && inst.selection.panel === panel.k && inst.centroid) {
      let x = 0, y = 0;
      for (let j = 0; j < d; j++) {
        x += inst.centroid[j] * B[2 * j];
        y += inst.centroid[j] * B[2 * j + 1];
      }
      const q = panel.toClient(x, y);
      const dist = q ? Math.hypot(q.x - cx, q.y - cy) : Infinity;
      if (dist <= CENTROID_PX) {
        best = { kind: "centroid", index: -1 };
        bestD = dist;
      }
    }
    if (cfg.show_handles) {
      const s = cfg.handle_scale;
      for (let i = 0; i < d; i++) {
        const q = panel.toClient(s * B[2 * i], s * B[2 * i + 1]);
        const dist = q ? Math.hypot(q.x - cx, q.y - cy) : Infinity;
        if (dist <= HANDLE_PX && dist < bestD) {
          best = { kind: "axis", index: i };
          bestD = dist;
        }
      }
    }
    return best;
  }

  function bindPointer(inst, panel) {
    const el = window.TourFigure.Bridge.eventsElement(panel.pv);
    if (!el || panel.pointerBound === el) return;
    panel.pointerBound = el;
    ensureStyle();
    const capture = { capture: true };
    let press = null;

    el.addEventListener("pointerdown", (ev) => {
      if (ev.button !== 0) return;
      const at = panel.fromClient(ev.clientX, ev.clientY);
      if (!at || !at.inside) return;
      const hit = handleAt(inst, panel, ev.clientX, ev.clientY);
      if (hit) {
        ev.stopImmediatePropagation();
        ev.preventDefault();
        try {
          el.setPointerCapture(ev.pointerId);
        } catch (e) {
          /* synthetic events have no capturable pointer */
        }
        setHover(inst, null);
        inst.beginDrag(hit.kind, hit.index, at.x, at.y, panel.k);
        press = null;
        return;
      }
      press = { x: ev.clientX, y: ev.clientY };
    }, capture);

    el.addEventListener("pointermove", (ev) => {
      if (inst.drag && inst.drag.panel === panel.k) {
        const at = panel.fromClient(ev.clientX, ev.clientY);
        if (at) inst.dragTo(at.x, at.y);
        ev.stopImmediatePropagation();
        ev.preventDefault();
        return;
      }
      inst.pointer = { panel: panel.k, x: ev.clientX, y: ev.clientY };
      hoverAt(inst, panel, ev.clientX, ev.clientY);
    }, capture);

    const release = (ev) => {
      if (inst.drag && inst.drag.panel === panel.k) {
        inst.endDrag();
        try {
          el.releasePointerCapture(ev.pointerId);
        } catch (e) {
          /* not captured */
        }
        ev.stopImmediatePropagation();
        return;
      }
      if (press && ev.type === "pointerup" && Math.hypot(ev.clientX - press.x, ev.clientY - press.y) < CLICK_PX) {
        if (inst.selection && !inst.hover) inst.clearBrush();
      }
      press = null;
    };
    el.addEventListener("pointerup", release, capture);
    el.addEventListener("pointercancel", release, capture);
    el.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape" && inst.selection) inst.clearBrush();
    });
    el.addEventListener("pointerleave", () => {
      inst.pointer = null;
      setHover(inst, null);
    });
    // Bubble phase, after Bokeh's own listener: our cursor wins over the active tool's.
    el.addEventListener("pointermove", (ev) => {
      const over = inst.drag ? true : handleAt(inst, panel, ev.clientX, ev.clientY) !== null;
      el.style.cursor = over ? (inst.drag ? "grabbing" : "grab") : "";
    });
  }

  // ---------------------------------------------------------------- hover and tooltip
  function hoverAt(inst, panel, cx, cy) {
    const at = panel.fromClient(cx, cy);
    if (!at || !at.inside || inst.drag || !panel.lastView) {
      setHover(inst, null);
      return;
    }
    if (!panel.grid) {
      panel.grid = window.TourHit.buildGrid(panel.proj, panel.activeList, panel.activeCount, panel.lastView, GRID_CELL);
    }
    const dpr = window.devicePixelRatio || 1;
    let r = Math.max(6, inst.cfg.dot_size / 2 + 3);
    if (inst.mode === "images") r = Math.max(r, inst.cfg.image_size / 2);
    const i = window.TourHit.nearest(panel.grid, panel.proj, at.sx, at.sy, r * dpr);
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
    if (tip.dataset.key !== panel.k + ":" + i + ":" + Math.round(inst.epoch)) {
      tip.dataset.key = panel.k + ":" + i + ":" + Math.round(inst.epoch);
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
        const k = Math.min(panel.T - 1, Math.round(inst.epoch));
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
    if (!inst.pointer || !(inst.playing || inst.timePlaying || inst.transition)) return;
    const panel = inst.panels[inst.pointer.panel];
    if (panel) hoverAt(inst, panel, inst.pointer.x, inst.pointer.y);
  }

  // ---------------------------------------------------------------- legend
  function legendRoot(inst) {
    const view = window.TourFigure.Bridge.view(inst.fig.legend);
    if (!view) return null;
    return { host: view.el, root: view.shadow_el || view.el.shadowRoot || view.el };
  }

  function bindLegend(inst) {
    const lr = legendRoot(inst);
    if (!lr) return;
    const itemOf = (ev) => (ev.target && ev.target.closest ? ev.target.closest(".tl-item") : null);
    lr.root.addEventListener("click", (ev) => {
      const item = itemOf(ev);
      if (!item) return;
      inst.toggleClass(Number(item.dataset.class));
      refreshLegend(inst);
    });
    lr.root.addEventListener("mouseover", (ev) => {
      const item = itemOf(ev);
      inst.setFocus(item ? Number(item.dataset.class) : -1);
    });
    lr.host.addEventListener("mouseleave", () => inst.setFocus(-1));
  }

  function refreshLegend(inst) {
    const lr = legendRoot(inst);
    if (!lr) return;
    lr.root.querySelectorAll(".tl-item").forEach((item) => {
      item.classList.toggle("tl-off", inst.hidden[Number(item.dataset.class)] === 1);
    });
  }

  window.TourUI = { bindPointer, bindLegend, refreshLegend, afterRender, handleAt };
})();
