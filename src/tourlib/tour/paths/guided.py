r"""The guided path: projection pursuit (tourr's guided tour) climbing an index of the screen.

An *index* scores a screen: ``index(X @ F, labels) → float``. The default,
:func:`lda_index`, is the LDA-style class separation of tourr's ``lda_pp``:

    I(F) = 1 − det(W) / det(W + B),   W = Σ_c Σ_{i∈c} (p_i − m_c)(p_i − m_c)ᵀ,
                                      B = Σ_c n_c (m_c − m)(m_c − m)ᵀ,

with ``p_i = x_i F`` the projected points, ``m_c`` the class means and ``m`` the mean (2×2
scatter matrices). ``I ∈ [0, 1]``; 0 when the projected class means coincide, near 1 when every
class is a tight cluster far from the others.

The search (:func:`guided_tour`, as tourr's ``search_geodesic``): from the current frame ``F``
with index ``I``, draw ``n_candidates`` random frames (numpy ``default_rng(seed)``, QR of a
Gaussian d×2), step along the geodesic toward each by the fractions ``STEPS`` and keep the best
frame found. If it beats ``I`` by more than ``tol`` it becomes the next *keyframe*; otherwise
new candidates are drawn, up to ``max_tries`` times, after which the search stops (a local
maximum). So the index at the keyframes strictly increases.

The path: the geodesics (:mod:`~tourlib.tour.paths.geodesic`) from keyframe to keyframe at a
constant ``speed`` (radians of plane motion per unit time, segment ``k`` lasts
``max(distance_k / speed, MIN_SEGMENT)``), then it rests at the last keyframe. Full views are
chained: ``V_{k+1} = view_at(plan_k, V_k, 1)``. ``rebase(G, t)`` continues from ``G`` to the
keyframes not reached yet. The JavaScript twin ``viz/js/path_guided.js`` replays the keyframes
(the search needs the data and runs in Python).
"""
from __future__ import annotations

import bisect

import numpy as np

from ..orthonormal import as_real, as_view
from . import register_path
from .common import as_times
from .geodesic import frame_at, geodesic_plan, orthonormal_frame, view_at

#: Fractions of the geodesic toward a random candidate frame that the search tries.
STEPS = (0.02, 0.05, 0.1, 0.2, 0.35, 0.5)
#: Shortest segment (time units), so that tiny steps stay visible.
MIN_SEGMENT = 0.05


def lda_index(P, labels) -> float:
    """``1 − det(W)/det(W + B)`` of the projected points ``P`` (N×2) by class (module docstring)."""
    P = np.asarray(P, dtype=np.float64)
    codes = np.unique(np.asarray(labels), return_inverse=True)[1].ravel()
    K = int(codes.max()) + 1 if codes.size else 0
    n = np.bincount(codes, minlength=K).astype(np.float64)
    sums = np.stack([np.bincount(codes, weights=P[:, j], minlength=K) for j in range(2)], axis=1)
    means = sums / np.maximum(n, 1.0)[:, None]
    m = P.mean(axis=0)
    T = (P - m).T @ (P - m)                     # total scatter W + B
    D = means - m
    B = (D * n[:, None]).T @ D
    W = T - B
    det_t = float(np.linalg.det(T))
    if det_t <= 0.0:
        return 0.0
    return float(1.0 - np.linalg.det(W) / det_t)


INDICES = {"lda": lda_index}


