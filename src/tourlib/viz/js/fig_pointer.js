// @module fig_pointer
// @requires fig_tooltip fig_bridge
/*
 * Pointer input of the tour figure (tourlib.ui.bindPointer): listeners on each panel's Bokeh event
 * layer, in the capture phase, so a press on an axis handle end (within HANDLE_PX), on the brush
 * centroid or on a named group handle (within CENTROID_PX) starts a direct-manipulation drag and
 * Bokeh's own tools (brush, pan) never see it; any other press goes on to Bokeh. A click (press and
 * release within CLICK_PX) on empty space, or Escape, clears the brush. While the brush is armed
 * for a new group handle (fig_handles), every press brushes.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  tl.ui = tl.ui || {};
  if (tl.ui.bindPointer) return;
  const HANDLE_PX = 10, CENTROID_PX = 14, CLICK_PX = 4;

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
    inst.groups.forEach((g, k) => {
      if (g.panel !== panel.k || !inst.groupVisible(g)) return;
      const [x, y] = inst.screenOf(inst.groupCentroid(g));
      const q = panel.toClient(x, y);
      const dist = q ? Math.hypot(q.x - cx, q.y - cy) : Infinity;
      if (dist <= CENTROID_PX && dist < bestD) {
        best = { kind: "group", index: k };
        bestD = dist;
      }
    });
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
    const el = tl.bridge.eventsElement(panel.pv);
    if (!el || panel.pointerBound === el) return;
    panel.pointerBound = el;
    tl.ui.ensureStyle();
    const capture = { capture: true };
    let press = null;

    el.addEventListener("pointerdown", (ev) => {
      tl.ui.lastActive = inst;   // the figure the keys (fig_keys) go to when no pointer is over one
      if (ev.button !== 0) return;
      const at = panel.fromClient(ev.clientX, ev.clientY);
      if (!at || !at.inside) return;
      // armed (key d / +), a press always brushes, even on a handle
      const hit = inst.armed ? null : handleAt(inst, panel, ev.clientX, ev.clientY);
      if (hit) {
        ev.stopImmediatePropagation();
        ev.preventDefault();
        try {
          el.setPointerCapture(ev.pointerId);
        } catch (e) {
          /* synthetic events have no capturable pointer */
        }
        tl.ui.setHover(inst, null);
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
      tl.ui.hoverAt(inst, panel, ev.clientX, ev.clientY);
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
      tl.ui.setHover(inst, null);
    });
    // Bubble phase, after Bokeh's own listener: our cursor wins over the active tool's.
    el.addEventListener("pointermove", (ev) => {
      const over = inst.drag ? true : handleAt(inst, panel, ev.clientX, ev.clientY) !== null;
      el.style.cursor = over ? (inst.drag ? "grabbing" : "grab") : "";
    });
  }

  Object.assign(tl.ui, { bindPointer, handleAt });
})();
