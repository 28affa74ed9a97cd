// @module prose_classes
// @requires
/*
 * Class names in the prose (the book's {cls}`cat` role, tourlib.sphinxext): each
 * <span class="tl-cls" data-class="cat"> takes the colour the tour figures on the page give that
 * class, and hovering it highlights the class in every figure that has it (TourInstance.setFocus),
 * as the legend does. Figures attach after the page loads, so bind() retries until they exist.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.prose) return;

  /** The figures that have class `name`, with its index in each. */
  function figuresWith(name) {
    const out = [];
    for (const inst of (tl.TourFigure && tl.TourFigure.instances) || []) {
      if (inst.destroyed && inst.destroyed()) continue;
      const k = inst.cfg.classes.indexOf(name);
      if (k >= 0) out.push({ inst, k });
    }
    return out;
  }

  function colour(span) {
    const hits = figuresWith(span.dataset.class);
    if (!hits.length) return false;
    span.style.color = hits[0].inst.cfg.colors[hits[0].k];
    return true;
  }

  function bind(root, tries) {
    root = root || document;
    tries = tries === undefined ? 100 : tries;
    const spans = Array.from(root.querySelectorAll(".tl-cls"));
    let waiting = false;
    for (const span of spans) {
      if (!span.tlBound) {
        span.tlBound = true;
        span.addEventListener("mouseenter", () => figuresWith(span.dataset.class).forEach(({ inst, k }) => inst.setFocus(k)));
        span.addEventListener("mouseleave", () => figuresWith(span.dataset.class).forEach(({ inst }) => inst.setFocus(-1)));
      }
      if (!span.tlColoured) span.tlColoured = colour(span);
      if (!span.tlColoured) waiting = true;
    }
    if (waiting && tries > 0) setTimeout(() => bind(root, tries - 1), 100);
  }

  tl.prose = { bind, figuresWith };
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => bind());
    else bind();
  }
})();
