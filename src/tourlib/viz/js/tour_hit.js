// @module tour_hit
// @requires 
/*
 * tourlib: find points under the pointer and inside a brush (tourlib.hit).
 *
 * Points are in screen (data) coordinates, a Float32Array [x0, y0, x1, y1, ...]; the view is
 * {x0, x1, y0, y1, W, H} as in tour_raster.js. For hovering over up to a million points a grid
 * of `cell`-pixel buckets (a counting sort of the points by bucket, O(N)) is built once per
 * drawn frame, on the first pointer query after the frame changed; a query then looks at the
 * 3×3 buckets around the pointer.
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.hit) return;

  function buildGrid(proj, list, count, view, cell) {
    const cols = Math.max(1, Math.ceil(view.W / cell)), rows = Math.max(1, Math.ceil(view.H / cell));
    const kx = view.W / (view.x1 - view.x0), ky = view.H / (view.y1 - view.y0);
    const bucket = new Int32Array(count);
    const start = new Int32Array(cols * rows + 1);
    for (let m = 0; m < count; m++) {
      const i = list[m];
      const gx = Math.floor(((proj[2 * i] - view.x0) * kx) / cell);
      const gy = Math.floor(((view.y1 - proj[2 * i + 1]) * ky) / cell);
      const b = gx >= 0 && gx < cols && gy >= 0 && gy < rows ? gy * cols + gx : -1;
      bucket[m] = b;
      if (b >= 0) start[b + 1]++;
    }
    for (let b = 0; b < cols * rows; b++) start[b + 1] += start[b];
    const fill = start.slice(0, cols * rows);
    const items = new Int32Array(start[cols * rows]);
    for (let m = 0; m < count; m++) {
      const b = bucket[m];
      if (b >= 0) items[fill[b]++] = list[m];
    }
    return { cols, rows, cell, start, items, kx, ky, view };
  }

  /** The point nearest to pixel (sx, sy) of the view within `radius` pixels, or -1. Ties: the later point (drawn on top). */
  function nearest(grid, proj, sx, sy, radius) {
    const { cols, rows, cell, start, items, kx, ky, view } = grid;
    const cx = Math.floor(sx / cell), cy = Math.floor(sy / cell);
    const reach = Math.ceil(radius / cell);
    let best = -1, bestD = radius * radius;
    for (let gy = Math.max(0, cy - reach); gy <= Math.min(rows - 1, cy + reach); gy++) {
      for (let gx = Math.max(0, cx - reach); gx <= Math.min(cols - 1, cx + reach); gx++) {
        const b = gy * cols + gx;
        for (let m = start[b]; m < start[b + 1]; m++) {
          const i = items[m];
          const dx = (proj[2 * i] - view.x0) * kx - sx, dy = (view.y1 - proj[2 * i + 1]) * ky - sy;
          const d2 = dx * dx + dy * dy;
          if (d2 < bestD || (d2 === bestD && i > best)) {
            bestD = d2;
            best = i;
          }
        }
      }
    }
    return best;
  }

  /** Indices (Int32Array) of the listed points with x0 ≤ x ≤ x1 and y0 ≤ y ≤ y1 (data units). */
  function inRect(proj, list, count, x0, x1, y0, y1) {
    const out = [];
    for (let m = 0; m < count; m++) {
      const i = list[m];
      const x = proj[2 * i], y = proj[2 * i + 1];
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push(i);
    }
    out.sort((a, b) => a - b);
    return Int32Array.from(out);
  }

  tl.hit = { buildGrid, nearest, inRect };
})();
