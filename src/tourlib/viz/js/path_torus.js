// @module path_torus
// @requires paths
/*
 * The torus path, Asimov's torus method (twin of src/tourlib/tour/paths/torus.py and tour/torus.py):
 *   G(t) = G_b · P(φ(t)),  P(φ) = R_(0,1)(φ_01) R_(0,2)(φ_02) ⋯ R_(d−2,d−1)(φ_{d−2,d−1})
 *   (all N = d(d−1)/2 planes i < j, lexicographic, factors left to right; R_(i,j): [i][i] = [j][j] =
 *   cos φ, [i][j] = sin φ, [j][i] = −sin φ), φ_ij = fmod(ω_ij (t − t_b), 2π), ω = speed·θ_planes,
 *   θ_ij = 0.5 + uniform() drawn after the rotation path's θ. Screen: P(φ) E = B_0 B_1 E (the
 *   factors with i ≥ 2 only mix zero rows of E): 2d − 3 two-row updates, then G_b · W, O(d²).
 */
(function () {
  'use strict';
  const tl = globalThis.tourlib;
  if (tl.paths.names().indexOf('torus') >= 0) return;
  const L = tl.linalg;

  class TorusPath {
    constructor(d, seed, speed, thetaPlanes, G0, t0) {
      const n = d * (d - 1) / 2;
      this.dim = d;
      this.seed = seed;
      this.speed = L.checkSpeed(speed);
      this.thetaPlanes = thetaPlanes;
      this.omegaPlanes = new Float64Array(n);
      for (let k = 0; k < n; k++) this.omegaPlanes[k] = speed * thetaPlanes[k];
      this._W = new Float64Array(d * 2);
      this._c = new Float64Array(n);
      this._s = new Float64Array(n);
      this.rebase(G0, t0);
    }

    static fromDraws(d, seed, speed, G0, Q, theta, rng) {
      const th = new Float64Array(d * (d - 1) / 2);
      for (let k = 0; k < th.length; k++) th[k] = 0.5 + rng.uniform();
      return new TorusPath(d, seed, speed, th, G0, 0);
    }

    static fromParams(p) {
      ['dim', 'G0', 'theta_planes', 'speed'].forEach((key) => {
        if (!(key in p)) throw new RangeError('params is missing the key "' + key + '" (torus path: dim, G0, theta_planes, speed[, t0, seed]).');
      });
      const d = L.checkDim(p.dim), n = d * (d - 1) / 2;
      L.checkArray(p.theta_planes, n, 'params.theta_planes', n + ' coordinate-plane speeds');
      L.checkView(p.G0, d, 'params.G0');
      const seed = (p.seed === undefined || p.seed === null) ? null : tl.rng.checkSeed(p.seed);
      const t0 = p.t0 === undefined ? 0 : L.checkReal(p.t0, 't0');
      return new TorusPath(d, seed, L.checkReal(p.speed, 'speed'), Float64Array.from(p.theta_planes),
        Float64Array.from(p.G0), t0);
    }

    params() {
      return { dim: this.dim, seed: this.seed, speed: this.speed, path: 'torus',
        theta_planes: Array.from(this.thetaPlanes), G0: Array.from(this.baseView), t0: this.baseTime };
    }

    rebase(G, t) {
      this.baseView = Float64Array.from(G);
      this.baseTime = t;
      return this;
    }

    angles(t) {
      const tau = L.checkReal(t, 't') - this.baseTime;
      return Float64Array.from(this.omegaPlanes, (w) => L.planeAngle(w, tau));
    }

    _sinCos(t, count) {
      const tau = t - this.baseTime;
      for (let k = 0; k < count; k++) {
        const phi = L.planeAngle(this.omegaPlanes[k], tau);
        this._c[k] = Math.cos(phi);
        this._s[k] = Math.sin(phi);
      }
    }

    /** W (d×2) ← R_(i,j) W: row i ← c·row i + s·row j, row j ← −s·row i + c·row j. */
    _rotateRows(W, i, j, c, s) {
      const a = 2 * i, b = 2 * j;
      const a0 = W[a], a1 = W[a + 1], b0 = W[b], b1 = W[b + 1];
      W[a] = c * a0 + s * b0;
      W[a + 1] = c * a1 + s * b1;
      W[b] = -s * a0 + c * b0;
      W[b + 1] = -s * a1 + c * b1;
    }

    screenBasisInto(out, t) {
      const d = this.dim, W = this._W;
      W.fill(0);
      W[0] = 1;                 // E = [e_0 e_1], row-major d×2
      W[3] = 1;
      this._sinCos(t, 2 * d - 3);
      for (let j = d - 1; j >= 2; j--) {          // B_1: plane (1, j) has index (d − 1) + (j − 2)
        const k = d - 3 + j;
        this._rotateRows(W, 1, j, this._c[k], this._s[k]);
      }
      for (let j = d - 1; j >= 1; j--) this._rotateRows(W, 0, j, this._c[j - 1], this._s[j - 1]);   // B_0
      return L.projectInto(out, this.baseView, d, d, W);
    }

    matrix(t) {
      const d = this.dim;
      this._sinCos(t, d * (d - 1) / 2);
      const M = Float64Array.from(this.baseView);
      let k = 0;
      for (let i = 0; i < d - 1; i++) {
        for (let j = i + 1; j < d; j++, k++) {
          const c = this._c[k], s = this._s[k];
          for (let o = 0; o < d * d; o += d) {
            const x = M[o + i], y = M[o + j];
            M[o + i] = c * x - s * y;
            M[o + j] = s * x + c * y;
          }
        }
      }
      return M;
    }
  }

  tl.paths.register('torus', TorusPath);
})();
