"""Orthonormal views: Gram–Schmidt of rows, the orthogonality error, and input checks.

Convention (as everywhere in tourlib): row vectors. A *view* is an orthogonal d×d matrix ``G``;
data ``X`` (N×d) is shown on screen as ``X @ G[:, :2]``. Row ``i`` of ``G`` is where the data axis
``e_i`` goes, ``e_i G``; its first two entries are axis ``i``'s handle on the screen.

Gram–Schmidt of rows, with a chosen row first
---------------------------------------------
``gram_schmidt_rows(M, first=i)`` returns ``B`` with orthonormal rows, computed in the order
``i, 0, 1, …, i−1, i+1, …`` (``first=None``: natural order). Processing row ``m_k`` against the rows
``b_1 … b_{k−1}`` already produced:

    v  = m_k − Σ_l (m_k · b_l) b_l          (projection, done twice: "twice is enough")
    b_k = v / |v|

so ``b_k`` spans the same flag of subspaces as the input rows in processing order, and
``b_k · m_k > 0``: this is the Q of a QR factorisation (with positive diagonal) of the reordered
rows, which is what the tests compare against (``scipy.linalg.qr``). Output rows stay in their
input positions (row ``i`` of ``B`` comes from row ``i`` of ``M``).

The second projection pass keeps the rows orthogonal to machine precision even when ``v`` is much
shorter than ``m_k``. If ``|v| ≤ 1e-10·|m_k|`` after the first pass (``m_k`` is, numerically, in
the span of the rows already made) the row is replaced by the standard basis vector ``e_j`` with
the largest remaining component ``1 − Σ_l b_l[j]²`` (ties: smallest ``j``), then projected and
normalised the same way, so the result is always a full orthonormal basis.

Computation: the same Q is computed by a Cholesky QR done twice (``_qr_rows``: matrix products and
triangular solves, fast at any size; ``GrandTour(3072)`` orthonormalises two 3072×3072 matrices);
only for nearly dependent rows (orthogonal part below 1e-7 of the row) does the row-by-row loop
above run, for its accuracy and its completion rule. Both agree
with ``gramSchmidtRows`` in ``viz/js/engine_linalg.js`` to rounding. Cost: O(n²·d), i.e. O(d³)
for a d×d view.

Orthogonality error
-------------------
``orthogonality_error(G) = ‖GᵀG − I‖_F`` (Frobenius norm, an upper bound of the spectral norm).
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["gram_schmidt_rows", "orthogonality_error", "as_view", "as_real"]

#: Relative length below which a row counts as dependent on the rows before it.
DEPENDENT_ROW_TOL = 1e-10
#: Largest ‖GᵀG − I‖_F accepted from a caller as "an orthogonal view".
VIEW_TOL = 1e-6


def orthogonality_error(G) -> float:
    """``‖GᵀG − I‖_F`` for a square matrix ``G`` (0 for an exactly orthogonal matrix)."""
    G = np.asarray(G, dtype=np.float64)
    if G.ndim != 2 or G.shape[0] != G.shape[1]:
        raise ValueError(f"G must be a square d×d matrix; got shape {G.shape}.")
    return float(np.linalg.norm(G.T @ G - np.eye(G.shape[0])))


def _project_out(v: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``v − Bᵀ(B v)``: remove from row vector ``v`` its components along the orthonormal rows ``B``."""
    return v - B.T @ (B @ v) if len(B) else v


