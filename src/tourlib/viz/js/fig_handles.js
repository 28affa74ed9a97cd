// @module fig_handles
// @requires fig_instance fig_select fig_draw fig_bridge tour_raster
/*
 * Group handles in the page (methods added to tourlib.fig.TourInstance, a label painter added to
 * tourlib.fig.Panel, and tourlib.ui.bindHandles for the handles box).
 *
 * config.groups = [{name, set, indices, color}] (tourlib.viz.tour_handles): one handle per group and
 * panel at the group's centroid at the panel's axis positions; config.handle_sets = [{name, on}]
 * says which sets are shown. The reader makes handles of their own: key d (or the + button) arms
 * the brush, the next brushed points become "group N" in the set "yours" (in every panel: the same
 * images); x deletes the newest; a name is edited in the handles box. Dragging any handle turns the
 * view by dragCentroid (fig_select), as tourlib.tour.drag_group in Python. The handles shown are
 * written to TourState.handles (read in Python as TourView.handles).
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.initHandles) return;
  const CUSTOM = "yours";
  const COLORS = ["#222222", "#6a3d9a", "#b15928", "#1f78b4", "#33a02c", "#e31a1c"];

  Object.assign(P, {
    initHandles() {
      this.handleSets = {};
      for (const s of this.cfg.handle_sets || []) this.handleSets[s.name] = !!s.on;
      this.custom = [];       // names of the reader's handles, oldest first
      this.customCount = 0;
      this.armed = false;
      for (const g of this.cfg.groups || []) {
        this.panels.forEach((p, k) => this.addGroupHandle(g.name, g.indices, k, g.color, g.set));
      }
    },

    /** Show or hide the handles of set `name`. */
    setHandleSet(name, on) {
      if (!(name in this.handleSets)) return;
      this.handleSets[name] = on === undefined ? !this.handleSets[name] : !!on;
      this.requestFrame();
      this.writeHandles();
      if (tl.ui.refreshHandles) tl.ui.refreshHandles(this);
    },

    /** Arm (or disarm) the brush: the next brushed points become a handle. */
    armHandle(on) {
      this.armed = on === undefined ? !this.armed : !!on;
      if (this.setBrushActive) this.setBrushActive(this.armed);   // a touch screen's brush (fig_touch)
      if (tl.ui.refreshHandles) tl.ui.refreshHandles(this);
    },

    /** The brushed points `indices` of panel k become the reader's handle "group N" (every panel). */
    handleFromBrush(k, indices) {
      this.armed = false;
      if (this.setBrushActive) this.setBrushActive(false);
      if (indices && indices.length) this.addCustomHandle(indices);
      else if (tl.ui.refreshHandles) tl.ui.refreshHandles(this);
    },

    addCustomHandle(indices, name) {
      this.customCount += 1;
      name = this.uniqueName(name || "group " + this.customCount);
      const color = COLORS[(this.customCount - 1) % COLORS.length];
      this.panels.forEach((p, k) => this.addGroupHandle(name, indices, k, color, CUSTOM));
      this.custom.push(name);
      this.handleSets[CUSTOM] = true;
      this.writeHandles();
      if (tl.ui.refreshHandles) tl.ui.refreshHandles(this);
      return name;
    },

    uniqueName(name) {
      const taken = new Set(this.groups.map((g) => g.name));
      if (!taken.has(name)) return name;
      let k = 2;
      while (taken.has(name + " (" + k + ")")) k++;
      return name + " (" + k + ")";
    },

    /** Delete the reader's newest handle (key x), or the one named `name`. */
    deleteHandle(name) {
      if (name === undefined) name = this.custom[this.custom.length - 1];
      if (name === undefined || !this.custom.includes(name)) return false;
      this.custom = this.custom.filter((n) => n !== name);
      this.removeGroupHandle(name);
      this.writeHandles();
      if (tl.ui.refreshHandles) tl.ui.refreshHandles(this);
      return true;
    },

    /** Rename handle `from` to `to` (trimmed; an empty or taken name keeps the old one). */
    renameHandle(from, to) {
      to = String(to || "").trim();
      if (!to || to === from || this.groups.some((g) => g.name === to)) return false;
      for (const g of this.groups) if (g.name === from) g.name = to;
      this.custom = this.custom.map((n) => (n === from ? to : n));
      this.panels.forEach((p) => p.groupLabels && p.groupLabels.delete(from));
      this.requestFrame();
      this.writeHandles();
      if (tl.ui.refreshHandles) tl.ui.refreshHandles(this);
      return true;
    },

    /** The handles shown, as written to TourState.handles. */
    handleList() {
      return this.groups.filter((g) => this.groupVisible(g))
        .map((g) => ({ name: g.name, set: g.set, panel: g.panel, indices: Array.from(g.indices) }));
    },

    writeHandles() {
      const s = this.state;
      if (!s.properties || !s.properties.handles) return;
      this.writing = true;
      try {
        s.handles = this.handleList();
      } finally {
        this.writing = false;
      }
    },
  });

  // ---------------------------------------------------------------- labels beside the handles
  Object.assign(tl.fig.Panel.prototype, {
    /** Each visible group handle's name, just right of its marker (pre-rendered chips), unless it
     *  would overlap a label already drawn (fig_draw placeLabel). */
    drawGroupLabels(view) {
      const inst = this.inst, dpr = window.devicePixelRatio || 1;
      if (!this.groupLabels || this.groupLabelsDpr !== dpr) {
        this.groupLabels = new Map();
        this.groupLabelsDpr = dpr;
      }
      const kx = view.W / (view.x1 - view.x0), ky = view.H / (view.y1 - view.y0);
      const placed = this.startLabels();   // drawn before the axis labels (fig_draw)
      for (const g of inst.groups) {
        if (g.panel !== this.k || !inst.groupVisible(g)) continue;
        let L = this.groupLabels.get(g.name);
        if (!L) {
          L = tl.raster.makeLabel(g.name, 11, dpr);
          this.groupLabels.set(g.name, L);
        }
        const [x, y] = inst.screenOf(inst.groupCentroid(g));
        const px = (x - view.x0) * kx, py = (view.y1 - y) * ky;
        this.placeLabel(view, L, px + 10 * dpr + L.w / 2, py - 9 * dpr, placed);
      }
    },
  });

  // ---------------------------------------------------------------- the handles box
  function boxRoot(inst) {
    const model = inst.fig.handles_box;
    const view = model && tl.bridge.view(model);
    if (!view) return null;
    return view.shadow_el || view.el.shadowRoot || view.el;
  }

  function bindHandles(inst) {
    const root = boxRoot(inst);
    if (!root || root.tlBound) return;
    root.tlBound = true;
    root.addEventListener("click", (ev) => {
      const t = ev.target;
      const set = t.closest && t.closest(".tl-set");
      if (set) return inst.setHandleSet(set.dataset.set);
      if (t.closest && t.closest(".tl-new")) return inst.armHandle();
      const del = t.closest && t.closest(".tl-del");
      if (del) inst.deleteHandle(del.dataset.name);
    });
    const rename = (input) => {
      if (!inst.renameHandle(input.dataset.name, input.value)) input.value = input.dataset.name;
    };
    root.addEventListener("change", (ev) => {
      if (ev.target.matches && ev.target.matches(".tl-mine input")) rename(ev.target);
    });
    root.addEventListener("keydown", (ev) => {
      if (ev.target.matches && ev.target.matches(".tl-mine input")) {
        ev.stopPropagation();   // typing a name is not a figure key
        if (ev.key === "Enter") ev.target.blur();
        if (ev.key === "Escape") {
          ev.target.value = ev.target.dataset.name;
          ev.target.blur();
        }
      }
    });
    refreshHandles(inst);
  }

  function refreshHandles(inst) {
    const root = boxRoot(inst);
    if (!root) return;
    root.querySelectorAll(".tl-set").forEach((el) => el.classList.toggle("tl-on", inst.handleSets[el.dataset.set] === true));
    const btn = root.querySelector(".tl-new");
    if (btn) {
      btn.classList.toggle("tl-armed", inst.armed);
      btn.textContent = inst.armed ? "brush some points…" : "+ handle";
    }
    const list = root.querySelector(".tl-custom");
    if (!list) return;
    list.replaceChildren(...inst.custom.map((name) => {
      const g = inst.groups.find((h) => h.name === name);
      const item = document.createElement("div");
      item.className = "tl-mine";
      const sw = document.createElement("span");
      sw.className = "tl-sw";
      sw.style.background = g ? g.color : "#222";
      const input = document.createElement("input");
      input.value = name;
      input.dataset.name = name;
      input.title = "rename: type and press Enter";
      input.setAttribute("aria-label", "handle name");
      const del = document.createElement("button");
      del.className = "tl-del";
      del.type = "button";
      del.textContent = "×";
      del.title = "delete this handle";
      del.dataset.name = name;
      item.append(sw, input, del);
      return item;
    }));
  }

  tl.ui = tl.ui || {};
  Object.assign(tl.ui, { bindHandles, refreshHandles });
})();
