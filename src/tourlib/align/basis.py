"""Orthonormal bases as operators, and the coordinate embeddings between spaces.

Convention (row vectors, as everywhere in tourlib): a point is a row ``x`` (1×d), a
data set is ``X`` (N×d), and a basis is an orthogonal d×d matrix ``B`` whose
*columns* are the basis vectors. The coordinates of the points in that basis are

    rotate(X)   = X @ B          (N×d)
    unrotate(Z) = Z @ Bᵀ         (the inverse: back to raw coordinates)

Large layers never form ``B`` (a 64-channel 32×32 feature map has d = 65,536);
they only need ``rotate`` and ``unrotate``. :class:`Basis` is that interface,
:class:`DenseBasis` the explicit-matrix case, :class:`IdentityBasis` the raw
basis (used by component-wise layers), and :class:`~tourlib.align.conv_svd.FourierBasis`
the FFT-applied bases of convolutions.

:class:`CoordinateEmbedding` puts an r-dimensional vector into a larger D-dimensional
space by placing its entries at chosen coordinates and zeros elsewhere (zero padding
is the special case "the first r coordinates").
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np
import scipy.linalg
from scipy.linalg import lapack

from .checks import as_matrix, as_rows

__all__ = ["Basis", "DenseBasis", "IdentityBasis", "CompletedBasis", "complete_basis",
           "CoordinateEmbedding", "ORTHO_TOL"]

#: Largest ``max|BᵀB − I|`` accepted for a matrix said to be orthogonal.
ORTHO_TOL = 1e-8


class Basis(ABC):
    """An orthogonal change of basis ``B`` (``dim × dim``), applied to row vectors."""

    dim: int

    @abstractmethod
    def rotate(self, X: np.ndarray) -> np.ndarray:
        """Coordinates of the rows of ``X`` (N×dim) in this basis: ``X @ B``."""

    @abstractmethod
    def unrotate(self, Z: np.ndarray) -> np.ndarray:
        """Back to raw coordinates: ``Z @ Bᵀ`` (the inverse of :meth:`rotate`)."""

    def matrix(self) -> np.ndarray:
        """The dense ``dim × dim`` matrix ``B`` (columns = basis vectors); small bases only."""
        if self.dim > 20_000:
            raise MemoryError(
                f"refusing to form a dense {self.dim}×{self.dim} basis; use rotate/unrotate instead"
            )
        return self.rotate(np.eye(self.dim))

    def _rows(self, X, name: str) -> np.ndarray:
        return as_rows(X, name, width=self.dim)


class DenseBasis(Basis):
    """An explicit orthogonal matrix ``B``; ``rotate(X) = X @ B``.

    Raises ``ValueError`` if ``B`` is not square or not orthogonal to within
    :data:`ORTHO_TOL` (checked as ``max|BᵀB − I|``).
    """

    def __init__(self, B, *, check: bool = True):
        B = as_matrix(B, "B")
        if B.shape[0] != B.shape[1]:
            raise ValueError(f"a basis must be a square matrix, got shape {B.shape}")
        if check:
            err = float(np.max(np.abs(B.T @ B - np.eye(B.shape[0]))))
            if err > ORTHO_TOL:
                raise ValueError(
                    f"B is not orthogonal (max|BᵀB − I| = {err:.2e} > {ORTHO_TOL}); "
                    "pass the U or V factor of an SVD, or orthonormalise it (scipy.linalg.qr)"
                )
        self.B = B
        self.dim = B.shape[0]

    def rotate(self, X):
        return self._rows(X, "X") @ self.B

    def unrotate(self, Z):
        return self._rows(Z, "Z") @ self.B.T

    def matrix(self):
        return self.B.copy()

    def __repr__(self):
        return f"DenseBasis(dim={self.dim})"


class IdentityBasis(Basis):
    """The raw (standard) basis: ``rotate`` and ``unrotate`` return their input."""

    def __init__(self, dim: int):
        if int(dim) <= 0:
            raise ValueError(f"dim must be a positive int, got {dim!r}")
        self.dim = int(dim)

    def rotate(self, X):
        return self._rows(X, "X").copy()

    def unrotate(self, Z):
        return self._rows(Z, "Z").copy()

    def __repr__(self):
        return f"IdentityBasis(dim={self.dim})"


class CompletedBasis(Basis):
    """``B = [W, W⊥]``: orthonormal columns ``W`` (n×k, k < n) completed to an orthogonal n×n
    basis without forming it.

    ``W⊥`` comes from the Householder QR of W (LAPACK ``geqrf``): ``W = Q R`` with R diagonal
    (±1, because W's columns are orthonormal), so ``B = Q · diag(sign R, 1, …, 1)`` has W as
    its first k columns. ``rotate`` / ``unrotate`` apply Q with LAPACK ``ormqr``: O(N·n·k),
    like multiplying by W alone. Used for the wide side of a dense layer's SVD (e.g. a
    784 → 5,760 convolution, where the full 5,760×5,760 V would cost 265 MB and a slow SVD).
    """

    def __init__(self, W):
        W = as_matrix(W, "W")
        n, k = W.shape
        if k >= n:
            raise ValueError(f"W must have fewer columns than rows to be completed, got {W.shape}")
        (self._qr, self._tau), R = scipy.linalg.qr(W, mode="raw")
        d = np.sign(np.diag(R))
        if np.abs(np.abs(np.diag(R)) - 1).max() > 1e-8:
            raise ValueError("W's columns are not orthonormal; pass the thin factor of an SVD")
        self._signs = np.concatenate([d, np.ones(n - k)])
        self.dim, self.k = n, k

    def _apply(self, C, trans):
        C = np.asfortranarray(C)
        out, _, info = lapack.dormqr("R", trans, self._qr, self._tau, C, lwork=max(1, C.shape[0] * 64))
        if info != 0:
            raise RuntimeError(f"LAPACK dormqr failed (info={info})")
        return out

    def rotate(self, X):
        X = self._rows(X, "X")
        return np.ascontiguousarray(self._apply(X, "N") * self._signs) if len(X) else X.copy()

    def unrotate(self, Z):
        Z = self._rows(Z, "Z")
        return np.ascontiguousarray(self._apply(Z * self._signs, "T")) if len(Z) else Z.copy()

    def __repr__(self):
        return f"CompletedBasis(dim={self.dim}, given={self.k})"


def complete_basis(W) -> Basis:
    """An orthogonal basis whose first columns are the orthonormal columns of ``W`` (n×k):
    ``W`` itself when square, else a :class:`CompletedBasis`."""
    W = as_matrix(W, "W")
    return DenseBasis(W, check=False) if W.shape[0] == W.shape[1] else CompletedBasis(W)


class CoordinateEmbedding:
    """Place r-vectors into a D-dimensional space at coordinates ``index`` (zeros elsewhere).

    ``embed(Y)[:, index] = Y`` and every other column is 0; ``restrict(Z) = Z[:, index]``
    is its left inverse (and its transpose). The map is an isometry, so embedding never
    changes distances between points.
    """

    def __init__(self, index, dim: int):
        index = np.asarray(index, dtype=np.int64)
        if index.ndim != 1 or len(np.unique(index)) != len(index):
            raise ValueError("index must be a 1-D array of distinct coordinates")
        if len(index) and (index.min() < 0 or index.max() >= dim):
            raise ValueError(f"index must lie in [0, {dim}), got range [{index.min()}, {index.max()}]")
        self.index = index
        self.dim = int(dim)
        self.in_dim = len(index)
        mask = np.ones(self.dim, dtype=bool)
        mask[index] = False
        #: The coordinates the embedded vectors never use (always 0 there).
        self.unused = np.flatnonzero(mask)

    @classmethod
    def leading(cls, r: int, dim: int) -> "CoordinateEmbedding":
        """Zero padding on the right: the first ``r`` of ``dim`` coordinates."""
        if r > dim:
            raise ValueError(f"cannot embed {r} coordinates into {dim}")
        return cls(np.arange(r), dim)

    def embed(self, Y) -> np.ndarray:
        Y = as_rows(Y, "Y", width=self.in_dim, keep_float32=True)
        out = np.zeros((len(Y), self.dim), dtype=Y.dtype)
        out[:, self.index] = Y
        return out

    def restrict(self, Z) -> np.ndarray:
        return as_rows(Z, "Z", width=self.dim)[:, self.index]

    def __repr__(self):
        return f"CoordinateEmbedding({self.in_dim} → {self.dim})"