def gram_schmidt_rows(M, first: int | None = None) -> np.ndarray:
    """Orthonormalise the rows of ``M`` by Gram–Schmidt, processing row ``first`` first.

    Parameters
    ----------
    M : array_like, shape (n, d), n ≤ d
        Rows to orthonormalise (need not be normalised; must be finite).
    first : int or None
        Row processed first (the others follow in their order). ``None``: natural order.

    Returns
    -------
    B : ndarray, shape (n, d)
        Orthonormal rows, row ``k`` of ``B`` coming from row ``k`` of ``M``. With ``q`` the
        processing order, ``B[q]`` is the Q factor (positive diagonal) of the QR factorisation of
        ``M[q]ᵀ``; dependent rows are completed as described in the module docstring.
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim != 2 or M.shape[0] > M.shape[1]:
        raise ValueError(f"M must be an n×d matrix with n <= d (rows to orthonormalise); got shape {M.shape}.")
    if not np.all(np.isfinite(M)):
        raise ValueError("M contains NaN or infinite values; Gram–Schmidt needs finite rows.")
    n, d = M.shape
    if first is None:
        order = list(range(n))
    else:
        first = _check_index(first, n, "first")
        order = [first] + [k for k in range(n) if k != first]
    if n == 0:
        return M.copy()
    fast = _qr_rows(M[order])
    if fast is not None:
        out = np.empty_like(fast)
        out[order] = fast
        return out
    B = np.empty((n, d))
    for k, src in enumerate(order):
        done = B[:k]
        v = M[src]
        v1 = _project_out(v, done)
        if np.linalg.norm(v1) <= DEPENDENT_ROW_TOL * np.linalg.norm(v):  # also catches v = 0
            j = int(np.argmax(1.0 - np.sum(done * done, axis=0)))
            v1 = _project_out(np.eye(1, d, j)[0], done)
        v2 = _project_out(v1, done)
        B[k] = v2 / np.linalg.norm(v2)
    out = np.empty_like(B)
    out[order] = B
    return out


def _qr_rows(Mq: np.ndarray):
    """Orthonormal rows of ``Mq`` in order (Cholesky QR, twice), or None if a row is (nearly) dependent.

    With ``A = M Mᵀ = L Lᵀ`` (Cholesky, L lower triangular, positive diagonal), ``B = L⁻¹ M`` has
    orthonormal rows and row k of B combines rows 0…k of M with a positive weight on row k: the Q
    of Gram–Schmidt. A second pass on B removes the rounding left by the first (CholeskyQR2). All
    BLAS-3 (matrix products and triangular solves), fast at any size. Rows whose orthogonal part is
    below ``DEPENDENT_ROW_TOL`` of their length, or a failed factorisation, return None.
    """
    from scipy.linalg import LinAlgError, cholesky, solve_triangular

    scale = np.max(np.abs(Mq), axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    B = Mq / scale                                   # row scaling keeps the result and avoids overflow
    norms = np.linalg.norm(B, axis=1)
    for k in range(2):
        try:
            L = cholesky(B @ B.T, lower=True)
        except LinAlgError:
            return None
        if k == 0 and not np.all(np.diag(L) > 1e-7 * norms):   # κ too large for Cholesky QR: use the loop
            return None
        B = solve_triangular(L, B, lower=True)
    return B


def _check_index(i, n: int, name: str) -> int:
    if isinstance(i, bool) or not isinstance(i, numbers.Integral):
        raise TypeError(f"{name} must be an integer row index; got {i!r} of type {type(i).__name__}.")
    if not 0 <= i < n:
        raise ValueError(f"{name} = {i} is out of range for {n} rows; use 0 <= {name} < {n}.")
    return int(i)


def as_real(x, name: str) -> float:
    """``x`` as a finite float, or a clear TypeError/ValueError naming ``name``."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {x!r} of type {type(x).__name__}.")
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"{name} must be finite; got {x}.")
    return x


def as_view(G, dim: int | None = None, name: str = "G") -> np.ndarray:
    """Check that ``G`` is a finite orthogonal d×d view and return it as a float64 array (a copy).

    Raises ValueError for a wrong shape, NaN/inf entries, or ``‖GᵀG − I‖_F > 1e-6``.
    """
    G = np.array(G, dtype=np.float64)
    if G.ndim != 2 or G.shape[0] != G.shape[1]:
        raise ValueError(f"{name} must be a square d×d view matrix; got shape {G.shape}. "
                         "Pass the full orthogonal view, not only its screen columns.")
    if dim is not None and G.shape[0] != dim:
        raise ValueError(f"{name} must be {dim}×{dim} to match the data dimension; got shape {G.shape}.")
    if not np.all(np.isfinite(G)):
        raise ValueError(f"{name} contains NaN or infinite values; pass a finite orthogonal matrix.")
    err = orthogonality_error(G)
    if err > VIEW_TOL:
        raise ValueError(f"{name} is not orthogonal: ‖GᵀG − I‖_F = {err:.3g} > {VIEW_TOL:g}. Pass a view "
                         "from GrandTour.matrix / drag_axis / drag_centroid, or re-orthonormalise it "
                         "with tourlib.tour.gram_schmidt_rows.")
    return G
