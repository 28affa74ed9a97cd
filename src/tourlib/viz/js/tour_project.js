// @module tour_project
// @requires engine_linalg
/*
 * tourlib: the per-frame projection of the tour figure (tourlib.project).
 *
 *   out[2k] = sum_j X[k*d + j] * B[2j],   out[2k+1] = sum_j X[k*d + j] * B[2j+1]
 *
 * i.e. the screen coordinates X @ B of n row vectors (X: n×d row-major, B = G[:, :2]: d×2
 * row-major) — exactly TourEngine.projectInto, summed in the same order (j = 0, 1, ...), so the
 * results are identical. For the dimension of a figure (d ≤ MAX_UNROLLED) the loop over j is
 * unrolled once into a function built for that d, with the 2d basis entries held in local
 * constants: in V8 this runs the million-point projection about twice as fast as the generic
 * double loop, which matters because the projection is most of a frame's work. Larger d uses
 * TourEngine.projectInto.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.project) return;

  const MAX_UNROLLED = 64;
  const cache = new Map();

  function unrolled(d) {
    const lines = [];
    for (let j = 0; j < 2 * d; j++) lines.push("const b" + j + " = B[" + j + "];");
    lines.push("for (let k = 0, o = 0; k < n; k++, o += " + d + ") {");
    const xs = [], ys = [];
    for (let j = 0; j < d; j++) {
      lines.push("  const a" + j + " = X[o + " + j + "];");
      xs.push("a" + j + " * b" + 2 * j);
      ys.push("a" + j + " * b" + (2 * j + 1));
    }
    lines.push("  out[2 * k] = " + xs.join(" + ") + ";");
    lines.push("  out[2 * k + 1] = " + ys.join(" + ") + ";");
    lines.push("}");
    lines.push("return out;");
    return new Function("out", "X", "n", "B", lines.join("\n"));
  }

  /** A function (out, X, n, B) → out computing X @ B for d columns. */
  function projector(d) {
    let f = cache.get(d);
    if (f === undefined) {
      if (d <= MAX_UNROLLED) {
        try {
          f = unrolled(d);
        } catch (e) {
          f = null; // a page that forbids building functions: use the engine's loop
        }
      } else {
        f = null;
      }
      if (f === null) f = (out, X, n, B) => tl.linalg.projectInto(out, X, n, d, B);
      cache.set(d, f);
    }
    return f;
  }

  /** out = X @ B (see the file comment). */
  function project(out, X, n, d, B) {
    if (out.length < 2 * n || X.length < n * d || B.length < 2 * d) {
      throw new RangeError("TourProject.project: need out.length >= 2n, X.length >= n*d, B.length >= 2d");
    }
    return projector(d)(out, X, n, B);
  }

  tl.project = { project, projector, MAX_UNROLLED };
})();
