"""Measurements of softmax outputs (rows ``P``, ``n×K``, each on the probability simplex).

=========================  ==========================================================================
:func:`distance_to_corner` ``‖p − e_k‖`` with ``k`` the predicted class: an upper bound on the screen
                           distance from a point to handle ``k`` in every linear view
:func:`at_centre`          rows with all ``K`` probabilities within ``tol`` of ``1/K`` (the "no idea" point)
:func:`dead_classes`       classes no row gives more than ``1/K + tol`` (their logit never wins)
:func:`two_way_splits`     rows whose top two probabilities both lie in ``[low, high]``, and their
                           distance to the midpoint of those two corners
:func:`variance_shares`    share of the variance along each principal component (largest first)
:func:`mean_step`          over snapshots ``S`` (``T×n×K``): mean distance a point moves per step
:func:`median_top`         over snapshots: median top probability at each snapshot
=========================  ==========================================================================
"""

from __future__ import annotations

import numpy as np

__all__ = ["distance_to_corner", "at_centre", "dead_classes", "two_way_splits", "variance_shares", "mean_step",
           "median_top"]


def _rows(P, name="P") -> np.ndarray:
    P = np.asarray(P, dtype=np.float64)
    if P.ndim != 2 or P.shape[0] < 1 or P.shape[1] < 2:
        raise ValueError(f"{name} must be n×K softmax rows (K ≥ 2), got shape {P.shape}")
    if not np.isfinite(P).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return P


def _series(S, name="S") -> np.ndarray:
    S = np.asarray(S, dtype=np.float64)
    if S.ndim != 3 or S.shape[0] < 1 or S.shape[2] < 2:
        raise ValueError(f"{name} must be T×n×K snapshots of softmax rows, got shape {S.shape}")
    return S


def distance_to_corner(P) -> np.ndarray:
    """``‖p − e_k‖`` per row, ``k`` = the row's predicted class (arg-max)."""
    P = _rows(P)
    return np.linalg.norm(P - np.eye(P.shape[1])[P.argmax(axis=1)], axis=1)


def at_centre(P, tol: float = 1e-4) -> np.ndarray:
    """Boolean per row: ``max_j |p_j − 1/K| < tol`` (all probabilities equal, up to ``tol``)."""
    P = _rows(P)
    return np.abs(P - 1.0 / P.shape[1]).max(axis=1) < tol


def dead_classes(P, tol: float = 1e-3) -> list[int]:
    """Classes ``k`` with ``max_i P[i, k] ≤ 1/K + tol``: no row gives them more than a uniform share."""
    P = _rows(P)
    return [k for k in range(P.shape[1]) if P[:, k].max() <= 1.0 / P.shape[1] + tol]


def two_way_splits(P, low: float = 0.4, high: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """``(mask, distance)``: rows whose two largest probabilities both lie in ``[low, high]``, and for
    every row ``‖p − (e_a + e_b)/2‖`` with ``a, b`` its top two classes."""
    P = _rows(P)
    if not 0 <= low <= high <= 1:
        raise ValueError(f"need 0 ≤ low ≤ high ≤ 1, got low={low}, high={high}")
    top2 = np.sort(P, axis=1)[:, -2:]
    mask = (top2[:, 0] >= low) & (top2[:, 1] <= high)
    order = np.argsort(P, axis=1)[:, -2:]
    eye = np.eye(P.shape[1])
    mid = (eye[order[:, 0]] + eye[order[:, 1]]) / 2
    return mask, np.linalg.norm(P - mid, axis=1)


def variance_shares(X) -> np.ndarray:
    """``σ_i² / Σ σ_j²`` for the singular values of the centred rows: the share of the total variance
    along each principal component, largest first (all zeros if the rows coincide)."""
    X = _rows(X, "X")
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False) ** 2
    total = s.sum()
    return s / total if total > 0 else np.zeros_like(s)


def mean_step(S) -> np.ndarray:
    """``mean_i ‖S[t+1, i] − S[t, i]‖`` for ``t = 0 … T−2``: how far a point moves per step, on average."""
    S = _series(S)
    return np.linalg.norm(np.diff(S, axis=0), axis=2).mean(axis=1)


def median_top(S) -> np.ndarray:
    """The median over points of the top probability, at each snapshot (``T``)."""
    return np.median(_series(S).max(axis=2), axis=1)
