/*
 * JS half of bench_tour_rotation.py: per-frame cost of the block (closed-form) tour vs a
 * product-of-plane-rotations reference, in Node. Prints one JSON object (seconds per frame).
 *
 * usage: node bench_tour_rotation.js <tour_engine.js> <dim> <seed>
 */
'use strict';
const TE = require(process.argv[2]);
const d = parseInt(process.argv[3], 10);
const seed = parseInt(process.argv[4], 10);

/** Reference: G_b · P_1(ω_1 τ) ⋯ P_m(ω_m τ), each plane rotation a rank-2 update of the d×d matrix. */
function planeRotationProduct(Gb, Q, omega, tau, d) {
  const M = Float64Array.from(Gb);
  const Mu = new Float64Array(d);
  const Mv = new Float64Array(d);
  const u = new Float64Array(d);
  const v = new Float64Array(d);
  for (let k = 0; k < omega.length; k++) {
    for (let j = 0; j < d; j++) { u[j] = Q[j * d + 2 * k]; v[j] = Q[j * d + 2 * k + 1]; }
    const c = Math.cos(omega[k] * tau);
    const s = Math.sin(omega[k] * tau);
    for (let r = 0; r < d; r++) {
      let a = 0;
      let b = 0;
      const o = r * d;
      for (let j = 0; j < d; j++) { a += M[o + j] * u[j]; b += M[o + j] * v[j]; }
      Mu[r] = a;
      Mv[r] = b;
    }
    for (let r = 0; r < d; r++) {
      const x = (c - 1) * Mu[r] - s * Mv[r];
      const y = s * Mu[r] + (c - 1) * Mv[r];
      const o = r * d;
      for (let j = 0; j < d; j++) M[o + j] += x * u[j] + y * v[j];
    }
  }
  return M;
}

/** Median seconds per call of f over `reps` timed calls (after one warm-up call). */
function timePerCall(f, reps) {
  f(0);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    f(r + 1);
    times.push(Number(process.hrtime.bigint() - t0) * 1e-9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const T = new TE.GrandTour(d, seed, 1.0);
const B = new Float64Array(2 * d);
const dt = 1 / 60;
// screen basis: time batches of 200 frames to get above the timer resolution
const screen = timePerCall((r) => { for (let k = 0; k < 200; k++) T.screenBasisInto(B, (r * 200 + k) * dt); }, 25) / 200;
const matrix = timePerCall((r) => T.matrix(r * dt), 7);
const reference = timePerCall((r) => planeRotationProduct(T.baseView, T.Q, T.omega, r * dt, d), 5);

// correctness of the comparison: the reference equals the engine's matrix
const t = 12.34;
const Mref = planeRotationProduct(T.baseView, T.Q, T.omega, t, d);
const Meng = T.matrix(t);
let maxDiff = 0;
for (let j = 0; j < d * d; j++) maxDiff = Math.max(maxDiff, Math.abs(Mref[j] - Meng[j]));

process.stdout.write(JSON.stringify({screen: screen, matrix: matrix, reference: reference, maxDiff: maxDiff}));
