// @module tour_raster
// @requires 
/*
 * tourlib: draw projected points into one RGBA pixel buffer (tourlib.raster).
 *
 * The same rules as tourlib/viz/raster.py (which the GIF/PNG export uses):
 *   pixel of a point   px = floor((x - x0) * W / (x1 - x0)),  py = floor((y1 - y) * H / (y1 - y0))
 *                      (row 0 at the top; the view rectangle is x0..x1 × y0..y1)
 *   dot ("splat")      the pixels (px + dx, py + dy) for the offsets computed in Python
 *                      (splat_offsets); with an outline, a one-pixel-wider ring first
 *   order              ghosts first, then active points in index order; the last write wins
 *   colours            one uint32 per pixel, little-endian RGBA (r | g<<8 | b<<16 | a<<24),
 *                      the byte order of canvas ImageData
 * Points are given in screen (data) coordinates as a Float32Array [x0, y0, x1, y1, ...].
 * Besides dots: thumbnails as sprites (makeSprites/drawSprites), the axis handles' labels as
 * pre-rendered text chips (makeLabel/drawLabel: a Bokeh text glyph would cost ~1.5 ms a frame)
 * the small grey cross at the origin (drawCross) and the dashed circle of a drag's reach (drawCircle).
 */
(function () {
  "use strict";
  const tl = (globalThis.tourlib = globalThis.tourlib || {});
  if (tl.raster) return;

  function pack(r, g, b, a) {
    return (((a & 255) << 24) | ((b & 255) << 16) | ((g & 255) << 8) | (r & 255)) >>> 0;
  }

  function hexToRGB(hex) {
    const c = String(hex).replace("#", "");
    return [parseInt(c.slice(0, 2), 16), parseInt(c.slice(2, 4), 16), parseInt(c.slice(4, 6), 16)];
  }

  /** A splat: pixel offsets [dx0, dy0, dx1, dy1, ...] with their bounds, for buffers of width W. */
  function makeSplat(offsets, W) {
    const k = offsets.length / 2;
    const dx = new Int32Array(k), dy = new Int32Array(k), flat = new Int32Array(k);
    let minX = 0, maxX = 0, minY = 0, maxY = 0;
    for (let j = 0; j < k; j++) {
      dx[j] = offsets[2 * j];
      dy[j] = offsets[2 * j + 1];
      flat[j] = dy[j] * W + dx[j];
      if (j === 0 || dx[j] < minX) minX = dx[j];
      if (j === 0 || dx[j] > maxX) maxX = dx[j];
      if (j === 0 || dy[j] < minY) minY = dy[j];
      if (j === 0 || dy[j] > maxY) maxY = dy[j];
    }
    return { k, dx, dy, flat, minX, maxX, minY, maxY, W };
  }

  /**
   * Draw the points list[0..count) as dots (list === null: the points 0..count-1).
   * buf: Uint32Array W*H; proj: Float32Array of screen coordinates; codes: class code per point;
   * palette: Uint32Array colour per class; fill / ring: splats from makeSplat (ring may be null);
   * view: {x0, x1, y0, y1, W, H}.
   */
  function drawDots(buf, proj, list, count, codes, palette, fill, ring, ringColor, view) {
    const { W, H } = view;
    const x0 = view.x0, y1 = view.y1;
    const kx = W / (view.x1 - view.x0), ky = H / (view.y1 - view.y0);
    if (fill.k === 1 && fill.dx[0] === 0 && fill.dy[0] === 0 && ring === null) {
      if (list === null) {
        // the hot path for a million one-pixel dots: no index list, one write per point
        for (let i = 0; i < count; i++) {
          const fx = (proj[2 * i] - x0) * kx, fy = (y1 - proj[2 * i + 1]) * ky;
          if (fx >= 0 && fx < W && fy >= 0 && fy < H) buf[(fy | 0) * W + (fx | 0)] = palette[codes[i]];
        }
        return;
      }
      for (let m = 0; m < count; m++) {
        const i = list[m];
        const fx = (proj[2 * i] - x0) * kx, fy = (y1 - proj[2 * i + 1]) * ky;
        if (fx >= 0 && fx < W && fy >= 0 && fy < H) buf[(fy | 0) * W + (fx | 0)] = palette[codes[i]];
      }
      return;
    }
    if (fill.k === 4 && fill.minX === 0 && fill.maxX === 1 && fill.minY === 0 && fill.maxY === 1 && ring === null) {
      // 2×2 dots (tens of thousands of points): four writes, bounds checked once
      for (let m = 0; m < count; m++) {
        const i = list === null ? m : list[m];
        const px = Math.floor((proj[2 * i] - x0) * kx), py = Math.floor((y1 - proj[2 * i + 1]) * ky);
        const c = palette[codes[i]];
        if (px >= 0 && px < W - 1 && py >= 0 && py < H - 1) {
          const o = py * W + px;
          buf[o] = c;
          buf[o + 1] = c;
          buf[o + W] = c;
          buf[o + W + 1] = c;
        } else {
          splat(buf, W, H, px, py, fill, c);
        }
      }
      return;
    }
    if (list === null) {
      for (let i = 0; i < count; i++) {
        const px = Math.floor((proj[2 * i] - x0) * kx), py = Math.floor((y1 - proj[2 * i + 1]) * ky);
        if (ring !== null) splat(buf, W, H, px, py, ring, ringColor);
        splat(buf, W, H, px, py, fill, palette[codes[i]]);
      }
      return;
    }
    for (let m = 0; m < count; m++) {
      const i = list[m];
      const px = Math.floor((proj[2 * i] - x0) * kx), py = Math.floor((y1 - proj[2 * i + 1]) * ky);
      if (ring !== null) splat(buf, W, H, px, py, ring, ringColor);
      splat(buf, W, H, px, py, fill, palette[codes[i]]);
    }
  }

  function splat(buf, W, H, px, py, s, color) {
    if (px + s.minX >= 0 && px + s.maxX < W && py + s.minY >= 0 && py + s.maxY < H) {
      const base = py * W + px, flat = s.flat;
      for (let j = 0; j < s.k; j++) buf[base + flat[j]] = color;
      return;
    }
    if (px + s.maxX < 0 || px + s.minX >= W || py + s.maxY < 0 || py + s.minY >= H) return;
    for (let j = 0; j < s.k; j++) {
      const x = px + s.dx[j], y = py + s.dy[j];
      if (x >= 0 && x < W && y >= 0 && y < H) buf[y * W + x] = color;
    }
  }

  /**
   * Thumbnails as S×S uint32 sprites (nearest-neighbour sampling of h×w×c uint8 images).
   * Grey images (c = 1) become ink in the point's class colour with alpha = intensity (pixels
   * darker than 24 are transparent); RGB images are opaque with a one-pixel class-colour frame.
   */
  function makeSprites(images, M, h, w, c, S, classRGB) {
    const out = new Uint32Array(M * S * S);
    for (let m = 0; m < M; m++) {
      const [cr, cg, cb] = classRGB[m];
      const frame = pack(cr, cg, cb, 255);
      const base = m * h * w * c;
      for (let y = 0; y < S; y++) {
        const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / S));
        for (let x = 0; x < S; x++) {
          const sx = Math.min(w - 1, Math.floor(((x + 0.5) * w) / S));
          const src = base + (sy * w + sx) * c;
          let v;
          if (c === 1) {
            const a = images[src];
            v = a < 24 ? 0 : pack(cr, cg, cb, a);
          } else if (x === 0 || y === 0 || x === S - 1 || y === S - 1) {
            v = frame;
          } else {
            v = pack(images[src], images[src + 1], images[src + 2], 255);
          }
          out[(m * S + y) * S + x] = v;
        }
      }
    }
    return out;
  }

  /**
   * A text label as a sprite {w, h, pixels}: dark text on a translucent white chip, rendered once
   * with the canvas's own (anti-aliased) text; per frame it is only copied (drawLabel).
   */
  function makeLabel(text, fontPx, dpr) {
    const font = Math.round(fontPx * dpr) + "px system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
    const canvas = document.createElement("canvas");
    let ctx = canvas.getContext("2d");
    ctx.font = font;
    const pad = Math.round(2 * dpr);
    const w = Math.max(1, Math.ceil(ctx.measureText(text).width) + 2 * pad);
    const h = Math.round(fontPx * dpr * 1.35) + pad;
    canvas.width = w;
    canvas.height = h;
    ctx = canvas.getContext("2d");
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(0, 0, w, h);
    ctx.font = font;
    ctx.fillStyle = "#333333";
    ctx.textBaseline = "middle";
    ctx.fillText(text, pad, h / 2);
    const data = ctx.getImageData(0, 0, w, h).data;
    return { w, h, pixels: new Uint32Array(data.buffer.slice(0)) };
  }

  /** Copy a label sprite centred on pixel (cx, cy); fully transparent pixels are skipped. */
  function drawLabel(buf, W, H, label, cx, cy) {
    const x0 = Math.round(cx - label.w / 2), y0 = Math.round(cy - label.h / 2);
    const xa = Math.max(0, -x0), xb = Math.min(label.w, W - x0);
    const ya = Math.max(0, -y0), yb = Math.min(label.h, H - y0);
    for (let y = ya; y < yb; y++) {
      const src = y * label.w, dst = (y0 + y) * W + x0;
      for (let x = xa; x < xb; x++) {
        const v = label.pixels[src + x];
        if (v !== 0) buf[dst + x] = v;
      }
    }
  }

  /** A small cross (arm = 4 pixels) at pixel (px, py): the origin of the view. */
  /** A dashed circle of radius r px around (cx, cy): where a drag can reach (fig_draw). */
  function drawCircle(buf, W, H, cx, cy, r, color) {
    const n = Math.max(24, Math.ceil(2 * Math.PI * r));   // one dot per pixel of arc
    for (let k = 0; k < n; k++) {
      if (k % 9 >= 6) continue;                      // dashes: 6 px on, 3 off
      const a = (2 * Math.PI * k) / n;
      const x = Math.round(cx + r * Math.cos(a)), y = Math.round(cy + r * Math.sin(a));
      if (x >= 0 && x < W && y >= 0 && y < H) buf[y * W + x] = color;
    }
  }

  function drawCross(buf, W, H, px, py, color) {
    for (let k = -4; k <= 4; k++) {
      if (px + k >= 0 && px + k < W && py >= 0 && py < H) buf[py * W + px + k] = color;
      if (py + k >= 0 && py + k < H && px >= 0 && px < W) buf[(py + k) * W + px] = color;
    }
  }

  /** Draw sprite m (centred on its point) for each m with show[m] != 0; transparent pixels skipped. */
  function drawSprites(buf, proj, index, show, sprites, S, view) {
    const { W, H } = view;
    const kx = W / (view.x1 - view.x0), ky = H / (view.y1 - view.y0);
    const half = S >> 1;
    for (let m = 0; m < index.length; m++) {
      if (!show[m]) continue;
      const i = index[m];
      const px = Math.floor((proj[2 * i] - view.x0) * kx) - half;
      const py = Math.floor((view.y1 - proj[2 * i + 1]) * ky) - half;
      if (px >= W || py >= H || px + S <= 0 || py + S <= 0) continue;
      const xa = Math.max(0, -px), xb = Math.min(S, W - px);
      const ya = Math.max(0, -py), yb = Math.min(S, H - py);
      for (let y = ya; y < yb; y++) {
        const row = (m * S + y) * S, dst = (py + y) * W + px;
        for (let x = xa; x < xb; x++) {
          const v = sprites[row + x];
          if (v !== 0) buf[dst + x] = v;
        }
      }
    }
  }

  tl.raster = {
    pack, hexToRGB, makeSplat, drawDots, splat, makeSprites, drawSprites, drawCross, drawCircle, makeLabel, drawLabel,
  };
})();
