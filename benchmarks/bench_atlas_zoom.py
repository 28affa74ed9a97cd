"""Frames per second of the atlas figure while zooming in and out, vs a bare canvas, in headless Chromium.

A synthetic 3-level atlas of the chapter's size: 50,000 activations in one 2-D layout, gridded at
10×10, 20×20 and 40×40 (cells with fewer than 3 activations dropped: about 1,500 kept at 40×40),
one 32×32 icon per cell (1/f-noise textures tinted by the cell's class, so they compress like
feature visualisations rather than like flat colour), and 3 examples per cell from 32×32 images.
The script builds ``atlas_figure``, saves it as a standalone page, prints the embedded bytes of
each level's sprite sheet and of the examples (and what five such atlases cost against the
chapter's 6 MB page budget), opens the page in headless Chromium (no GPU, outside requests
blocked) and measures, in the same page, in alternating slices:

* **figure**: the figure's own drawing: a driver sets the view every animation frame (zoom
  z(t) = zmax^((1 − cos 2πt/T)/2) about a fixed point, T = 4 s: in and out continuously through all
  three levels) and the figure draws the level, labels and outline into its canvas and repaints
  the Bokeh plot. Frames are the figure's own ``frameCount``.
* **raw**: a bare canvas of the same size in a ``requestAnimationFrame`` loop with the same view
  path, drawing the same level's visible icons with the same ``drawImage`` calls from the same
  decoded sprite sheets (no labels, no Bokeh).

``--phone`` measures at a phone's 390×844 px with 2 device pixels per CSS px.

The ratio compares loops that saw the same machine load. Goal: ratio ≥ 0.8 and ≥ 30 fps.
Run: ``.venv/bin/python benchmarks/bench_atlas_zoom.py``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from playwright.sync_api import sync_playwright

from tourlib.atlas.grid import grid_cells
from tourlib.viz.atlas_figure import atlas_bytes, atlas_figure, atlas_payload
from tourlib.viz.embed import bokehjs_files, save_html
from tourlib.viz.palette import CLASS_COLORS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic"]
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
ROUNDS = 4
SLICE_S = 2.0
PERIOD_S = 4.0

#: z(t) and the fixed point, shared by both loops.
VIEW = """
  const zmax = I.maxZoom(), fx = 0.42, fy = 0.57;
  function viewAt(t) {
    const z = Math.pow(zmax, (1 - Math.cos(2 * Math.PI * t / PERIOD)) / 2);
    const h = 0.5 / z;
    return { z, cx: Math.min(1 - h, Math.max(h, fx + (0.5 - fx) / z)), cy: Math.min(1 - h, Math.max(h, fy + (0.5 - fy) / z)) };
  }
