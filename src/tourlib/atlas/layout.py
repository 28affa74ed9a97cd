"""The atlas's 2-D layout: UMAP with the cosine metric, optional whitening, outliers clipped.

``layout_2d(values)`` embeds the activation vectors (``N×C`` rows) in 2-D with
umap-learn (``metric="cosine"``: the direction of an activation matters more than its
length), clips each coordinate to its ``[clip, 100 − clip]`` percentile range so that a
few outliers do not squeeze the rest into a corner, and rescales both axes to ``[0, 1]``.
:func:`whiten` (optional before the layout) is ZCA whitening, ``(X − μ) Σ^{−1/2}``
with a small ridge ``ε I`` added to the covariance ``Σ``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["whiten", "layout_2d"]


def whiten(values, eps: float = 1e-3) -> np.ndarray:
    """ZCA-whitened rows: ``(X − μ) (Σ + ε·mean(diag Σ)·I)^{−1/2}`` (row vectors, map on the right)."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2 or len(x) < 2:
        raise ValueError(f"values must be an N×C array with N ≥ 2, got shape {x.shape}")
    c = x - x.mean(axis=0)
    cov = c.T @ c / (len(x) - 1)
    w, v = np.linalg.eigh(cov + eps * np.mean(np.diag(cov)) * np.eye(len(cov)))
    return (c @ (v / np.sqrt(np.maximum(w, 1e-12))) @ v.T).astype(np.float32)


def layout_2d(values, *, seed: int, n_neighbors: int = 20, min_dist: float = 0.01, clip: float = 1.0,
              whitened: bool = False, cache: bool = True) -> np.ndarray:
    """``N×2`` layout of the activation rows in ``[0, 1]²`` (see the module docstring)."""
    from ..embed.layers import layer_umaps

    if not 0 <= clip < 50:
        raise ValueError(f"clip is a percentile in [0, 50), got {clip!r}")
    x = whiten(values) if whitened else np.asarray(values, dtype=np.float32)
    xy = layer_umaps([x], seed=seed, n_components=2, n_neighbors=n_neighbors, min_dist=min_dist,
                     metric="cosine", chained=False, cache=cache)[0].astype(np.float64)
    lo, hi = np.percentile(xy, [clip, 100 - clip], axis=0)
    xy = np.clip(xy, lo, hi)
    span = np.where(hi > lo, hi - lo, 1.0)
    return ((xy - lo) / span).astype(np.float32)
