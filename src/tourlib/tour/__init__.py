"""The Grand Tour and direct manipulation (``tourlib.tour``).

A *path generator* in the tourr sense: it says which view ``G(t)`` (orthogonal d×d, row-vector
convention, screen = ``X @ G[:, :2]``) to show at time ``t``, and how a drag changes the view. How
views are drawn lives in :mod:`tourlib.viz`; ``viz/js/tour_engine.js`` is the same engine in
JavaScript (same seeds → same matrices).

Modules
-------
grand_tour   ``GrandTour(dim, seed, speed, path)``: ``path="rotation"`` (default),
             ``G(t) = G_b Q R(ω(t − t_b)) Qᵀ``, a constant-velocity rotation that visits an
             ⌊d/2⌋-torus of views; ``path="torus"`` (Asimov's torus method),
             ``G(t) = G_b R_(0,1)(φ_01) ⋯ R_(d−2,d−1)(φ_d−2,d−1)`` over all coordinate planes in
             lexicographic order, which comes arbitrarily close to every view. Both O(d²) per
             screen frame; ``rebase``; ``params``/``from_params`` (JSON, shared with JS).
paths        the path generators, one module each, registered by name (each with a JS twin
             ``viz/js/path_<name>.js``): ``rotation``, ``torus``, ``planned`` (the geodesic to a
             chosen view, eased), ``guided`` (projection pursuit: geodesic steps that climb an
             index, ``guided_tour``, ``lda_index``); ``geodesic`` (between two frames), ``angles``.
torus        the torus path's products of plane rotations: screen basis from 2d − 3 angles (pivot
             chains, doubling scan), full product in 2d − 3 stages of disjoint planes.
manipulate   ``drag_axis`` (axis handles, Gram–Schmidt with the dragged row first),
             ``drag_centroid`` (turn a data point toward the cursor in a single plane) and
             ``drag_group`` (the handle of a named point group: its centroid follows the cursor).
givens       slow references: product of plane rotations, ``scipy.linalg.expm``; the torus
             path's Givens product with dense d×d factors and one plane per iteration.
orthonormal  Gram–Schmidt of rows, ``orthogonality_error``, input checks.
rng          ``Mulberry32``: the seeded generator shared with JavaScript.
"""
from .grand_tour import GrandTour
from .manipulate import centroid_landing, drag_axis, drag_centroid, drag_group, group_centroid
from .orthonormal import gram_schmidt_rows, orthogonality_error
from .paths import path_from_params
from .paths.guided import GuidedPath, guided_tour, index_along, lda_index, top_axes
from .paths.planned import PlannedPath
from .rng import Mulberry32

__all__ = [
    "PlannedPath",
    "GuidedPath",
    "guided_tour",
    "lda_index",
    "index_along",
    "top_axes",
    "path_from_params",
    "drag_group",
    "group_centroid",
    "GrandTour",
    "drag_axis",
    "drag_centroid",
    "centroid_landing",
    "gram_schmidt_rows",
    "orthogonality_error",
    "Mulberry32",
]
