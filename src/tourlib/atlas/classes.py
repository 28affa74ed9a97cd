"""Atlases of one class, and comparisons of two: which activations to keep, and where to put them.

``class_mask(A, c)`` (``A`` the ``N×K`` attributions) keeps the activations whose
strongest attribution is class ``c`` (``mode="top"``: ``argmax_k A[i, k] = c``), or
those whose attribution to ``c`` is in its top ``1 − quantile`` (``mode="magnitude"``:
``A[i, c] ≥ q``, ``q`` the ``quantile`` of ``A[:, c]``).

``comparison_layout`` places the activations whose strongest attribution is ``a`` or
``b`` on two axes: ``x`` is the normalised attribution difference

    d_i = (A[i, b] − A[i, a]) / (|A[i, a]| + |A[i, b]|)   ∈ [−1, 1],   x = (d + 1) / 2,

so ``x < ½`` favours ``a`` and ``x > ½`` favours ``b``; ``y`` is a 1-D UMAP (cosine)
of the activations, clipped to its ``[clip, 100 − clip]`` percentiles and scaled to
``[0, 1]``, so similar activations sit at similar heights.
"""

from __future__ import annotations

import numpy as np

__all__ = ["class_mask", "comparison_layout", "attribution_difference", "favouring_cells"]


def _check(attributions, *classes) -> np.ndarray:
    a = np.asarray(attributions)
    if a.ndim != 2:
        raise ValueError(f"attributions must be N×K, got shape {a.shape}")
    for c in classes:
        if isinstance(c, bool) or not isinstance(c, (int, np.integer)) or not 0 <= c < a.shape[1]:
            raise ValueError(f"class {c!r} is not a class code 0..{a.shape[1] - 1}")
    return a


def class_mask(attributions, cls: int, *, mode: str = "top", quantile: float = 0.9) -> np.ndarray:
    """Boolean ``N`` mask of the activations kept for class ``cls``'s atlas (see the module docstring)."""
    a = _check(attributions, cls)
    if mode == "top":
        return np.argmax(a, axis=1) == cls
    if mode == "magnitude":
        if not 0 <= quantile < 1:
            raise ValueError(f"quantile must be in [0, 1), got {quantile!r}")
        return a[:, cls] >= np.quantile(a[:, cls], quantile)
    raise ValueError(f"mode must be 'top' or 'magnitude', got {mode!r}")


def attribution_difference(attributions, a: int, b: int) -> np.ndarray:
    """``d = (A[:, b] − A[:, a]) / (|A[:, a]| + |A[:, b]|)`` in ``[−1, 1]`` (0 where both are 0)."""
    att = _check(attributions, a, b)
    den = np.abs(att[:, a]) + np.abs(att[:, b])
    return np.divide(att[:, b] - att[:, a], den, out=np.zeros(len(att)), where=den > 0)


def comparison_layout(values, attributions, a: int, b: int, *, seed: int, clip: float = 1.0,
                      n_neighbors: int = 20, cache: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``(keep, xy)``: indices of the activations whose strongest class is ``a`` or ``b``, and their places."""
    from ..embed.layers import layer_umaps

    att = _check(attributions, a, b)
    if a == b:
        raise ValueError("a comparison needs two different classes")
    values = np.asarray(values, dtype=np.float32)
    if len(values) != len(att):
        raise ValueError(f"{len(values)} activations but {len(att)} attributions")
    top = np.argmax(att, axis=1)
    keep = np.flatnonzero((top == a) | (top == b))
    if len(keep) <= n_neighbors + 2:
        raise ValueError(f"only {len(keep)} activations favour class {a} or {b}: too few for a comparison")
    x = (attribution_difference(att[keep], a, b) + 1) / 2
    y = layer_umaps([values[keep]], seed=seed, n_components=1, n_neighbors=n_neighbors, min_dist=0.01,
                    metric="cosine", chained=False, cache=cache)[0][:, 0].astype(np.float64)
    lo, hi = np.percentile(y, [clip, 100 - clip])
    y = (np.clip(y, lo, hi) - lo) / (hi - lo if hi > lo else 1.0)
    return keep, np.stack([x, y], axis=1).astype(np.float32)


def favouring_cells(grid, a: int, b: int, k: int = 1, *, min_count: int = 1) -> np.ndarray:
    """Indices of the ``k`` cells of ``grid`` whose mean attribution favours ``b`` over ``a`` most.

    Ranked by :func:`attribution_difference` of the cells' mean attributions (largest first),
    among cells with at least ``min_count`` activations. These are the icons a patch
    attack on class ``a`` towards ``b`` starts from.
    """
    d = attribution_difference(grid.mean_attribution, a, b)
    ok = np.flatnonzero(grid.count >= min_count)
    if not len(ok):
        raise ValueError(f"no cell has {min_count} or more activations")
    return ok[np.argsort(-d[ok], kind="stable")[:k]]
