// @module tour_figure
// @requires fig_instance fig_axes fig_control fig_select fig_pointer fig_tooltip fig_legend fig_handles fig_layers fig_compare fig_keys fig_fit fig_touch
/*
 * tourlib.TourFigure — the entry points of the Grand Tour figure in the browser.
 *
 * tourlib.viz.tour_figure (Python) builds a Bokeh layout, embeds the data and a TourConfig (the
 * tour's path parameters, the data axes, colours, …) and declares this module (which brings the
 * others: see the @requires headers). Its CustomJS glue calls
 *   tourlib.TourFigure.attach(fig, plot)           when a panel is laid out (also on resize)
 *   tourlib.TourFigure.call(state, "method", ...)  from widgets, the brush and state changes.
 * One TourInstance per figure (keyed by its TourState model); `instances` survives this file being
 * loaded again (a re-run notebook cell), because a second load returns at once.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.TourFigure) return;
  const instances = [];

  function find(state) {
    for (const inst of instances) if (inst.state === state) return inst;
    return null;
  }

  function attach(fig, plot) {
    // forget figures whose views are gone (a re-run notebook cell, a re-rendered page part)
    for (let k = instances.length - 1; k >= 0; k--) if (instances[k].destroyed()) instances.splice(k, 1);
    let inst = find(fig.state);
    if (!inst) {
      inst = new tl.fig.TourInstance(fig);
      instances.push(inst);
    }
    inst.onLayout(plot);
    return inst;
  }

  /** The figure built with figure_id `id` (e.g. for a heat map's click), or null. */
  function byId(id) {
    for (const inst of instances) if (!inst.destroyed() && inst.cfg.figure_id === id) return inst;
    return null;
  }

  /** Show step positions[k] in panel k of figure `id` (a heat-map cell); false if it is not on the page. */
  function showPair(id, positions) {
    const inst = byId(id);
    if (!inst || !inst.showPair) return false;
    inst.showPair(positions);
    return true;
  }

  function call(state, method, ...args) {
    const inst = find(state);
    if (inst && typeof inst[method] === "function") return inst[method](...args);
    return undefined;
  }

  tl.TourFigure = { attach, call, byId, showPair, instances, Bridge: tl.bridge, basisOf: tl.linalg.basisOf };
})();
