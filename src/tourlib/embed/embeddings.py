"""2-D embeddings of a series of snapshots: t-SNE, UMAP, PCA per epoch, one fixed linear map.

Every function takes ``snapshots``, an array ``T×n×d``: ``T`` epochs (or any
ordered states) of the same ``n`` points, each a row vector in ``d``
dimensions (e.g. ``run.softmax["test"][epochs]``). Every function returns
``T×n×2`` float32 screen coordinates, one 2-D layout per epoch, point ``i``
being row ``i`` in every epoch (t-SNE and UMAP: ``T×n×k`` with ``n_components=k``;
both run through one skeleton, :func:`_embedding_series`).

Non-linear methods (slow; cached on disk, see :mod:`tourlib.embed.cache`):

* :func:`tsne_series` -- scikit-learn's Barnes-Hut t-SNE per epoch.
* :func:`umap_series` -- umap-learn's UMAP per epoch.

Both have two modes. ``chained=False``: every epoch is embedded on its own, from
its own seeded initialisation, as the article's t-SNE / UMAP panels were.
``chained=True``: epoch 0 as before, and epoch ``t ≥ 1`` starts from the layout
found for epoch ``t − 1``. Starting each optimisation where the last one ended is
a simple form of *temporal regularisation*: it keeps layouts of similar epochs
similar, without the explicit between-epoch penalty of Dynamic t-SNE
(Rauber et al. 2016), which this is not.

Linear methods (fast, not cached):

* :func:`pca_series` -- each epoch projected on its own top-2 principal axes
  (a different linear map per epoch).
* :func:`fixed_linear_series` -- every epoch through one fixed ``d×2`` map,
  ``Y_t = X_t @ B`` (row vectors, map on the right), e.g. ``B = pca_basis(X_last)``.

Seeds: ``seed`` is split by ``numpy.random.SeedSequence(seed).spawn(T)``; epoch
``t`` uses child ``t`` (so independent epochs get independent initialisations).
"""

from __future__ import annotations

import importlib.metadata
from typing import Callable

import numpy as np

from ..store import array_fingerprint
from .cache import cached_series

__all__ = ["tsne_series", "umap_series", "pca_series", "pca_basis", "fixed_linear_series",
           "EMBED_CODE_VERSION"]

#: Bump when a change here changes what a cached series holds.
EMBED_CODE_VERSION = "embed-1"


# --- checks ----------------------------------------------------------------------------------

def _check_snapshots(snapshots, min_points: int = 3) -> np.ndarray:
    """``snapshots`` as a C-contiguous float32 ``T×n×d`` array of finite values."""
    x = np.asarray(snapshots)
    if x.ndim == 2:
        raise ValueError(f"snapshots must be T×n×d (epochs × points × features), got one n×d array "
                         f"{x.shape}; for a single epoch pass x[None]")
    if x.ndim != 3:
        raise ValueError(f"snapshots must be a T×n×d array (epochs × points × features), got shape {x.shape}")
    if not (np.issubdtype(x.dtype, np.floating) or np.issubdtype(x.dtype, np.integer)):
        raise ValueError(f"snapshots must be numeric, got dtype {x.dtype}")
    t, n, d = x.shape
    if t < 1 or n < min_points or d < 2:
        raise ValueError(f"snapshots need ≥ 1 epoch, ≥ {min_points} points and ≥ 2 features, "
                         f"got T={t}, n={n}, d={d}")
    x = np.ascontiguousarray(x, dtype=np.float32)
    if not np.isfinite(x).all():
        raise ValueError("snapshots contain NaN or infinite values; drop or impute those points first")
    return x


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int (nothing random happens without one), got {seed!r}")
    return int(seed)


def _version(distribution: str) -> str:
    """Installed version of a library, for the cache key, without importing it (umap takes seconds)."""
    return importlib.metadata.version(distribution)


def _epoch_seeds(seed: int, t: int) -> list[int]:
    """One 32-bit seed per epoch: the children of ``SeedSequence(seed)``."""
    return [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(seed).spawn(t)]


# --- the shared skeleton of the non-linear series ------------------------------------------

def _check_components(n_components, d: int) -> int:
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)) or not 1 <= n_components:
        raise ValueError(f"n_components must be a positive int (2 for a screen, 15 for the UMAP Tour's "
                         f"layer embeddings), got {n_components!r}")
    return int(n_components)


