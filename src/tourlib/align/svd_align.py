"""SVD alignment of a dense linear layer ``Y = X M + b`` (row vectors, ``M`` is p×r).

With the full SVD ``M = U Σ Vᵀ`` (U p×p and V r×r orthogonal, Σ p×r with the singular
values σ_1 ≥ σ_2 ≥ … ≥ 0 on its diagonal),

    Y V = X U Σ + b V

so the layer, seen from the input basis U and the output basis V, only scales
coordinate j by σ_j and then translates by the rotated bias ``b V`` (the bias is
rotated with the output, never scaled). If p > r the last p − r aligned input
coordinates are dropped (projection); if p < r the last r − p output coordinates
receive only the bias (embedding). Both sides are zero-padded to a common width
(:mod:`tourlib.align.padding`).

Singular vectors are unique only up to sign, and up to a rotation within a repeated
singular value; any valid choice gives the same picture up to a rotation the Grand
Tour does not care about, and ``Y V = X U Σ + b V`` holds for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from .basis import complete_basis
from .checks import as_matrix
from .transition import Alignment

__all__ = ["LinearSVD", "linear_svd", "dense_alignment"]


@dataclass(frozen=True)
class LinearSVD:
    """Full SVD ``M = U diag(s) Vᵀ`` of a p×r matrix (row-vector layer ``Y = X M``).

    ``U`` (p×p) and ``V`` (r×r) are orthogonal; ``s`` has ``min(p, r)`` entries, descending.
    """

    U: np.ndarray
    s: np.ndarray
    V: np.ndarray

    def sigma(self) -> np.ndarray:
        """The p×r matrix Σ with ``s`` on its diagonal."""
        S = np.zeros((self.U.shape[0], self.V.shape[0]))
        np.fill_diagonal(S, self.s)
        return S


def linear_svd(M) -> LinearSVD:
    """Full SVD of ``M`` via :func:`scipy.linalg.svd` (``gesdd``, falling back to ``gesvd``)."""
    M = as_matrix(M, "M")
    try:
        U, s, Vt = scipy.linalg.svd(M, full_matrices=True, lapack_driver="gesdd")
    except np.linalg.LinAlgError:
        U, s, Vt = scipy.linalg.svd(M, full_matrices=True, lapack_driver="gesvd")
    return LinearSVD(U=U, s=s, V=Vt.T)


def dense_alignment(M, bias=None, *, kind: str = "linear") -> Alignment:
    """The :class:`~tourlib.align.transition.Alignment` of ``Y = X M + b``.

    ``in_basis = U``, ``out_basis = V``, ``scales = s``, ``shift = b V`` (length r).

    Computed from the thin SVD (k = min(p, r) singular triplets); the wider side's basis is
    completed by :func:`~tourlib.align.basis.complete_basis` (any orthonormal completion is a
    valid full SVD factor: it spans the null space of M, resp. Mᵀ), so a 784 → 5,760 layer
    never forms a 5,760×5,760 matrix.
    """
    M = as_matrix(M, "M")
    try:
        U, s, Vt = scipy.linalg.svd(M, full_matrices=False, lapack_driver="gesdd")
    except np.linalg.LinAlgError:
        U, s, Vt = scipy.linalg.svd(M, full_matrices=False, lapack_driver="gesvd")
    in_basis, out_basis = complete_basis(U), complete_basis(Vt.T)
    shift = None
    if bias is not None:
        b = np.asarray(bias, dtype=np.float64).reshape(-1)
        if b.shape != (M.shape[1],):
            raise ValueError(f"bias must have {M.shape[1]} entries (one per output), got {b.size}")
        shift = out_basis.rotate(b[None, :])[0]
    return Alignment(kind=kind, in_basis=in_basis, out_basis=out_basis, scales=s, shift=shift, exact=True)
