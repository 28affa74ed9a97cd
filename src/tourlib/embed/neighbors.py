"""Neighbourhood measures: how faithful an embedding is to its data, and how pure classes are.

All take row vectors (``X`` is ``N×d``, ``Y`` its embedding ``N×p``) and use
Euclidean ``k``-nearest neighbours, a point never being its own neighbour.

* :func:`knn_preservation` — the mean fraction of each point's ``k`` nearest
  neighbours in ``X`` that are also among its ``k`` nearest in ``Y``:
  ``(1/N) Σ_i |N_k^X(i) ∩ N_k^Y(i)| / k`` (1 = every neighbourhood kept).
* :func:`trustworthiness` — scikit-learn's trustworthiness (Venna & Kaski):
  penalises points that are neighbours in ``Y`` but far in ``X``; 1 is perfect.
* :func:`knn_class_purity` — per class, the mean fraction of a point's ``k``
  neighbours that share its label.
* :func:`movement` — how far the same points move between two embeddings
  ``A`` and ``B`` of equal shape: ``(1/N) Σ_i ‖a_i − b_i‖`` divided by ``B``'s
  RMS radius (so 0 = no move, ~1.4 = unrelated layouts of the same spread).
"""

from __future__ import annotations

import numpy as np

from ..align.checks import as_rows

__all__ = ["knn_indices", "knn_preservation", "trustworthiness", "knn_class_purity", "movement"]


def _rows(x, name: str) -> np.ndarray:
    x = as_rows(x, name)
    if len(x) < 3:
        raise ValueError(f"{name} must have N ≥ 3 rows (points), got shape {x.shape}")
    return x


def _check_k(k, n: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise ValueError(f"k must be an int in [1, N) = [1, {n}), got {k!r}")
    return int(k)


def knn_indices(x, k: int) -> np.ndarray:
    """Indices ``N×k`` of each row's ``k`` nearest other rows (Euclidean), nearest first."""
    from sklearn.neighbors import NearestNeighbors

    x = _rows(x, "x")
    k = _check_k(k, len(x))
    nn = NearestNeighbors(n_neighbors=k + 1).fit(x)
    idx = nn.kneighbors(x, return_distance=False)
    # drop each point itself (normally column 0; with duplicates it may sit elsewhere)
    out = np.empty((len(x), k), dtype=np.int64)
    for i, row in enumerate(idx):
        row = row[row != i]
        out[i] = row[:k]
    return out


def knn_preservation(x, y, k: int = 10) -> float:
    """Mean fraction of the ``k`` nearest neighbours in ``x`` that stay among the ``k`` nearest in ``y``."""
    x, y = _rows(x, "x"), _rows(y, "y")
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same points, got {len(x)} and {len(y)} rows")
    a, b = knn_indices(x, k), knn_indices(y, k)
    shared = [len(np.intersect1d(a[i], b[i], assume_unique=True)) for i in range(len(x))]
    return float(np.mean(shared) / k)


def trustworthiness(x, y, k: int = 10) -> float:
    """scikit-learn's trustworthiness of embedding ``y`` of ``x`` with ``k`` neighbours (``k < N/2``)."""
    from sklearn.manifold import trustworthiness as _tw

    x, y = _rows(x, "x"), _rows(y, "y")
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same points, got {len(x)} and {len(y)} rows")
    if not 1 <= k < len(x) / 2:
        raise ValueError(f"k must be in [1, N/2) = [1, {len(x) / 2:g}), got {k!r}")
    return float(_tw(x, y, n_neighbors=int(k)))


def knn_class_purity(x, labels, k: int = 10, n_classes: int | None = None) -> np.ndarray:
    """Per class ``c``: the mean, over points labelled ``c``, of the fraction of their ``k`` neighbours labelled ``c``.

    Returns a float array of length ``n_classes`` (default ``max(labels) + 1``);
    a class with no points gets NaN.
    """
    x = _rows(x, "x")
    labels = np.asarray(labels)
    if labels.shape != (len(x),) or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
        raise ValueError(f"labels must be {len(x)} non-negative ints, one per row of x")
    n_classes = int(labels.max()) + 1 if n_classes is None else int(n_classes)
    same = (labels[knn_indices(x, k)] == labels[:, None]).mean(axis=1)
    out = np.full(n_classes, np.nan)
    for c in range(n_classes):
        if np.any(labels == c):
            out[c] = same[labels == c].mean()
    return out


def movement(a, b) -> float:
    """Mean distance between matching rows of ``a`` and ``b``, over ``b``'s RMS radius about its mean."""
    a, b = _rows(a, "a"), _rows(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    radius = np.sqrt(((b - b.mean(axis=0)) ** 2).sum(axis=1).mean())
    if radius == 0:
        raise ValueError("b has all points at one place; movement is undefined")
    return float(np.linalg.norm(a - b, axis=1).mean() / radius)
