// @module atlas_figure
// @requires atlas_view atlas_input
/*
 * tourlib.AtlasFigure — the entry points of the activation atlas (tourlib.viz.atlas_figure); its
 * CustomJS glue calls
 *   tourlib.AtlasFigure.attach(fig, plot)           when the plot is laid out (also on resize)
 *   tourlib.AtlasFigure.call(state, "method", ...)  from the buttons, the focus select, the state.
 * tourlib.AtlasGrid — one image's activation grid (atlas_grid_figure): a hovered (tapped)
 * position's receptive-field box on the image and its top classes.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.AtlasFigure) return;
  const { AtlasInstance, focusAlpha, levelFor, instances } = tl.atlas;

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
