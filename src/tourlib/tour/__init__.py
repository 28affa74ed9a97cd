"""The Grand Tour and direct manipulation (``tourlib.tour``).

A *path generator* in the tourr sense: it says which view ``G(t)`` (orthogonal d×d, row-vector
convention, screen = ``X @ G[:, :2]``) to show at time ``t``, and how a drag changes the view. How
views are drawn lives in :mod:`tourlib.viz`; ``viz/js/tour_engine.js`` is the same engine in
JavaScript (same seeds → same matrices).

Modules
-------
grand_tour   ``GrandTour``: ``G(t) = G_b Q R(ω(t − t_b)) Qᵀ``, O(d²) per screen frame; ``rebase``.
manipulate   ``drag_axis`` (axis handles, Gram–Schmidt with the dragged row first) and
             ``drag_centroid`` (turn a data point toward the cursor in a single plane).
givens       slow references: product of plane rotations, ``scipy.linalg.expm``.
orthonormal  Gram–Schmidt of rows, ``orthogonality_error``, input checks.
rng          ``Mulberry32``: the seeded generator shared with JavaScript.
"""
from .grand_tour import GrandTour
from .manipulate import centroid_landing, drag_axis, drag_centroid
from .orthonormal import gram_schmidt_rows, orthogonality_error
from .rng import Mulberry32

__all__ = [
    "GrandTour",
    "drag_axis",
    "drag_centroid",
    "centroid_landing",
    "gram_schmidt_rows",
    "orthogonality_error",
    "Mulberry32",
]
