/*
 * JS half of bench_tour_rotation.py: per-frame cost of the block (closed-form) tour vs a
 * product-of-plane-rotations reference, in Node; and of the torus path's screen basis vs the full
 * d×d product of its d(d−1)/2 Givens factors. Prints one JSON object (seconds per frame).
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

/**
 * The article's method: G_b · R_(0,1)(ω_01 τ) R_(0,2)(ω_02 τ) ⋯ R_(d−2,d−1), every factor multiplied into
 * the d×d matrix as a two-column update (O(d) per row), O(d³) per frame. Angles not reduced mod 2π.
 */
function torusGivensProduct(Gb, omegaPlanes, tau, d) {
  const M = Float64Array.from(Gb);
  let k = 0;
  for (let i = 0; i < d - 1; i++) {
    for (let j = i + 1; j < d; j++, k++) {
      const c = Math.cos(omegaPlanes[k] * tau);
      const s = Math.sin(omegaPlanes[k] * tau);
      for (let r = 0; r < d; r++) {
        const x = M[r * d + i];
        const y = M[r * d + j];
        M[r * d + i] = c * x - s * y;
        M[r * d + j] = s * x + c * y;
      }
    }
  }
  return M;
}

/** For comparison: the screen basis with all d(d−1)/2 factors applied to the d×2 matrix (no skipping). */
function torusScreenAllPlanes(Gb, omegaPlanes, tau, d, W, out) {
  W.fill(0);
  W[0] = 1;
  W[3] = 1;
  for (let i = d - 2; i >= 0; i--) {                 // right to left: (d−2, d−1) first, (0, 1) last
    for (let j = d - 1; j > i; j--) {
      const k = i * d - (i * (i + 1)) / 2 + (j - i - 1);
      const phi = (omegaPlanes[k] * tau) % (2 * Math.PI);
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      const a0 = W[2 * i], a1 = W[2 * i + 1], b0 = W[2 * j], b1 = W[2 * j + 1];
      W[2 * i] = c * a0 + s * b0;
      W[2 * i + 1] = c * a1 + s * b1;
      W[2 * j] = -s * a0 + c * b0;
      W[2 * j + 1] = -s * a1 + c * b1;
    }
  }
  for (let r = 0; r < d; r++) {
    let x = 0;
    let y = 0;
    for (let j = 0; j < d; j++) {
      x += Gb[r * d + j] * W[2 * j];
      y += Gb[r * d + j] * W[2 * j + 1];
    }
    out[2 * r] = x;
    out[2 * r + 1] = y;
  }
  return out;
}

const TT = new TE.GrandTour(d, seed, 1.0, 'torus');
const tScreen = timePerCall((r) => { for (let k = 0; k < 200; k++) TT.screenBasisInto(B, (r * 200 + k) * dt); }, 25) / 200;
const W = new Float64Array(2 * d);
const B2 = new Float64Array(2 * d);
const tAll = timePerCall((r) => torusScreenAllPlanes(TT.baseView, TT.omegaPlanes, r * dt, d, W, B2), 9);
const tFull = timePerCall((r) => TT.matrix(r * dt), 5);
const tLoop = timePerCall((r) => torusGivensProduct(TT.baseView, TT.omegaPlanes, r * dt, d), 5);
const Gt = TT.matrix(t);
const Bt = TT.screenBasis(t);
const Lt = torusGivensProduct(TT.baseView, TT.omegaPlanes, t, d);
torusScreenAllPlanes(TT.baseView, TT.omegaPlanes, t, d, W, B2);
let screenDiff = 0;
let loopDiff = 0;
let allDiff = 0;
for (let r = 0; r < d; r++) {
  for (let c = 0; c < 2; c++) {
    screenDiff = Math.max(screenDiff, Math.abs(Bt[2 * r + c] - Gt[r * d + c]));
    allDiff = Math.max(allDiff, Math.abs(B2[2 * r + c] - Bt[2 * r + c]));
  }
}
for (let j = 0; j < d * d; j++) loopDiff = Math.max(loopDiff, Math.abs(Lt[j] - Gt[j]));

process.stdout.write(JSON.stringify({
  screen: screen, matrix: matrix, reference: reference, maxDiff: maxDiff,
  torus: {screen: tScreen, allPlanes: tAll, full: tFull, loop: tLoop, screenDiff: screenDiff, loopDiff: loopDiff,
    allPlanesDiff: allDiff},
}));
