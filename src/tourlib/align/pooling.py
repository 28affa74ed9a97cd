"""Max-pooling, aligned the Grand Tour article's way: through average pooling.

Max-pooling is neither linear nor component-wise; it is *piecewise* linear (each
output copies one input of its window, and which one depends on the input). The
article (Technical details, "Max-pooling layers") replaces it by average pooling
followed by a per-output scaling by the ratio max/average, and aligns the view with
the SVD of the average-pooling matrix. We implement that treatment:

* Average pooling is linear: ``avg(X) = X A`` with A (C·H·W × C·H'·W') holding ``1/w``
  at (pixel, window) when the pixel lies in the window (w = kh·kw pixels per window).
* For non-overlapping windows (stride = kernel size) the columns of A are orthogonal
  with norm ``1/√w``, so its SVD is known in closed form: every singular value is
  ``1/√w``, ``V = I`` (the output keeps its raw basis, which is where the ratio scaling
  max/avg acts coordinate-wise), and ``U`` starts with the normalised window
  indicators (coordinate = ``√w · window mean``), followed, for each window, by w − 1
  orthonormal within-window contrasts (the rows of the Helmert matrix,
  :func:`scipy.linalg.helmert`), and the raw pixels no window covers (cropped border).
* The transition goes from ``start = X U`` to ``end = [maxpool(X), 0]``: the first C·H'·W'
  coordinates go from ``√w · mean`` to ``max`` (the avg-pool scaling 1/√w followed by the
  ratio max/mean, both per coordinate), the contrasts shrink to 0.

The artefact the article points out remains: the transition credits every pixel of a
window (through the mean), although max-pooling ignores all but the largest; e.g. the
window (0.9, 0.9, 0.9, 1.0) starts at √4 · 0.925 and ends at 1.0. Overlapping windows
(stride < kernel) have no closed form; for small layers we take the dense SVD of A.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.linalg
import torch
import torch.nn.functional as F

from .basis import Basis, IdentityBasis
from .checks import as_rows, as_shape
from .svd_align import dense_alignment
from .transition import Alignment

__all__ = ["PoolWindowBasis", "avgpool_matrix", "maxpool_forward", "maxpool_alignment"]


def _pair(v):
    return (int(v), int(v)) if np.isscalar(v) else tuple(int(a) for a in v)


def maxpool_forward(X, in_shape, kernel, stride=None) -> np.ndarray:
    """Max-pooling of rows ``X`` (N×C·H·W, C×H×W order) with PyTorch's ``max_pool2d``."""
    C, H, W = as_shape(in_shape)
    X = as_rows(X, "X", width=C * H * W)
    k = _pair(kernel)
    s = k if stride is None else _pair(stride)
    with torch.no_grad():
        y = F.max_pool2d(torch.from_numpy(X).reshape(len(X), C, H, W), k, s)
    return y.reshape(len(X), -1).numpy()


def avgpool_matrix(in_shape, kernel, stride=None) -> np.ndarray:
    """The dense matrix ``A`` with ``avgpool(x) = x A`` (rows, C×H×W order), built by pooling
    the identity basis. Small layers only."""
    C, H, W = as_shape(in_shape)
    n = C * H * W
    if n > 8192:
        raise MemoryError(f"refusing to build a dense {n}-row pooling matrix; use stride = kernel")
    k = _pair(kernel)
    s = k if stride is None else _pair(stride)
    with torch.no_grad():
        A = F.avg_pool2d(torch.eye(n, dtype=torch.float64).reshape(n, C, H, W), k, s)
    return A.reshape(n, -1).numpy()


