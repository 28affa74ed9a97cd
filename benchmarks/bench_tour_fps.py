"""Frames per second of the Grand Tour figure vs a raw canvas loop, in headless Chromium.

For N = 60,000 and 1,000,000 points × 10 dimensions (a 10-class Gaussian mixture), the script
builds ``tour_figure(X, labels)``, saves it as a standalone page, opens it in headless Chromium
(no GPU; every outside request blocked) and measures, in the same page:

* **figure**: the figure's own animation loop (``TourFigure`` instance ``play()``): each frame
  advances the tour, projects all points (``tourlib.linalg.projectInto``), rasterises them into the
  ``image_rgba`` glyph's pixels and repaints the Bokeh plot (axis handles included). Frames are
  counted by the figure itself (``frameCount``: one per painted frame).
* **raw**: a minimal ``requestAnimationFrame`` loop over the same decoded points and the same tour:
  project each point, write the same dot shape into one ``ImageData`` and ``putImageData`` it on a
  plain canvas of the same size.

Other processes may share the machine, so the two loops run in alternating slices
(``ROUNDS`` × ``SLICE_S`` seconds each) and each side's fps is its total frames over its total
time; the ratio compares loops that saw the same load. Goals: ratio ≥ 0.8 at both sizes and
≥ 50 fps for the figure at 60,000 points. Run: ``.venv/bin/python benchmarks/bench_tour_fps.py``.

``--thumbnails 5000`` measures the UMAP Tour's case instead: 5,000 points × 15 dimensions over 8
layers, each drawn as its own 32×32 image thumbnail (24 px on screen), with the 10 class handles and
their labels on; the raw loop projects the same points and copies the same pre-scaled sprites
into one ``ImageData``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

from tourlib.viz.embed import bokehjs_files, save_html
from tourlib.viz.tour_figure import tour_figure

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic"]
ROUNDS = 5
SLICE_S = 1.5

#: The figure's real loop: play for `seconds`, count the frames it painted.
FIGURE_SLICE = """
async (seconds) => {
  const I = tourlib.TourFigure.instances[0];
  I.play();
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const f0 = I.frameCount, t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const f1 = I.frameCount, t1 = performance.now();
  I.pause();
  return { frames: f1 - f0, ms: t1 - t0 };
}
"""

#: A raw loop: the same tour and decoded points, one ImageData and putImageData on a plain canvas;
#: DRAW is what it writes per frame (after buf.fill(0); B is the frame's screen basis).
RAW_LOOP = """
async (seconds) => {
  const I = tourlib.TourFigure.instances[0], P = I.panels[0];
  const W = P.W, H = P.H, n = P.n, d = P.d, X = P.step(0), v = P.lastView;
  const kx = W / (v.x1 - v.x0), ky = H / (v.y1 - v.y0);
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  canvas.style.cssText = 'position:fixed;left:0;top:0;z-index:9999';
  document.body.appendChild(canvas);
  const ctx = canvas.getContext('2d'), img = ctx.createImageData(W, H), buf = new Uint32Array(img.data.buffer);
  const tour = tourlib.paths.GrandTour.fromParams(I.cfg.tour);
  SETUP
  let frames = 0, t = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    function frame(ts) {
      t += 1 / 60;
      const B = tour.screenBasis(t);
      buf.fill(0);
      DRAW
      ctx.putImageData(img, 0, 0);
      frames++;
      if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(frame);
      else resolve();
    }
    requestAnimationFrame(frame);
  });
  const ms = performance.now() - t0;
  canvas.remove();
  return { frames, ms };
}
"""

#: The baseline: project + rasterise each point's dot.
RAW_SLICE = RAW_LOOP.replace("SETUP", """
  const colors = I.palette, labels = P.labels, off = I.cfg.fill, k = off.length / 2;""").replace("DRAW", """
      for (let i = 0; i < n; i++) {
        let x = 0, y = 0;
        for (let j = 0, o = i * d; j < d; j++) { const a = X[o + j]; x += a * B[2 * j]; y += a * B[2 * j + 1]; }
        const px = Math.floor((x - v.x0) * kx), py = Math.floor((v.y1 - y) * ky), c = colors[labels[i]];
        for (let m = 0; m < k; m++) {
          const qx = px + off[2 * m], qy = py + off[2 * m + 1];
          if (qx >= 0 && qx < W && qy >= 0 && qy < H) buf[qy * W + qx] = c;
        }
      }""")

#: The thumbnail baseline: project + copy each point's pre-scaled sprite.
RAW_SPRITES = RAW_LOOP.replace("SETUP", """
  P.ensureSprites();
  const S = I.cfg.image_size, sprites = P.sprites, index = P.imageIndex, half = S >> 1;""").replace("DRAW", """
      for (let m = 0; m < index.length; m++) {
        const i = index[m];
        let x = 0, y = 0;
        for (let j = 0, o = i * d; j < d; j++) { const a = X[o + j]; x += a * B[2 * j]; y += a * B[2 * j + 1]; }
        const px = Math.floor((x - v.x0) * kx) - half, py = Math.floor((v.y1 - y) * ky) - half;
        if (px >= W || py >= H || px + S <= 0 || py + S <= 0) continue;
        const xa = Math.max(0, -px), xb = Math.min(S, W - px), ya = Math.max(0, -py), yb = Math.min(S, H - py);
        for (let yy = ya; yy < yb; yy++) {
          const row = (m * S + yy) * S, dst = (py + yy) * W + px;
          for (let xx = xa; xx < xb; xx++) { const c = sprites[row + xx]; if (c !== 0) buf[dst + xx] = c; }
        }
      }""")


def thumbnail_figure(n: int, seed: int = 0):
    """The UMAP Tour's figure at n points: 8 layers × n × 15, a 32×32 image per point, class handles."""
    from tourlib.viz.tour_handles import class_groups

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    base = rng.normal(size=(n, 15))
    X = np.stack([base + (t / 7) * 3.0 * np.eye(10, 15)[y] for t in range(8)])
    images = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
    classes = [f"class {k}" for k in range(10)]
    return tour_figure(X, y, classes=classes, images=images, max_images=n, times=[f"layer {t}" for t in range(8)],
                       time_name="layer", handles={"classes": class_groups(y, classes)}, seed=0, autoplay=False)


