// @module path_planned
// @requires paths
/*
 * The planned path and the geodesic between two frames (twins of src/tourlib/tour/paths/planned.py
 * and geodesic.py; the same closed-form formulas, so the same numbers to rounding).
 * Frames are d×2 row-major with orthonormal columns. geodesicPlan(Fa, Fz, d):
 *   Faᵀ Fz = U S Vᵀ (svd2); if det(U Vᵀ) < 0: V[:,1], S[1] change sign; θ = arccos S;
 *   Ga = Fa U, Gz = Fz V, W_k = (Gz_k − cos θ_k Ga_k)/sin θ_k; Rot(α) = U Vᵀ.
 *   F(s) = (Ga cos sθ + W sin sθ) Uᵀ Rot(sα)  (F(0) = Fa, F(1) = Fz);
 *   full view V(s) = P(s) V_a diag(Rot(sα), I), P(s) turning each Ga_k toward W_k by sθ_k.
 * PlannedPath(start view, target view or frame, duration, t0, ease): u = clip((t − t0)/duration),
 *   s = u²(3 − 2u) ('smooth') or u ('linear'); at u ≥ 1 it rests at the target.
 */
(function () {
  'use strict';
  const tl = globalThis.tourlib;
  if (tl.geodesic) return;
  const L = tl.linalg;
  const FLAT_TOL = 1e-12;

  function svd2(m00, m01, m10, m11) {
    const a = m00 * m00 + m10 * m10, b = m00 * m01 + m10 * m11, c = m01 * m01 + m11 * m11;
    const phi = 0.5 * Math.atan2(2 * b, a - c), cs = Math.cos(phi), sn = Math.sin(phi);
    let u10 = m00 * cs + m01 * sn, u11 = m10 * cs + m11 * sn;
    const n1 = Math.hypot(u10, u11);
    if (n1 > 1e-300) { u10 /= n1; u11 /= n1; } else { u10 = 1; u11 = 0; }
    const v0 = -m00 * sn + m01 * cs, v1 = -m10 * sn + m11 * cs;
    let u20 = -u11, u21 = u10;
    if (u20 * v0 + u21 * v1 < 0) { u20 = -u20; u21 = -u21; }
    return { U: [u10, u20, u11, u21], s: [n1, u20 * v0 + u21 * v1], V: [cs, -sn, sn, cs] };   // 2×2 row-major
  }

  function complete(cols, d) {
    const e = new Float64Array(d);
    let best = 0, bestVal = -Infinity;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (const v of cols) s += v[j] * v[j];
      if (1 - s > bestVal) { bestVal = 1 - s; best = j; }
    }
    e[best] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (const v of cols) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += v[j] * e[j];
        for (let j = 0; j < d; j++) e[j] -= dot * v[j];
      }
    }
    const n = L.norm(e);
    if (!(n > 1e-6)) return null;
    for (let j = 0; j < d; j++) e[j] /= n;
    return e;
  }

  function geodesicPlan(Fa, Fz, d) {
    let m00 = 0, m01 = 0, m10 = 0, m11 = 0;
    for (let j = 0; j < d; j++) {
      m00 += Fa[2 * j] * Fz[2 * j]; m01 += Fa[2 * j] * Fz[2 * j + 1];
      m10 += Fa[2 * j + 1] * Fz[2 * j]; m11 += Fa[2 * j + 1] * Fz[2 * j + 1];
    }
    const { U, s, V } = svd2(m00, m01, m10, m11);
    const detU = U[0] * U[3] - U[1] * U[2], detV = V[0] * V[3] - V[1] * V[2];
    if (detU * detV < 0) { V[1] = -V[1]; V[3] = -V[3]; s[1] = -s[1]; }
    const cosT = s.map((x) => Math.min(1, Math.max(-1, x)));
    const theta = cosT.map(Math.acos);
    const Ga = [new Float64Array(d), new Float64Array(d)], W = [new Float64Array(d), new Float64Array(d)];
    const Gz = [new Float64Array(d), new Float64Array(d)];
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < 2; k++) {
        Ga[k][j] = Fa[2 * j] * U[k] + Fa[2 * j + 1] * U[2 + k];
        Gz[k][j] = Fz[2 * j] * V[k] + Fz[2 * j + 1] * V[2 + k];
      }
    }
    const flip = [];
    for (let k = 0; k < 2; k++) {
      const sn = Math.sin(theta[k]);
      if (sn > FLAT_TOL) for (let j = 0; j < d; j++) W[k][j] = (Gz[k][j] - cosT[k] * Ga[k][j]) / sn;
      else if (cosT[k] < 0) flip.push(k);
    }
    for (const k of flip) {
      const w = complete([Ga[0], Ga[1], W[1 - k]], d);
      if (w === null) theta[k] = 0; else W[k] = w;
    }
    const R00 = U[0] * V[0] + U[1] * V[1], R01 = U[0] * V[2] + U[1] * V[3];   // U Vᵀ
    return { d, Ga, W, theta, U, alpha: Math.atan2(R01, R00), distance: Math.hypot(theta[0], theta[1]) };
  }

  /** out (d×2) ← F(s). */
  function frameAtInto(out, plan, s) {
    const { d, Ga, W, theta, U } = plan;
    const c0 = Math.cos(s * theta[0]), s0 = Math.sin(s * theta[0]), c1 = Math.cos(s * theta[1]), s1 = Math.sin(s * theta[1]);
    const ca = Math.cos(s * plan.alpha), sa = Math.sin(s * plan.alpha);
    // C = Uᵀ Rot(sα), Rot = [[ca, sa], [−sa, ca]]
    const C00 = U[0] * ca - U[2] * sa, C01 = U[0] * sa + U[2] * ca, C10 = U[1] * ca - U[3] * sa, C11 = U[1] * sa + U[3] * ca;
    for (let j = 0; j < d; j++) {
      const g0 = Ga[0][j] * c0 + W[0][j] * s0, g1 = Ga[1][j] * c1 + W[1][j] * s1;
      out[2 * j] = g0 * C00 + g1 * C10;
      out[2 * j + 1] = g0 * C01 + g1 * C11;
    }
    return out;
  }

  /** V(s) = P(s) V_a diag(Rot(sα), I): the full d×d view (row-major) over frameAt. */
  function viewAt(plan, Va, s) {
    const d = plan.d, V = Float64Array.from(Va);
    for (let k = 0; k < 2; k++) {
      const a = plan.Ga[k], w = plan.W[k], c = Math.cos(s * plan.theta[k]) - 1, sn = Math.sin(s * plan.theta[k]);
      const pa = new Float64Array(d), pw = new Float64Array(d);
      for (let r = 0; r < d; r++) for (let j = 0; j < d; j++) { pa[j] += a[r] * V[r * d + j]; pw[j] += w[r] * V[r * d + j]; }
      for (let r = 0; r < d; r++) {
        for (let j = 0; j < d; j++) V[r * d + j] += c * (a[r] * pa[j] + w[r] * pw[j]) + sn * (w[r] * pa[j] - a[r] * pw[j]);
      }
    }
    const ca = Math.cos(s * plan.alpha), sa = Math.sin(s * plan.alpha);
    for (let r = 0; r < d; r++) {
      const x = V[r * d], y = V[r * d + 1];
      V[r * d] = x * ca - y * sa;
      V[r * d + 1] = x * sa + y * ca;
    }
    return V;
  }

  /** A d×2 frame with orthonormal columns (Gram–Schmidt of the two columns), or an error. */
  function orthonormalFrame(F, d) {
    const out = new Float64Array(2 * d);
    let n0 = 0;
    for (let j = 0; j < d; j++) n0 += F[2 * j] * F[2 * j];
    n0 = Math.sqrt(n0);
    let dot = 0;
    for (let j = 0; j < d; j++) { out[2 * j] = F[2 * j] / n0; dot += out[2 * j] * F[2 * j + 1]; }
    let n1 = 0;
    for (let j = 0; j < d; j++) { out[2 * j + 1] = F[2 * j + 1] - dot * out[2 * j]; n1 += out[2 * j + 1] * out[2 * j + 1]; }
    n1 = Math.sqrt(n1);
    if (!(n0 > 0) || !(n1 > 1e-10 * n0)) throw new RangeError('a frame needs two independent columns that span a plane.');
    for (let j = 0; j < d; j++) out[2 * j + 1] /= n1;
    return out;
  }

  const ease = (u, kind) => (kind === 'linear' ? u : u * u * (3 - 2 * u));

  class PlannedPath {
    constructor(start, target, duration, t0, easeKind) {
      const d = Math.round(Math.sqrt(start.length));
      this.dim = d;
      this.seed = null;
      this.speed = 1;
      this.fullTarget = target.length === d * d;
      this.target = this.fullTarget ? Float64Array.from(target) : orthonormalFrame(target, d);
      this.targetFrame = this.fullTarget ? L.basisOf(this.target, d) : this.target;
      this.duration = duration === undefined ? 0.6 : L.checkReal(duration, 'duration');
      if (!(this.duration > 0)) throw new RangeError('duration must be > 0; got ' + duration + '.');
      this.ease = easeKind || 'smooth';
      this.rebase(start, t0 || 0);
    }

    static fromParams(p) {
      return new PlannedPath(Float64Array.from(p.G0), Float64Array.from(p.target), p.duration, p.t0, p.ease);
    }

    params() {
      return { dim: this.dim, path: 'planned', G0: Array.from(this.baseView), target: Array.from(this.target),
        duration: this.duration, t0: this.baseTime, ease: this.ease };
    }

    get endTime() { return this.baseTime + this.duration; }

    rebase(G, t) {
      this.baseView = Float64Array.from(G);
      this.baseTime = t;
      this.plan = geodesicPlan(L.basisOf(this.baseView, this.dim), this.targetFrame, this.dim);
      this.endView = this.fullTarget ? this.target : viewAt(this.plan, this.baseView, 1);
      return this;
    }

    position(t) { return Math.min(1, Math.max(0, (t - this.baseTime) / this.duration)); }

    screenBasisInto(out, t) {
      const u = this.position(t);
      if (u >= 1) { out.set(L.basisOf(this.endView, this.dim)); return out; }
      return frameAtInto(out, this.plan, ease(u, this.ease));
    }

    matrix(t) {
      const u = this.position(t);
      if (u >= 1) return Float64Array.from(this.endView);
      return viewAt(this.plan, this.baseView, ease(u, this.ease));
    }
  }

  tl.geodesic = { svd2, geodesicPlan, frameAtInto, viewAt, orthonormalFrame };
  tl.paths.register('planned', PlannedPath);
})();