class PoolWindowBasis(Basis):
    """The basis ``U`` of non-overlapping k_h×k_w pooling on C×H×W maps (see module docstring).

    Coordinates, in order: the C·H'·W' window sums divided by √w (C×H'×W' order, the order
    of the pooled output), then for each window its w − 1 Helmert contrasts, then the raw
    pixels of the border that no window covers (when H or W is not a multiple of k).
    """

    def __init__(self, in_shape, kernel):
        self.C, self.H, self.W = as_shape(in_shape)
        self.kh, self.kw = _pair(kernel)
        self.Ho, self.Wo = self.H // self.kh, self.W // self.kw
        if self.Ho < 1 or self.Wo < 1:
            raise ValueError(f"pooling window {self.kh}×{self.kw} is larger than the {self.H}×{self.W} map")
        self.w = self.kh * self.kw
        self.dim = self.C * self.H * self.W
        self.n_windows = self.C * self.Ho * self.Wo
        # Rows of the Helmert matrix: row 0 is 1/√w, rows 1.. are orthonormal contrasts.
        self._helmert = scipy.linalg.helmert(self.w, full=True)
        covered = np.zeros((self.C, self.H, self.W), dtype=bool)
        covered[:, : self.Ho * self.kh, : self.Wo * self.kw] = True
        self._border = np.flatnonzero(~covered.ravel())

    def _windows(self, X):
        """N×C×H×W → N×C×H'×W'×w (the pixels of each window, row-major inside it)."""
        x = X.reshape(len(X), self.C, self.H, self.W)[:, :, : self.Ho * self.kh, : self.Wo * self.kw]
        x = x.reshape(len(X), self.C, self.Ho, self.kh, self.Wo, self.kw)
        return x.transpose(0, 1, 2, 4, 3, 5).reshape(len(X), self.C, self.Ho, self.Wo, self.w)

    def rotate(self, X):
        X = self._rows(X, "X")
        c = self._windows(X) @ self._helmert.T  # coordinates of each window in the Helmert basis
        N = len(X)
        return np.concatenate(
            [c[..., 0].reshape(N, -1), c[..., 1:].reshape(N, -1), X[:, self._border]], axis=1
        )

    def unrotate(self, Z):
        Z = self._rows(Z, "Z")
        N, nw = len(Z), self.n_windows
        c = np.empty((N, self.C, self.Ho, self.Wo, self.w))
        c[..., 0] = Z[:, :nw].reshape(N, self.C, self.Ho, self.Wo)
        c[..., 1:] = Z[:, nw: nw * self.w].reshape(N, self.C, self.Ho, self.Wo, self.w - 1)
        win = (c @ self._helmert).reshape(N, self.C, self.Ho, self.Wo, self.kh, self.kw)
        x = np.zeros((N, self.C, self.H, self.W))
        x[:, :, : self.Ho * self.kh, : self.Wo * self.kw] = win.transpose(0, 1, 2, 4, 3, 5).reshape(
            N, self.C, self.Ho * self.kh, self.Wo * self.kw)
        out = x.reshape(N, -1)
        out[:, self._border] = Z[:, nw * self.w:]
        return out

    def __repr__(self):
        return f"PoolWindowBasis({self.C}×{self.H}×{self.W}, window {self.kh}×{self.kw})"


def maxpool_alignment(in_shape, kernel, stride=None) -> Alignment:
    """Alignment of max-pooling through the average-pooling SVD (module docstring).

    ``scales`` are the average-pooling singular values; ``exact=False`` because max ≠ mean.
    Non-overlapping windows use :class:`PoolWindowBasis` (any size); others the dense SVD.
    """
    C, H, W = as_shape(in_shape)
    k = _pair(kernel)
    s = k if stride is None else _pair(stride)
    if s == k:
        U = PoolWindowBasis((C, H, W), k)
        out_dim = U.n_windows
        return Alignment(kind="maxpool", in_basis=U, out_basis=IdentityBasis(out_dim),
                         scales=np.full(out_dim, 1.0 / np.sqrt(U.w)), exact=False)
    return dataclasses.replace(dense_alignment(avgpool_matrix((C, H, W), k, s), kind="maxpool"), exact=False)
