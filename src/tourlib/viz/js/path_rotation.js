// @module path_rotation
// @requires paths
/*
 * The rotation path (twin of src/tourlib/tour/paths/rotation.py): m = ⌊d/2⌋ planes,
 *   G(t) = F · R(φ(t)) · Qᵀ,  F = G_b Q,  φ_k(t) = fmod(ω_k (t − t_b), 2π),  ω = speed·θ,
 *   R_k = [[cos φ, sin φ], [−sin φ, cos φ]];  screen G(t)[:, :2] = F · (R(φ) Qᵀ[:, :2]), O(d²).
 */
(function () {
  'use strict';
  const tl = globalThis.tourlib;
  if (tl.paths.pathClass && tl.paths.names().indexOf('rotation') >= 0) return;
  const L = tl.linalg;

  class RotationPath {
    constructor(d, seed, speed, theta, Q, G0, t0) {
      const m = Math.floor(d / 2);
      this.dim = d;
      this.seed = seed;
      this.speed = L.checkSpeed(speed);
      this.theta = theta;
      this.omega = new Float64Array(m);
      for (let k = 0; k < m; k++) this.omega[k] = speed * theta[k];
      this.Q = Q;
      this._QtE = new Float64Array(d * 2);          // Qᵀ[:, :2]: row j = (Q[0][j], Q[1][j])
      for (let j = 0; j < d; j++) {
        this._QtE[2 * j] = Q[j];
        this._QtE[2 * j + 1] = Q[d + j];
      }
      this._W = new Float64Array(d * 2);
      this._c = new Float64Array(m);
      this._s = new Float64Array(m);
      this.rebase(G0, t0);
    }

    static fromDraws(d, seed, speed, G0, Q, theta) {
      return new RotationPath(d, seed, speed, theta, Q, G0, 0);
    }

    static fromParams(p) {
      ['dim', 'G0', 'Q', 'theta', 'speed'].forEach((key) => {
        if (!(key in p)) throw new RangeError('params is missing the key "' + key + '" (rotation path: dim, G0, Q, theta, speed[, t0, seed]).');
      });
      const d = L.checkDim(p.dim);
      L.checkArray(p.theta, Math.floor(d / 2), 'params.theta', Math.floor(d / 2) + ' plane speeds');
      L.checkView(p.Q, d, 'params.Q');
      L.checkView(p.G0, d, 'params.G0');
      const seed = (p.seed === undefined || p.seed === null) ? null : tl.rng.checkSeed(p.seed);
      const t0 = p.t0 === undefined ? 0 : L.checkReal(p.t0, 't0');
      return new RotationPath(d, seed, L.checkReal(p.speed, 'speed'), Float64Array.from(p.theta),
        Float64Array.from(p.Q), Float64Array.from(p.G0), t0);
    }

    params() {
      return { dim: this.dim, seed: this.seed, speed: this.speed, path: 'rotation', theta: Array.from(this.theta),
        Q: Array.from(this.Q), G0: Array.from(this.baseView), t0: this.baseTime };
    }

    rebase(G, t) {
      this.baseView = Float64Array.from(G);
      this.baseTime = t;
      this._F = L.matmul(this.baseView, this.Q, this.dim, this.dim, this.dim);
      return this;
    }

    angles(t) {
      const tau = L.checkReal(t, 't') - this.baseTime;
      return Float64Array.from(this.omega, (w) => L.planeAngle(w, tau));
    }

    _sincos(t) {
      const tau = t - this.baseTime;
      for (let k = 0; k < this.omega.length; k++) {
        const phi = L.planeAngle(this.omega[k], tau);
        this._c[k] = Math.cos(phi);
        this._s[k] = Math.sin(phi);
      }
    }

    screenBasisInto(out, t) {
      const W = this._W;
      W.set(this._QtE);
      this._sincos(t);
      for (let k = 0; k < this.omega.length; k++) {
        const c = this._c[k], s = this._s[k];
        const a = 4 * k, b = a + 2;     // rows 2k and 2k+1 of the d×2 matrix
        const a0 = W[a], a1 = W[a + 1], b0 = W[b], b1 = W[b + 1];
        W[a] = c * a0 + s * b0;
        W[a + 1] = c * a1 + s * b1;
        W[b] = -s * a0 + c * b0;
        W[b + 1] = -s * a1 + c * b1;
      }
      return L.projectInto(out, this._F, this.dim, this.dim, W);   // out = F · W
    }

    matrix(t) {
      const d = this.dim, Q = this.Q;
      const M = new Float64Array(d * d);          // R(φ) Qᵀ
      for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) M[r * d + j] = Q[j * d + r];
      this._sincos(t);
      for (let k = 0; k < this.omega.length; k++) {
        const c = this._c[k], s = this._s[k], a = 2 * k * d, b = a + d;
        for (let j = 0; j < d; j++) {
          const x = M[a + j], y = M[b + j];
          M[a + j] = c * x + s * y;
          M[b + j] = -s * x + c * y;
        }
      }
      return L.matmul(this._F, M, d, d, d);
    }
  }

  tl.paths.register('rotation', RotationPath);
})();
