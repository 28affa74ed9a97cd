// @module fig_compare
// @requires fig_instance fig_axes fig_panel
/*
 * Comparing two data sets side by side in one tour (methods added to tourlib.fig.TourInstance).
 *
 * Alignment toggle (config.align_panel = k ≥ 0): panel k's data carries rotations R[s, s'] (d×d,
 * row-major; s its step, s' the step the other panel shows). With the toggle's weight α ∈ [0, 1]
 * panel k shows X_s @ ((1 − α) I + α R[s, s']): at α = 1 its points rotated onto the other panel
 * (orthogonal Procrustes, tourlib.embed.layers.pair_rotations), in between a straight-line morph
 * (ALIGN_SECONDS). Python twin: the points X_s @ R[s, s'] @ G[:, :2] of the test.
 *
 * showPair(positions): each panel its own step of the main axis (a heat-map cell (i, j):
 * tourlib.TourFigure.showPair(figure_id, [i, j])); the panel titles name the steps; moving any
 * slider or indicator puts the panels back in step (showPair(null)).
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.initCompare) return;
  const ALIGN_SECONDS = 0.6;

  Object.assign(P, {
    initCompare() {
      const k = this.cfg.align_panel;
      this.alignment = null;
      this.panels.forEach((p) => { p.baseTitle = p.plot.title ? p.plot.title.text : ""; });
      if (!(k >= 0) || !this.panels[k]) return;
      const p = this.panels[k], R = p.rotationsData();
      if (!R) return;
      this.alignment = { panel: k, alpha: 0, goal: 0, R };
      p.transform = (X, t) => this.alignPoints(X, t);
    },

    /** Which step the other panels show when panel k shows step t. */
    partnerStep(t) {
      if (!this.pairPos) return t;
      const other = this.panels.findIndex((_, j) => j !== this.alignment.panel);
      return this.panels[other].nearestStep(this.pairPos[other]);
    },

    alignPoints(X, t) {
      const al = this.alignment, a = al.alpha;
      if (a === 0) return X;
      const d = this.d, n = X.length / d, { data, S2 } = al.R;
      const base = (t * S2 + Math.min(S2 - 1, this.partnerStep(t))) * d * d;
      const M = new Float64Array(d * d);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < d; j++) M[i * d + j] = a * data[base + i * d + j] + (i === j ? 1 - a : 0);
      }
      const out = new Float32Array(X.length), row = new Float64Array(d);
      for (let r = 0; r < n; r++) {
        row.fill(0);
        for (let i = 0; i < d; i++) {
          const x = X[r * d + i];
          if (x === 0) continue;
          for (let j = 0; j < d; j++) row[j] += x * M[i * d + j];
        }
        for (let j = 0; j < d; j++) out[r * d + j] = row[j];
      }
      return out;
    },

    /** Toggle the alignment (button): morph to aligned or back. */
    toggleAlignment() {
      if (!this.alignment) return;
      this.setAlignment(this.alignment.goal > 0.5 ? 0 : 1);
    },

    /** Alignment weight goal α (0 off, 1 on); `now`: jump there. */
    setAlignment(goal, now) {
      const al = this.alignment;
      if (!al) return;
      al.goal = Math.max(0, Math.min(1, Number(goal) || 0));
      if (now) this.applyAlpha(al.goal);
      this.syncAlignButton();
      this.lastTs = null;
      this.requestFrame();
    },

    applyAlpha(alpha) {
      const al = this.alignment;
      if (alpha === al.alpha) return;
      al.alpha = alpha;
      this.panels[al.panel].invalidateSteps();
      if (this.selection && this.selection.panel === al.panel) this.computeCentroid();
      this.dirty = true;
    },

    /** One frame of the alignment morph; true while it moves. */
    animate(dt) {
      const al = this.alignment;
      if (!al || al.alpha === al.goal) return false;
      const step = dt / ALIGN_SECONDS;
      const a = al.goal > al.alpha ? Math.min(al.goal, al.alpha + step) : Math.max(al.goal, al.alpha - step);
      this.applyAlpha(a);
      if (a === al.goal) {
        this.writeState();
        return false;
      }
      return true;
    },

    syncAlignButton() {
      const b = this.widgets.align, al = this.alignment;
      if (b && al) b.label = this.cfg.align_label + (al.goal > 0.5 ? ": on" : ": off");
    },

    /** Panel k shows step positions[k] of the main axis (null: all panels follow the sliders again). */
    showPair(positions) {
      const m = this.mainAxis();
      if (positions && m >= 0) {
        const n = this.axes[m].labels.length;
        this.pairPos = this.panels.map((p, k) => {
          const pos = Float64Array.from(this.pos);
          if (positions[k] !== undefined && positions[k] !== null) pos[m] = Math.max(0, Math.min(n - 1, Math.round(positions[k])));
          return pos;
        });
        if (this.axisPlaying >= 0) this.playAxis(this.axisPlaying, false);
      } else {
        if (!this.pairPos) return;
        this.pairPos = null;
      }
      if (this.alignment) this.panels[this.alignment.panel].invalidateSteps();
      if (this.selection) this.computeCentroid();
      this.panels.forEach((p) => {
        if (!p.plot.title) return;
        const lab = this.pairPos && m >= 0 ? this.axes[m].labels[Math.round(this.pairPos[p.k][m])] : null;
        p.plot.title.text = lab === null ? p.baseTitle : (p.baseTitle ? p.baseTitle + " · " : "") + lab;
      });
      this.dirty = true;
      this.writeState();
      this.requestFrame();
    },
  });

  /** The panel's rotations as {data: Float32Array, S, S2}, or null. */
  tl.fig.Panel.prototype.rotationsData = function () {
    const r = this.rotations;
    if (!r) return null;
    const shape = r.shape || null, data = r;
    const S = this.T, d = this.d;
    const flat = data instanceof Float32Array ? data : Float32Array.from(data);
    const S2 = shape ? shape[1] : Math.round(flat.length / (S * d * d));
    return { data: flat, S, S2 };
  };
})();
