"""Times (and quality) of the embedding series in tourlib.embed, on one core.

Measures, for T epochs × n points of softmax activations:

* scikit-learn t-SNE of one epoch with ``max_iter`` 500 (tourlib's default) and
  1000 (scikit-learn's): seconds, final KL divergence, and trustworthiness
  (k = 10 neighbours; 1 = every embedded neighbour is a true neighbour);
* ``tsne_series`` and ``umap_series``, independent and chained, uncached;
  UMAP's one-off numba compilation is timed separately (a warm-up on tiny data);
* ``pca_series`` and ``fixed_linear_series``.

Usage::

    TOURBOOK_DATA=/work/shared/data python benchmarks/bench_embed.py [--first 0 --last 5] [--split test]

With ``$TOURBOOK_DATA`` it embeds the cached default MNIST run
(``record_training("mnist", seed=0)``, training it once if needed); without it,
Dirichlet-distributed stand-ins for softmax vectors of the same shape.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def snapshots(first: int, last: int, split: str, n: int) -> tuple[np.ndarray, str]:
    if os.environ.get("TOURBOOK_DATA"):
        from tourlib.nets import record_training

        run = record_training("mnist", seed=0, progress=False)
        return run.softmax[split][first:last + 1, :n], f"MNIST default run, {split} softmax"
    rng = np.random.default_rng(0)
    return (rng.dirichlet(np.full(10, 0.3), size=(last - first + 1, n)).astype(np.float32),
            "synthetic Dirichlet softmax")


def timed(f, *args, **kwargs):
    t0 = time.perf_counter()
    out = f(*args, **kwargs)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--last", type=int, default=5)
    ap.add_argument("--split", default="test")
    ap.add_argument("--n", type=int, default=1000)
    args = ap.parse_args()

    from sklearn.manifold import TSNE, trustworthiness

    from tourlib.embed import fixed_linear_series, pca_basis, pca_series, tsne_series, umap_series

    x, what = snapshots(args.first, args.last, args.split, args.n)
    t, n, d = x.shape
    print(f"{what}: T={t} epochs ({args.first}..{args.last}) × n={n} points × d={d}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")

    print("\nt-SNE, one epoch (the last), random init, seed 0:")
    for max_iter in (500, 1000):
        tsne = TSNE(perplexity=30, max_iter=max_iter, init="random", random_state=0,
                    learning_rate=max(n / 48, 50), n_jobs=1)
        y, sec = timed(tsne.fit_transform, x[-1])
        tw = trustworthiness(x[-1], y, n_neighbors=10)
        print(f"  max_iter={max_iter:5d}: {sec:6.2f} s   KL={tsne.kl_divergence_:.3f}   "
              f"trustworthiness(10)={tw:.4f}")

    print("\nSeries (uncached):")
    for chained in (False, True):
        _, sec = timed(tsne_series, x, seed=0, chained=chained, cache=False)
        print(f"  tsne_series chained={chained!s:5}: {sec:6.2f} s  ({sec / t:.2f} s/epoch)")
    tiny = np.random.default_rng(1).random((1, 60, d)).astype(np.float32)
    _, sec = timed(umap_series, tiny, seed=0, n_neighbors=5, cache=False)
    print(f"  umap warm-up (numba compilation, 60 points): {sec:6.2f} s")
    for chained in (False, True):
        _, sec = timed(umap_series, x, seed=0, chained=chained, cache=False)
        print(f"  umap_series chained={chained!s:5}: {sec:6.2f} s  ({sec / t:.2f} s/epoch)")
    _, sec = timed(pca_series, x)
    print(f"  pca_series: {sec * 1e3:.1f} ms")
    _, sec = timed(fixed_linear_series, x, pca_basis(x[-1]))
    print(f"  fixed_linear_series: {sec * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
