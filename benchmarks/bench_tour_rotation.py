"""Per-frame cost of the Grand Tour rotation at d = 512: block (closed-form) method vs plane-rotation product.

Measures, in one run, in Python (numpy, one thread) and in JavaScript (Node, via
bench_tour_rotation.js):

* block screen basis   ``G(t)[:, :2] = (G_b Q)(R(φ) Qᵀ[:, :2])``, O(d²) — what a display needs per frame;
* block full matrix    ``G(t) = (G_b Q) R(φ) Qᵀ``, O(d³) (one d×d product);
* reference            ``G_b · P_1(φ_1) ⋯ P_m(φ_m)``, m = d/2 plane rotations applied to the whole
  view as rank-2 updates, O(d³) per frame (tourlib.tour.givens.plane_rotation_product);

and prints the ratios reference / block. Goal: screen basis ≥ 50× faster than the reference.
Each side also checks that the reference and the engine give the same matrix.

The torus path (``GrandTour(d, path="torus")``, Asimov's torus method, d(d−1)/2 plane rotations):

* torus screen basis   ``G(t)[:, :2] = G_b (B_0 B_1 E)``, O(d²) — only the 2d − 3 factors that
  touch ``E`` are applied (the others leave it unchanged exactly);
* full d×d product     ``G_b R_(0,1) R_(0,2) ⋯ R_(d−2,d−1)``, all d(d−1)/2 Givens factors multiplied
  out every frame (the original article's method), each factor a two-column update, O(d³):
  Python ``GrandTour.matrix`` (numpy, 2d − 3 stages of disjoint planes) and
  ``givens.torus_two_column_product`` (one plane per Python iteration); JS: a plain loop in
  bench_tour_rotation.js and ``GrandTour.matrix``;

and prints the ratios full product / screen basis (goal ≥ 50×). Checks: the screen basis equals the
first two columns of the full product, and the references equal the engine's matrix.

usage: python benchmarks/bench_tour_rotation.py [--dim 512] [--seed 0]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from tourlib.tour import GrandTour  # noqa: E402
from tourlib.tour.givens import plane_rotation_product, torus_two_column_product  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "src" / "tourlib" / "viz" / "js" / "tour_engine.js"
HELPER = Path(__file__).with_suffix(".js")
DT = 1 / 60


def per_call(f, reps: int, batch: int = 1) -> float:
    """Median seconds per call of ``f(k)`` over ``reps`` timed batches of ``batch`` calls (one warm-up)."""
    f(0)
    times = []
    for r in range(reps):
        t0 = time.perf_counter()
        for k in range(batch):
            f(r * batch + k + 1)
        times.append((time.perf_counter() - t0) / batch)
    return statistics.median(times)


def python_side(dim: int, seed: int) -> dict:
    tour = GrandTour(dim, seed=seed)
    screen = per_call(lambda k: tour.screen_basis(k * DT), reps=25, batch=200)
    matrix = per_call(lambda k: tour.matrix(k * DT), reps=7)
    reference = per_call(lambda k: plane_rotation_product(tour.base_view, tour.Q, tour.omega, k * DT), reps=5)
    t = 12.34
    diff = np.abs(plane_rotation_product(tour.base_view, tour.Q, tour.omega, t) - tour.matrix(t)).max()
    return dict(screen=screen, matrix=matrix, reference=reference, maxDiff=float(diff))


def python_torus(dim: int, seed: int) -> dict:
    tour = GrandTour(dim, seed=seed, path="torus")
    screen = per_call(lambda k: tour.screen_basis(k * DT), reps=25, batch=200)
    full = per_call(lambda k: tour.matrix(k * DT), reps=5)
    loop = per_call(lambda k: torus_two_column_product(tour.base_view, tour.omega_planes, k * DT), reps=3)
    t = 12.34
    G = tour.matrix(t)
    return dict(screen=screen, full=full, loop=loop,
                screenDiff=float(np.abs(tour.screen_basis(t) - G[:, :2]).max()),
                loopDiff=float(np.abs(torus_two_column_product(tour.base_view, tour.omega_planes, t) - G).max()))


def js_side(dim: int, seed: int) -> dict | None:
    node = shutil.which("node")
    if node is None:
        print("node not found: JS side skipped")
        return None
    run = subprocess.run([node, str(HELPER), str(ENGINE), str(dim), str(seed)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def report(name: str, r: dict) -> None:
    print(f"{name:<6} block screen basis {r['screen'] * 1e6:10.1f} us/frame | block full matrix "
          f"{r['matrix'] * 1e3:8.2f} ms/frame | plane-rotation reference {r['reference'] * 1e3:8.2f} ms/frame "
          f"| max |ref - block| = {r['maxDiff']:.1e}")
    print(f"{name:<6} ratio reference/screen basis = {r['reference'] / r['screen']:8.0f}x   "
          f"ratio reference/full matrix = {r['reference'] / r['matrix']:6.1f}x   "
          f"(goal >= 50x for the screen basis: {'met' if r['reference'] / r['screen'] >= 50 else 'NOT met'})")


def report_torus(name: str, r: dict, loop_label: str) -> None:
    extra = ""
    if "allPlanes" in r:
        extra = (f" | screen basis with all d(d-1)/2 factors on the d×2 matrix {r['allPlanes'] * 1e3:7.2f} ms/frame "
                 f"(max diff {r['allPlanesDiff']:.1e})")
    print(f"{name:<6} torus screen basis {r['screen'] * 1e6:10.1f} us/frame | full d×d Givens product: engine "
          f"matrix {r['full'] * 1e3:8.2f} ms/frame, {loop_label} {r['loop'] * 1e3:8.2f} ms/frame{extra}")
    print(f"{name:<6} torus ratio full product/screen basis = {r['full'] / r['screen']:8.0f}x (engine matrix), "
          f"{r['loop'] / r['screen']:8.0f}x ({loop_label})   (goal >= 50x: "
          f"{'met' if min(r['full'], r['loop']) / r['screen'] >= 50 else 'NOT met'})   "
          f"max |screen - full[:, :2]| = {r['screenDiff']:.1e}, max |{loop_label} - matrix| = {r['loopDiff']:.1e}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dim", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"Grand Tour per-frame rotation cost, d = {args.dim}, seed = {args.seed}, one thread")
    report("python", python_side(args.dim, args.seed))
    js = js_side(args.dim, args.seed)
    if js is not None:
        report("js", js)
    print(f"Torus path (d(d-1)/2 = {args.dim * (args.dim - 1) // 2} plane rotations), d = {args.dim}, one thread")
    report_torus("python", python_torus(args.dim, args.seed), "one-plane-per-iteration loop")
    if js is not None:
        report_torus("js", js["torus"], "plain loop")


if __name__ == "__main__":
    main()
