r"""The planned path: the smooth move from the current view to a chosen one (a preset view).

``PlannedPath(start, target, duration, t0)`` follows the geodesic of
:mod:`tourlib.tour.paths.geodesic` from ``start[:, :2]`` to the target frame, eased:

    u = clip((t − t0) / duration, 0, 1),   s = u² (3 − 2u)   (smoothstep; ``ease="linear"``: s = u),
    screen_basis(t) = F(s),     matrix(t) = P(s) · start · diag(Rot(sα), I)   for u < 1.

For ``u ≥ 1`` the path rests at the target: ``screen_basis = target[:, :2]`` and ``matrix`` is the
target view if one was given (d×d), else the geodesic's end view. (Only the off-screen columns
can jump there.) ``rebase(G, t)`` plans again from ``G`` at ``t`` to the same target. JavaScript
twin: ``viz/js/path_planned.js`` (the figure's preset buttons).
"""
from __future__ import annotations

import numpy as np

from ..orthonormal import as_real, as_view
from . import register_path
from .common import as_times
from .geodesic import frame_at, geodesic_plan, orthonormal_frame, view_at

EASES = ("smooth", "linear")


def ease(u, kind: str):
    return u * u * (3.0 - 2.0 * u) if kind == "smooth" else u


@register_path("planned")
class PlannedPath:
    """Geodesic from view ``start`` (d×d) to ``target`` (d×d view or d×2 frame) in ``duration``."""

    def __init__(self, start, target, duration: float = 0.6, t0: float = 0.0, ease: str = "smooth"):
        start = as_view(start, name="start")
        self.dim = start.shape[0]
        target = np.asarray(target, dtype=np.float64)
        if target.shape == (self.dim, self.dim):
            self.target = as_view(target, self.dim, name="target")
        elif target.shape == (self.dim, 2):
            self.target = orthonormal_frame(target, "target")
        else:
            raise ValueError(f"target must be a {self.dim}×{self.dim} view or a {self.dim}×2 frame; "
                             f"got shape {target.shape}.")
        self.duration = as_real(duration, "duration")
        if self.duration <= 0:
            raise ValueError(f"duration must be > 0; got {duration}.")
        if ease not in EASES:
            raise ValueError(f"ease must be one of {EASES}; got {ease!r}.")
        self.ease = ease
        self.seed = None
        self.speed = 1.0
        self.rebase(start, t0, check=False)

    @classmethod
    def from_params(cls, p):
        for key in ("dim", "G0", "target", "duration"):
            if key not in p:
                raise ValueError(f"params is missing the key {key!r} (planned path: dim, G0, target, duration, "
                                 "optional t0, ease).")
        d = int(p["dim"])
        target = np.asarray(p["target"], dtype=np.float64)
        target = target.reshape(d, d) if target.size == d * d else target.reshape(d, 2)
        return cls(np.asarray(p["G0"], dtype=np.float64).reshape(d, d), target, p["duration"],
                   p.get("t0", 0.0), p.get("ease", "smooth"))

    def params(self) -> dict:
        return {"dim": self.dim, "path": "planned", "G0": self.base_view.ravel().tolist(),
                "target": self.target.ravel().tolist(), "duration": self.duration,
                "t0": self.base_time, "ease": self.ease}

    def rebase(self, G, t, check=True):
        self.base_view = as_view(G, self.dim) if check else np.array(G, dtype=np.float64)
        self.base_time = as_real(t, "t")
        self.plan = geodesic_plan(self.base_view[:, :2], self.target[:, :2])
        self.end_view = self.target if self.target.shape[1] == self.dim else view_at(self.plan, self.base_view, 1.0)
        return self

    @property
    def end_time(self) -> float:
        return self.base_time + self.duration

    def position(self, t) -> float:
        u = min(1.0, max(0.0, (float(t) - self.base_time) / self.duration))
        return u

    def screen_basis(self, t) -> np.ndarray:
        ts = as_times(t)
        if ts.ndim == 1:
            return np.stack([self.screen_basis(float(x)) for x in ts]) if len(ts) else np.zeros((0, self.dim, 2))
        u = self.position(ts)
        if u >= 1.0:
            return self.end_view[:, :2].copy()
        return frame_at(self.plan, ease(u, self.ease))

    def matrix(self, t) -> np.ndarray:
        u = self.position(as_real(t, "t"))
        if u >= 1.0:
            return self.end_view.copy()
        return view_at(self.plan, self.base_view, ease(u, self.ease))