def mixture(n: int, d: int = 10, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    X = rng.normal(size=(n, d)) + 3.0 * np.eye(10, d)[y]
    return X, y


def measure(n: int, workdir: Path, rounds: int, slice_s: float, thumbnails: bool = False) -> dict:
    t = time.perf_counter()
    if thumbnails:
        layout = thumbnail_figure(n)
    else:
        X, y = mixture(n)
        layout = tour_figure(X, y, seed=0, autoplay=False)
    page = save_html(layout, workdir / f"tour_{n}.html")
    build_s = time.perf_counter() - t
    page_mb = os.path.getsize(page) / 1e6
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1000, "height": 760})
        tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:")) else r.abort())
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(page.as_uri(), timeout=180_000)
        tab.wait_for_function("window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0 && "
                              "tourlib.TourFigure.instances[0].frameCount > 0", timeout=180_000)
        info = tab.evaluate("""() => { const I = tourlib.TourFigure.instances[0], P = I.panels[0];
            return { W: P.W, H: P.H, dot: I.cfg.dot_size,
                     direct: !!tourlib.TourFigure.Bridge.imageCanvas(P.rv, P.W, P.H) &&
                             typeof P.pv.repaint === 'function' }; }""")
        raw_code = RAW_SPRITES if thumbnails else RAW_SLICE
        if thumbnails:
            tab.evaluate("tourlib.TourFigure.instances[0].setMode('images')")
        tab.evaluate(FIGURE_SLICE, 1.0)  # warm-up (JIT) for both loops
        tab.evaluate(raw_code, 1.0)
        fig = {"frames": 0, "ms": 0.0}
        raw = {"frames": 0, "ms": 0.0}
        for _ in range(rounds):
            for total, code in ((fig, FIGURE_SLICE), (raw, raw_code)):
                r = tab.evaluate(code, slice_s)
                total["frames"] += r["frames"]
                total["ms"] += r["ms"]
        browser.close()
    if errors:
        raise RuntimeError(f"console errors in the benchmark page: {errors[:3]}")
    fig_fps = 1000 * fig["frames"] / fig["ms"]
    raw_fps = 1000 * raw["frames"] / raw["ms"]
    return dict(n=n, build_s=build_s, page_mb=page_mb, fig_fps=fig_fps, raw_fps=raw_fps, **info)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[60_000, 1_000_000])
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    ap.add_argument("--slice", type=float, default=SLICE_S)
    ap.add_argument("--thumbnails", type=int, default=0,
                    help="measure N points drawn as image thumbnails (the UMAP Tour's case) instead")
    args = ap.parse_args()
    bokeh_mb = sum(os.path.getsize(p) for p in bokehjs_files()) / 1e6
    print(f"headless Chromium, {os.cpu_count()} cores, no GPU; {args.rounds} alternating slices of "
          f"{args.slice:.1f} s per loop; page sizes include {bokeh_mb:.1f} MB of BokehJS")
    with tempfile.TemporaryDirectory() as tmp:
        if args.thumbnails:
            r = measure(args.thumbnails, Path(tmp), args.rounds, args.slice, thumbnails=True)
            print(f"N={args.thumbnails:,} thumbnails (24 px) × 15 dims × 8 layers, 10 class handles, raster "
                  f"{r['W']}×{r['H']} px, page {r['page_mb']:.1f} MB")
            print(f"    figure {r['fig_fps']:6.1f} fps   raw sprite loop {r['raw_fps']:6.1f} fps   "
                  f"ratio {r['fig_fps'] / r['raw_fps']:.2f}")
            return
        for n in args.sizes:
            r = measure(n, Path(tmp), args.rounds, args.slice)
            ratio = r["fig_fps"] / r["raw_fps"]
            print(f"N={n:>9,} × 10  raster {r['W']}×{r['H']} px, dot {r['dot']} px, "
                  f"direct paint path: {r['direct']}, page {r['page_mb']:.1f} MB (built in {r['build_s']:.1f} s)")
            print(f"    figure {r['fig_fps']:6.1f} fps   raw loop {r['raw_fps']:6.1f} fps   "
                  f"ratio {ratio:.2f}  (goal ≥ 0.80{', and ≥ 50 fps' if n <= 60_000 else ''})")


if __name__ == "__main__":
    main()
