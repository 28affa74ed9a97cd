// @module fig_legend
// @requires fig_bridge
/*
 * The legend of the tour figure (tourlib.ui): the Div built by Python; hovering an item highlights
 * that class (the others become ghosts, also while a brush is on), clicking toggles it, a double
 * click shows that class alone (the brush then picks only its points); again, every class.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  tl.ui = tl.ui || {};
  if (tl.ui.bindLegend) return;

  // ---------------------------------------------------------------- legend
  function legendRoot(inst) {
    const view = tl.bridge.view(inst.fig.legend);
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
    lr.root.addEventListener("dblclick", (ev) => {
      const item = itemOf(ev);
      if (!item) return;
      inst.soloClass(Number(item.dataset.class));
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

  Object.assign(tl.ui, { bindLegend, refreshLegend });
})();
