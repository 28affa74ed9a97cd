"""Path generators of the tour, registered by name (``tourlib.tour.paths``).

A *path* says which view to show at time ``t``. Every path is its own module here and its own
JavaScript module in ``viz/js/`` (``path_<name>.js``), registered under the same name, so a path
built in Python (``path.params()``) is rebuilt in the browser (``tourlib.paths.fromParams``) and
gives the same matrices (``tests/test_tour_paths_js.py``).

Common interface (row vectors: data ``X`` is N×d, the screen shows ``X @ G[:, :2]``):

    path.name, path.dim, path.base_view, path.base_time
    path.screen_basis(t)   d×2 (K×d×2 for a 1-D array of K times), orthonormal columns
    path.matrix(t)         the full orthogonal d×d view G(t)
    path.rebase(G, t)      continue from view G at time t (``matrix(t) = G`` afterwards)
    path.params()          JSON-ready dict with key ``path`` = the registered name
    Path.from_params(p)

Modules: ``rotation`` (a constant-velocity rotation), ``torus`` (Asimov's torus method),
``planned`` (the geodesic to a chosen view), ``guided`` (projection pursuit: geodesic steps that
climb an index), ``geodesic`` (the interpolation between two frames they share), ``angles``
(angle reduction with a clear error instead of NaN).
"""
from __future__ import annotations

from collections.abc import Mapping

__all__ = ["register_path", "path_class", "path_from_params", "PATH_NAMES", "RANDOM_PATHS"]

_REGISTRY: dict[str, type] = {}
#: Names of the paths drawn at random from a seed (``GrandTour(dim, seed, path=...)``).
RANDOM_PATHS = ("rotation", "torus")


def register_path(name: str):
    """Class decorator: register a path class under ``name`` (its ``params()['path']``)."""
    def deco(cls):
        cls.name = name
        _REGISTRY[name] = cls
        return cls
    return deco


def path_class(name) -> type:
    """The path class registered as ``name``; a clear error for an unknown name."""
    _load()
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"path must be one of {sorted(_REGISTRY)}; got {name!r}.")
    return _REGISTRY[name]


def path_from_params(params):
    """Rebuild any registered path from its ``params()`` (no ``path`` key means ``"rotation"``)."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be the dict returned by path.params(); got {type(params).__name__}.")
    return path_class(params.get("path", "rotation")).from_params(params)


def _load() -> None:
    from . import guided, planned, rotation, torus  # noqa: F401  (registers them)


def PATH_NAMES() -> tuple:  # noqa: N802 - a function so that registration is complete
    """All registered path names."""
    _load()
    return tuple(sorted(_REGISTRY))
