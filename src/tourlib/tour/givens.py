"""Reference constructions of the tour's rotation — slow on purpose, for tests and benchmarks.

:class:`tourlib.tour.GrandTour` evaluates ``G(t) = G_b Q R(φ) Qᵀ`` (rotation path) or
``G(t) = G_b P(φ)`` (torus path) with O(d²) work for the screen. This module builds the same
matrices other ways (items 1–2: rotation path; 3–4: torus path), so tests can check the fast paths
and the benchmark can measure what they save. Conventions: row vectors, ``τ = t − t_b``,
``φ_k = ω_k τ`` (no reduction mod 2π here), ``J = [[0, 1], [−1, 0]]``.

1. Product of plane rotations (``plane_rotation_product``)
   ``G(t) = G_b · P_1(φ_1) · P_2(φ_2) ⋯ P_m(φ_m)``, where ``u_k, v_k`` are columns ``2k−2, 2k−1`` of
   ``Q`` (read as row vectors) and ``P_k`` is the Givens rotation in the plane ``(u_k, v_k)``:

       P_k(φ) = I + (cos φ − 1)(u_kᵀu_k + v_kᵀv_k) + sin φ (u_kᵀv_k − v_kᵀu_k),
       u_k P_k = cos φ u_k + sin φ v_k,      v_k P_k = −sin φ u_k + cos φ v_k,

   the same orientation as ``expm(φJ)``. The planes are mutually orthogonal, so the ``P_k``
   commute and their product is ``Q R(φ) Qᵀ``. Each factor is applied to the running d×d matrix
   ``M`` as a rank-2 update, ``M ← M + (cos φ − 1)((Mu_kᵀ)u_k + (Mv_kᵀ)v_k) + sin φ ((Mu_kᵀ)v_k − (Mv_kᵀ)u_k)``,
   O(d²) per plane and O(d³) per frame for m ≈ d/2 planes: the cost of an engine that composes
   plane rotations into the whole view every frame.

2. Matrix exponential (``expm_rotation``)
   ``G(t) = G_b · scipy.linalg.expm(τ A)`` with the skew-symmetric generator ``A`` (e.g.
   ``GrandTour.generator()``), O(d³) with a large constant.

3. The torus path, dense (``torus_givens_product``)
   ``G(t) = G_b · R_(0,1)(φ_01) R_(0,2)(φ_02) ⋯ R_(d−2,d−1)(φ_d−2,d−1)`` (lexicographic order,
   :mod:`tourlib.tour.torus`), each factor built as an explicit d×d matrix (``givens_rotation``,
   ``R[i,i] = R[j,j] = cos φ``, ``R[i,j] = sin φ``, ``R[j,i] = −sin φ``) and multiplied in with a
   full d×d product: O(d⁵) per frame, for tests on small d only. Shares no code with the engine.

4. The torus path, factor by factor (``torus_two_column_product``)
   The same product with each factor applied to the running d×d matrix as a two-column update,
   one plane per Python iteration: d(d−1)/2 updates of O(d), O(d³) per frame — the cost of an engine
   that multiplies out the whole d×d view every frame (the original article's approach). The
   engine's ``GrandTour.matrix`` does the same arithmetic in 2d − 3 vectorised stages; its screen
   basis needs only O(d²).
"""
from __future__ import annotations

import numpy as np
import scipy.linalg

__all__ = ["plane_rotation_product", "expm_rotation", "givens_rotation", "torus_givens_product",
           "torus_two_column_product"]


def plane_rotation_product(G_base, Q, omega, tau: float) -> np.ndarray:
    """``G_b · P_1(ω_1 τ) ⋯ P_m(ω_m τ)``: the view after time ``τ`` as a product of plane rotations.

    Parameters
    ----------
    G_base : ndarray (d, d)   the view at the base time.
    Q : ndarray (d, d)        orthogonal; plane k is spanned by its columns 2k, 2k+1 (0-based).
    omega : ndarray (m,)      plane speeds, m <= d/2.
    tau : float               time since the base time.

    Returns
    -------
    ndarray (d, d). Cost O(m·d²) = O(d³).
    """
    M = np.array(G_base, dtype=np.float64)
    for k, w in enumerate(np.asarray(omega, dtype=np.float64)):
        u, v = Q[:, 2 * k], Q[:, 2 * k + 1]
        c, s = np.cos(w * tau), np.sin(w * tau)
        Mu, Mv = M @ u, M @ v
        M += np.outer((c - 1.0) * Mu - s * Mv, u) + np.outer(s * Mu + (c - 1.0) * Mv, v)
    return M


def expm_rotation(G_base, A, tau: float) -> np.ndarray:
    """``G_b · expm(τ A)`` by ``scipy.linalg.expm`` (A skew-symmetric d×d)."""
    return np.asarray(G_base, dtype=np.float64) @ scipy.linalg.expm(tau * np.asarray(A, dtype=np.float64))


def givens_rotation(d: int, i: int, j: int, phi: float) -> np.ndarray:
    """The d×d rotation ``R_(i,j)(φ) = expm(φ (e_i e_jᵀ − e_j e_iᵀ))``, ``i < j``, as a dense matrix."""
    R = np.eye(d)
    R[i, i] = R[j, j] = np.cos(phi)
    R[i, j] = np.sin(phi)
    R[j, i] = -np.sin(phi)
    return R


def _lexicographic_planes(d: int):
    return [(i, j) for i in range(d) for j in range(i + 1, d)]


def torus_givens_product(G_base, omega_planes, tau: float) -> np.ndarray:
    """``G_b · ∏_(i<j) R_(i,j)(ω_ij τ)`` in lexicographic order, multiplying dense d×d matrices. O(d⁵).

    ``omega_planes`` holds the d(d−1)/2 plane speeds in lexicographic order of ``(i, j)``.
    """
    G = np.array(G_base, dtype=np.float64)
    d = G.shape[0]
    omega = np.asarray(omega_planes, dtype=np.float64)
    planes = _lexicographic_planes(d)
    if omega.shape != (len(planes),):
        raise ValueError(f"omega_planes must hold d(d−1)/2 = {len(planes)} speeds for d = {d}; got {omega.shape}.")
    for (i, j), w in zip(planes, omega):
        G = G @ givens_rotation(d, i, j, w * tau)
    return G


def torus_two_column_product(G_base, omega_planes, tau: float) -> np.ndarray:
    """The same product as ``torus_givens_product``, one two-column update per plane: O(d³), a Python loop."""
    M = np.array(G_base, dtype=np.float64)
    d = M.shape[0]
    omega = np.asarray(omega_planes, dtype=np.float64)
    planes = _lexicographic_planes(d)
    if omega.shape != (len(planes),):
        raise ValueError(f"omega_planes must hold d(d−1)/2 = {len(planes)} speeds for d = {d}; got {omega.shape}.")
    ang = omega * tau
    cos, sin = np.cos(ang), np.sin(ang)
    for k, (i, j) in enumerate(planes):
        c, s = cos[k], sin[k]
        mi, mj = M[:, i].copy(), M[:, j]
        M[:, i] = c * mi - s * mj
        M[:, j] = s * mi + c * mj
    return M
