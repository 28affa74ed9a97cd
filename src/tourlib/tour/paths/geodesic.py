r"""The geodesic between two screen frames, shared by the planned and the guided paths.

Frames are d×2 with orthonormal columns (row vectors: the screen shows ``X @ F``). From ``F_a`` to
``F_z`` (as tourr's geodesic interpolation):

1. ``F_aᵀ F_z = U S Vᵀ`` (2×2 SVD, closed form :func:`svd2`, the same formulas in
   ``viz/js/path_planned.js``). If ``det(U Vᵀ) < 0`` the second column of ``V`` and ``S[1]`` change
   sign, so that ``U Vᵀ`` is a rotation.
2. Principal directions ``G_a = F_a U``, ``G_z = F_z V``; principal angles ``θ_k = arccos S_k``;
   ``W_k = (G_z,k − cos θ_k G_a,k) / sin θ_k`` (unit, orthogonal to both columns of ``G_a`` and to
   ``W_other``). ``θ_k = 0``: ``W_k = 0`` (no move); ``θ_k = π``: ``W_k`` is the standard basis
   vector with the largest part orthogonal to ``G_a`` and ``W_other``, orthonormalised (in d = 2
   there is none: a reflection cannot be reached by rotating, and the path keeps the plane; the
   planned path then switches to the target at its end).
3. Along the way, ``s ∈ [0, 1]``:

       G(s) = G_a cos(sθ) + W sin(sθ)        (column-wise),
       F(s) = G(s) Uᵀ Rot(sα),   Rot(α) = U Vᵀ = [[cos α, sin α], [−sin α, cos α]],

   so ``F(0) = F_a``, ``F(1) = G_z Vᵀ = F_z``, every ``F(s)`` has orthonormal columns, the plane moves
   along the Grassmann geodesic and the in-plane angle turns uniformly.
4. The full view: ``V(s) = P(s) V_a diag(Rot(sα), I)``, with the rotation of R^d
   ``P(s) = I + Σ_k (cos sθ_k − 1)(a_k a_kᵀ + w_k w_kᵀ) + sin sθ_k (w_k a_kᵀ − a_k w_kᵀ)``
   (``a_k``, ``w_k`` the columns of ``G_a``, ``W``), turning ``a_k`` toward ``w_k``; its first two
   columns are ``F(s)``. Cost O(d²).

``distance = sqrt(θ_1² + θ_2²)``: the length of the plane's path (radians).
"""
from __future__ import annotations

import math

import numpy as np

#: sin θ below this: the principal direction does not move (θ = 0) or turns by π.
FLAT_TOL = 1e-12


def svd2(M):
    """Closed-form SVD of a 2×2 ``M = U diag(s) Vᵀ`` (``s_1 ≥ |s_2|``, U and V orthogonal)."""
    m00, m01, m10, m11 = float(M[0][0]), float(M[0][1]), float(M[1][0]), float(M[1][1])
    a = m00 * m00 + m10 * m10
    b = m00 * m01 + m10 * m11
    c = m01 * m01 + m11 * m11
    phi = 0.5 * math.atan2(2.0 * b, a - c)
    cs, sn = math.cos(phi), math.sin(phi)
    V = np.array([[cs, -sn], [sn, cs]])
    u1 = np.array([m00 * cs + m01 * sn, m10 * cs + m11 * sn])
    n1 = math.hypot(u1[0], u1[1])
    u1 = u1 / n1 if n1 > 1e-300 else np.array([1.0, 0.0])
    mv2 = np.array([-m00 * sn + m01 * cs, -m10 * sn + m11 * cs])
    u2 = np.array([-u1[1], u1[0]])
    if u2[0] * mv2[0] + u2[1] * mv2[1] < 0:
        u2 = -u2
    U = np.array([[u1[0], u2[0]], [u1[1], u2[1]]])
    s = np.array([n1, u2[0] * mv2[0] + u2[1] * mv2[1]])
    return U, s, V


