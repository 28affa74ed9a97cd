// @module fig_bridge
// @requires
/*
 * tourlib.bridge — the few Bokeh internals the tour figure uses for speed, each with a public
 * fallback: the PlotView's pause/unpause/invalidate_painters/repaint (one synchronous paint per
 * frame instead of Bokeh's throttled one) and the canvas the ImageRGBA glyph view draws from (one
 * putImageData per frame instead of a full data-source update); views, frame box, event layer.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.bridge) return;

  tl.bridge = {
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

})();
