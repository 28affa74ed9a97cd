r"""The torus path (Asimov's torus method): ``G(t) = G_b P(ω (t − t_b))``.

``P(φ) = R_(0,1)(φ_01) R_(0,2)(φ_02) ⋯ R_(d−2,d−1)(φ_d−2,d−1)`` over all d(d−1)/2 coordinate
planes in lexicographic order; it comes arbitrarily close to every view. The products are in
:mod:`tourlib.tour.torus` (screen from the 2d − 3 head angles, O(d²) per frame; full product in
2d − 3 stages); why it visits every view is in :mod:`tourlib.tour.grand_tour`. The speeds
``θ_ij = 0.5 + u_ij`` are the next d(d−1)/2 uniforms after the rotation path's draws, so a seed
gives the same ``G0`` under both paths. JavaScript twin: ``viz/js/path_torus.js``.
"""
from __future__ import annotations

import numpy as np

from ..orthonormal import as_real, as_view
from ..torus import plane_count, screen_angle_count, times_torus_rotation, torus_frame_basis, torus_screen_basis
from . import register_path
from .angles import check_speed, plane_angles
from .common import as_times, check_dim, check_matrix, check_speeds, optional_seed


@register_path("torus")
class TorusPath:
    """``G(t) = G_b P(ω (t − t_b))``; ``theta_planes``: unscaled speeds of the planes (i, j), i < j."""

    def __init__(self, dim, speed, theta_planes, G0, t0=0.0, seed=None):
        self.dim = dim
        self.seed = seed
        self.speed = check_speed(speed)
        self.theta_planes = np.array(theta_planes, dtype=np.float64)
        self.omega_planes = self.speed * self.theta_planes
        self.rebase(G0, t0, check=False)

    @classmethod
    def from_draws(cls, dim, seed, speed, G0, Q, theta, rng):
        """The path of ``GrandTour(dim, seed, speed, path="torus")``: N more uniforms (Q, θ unused)."""
        return cls(dim, speed, 0.5 + rng.uniforms(plane_count(dim)), G0, 0.0, seed)

    @classmethod
    def from_params(cls, p):
        """From ``params()``: keys dim, G0, theta_planes, speed; optional t0, seed."""
        dim = check_dim(p, ("dim", "G0", "theta_planes", "speed"), "torus")
        theta = check_speeds(p["theta_planes"], plane_count(dim), "theta_planes",
                             "coordinate-plane speeds (d(d−1)/2)", dim)
        G0 = check_matrix(p["G0"], dim, "G0")
        return cls(dim, as_real(p["speed"], "params['speed']"), theta, G0,
                   as_real(p.get("t0", 0.0), "params['t0']"), optional_seed(p))

    def params(self) -> dict:
        return {"dim": self.dim, "seed": self.seed, "speed": self.speed, "path": "torus",
                "theta_planes": self.theta_planes.tolist(),
                "G0": self.base_view.ravel().tolist(), "t0": self.base_time}

    def rebase(self, G, t, check=True):
        self.base_view = as_view(G, self.dim) if check else np.array(G, dtype=np.float64)
        self.base_time = as_real(t, "t")
        return self

    def angles(self, t) -> np.ndarray:
        """All d(d−1)/2 plane angles, lexicographic; shape (N,) or (K, N)."""
        return plane_angles(as_times(t) - self.base_time, self.omega_planes)

    def _screen_angles(self, t) -> np.ndarray:
        return plane_angles(as_times(t) - self.base_time, self.omega_planes[:screen_angle_count(self.dim)])

    def frame(self) -> np.ndarray:
        return self.base_view.copy()

    def frame_basis(self, t) -> np.ndarray:
        """``P(φ(t)) E`` from the 2d − 3 angles it depends on."""
        return torus_frame_basis(self._screen_angles(t), self.dim)

    def screen_basis(self, t) -> np.ndarray:
        return torus_screen_basis(self.base_view, self._screen_angles(t))

    def matrix(self, t) -> np.ndarray:
        return times_torus_rotation(self.base_view, self.angles(as_real(t, "t")))
