// @module fig_draw
// @requires fig_panel tour_raster fig_bridge
/*
 * Drawing one panel (methods added to tourlib.fig.Panel): the raster buffer and its placement in
 * the image_rgba glyph, ghosts under active points, rings, image thumbnails, the origin cross and
 * the axis handles' labels; pushPixels hands the buffer to Bokeh (straight into the glyph's
 * canvas, or through the data source). The pixel rules are tour_raster.js (= viz/raster.py).
 */
(function () {
  "use strict";
  const tl = globalThis.tourlib;
  if (tl.fig.Panel.prototype.draw) return;
  const Bridge = tl.bridge;
  const MIN_LABEL_PX = 6;   // a handle shorter than this (CSS px) points nowhere: no label

  Object.assign(tl.fig.Panel.prototype, {
    ensureRaster(view) {
      let changed = false;
      if (view.W !== this.W || view.H !== this.H) {
        this.W = view.W;
        this.H = view.H;
        this.buf = new Uint32Array(view.W * view.H);
        this.imageData = new ImageData(new Uint8ClampedArray(this.buf.buffer), view.W, view.H);
        this.fill = tl.raster.makeSplat(this.inst.cfg.fill, view.W);
        const ring = this.inst.cfg.ring;
        this.ring = ring && ring.length ? tl.raster.makeSplat(ring, view.W) : null;
        changed = true;
      }
      const placement = [view.x0, view.x1, view.y0, view.y1, view.W, view.H].join(",");
      if (changed || placement !== this.placement) {
        this.placement = placement;
        this.imageSource.data = {
          image: [Bridge.ndarray(this.buf, [view.H, view.W])],
          x: [view.x0],
          y: [view.y1],
          dw: [view.x1 - view.x0],
          dh: [view.y1 - view.y0],
        };
        this.grid = null;
      }
    },

    ensureSprites() {
      if (this.sprites || !this.images) return;
      const [M, h, w, c] = this.images.shape;
      const S = this.inst.cfg.image_size;
      const rgb = [];
      for (let m = 0; m < M; m++) rgb.push(this.inst.classRGB[this.labels[this.imageIndex[m]]]);
      this.sprites = tl.raster.makeSprites(this.images, M, h, w, c, S, rgb);
    },

    draw(view) {
      const R = tl.raster, inst = this.inst;
      this.buf.fill(0);
      const ox = Math.floor((0 - view.x0) * view.W / (view.x1 - view.x0));
      const oy = Math.floor((view.y1 - 0) * view.H / (view.y1 - view.y0));
      R.drawCross(this.buf, view.W, view.H, ox, oy, inst.crossColor);
      const reach = inst.dragReach ? inst.dragReach(this.k) : 0;
      if (reach > 0) R.drawCircle(this.buf, view.W, view.H, ox, oy, reach * view.W / (view.x1 - view.x0), inst.crossColor);
      if (this.ghostCount > 0) {
        R.drawDots(this.buf, this.proj, this.ghostList, this.ghostCount, this.labels, inst.ghostPalette, this.fill, null, 0, view);
      }
      const all = this.ghostCount === 0 ? null : this.activeList;
      const images = inst.mode === "images" && this.images !== null;
      // in image mode the dots are only context: faint, under the thumbnails
      const palette = images ? inst.ghostPalette : inst.palette;
      R.drawDots(this.buf, this.proj, all, this.activeCount, this.labels, palette, this.fill, images ? null : this.ring, inst.ringColor, view);
      if (images) {
        this.ensureSprites();
        R.drawSprites(this.buf, this.proj, this.imageIndex, this.spriteShow, this.sprites, inst.cfg.image_size, view);
      }
      // the names of group handles first: an axis label never covers one
      if (inst.groups.length && this.drawGroupLabels) this.drawGroupLabels(view);
      if (inst.cfg.show_handles) this.drawHandleLabels(view);
    },

    /** Axis labels just beyond each handle end, 14 CSS px further out from the origin. Handles
     *  shorter than MIN_LABEL_PX get no label, and a label that would overlap one already drawn
     *  (longest handles first) is left out, so labels never pile up at the centre. */
    drawHandleLabels(view) {
      const inst = this.inst, d = this.d, s = inst.cfg.handle_scale, B = inst.B;
      const dpr = window.devicePixelRatio || 1;
      if (!this.labels2d || this.labelsDpr !== dpr) {
        this.labels2d = inst.cfg.axis_labels.map((t) => tl.raster.makeLabel(String(t), 11, dpr));
        this.labelsDpr = dpr;
      }
      const kx = view.W / (view.x1 - view.x0), ky = view.H / (view.y1 - view.y0);
      const lengths = [];
      for (let i = 0; i < d; i++) lengths.push(Math.hypot(s * B[2 * i] * kx, s * B[2 * i + 1] * ky));
      const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a]);
      const placed = this.startLabels();
      for (const i of order) {
        const len = lengths[i];
        if (len < MIN_LABEL_PX * dpr) continue;
        const x = s * B[2 * i], y = s * B[2 * i + 1];
        const px = (x - view.x0) * kx, py = (view.y1 - y) * ky;
        const ux = (x * kx) / len, uy = (-y * ky) / len;
        const L = this.labels2d[i];
        // push the chip out along the handle so that its nearest edge clears the end marker
        const out = 9 * dpr + 0.5 * Math.abs(ux) * L.w + 0.5 * Math.abs(uy) * L.h;
        this.placeLabel(view, L, px + ux * out, py + uy * out, placed);
      }
    },

    /** The label rectangles drawn so far this frame (axis and group labels share it). */
    startLabels() {
      if (this.labelFrame !== this.inst.frameCount) {
        this.labelFrame = this.inst.frameCount;
        this.placedLabels = [];
      }
      return this.placedLabels;
    },

    /** Draw label L centred at (cx, cy) unless it overlaps one already placed; true if drawn. */
    placeLabel(view, L, cx, cy, placed) {
      const r = { x0: cx - L.w / 2, x1: cx + L.w / 2, y0: cy - L.h / 2, y1: cy + L.h / 2 };
      for (const q of placed) if (r.x0 < q.x1 && q.x0 < r.x1 && r.y0 < q.y1 && q.y0 < r.y1) return false;
      placed.push(r);
      tl.raster.drawLabel(this.buf, view.W, view.H, L, cx, cy);
      return true;
    },

    /** Hand the pixels to the image glyph: straight into its canvas, or via the data source. */
    pushPixels() {
      const canvas = Bridge.imageCanvas(this.rv, this.W, this.H);
      if (canvas) {
        canvas.getContext("2d").putImageData(this.imageData, 0, 0);
        return true;
      }
      this.imageSource.change.emit();
      return false;
    },
  });
})();
