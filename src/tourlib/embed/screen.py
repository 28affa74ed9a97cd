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
* **Series normalisation** (:func:`normalize_series`): one mean and one RMS
  radius for all layouts of a series together. Use it when the layouts share
  units -- a fixed linear map drawn with fixed axes, as in an animation or in
  panels that share their axis ranges: a still point then stays exactly still,
  while per-layout normalisation would move it whenever the rest of the cloud
  grows, shrinks or shifts.
* **Alignment** (:func:`align_screen`, :func:`rotate_onto`): the orthogonal 2×2 matrix ``Q``
  (rotation, or rotation and reflection) minimising ``‖Ŷ Q − R̂‖_F`` for a
  reference ``R̂`` (:func:`tourlib.align.procrustes.procrustes_align`, the book's one Procrustes), applied as
  ``Ŷ Q``. t-SNE and UMAP are blind to rotations and reflections of their
  output, so without this an arbitrary spin of a panel would count as motion.
  Translation and scale are already fixed by the normalisation; the scale is
  *not* refitted by least squares, because the best-fitting scale between two
  unit-RMS layouts is below 1 whenever they differ and would shrink -- and so
  flatter -- exactly the layouts that changed most.
"""

from __future__ import annotations

import numpy as np
from ..align.procrustes import procrustes_align

__all__ = ["normalize_screen", "normalize_series", "rotate_onto", "align_screen", "align_series",
           "check_screen_series"]


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


def normalize_series(series) -> np.ndarray:
    """``(Y_t − m) / r`` for every layout, with ``m`` and ``r`` the mean point and RMS radius of all
    layouts' points together (all zeros if every point of every layout coincides). Float64 ``T×n×2``.
    """
    y = check_screen_series(series)
    centred = y - y.reshape(-1, 2).mean(axis=0)
    r = np.sqrt((centred ** 2).sum(axis=2).mean())
    return centred / r if r > 0 else np.zeros_like(centred)


def rotate_onto(y, reference) -> np.ndarray:
    """``y @ Q`` with the orthogonal 2×2 ``Q`` minimising ``‖y Q − reference‖_F`` (about the origin; no
    centring or scaling). Both layouts hold the same ``n`` points in the same order.
    """
    y = _check_layout(y, "y")
    ref = _check_layout(reference, "reference")
    if ref.shape != y.shape:
        raise ValueError(f"reference and y must hold the same points: shapes {ref.shape} and {y.shape}")
    return procrustes_align(y, ref).aligned


def align_screen(reference, y) -> np.ndarray:
    """``normalize_screen(y) @ Q`` with the orthogonal ``Q`` that best matches ``normalize_screen(reference)``.

    Both layouts hold the same ``n`` points in the same order. The result has mean 0
    and RMS radius 1 (unless degenerate).
    """
    return rotate_onto(normalize_screen(y), normalize_screen(reference))


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
