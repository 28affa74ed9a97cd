/*
 * tour_engine.js — the Grand Tour engine of tourlib.tour, in plain ES2017 JavaScript.
 *
 * Works in Node (module.exports) and in the browser (window.TourEngine). No dependencies.
 * Same math, same seeded generator and same construction as the Python package
 * (src/tourlib/tour/*.py, whose module docstrings state the formulas in full): the same seed and
 * inputs give the same matrices in both languages to ~1e-12.
 *
 * Conventions: row vectors; data X is n×d row-major; a view G is an orthogonal d×d matrix stored
 * as a Float64Array of length d*d, row-major; the screen shows X @ G[:, :2].
 *
 * Tour (m = floor(d/2) planes, J = [[0, 1], [-1, 0]], R_k = expm(φ J) = [[cos φ, sin φ], [-sin φ, cos φ]]):
 *   G(t) = F · R(φ(t)) · Qᵀ,  F = G_b Q,  φ_k(t) = fmod(ω_k (t − t_b), 2π),  ω = speed·θ,
 *   screen basis G(t)[:, :2] = F · (R(φ) Qᵀ[:, :2])   — O(d²) per frame.
 *   rebase(G, t): G_b = G, t_b = t, so matrix(t') = G Q R(ω(t' − t)) Qᵀ.
 * Construction from a seed (identical to Python): Mulberry32(seed); d² Box–Muller normals
 * (row-major) → Gram–Schmidt rows → G0; d² more → Q; θ_k = 0.5 + uniform() for k < m.
 *
 * Torus path (path = 'torus', Asimov's torus method; see grand_tour.py and torus.py):
 *   G(t) = G_b · P(φ(t)),  P(φ) = R_(0,1)(φ_01) R_(0,2)(φ_02) ⋯ R_(d−2,d−1)(φ_{d−2,d−1})
 *   (all N = d(d−1)/2 coordinate planes i < j, 0-based, lexicographic order, factors left to right),
 *   R_(i,j)(φ): identity except [i][i] = [j][j] = cos φ, [i][j] = sin φ, [j][i] = −sin φ
 *   (J = [[0, 1], [−1, 0]] in rows/columns i, j), φ_ij = fmod(ω_ij (t − t_b), 2π), ω = speed·θ_planes,
 *   θ_ij = 0.5 + uniform(), N more uniforms drawn after θ (lexicographic order); Q is drawn, unused.
 *   screen basis G(t)[:, :2] = G_b · (P(φ) E): applied right to left, the factors with i ≥ 2 only mix
 *   zero rows of E, so P(φ) E = B_0 B_1 E with B_i = R_(i,i+1) ⋯ R_(i,d−1): 2d − 3 two-row updates of
 *   a d×2 matrix, then one d×d by d×2 product — O(d²). matrix(t): all N factors as two-column
 *   updates of G_b — O(d³). rebase(G, t): G_b = G, t_b = t.
 *
 * API
 *   new TourEngine.GrandTour(dim, seed, speed, path)  seed undefined/null → drawn, kept in T.seed;
 *                                                     path 'rotation' (default) or 'torus'
 *   TourEngine.GrandTour.fromParams(p)   (Python tour.params()): rotation {dim, G0, Q, theta, speed
 *       [, t0, seed, path: 'rotation']} — no path key means 'rotation'; torus {dim, G0, theta_planes,
 *       speed, path: 'torus'[, t0, seed]}
 *   T.dim, T.seed, T.speed, T.path, T.baseView, T.baseTime
 *   rotation: T.theta, T.omega, T.Q   (null for torus)
 *   torus:    T.thetaPlanes, T.omegaPlanes (Float64Array N, lexicographic)   (null for rotation)
 *   T.angles(t) → Float64Array m (rotation) or N (torus)
 *   T.matrix(t) → Float64Array d*d        T.screenBasis(t) → Float64Array d*2 (= G(t)[:, :2])
 *   T.screenBasisInto(out, t) → out       (no allocation)
 *   T.rebase(G, t) → T                    T.params() → plain object (same keys as Python)
 *   TourEngine.PATHS = ['rotation', 'torus']
 *   TourEngine.dragAxis(G, d, i, dx, dy) → new Float64Array d*d
 *   TourEngine.dragCentroid(G, d, c, dx, dy) → new Float64Array d*d
 *   TourEngine.centroidLanding(y, dx, dy) → Float64Array d
 *   TourEngine.orthogonalityError(G, d) → ‖GᵀG − I‖_F
 *   TourEngine.gramSchmidtRows(M, n, d, first) → Float64Array n*d
 *   TourEngine.projectInto(out, X, n, d, B): out[2k], out[2k+1] = X[k] @ B   (hot loop, no allocation)
 *   TourEngine.Mulberry32(seed): .nextUint32(), .uniform(), .normals(n)
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module.exports) {
    module.exports = factory();
  } else {
    root.TourEngine = factory();
  }
}(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const TWO_PI = 2 * Math.PI;
  const WEYL = 0x6D2B79F5;
  const TWO_POW_26 = 67108864;
  const TWO_POW_53 = 9007199254740992;
  const DEPENDENT_ROW_TOL = 1e-10;   // relative residual below which a row counts as dependent
  const VIEW_TOL = 1e-6;             // largest ‖GᵀG − I‖_F accepted as an orthogonal view
  const COLLAPSED_ROW_TOL = 1e-12;   // dragged axis row shorter than this: drag ignored
  const OFF_SCREEN_TOL = 1e-12;      // off-screen part (relative to |cG|) treated as zero
  const PATHS = ['rotation', 'torus'];

  // ------------------------------------------------------------------ checks
  function checkSeed(seed) {
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
      throw new RangeError('seed must be an integer in [0, 2**32); got ' + String(seed) +
        '. Pass e.g. 0, or leave it undefined to draw one.');
    }
    return seed;
  }

  function checkDim(dim) {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 2) {
      throw new RangeError('dim must be an integer >= 2 (the screen shows two coordinates); got ' + String(dim) + '.');
    }
    return dim;
  }

  function checkPath(path) {
    if (typeof path !== 'string' || PATHS.indexOf(path) < 0) {
      throw new RangeError("path must be 'rotation' or 'torus'; got " + String(path) + '.');
    }
    return path;
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

  // -------------------------------------------------------------- generator
  /** mulberry32: uint32 outputs, 53-bit uniforms in [0, 1), Box–Muller normals in pairs. */
  class Mulberry32 {
    constructor(seed) {
      this.seed = checkSeed(seed);
      this.state = this.seed | 0;
    }

    nextUint32() {
      this.state = (this.state + WEYL) | 0;
      const a = this.state;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t = t ^ (t + Math.imul(t ^ (t >>> 7), t | 61));
      return (t ^ (t >>> 14)) >>> 0;
    }

    uniform() {
      const hi = this.nextUint32() >>> 5;
      const lo = this.nextUint32() >>> 6;
      return (hi * TWO_POW_26 + lo) / TWO_POW_53;
    }

    normals(n) {
      const out = new Float64Array(n);
      for (let k = 0; k < n; k += 2) {
        const u1 = this.uniform();
        const u2 = this.uniform();
        const r = Math.sqrt(-2 * Math.log(1 - u1));
        const ang = 2 * Math.PI * u2;
        out[k] = r * Math.cos(ang);
        if (k + 1 < n) out[k + 1] = r * Math.sin(ang);
      }
      return out;
    }
  }

  function drawSeed() {
    return Math.floor(Math.random() * 4294967296);
  }

  // ---------------------------------------------------------- linear algebra
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

  // --------------------------------------------------------------- the tour
  class GrandTour {
    /** A Grand Tour in `dim` dimensions (see the header and tourlib/tour/grand_tour.py). */
    constructor(dim, seed, speed, path) {
      const d = checkDim(dim);
      const pa = (path === undefined || path === null) ? 'rotation' : checkPath(path);
      const s = (seed === undefined || seed === null) ? drawSeed() : checkSeed(seed);
      const sp = speed === undefined ? 1.0 : checkReal(speed, 'speed');
      const rng = new Mulberry32(s);
      const G0 = gramSchmidtRows(rng.normals(d * d), d, d, null);
      const Q = gramSchmidtRows(rng.normals(d * d), d, d, null);
      const theta = new Float64Array(Math.floor(d / 2));
      for (let k = 0; k < theta.length; k++) theta[k] = 0.5 + rng.uniform();
      if (pa === 'rotation') {
        this._setup(d, s, sp, theta, Q, G0, 0);
      } else {                                       // the next N draws; Q and theta are not used
        const thetaPlanes = new Float64Array(d * (d - 1) / 2);
        for (let k = 0; k < thetaPlanes.length; k++) thetaPlanes[k] = 0.5 + rng.uniform();
        this._setupTorus(d, s, sp, thetaPlanes, G0, 0);
      }
    }

    /**
     * Build from Python's tour.params(), matrices flat row-major: {dim, G0, Q, theta, speed[, t0, seed,
     * path: 'rotation']} (no path: rotation) or {dim, G0, theta_planes, speed, path: 'torus'[, t0, seed]}.
     */
    static fromParams(p) {
      if (!p || typeof p !== 'object') throw new TypeError('fromParams needs the object returned by tour.params().');
      const path = (p.path === undefined || p.path === null) ? 'rotation' : checkPath(p.path);
      const keys = path === 'rotation' ? ['dim', 'G0', 'Q', 'theta', 'speed'] : ['dim', 'G0', 'theta_planes', 'speed'];
      keys.forEach(function (key) {
        if (!(key in p)) {
          throw new RangeError('params is missing the key "' + key + '" (expected, for path ' + path + ': ' +
            keys.join(', ') + '[, t0, seed]).');
        }
      });
      const d = checkDim(p.dim);
      if (path === 'rotation') {
        checkArray(p.theta, Math.floor(d / 2), 'params.theta', Math.floor(d / 2) + ' plane speeds');
        checkView(p.Q, d, 'params.Q');
      } else {
        const n = d * (d - 1) / 2;
        checkArray(p.theta_planes, n, 'params.theta_planes', n + ' coordinate-plane speeds');
      }
      checkView(p.G0, d, 'params.G0');
      const T = Object.create(GrandTour.prototype);
      const seed = (p.seed === undefined || p.seed === null) ? null : checkSeed(p.seed);
      const t0 = p.t0 === undefined ? 0 : checkReal(p.t0, 't0');
      if (path === 'rotation') {
        T._setup(d, seed, checkReal(p.speed, 'speed'), Float64Array.from(p.theta),
          Float64Array.from(p.Q), Float64Array.from(p.G0), t0);
      } else {
        T._setupTorus(d, seed, checkReal(p.speed, 'speed'), Float64Array.from(p.theta_planes),
          Float64Array.from(p.G0), t0);
      }
      return T;
    }

    _setupTorus(d, seed, speed, thetaPlanes, G0, t0) {
      const n = d * (d - 1) / 2;
      this.dim = d;
      this.seed = seed;
      this.speed = speed;
      this.path = 'torus';
      this.theta = null;
      this.omega = null;
      this.Q = null;
      this.thetaPlanes = thetaPlanes;
      this.omegaPlanes = new Float64Array(n);
      for (let k = 0; k < n; k++) this.omegaPlanes[k] = speed * thetaPlanes[k];
      this._W = new Float64Array(d * 2);            // scratch: P(φ) E
      this._c = new Float64Array(n);
      this._s = new Float64Array(n);
      this._setBase(G0, t0);
    }

    _setup(d, seed, speed, theta, Q, G0, t0) {
      const m = Math.floor(d / 2);
      this.dim = d;
      this.seed = seed;
      this.speed = speed;
      this.path = 'rotation';
      this.thetaPlanes = null;
      this.omegaPlanes = null;
      this.theta = theta;
      this.omega = new Float64Array(m);
      for (let k = 0; k < m; k++) this.omega[k] = speed * theta[k];
      this.Q = Q;
      this._QtE = new Float64Array(d * 2);          // Qᵀ[:, :2]: row j = (Q[0][j], Q[1][j])
      for (let j = 0; j < d; j++) {
        this._QtE[2 * j] = Q[j];
        this._QtE[2 * j + 1] = Q[d + j];
      }
      this._W = new Float64Array(d * 2);            // scratch: R(φ) Qᵀ[:, :2]
      this._c = new Float64Array(m);
      this._s = new Float64Array(m);
      this._setBase(G0, t0);
    }

    _setBase(G, t) {
      this.baseView = Float64Array.from(G);
      this.baseTime = t;
      this._F = this.path === 'torus' ? this.baseView : matmul(this.baseView, this.Q, this.dim, this.dim, this.dim);
    }

    /** φ_k(t) = fmod(ω_k (t − t_b), 2π); torus path: all N plane angles, lexicographic. */
    angles(t) {
      checkReal(t, 't');
      const tau = t - this.baseTime;
      const omega = this.path === 'torus' ? this.omegaPlanes : this.omega;
      const phi = new Float64Array(omega.length);
      for (let k = 0; k < phi.length; k++) phi[k] = (omega[k] * tau) % TWO_PI;
      return phi;
    }

    /** Torus path: cosines and sines of the first `count` plane angles into this._c, this._s. */
    _torusSinCos(t, count) {
      checkReal(t, 't');
      const tau = t - this.baseTime;
      for (let k = 0; k < count; k++) {
        const phi = (this.omegaPlanes[k] * tau) % TWO_PI;
        this._c[k] = Math.cos(phi);
        this._s[k] = Math.sin(phi);
      }
    }

    /** Torus path: out ← G_b (B_0 B_1 E), 2d − 3 two-row updates of a d×2 matrix, then O(d²). */
    _torusScreenBasisInto(out, t) {
      const d = this.dim;
      const W = this._W;
      W.fill(0);
      W[0] = 1;                 // E = [e_0 e_1], row-major d×2
      W[3] = 1;
      this._torusSinCos(t, 2 * d - 3);
      // B_1 = R_(1,2) ⋯ R_(1,d−1), applied right to left; plane (1, j) has index (d − 1) + (j − 2).
      for (let j = d - 1; j >= 2; j--) {
        const k = d - 3 + j;
        this._rotateRows(W, 1, j, this._c[k], this._s[k]);
      }
      // B_0 = R_(0,1) ⋯ R_(0,d−1); plane (0, j) has index j − 1.
      for (let j = d - 1; j >= 1; j--) this._rotateRows(W, 0, j, this._c[j - 1], this._s[j - 1]);
      return projectInto(out, this._F, d, d, W);   // out = F · W (rows of F projected on W)
    }

    /** W (d×2) ← R_(i,j) W: row i ← c·row i + s·row j, row j ← −s·row i + c·row j. */
    _rotateRows(W, i, j, c, s) {
      const a = 2 * i;
      const b = 2 * j;
      const a0 = W[a], a1 = W[a + 1], b0 = W[b], b1 = W[b + 1];
      W[a] = c * a0 + s * b0;
      W[a + 1] = c * a1 + s * b1;
      W[b] = -s * a0 + c * b0;
      W[b + 1] = -s * a1 + c * b1;
    }

    /** Torus path: G_b · P(φ), all N factors (lexicographic, left to right) as two-column updates; O(d³). */
    _torusMatrix(t) {
      const d = this.dim;
      const n = d * (d - 1) / 2;
      this._torusSinCos(t, n);
      const M = Float64Array.from(this.baseView);
      let k = 0;
      for (let i = 0; i < d - 1; i++) {
        for (let j = i + 1; j < d; j++, k++) {
          const c = this._c[k];
          const s = this._s[k];
          for (let r = 0, o = 0; r < d; r++, o += d) {
            const x = M[o + i];
            const y = M[o + j];
            M[o + i] = c * x - s * y;
            M[o + j] = s * x + c * y;
          }
        }
      }
      return M;
    }

    _sincos(t) {
      checkReal(t, 't');
      const tau = t - this.baseTime;
      for (let k = 0; k < this.omega.length; k++) {
        const phi = (this.omega[k] * tau) % TWO_PI;
        this._c[k] = Math.cos(phi);
        this._s[k] = Math.sin(phi);
      }
    }

    /** out (Float64Array d*2) ← G(t)[:, :2] = F (R(φ) Qᵀ[:, :2]); O(d²), no allocation. */
    screenBasisInto(out, t) {
      const d = this.dim;
      if (!out || out.length < 2 * d) throw new RangeError('screenBasisInto: out must hold 2·dim = ' + 2 * d + ' numbers.');
      if (this.path === 'torus') return this._torusScreenBasisInto(out, t);
      const W = this._W;
      W.set(this._QtE);
      this._sincos(t);
      for (let k = 0; k < this.omega.length; k++) {
        const c = this._c[k];
        const s = this._s[k];
        const a = 4 * k;        // row 2k starts at 2·(2k)
        const b = a + 2;        // row 2k+1
        const a0 = W[a], a1 = W[a + 1], b0 = W[b], b1 = W[b + 1];
        W[a] = c * a0 + s * b0;
        W[a + 1] = c * a1 + s * b1;
        W[b] = -s * a0 + c * b0;
        W[b + 1] = -s * a1 + c * b1;
      }
      return projectInto(out, this._F, d, d, W);   // out = F · W (rows of F projected on W)
    }

    /** G(t)[:, :2] as a new Float64Array d*2 (row-major). */
    screenBasis(t) {
      return this.screenBasisInto(new Float64Array(this.dim * 2), t);
    }

    /** The full view G(t) = F R(φ) Qᵀ (torus: G_b P(φ)), Float64Array d*d row-major; O(d³). */
    matrix(t) {
      if (this.path === 'torus') return this._torusMatrix(t);
      const d = this.dim;
      const Q = this.Q;
      const M = new Float64Array(d * d);          // R(φ) Qᵀ
      for (let r = 0; r < d; r++) {
        for (let j = 0; j < d; j++) M[r * d + j] = Q[j * d + r];
      }
      this._sincos(t);
      for (let k = 0; k < this.omega.length; k++) {
        const c = this._c[k];
        const s = this._s[k];
        const a = 2 * k * d;
        const b = a + d;
        for (let j = 0; j < d; j++) {
          const x = M[a + j];
          const y = M[b + j];
          M[a + j] = c * x + s * y;
          M[b + j] = -s * x + c * y;
        }
      }
      return matmul(this._F, M, d, d, d);
    }

    /**
     * Continue from view G (orthogonal, Float64Array d*d) at time t: matrix(t') = G Q R(ω(t' − t)) Qᵀ
     * (torus path: G P(ω(t' − t))).
     */
    rebase(G, t) {
      checkView(G, this.dim, 'G');
      this._setBase(G, checkReal(t, 't'));
      return this;
    }

    /** Plain parameters with the keys of Python's tour.params(). */
    params() {
      const p = {dim: this.dim, seed: this.seed, speed: this.speed, path: this.path};
      if (this.path === 'torus') {
        p.theta_planes = Array.from(this.thetaPlanes);
      } else {
        p.theta = Array.from(this.theta);
        p.Q = Array.from(this.Q);
      }
      p.G0 = Array.from(this.baseView);
      p.t0 = this.baseTime;
      return p;
    }
  }

  // ------------------------------------------------------------ manipulation
  function checkIndex(i, d) {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= d) {
      throw new RangeError('axis index i = ' + String(i) + ' is out of range for d = ' + d + '; use 0 <= i < ' + d + '.');
    }
  }

  /** Axis mode: row i += (dx, dy, 0, …), then Gram–Schmidt with row i first. */
  function dragAxis(G, d, i, dx, dy) {
    checkView(G, d, 'G');
    checkIndex(i, d);
    checkReal(dx, 'dx');
    checkReal(dy, 'dy');
    const M = Float64Array.from(G);
    M[i * d] += dx;
    M[i * d + 1] += dy;
    if (norm(M.subarray(i * d, (i + 1) * d)) <= COLLAPSED_ROW_TOL) return Float64Array.from(G);
    return gramSchmidtRows(M, d, d, i);
  }

  /** Where drag_centroid moves the view coordinates y = cG for a screen drag (dx, dy). */
  function centroidLanding(y, dx, dy) {
    const d = y.length;
    const r = norm(y);
    const T0 = y[0] + dx;
    const T1 = y[1] + dy;
    const nT = Math.sqrt(T0 * T0 + T1 * T1);
    const out = new Float64Array(d);
    if (nT >= r || d === 2) {
      if (nT > OFF_SCREEN_TOL * r) {
        out[0] = T0 * (r / nT);
        out[1] = T1 * (r / nT);
      } else {
        out[0] = y[0];
        out[1] = y[1];
      }
      return out;
    }
    out[0] = T0;
    out[1] = T1;
    let nz = 0;
    for (let j = 2; j < d; j++) nz += y[j] * y[j];
    nz = Math.sqrt(nz);
    const lam = Math.sqrt(Math.max(r * r - nT * nT, 0));
    if (nz > OFF_SCREEN_TOL * r) {
      for (let j = 2; j < d; j++) out[j] = y[j] * (lam / nz);
    } else {
      out[2] = lam;
    }
    return out;
  }

  /** Data mode: turn the view in the single plane taking cG to its landing point (see manipulate.py). */
  function dragCentroid(G, d, c, dx, dy) {
    checkView(G, d, 'G');
    checkArray(c, d, 'c', 'a point in the ' + d + '-dimensional data space');
    checkReal(dx, 'dx');
    checkReal(dy, 'dy');
    const y = new Float64Array(d);
    for (let r = 0; r < d; r++) {
      const cr = c[r];
      for (let j = 0; j < d; j++) y[j] += cr * G[r * d + j];
    }
    const rad = norm(y);
    if (rad === 0 || (dx === 0 && dy === 0)) return Float64Array.from(G);
    const u = new Float64Array(d);
    for (let j = 0; j < d; j++) u[j] = y[j] / rad;
    const uNew = centroidLanding(y, dx, dy);
    for (let j = 0; j < d; j++) uNew[j] /= rad;
    let cosPhi = 0;
    for (let j = 0; j < d; j++) cosPhi += u[j] * uNew[j];
    cosPhi = Math.min(1, Math.max(-1, cosPhi));
    const w = new Float64Array(d);
    for (let j = 0; j < d; j++) w[j] = uNew[j] - cosPhi * u[j];
    let sinPhi = norm(w);
    if (sinPhi <= 1e-15) {
      if (cosPhi > 0) return Float64Array.from(G);
      w.fill(0);
      w[0] = -u[1];
      w[1] = u[0];
      const nw = norm(w);
      w[0] /= nw;
      w[1] /= nw;
      cosPhi = -1;
      sinPhi = 0;
    } else {
      for (let j = 0; j < d; j++) w[j] /= sinPhi;
    }
    const du = new Float64Array(d);   // u_rot − u
    const dw = new Float64Array(d);   // w_rot − w
    for (let j = 0; j < d; j++) {
      du[j] = (cosPhi * u[j] + sinPhi * w[j]) - u[j];
      dw[j] = (-sinPhi * u[j] + cosPhi * w[j]) - w[j];
    }
    const out = new Float64Array(d * d);
    for (let r = 0; r < d; r++) {
      const o = r * d;
      let gu = 0;
      let gw = 0;
      for (let j = 0; j < d; j++) {
        gu += G[o + j] * u[j];
        gw += G[o + j] * w[j];
      }
      for (let j = 0; j < d; j++) out[o + j] = G[o + j] + gu * du[j] + gw * dw[j];
    }
    return gramSchmidtRows(out, d, d, null);
  }

  // ---------------------------------------------------------------- display
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

  return {
    PATHS: PATHS.slice(),
    GrandTour: GrandTour,
    Mulberry32: Mulberry32,
    dragAxis: dragAxis,
    dragCentroid: dragCentroid,
    centroidLanding: centroidLanding,
    orthogonalityError: orthogonalityError,
    gramSchmidtRows: gramSchmidtRows,
    projectInto: projectInto,
  };
}));
