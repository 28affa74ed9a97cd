r"""The Grand Tour: a smooth random path through the views of the data.

``GrandTour`` is a path generator holding one *path* of :mod:`tourlib.tour.paths` (each path its
own module, registered by name, with a JavaScript twin). Two are drawn at random from a seed,
``GrandTour(dim, seed, speed, path=...)``:

* ``path="rotation"`` (default): a rotation at constant angular velocity (one skew-symmetric
  generator). Cheap and smooth, but it only visits an ⌊d/2⌋-dimensional torus of views (see
  *Which views the tour visits*).
* ``path="torus"``: Asimov's torus method, a product of rotations in all d(d−1)/2 coordinate
  planes with independent angles; it comes arbitrarily close to **every** view (see *The torus
  path*). Same API, same seeds, same cost per frame on screen.

Conventions
-----------
Row vectors, as everywhere in tourlib: data ``X`` is N×d, maps multiply on the right, a *view* is an
orthogonal d×d matrix ``G`` and the screen shows ``X @ G[:, :2]``. Time ``t`` is in the caller's
unit (the figures use seconds); angles are in radians.

The rotation
------------
With ``m = ⌊d/2⌋`` planes, the tour is

    G(t) = G_b · expm((t − t_b) A),      A = Q · D · Qᵀ,
    D = diag(ω_1 J, …, ω_m J, [0 if d is odd]),      J = [[0, 1], [−1, 0]],

where ``G_b`` is the view at the base time ``t_b`` (``G_b = G0``, ``t_b = 0`` for a new tour; see
*rebase*), ``Q`` is a random orthogonal matrix and ``ω_k = speed · θ_k`` are the plane speeds.
``A`` is skew-symmetric (``Aᵀ = −A``) and ``D`` is its real Schur (block) form. Because
``J² = −I``, ``expm(φ J) = cos φ I + sin φ J = [[cos φ, sin φ], [−sin φ, cos φ]]``, which turns the
row vector ``(1, 0)`` into ``(cos φ, sin φ)``: each block turns its plane counter-clockwise, at
``ω_k`` radians per unit time. Hence, with no matrix exponential at all,

    G(t) = F · R(φ(t)) · Qᵀ,     F = G_b Q,
    R(φ) = diag(R_1, …, R_m, [1]),  R_k = [[cos φ_k, sin φ_k], [−sin φ_k, cos φ_k]],
    φ_k(t) = fmod(ω_k (t − t_b), 2π).

Plane ``k`` of the rotation is spanned by columns ``2k−2`` and ``2k−1`` (0-based) of ``Q``; for odd
``d`` the last column of ``Q`` is the fixed axis. All frames share the same generator ``A``: the
angular velocity is constant.

Cost per frame
--------------
The screen needs only the first two columns, ``E = [e_1 e_2]``:

    G(t)[:, :2] = F · (R(φ(t)) · Qᵀ[:, :2])

``R(φ) Qᵀ[:, :2]`` costs m sine/cosine pairs and O(d) multiplications (each 2×2 block mixes two rows
of the d×2 matrix ``Qᵀ[:, :2]``, precomputed), then one d×d by d×2 product: **O(d²)** per frame.
With pre-rotated data ``Y = X F`` (computed once per base view, ``frame()``), the screen positions
are ``Y · (R(φ) Qᵀ[:, :2])``: **O(N·d)** per frame. The full matrix ``G(t)`` costs one d×d product,
O(d³). The reference implementation in :mod:`tourlib.tour.givens` builds ``G(t)`` as ``G_b`` times
a product of plane rotations applied to the full d×d view, O(d³) per frame, the way a
product-of-Givens-rotations engine works; ``benchmarks/bench_tour_rotation.py`` measures both.

The random parameters (same construction in ``viz/js/tour_engine.js``)
---------------------------------------------------------------------
From ``Mulberry32(seed)`` (:mod:`tourlib.tour.rng`), in this order: ``d²`` normals filled row-major
into a d×d matrix whose rows are orthonormalised by Gram–Schmidt → ``G0``; another ``d²`` normals
→ ``Q``; then ``θ_k = 0.5 + u_k`` for ``m`` uniforms ``u_k ∈ [0, 1)``. Gram–Schmidt of a Gaussian
matrix gives a Haar-distributed orthogonal matrix (determinant ±1; a reflection is a valid view).

Why the plane speeds are rationally independent (with probability 1)
-------------------------------------------------------------------
``θ = (θ_1, …, θ_m)`` has a density on ``[0.5, 1.5)^m``. A rational dependence
``n_1 θ_1 + … + n_m θ_m = 0`` with integers ``n ≠ 0`` confines ``θ`` to a hyperplane, a set of
Lebesgue measure zero; there are countably many integer vectors ``n``, and a countable union of
null sets is null. So ``θ`` — and ``ω = speed·θ`` for ``speed ≠ 0`` — is rationally independent with
probability 1. (In floating point every number is rational, so strictly only relations with
small integer coefficients are excluded; the near-returns this allows take astronomically long.)

Which views the tour visits
---------------------------
By Kronecker's theorem (Weyl equidistribution) the angles ``φ(t) = ω (t − t_b) mod 2π`` of
rationally independent speeds fill the torus ``T^m`` densely and uniformly over time, so the tour
keeps showing new views and comes arbitrarily close to **every view of the form**
``G_b Q R(φ) Qᵀ``, ``φ ∈ T^m`` (tested in ``tests/test_tour_grand_tour.py``). That set is an
m-dimensional torus. The set of all screen planes (2-planes of R^d) has dimension ``2(d − 2)``,
larger than ``m`` for every ``d ≥ 3``, so **no constant-velocity rotation ``expm(tA)`` comes close to
every 2-plane**. In d = 3 the rotation has a fixed axis ``a = Q e_3`` (a column of Q), and the
screen normal ``G(t) e_3`` keeps a constant angle to ``G_b a``, i.e. ``(G(t) e_3) · (G_b a)`` is
constant (also tested). Tours that do approach every plane drop the constant generator: Asimov's
torus method multiplies rotations in all d(d−1)/2 coordinate planes with independent angles
``ω_ij t`` (``path="torus"``, below), and geodesic tours move between random target planes.

The torus path (``path="torus"``)
---------------------------------
With the ``N = d(d−1)/2`` coordinate planes ``(i, j)``, ``i < j`` (0-based), in lexicographic order
``(0,1), (0,2), …, (0,d−1), (1,2), …, (d−2,d−1)``:

    G(t) = G_b · P(φ(t)),
    P(φ) = R_(0,1)(φ_01) R_(0,2)(φ_02) ⋯ R_(d−2,d−1)(φ_d−2,d−1)      (factors left to right),
    R_(i,j)(φ) = expm(φ (e_i e_jᵀ − e_j e_iᵀ)):  R[i,i] = R[j,j] = cos φ, R[i,j] = sin φ, R[j,i] = −sin φ,
    φ_ij(t) = fmod(ω_ij (t − t_b), 2π),   ω_ij = speed · θ_ij,   θ_ij = 0.5 + u_ij ∈ [0.5, 1.5).

``R_(i,j)`` is the block ``J = [[0, 1], [−1, 0]]`` of the rotation path put in rows/columns
``i, j``: it turns the row vector ``e_i`` towards ``e_j`` (for ``(i, j) = (2k, 2k+1)`` it is the
rotation path's ``R_k``). No conjugation by ``Q``: ``Q P Qᵀ`` ranges over the same set of
rotations, so it would change neither which views are visited nor the cost; the plain product keeps
the parameters small (no d×d ``Q`` in ``params()``) and the algebra below exact. The θ_ij are the
next N uniforms of the same stream, drawn *after* ``G0``, ``Q`` and the ⌊d/2⌋ rotation speeds, in
lexicographic order, so a seed gives the same ``G0`` under both paths (and the rotation path is
unchanged). ``Q`` and the rotation speeds are drawn and discarded.

*Cost per frame.* The screen needs ``G(t)[:, :2] = G_b · (P(φ) E)``, ``E = [e_0 e_1]``. Applied right
to left, all factors ``R_(i,j)`` with ``i ≥ 2`` come first and only mix rows ``≥ 2`` of ``E``, which
are zero, so they leave ``E`` unchanged *exactly*: ``P(φ) E = B_0 B_1 E`` with the pivot chains
``B_i = R_(i,i+1) ⋯ R_(i,d−1)``, which use only the 2d − 3 angles ``φ_0j`` and ``φ_1j``. So a
frame costs 2d − 3 sines/cosines, 2(2d − 3) two-row updates of a d×2 matrix (numpy: a doubling
scan, :mod:`tourlib.tour.torus`) and one d×d by d×2 product: **O(d²)**, like the rotation path.
Multiplying out the d×d product of all N factors every frame costs O(d³) (N two-column updates of
O(d)); that is what ``matrix(t)`` does (numpy: 2d − 3 stages of disjoint planes, see
:mod:`tourlib.tour.torus`), and ``benchmarks/bench_tour_rotation.py`` compares the two.

*Why it visits every view.*

1. The map ``T^N → SO(d)``, ``φ ↦ P(φ)``, is onto (the Givens QR argument). Given ``V ∈ SO(d)``,
   left-multiply by ``R_(0,1)ᵀ``, ``R_(0,2)ᵀ``, …, ``R_(0,d−1)ᵀ`` in turn, each angle chosen to zero
   entry ``(j, 0)`` and leave entry ``(0, 0) ≥ 0``; column 0 becomes ``e_0`` (it has norm 1) and, the
   matrix being orthogonal, so does row 0. Repeat with ``R_(1,j)ᵀ`` on column 1, and so on. What is
   left is upper triangular and orthogonal with a non-negative diagonal except possibly the last
   entry, i.e. the identity (the last entry is ``det V = 1``). So
   ``R_(d−2,d−1)ᵀ ⋯ R_(0,1)ᵀ V = I``, i.e. ``V = P(φ)`` for the angles chosen. (The order matters
   for this argument; the lexicographic order is the one the QR elimination uses.)
2. With rationally independent ω_ij — probability 1, by the same measure-zero argument as for θ_k
   above — the line ``φ(t) = ω (t − t_b) mod 2π``, ``t ≥ t_b``, is dense in the torus ``T^N``
   (Kronecker; Weyl: it equidistributes).
3. The image of a dense set under a continuous onto map is dense, so ``G(t)`` comes arbitrarily
   close to every view in ``G_b · SO(d)`` — every view if ``det G_b = 1``, every view of
   determinant −1 otherwise (a rotation cannot leave the component of ``G_b``).
4. Every 2-plane (indeed every orthonormal 2-frame ``T``, for d ≥ 3) is the screen of such a view:
   complete ``T`` to an orthogonal matrix and, if its determinant differs from ``det G_b``, flip
   the sign of its last column. For d = 2 there is only one plane.

So the screen plane comes arbitrarily close to every 2-plane of R^d. For the screen alone the same
argument runs on the 2d − 3 head angles: ``φ_head ↦ B_0 B_1 E`` maps ``T^(2d−3)`` onto the
orthonormal 2-frames (the first two columns of the ``P(φ)`` of step 1), and the head of ``ω`` is
rationally independent too. Tested in ``tests/test_tour_torus.py``: Haar-random target planes in
d = 3, 4, 5 are reached to within 0.1, 0.15, 0.3, while in d = 3 the rotation path provably stays
away from most of them. How long it takes grows quickly with d: for small ``ε`` the fraction of
time within ``ε`` of a given plane shrinks like ``ε^(2(d−2))`` (2(d−2) is the dimension of the set
of planes).

Rebase: continuing from a manipulated view
------------------------------------------
``rebase(G, t)`` sets ``G_b = G`` and ``t_b = t``, so that afterwards
``matrix(t') = G Q R(ω (t' − t)) Qᵀ`` (torus path: ``G P(ω (t' − t))``) and in particular
``matrix(t) = G``: after a drag the tour continues from the dragged view with the same rotation
(the same plane speeds). Cost: one d×d product (``F = G Q``; torus path: none, ``F = G``).

Numerical drift
---------------
Every frame is computed in closed form from ``F``, ``Q`` and fresh sines and cosines; nothing is
accumulated from frame to frame, so ``‖G(t)ᵀG(t) − I‖`` is O(ε·d) at any ``t`` (ε = 2⁻⁵²),
including the 10⁶-th frame. (Torus path: each entry of ``G_b P`` goes through d − 1 plane rotations,
so the same bound holds.) The angle ``ω_k (t − t_b)`` is reduced with ``fmod`` (exact in IEEE
arithmetic, identical in Python and JavaScript) before ``sin``/``cos``; the rounding of the product
``ω_k (t − t_b)`` shifts the view by at most ~1e-12 rad at ``t − t_b ≈ 1.7·10⁴`` (10⁶ frames at
60 fps) and does not affect orthogonality. Views handed to ``rebase`` must be orthogonal to
``1e-6``; the manipulations in :mod:`tourlib.tour.manipulate` return views orthonormal to machine
precision.

Other paths
-----------
``"planned"`` (the geodesic to a chosen view, :mod:`tourlib.tour.paths.planned`) and ``"guided"``
(projection pursuit, :mod:`tourlib.tour.paths.guided`) are built from their own arguments and
wrapped by ``GrandTour.from_path``; ``GrandTour.from_params`` rebuilds any registered path.

Resource and range limits
-------------------------
``dim`` is checked before anything of size d² is allocated (at most ``MAX_DIM`` = 4096, a clear
error above); the random views are orthonormalised by a QR factorisation (LAPACK, see
:mod:`tourlib.tour.orthonormal`), so ``GrandTour(3072)`` builds in seconds. ``|speed| ≤ 10⁶`` and
``|ω (t − t_b)| ≤ 2⁵⁰`` rad: beyond, the angles keep no precision (or overflow to NaN) and the tour
raises a ValueError instead of returning NaN views (:mod:`tourlib.tour.paths.angles`).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .orthonormal import as_real, gram_schmidt_rows
from .paths import RANDOM_PATHS, path_class, path_from_params
from .paths.common import as_dim
from .paths.rotation import rotate_row_pairs
from .rng import Mulberry32, check_seed, draw_seed

__all__ = ["GrandTour", "rotate_row_pairs", "PATHS"]

TWO_PI = 2.0 * np.pi
#: The random tour paths: a constant-velocity rotation, or Asimov's torus method.
PATHS = RANDOM_PATHS


def _as_path(path) -> str:
    if not isinstance(path, str) or path not in PATHS:
        raise (TypeError if not isinstance(path, str) else ValueError)(
            f"path must be one of {PATHS} for a random tour; got {path!r}. (Planned and guided paths are "
            "built with PlannedPath / guided_tour and wrapped by GrandTour.from_path.)")
    return path


class GrandTour:
    """A tour in ``dim`` dimensions following one path of :mod:`tourlib.tour.paths`.

    ``path="rotation"``: ``G(t) = G_b Q R(ω (t − t_b)) Qᵀ``; ``path="torus"``:
    ``G(t) = G_b P(ω (t − t_b))``, a product over all coordinate planes (module docstring).

    Parameters
    ----------
    dim : int
        Data dimension, 2 <= d <= 4096 (checked before allocating).
    seed : int in [0, 2**32) or None
        Seed of the shared Python/JS generator. ``None`` draws one; it is stored in ``tour.seed``.
    speed : float
        Multiplies the plane speeds: ``ω = speed · θ`` radians per unit time, ``θ ∈ [0.5, 1.5)``.
    path : "rotation" or "torus"
        The same seed gives the same ``G0`` for both.

    Attributes
    ----------
    dim, seed, speed, path; ``base_view`` (d×d) at ``base_time``; ``path_object`` (the path).
    Rotation path: ``theta``, ``omega``, ``Q`` (None for the others). Torus path:
    ``theta_planes``, ``omega_planes`` (None for the others).

    Examples
    --------
    >>> tour = GrandTour(10, seed=0)
    >>> B = tour.screen_basis(1.5)            # d×2, orthonormal columns
    >>> P = tour.project(np.ones((4, 10)), 1.5)   # 4×2 screen positions
    >>> torus = GrandTour(10, seed=0, path="torus")   # same G0, visits every view
    """

    def __init__(self, dim: int, seed: int | None = None, speed: float = 1.0, path: str = "rotation"):
        dim = as_dim(dim)
        path = _as_path(path)
        seed = draw_seed() if seed is None else check_seed(seed)
        speed = as_real(speed, "speed")
        rng = Mulberry32(seed)
        G0 = gram_schmidt_rows(rng.normals(dim * dim).reshape(dim, dim))
        Q = gram_schmidt_rows(rng.normals(dim * dim).reshape(dim, dim))
        theta = 0.5 + rng.uniforms(dim // 2)
        self.path_object = path_class(path).from_draws(dim, seed, speed, G0, Q, theta, rng)

    @classmethod
    def from_path(cls, path_object) -> "GrandTour":
        """Wrap any path object of :mod:`tourlib.tour.paths` (e.g. a ``PlannedPath``, a ``GuidedPath``)."""
        tour = cls.__new__(cls)
        tour.path_object = path_object
        return tour

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "GrandTour":
        """Rebuild a tour from ``params()``; the key ``path`` names the path (absent: "rotation").

        Rotation: dim, G0, Q, theta, speed; torus: dim, G0, theta_planes, speed (optional t0,
        seed); planned and guided: see their modules. Matrices are flat row-major lists.
        """
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be the dict returned by GrandTour.params(); got {type(params).__name__}.")
        return cls.from_path(path_from_params(params))

    def params(self) -> dict[str, Any]:
        """Plain-Python parameters (JSON-ready) that rebuild this tour, here or in the browser
        (``tourlib.paths.fromParams`` in ``viz/js/paths.js``). Always has the key ``path``."""
        return self.path_object.params()

    # ------------------------------------------------------------ delegation
    @property
    def path(self) -> str:
        return self.path_object.name

    @property
    def dim(self) -> int:
        return self.path_object.dim

    @property
    def seed(self):
        return getattr(self.path_object, "seed", None)

    @property
    def speed(self):
        return getattr(self.path_object, "speed", None)

    @property
    def base_view(self) -> np.ndarray:
        return self.path_object.base_view

    @property
    def base_time(self) -> float:
        return self.path_object.base_time

    def __getattr__(self, name):
        if name in ("theta", "omega", "Q", "theta_planes", "omega_planes"):
            return getattr(self.__dict__["path_object"], name, None)
        raise AttributeError(name)

    def _need(self, method: str):
        fn = getattr(self.path_object, method, None)
        if fn is None:
            raise ValueError(f"{method}() is not defined for path={self.path!r}.")
        return fn

    def angles(self, t) -> np.ndarray:
        """Plane angles ``φ(t) = fmod(ω (t − t_b), 2π)``: ⌊d/2⌋ (rotation) or d(d−1)/2 (torus)."""
        return self._need("angles")(t)

    def generator(self) -> np.ndarray:
        """The skew-symmetric generator ``A`` with ``G(t) = G_b expm((t−t_b) A)``; rotation path only."""
        if self.path != "rotation":
            raise ValueError(f"generator() exists for path='rotation' only: the {self.path} path has no "
                             "constant generator (its angular velocity changes along the way).")
        return self.path_object.generator()

    def frame(self) -> np.ndarray:
        """``F``: pre-rotate data once as ``Y = X @ tour.frame()``; valid until the next ``rebase``."""
        return self._need("frame")()

    def frame_basis(self, t) -> np.ndarray:
        """d×2 (or K×d×2) with ``screen_basis = frame() @ frame_basis``."""
        return self._need("frame_basis")(t)

    def screen_basis(self, t) -> np.ndarray:
        """``G(t)[:, :2]``: d×2 with orthonormal columns (K×d×2 for a 1-D array of K times)."""
        return self.path_object.screen_basis(t)

    def matrix(self, t: float) -> np.ndarray:
        """The full view ``G(t)`` (d×d orthogonal)."""
        return self.path_object.matrix(as_real(t, "t"))

    def project(self, X, t: float) -> np.ndarray:
        """Screen positions ``X @ G(t)[:, :2]`` (N×2) of data ``X`` (N×d)."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"X must be an N×{self.dim} array (one row per point); got shape {X.shape}.")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or infinite values; drop or impute them before projecting.")
        return X @ self.screen_basis(as_real(t, "t"))

    def rebase(self, G, t: float) -> "GrandTour":
        """Continue the tour from view ``G`` at time ``t``: afterwards ``matrix(t) = G``.

        ``G`` must be a d×d orthogonal matrix (``‖GᵀG − I‖_F <= 1e-6``), e.g. the result of
        ``drag_axis`` or ``drag_centroid``. Returns the tour itself.
        """
        self.path_object.rebase(G, t)
        return self

    def __repr__(self) -> str:
        extra = "" if self.path == "rotation" else f", path={self.path!r}"
        return f"GrandTour(dim={self.dim}, seed={self.seed}, speed={self.speed}{extra})"
