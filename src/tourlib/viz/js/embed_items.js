// @module embed_items
// @requires 
/*
 * tourlib: render the Bokeh documents that a static book page carries.
 *
 * Each figure output in the built HTML is a <div id=...> plus a
 * <script type="application/json" class="tourlib-bokeh-item" data-target="ID">
 * holding Bokeh's `json_item`. BokehJS itself and the tourlib engine files are
 * loaded once per page from the book's own _static folder, so nothing here
 * (and nothing the figures do) talks to another host.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  function embedAll() {
    if (typeof window.Bokeh === "undefined") {
      console.error("tourlib: BokehJS is not loaded on this page; figures cannot render.");
      return;
    }
    var items = document.querySelectorAll("script.tourlib-bokeh-item:not([data-embedded])");
    items.forEach(function (el) {
      el.setAttribute("data-embedded", "1");
      var item = JSON.parse(el.textContent);
      window.Bokeh.embed.embed_item(item, el.getAttribute("data-target"));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", embedAll);
  } else {
    embedAll();
  }
  tl.embedAll = embedAll;
})();