def _embedding_series(method: str, x: np.ndarray, *, seed: int, n_components: int, chained: bool,
                      cache: bool, versions: dict, params: dict, fit: Callable) -> np.ndarray:
    """The loop every non-linear series shares: one embedding per epoch, seeded by child ``t`` of
    ``SeedSequence(seed)``, epoch ``t ≥ 1`` initialised with epoch ``t − 1``'s result when
    ``chained``; cached under a config naming the method, library versions, data, seed and
    ``params``. ``fit(x_t, seed_t, init, n_components)`` embeds one epoch (``init`` None or the
    previous layout). 2-D series keep the cache keys they had before ``n_components`` existed."""
    config = {"method": method, "code": EMBED_CODE_VERSION, **versions, "data": array_fingerprint(x),
              "seed": seed, **params, "chained": bool(chained)}
    if n_components != 2:
        config["n_components"] = n_components

    def compute() -> np.ndarray:
        t, n, _ = x.shape
        seeds = _epoch_seeds(seed, t)
        out = np.empty((t, n, n_components), np.float32)
        for i in range(t):
            init = out[i - 1].astype(np.float64) if chained and i > 0 else None
            out[i] = fit(x[i], seeds[i], init, n_components)
        return out

    return cached_series(method, config, compute, cache)


# --- t-SNE -----------------------------------------------------------------------------------

#: scikit-learn's default early exaggeration, used for every independent epoch and for epoch 0.
EARLY_EXAGGERATION = 12.0


def tsne_series(
    snapshots,
    *,
    seed: int,
    perplexity: float = 30.0,
    chained: bool = False,
    max_iter: int = 500,
    n_components: int = 2,
    cache: bool = True,
) -> np.ndarray:
    """t-SNE of every epoch (``sklearn.manifold.TSNE``, Barnes-Hut, Euclidean), ``T×n×d → T×n×k``.

    Parameters
    ----------
    snapshots : array T×n×d
        The same n points at T epochs.
    seed : int
        Epoch ``t``'s initial layout is ``1e-4·N(0, 1)`` drawn from child ``t`` of
        ``SeedSequence(seed)`` (scikit-learn's ``init="random"``).
    perplexity : float
        Effective number of neighbours, ``1 ≤ perplexity < n``.
    chained : bool
        ``False``: epochs embedded independently. ``True``: epoch ``t ≥ 1`` is
        initialised with epoch ``t − 1``'s result (temporal regularisation by
        initialisation) and run *without* early exaggeration (exaggeration 1),
        which would otherwise tear the inherited layout apart in its first 250
        iterations. Every epoch, chained or not, uses the same learning rate,
        scikit-learn's ``"auto"`` value ``max(n / 12 / 4, 50)``.
    max_iter : int
        Gradient-descent iterations per epoch (≥ 250, of which the first 250 are
        the exaggeration phase). Default 500, half of scikit-learn's 1000: see
        ``benchmarks/bench_embed.py`` for the time and KL divergence of both.
    n_components : int
        Dimensions of each embedding ``k`` (Barnes-Hut t-SNE supports k ≤ 3).
    cache : bool
        Load / save the result in the embedding cache.

    Returns
    -------
    float32 array T×n×k
    """
    x = _check_snapshots(snapshots)
    seed = _check_seed(seed)
    t, n, _ = x.shape
    k = _check_components(n_components, x.shape[2])
    if k > 3:
        raise ValueError(f"Barnes-Hut t-SNE embeds in at most 3 dimensions, got n_components={k}; "
                         "use umap_series for more")
    if not (isinstance(perplexity, (int, float)) and 1 <= perplexity < n):
        raise ValueError(f"perplexity must be a number in [1, n) = [1, {n}), got {perplexity!r}; "
                         "t-SNE needs more points than neighbours")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 250:
        raise ValueError(f"max_iter must be an int ≥ 250 (scikit-learn's exaggeration phase), got {max_iter!r}")
    learning_rate = max(n / EARLY_EXAGGERATION / 4, 50.0)
    fit = lambda xi, seed_i, init, k: _tsne_epoch(xi, seed_i, init, k, float(perplexity), int(max_iter),
                                                 learning_rate)
    return _embedding_series("tsne", x, seed=seed, n_components=k, chained=chained, cache=cache,
                             versions={"sklearn": _version("scikit-learn")},
                             params={"perplexity": float(perplexity)} | {"max_iter": int(max_iter)}, fit=fit)


def _tsne_epoch(xi, seed_i, init, k, perplexity, max_iter, learning_rate):
    """One epoch's t-SNE (``init`` None: random start with early exaggeration; else from ``init``)."""
    from sklearn.manifold import TSNE

    return TSNE(n_components=k, perplexity=perplexity, max_iter=max_iter, learning_rate=learning_rate,
                early_exaggeration=1.0 if init is not None else EARLY_EXAGGERATION,
                init=init if init is not None else "random", random_state=seed_i, method="barnes_hut",
                n_jobs=1).fit_transform(xi)


# --- UMAP ------------------------------------------------------------------------------------

