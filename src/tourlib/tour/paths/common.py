"""Checks shared by the path modules (clear errors naming the key and the fix)."""
from __future__ import annotations

import numbers

import numpy as np

from ..orthonormal import as_view
from ..rng import check_seed

#: Largest dimension a tour accepts: a d×d view takes 8 d² bytes and a tour keeps a few of them.
MAX_DIM = 4096


def as_dim(dim) -> int:
    """``dim`` as an int in [2, MAX_DIM], checked before anything of size d² is allocated."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"dim must be an integer >= 2; got {dim!r} of type {type(dim).__name__}.")
    if dim < 2:
        raise ValueError(f"dim must be >= 2 (the screen shows two coordinates); got {dim}.")
    if dim > MAX_DIM:
        gb = 4 * 8 * float(dim) ** 2 / 1e9
        raise ValueError(f"dim = {dim} is above the tour's limit of {MAX_DIM}: its d×d views would need about "
                         f"{gb:.1f} GB. Reduce the dimension first (e.g. PCA to a few hundred components, "
                         "tourlib.embed) and tour that.")
    return int(dim)


def as_times(t) -> np.ndarray:
    a = np.asarray(t)
    if isinstance(t, bool) or a.dtype.kind not in "iuf":
        raise TypeError(f"t must be a real number or a 1-D array of times; got {t!r}.")
    if a.ndim > 1:
        raise ValueError(f"t must be a number or a 1-D array of times; got an array of shape {a.shape}.")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError("t must be finite (no NaN or inf).")
    return a


def check_dim(p, required, path) -> int:
    for key in required:
        if key not in p:
            raise ValueError(f"params is missing the key {key!r}; expected the dict returned by "
                             f"path.params() (path {path!r}: {', '.join(required)}, optional t0, seed).")
    return as_dim(p["dim"])


def check_speeds(values, n, key, what, dim) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.shape != (n,) or not np.all(np.isfinite(a)):
        raise ValueError(f"params[{key!r}] must hold {n} finite {what} for dim = {dim}; got shape {a.shape}.")
    return a


def check_matrix(values, dim, key) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.size != dim * dim:
        raise ValueError(f"params[{key!r}] must be a d×d matrix flattened row-major (length {dim * dim} for "
                         f"dim = {dim}); got {a.size} values.")
    return as_view(a.reshape(dim, dim), dim, name=f"params[{key!r}]")


def optional_seed(p):
    seed = p.get("seed")
    return None if seed is None else check_seed(seed)
