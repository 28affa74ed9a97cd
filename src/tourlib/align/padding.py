"""Zero padding: showing layers of different widths in one space.

A layer with r neurons and a layer with p ≠ r neurons cannot be interpolated
directly. We embed both in ``R^D`` with ``D ≥ max(p, r)`` by appending zero
coordinates (row vectors: ``[X, 0]`` is N×D). Appending zeros is an isometry, so
distances and angles between points are unchanged, and a Grand Tour of the padded
points shows exactly the original cloud (the extra axes carry nothing).

With a linear map ``M = U Σ Vᵀ`` (p×r), the aligned input ``X U`` is padded to D and
so is the aligned output ``Y V``: if p > r the layer *projects* (the last p − r
aligned input coordinates shrink to 0), if p < r it *embeds* (the output has r − p
coordinates the input never had, which are 0 up to the bias).
"""

from __future__ import annotations

import numpy as np

from .checks import as_rows, check_width

__all__ = ["pad_columns", "common_width"]


def pad_columns(X, width: int) -> np.ndarray:
    """Append zero columns to the N×d array ``X`` so that it is N×``width`` (float32 stays
    float32, anything else becomes float64).

    Raises ``ValueError`` if ``width < d`` (padding never drops coordinates).
    """
    X = as_rows(X, "X", keep_float32=True)
    width = check_width(width, X.shape[1])
    if width == X.shape[1]:
        return X
    out = np.zeros((X.shape[0], width), dtype=X.dtype)
    out[:, : X.shape[1]] = X
    return out


def common_width(*dims: int) -> int:
    """The smallest width that holds every given layer width: ``max(dims)``."""
    if not dims or any(int(d) <= 0 for d in dims):
        raise ValueError(f"common_width needs positive layer widths, got {dims!r}")
    return int(max(dims))
