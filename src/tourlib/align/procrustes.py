"""Orthogonal Procrustes: rotate one embedding of the same points onto another.

Convention (row vectors): ``A`` and ``B`` are N×d, row i of both is the same point
(e.g. two layers' activations, or UMAP embeddings of two epochs). We find the
orthogonal d×d ``R`` that minimises the Frobenius norm

    ‖A R − B‖_F          over RᵀR = I

and return ``A R`` (A moved onto B). With the SVD ``Aᵀ B = P S Qᵀ`` the minimiser is
``R = P Qᵀ`` (computed by :func:`scipy.linalg.orthogonal_procrustes`). ``R`` may contain
a reflection; ``rotation_only=True`` restricts to det R = +1 by flipping the sign of
the last singular pair when needed (Kabsch), which matters when a mirror image would
be misleading. Layers of different widths are zero-padded to the wider one first
(:mod:`tourlib.align.padding`); ``center=True`` removes both means first (then the
translation ``mean(B) − mean(A) R`` is part of the fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from .checks import as_rows
from .padding import pad_columns

__all__ = ["ProcrustesFit", "procrustes_align"]


@dataclass(frozen=True)
class ProcrustesFit:
    """Result of :func:`procrustes_align`.

    ``R`` (d×d orthogonal), ``aligned = (A − a) R + b`` (N×d; a, b the means when centred,
    else 0), ``residual = ‖aligned − B‖_F / ‖B − b‖_F`` (0 = perfect fit).
    """

    R: np.ndarray
    aligned: np.ndarray
    residual: float
    translation: np.ndarray


def procrustes_align(A, B, *, rotation_only: bool = False, center: bool = False) -> ProcrustesFit:
    """Orthogonal ``R`` minimising ``‖A R − B‖_F`` (see the module docstring)."""
    A, B = as_rows(A, "A"), as_rows(B, "B")
    if len(A) != len(B):
        raise ValueError(f"A and B must hold the same points (rows), got {len(A)} and {len(B)} rows")
    if len(A) < 2:
        raise ValueError("need at least 2 points to align")
    d = max(A.shape[1], B.shape[1])
    A, B = pad_columns(A, d), pad_columns(B, d)
    a = A.mean(axis=0) if center else np.zeros(d)
    b = B.mean(axis=0) if center else np.zeros(d)
    A0, B0 = A - a, B - b
    if rotation_only:
        P, _, Qt = scipy.linalg.svd(A0.T @ B0)
        if np.linalg.det(P) * np.linalg.det(Qt) < 0:
            P[:, -1] *= -1
        R = P @ Qt
    else:
        R, _ = scipy.linalg.orthogonal_procrustes(A0, B0)
    aligned = A0 @ R + b
    denom = np.linalg.norm(B0)
    residual = float(np.linalg.norm(aligned - B) / denom) if denom > 0 else float(np.linalg.norm(aligned - B))
    return ProcrustesFit(R=R, aligned=aligned, residual=residual, translation=b - a @ R)
