// @module fig_select
// @requires fig_instance engine_manipulate tour_hit
/*
 * What the reader selects and drags (methods added to tourlib.fig.TourInstance): the legend's focus
 * and hidden classes, the rectangle brush (its centroid c gets a handle), the drags of axis handles
 * (tourlib.manipulate.dragAxis, by Δ / handle_scale), of the brush centroid and of named group
 * handles (dragCentroid by Δ), and the API for group handles (addGroupHandle / removeGroupHandle /
 * dragGroup). Drags pause the tour; at their end a tour that was playing continues from the new
 * view (rebase), one that was paused stays paused there.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.brush) return;

  Object.assign(P, {
    // ---- legend
    setFocus(c) {
      if (c === this.focus) return;
      this.focus = c;
      this.updateFlags();
      this.requestFrame();
    },

    /** Show only class c (a double click in the legend); again: show every class. */
    soloClass(c) {
      const alone = this.hidden.every((h, k) => (k === c ? h === 0 : h === 1));
      this.hidden.fill(alone ? 0 : 1);
      this.hidden[c] = 0;
      this.updateFlags();
      this.writeState();
      this.requestFrame();
    },

    toggleClass(c) {
      this.hidden[c] = this.hidden[c] ? 0 : 1;
      this.updateFlags();
      this.writeState();
      this.requestFrame();
    },

    // ---- brush (SelectionGeometry from Bokeh's BoxSelectTool)
    brush(k, geometry, final) {
      if (!final || !geometry || geometry.type !== "rect") return;
      const p = this.panels[k];
      const x0 = Math.min(geometry.x0, geometry.x1), x1 = Math.max(geometry.x0, geometry.x1);
      const y0 = Math.min(geometry.y0, geometry.y1), y1 = Math.max(geometry.y0, geometry.y1);
      // choose among the points not hidden by the legend
      const saved = this.selection;
      this.selection = null;
      p.updateFlags(this.hidden, -1, null);
      const idx = tl.hit.inRect(p.proj, p.activeList, p.activeCount, x0, x1, y0, y1);
      this.selection = saved;
      if (this.armed && this.handleFromBrush) {   // key d / +: the brush makes a handle (fig_handles)
        this.updateFlags();
        this.handleFromBrush(k, idx);
        return;
      }
      this.select(k, idx);
    },

    /** Select points `indices` of panel k (empty: clear the brush). */
    select(k, indices) {
      if (!indices || indices.length === 0) {
        this.selection = null;
        this.centroid = null;
      } else {
        const mask = new Uint8Array(this.panels[k].n);
        for (const i of indices) mask[i] = 1;
        this.selection = { panel: k, indices: Int32Array.from(indices), mask };
        this.computeCentroid();
      }
      this.updateFlags();
      this.writeState();
      this.requestFrame();
    },

    clearBrush() {
      if (this.selection) this.select(0, null);
    },

    computeCentroid() {
      const sel = this.selection, p = this.panels[sel.panel], d = this.d;
      const c = new Float64Array(d);
      for (const i of sel.indices) {
        const x = p.pointAt(i, this.panelPos(sel.panel));
        for (let j = 0; j < d; j++) c[j] += x[j];
      }
      for (let j = 0; j < d; j++) c[j] /= sel.indices.length;
      this.centroid = c;
    },

    // ---- direct manipulation (called by tour_ui.js)
    /** kind "axis" (index = axis i) or "centroid"; x, y: pointer in data units. */
    beginDrag(kind, index, x, y, panel) {
      this.finishTransition();
      this.resumeAfterDrag = this.playing;   // a playing tour continues from the dragged view
      if (this.playing) this.pause();
      const c = kind === "group" ? this.groupCentroid(this.groups[index]) : this.centroid;
      this.drag = { kind, index, x, y, panel, G0: Float64Array.from(this.G), c: c ? Float64Array.from(c) : null };
    },

    /** While a drag is on in panel k: how far from the origin its handle can go (data units), else 0.
     *  An axis handle ends at s·G[i, :2], at most s (a row of an orthogonal G has length 1); a
     *  centroid c lands at c·G[:, :2], at most |c|. The page draws that circle (fig_draw). */
    dragReach(k) {
      const dr = this.drag;
      if (!dr || dr.panel !== k) return 0;
      if (dr.kind === "axis") return this.cfg.handle_scale;
      return dr.c ? Math.hypot(...dr.c) : 0;
    },

    dragTo(x, y) {
      const dr = this.drag;
      if (!dr) return;
      const E = tl.manipulate, d = this.d;
      const dx = x - dr.x, dy = y - dr.y;
      let G, delta;
      if (dr.kind === "axis") {
        const s = this.cfg.handle_scale;
        delta = [dx / s, dy / s];
        G = E.dragAxis(dr.G0, d, dr.index, delta[0], delta[1]);
      } else {
        delta = [dx, dy];
        G = E.dragCentroid(dr.G0, d, dr.c, delta[0], delta[1]);
      }
      this.lastDrag = { kind: dr.kind, index: dr.index, G0: Array.from(dr.G0), delta, c: dr.c ? Array.from(dr.c) : null };
      this.setG(G);
      this.requestFrame();
    },

    endDrag() {
      if (!this.drag) return;
      this.drag = null;
      this.tour.rebase(this.G, this.t);
      this.writeState();
      if (this.resumeAfterDrag) {
        this.resumeAfterDrag = false;
        this.play();
      }
    },

    // ---- named group handles (the UMAP Tour's API): a handle at the centroid of a named group;
    // dragging it turns the view so that the centroid follows the cursor (dragCentroid, as
    // tourlib.tour.drag_group in Python).
    /** A handle for the points `indices` of panel `panel` (replacing one of that name there);
     *  `set`: the handle set it belongs to (shown while that set is on; none: always shown). */
    addGroupHandle(name, indices, panel, color, set) {
      const k = panel || 0, p = this.panels[k];
      if (!p) throw new RangeError("addGroupHandle: no panel " + k + ".");
      if (!indices || indices.length === 0) throw new RangeError("addGroupHandle: a group needs at least one point.");
      for (const i of indices) if (!(i >= 0 && i < p.n)) throw new RangeError("group index " + i + " is out of range 0…" + (p.n - 1) + ".");
      name = String(name);
      this.groups = this.groups.filter((g) => !(g.name === name && g.panel === k));
      this.groups.push({ name, panel: k, indices: Int32Array.from(indices), color: color || "#222222", set: set || null });
      this.requestFrame();
      return this.groups.length - 1;
    },

    /** Remove the handles named `name` (in every panel). */
    removeGroupHandle(name) {
      this.groups = this.groups.filter((g) => g.name !== String(name));
      this.requestFrame();
    },

    groupVisible(g) {
      return !g.set || !this.handleSets || this.handleSets[g.set] !== false;
    },

    /** The group's centroid in data space at its panel's positions (cached until they change). */
    groupCentroid(g) {
      const p = this.panels[g.panel], pos = this.panelPos(g.panel);
      const key = Array.prototype.join.call(pos, ",") + ":" + (p.stepsEpoch || 0);
      if (g.cKey === key) return g.c;
      const c = new Float64Array(this.d);
      g.cKey = key;
      g.c = c;
      for (const i of g.indices) {
        const x = p.pointAt(i, pos);
        for (let j = 0; j < this.d; j++) c[j] += x[j];
      }
      for (let j = 0; j < this.d; j++) c[j] /= g.indices.length;
      return c;
    },

    /** Drag the handle of group `name` by (dx, dy) screen (data) units in one step. */
    dragGroup(name, dx, dy, panel) {
      const k = this.groups.findIndex((g) => g.name === String(name) && (panel === undefined || g.panel === panel));
      if (k < 0) throw new RangeError("no group handle named " + String(name) + ".");
      const g = this.groups[k], [x, y] = this.screenOf(this.groupCentroid(g));
      this.beginDrag("group", k, x, y, g.panel);
      this.dragTo(x + dx, y + dy);
      this.endDrag();
    },
  });
})();
