// @module fig_keys
// @requires fig_instance fig_control fig_axes fig_handles
/*
 * Keys of the tour figure (one document listener; tourlib.ui.keyTarget picks the figure: the one
 * under the pointer, else the one last pressed on):
 *   i  dots ↔ images        d  arm the brush: the next brush makes a handle     x  delete the newest handle
 *   j  next layer (step)    k  previous layer (step)                          Esc  disarm, clear the brush
 * Keys typed into a text field (a handle's name) are not figure keys.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  tl.ui = tl.ui || {};
  if (tl.ui.keyTarget) return;
  const P = tl.fig.TourInstance.prototype;

  P.onKey = function (key) {
    switch (key) {
      case "i":
        if (!this.panels.some((p) => p.images)) return false;
        this.setMode(this.mode === "images" ? "dots" : "images");
        return true;
      case "d":
        this.armHandle();
        return true;
      case "x":
        return this.deleteHandle();
      case "j":
      case "k":
        if (!this.axes.length) return false;
        this.stepMain(key === "j" ? 1 : -1);
        return true;
      case "Escape":
        if (this.armed) this.armHandle(false);
        this.clearBrush();
        return true;
      default:
        return false;
    }
  };

  function keyTarget() {
    const all = (tl.TourFigure && tl.TourFigure.instances) || [];
    const live = all.filter((inst) => !inst.destroyed());
    return live.find((inst) => inst.pointer) || (live.includes(tl.ui.lastActive) ? tl.ui.lastActive : null);
  }

  function typing(ev) {
    const t = ev.composedPath ? ev.composedPath()[0] : ev.target;
    return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  if (typeof document !== "undefined") {   // (node, in the tests, has none)
    document.addEventListener("keydown", (ev) => {
      if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev)) return;
      const inst = keyTarget();
      if (inst && inst.onKey(ev.key)) ev.preventDefault();
    });
  }

  tl.ui.keyTarget = keyTarget;
})();
