// @module fig_layers
// @requires fig_instance fig_axes fig_bridge
/*
 * Step indicators (tourlib.ui.bindIndicators / syncIndicators): for an axis declared with
 * `indicators` (TourAxis), Python draws one chip per position ("input", "conv1", …) under its
 * slider; a click morphs there (TourInstance.goTo: the points move linearly in d dimensions under
 * the fixed view) and the chip of the step nearest the current position is lit.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  tl.ui = tl.ui || {};
  if (tl.ui.bindIndicators) return;

  function rootOf(model) {
    const view = model && tl.bridge.view(model);
    return view ? view.shadow_el || view.el.shadowRoot || view.el : null;
  }

  function bindIndicators(inst) {
    (inst.widgets.axes || []).forEach((w, a) => {
      const root = w && rootOf(w.indicators);
      if (!root || root.tlBound) return;
      root.tlBound = true;
      root.addEventListener("click", (ev) => {
        const chip = ev.target.closest && ev.target.closest(".tl-ind");
        if (!chip) return;
        tl.ui.lastActive = inst;
        inst.goTo(a, Number(chip.dataset.step));
      });
    });
    syncIndicators(inst);
  }

  function syncIndicators(inst) {
    (inst.widgets.axes || []).forEach((w, a) => {
      const root = w && w.indicators && rootOf(w.indicators);
      if (!root) return;
      const on = Math.round(inst.pos[a]);
      if (root.tlLit === on) return;
      root.tlLit = on;
      root.querySelectorAll(".tl-ind").forEach((c) => c.classList.toggle("tl-on", Number(c.dataset.step) === on));
    });
  }

  Object.assign(tl.ui, { bindIndicators, syncIndicators });
})();