"""

FIGURE_SLICE = """
async ([seconds, t0s]) => {
  const I = tourlib.AtlasFigure.instances[0];
  VIEW
  const f0 = I.frameCount, t0 = performance.now();
  let levels = new Set();
  await new Promise((resolve) => {
    function frame(now) {
      const v = viewAt(t0s + (now - t0) / 1000);
      I.zoom = v.z; I.cx = v.cx; I.cy = v.cy;
      I.viewChanged(true);
      levels.add(I.level);
      if (now - t0 < seconds * 1000) requestAnimationFrame(frame); else resolve();
    }
    requestAnimationFrame(frame);
  });
  await new Promise((r) => requestAnimationFrame(() => r()));
  return { frames: I.frameCount - f0, ms: performance.now() - t0, levels: [...levels].sort() };
}
""".replace("VIEW", VIEW)

RAW_SLICE = """
async ([seconds, t0s]) => {
  const I = tourlib.AtlasFigure.instances[0];
  VIEW
  const W = I.W, H = I.H;
  const canvas = document.createElement('canvas');
  canvas.width = W; canvas.height = H;
  canvas.style.cssText = `position:fixed;left:0;top:0;width:${W / devicePixelRatio}px;z-index:9999`;
  document.body.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  let frames = 0, calls = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    function frame(now) {
      const v = viewAt(t0s + (now - t0) / 1000);
      const l = tourlib.AtlasFigure.levelFor(I.levels.map((q) => q.G), I.side, v.z, I.cfg.min_icon_px);
      const L = I.levels[l], kx = W * v.z, ky = H * v.z, cell = Math.min(kx, ky) / L.G;
      const x0 = v.cx - 0.5 / v.z, y1 = v.cy + 0.5 / v.z, S = L.S;
      ctx.globalAlpha = 1; ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, W, H);
      for (let m = 0; m < L.M; m++) {
        const px = ((L.cells[2 * m + 1] + 0.5) / L.G - x0) * kx, py = (y1 - (L.cells[2 * m] + 0.5) / L.G) * ky;
        if (px < -cell || py < -cell || px > W + cell || py > H + cell) continue;
        const s = L.scale[m] * cell * 0.94;
        ctx.drawImage(L.img, (m % L.cols) * S + 0.5, Math.floor(m / L.cols) * S + 0.5, S - 1, S - 1, px - s / 2, py - s / 2, s, s);
        calls++;
      }
      frames++;
      if (now - t0 < seconds * 1000) requestAnimationFrame(frame); else resolve();
    }
    requestAnimationFrame(frame);
  });
  const ms = performance.now() - t0;
  canvas.remove();
  return { frames, ms, calls };
}
""".replace("VIEW", VIEW)


def textures(n: int, S: int, rng) -> np.ndarray:
    f = np.sqrt(np.fft.fftfreq(S)[:, None] ** 2 + np.fft.fftfreq(S)[None, :] ** 2)
    amp = 1.0 / np.maximum(f, 1.0 / S)
    z = rng.normal(size=(n, S, S, 3)) + 1j * rng.normal(size=(n, S, S, 3))
    x = np.real(np.fft.ifft2(z * amp[None, :, :, None], axes=(1, 2)))
    x = x[..., :1] + 0.35 * x
    x -= x.mean(axis=(1, 2, 3), keepdims=True)
    return x / (x.std(axis=(1, 2, 3), keepdims=True) + 1e-9)


def tinted(classes: np.ndarray, S: int, rng) -> np.ndarray:
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLORS], dtype=np.float64)
    return np.clip(rgb[classes][:, None, None, :] + 45 * textures(len(classes), S, rng), 0, 255).astype(np.uint8)


def synthetic_atlas(n: int = 50_000, sizes=(10, 20, 40), seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.2, 0.8, size=(10, 2))
    y = rng.integers(0, 10, n)
    xy = np.clip(centres[y] + rng.normal(scale=0.16, size=(n, 2)), 0, 1)
    d2 = ((xy[:, None, :] - centres[None]) ** 2).sum(-1)
    att = np.exp(-d2 / 0.03) + 0.05 * rng.normal(size=(n, 10))
    acts = rng.normal(size=(n, 2)).astype(np.float32)
    grids = [grid_cells(xy, acts, att, size=s, min_count=3) for s in sizes]
    icons = [tinted(g.top_classes(1)[:, 0], 32, rng) for g in grids]
    images, image_index = example_images(n, rng)
    return grids, icons, images, image_index


def example_images(n: int, rng):
    """``(images, image_index)``: CIFAR-10 training images if the data set is at hand (photographs
    compress as the chapter's examples will), else tinted textures (an upper bound on the bytes)."""
    try:
        from tourlib.data import load_dataset

        images = np.asarray(load_dataset("cifar10", "train").images[:n])
        EXAMPLES[0] = "CIFAR-10 training images"
        return images, np.arange(n)
    except Exception as e:  # no data set here: synthetic examples
        EXAMPLES[0] = f"synthetic textures (CIFAR-10 not available: {type(e).__name__})"
        images = tinted(rng.integers(0, 10, 5000), 32, rng)
        return images, np.arange(n) % len(images)


EXAMPLES = ["?"]


def measure(workdir: Path, rounds: int, slice_s: float, width: int, phone: bool = False) -> dict:
    grids, icons, images, image_index = synthetic_atlas()
    t = time.perf_counter()
    fig = atlas_figure(grids, icons, class_names=CLASSES, images=images, image_index=image_index)
    build_s = time.perf_counter() - t
    pay = atlas_payload(grids, icons, class_names=CLASSES, images=images, image_index=image_index)
    page = save_html(fig, workdir / "atlas.html")
    from tourlib.viz.embed import _item_html

    info = dict(item=len(_item_html(fig)), cells=[len(g.cells) for g in grids], raw=[lv["bytes"] for lv in pay["levels"]],
                b64=atlas_bytes(fig), ex_raw=pay["examples"]["bytes"], ex_count=pay["examples"]["count"],
                page_mb=os.path.getsize(page) / 1e6, build_s=build_s)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if phone:   # a phone: 390×844 CSS px at 2 device px each, touch
            tab = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                      has_touch=True).new_page()
        else:
            tab = browser.new_page(viewport={"width": width, "height": 1000})
        tab.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:")) else r.abort())
        errors = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(page.as_uri(), timeout=120_000)
        tab.wait_for_function("window.tourlib && tourlib.AtlasFigure && tourlib.AtlasFigure.instances.length > 0 && "
                              "tourlib.AtlasFigure.instances[0].levels.every(l => l.ready) && "
                              "tourlib.AtlasFigure.instances[0].frameCount > 0", timeout=120_000)
        info.update(tab.evaluate("(() => { const I = tourlib.AtlasFigure.instances[0]; "
                                 "return {W: I.W, H: I.H, zmax: I.maxZoom(), direct: !!I.direct}; })()"))
        fig_code = FIGURE_SLICE.replace("PERIOD", str(PERIOD_S))
        raw_code = RAW_SLICE.replace("PERIOD", str(PERIOD_S))
        tab.evaluate(fig_code, [1.0, 0.0])          # warm-up (JIT) for both loops
        tab.evaluate(raw_code, [1.0, 0.0])
        fig_t = {"frames": 0, "ms": 0.0}
        raw_t = {"frames": 0, "ms": 0.0, "calls": 0}
        levels = set()
        for r in range(rounds):
            start = r * slice_s                      # both loops follow the same stretch of the zoom path
            a = tab.evaluate(fig_code, [slice_s, start])
            b = tab.evaluate(raw_code, [slice_s, start])
            levels.update(a["levels"])
            for k in fig_t:
                fig_t[k] += a[k]
            for k in raw_t:
                raw_t[k] += b[k]
        browser.close()
    if errors:
        raise RuntimeError(f"console errors in the benchmark page: {errors[:3]}")
    info.update(fig_fps=1000 * fig_t["frames"] / fig_t["ms"], raw_fps=1000 * raw_t["frames"] / raw_t["ms"],
                calls=raw_t["calls"] / max(1, raw_t["frames"]), levels=sorted(levels))
    return info


