"""Input checks shared by :mod:`tourlib.align`: each raises an error that names the
problem and the fix, in the scikit-learn style ("expected …, got …")."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_rows", "as_matrix", "as_shape", "check_width", "check_t"]


def as_rows(X, name: str = "X", *, width: int | None = None, keep_float32: bool = False) -> np.ndarray:
    """Return ``X`` as a finite float64 ``N×d`` array of row vectors (one row per point);
    with ``keep_float32`` a float32 array stays float32 (halves memory for big layers).

    Raises ``ValueError`` if ``X`` is not 2-D, has NaN/inf, or (when ``width`` is
    given) does not have ``width`` columns.
    """
    arr = _to_numpy(X)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array N×d of row vectors (one point per row), got shape "
            f"{arr.shape}; flatten feature maps in C×H×W order first, e.g. X.reshape(len(X), -1)"
        )
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if not (keep_float32 and arr.dtype == np.float32):
        arr = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; clean or drop those rows first")
    if width is not None and arr.shape[1] != width:
        raise ValueError(f"{name} must have {width} columns for this layer, got {arr.shape[1]}")
    return arr


def as_matrix(M, name: str = "M") -> np.ndarray:
    """Return ``M`` as a finite, non-empty float64 2-D array."""
    arr = _to_numpy(M)
    if arr.ndim != 2 or 0 in arr.shape:
        raise ValueError(f"{name} must be a non-empty 2-D matrix, got shape {arr.shape}")
    arr = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def as_shape(shape, name: str = "in_shape", ndim: int = 3) -> tuple[int, ...]:
    """Return ``shape`` as a tuple of ``ndim`` positive ints (e.g. ``(C, H, W)``)."""
    try:
        tup = tuple(int(s) for s in shape)
    except TypeError:
        raise ValueError(f"{name} must be a tuple of {ndim} positive ints, got {shape!r}") from None
    if len(tup) != ndim or any(s <= 0 for s in tup):
        raise ValueError(f"{name} must be a tuple of {ndim} positive ints (C, H, W), got {shape!r}")
    return tup


def check_width(width, needed: int) -> int:
    """Return the padded width ``D``: ``needed`` when ``width`` is None, else ``width``
    provided it is an int ≥ ``needed``."""
    if width is None:
        return needed
    if not isinstance(width, numbers.Integral) or width < needed:
        raise ValueError(
            f"width must be an int ≥ {needed} (the widest layer involved), got {width!r}; "
            "pass width=None to use the smallest width that fits"
        )
    return int(width)


def check_t(t) -> np.ndarray:
    """Return interpolation time(s) ``t`` as a float array, all in [0, 1]."""
    arr = np.asarray(t, dtype=np.float64)
    if arr.ndim > 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"t must be a number or 1-D sequence of numbers in [0, 1], got {t!r}")
    return arr


def _to_numpy(a) -> np.ndarray:
    if hasattr(a, "detach") and hasattr(a, "cpu"):  # a torch tensor, without importing torch
        a = a.detach().cpu().numpy()
    return np.asarray(a)
