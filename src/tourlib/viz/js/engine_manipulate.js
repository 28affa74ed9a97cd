// @module engine_manipulate
// @requires engine_linalg
/*
 * tourlib.manipulate — direct manipulation of a view (twin of src/tourlib/tour/manipulate.py).
 *   dragAxis(G, d, i, dx, dy): row i += (dx, dy, 0, …), then Gram–Schmidt with row i first.
 *   dragCentroid(G, d, c, dx, dy): turn the view in the single plane taking cG to its landing point
 *     (under the cursor when reachable, else the nearest rim point).
 *   groupCentroid(X, n, d, indices): the centroid of a named group of points (its handle's anchor);
 *     dragging a group handle is dragCentroid of that centroid.
 * Huge inputs (a drag of 1e308, a centroid of 1e200) are rescaled, never silently ignored; d = 1
 * views are refused with a clear error.
 */
(function () {
  'use strict';
  const tl = globalThis.tourlib;
  if (tl.manipulate) return;
  const { checkView, checkArray, checkReal, gramSchmidtRows, norm } = tl.linalg;
  const COLLAPSED_ROW_TOL = 1e-12;   // dragged axis row shorter than this: drag ignored
  const OFF_SCREEN_TOL = 1e-12;      // off-screen part (relative to |cG|) treated as zero

  function checkDragView(G, d) {
    if (!(d >= 2)) {
      throw new RangeError('a drag needs a view of dimension d >= 2 (the screen shows two coordinates); got d = ' + d +
        '. Pad 1-D data with a zero column.');
    }
    checkView(G, d, 'G');
  }

  function checkIndex(i, d) {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= d) {
      throw new RangeError('axis index i = ' + String(i) + ' is out of range for d = ' + d + '; use 0 <= i < ' + d + '.');
    }
  }

  /** Axis mode: row i += (dx, dy, 0, …), then Gram–Schmidt with row i first. */
  function dragAxis(G, d, i, dx, dy) {
    checkDragView(G, d);
    checkIndex(i, d);
    checkReal(dx, 'dx');
    checkReal(dy, 'dy');
    const M = Float64Array.from(G);
    M[i * d] += dx;
    M[i * d + 1] += dy;
    let top = 0;
    for (let j = 0; j < d; j++) top = Math.max(top, Math.abs(M[i * d + j]));
    if (!Number.isFinite(top)) {          // e.g. 1e308 + 1e308: the row points along the drag
      const k = Math.max(Math.abs(dx), Math.abs(dy));
      for (let j = 0; j < d; j++) M[i * d + j] = 0;
      M[i * d] = dx / k;
      M[i * d + 1] = dy / k;
      top = 1;
    }
    if (top <= COLLAPSED_ROW_TOL) return Float64Array.from(G);
    for (let j = 0; j < d; j++) M[i * d + j] /= top;   // scaling row i changes nothing, keeps huge drags finite
    if (norm(M.subarray(i * d, (i + 1) * d)) * top <= COLLAPSED_ROW_TOL) return Float64Array.from(G);
    return gramSchmidtRows(M, d, d, i);
  }

  /** Where drag_centroid moves the view coordinates y = cG for a screen drag (dx, dy). */
  function centroidLanding(y, dx, dy) {
    const d = y.length;
    let k = Math.max(Math.abs(dx), Math.abs(dy));
    for (let j = 0; j < d; j++) k = Math.max(k, Math.abs(y[j]));
    if (k > 1e150 || (k > 0 && k < 1e-150)) {        // the landing scales with (y, δ): no overflow
      const out = centroidLanding(Float64Array.from(y, (v) => v / k), dx / k, dy / k);
      for (let j = 0; j < d; j++) out[j] *= k;
      return out;
    }
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
    checkDragView(G, d);
    checkArray(c, d, 'c', 'a point in the ' + d + '-dimensional data space');
    checkReal(dx, 'dx');
    checkReal(dy, 'dy');
    // in units of max|c| (c = 1e200); a drag far beyond reach (1e308) goes to the rim toward the cursor
    let kc = 0;
    for (let j = 0; j < d; j++) kc = Math.max(kc, Math.abs(c[j]));
    const kd = Math.max(Math.abs(dx), Math.abs(dy));
    if (kc === 0 || kd === 0) return Float64Array.from(G);
    const y = new Float64Array(d);
    for (let r = 0; r < d; r++) {
      const cr = c[r] / kc;
      for (let j = 0; j < d; j++) y[j] += cr * G[r * d + j];
    }
    const rad = norm(y);
    if (rad === 0) return Float64Array.from(G);
    const u = new Float64Array(d);
    for (let j = 0; j < d; j++) u[j] = y[j] / rad;
    let uNew;
    if (kd / kc > 1e150) {
      uNew = new Float64Array(d);
      const ex = dx / kd, ey = dy / kd, ne = Math.hypot(ex, ey);
      uNew[0] = rad * ex / ne;
      uNew[1] = rad * ey / ne;
    } else {
      uNew = centroidLanding(y, dx / kc, dy / kc);
    }
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

  function groupCentroid(X, n, d, indices) {
    if (!indices || indices.length === 0) throw new RangeError('a group needs at least one point index.');
    const c = new Float64Array(d);
    for (const i of indices) {
      if (!(i >= 0 && i < n)) throw new RangeError('group index ' + i + ' is out of range 0…' + (n - 1) + '.');
      for (let j = 0; j < d; j++) c[j] += X[i * d + j];
    }
    for (let j = 0; j < d; j++) c[j] /= indices.length;
    return c;
  }

  tl.manipulate = { dragAxis, dragCentroid, centroidLanding, groupCentroid };
})();
