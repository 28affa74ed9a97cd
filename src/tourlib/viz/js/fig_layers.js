// @module fig_layers
// @requires fig_instance fig_axes fig_bridge
/*
 * Step indicators (tourlib.ui.bindIndicators / syncIndicators): for an axis declared with
 * `indicators` (TourAxis), Python draws one chip per position ("input", "conv1", …) under its
 * slider; a click morphs there (TourInstance.goTo: the points move linearly in d dimensions under
 * the fixed view) and the chip of the step nearest the current position is lit. On every axis slider
 * the arrow keys step one whole position, not the slider's 0.01 (bindSliderKeys).
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

  /** Arrow keys on an axis slider step one whole position (the slider's own step is 0.01). */
  function bindSliderKeys(inst) {
    (inst.widgets.axes || []).forEach((w, a) => {
      const root = w && rootOf(w.slider);
      if (!root || root.tlKeys) return;
      root.tlKeys = true;
      root.addEventListener("keydown", (ev) => {
        const dir = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[ev.key];
        if (!dir) return;
        ev.preventDefault();
        ev.stopPropagation();
        const v = inst.pos[a], SNAP = 1e-9;
        inst.setAxis(a, dir > 0 ? Math.floor(v + SNAP) + 1 : Math.ceil(v - SNAP) - 1);
      }, true);
    });
  }

  function bindIndicators(inst) {
    bindSliderKeys(inst);
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
