"""Compact encodings of the arrays a browser figure embeds.

Bokeh serialises numpy arrays as binary buffers (gzip, then base64) inside the page, so the
cost of a figure is the byte size of its arrays. Two encodings keep that small where the lost
precision cannot be seen:

Points: int16 with a scale and offset per column
    For an array ``X`` whose last axis has ``d`` columns, column ``j`` is stored as

        q[..., j] = round((X[..., j] − offset_j) / scale_j)        (int16, |q| ≤ 32767)
        offset_j  = (max_j + min_j) / 2,   scale_j = (max_j − min_j) / 65534

    (``scale_j = 1`` for a constant column) and decoded as ``x = q · scale + offset``. The
    decoding error is at most ``scale_j / 2 = (max_j − min_j) / 131068`` per entry: for a view
    whose width is the data's range this is 1/131068 of the view, far below one pixel. The
    browser (``tour_figure.js``) applies the same formula.

Images: uint8 thumbnails, N×h×w×c with c = 1 (grey) or 3 (RGB)
    Floats in [0, 1] are scaled by 255 and rounded; uint8 is kept as is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Largest code magnitude; −32768 is never produced, so the codes are symmetric.
INT16_MAX = 32767


@dataclass(frozen=True)
class QuantizedColumns:
    """``x ≈ q · scale + offset`` column-wise (see module doc)."""

    q: np.ndarray  # int16, same shape as the input
    scale: np.ndarray  # float64, (d,)
    offset: np.ndarray  # float64, (d,)

    @property
    def max_error(self) -> np.ndarray:
        """Per-column bound on ``|dequantize(q) − x|``: ``scale / 2`` (plus float rounding)."""
        return self.scale / 2


def quantize_columns(X: np.ndarray) -> QuantizedColumns:
    """Quantise ``X`` (…×d, finite) to int16 with one scale and offset per column (last axis)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 1 or X.shape[-1] == 0:
        raise ValueError(f"need an array whose last axis holds the d columns, got shape {X.shape}")
    if X.size == 0:
        raise ValueError(f"cannot quantise an empty array (shape {X.shape}); pass at least one point")
    if not np.isfinite(X).all():
        raise ValueError("cannot quantise NaN or infinite values; drop or impute those points first")
    flat = X.reshape(-1, X.shape[-1])
    lo, hi = flat.min(axis=0), flat.max(axis=0)
    offset = (hi + lo) / 2
    scale = (hi - lo) / (2 * INT16_MAX)
    scale[scale == 0] = 1.0
    q = np.rint((X - offset) / scale)
    np.clip(q, -INT16_MAX, INT16_MAX, out=q)
    return QuantizedColumns(q=q.astype(np.int16), scale=scale, offset=offset)


def dequantize(qc: QuantizedColumns) -> np.ndarray:
    """Decode :class:`QuantizedColumns` back to float64: ``q · scale + offset``."""
    return qc.q.astype(np.float64) * qc.scale + qc.offset


def thumbnails_uint8(images: np.ndarray) -> np.ndarray:
    """Images as a uint8 array N×h×w×c, c ∈ {1, 3}.

    Accepts N×h×w (grey), N×h×w×1, N×h×w×3, uint8 (0–255) or floats in [0, 1].
    """
    arr = np.asarray(images)
    if arr.ndim == 3:
        arr = arr[..., None]
    if arr.ndim != 4 or arr.shape[-1] not in (1, 3):
        raise ValueError(
            f"images must be N×h×w (grey) or N×h×w×3 (RGB), got shape {np.shape(images)}; "
            "reshape flat rows first, e.g. images.reshape(-1, 28, 28)"
        )
    if arr.dtype == np.uint8:
        return np.ascontiguousarray(arr)
    if arr.dtype.kind not in "fiub":
        raise TypeError(f"images must be numeric, got dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError("images contain NaN or infinite values")
    if arr.min() < 0 or arr.max() > 1:
        raise ValueError(
            f"float images must lie in [0, 1] (got range {arr.min():.3g}..{arr.max():.3g}); "
            "pass uint8 images or scale them, e.g. images / 255"
        )
    return np.rint(arr * 255).astype(np.uint8)
