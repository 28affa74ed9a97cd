// @module polytope_tour
// @requires paths path_rotation path_torus
/*
 * polytope_tour.js — a Grand Tour of a small wire-frame object (vertices and edges) in a Bokeh figure.
 *
 * For a handful of points the simplest drawing is the right one: every frame the vertices are
 * projected with the tour's screen basis (row vectors: screen = V @ G(t)[:, :2]) and the Bokeh
 * sources of the segments, vertices and axis lines are replaced. Uses tourlib.paths and tourlib.linalg.
 *
 *   tourlib.TourPolytope.attach({key, params, vertices, dim, edges, seg, pts, axes, play, speed, time})
 *     params   : Python GrandTour.params() (same tour as in Python)
 *     vertices : flat row-major n×dim array;  edges: flat m×2 index array
 *     seg, pts, axes : ColumnDataSources for segments (x0,y0,x1,y1), vertices (x,y), axes (x0..y1, label)
 *     play : Toggle;  speed : Slider (multiplier);  time : Div showing t (optional)
 *   tourlib.TourPolytope.instances[key] → {tour, t, playing, basis()} (read by tests)
 */
(function (root) {
  'use strict';
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.TourPolytope) return;
  const instances = {};

  function attach(a) {
    if (instances[a.key]) return instances[a.key];
    const d = a.dim;
    const V = Float64Array.from(a.vertices);
    const n = V.length / d;
    const E = Int32Array.from(a.edges);
    const tour = tl.paths.GrandTour.fromParams(a.params);
    const state = { tour, t: 0, playing: a.play.active, last: null };
    const xy = new Float32Array(2 * n);
    const Vf = Float32Array.from(V);

    function draw() {
      const B = tour.screenBasis(state.t);
      tl.linalg.projectInto(xy, Vf, n, d, B);
      const x0 = [], y0 = [], x1 = [], y1 = [];
      for (let k = 0; k < E.length; k += 2) {
        x0.push(xy[2 * E[k]]); y0.push(xy[2 * E[k] + 1]);
        x1.push(xy[2 * E[k + 1]]); y1.push(xy[2 * E[k + 1] + 1]);
      }
      a.seg.data = { x0, y0, x1, y1 };
      const px = [], py = [];
      for (let i = 0; i < n; i++) { px.push(xy[2 * i]); py.push(xy[2 * i + 1]); }
      a.pts.data = { x: px, y: py };
      const ax = { x0: [], y0: [], x1: [], y1: [], label: a.axes.data.label };
      for (let i = 0; i < d; i++) {
        ax.x0.push(0); ax.y0.push(0); ax.x1.push(B[2 * i]); ax.y1.push(B[2 * i + 1]);
      }
      a.axes.data = ax;
      if (a.time) a.time.text = 't = ' + state.t.toFixed(1) + ' s';
    }

    function frame(now) {
      if (state.last !== null && state.playing) state.t += ((now - state.last) / 1000) * a.speed.value;
      state.last = now;
      if (state.playing) draw();
      root.requestAnimationFrame(frame);
    }

    state.setPlaying = (on) => { state.playing = on; a.play.label = on ? '❚❚ Pause' : '► Play'; };
    state.basis = () => tour.screenBasis(state.t);
    instances[a.key] = state;
    draw();
    root.requestAnimationFrame(frame);
    return state;
  }

  function toggle(key, on) {
    const s = instances[key];
    if (s) s.setPlaying(on);
  }

  tl.TourPolytope = { attach, toggle, instances };
}(typeof self !== 'undefined' ? self : this));
