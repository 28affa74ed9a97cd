// @module network_figure
// @requires 
/*
 * tourlib: the "network opened" figure's epoch slider (tourlib.NetworkFigure).
 *
 * tourlib.viz.network_figure embeds every epoch's heatmaps in the heatmap source (columns
 * img0, img1, ...) and every epoch's class probabilities in the bar source (p0, p1, ...);
 * setEpoch copies epoch e's columns into the drawn ones ("image", "p") and updates the texts.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.NetworkFigure) return;

  function setEpoch(parts, slider) {
    const e = Math.round(Number(slider.value));
    const { heat, bars, info, texts, labels } = parts;
    if (!(e >= 0 && e < labels.length)) return;
    const h = Object.assign({}, heat.data);
    h.image = h["img" + e];
    heat.data = h;
    const b = Object.assign({}, bars.data);
    b.p = b["p" + e];
    bars.data = b;
    info.text = texts[e];   // (the slider shows "epoch: label" itself: viz.slider_labels)
  }

  tl.NetworkFigure = { setEpoch };
})();