def budget_table(rng_seed: int = 0) -> None:
    """Embedded bytes of one synthetic atlas under a few encodings (no browser)."""
    grids, icons, images, image_index = synthetic_atlas(seed=rng_seed)
    print("encodings of one atlas (icons; examples: 3 per cell, at most max_examples distinct), in the page (base64):")
    for label, kw in [("WebP q70, 32 px", dict(icon_px=None)), ("WebP q70, auto (levels > 1,000 icons at 24 px)", {}),
                      ("WebP q50, 32 px", dict(icon_px=None, icon_quality=50)), ("JPEG q75, 32 px", dict(icon_px=None, icon_format="jpeg", icon_quality=75))]:
        pay = atlas_payload(grids, icons, class_names=CLASSES, images=images, image_index=image_index, **kw)
        lv = [4 * lv["bytes"] / 3 for lv in pay["levels"]]
        ex = 4 * pay["examples"]["bytes"] / 3
        print(f"    {label:48s} levels {' + '.join(f'{b / 1e3:.0f}' for b in lv)} kB, examples {ex / 1e3:.0f} kB "
              f"({pay['examples']['count']} images): {(sum(lv) + ex) / 1e6:.2f} MB per atlas, five {5 * (sum(lv) + ex) / 1e6:.2f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=ROUNDS)
    ap.add_argument("--slice", type=float, default=SLICE_S)
    ap.add_argument("--width", type=int, default=1000, help="viewport width (the canvas is at most 640 px)")
    ap.add_argument("--phone", action="store_true", help="measure at 390×844 px, 2 device px per px, touch")
    ap.add_argument("--budget", action="store_true", help="also print the bytes of a few other encodings")
    args = ap.parse_args()
    if args.budget:
        budget_table()
    bokeh_mb = sum(os.path.getsize(p) for p in bokehjs_files()) / 1e6
    print(f"headless Chromium, {os.cpu_count()} cores, no GPU; {args.rounds} alternating slices of {args.slice:.1f} s "
          f"per loop; the standalone page includes {bokeh_mb:.1f} MB of BokehJS (the book serves it once, from _static)")
    with tempfile.TemporaryDirectory() as tmp:
        r = measure(Path(tmp), args.rounds, args.slice, args.width, args.phone)
    print(f"atlas: kept cells per level {r['cells']}, built in {r['build_s']:.1f} s, page {r['page_mb']:.2f} MB")
    for l, (n, raw, b64) in enumerate(zip(r["cells"], r["raw"], r["b64"]["levels"])):
        print(f"    level {l}: {n:5d} icons  {raw / 1e3:7.1f} kB WebP ({raw / n:5.0f} B/icon), {b64 / 1e3:7.1f} kB in the page")
    print(f"    examples: {r['ex_count']:5d} images {r['ex_raw'] / 1e3:7.1f} kB WebP, {r['b64']['examples'] / 1e3:7.1f} kB in the page")
    sheets = sum(r["b64"]["levels"]) + r["b64"]["examples"]
    print(f"    one atlas's figure output {r['item'] / 1e6:.2f} MB (sheets {sheets / 1e6:.2f} MB, the rest its arrays "
          f"and config); five: {5 * r['item'] / 1e6:.2f} MB (budget 6 MB for the page); examples: {EXAMPLES[0]}")
    print(f"zoom in and out (1× … {r['zmax']:.1f}×, levels drawn {r['levels']}), raster {r['W']}×{r['H']} px, "
          f"direct paint path: {r['direct']}, ≈{r['calls']:.0f} drawImage calls per frame")
    print(f"    figure {r['fig_fps']:6.1f} fps   bare canvas {r['raw_fps']:6.1f} fps   ratio {r['fig_fps'] / r['raw_fps']:.2f}"
          "  (goal ≥ 0.80 and ≥ 30 fps)")


if __name__ == "__main__":
    main()