def _complete(v_cols, d):
    """A unit vector orthogonal to the given unit columns: the e_j with the largest remainder."""
    B = np.array(v_cols).reshape(-1, d)
    rest = 1.0 - np.sum(B * B, axis=0)
    j = int(np.argmax(rest))
    e = np.zeros(d)
    e[j] = 1.0
    for _ in range(2):
        e = e - B.T @ (B @ e)
    n = np.linalg.norm(e)
    return e / n if n > 1e-6 else None


def geodesic_plan(Fa, Fz) -> dict:
    """The geodesic from frame ``Fa`` to ``Fz`` (both d×2, orthonormal columns): see module doc."""
    Fa = np.asarray(Fa, dtype=np.float64)
    Fz = np.asarray(Fz, dtype=np.float64)
    d = Fa.shape[0]
    U, s, V = svd2(Fa.T @ Fz)
    if np.linalg.det(U) * np.linalg.det(V) < 0:
        V[:, 1] = -V[:, 1]
        s[1] = -s[1]
    cos_t = np.clip(s, -1.0, 1.0)
    theta = np.arccos(cos_t)
    Ga = Fa @ U
    Gz = Fz @ V
    W = np.zeros((d, 2))
    flip = []
    for k in range(2):
        sn = math.sin(theta[k])
        if sn > FLAT_TOL:
            W[:, k] = (Gz[:, k] - cos_t[k] * Ga[:, k]) / sn
        elif cos_t[k] < 0:
            flip.append(k)
    for k in flip:
        w = _complete([Ga[:, 0], Ga[:, 1], W[:, 1 - k]], d)
        if w is None:                 # d = 2: nothing orthogonal to the plane; keep it
            theta[k] = 0.0
        else:
            W[:, k] = w
    R = U @ V.T
    alpha = math.atan2(R[0, 1], R[0, 0])
    return {"Ga": Ga, "W": W, "theta": theta, "U": U, "alpha": alpha,
            "distance": float(math.hypot(theta[0], theta[1]))}


def _rot(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, s], [-s, c]])


def frame_at(plan, s: float) -> np.ndarray:
    """``F(s) = (G_a cos sθ + W sin sθ) Uᵀ Rot(sα)``: d×2, orthonormal columns."""
    th = plan["theta"]
    G = plan["Ga"] * np.cos(s * th) + plan["W"] * np.sin(s * th)
    return G @ plan["U"].T @ _rot(s * plan["alpha"])


def view_at(plan, start_view, s: float) -> np.ndarray:
    """``P(s) V_a diag(Rot(sα), I)``: the full d×d view whose first two columns are ``frame_at``."""
    V = np.array(start_view, dtype=np.float64)
    th = plan["theta"]
    for k in range(2):
        a, w = plan["Ga"][:, k], plan["W"][:, k]
        c, sn = math.cos(s * th[k]), math.sin(s * th[k])
        pa, pw = a @ V, w @ V
        V = V + (c - 1.0) * (np.outer(a, pa) + np.outer(w, pw)) + sn * (np.outer(w, pa) - np.outer(a, pw))
    V[:, :2] = V[:, :2] @ _rot(s * plan["alpha"])
    return V


def orthonormal_frame(F, name="frame") -> np.ndarray:
    """``F`` (d×2) with orthonormal columns (QR, positive diagonal), or a clear error."""
    F = np.asarray(F, dtype=np.float64)
    if F.ndim != 2 or F.shape[1] != 2 or not np.all(np.isfinite(F)):
        raise ValueError(f"{name} must be a finite d×2 frame (two screen axes); got shape {F.shape}.")
    Q, R = np.linalg.qr(F)
    if abs(R[1, 1]) <= 1e-10 * max(abs(R[0, 0]), 1e-300):
        raise ValueError(f"{name}: its two columns are parallel or zero; they must span a plane.")
    return Q * np.sign(np.diag(R))
