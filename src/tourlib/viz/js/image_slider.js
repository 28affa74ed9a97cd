// @module image_slider
// @requires
/*
 * tourlib: frames of images under a slider (tourlib.ImageSlider), for tourlib.viz.image_slider.
 *
 * The figure's source holds every frame's PNG data URI in columns f0, f1, ...; setFrame copies
 * frame k's URI into the drawn column "url"; the slider shows "<name>: <label>" (viz.slider_labels).
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.ImageSlider) return;

  function frameIndex(value, count) {
    const k = Math.round(Number(value));
    return k >= 0 && k < count ? k : -1;
  }

  function setFrame(source, labels, name, slider) {
    const k = frameIndex(slider.value, labels.length);
    if (k < 0) return;
    const d = Object.assign({}, source.data);
    d.url = d["f" + k];
    source.data = d;   // (the slider reads "name: label" itself: viz.slider_labels)
  }

  tl.ImageSlider = { setFrame, frameIndex };
})();
