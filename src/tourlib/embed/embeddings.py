"""2-D embeddings of a series of snapshots: t-SNE, UMAP, PCA per epoch, one fixed linear map.

Every function takes ``snapshots``, an array ``T×n×d``: ``T`` epochs (or any
ordered states) of the same ``n`` points, each a row vector in ``d``
dimensions (e.g. ``run.softmax["test"][epochs]``). Every function returns
``T×n×2`` float32 screen coordinates, one 2-D layout per epoch, point ``i``
being row ``i`` in every epoch.

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
    cache: bool = True,
) -> np.ndarray:
    """t-SNE of every epoch (``sklearn.manifold.TSNE``, Barnes-Hut, Euclidean), ``T×n×d → T×n×2``.

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
    cache : bool
        Load / save the result in the embedding cache.

    Returns
    -------
    float32 array T×n×2
    """
    x = _check_snapshots(snapshots)
    seed = _check_seed(seed)
    t, n, _ = x.shape
    if not (isinstance(perplexity, (int, float)) and 1 <= perplexity < n):
        raise ValueError(f"perplexity must be a number in [1, n) = [1, {n}), got {perplexity!r}; "
                         "t-SNE needs more points than neighbours")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or max_iter < 250:
        raise ValueError(f"max_iter must be an int ≥ 250 (scikit-learn's exaggeration phase), got {max_iter!r}")
    config = {"method": "tsne", "code": EMBED_CODE_VERSION, "sklearn": _version("scikit-learn"),
              "data": array_fingerprint(x), "seed": seed, "perplexity": float(perplexity),
              "chained": bool(chained), "max_iter": int(max_iter)}
    return cached_series("tsne", config, lambda: _tsne(x, seed, float(perplexity), bool(chained),
                                                      int(max_iter)), cache)


def _tsne(x: np.ndarray, seed: int, perplexity: float, chained: bool, max_iter: int) -> np.ndarray:
    from sklearn.manifold import TSNE

    t, n, _ = x.shape
    seeds = _epoch_seeds(seed, t)
    learning_rate = max(n / EARLY_EXAGGERATION / 4, 50.0)
    out = np.empty((t, n, 2), np.float32)
    for i in range(t):
        inherit = chained and i > 0
        tsne = TSNE(
            n_components=2, perplexity=perplexity, max_iter=max_iter, learning_rate=learning_rate,
            early_exaggeration=1.0 if inherit else EARLY_EXAGGERATION,
            init=out[i - 1].astype(np.float64) if inherit else "random",
            random_state=seeds[i], method="barnes_hut", n_jobs=1,
        )
        out[i] = tsne.fit_transform(x[i])
    return out


# --- UMAP ------------------------------------------------------------------------------------

def umap_series(
    snapshots,
    *,
    seed: int,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    chained: bool = False,
    cache: bool = True,
) -> np.ndarray:
    """UMAP of every epoch (``umap.UMAP``, Euclidean, single-threaded), ``T×n×d → T×n×2``.

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
    cache : bool
        Load / save the result in the embedding cache.

    Returns
    -------
    float32 array T×n×2
    """
    x = _check_snapshots(snapshots)
    seed = _check_seed(seed)
    t, n, _ = x.shape
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)) or not 2 <= n_neighbors < n:
        raise ValueError(f"n_neighbors must be an int in [2, n) = [2, {n}), got {n_neighbors!r}")
    if not (isinstance(min_dist, (int, float)) and 0 <= min_dist):
        raise ValueError(f"min_dist must be a number ≥ 0, got {min_dist!r}")
    config = {"method": "umap", "code": EMBED_CODE_VERSION, "umap": _version("umap-learn"),
              "data": array_fingerprint(x), "seed": seed, "n_neighbors": int(n_neighbors),
              "min_dist": float(min_dist), "chained": bool(chained)}
    return cached_series("umap", config, lambda: _umap(x, seed, int(n_neighbors), float(min_dist),
                                                      bool(chained)), cache)


def _umap(x: np.ndarray, seed: int, n_neighbors: int, min_dist: float, chained: bool) -> np.ndarray:
    import umap

    t, n, _ = x.shape
    seeds = _epoch_seeds(seed, t)
    out = np.empty((t, n, 2), np.float32)
    for i in range(t):
        inherit = chained and i > 0
        model = umap.UMAP(
            n_components=2, n_neighbors=n_neighbors, min_dist=min_dist,
            init=out[i - 1].astype(np.float64) if inherit else "spectral",
            random_state=seeds[i], n_jobs=1,
        )
        out[i] = model.fit_transform(x[i])
    return out


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
