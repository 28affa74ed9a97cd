"""Time of each stage of one activation atlas: collect, attribute, UMAP, grid, icons.

    python benchmarks/bench_atlas.py                 # 50,000 CIFAR-10 training images, conv5, a 20×20 grid
    python benchmarks/bench_atlas.py --n 5000 --grid 10 --steps 32

Nothing is read from or written to the cache: every stage is computed. The issue's target is
an atlas of 50,000 activations with a 20×20 grid of icons in at most 10 minutes on a 2-core CPU;
the script prints each stage's seconds and the total against that budget.

It also measures, side by side on the same images, the attribution by one forward-mode pass
(what :func:`tourlib.atlas.attribute` does) against the K = 10 reverse-mode passes it replaced,
and prints the ratio (a noisy machine slows both alike).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch


def reverse_mode_attribution(model, images, acts, batch_size=250):
    """The K-backward-pass attribution (reference for the ratio): a_c = h · ∂z_c/∂h at the position."""
    from tourlib.atlas.relax import relaxed_max_pooling
    from tourlib.nets.inputs import images_to_tensor

    module = dict(model.named_modules())[acts.layer]
    kept = {}

    def leaf(_m, _i, y):
        kept["y"] = y.detach().requires_grad_(True)
        return kept["y"]

    handle = module.register_forward_hook(leaf)
    out = []
    try:
        with relaxed_max_pooling(model):
            for a in range(0, len(acts.values), batch_size):
                x = images_to_tensor(images[acts.image[a:a + batch_size]])
                z = model.logits(x)
                rows = torch.arange(len(x))
                ys = torch.from_numpy(acts.positions[a:a + batch_size, 0])
                xs = torch.from_numpy(acts.positions[a:a + batch_size, 1])
                h = kept["y"][rows, :, ys, xs]
                cols = []
                for c in range(z.shape[1]):
                    (g,) = torch.autograd.grad(z[:, c].sum(), kept["y"], retain_graph=c < z.shape[1] - 1)
                    cols.append((h * g[rows, :, ys, xs]).sum(1))
                out.append(torch.stack(cols, 1).detach().numpy())
    finally:
        handle.remove()
    return np.concatenate(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000, help="training images (one activation each)")
    ap.add_argument("--layer", default="conv5")
    ap.add_argument("--grid", type=int, default=20, help="grid size G (G×G cells)")
    ap.add_argument("--steps", type=int, default=128, help="optimisation steps per icon")
    ap.add_argument("--seeds", type=int, default=2, help="starts per icon (the best is kept)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ratio-n", type=int, default=2000, help="images for the forward/reverse attribution ratio")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    from tourlib import load_dataset
    from tourlib.atlas import attribute, cell_icons, collect, grid_cells, layout_2d
    from tourlib.nets.weights import load_zoo_model

    model = load_zoo_model("cifar-vgg")
    images = load_dataset("cifar10", "train").images[:args.n]
    times = {}
    t = time.perf_counter()
    acts = collect(model, images, args.layer, seed=0)
    times["collect"] = time.perf_counter() - t
    t = time.perf_counter()
    attr = attribute(model, images, acts)
    times["attribute"] = time.perf_counter() - t
    t = time.perf_counter()
    xy = layout_2d(acts.values, seed=0, cache=False)
    times["UMAP"] = time.perf_counter() - t
    t = time.perf_counter()
    grid = grid_cells(xy, acts.values, attr, size=args.grid, min_count=3)
    times["grid"] = time.perf_counter() - t
    t = time.perf_counter()
    icons = cell_icons(model, args.layer, grid.mean_activation, steps=args.steps, seeds=tuple(range(args.seeds)))
    times["icons"] = time.perf_counter() - t
    total = sum(times.values())
    print(f"atlas of {args.n:,} activations at {args.layer}, {args.grid}×{args.grid} grid "
          f"({len(grid.cells)} icons, {args.steps} steps × {args.seeds} seeds), {args.threads} threads")
    for k, v in times.items():
        print(f"  {k:10s} {v:8.1f} s")
    print(f"  {'total':10s} {total:8.1f} s = {total / 60:.1f} min  (budget 10 min: {total / 600:.2f} of it)")
    print(f"  icons improved their objective: {np.mean(icons.score > icons.start_score):.0%} of cells")

    sub = collect(model, images[:args.ratio_n], args.layer, seed=0)
    t = time.perf_counter()
    fwd = attribute(model, images[:args.ratio_n], sub)
    t_fwd = time.perf_counter() - t
    t = time.perf_counter()
    rev = reverse_mode_attribution(model, images[:args.ratio_n], sub)
    t_rev = time.perf_counter() - t
    err = np.abs(fwd - rev).max() / max(np.abs(rev).max(), 1e-12)
    print(f"attribution of {args.ratio_n:,} activations: forward mode {t_fwd:.1f} s, "
          f"10 reverse passes {t_rev:.1f} s: ratio {t_rev / t_fwd:.1f}× (max relative difference {err:.1e})")


if __name__ == "__main__":
    main()