def umap_series(
    snapshots,
    *,
    seed: int,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    chained: bool = False,
    n_components: int = 2,
    cache: bool = True,
) -> np.ndarray:
    """UMAP of every epoch (``umap.UMAP``, Euclidean, single-threaded), ``T×n×d → T×n×k``.

    Parameters
    ----------
    snapshots : array T×n×d
        The same n points at T epochs.
    seed : int
        Epoch ``t`` runs with ``random_state`` = child ``t`` of ``SeedSequence(seed)``
        (a seeded UMAP is deterministic and single-threaded).
    n_neighbors : int
        Size of the local neighbourhood, ``2 ≤ n_neighbors < n``.
    min_dist : float
        How tightly UMAP packs points (umap-learn's default 0.1).
    chained : bool
        ``False``: every epoch from UMAP's default spectral initialisation of its
        own graph. ``True``: epoch ``t ≥ 1`` is initialised with epoch ``t − 1``'s
        result (umap-learn rescales an initial layout to ``[0, 10]`` per axis
        before optimising).
    n_components : int
        Dimensions of each embedding ``k`` (the UMAP Tour tours 15-D embeddings).
    cache : bool
        Load / save the result in the embedding cache.

    Returns
    -------
    float32 array T×n×k
    """
    x = _check_snapshots(snapshots)
    seed = _check_seed(seed)
    t, n, _ = x.shape
    k = _check_components(n_components, x.shape[2])
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)) or not 2 <= n_neighbors < n:
        raise ValueError(f"n_neighbors must be an int in [2, n) = [2, {n}), got {n_neighbors!r}")
    if not (isinstance(min_dist, (int, float)) and 0 <= min_dist):
        raise ValueError(f"min_dist must be a number ≥ 0, got {min_dist!r}")
    if k >= n - 1:
        raise ValueError(f"n_components={k} needs more points: UMAP's spectral start needs n > k + 1, got n={n}")

    def fit(xi, seed_i, init, k):
        import umap

        return umap.UMAP(n_components=k, n_neighbors=int(n_neighbors), min_dist=float(min_dist),
                         init=init if init is not None else "spectral", random_state=seed_i,
                         n_jobs=1).fit_transform(xi)

    return _embedding_series("umap", x, seed=seed, n_components=k, chained=chained, cache=cache,
                             versions={"umap": _version("umap-learn")},
                             params={"n_neighbors": int(n_neighbors), "min_dist": float(min_dist)}, fit=fit)


# --- linear ----------------------------------------------------------------------------------

def pca_basis(x) -> np.ndarray:
    """The top-2 principal axes of ``x`` (n×d) as an orthonormal ``d×2`` basis ``B``.

    ``B``'s columns are the first two right singular vectors of the centred data
    ``x − mean(x)``; each column's sign is chosen so that its entry of largest
    magnitude is positive (so the basis does not flip between runs).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise ValueError(f"pca_basis needs an n×d array with n ≥ 2 points and d ≥ 2 features, got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("pca_basis: x contains NaN or infinite values")
    _, _, vt = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    basis = vt[:2].T.copy()
    signs = np.sign(basis[np.abs(basis).argmax(axis=0), [0, 1]])
    return basis * np.where(signs == 0, 1.0, signs)


def pca_series(snapshots) -> np.ndarray:
    """Each epoch on its own top-2 principal axes: ``Y_t = (X_t − mean(X_t)) @ pca_basis(X_t)``.

    A different linear map per epoch: consecutive panels can rotate or flip
    relative to each other when the principal axes change.
    """
    x = _check_snapshots(snapshots, min_points=2).astype(np.float64)
    out = np.empty((x.shape[0], x.shape[1], 2), np.float32)
    for i, xi in enumerate(x):
        out[i] = (xi - xi.mean(axis=0)) @ pca_basis(xi)
    return out


def fixed_linear_series(snapshots, basis) -> np.ndarray:
    """Every epoch through the same linear map: ``Y_t = X_t @ B`` (no centring).

    ``basis`` ``B`` is ``d×2`` of rank 2, e.g. :func:`pca_basis` of the last
    epoch; with orthonormal columns it is an orthogonal projection. Because the
    map is fixed, a point moves on screen only if it moved in data space, by
    ``‖(x_{t+1} − x_t) @ B‖ ≤ ‖B‖₂·‖x_{t+1} − x_t‖``.
    """
    x = _check_snapshots(snapshots, min_points=1).astype(np.float64)
    b = np.asarray(basis, dtype=np.float64)
    d = x.shape[2]
    if b.shape != (d, 2):
        raise ValueError(f"basis must be d×2 = {d}×2 to project {d}-dimensional points, got {b.shape}")
    if not np.isfinite(b).all() or np.linalg.matrix_rank(b) < 2:
        raise ValueError("basis must be finite with two independent columns (rank 2), "
                         "e.g. tourlib.embed.pca_basis(snapshots[-1])")
    return (x @ b).astype(np.float32)
