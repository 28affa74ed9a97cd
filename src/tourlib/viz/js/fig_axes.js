// @module fig_axes
// @requires fig_instance
/*
 * The data axes of a tour figure (methods added to tourlib.fig.TourInstance).
 *
 * A figure shows points X of shape (*axes, N, d); config.axes lists the axes outermost first, each
 * {name, labels, segment_labels, interpolate, speed, start} (tourlib.viz.tour_models.TourAxis).
 * The figure's position is one number per axis, pos[a] ∈ [0, size_a − 1]: fractional only on an
 * axis that interpolates (the panels blend neighbouring steps linearly, fig_panel.js). Each axis has
 * a slider and a play button (widgets.axes[a] = {slider, play}); playing an axis runs it from where
 * it is to its end at `speed` steps per second and stops. The view is kept while axes move.
 *
 * Compatibility with the figures built before axes were data: `epoch` is the flat position
 * (row-major step index plus the fraction of the innermost moving axis; a single axis: pos[0]),
 * `setEpoch(s)` sets it; for a two-axis figure (epoch × layer) `epochIndex` = pos[0] and
 * `layerPos` = pos[1]; widgets.time_slider / time_play are the innermost interpolating axis' own.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.setAxis) return;

  const sizeOf = (ax) => ax.labels.length;
  const SNAP = 1e-9;
  const GOAL_SPEED = 2.5;   // positions per second of a morph to a chosen step

  Object.assign(P, {
    /** Move axis a to position v (clamped; rounded unless the axis interpolates). */
    setAxis(a, v, fromLoop) {
      const ax = this.axes[a];
      if (!ax) return;
      v = Number(v);
      if (!isFinite(v)) return;
      v = Math.max(0, Math.min(sizeOf(ax) - 1, v));
      // float dust from a slider's step arithmetic (5.6 + 0.01 + … = 5.999999999999992) would leave
      // the axis forever a hair short of a step, or of its end: snap to the step
      if (!ax.interpolate || Math.abs(v - Math.round(v)) < SNAP) v = Math.round(v);
      if (Math.abs(v - this.pos[a]) < 1e-12) return;
      if (!fromLoop && this.pairPos && this.showPair) this.showPair(null);   // the panels move in step again
      this.pos[a] = v;
      if (this.selection) this.computeCentroid();
      this.dirty = true;
      this.syncAxisWidgets();
      if (!fromLoop) {
        this.writeState();
        this.requestFrame();
      }
    },

    setPositions(values) {
      if (!values || values.length !== this.axes.length) return;
      values.forEach((v, a) => this.setAxis(a, v, true));
      this.writeState();
      this.requestFrame();
    },

    /** Play axis a (or stop with a < 0): from its position to its end, then stop. */
    playAxis(a, on) {
      if (on === undefined) on = this.axisPlaying !== a;
      this.axisGoal = null;
      const prev = this.axisPlaying;
      this.axisPlaying = on && this.axes[a] && sizeOf(this.axes[a]) > 1 ? a : -1;
      if (this.axisPlaying >= 0 && this.pos[a] >= sizeOf(this.axes[a]) - 1) this.setAxis(a, 0, true);
      this.lastTs = null;
      for (const b of new Set([prev, a])) this.syncPlayLabel(b);
      this.writeState();
      if (this.axisPlaying >= 0) this.requestFrame();
    },

    /** Morph axis a to position `goal` (a layer indicator, keys j / k): the points move linearly
     *  in d dimensions at max(speed, GOAL_SPEED) positions per second, whatever the tour's speed. */
    goTo(a, goal) {
      const ax = this.axes[a];
      if (!ax) return;
      goal = Math.max(0, Math.min(sizeOf(ax) - 1, Math.round(Number(goal))));
      if (!isFinite(goal)) return;
      if (this.pairPos && this.showPair) this.showPair(null);
      if (!ax.interpolate || Math.abs(goal - this.pos[a]) < SNAP) {
        this.setAxis(a, goal);
        return;
      }
      const prev = this.axisPlaying;
      this.axisPlaying = a;
      this.axisGoal = goal;
      this.lastTs = null;
      if (prev >= 0 && prev !== a) this.syncPlayLabel(prev);
      this.requestFrame();
    },

    /** The next (+1) or previous (−1) step of the main axis, from where it is or is going. */
    stepMain(delta) {
      const a = this.mainAxis();
      if (a < 0) return;
      const at = this.axisGoal !== null && this.axisGoal !== undefined && this.axisPlaying === a ? this.axisGoal : this.pos[a];
      this.goTo(a, delta > 0 ? Math.floor(at + SNAP) + 1 : Math.ceil(at - SNAP) - 1);
    },

    /** One frame of the playing axis; false when it reached its end (or its goal). */
    advanceAxis(dt) {
      const a = this.axisPlaying, ax = this.axes[a];
      if (this.axisGoal !== null && this.axisGoal !== undefined) {
        const goal = this.axisGoal, step = dt * Math.max(ax.speed || 1, GOAL_SPEED);
        const v = goal >= this.pos[a] ? Math.min(goal, this.pos[a] + step) : Math.max(goal, this.pos[a] - step);
        this.setAxis(a, v, true);
        if (Math.abs(this.pos[a] - goal) < SNAP) {
          this.axisGoal = null;
          this.axisPlaying = -1;
          this.syncPlayLabel(a);
          this.writeState();
          return false;
        }
        return true;
      }
      const end = sizeOf(ax) - 1;
      const step = dt * this.rate * (ax.speed || 1);
      const v = ax.interpolate ? Math.min(end, this.pos[a] + step) : this.pos[a] + step;
      if (ax.interpolate) this.setAxis(a, v, true);
      else {
        this._acc = (this._acc || 0) + step;
        if (this._acc >= 1) { this._acc = 0; this.setAxis(a, Math.min(end, this.pos[a] + 1), true); }
      }
      if (this.pos[a] >= end - SNAP) {
        this.playAxis(a, false);
        return false;
      }
      return true;
    },

    syncPlayLabel(a) {
      const w = this.widgets.axes && this.widgets.axes[a];
      if (!w || !w.play) return;
      const ax = this.axes[a];
      w.play.label = (this.axisPlaying === a ? "❚❚ " : "▶ ") + (ax.play_label || ax.name + "s");
    },

    /** What axis a's slider reads, "name: label" ("name: segment  (t = f)" between two positions):
     *  its title and its value through the slider's own formatter (tourlib.viz.slider_labels). */
    axisTitle(a) {
      const ax = this.axes[a], w = this.widgets.axes && this.widgets.axes[a];
      const fmt = w && w.slider && w.slider.format;
      const shown = fmt && typeof fmt.doFormat === "function" ? fmt.doFormat([this.pos[a]], { loc: 0 })[0]
                                                             : String(this.pos[a]);
      return ax.name + ": " + shown;
    },

    /** Slider values (their text follows the value: the Python formatter). */
    syncAxisWidgets() {
      (this.widgets.axes || []).forEach((w, a) => {
        if (!w || !w.slider) return;
        const v = this.pos[a], sl = w.slider;
        if (Math.abs(sl.value - v) > 1e-9) sl.value = v;
      });
      if (tl.ui && tl.ui.syncIndicators) tl.ui.syncIndicators(this);
    },

    /** The innermost axis that interpolates (the one the time slider drives), or the last axis. */
    mainAxis() {
      for (let a = this.axes.length - 1; a >= 0; a--) if (this.axes[a].interpolate) return a;
      return this.axes.length - 1;
    },

    setEpoch(s, fromLoop) {
      s = Number(s);
      if (!isFinite(s) || this.axes.length === 0) return;
      if (this.axes.length === 1) return this.setAxis(0, s, fromLoop);
      const m = this.mainAxis(), sizes = this.axes.map(sizeOf);
      const strides = sizes.map((_, a) => sizes.slice(a + 1).reduce((x, y) => x * y, 1));
      let rest = Math.max(0, s);
      const pos = sizes.map((n, a) => {
        const k = Math.min(n - 1, Math.floor(rest / strides[a]));
        rest -= k * strides[a];
        return k;
      });
      pos[m] = Math.min(sizes[m] - 1, pos[m] + rest / strides[m]);
      pos.forEach((v, a) => this.setAxis(a, v, true));
      if (!fromLoop) {
        this.writeState();
        this.requestFrame();
      }
    },

    toggleTimePlay() { this.playAxis(this.mainAxis()); },
    setLayer(v, fromLoop) { this.setAxis(this.mainAxis(), v, fromLoop); },
    setEpochIndex(e) { this.setAxis(0, e); },
  });

  Object.defineProperties(P, {
    epoch: {
      get() {
        let flat = 0, stride = 1;
        for (let a = this.axes.length - 1; a >= 0; a--) {
          flat += Math.floor(this.pos[a] + 1e-12) * stride;
          stride *= sizeOf(this.axes[a]);
        }
        const m = this.mainAxis(), f = m >= 0 ? this.pos[m] - Math.floor(this.pos[m] + 1e-12) : 0;
        let sm = 1;
        for (let a = this.axes.length - 1; a > m; a--) sm *= sizeOf(this.axes[a]);
        return flat + Math.max(0, f) * sm;
      },
    },
    timePlaying: { get() { return this.axisPlaying >= 0; } },
    epochIndex: { get() { return this.axes.length > 1 ? this.pos[0] : 0; } },
    layerPos: { get() { return this.axes.length > 1 ? this.pos[this.mainAxis()] : 0; } },
  });
})();