@register_path("guided")
class GuidedPath:
    """Geodesics through the keyframes ``frames`` (each d×2), starting at view ``start``."""

    def __init__(self, start, frames, speed: float = 0.5, t0: float = 0.0, index_values=None,
                 index_name: str | None = None):
        start = as_view(start, name="start")
        self.dim = start.shape[0]
        self.frames = [orthonormal_frame(np.asarray(F).reshape(self.dim, 2), f"frames[{k}]")
                       for k, F in enumerate(frames)]
        self.speed = as_real(speed, "speed")
        if self.speed <= 0:
            raise ValueError(f"speed (radians per unit time) must be > 0; got {speed}.")
        self.seed = None
        self.index_values = None if index_values is None else [float(v) for v in index_values]
        self.index_name = index_name
        self.rebase(start, t0, check=False)

    @classmethod
    def from_params(cls, p):
        for key in ("dim", "G0", "frames", "speed"):
            if key not in p:
                raise ValueError(f"params is missing the key {key!r} (guided path: dim, G0, frames, speed, "
                                 "optional t0).")
        d = int(p["dim"])
        frames = np.asarray(p["frames"], dtype=np.float64).reshape(-1, d, 2)
        return cls(np.asarray(p["G0"], dtype=np.float64).reshape(d, d), list(frames), p["speed"],
                   p.get("t0", 0.0), p.get("index_values"), p.get("index_name"))

    def params(self) -> dict:
        return {"dim": self.dim, "path": "guided", "G0": self.base_view.ravel().tolist(),
                "frames": np.asarray(self.frames).ravel().tolist(), "speed": self.speed,
                "t0": self.base_time, "index_values": self.index_values, "index_name": self.index_name}

    def rebase(self, G, t, check=True):
        """Continue from ``G`` at ``t`` toward the keyframes not yet reached."""
        G = as_view(G, self.dim) if check else np.array(G, dtype=np.float64)
        t = as_real(t, "t")
        if hasattr(self, "times"):
            k = self.segment(t)[0]
            done = k + 1 if t - self.base_time >= self.times[-1] else k
            self.frames = self.frames[done:]
            if self.index_values is not None:
                self.index_values = self.index_values[done:]
        self.base_view, self.base_time = G, t
        self.plans, self.views, self.times = [], [G], [0.0]
        for F in self.frames:
            plan = geodesic_plan(self.views[-1][:, :2], F)
            self.plans.append(plan)
            self.views.append(view_at(plan, self.views[-1], 1.0))
            self.times.append(self.times[-1] + max(plan["distance"] / self.speed, MIN_SEGMENT))
        return self

    @property
    def end_time(self) -> float:
        return self.base_time + self.times[-1]

    def segment(self, t):
        """``(k, s)``: segment ``k`` at fraction ``s`` (``k = -1``: no segments, resting)."""
        tau = float(t) - self.base_time
        if not self.plans:
            return -1, 1.0
        if tau >= self.times[-1]:
            return len(self.plans) - 1, 1.0
        if tau <= 0.0:
            return 0, 0.0
        k = bisect.bisect_right(self.times, tau) - 1
        return k, (tau - self.times[k]) / (self.times[k + 1] - self.times[k])

    def screen_basis(self, t) -> np.ndarray:
        ts = as_times(t)
        if ts.ndim == 1:
            return np.stack([self.screen_basis(float(x)) for x in ts]) if len(ts) else np.zeros((0, self.dim, 2))
        k, s = self.segment(ts)
        if k < 0:
            return self.base_view[:, :2].copy()
        if s >= 1.0:
            return self.views[k + 1][:, :2].copy()
        return frame_at(self.plans[k], s)

    def matrix(self, t) -> np.ndarray:
        k, s = self.segment(as_real(t, "t"))
        if k < 0:
            return self.base_view.copy()
        if s >= 1.0:
            return self.views[k + 1].copy()
        return view_at(self.plans[k], self.views[k], s)


def _random_frame(rng, d):
    Q, R = np.linalg.qr(rng.standard_normal((d, 2)))
    return Q * np.sign(np.diag(R))


def guided_tour(X, labels, *, start=None, seed: int = 0, index="lda", speed: float = 0.5,
                n_candidates: int = 12, max_tries: int = 20, max_steps: int = 60, tol: float = 1e-4):
    """Search keyframes that climb ``index`` (default :func:`lda_index`) and return a :class:`GuidedPath`.

    ``X``: N×d data (centre it first; the screen shows ``X @ F``), ``labels``: N class codes.
    ``start``: the d×d view to start from (default ``GrandTour(d, seed).matrix(0)``, the random
    tour's first view). The path's ``index_values`` holds the index at the start and at each
    keyframe (strictly increasing).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] < 2 or not np.all(np.isfinite(X)):
        raise ValueError(f"X must be a finite N×d array with d >= 2; got shape {X.shape}.")
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels must hold one class per point ({X.shape[0]}); got shape {labels.shape}.")
    fn = INDICES.get(index) if isinstance(index, str) else index
    if not callable(fn):
        raise ValueError(f"index must be one of {sorted(INDICES)} or a function (P, labels) -> float; got {index!r}.")
    d = X.shape[1]
    if start is None:
        from ..grand_tour import GrandTour
        start = GrandTour(d, seed=seed).matrix(0.0)
    start = as_view(start, d, name="start")
    rng = np.random.default_rng(seed)
    F = start[:, :2]
    best = fn(X @ F, labels)
    frames, values = [], [best]
    for _ in range(max_steps):
        found = None
        for _ in range(max_tries):
            for _ in range(n_candidates):
                plan = geodesic_plan(F, _random_frame(rng, d))
                for a in STEPS:
                    C = frame_at(plan, a)
                    v = fn(X @ C, labels)
                    if v > best + tol and (found is None or v > found[0]):
                        found = (v, C)
            if found is not None:
                break
        if found is None:
            break
        best, F = found
        frames.append(F)
        values.append(best)
    name = index if isinstance(index, str) else getattr(index, "__name__", "index")
    return GuidedPath(start, frames, speed=speed, index_values=values, index_name=name)


def index_along(path, X, labels, times, index="lda") -> np.ndarray:
    """The index of the screens ``X @ path.screen_basis(t)`` at the given times."""
    fn = INDICES.get(index) if isinstance(index, str) else index
    X = np.asarray(X, dtype=np.float64)
    return np.array([fn(X @ path.screen_basis(float(t)), labels) for t in times])


def top_axes(F, k: int = 2) -> list[int]:
    """The ``k`` data axes that contribute most to the screen of frame ``F`` (d×2): the largest row
    norms ``‖F[i, :]‖`` (row i is where data axis i lands on the screen), in decreasing order."""
    F = np.asarray(F, dtype=np.float64)
    if F.ndim != 2 or F.shape[1] != 2:
        raise ValueError(f"F must be a d×2 frame; got shape {F.shape}.")
    return [int(i) for i in np.argsort(-np.linalg.norm(F, axis=1), kind="stable")[:k]]
