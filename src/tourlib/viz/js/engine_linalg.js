// @module engine_linalg
// @requires
/*
 * tourlib.linalg — checks and small dense linear algebra of the tour engine (row-major
 * Float64Arrays; row vectors: the screen shows X @ G[:, :2]). Twins: src/tourlib/tour/orthonormal.py
 * and tour/paths/angles.py.
 *   gramSchmidtRows(M, n, d, first): rows orthonormalised, row `first` first, each projection twice;
 *     dependent rows completed by the standard basis vector with the largest remaining component.
 *   planeAngle(omega, tau) = fmod(ω τ, 2π), or a RangeError when |ω τ| > MAX_ANGLE = 2^50 (the angle
 *     would keep no precision, or overflow to NaN).
 *   projectInto(out, X, n, d, B): out[2k], out[2k+1] = X[k] @ B (the per-frame hot loop).
 */
(function () {
  'use strict';
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.linalg) return;

  const TWO_PI = 2 * Math.PI;
  const DEPENDENT_ROW_TOL = 1e-10;   // relative residual below which a row counts as dependent
  const VIEW_TOL = 1e-6;             // largest ‖GᵀG − I‖_F accepted as an orthogonal view
  const MAX_ANGLE = Math.pow(2, 50); // largest |ω τ| reduced modulo 2π
  const MAX_SPEED = 1e6;             // largest |speed| of a tour (radians per unit time)
  const MAX_DIM = 4096;              // largest tour dimension (checked before allocating)

  function checkDim(dim) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 2) {
      throw new RangeError('dim must be an integer >= 2 (the screen shows two coordinates); got ' + String(dim) + '.');
    }
    if (dim > MAX_DIM) {
      throw new RangeError('dim = ' + dim + ' is above the tour limit of ' + MAX_DIM + ' (its d×d views would need ' +
        (32 * dim * dim / 1e9).toFixed(1) + ' GB); reduce the dimension first.');
    }
    return dim;
  }

  function checkReal(x, name) {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new TypeError(name + ' must be a finite number; got ' + String(x) + '.');
    }
    return x;
  }

  function checkArray(a, len, name, what) {
    if (!a || typeof a.length !== 'number' || a.length !== len) {
      throw new RangeError(name + ' must be ' + what + ' (length ' + len + '); got length ' +
        (a && typeof a.length === 'number' ? a.length : String(a)) + '.');
    }
    for (let k = 0; k < len; k++) {
      if (!Number.isFinite(a[k])) {
        throw new RangeError(name + ' contains NaN or infinite values (index ' + k + '); pass finite numbers.');
      }
    }
  }

  function checkView(G, d, name) {
    checkArray(G, d * d, name, 'a ' + d + '×' + d + ' view flattened row-major');
    const err = orthogonalityError(G, d);
    if (!(err <= VIEW_TOL)) {
      throw new RangeError(name + ' is not orthogonal: ‖GᵀG − I‖_F = ' + err.toPrecision(3) + ' > ' + VIEW_TOL +
        '. Pass a view from matrix/dragAxis/dragCentroid, or re-orthonormalise it with gramSchmidtRows.');
    }
  }

  function checkSpeed(speed) {
    checkReal(speed, 'speed');
    if (Math.abs(speed) > MAX_SPEED) {
      throw new RangeError('speed = ' + speed + ' is beyond ' + MAX_SPEED + ' radians per unit time: frames would be ' +
        'unrelated random views. Use a speed of order 1.');
    }
    return speed;
  }

  /** φ = fmod(ω τ, 2π); a RangeError instead of a NaN view when |ω τ| > MAX_ANGLE. */
  function planeAngle(omega, tau) {
    const a = omega * tau;
    if (!(Math.abs(a) <= MAX_ANGLE)) {
      throw new RangeError('tour time t − t_b = ' + tau + ' times the plane speed exceeds ' + MAX_ANGLE +
        ' rad: the angle would keep no precision (or overflow to NaN). Rebase the tour or use smaller times or speed.');
    }
    return a % TWO_PI;
  }

  /** ‖GᵀG − I‖_F for a d×d row-major G. */
  function orthogonalityError(G, d) {
    let s = 0;
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        let dot = 0;
        for (let r = 0; r < d; r++) dot += G[r * d + a] * G[r * d + b];
        const e = a === b ? dot - 1 : dot;
        s += a === b ? e * e : 2 * e * e;
      }
    }
    return Math.sqrt(s);
  }

  /** v ← v − Σ_l (b_l · v) b_l over the first k rows of B (n×d); h is scratch of length ≥ k. */
  function projectOut(v, B, k, d, h) {
    for (let l = 0; l < k; l++) {
      let dot = 0;
      const o = l * d;
      for (let j = 0; j < d; j++) dot += B[o + j] * v[j];
      h[l] = dot;
    }
    for (let l = 0; l < k; l++) {
      const o = l * d;
      const hl = h[l];
      for (let j = 0; j < d; j++) v[j] -= hl * B[o + j];
    }
  }

  function norm(v) {
    let s = 0;
    for (let j = 0; j < v.length; j++) s += v[j] * v[j];
    return Math.sqrt(s);
  }

  /**
   * Gram–Schmidt of the n rows of M (n×d row-major), row `first` processed first (null: natural
   * order), each projection done twice; dependent rows completed by the standard basis vector with
   * the largest remaining component. Output rows stay in their input positions.
   */
  function gramSchmidtRows(M, n, d, first) {
    if (n > d) throw new RangeError('gramSchmidtRows needs n <= d rows; got n = ' + n + ', d = ' + d + '.');
    checkArray(M, n * d, 'M', 'an ' + n + '×' + d + ' matrix flattened row-major');
    const order = [];
    if (first === null || first === undefined) {
      for (let k = 0; k < n; k++) order.push(k);
    } else {
      if (!Number.isInteger(first) || first < 0 || first >= n) {
        throw new RangeError('first = ' + String(first) + ' is out of range for ' + n + ' rows; use 0 <= first < ' + n + '.');
      }
      order.push(first);
      for (let k = 0; k < n; k++) if (k !== first) order.push(k);
    }
    const B = new Float64Array(n * d);   // rows in processing order
    const v = new Float64Array(d);
    const h = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const src = order[k] * d;
      for (let j = 0; j < d; j++) v[j] = M[src + j];
      const n0 = norm(v);
      projectOut(v, B, k, d, h);
      if (norm(v) <= DEPENDENT_ROW_TOL * n0) {
        let best = -1;
        let bestVal = -Infinity;
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let l = 0; l < k; l++) s += B[l * d + j] * B[l * d + j];
          if (1 - s > bestVal) { bestVal = 1 - s; best = j; }
        }
        v.fill(0);
        v[best] = 1;
        projectOut(v, B, k, d, h);
      }
      projectOut(v, B, k, d, h);
      const nv = norm(v);
      for (let j = 0; j < d; j++) B[k * d + j] = v[j] / nv;
    }
    const out = new Float64Array(n * d);
    for (let k = 0; k < n; k++) out.set(B.subarray(k * d, (k + 1) * d), order[k] * d);
    return out;
  }

  /** C = A (p×q) · B (q×r), all row-major. */
  function matmul(A, B, p, q, r) {
    const C = new Float64Array(p * r);
    for (let i = 0; i < p; i++) {
      const ci = i * r;
      for (let k = 0; k < q; k++) {
        const a = A[i * q + k];
        if (a === 0) continue;
        const bk = k * r;
        for (let j = 0; j < r; j++) C[ci + j] += a * B[bk + j];
      }
    }
    return C;
  }

  /** B = G[:, :2] as a d×2 row-major Float64Array. */
  function basisOf(G, d) {
    const B = new Float64Array(2 * d);
    for (let j = 0; j < d; j++) {
      B[2 * j] = G[j * d];
      B[2 * j + 1] = G[j * d + 1];
    }
    return B;
  }

  /**
   * out[2k], out[2k+1] = X[k] @ B for k < n. out: Float32Array(2n); X: n*d row-major; B: d*2 row-major.
   * The per-frame hot loop: O(n·d), no allocation.
   */
  function projectInto(out, X, n, d, B) {
    if (out.length < 2 * n || X.length < n * d || B.length < 2 * d) {
      throw new RangeError('projectInto: need out.length >= 2n, X.length >= n*d, B.length >= 2d; got ' +
        out.length + ', ' + X.length + ', ' + B.length + ' for n = ' + n + ', d = ' + d + '.');
    }
    for (let k = 0, o = 0; k < n; k++, o += d) {
      let x = 0;
      let y = 0;
      for (let j = 0; j < d; j++) {
        const v = X[o + j];
        x += v * B[2 * j];
        y += v * B[2 * j + 1];
      }
      out[2 * k] = x;
      out[2 * k + 1] = y;
    }
    return out;
  }

  tl.linalg = {
    TWO_PI, VIEW_TOL, MAX_ANGLE, MAX_DIM, checkDim, checkReal, checkArray, checkView, checkSpeed, planeAngle,
    orthogonalityError, gramSchmidtRows, matmul, norm, projectInto, basisOf,
  };
})();
