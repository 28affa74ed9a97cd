// @module fig_touch
// @requires fig_instance fig_pointer
/*
 * Touch screens (methods added to tourlib.fig.TourInstance). On a coarse pointer (a phone) a
 * vertical swipe over a plot must scroll the page: the brush, Bokeh's default drag, would take the
 * gesture (touch-action: pinch-zoom), so setupTouch leaves no drag tool active (touch-action: auto).
 * The brush comes back while it is needed: arming a new handle (+ handle) activates it in every
 * panel until the brush is done, or the reader picks it in the toolbar. A touch that starts on a
 * handle still drags it: bindTouch cancels the page's scroll for that touch only.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.setupTouch) return;

  Object.assign(P, {
    setupTouch() {
      if (this.touchSetUp) return;
      this.touchSetUp = true;
      this.touch = typeof matchMedia !== "undefined" && matchMedia("(pointer: coarse)").matches;
      if (!this.touch) return;
      for (const p of this.panels) {
        const tb = p.plot.toolbar;
        p.brushTool = tb.active_drag || null;
        if (tb.active_drag) tb.active_drag = null;
      }
    },

    /** On a touch screen: make the brush the active drag (on) or leave no drag active (off). */
    setBrushActive(on) {
      if (!this.touch) return;
      for (const p of this.panels) {
        if (p.brushTool) p.plot.toolbar.active_drag = on ? p.brushTool : null;
      }
    },
  });

  /** A touch that starts on a handle (or while the brush is armed) does not scroll the page. */
  function bindTouch(inst, panel) {
    const el = tl.bridge.eventsElement(panel.pv);
    if (!el || panel.touchBound === el) return;
    panel.touchBound = el;
    el.addEventListener("touchstart", (ev) => {
      const t = ev.touches && ev.touches[0];
      if (!t || ev.touches.length > 1) return;
      if (inst.armed || tl.ui.handleAt(inst, panel, t.clientX, t.clientY)) ev.preventDefault();
    }, { passive: false, capture: true });
  }

  tl.ui = tl.ui || {};
  tl.ui.bindTouch = bindTouch;
})();
