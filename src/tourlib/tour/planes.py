"""Distances between screen planes, random planes, and how close a tour comes to them.

A screen plane of R^d is given by a d×2 orthonormal basis ``B`` (for a view G, ``B = G[:, :2]``).
Two planes are compared by the spectral norm of the difference of their orthogonal projectors,

    dist(B, T) = ‖B Bᵀ − T Tᵀ‖₂ = sin(θ_max),

where θ_max is the largest principal angle between them (0: same plane; 1: some direction of one is
orthogonal to the other). With ``M = Bᵀ T`` (2×2), the cosines of the principal angles are the singular
values of M, so sin²θ_max = 1 − σ_min(M)², and σ_min² follows from ‖M‖_F² and det M in closed form.
"""

from __future__ import annotations

import numpy as np

__all__ = ["plane_distance", "random_planes", "closest_approach"]


def plane_distance(B, T) -> np.ndarray:
    """sin(largest principal angle) between planes ``B`` (…, d, 2) and targets ``T`` (n, d, 2) or (d, 2).

    Returns an array of shape ``B.shape[:-2] + (n,)`` (or ``B.shape[:-2]`` for a single target).
    """
    B = np.asarray(B, dtype=np.float64)
    T = np.asarray(T, dtype=np.float64)
    single = T.ndim == 2
    T = T[None] if single else T
    if B.shape[-1] != 2 or T.shape[-1] != 2 or B.shape[-2] != T.shape[-2]:
        raise ValueError(f"need d×2 bases of the same d, got {B.shape} and {T.shape}")
    M = np.einsum("...di,ndj->...nij", B, T)
    fro2 = np.einsum("...ij,...ij->...", M, M)
    det = M[..., 0, 0] * M[..., 1, 1] - M[..., 0, 1] * M[..., 1, 0]
    smin2 = 0.5 * (fro2 - np.sqrt(np.maximum(fro2**2 - 4 * det**2, 0.0)))
    out = np.sqrt(np.clip(1.0 - smin2, 0.0, None))
    return out[..., 0] if single else out


def random_planes(dim: int, n: int, seed: int) -> np.ndarray:
    """``n`` uniformly (Haar) distributed 2-planes of R^dim as an (n, dim, 2) stack of orthonormal bases.

    QR of Gaussian dim×2 matrices; the plane, not the basis, is what is uniform.
    """
    if dim < 2:
        raise ValueError(f"a 2-plane needs dim ≥ 2, got {dim}")
    rng = np.random.default_rng(seed)
    return np.stack([np.linalg.qr(rng.normal(size=(dim, 2)))[0] for _ in range(n)])


def closest_approach(tour, targets, duration: float, dt: float, chunk: int = 100_000) -> np.ndarray:
    """Minimum over t = 0, dt, 2dt, … < ``duration`` of the distance from the tour's screen plane to each target.

    ``tour`` is any object with a vectorised ``screen_basis(t_array) -> (K, d, 2)``
    (:class:`~tourlib.tour.GrandTour`). A sampled minimum can only overestimate the true one.
    """
    targets = np.asarray(targets, dtype=np.float64)
    targets = targets[None] if targets.ndim == 2 else targets
    best = np.full(len(targets), np.inf)
    steps = int(round(duration / dt))
    for start in range(0, steps, chunk):
        t = dt * np.arange(start, min(start + chunk, steps))
        best = np.minimum(best, plane_distance(tour.screen_basis(t), targets).min(axis=0))
    return best
