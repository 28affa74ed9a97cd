// @module fig_fit
// @requires fig_instance fig_bridge
/*
 * Panels that fit their column (a method added to tourlib.fig.TourInstance). Python builds square
 * panels of cfg.panel_size px and rows that wrap (tourlib.viz.tour_figure); in a column narrower
 * than a panel (a phone: 358 px) fitToColumn shrinks every panel's frame to the column, never
 * below MIN_PX, and grows it back when the column widens (a ResizeObserver on the page element that
 * holds the figure). The view's ranges stay square, so nothing is stretched; the raster follows
 * the new size (fig_draw ensureRaster). keepSquare makes the frame's height follow its width where a
 * wrapped row stretched a panel, so a data unit is as long across as up.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.fitToColumn) return;
  const MIN_PX = 200, BORDER_PX = 12;   // the plot's min_border on both sides

  /** The element outside Bokeh's shadow roots that holds the figure (its column), or null. */
  function columnOf(el) {
    let node = el;
    for (let k = 0; k < 50 && node; k++) {
      const root = node.getRootNode ? node.getRootNode() : null;
      if (root && root.host) node = root.host;          // climb out of a shadow root
      else break;
    }
    while (node && node.parentElement && node.parentElement.clientWidth === 0) node = node.parentElement;
    return node && node.parentElement ? node.parentElement : null;
  }

  Object.assign(P, {
    fitToColumn() {
      const side = this.cfg.panel_size;
      const pv = this.panels[0] && this.panels[0].pv;
      if (!side || !pv || !pv.el) return;
      const col = columnOf(pv.el);
      if (!col) return;
      if (!this.fitObserver && typeof ResizeObserver !== "undefined") {
        this.fitObserver = new ResizeObserver(() => this.fitToColumn());
        this.fitObserver.observe(col);
      }
      const style = getComputedStyle(col);
      const avail = col.clientWidth - parseFloat(style.paddingLeft || 0) - parseFloat(style.paddingRight || 0);
      if (!(avail > 0)) return;
      const target = Math.max(MIN_PX, Math.min(side, Math.floor(avail - BORDER_PX)));
      for (const p of this.panels) {
        if (p.plot.frame_width !== target) p.plot.setv({ frame_width: target, frame_height: target });
      }
    },

    /** A wrapped row may stretch a panel to its line: keep the frame square (called on layout). */
    keepSquare() {
      for (const p of this.panels) {
        const w = p.plot.inner_width, h = p.plot.inner_height;
        if (w > 0 && h > 0 && Math.abs(w - h) > 1 && p.squaredAt !== w) {
          p.squaredAt = w;
          p.plot.frame_height = w;
        }
      }
    },
  });
})();
