// @module fig_control
// @requires fig_instance fig_axes path_planned
/*
 * Tour control of a figure (methods added to tourlib.fig.TourInstance): play / pause / speed /
 * dots-or-images, a view set from outside, the preset views (reached along the planned path,
 * tourlib.paths 'planned': the eased geodesic from the current view, 0.6 s), reset, and the
 * shared TourState model: writeState() after every settled change (a few times a second while
 * playing), stateChanged(prop) when Python or a widget sets a property.
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  const P = tl.fig.TourInstance.prototype;
  if (P.play) return;
  const PRESET_SECONDS = 0.6;

  Object.assign(P, {
    play() {
      if (this.drag) return;
      this.finishTransition();
      if (this.t >= this.tour.endTime) return;
      this.tour.rebase(this.G, this.t);
      this.playing = true;
      this.lastTs = null;
      this.syncWidgets();
      this.writeState();
      this.requestFrame();
    },

    pause() {
      this.playing = false;
      this.syncWidgets();
      this.writeState();
    },

    togglePlay() {
      if (this.playing) this.pause();
      else this.play();
    },

    setRate(v) {
      v = Number(v);
      if (!isFinite(v) || v < 0 || v === this.rate) return;
      this.rate = v;
      this.syncWidgets();
      this.writeState();
    },

    setMode(m) {
      m = m === "images" ? "images" : "dots";
      if (m === this.mode) return;
      this.mode = m;
      this.syncWidgets();
      this.writeState();
      this.requestFrame();
    },

    /** Show view G (flat d*d, orthogonal) and pause. */
    setMatrix(G) {
      this.pause();
      this.transition = null;
      this.setG(Float64Array.from(G));
      this.tour.rebase(this.G, this.t);
      this.writeState();
      this.requestFrame();
    },

    applyPreset(name) {
      const target = this.cfg.presets[name];
      if (!target) return;
      this.pause();
      const Planned = tl.paths.pathClass("planned");
      this.transition = { path: new Planned(this.G, Float64Array.from(target), PRESET_SECONDS, 0), start: null, name };
      this.requestFrame();
    },

    stepTransition(ts) {
      const tr = this.transition;
      if (tr.start === null) tr.start = ts;
      const u = (ts - tr.start) / 1000;
      if (u >= tr.path.duration) {
        this.finishTransition();
        return;
      }
      this.B = tr.path.screenBasisInto(new Float64Array(2 * this.d), u);   // G stays the start view until the end
      this.version++;
      this.dirty = true;
    },

    finishTransition() {
      const tr = this.transition;
      if (!tr) return;
      this.transition = null;
      this.setG(tr.path.matrix(tr.path.endTime));
      this.tour.rebase(this.G, this.t);
      this.writeState();
    },

    reset() {
      this.transition = null;
      this.tour = tl.paths.GrandTour.fromParams(this.cfg.tour);
      this.t = 0;
      this.setG(this.tour.matrix(0));
      this.hidden.fill(0);
      this.focus = -1;
      this.selection = null;
      this.centroid = null;
      if (this.showPair) this.showPair(null);
      if (this.setAlignment) this.setAlignment(0, true);
      this.axes.forEach((ax, a) => this.setAxis(a, ax.start || 0, true));
      this.setRate(1);
      this.setMode("dots");
      const h = this.cfg.half, p = this.panels[0].plot;
      p.x_range.setv({ start: -h, end: h });
      p.y_range.setv({ start: -h, end: h });
      this.updateFlags();
      if (tl.ui) tl.ui.refreshLegend(this);
      this.syncWidgets();
      this.writeState();
      this.requestFrame();
    },

    viewChanged() {
      this.requestFrame();
    },

    syncWidgets() {
      const w = this.widgets;
      if (w.play) w.play.label = this.playing ? "❚❚ Pause" : "▶ Play";
      if (w.speed && w.speed.value !== this.rate) w.speed.value = this.rate;
      if (w.mode) {
        const a = this.mode === "images" ? 1 : 0;
        if (w.mode.active !== a) w.mode.active = a;
      }
    },

    /** Write the live state into the TourState model (synced to Python in a live kernel). */
    writeState() {
      const s = this.state, props = s.properties || {};
      this.writing = true;
      try {
        const hidden = [];
        this.hidden.forEach((h, c) => h && hidden.push(c));
        const extra = {};
        // properties a page embedded before they existed must not get
        if (props.positions) extra.positions = Array.from(this.pos);
        if (props.alignment && this.alignment) extra.alignment = this.alignment.alpha;
        if (props.pair) extra.pair = this.pairPos ? this.pairPos.map((p) => Math.round(p[this.mainAxis()])) : [];
        if (this.axes.length > 1 && props.layer && props.epoch_index) {
          extra.layer = this.layerPos;
          extra.epoch_index = this.epochIndex;
        }
        s.setv({
          ...extra,
          matrix: Array.from(this.G),
          tour_time: this.t,
          epoch: this.epoch,
          playing: this.playing,
          rate: this.rate,
          mode: this.mode,
          selected_panel: this.selection ? this.selection.panel : -1,
          selected: this.selection ? Array.from(this.selection.indices) : [],
          hidden_classes: hidden,
        });
      } finally {
        this.writing = false;
      }
    },

    /** A TourState property was set from outside (Python, ipywidgets). */
    stateChanged(prop) {
      if (this.writing) return;
      const s = this.state;
      if (prop === "matrix") {
        const m = s.matrix;
        if (m && m.length === this.d * this.d) {
          let same = true;
          for (let j = 0; j < m.length; j++) if (m[j] !== this.G[j]) same = false;
          if (!same) this.setMatrix(m);
        }
      } else if (prop === "playing") {
        if (s.playing !== this.playing) s.playing ? this.play() : this.pause();
      } else if (prop === "rate") {
        this.setRate(s.rate);
      } else if (prop === "epoch") {
        this.setEpoch(s.epoch);
      } else if (prop === "positions") {
        this.setPositions(s.positions);
      } else if (prop === "mode") {
        this.setMode(s.mode);
      } else if (prop === "layer") {
        this.setLayer(s.layer);
      } else if (prop === "epoch_index") {
        this.setEpochIndex(s.epoch_index);
      } else if (prop === "alignment" && this.setAlignment) {
        this.setAlignment(s.alignment);
      } else if (prop === "pair" && this.showPair) {
        this.showPair(s.pair && s.pair.length ? s.pair : null);
      }
    },
  });
})();
