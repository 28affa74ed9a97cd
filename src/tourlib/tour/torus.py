r"""Products of coordinate-plane rotations for the torus path of the Grand Tour (Asimov's torus method).

Conventions: row vectors (a view ``G`` shows data ``X`` as ``X @ G[:, :2]``), indices 0-based.
For a coordinate plane ``(i, j)`` with ``i < j`` the plane rotation is

    R_(i,j)(φ) = expm(φ J_ij),      J_ij = e_i e_jᵀ − e_j e_iᵀ,

i.e. the identity except ``R[i,i] = R[j,j] = cos φ``, ``R[i,j] = sin φ``, ``R[j,i] = −sin φ``: the
block ``J = [[0, 1], [−1, 0]]`` of :mod:`tourlib.tour.grand_tour` placed in rows/columns ``i, j``.
It turns the row vector ``e_i`` into ``cos φ e_i + sin φ e_j`` (from ``e_i`` towards ``e_j``).

The product (fixed order: lexicographic)
----------------------------------------
With ``N = d(d−1)/2`` planes listed lexicographically, ``(0,1), (0,2), …, (0,d−1), (1,2), …,
(d−2,d−1)`` (``torus_planes(d)``; plane ``(i, j)`` has index ``i·d − i(i+1)/2 + j − i − 1``),

    P(φ) = R_(0,1)(φ_01) R_(0,2)(φ_02) ⋯ R_(0,d−1)(φ_0,d−1) R_(1,2)(φ_12) ⋯ R_(d−2,d−1)(φ_d−2,d−1)

Grouped by first index, ``P = B_0 B_1 ⋯ B_{d−2}`` with the *pivot chains*
``B_i = R_(i,i+1) R_(i,i+2) ⋯ R_(i,d−1)``; ``B_i`` only touches coordinates ``i … d−1``.

Three ways to evaluate it, all the same product
-----------------------------------------------
1. ``M · P(φ)`` for a full matrix (``times_torus_rotation``, used for ``GrandTour.matrix``): each
   factor mixes two columns, O(d) per row of ``M``, O(d³) for a d×d ``M``. Factors in disjoint
   planes commute, and two planes sharing an index keep their lexicographic order if the factors are
   regrouped by the anti-diagonal ``s = i + j``: for ``(i,j) < (i,j')`` (``j < j'``),
   ``(i,k) < (j,k)`` (``i < j``) and ``(i,j) < (j,k)`` the sums increase. The planes of one
   anti-diagonal, ``{(i, s−i) : i < s−i}``, are pairwise disjoint. Hence

       P(φ) = S_1 S_2 ⋯ S_{2d−3},      S_s = ∏_{i<s−i} R_(i,s−i)(φ_{i,s−i})   (commuting factors),

   and numpy applies one whole stage ``S_s`` per step: 2d−3 vectorised steps instead of d(d−1)/2
   Python iterations. Every matrix entry sees the same operations in the same order as in the
   one-plane-at-a-time loop of ``tour_engine.js``; only ``sin``/``cos`` may differ by an ulp.

2. ``P(φ) E``, ``E = [e_0 e_1]`` — the screen (``torus_frame_basis``). Applied right to left, the
   factors of ``B_{d−2}, …, B_2`` act only on rows ``≥ 2`` of ``E``, which are zero, and leave them
   zero *exactly*; so ``P(φ) E = B_0 B_1 E`` depends only on the first ``2d − 3`` angles
   ``φ_01 … φ_0,d−1, φ_12 … φ_1,d−1`` (the head of the lexicographic list) — the Givens
   coordinates of the Stiefel manifold of orthonormal 2-frames, which has dimension 2d − 3.
   Cost: 2d − 3 sines/cosines and O(d log d) arithmetic (below), against O(d²) for applying all
   d(d−1)/2 factors to the d×2 matrix and O(d³) for the full product.

3. A pivot chain ``B Y`` (``pivot_chain``; rows ``0 … n−1`` of ``Y``, pivot row 0, factors
   ``R_(0,n−1)`` first) is the recurrence, with ``z_n = Y_0``,

       z_j = cos φ_j · z_{j+1} + sin φ_j · Y_j,    (BY)_j = −sin φ_j · z_{j+1} + cos φ_j · Y_j,
       (BY)_0 = z_1,                               j = n−1, …, 1.

   ``z`` is a first-order linear recurrence, i.e. a composition of affine maps ``z ↦ a z + b``;
   numpy evaluates all its prefixes with a doubling (Hillis–Steele) scan, ⌈log₂ n⌉ vectorised steps
   of multiplications and additions only (no division by products of cosines, which can vanish).
   The association differs from the sequential loop, so results agree with it to rounding (~1e-16
   relative), not bit for bit. Leading axes of ``φ`` (K times) are carried through, stored last so
   that every step works on contiguous blocks of K values.

References for the tests and benchmark live in :mod:`tourlib.tour.givens`.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = [
    "plane_count",
    "screen_angle_count",
    "torus_planes",
    "plane_index",
    "anti_diagonal_stages",
    "pivot_chain",
    "torus_frame_basis",
    "torus_screen_basis",
    "times_torus_rotation",
]


def plane_count(d: int) -> int:
    """``N = d(d−1)/2``, the number of coordinate planes of R^d (angles of the torus path)."""
    return d * (d - 1) // 2


def screen_angle_count(d: int) -> int:
    """``2d − 3``: how many leading angles (planes ``(0, j)`` and ``(1, j)``) the screen depends on."""
    return 2 * d - 3


def plane_index(d: int, i, j):
    """Index of plane ``(i, j)``, ``i < j``, in the lexicographic list ``torus_planes(d)``."""
    return i * d - i * (i + 1) // 2 + (j - i - 1)


def torus_planes(d: int) -> np.ndarray:
    """The ``d(d−1)/2`` coordinate planes ``(i, j)``, ``i < j``, in lexicographic order; int array (N, 2)."""
    i, j = np.triu_indices(d, k=1)          # row-major upper triangle = lexicographic order
    return np.stack([i, j], axis=1)


@lru_cache(maxsize=32)
def anti_diagonal_stages(d: int) -> tuple:
    """Stages ``s = 1 … 2d−3`` of disjoint planes ``(i, s − i)``: tuple of (I, J, index) int arrays."""
    stages = []
    for s in range(1, 2 * d - 2):
        i = np.arange(max(0, s - (d - 1)), (s - 1) // 2 + 1)
        j = s - i
        stages.append((i, j, plane_index(d, i, j)))
    return tuple(stages)


def pivot_chain(c, s, Y) -> np.ndarray:
    """``R_(0,1)(φ_1) R_(0,2)(φ_2) ⋯ R_(0,n−1)(φ_{n−1}) · Y`` by a doubling scan (module docstring, item 3).

    The chain axis comes first, so that stacks of many times stay contiguous.

    Parameters
    ----------
    c, s : ndarray, shape (n−1, ...)
        ``cos φ_j`` and ``sin φ_j`` for rows ``j = 1 … n−1`` (entry ``j − 1``); ``c[j−1]`` must
        broadcast against ``Y[j]``.
    Y : ndarray, shape (n, ...)
        Row ``j`` of the matrix the chain multiplies (any trailing axes: columns, times).

    Returns
    -------
    ndarray, shape (n, ...) (the broadcast shape). Cost O(n log n) per trailing element.
    """
    c = np.asarray(c, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    n = Y.shape[0]
    L = n - 1
    if c.shape[0] != L or s.shape != c.shape:
        raise ValueError(f"a pivot chain on {n} rows needs {L} cosines and sines; got shapes {c.shape}, {s.shape}.")
    if L == 0:
        return np.array(Y)
    cr, sr, Yr = c[::-1], s[::-1], Y[:0:-1]               # step r acts on row n−1−r
    y0 = Y[0]
    A = np.array(cr)                                      # prefix maps z ↦ A z + B, composed in place
    B = sr * Yr
    shift = 1
    while shift < L:
        B[shift:] = A[shift:] * B[:-shift] + B[shift:]
        A[shift:] = A[shift:] * A[:-shift]
        shift *= 2
    z = A * y0 + B                                        # z[r]: row 0 after step r
    out = np.empty((n,) + z.shape[1:])
    out[0] = z[-1]
    out[:0:-1] = cr * Yr - sr * np.concatenate([np.broadcast_to(y0, z.shape[1:])[None], z[:-1]])
    return out


def _frame_basis_rows_first(phi, d: int) -> np.ndarray:
    """``P(φ) E`` with layout (d, 2, *lead) for ``phi`` of shape (*lead, M), M >= 2d − 3."""
    phi = np.asarray(phi, dtype=np.float64)
    h = screen_angle_count(d)
    if phi.shape[-1] < h:
        raise ValueError(f"need at least 2d − 3 = {h} angles for d = {d}; got {phi.shape[-1]}.")
    head = np.ascontiguousarray(np.moveaxis(phi[..., :h], -1, 0))   # (h, *lead)
    c, s = np.cos(head), np.sin(head)
    lead = phi.shape[:-1]
    W = np.zeros((d, 2) + lead)
    W[0, 0] = 1.0
    W[1, 1] = 1.0
    # B_1 acts on rows 1..d−1; there column 0 of E is zero, so only column 1 changes.
    W[1:, 1] = pivot_chain(c[d - 1:], s[d - 1:], W[1:, 1])
    return pivot_chain(c[:d - 1, None], s[:d - 1, None], W)


def torus_frame_basis(phi, d: int) -> np.ndarray:
    """``P(φ) E = B_0 B_1 E``: the first two columns of ``P(φ)``; shape (..., d, 2).

    ``phi`` has shape (..., M) with ``M >= 2d − 3``; only the head ``φ[..., :2d−3]`` (planes
    ``(0, j)`` then ``(1, j)``) is used, because the other factors leave ``E`` unchanged.
    """
    W = _frame_basis_rows_first(phi, d)
    return np.ascontiguousarray(np.moveaxis(W, (0, 1), (-2, -1)))


def torus_screen_basis(F, phi) -> np.ndarray:
    """``F · P(φ) E`` for a d×d ``F`` (the base view): shape (..., d, 2); one matrix product for all times."""
    F = np.asarray(F, dtype=np.float64)
    d = F.shape[0]
    W = _frame_basis_rows_first(phi, d)
    S = (F @ W.reshape(d, -1)).reshape(W.shape)
    return np.ascontiguousarray(np.moveaxis(S, (0, 1), (-2, -1)))


def times_torus_rotation(M, phi) -> np.ndarray:
    """``M · P(φ)`` for ``M`` of shape (r, d) and all ``N = d(d−1)/2`` angles ``phi`` (N,); O(r·d²).

    Applies the anti-diagonal stages ``S_1, …, S_{2d−3}`` as column updates
    ``(M R)[:, i] = c M[:, i] − s M[:, j]``, ``(M R)[:, j] = s M[:, i] + c M[:, j]``.
    """
    M = np.asarray(M, dtype=np.float64)
    d = M.shape[-1]
    phi = np.asarray(phi, dtype=np.float64)
    if phi.shape != (plane_count(d),):
        raise ValueError(f"need d(d−1)/2 = {plane_count(d)} angles for d = {d}; got shape {phi.shape}.")
    c, s = np.cos(phi), np.sin(phi)
    T = np.array(M.T, order="C")             # a copy; columns of M as contiguous rows: cheaper gathers
    for I, J, k in anti_diagonal_stages(d):
        ck, sk = c[k, None], s[k, None]
        Ti, Tj = T[I], T[J]
        T[I] = Ti * ck - Tj * sk
        T[J] = Ti * sk + Tj * ck
    return np.ascontiguousarray(T.T)
