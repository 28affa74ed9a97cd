"""Screen coordinates made comparable: normalise each 2-D layout, and align consecutive layouts.

Conventions: a layout ``Y`` is ``n×2`` (row ``i`` = point ``i`` on screen); a
series is ``T×n×2``.

* **Normalisation** (:func:`normalize_screen`): ``Ŷ = (Y − ȳ) / r`` with ``ȳ`` the
  mean point and ``r = sqrt(mean_i ‖y_i − ȳ‖²)`` the RMS radius, so every layout
  has mean 0 and RMS radius 1. A t-SNE layout spans tens of units and a softmax
  projection less than one; after this, distances moved are in units of "the
  layout's own size", which is also what one sees in small multiples whose
  panels each fit their own data. A layout with all points in one place
  (``r = 0``) normalises to all zeros.
* **Alignment** (:func:`align_screen`): the orthogonal 2×2 matrix ``Q``
  (rotation, or rotation and reflection) minimising ``‖Ŷ Q − R̂‖_F`` for a
  reference ``R̂`` (:func:`scipy.linalg.orthogonal_procrustes`), applied as
  ``Ŷ Q``. t-SNE and UMAP are blind to rotations and reflections of their
  output, so without this an arbitrary spin of a panel would count as motion.
  Translation and scale are already fixed by the normalisation; the scale is
  *not* refitted by least squares, because the best-fitting scale between two
  unit-RMS layouts is below 1 whenever they differ and would shrink -- and so
  flatter -- exactly the layouts that changed most.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes

__all__ = ["normalize_screen", "align_screen", "align_series", "check_screen_series"]


def _check_layout(y, name: str) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 2 or y.shape[1] != 2 or y.shape[0] < 1:
        raise ValueError(f"{name} must be an n×2 layout (points × screen x, y), got shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError(f"{name} contains NaN or infinite coordinates")
    return y


def check_screen_series(series, name: str = "screen_series") -> np.ndarray:
    """``series`` as a float64 ``T×n×2`` array of finite values, or a ``ValueError`` saying what is wrong."""
    y = np.asarray(series, dtype=np.float64)
    if y.ndim != 3 or y.shape[2] != 2:
        raise ValueError(f"{name} must be T×n×2 (epochs × points × screen x, y), got shape {y.shape}")
    if y.shape[0] < 1 or y.shape[1] < 1:
        raise ValueError(f"{name} is empty: shape {y.shape}")
    if not np.isfinite(y).all():
        raise ValueError(f"{name} contains NaN or infinite coordinates")
    return y


def normalize_screen(y) -> np.ndarray:
    """``(Y − ȳ) / r``: mean 0 and RMS radius ``r`` = 1 (all zeros if every point coincides)."""
    y = _check_layout(y, "y")
    centred = y - y.mean(axis=0)
    r = np.sqrt((centred ** 2).sum(axis=1).mean())
    return centred / r if r > 0 else np.zeros_like(centred)


def align_screen(reference, y) -> np.ndarray:
    """``normalize_screen(y) @ Q`` with the orthogonal ``Q`` that best matches ``normalize_screen(reference)``.

    Both layouts hold the same ``n`` points in the same order. The result has mean 0
    and RMS radius 1 (unless degenerate).
    """
    ref = normalize_screen(reference)
    yn = normalize_screen(y)
    if ref.shape != yn.shape:
        raise ValueError(f"reference and y must hold the same points: shapes {ref.shape} and {yn.shape}")
    q, _ = orthogonal_procrustes(yn, ref)
    return yn @ q


def align_series(series) -> np.ndarray:
    """Normalise every layout of a ``T×n×2`` series and align each to the already aligned one before it.

    Layout 0 is only normalised. Use it to draw t-SNE / UMAP panels side by side
    without arbitrary spins between epochs. Returns float64 ``T×n×2``.
    """
    y = check_screen_series(series)
    out = np.empty_like(y)
    out[0] = normalize_screen(y[0])
    for t in range(1, len(y)):
        out[t] = align_screen(out[t - 1], y[t])
    return out
