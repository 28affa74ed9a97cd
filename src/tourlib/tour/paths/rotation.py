r"""The rotation path: ``G(t) = G_b Q R(ω (t − t_b)) Qᵀ``, one constant skew-symmetric generator.

``R(φ) = diag(R_1, …, R_m, [1])``, ``R_k = [[cos φ_k, sin φ_k], [−sin φ_k, cos φ_k]]``,
``m = ⌊d/2⌋``, ``φ_k(t) = fmod(ω_k (t − t_b), 2π)``, ``ω = speed · θ``. The screen needs
``G(t)[:, :2] = F (R(φ) Qᵀ[:, :2])`` with ``F = G_b Q``: O(d²) per frame. The derivation, which
views it visits and why the speeds are rationally independent are in
:mod:`tourlib.tour.grand_tour`; the JavaScript twin is ``viz/js/path_rotation.js``.
"""
from __future__ import annotations

import numpy as np

from ..orthonormal import as_real, as_view
from . import register_path
from .angles import check_speed, plane_angles
from .common import as_times, check_dim, check_matrix, check_speeds, optional_seed


def rotate_row_pairs(phi, M) -> np.ndarray:
    """``R(φ) @ M``: rotate the row pairs ``(2k, 2k+1)`` of ``M`` by the angles ``φ_k``.

    Row ``2k`` becomes ``cos φ_k · M[2k] + sin φ_k · M[2k+1]``, row ``2k+1`` becomes
    ``−sin φ_k · M[2k] + cos φ_k · M[2k+1]``; a last unpaired row is unchanged. ``phi`` of shape
    (m,) or (K, m) gives (d, c) or (K, d, c). Cost O(m · M.shape[1]).
    """
    phi = np.asarray(phi, dtype=np.float64)
    m = phi.shape[-1]
    c = np.cos(phi)[..., None]
    s = np.sin(phi)[..., None]
    a, b = M[0:2 * m:2], M[1:2 * m:2]
    out = np.array(np.broadcast_to(M, phi.shape[:-1] + M.shape))
    out[..., 0:2 * m:2, :] = c * a + s * b
    out[..., 1:2 * m:2, :] = -s * a + c * b
    return out


@register_path("rotation")
class RotationPath:
    """``G(t) = G_b Q R(ω (t − t_b)) Qᵀ`` (module docstring); ``theta`` unscaled plane speeds."""

    def __init__(self, dim, speed, theta, Q, G0, t0=0.0, seed=None):
        self.dim = dim
        self.seed = seed
        self.speed = check_speed(speed)
        self.theta = np.array(theta, dtype=np.float64)
        self.omega = self.speed * self.theta
        self.Q = np.array(Q, dtype=np.float64)
        self._QtE = np.ascontiguousarray(self.Q.T[:, :2])
        self.rebase(G0, t0, check=False)

    @classmethod
    def from_draws(cls, dim, seed, speed, G0, Q, theta, rng):
        """The path of ``GrandTour(dim, seed, speed)``: uses the shared draws G0, Q, θ."""
        return cls(dim, speed, theta, Q, G0, 0.0, seed)

    @classmethod
    def from_params(cls, p):
        """From ``params()``: keys dim, G0, Q, theta, speed; optional t0, seed."""
        dim = check_dim(p, ("dim", "G0", "Q", "theta", "speed"), "rotation")
        theta = check_speeds(p["theta"], dim // 2, "theta", "plane speeds", dim)
        Q = check_matrix(p["Q"], dim, "Q")
        G0 = check_matrix(p["G0"], dim, "G0")
        return cls(dim, as_real(p["speed"], "params['speed']"), theta, Q, G0,
                   as_real(p.get("t0", 0.0), "params['t0']"), optional_seed(p))

    def params(self) -> dict:
        return {"dim": self.dim, "seed": self.seed, "speed": self.speed, "path": "rotation",
                "theta": self.theta.tolist(), "Q": self.Q.ravel().tolist(),
                "G0": self.base_view.ravel().tolist(), "t0": self.base_time}

    def rebase(self, G, t, check=True):
        self.base_view = as_view(G, self.dim) if check else np.array(G, dtype=np.float64)
        self.base_time = as_real(t, "t")
        self._F = self.base_view @ self.Q
        return self

    def angles(self, t) -> np.ndarray:
        """``φ(t) = fmod(ω (t − t_b), 2π)``; shape (m,) or (K, m)."""
        return plane_angles(as_times(t) - self.base_time, self.omega)

    def frame(self) -> np.ndarray:
        return self._F.copy()

    def frame_basis(self, t) -> np.ndarray:
        """``R(φ(t)) Qᵀ[:, :2]`` (d×2 or K×d×2): ``screen_basis = frame() @ frame_basis``."""
        return rotate_row_pairs(self.angles(t), self._QtE)

    def screen_basis(self, t) -> np.ndarray:
        return self._F @ self.frame_basis(t)

    def matrix(self, t) -> np.ndarray:
        return self._F @ rotate_row_pairs(self.angles(as_real(t, "t")), self.Q.T)

    def generator(self) -> np.ndarray:
        """``A = Q diag(ω_k J, …, [0]) Qᵀ``: ``G(t) = G_b expm((t − t_b) A)``."""
        m = self.dim // 2
        D = np.zeros((self.dim, self.dim))
        D[np.arange(0, 2 * m, 2), np.arange(1, 2 * m, 2)] = self.omega
        D[np.arange(1, 2 * m, 2), np.arange(0, 2 * m, 2)] = -self.omega
        return self.Q @ D @ self.Q.T
