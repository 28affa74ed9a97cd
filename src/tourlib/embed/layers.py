"""UMAP embeddings of a network's layers, in ``p`` dimensions (the UMAP Tour uses 15), and aligned.

Input: ``layers``, a sequence of ``L`` arrays ``N×F_l`` (row ``i`` of every array is
the same image; widths may differ, e.g. from :func:`tourlib.nets.hooks.module_activations`).
Output: a float32 array ``L×N×p``, layer ``l``'s embedding in row block ``l``.

The two alignment techniques of the UMAP Tour, usable alone or together:

* **init chaining** (``chained=True``): layer ``l ≥ 1``'s UMAP starts from layer
  ``l − 1``'s embedding (umap-learn's ``init=`` array), so points tend to stay
  where they were;
* **Procrustes** (:func:`procrustes_chain`): each embedding, centred and scaled to
  unit RMS radius, is rotated onto the previous *aligned* one by the orthogonal
  ``Q* = argmin_{Q ∈ O(p)} ‖X_l Q − X_{l−1}‖_F`` (row vectors, ``X @ Q``), so the
  overall orientation stays put from the first layer to the last.

Measures (:mod:`tourlib.embed.faithfulness`) say how far points move between
consecutive aligned layers and how faithful each embedding is to its layer.
"""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..align.procrustes import procrustes_align
from ..memory import release_memory
from ..store import array_fingerprint
from .cache import cached_series
from .umap_process import run_in_child

__all__ = ["layer_umaps", "normalize_embedding", "procrustes_chain", "align_onto", "pair_rotations", "AlignmentReport", "alignment_report",
           "LAYER_EMBED_VERSION"]

#: Bump when a change here changes what a cached result holds.
LAYER_EMBED_VERSION = "layer-embed-1"


def _check_layers(layers: Sequence[np.ndarray]) -> list[np.ndarray]:
    if isinstance(layers, np.ndarray) and layers.ndim == 2:
        layers = [layers]
    out = []
    for i, a in enumerate(layers):
        a = np.asarray(a)
        if a.ndim != 2:
            raise ValueError(f"layer {i} must be an N×F array of row vectors, got shape {a.shape}")
        if not np.isfinite(a).all():
            raise ValueError(f"layer {i} contains NaN or infinite values")
        out.append(np.ascontiguousarray(a, dtype=np.float32))
    if not out:
        raise ValueError("give at least one layer")
    n = {len(a) for a in out}
    if len(n) != 1:
        raise ValueError(f"every layer must hold the same images (rows); got row counts {sorted(n)}")
    return out


def layer_umaps(
    layers: Sequence[np.ndarray],
    *,
    seed: int,
    n_components: int = 15,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    metric: str = "euclidean",
    chained: bool = True,
    cache: bool = True,
    in_process: bool | None = None,
) -> np.ndarray:
    """UMAP of every layer to ``n_components`` dimensions: ``L`` arrays ``N×F_l → L×N×p`` float32.

    Parameters
    ----------
    seed : int
        Layer ``l`` uses ``random_state`` = child ``l`` of ``SeedSequence(seed)``
        (seeded UMAP is deterministic and single-threaded).
    n_components, n_neighbors, min_dist, metric
        umap-learn's parameters (``2 ≤ n_neighbors < N``, ``n_components < N - 1``).
    chained : bool
        Start layer ``l ≥ 1`` from layer ``l − 1``'s embedding (else spectral init).
    cache : bool
        Load / save the result in the embedding cache (keyed by the data and every parameter).
    in_process : bool, optional
        Fit here instead of in a child process. By default the layers are fitted in one child
        (:mod:`tourlib.embed.umap_process`), so UMAP's compiled code (about 400 MB) does not stay in
        this process; the result is the same. Default: ``TOURBOOK_UMAP_IN_PROCESS=1`` in the
        environment means in this process (faster for many small fits, as in the tests).
    """
    arrays = _check_layers(layers)
    n = len(arrays[0])
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)) \
            or not 1 <= n_components < n - 1:
        raise ValueError(f"n_components must be an int in [1, N − 1) = [1, {n - 1}), got {n_components!r}")
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, (int, np.integer)) or not 2 <= n_neighbors < n:
        raise ValueError(f"n_neighbors must be an int in [2, N) = [2, {n}), got {n_neighbors!r}")
    if not (isinstance(min_dist, (int, float)) and min_dist >= 0):
        raise ValueError(f"min_dist must be a number ≥ 0, got {min_dist!r}")
    config = {"method": "layer-umap", "code": LAYER_EMBED_VERSION,
              "umap": importlib.metadata.version("umap-learn"),
              "data": [array_fingerprint(a) for a in arrays], "seed": int(seed),
              "n_components": int(n_components), "n_neighbors": int(n_neighbors),
              "min_dist": float(min_dist), "metric": str(metric), "chained": bool(chained)}
    args = (arrays, int(seed), int(n_components), int(n_neighbors), float(min_dist), str(metric), bool(chained))
    if in_process is None:
        in_process = os.environ.get("TOURBOOK_UMAP_IN_PROCESS") == "1"
    if in_process:
        return cached_series("layer-umap", config, lambda: _layer_umaps(*args), cache)
    return cached_series("layer-umap", config, lambda: run_in_child(
        _layer_umaps, *args, what=f"UMAP of {len(arrays)} layer(s) of {n} points"), cache)


def _layer_umaps(arrays, seed, p, k, min_dist, metric, chained) -> np.ndarray:
    import umap

    seeds = [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(seed).spawn(len(arrays))]
    out = np.empty((len(arrays), len(arrays[0]), p), np.float32)
    for i, x in enumerate(arrays):
        inherit = chained and i > 0
        model = umap.UMAP(n_components=p, n_neighbors=k, min_dist=min_dist, metric=metric,
                          init=out[i - 1].astype(np.float64) if inherit else "spectral",
                          random_state=seeds[i], n_jobs=1)
        out[i] = model.fit_transform(x)
        del model
        release_memory()                # UMAP's graph and buffers, freed, back to the system (tourlib.memory)
    return out


def normalize_embedding(y: np.ndarray) -> np.ndarray:
    """``(Y − mean(Y)) / r`` with ``r`` the RMS distance of the points from their mean (so RMS radius 1)."""
    y = np.asarray(y, dtype=np.float64)
    c = y - y.mean(axis=0)
    r = np.sqrt((c ** 2).sum(axis=1).mean())
    return c / r if r > 0 else c


def procrustes_chain(embeddings: np.ndarray, *, rotation_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Align ``L×N×p`` embeddings layer by layer: normalise each, rotate layer ``l`` onto aligned layer ``l − 1``.

    Returns ``(aligned, rotations)``: ``aligned[l] = normalize_embedding(E_l) @ Q_l``
    (float32 ``L×N×p``) with ``Q_0 = I`` and ``Q_l`` the orthogonal Procrustes
    solution onto ``aligned[l − 1]``; ``rotations`` is ``L×p×p``.
    """
    e = np.asarray(embeddings, dtype=np.float64)
    if e.ndim != 3:
        raise ValueError(f"embeddings must be L×N×p, got shape {e.shape}")
    aligned = np.empty_like(e)
    rotations = np.empty((e.shape[0], e.shape[2], e.shape[2]))
    aligned[0], rotations[0] = normalize_embedding(e[0]), np.eye(e.shape[2])
    for i in range(1, len(e)):
        fit = procrustes_align(normalize_embedding(e[i]), aligned[i - 1], rotation_only=rotation_only)
        aligned[i], rotations[i] = fit.aligned, fit.R
    return aligned.astype(np.float32), rotations


@dataclass(frozen=True)
class AlignmentReport:
    """Both alignment techniques measured on one network's layers (see :func:`alignment_report`).

    ``movement[(init, rotate)]`` is an array of ``L − 1`` values: how far points move
    between consecutive layers (:func:`tourlib.embed.neighbors.movement` of the
    normalised, optionally Procrustes-aligned embeddings); ``faithfulness[init]`` is
    an array of ``L`` values, each layer's k-NN preservation (its embedding's
    neighbourhoods against its activations'; a rotation changes no neighbourhood,
    so it depends on the initialisation only). ``embeddings[(init, rotate)]`` are
    the ``L×N×p`` layouts themselves. ``init`` is ``"independent"`` or
    ``"chained"``, ``rotate`` ``"none"`` or ``"procrustes"``.
    """

    movement: dict
    faithfulness: dict
    embeddings: dict
    k: int

    def table(self) -> list[tuple[str, str, float, float]]:
        """Rows ``(init, rotate, mean movement, mean faithfulness)``."""
        return [(i, r, float(np.mean(m)), float(np.mean(self.faithfulness[i])))
                for (i, r), m in self.movement.items()]


def alignment_report(layers: Sequence[np.ndarray], *, seed: int, k: int = 10, **umap_kw) -> AlignmentReport:
    """Embed ``layers`` independently and chained (:func:`layer_umaps`), with and without Procrustes, and measure."""
    from .neighbors import knn_preservation, movement

    arrays = _check_layers(layers)
    movement_of, faith, embeddings = {}, {}, {}
    for init in ("independent", "chained"):
        e = layer_umaps(arrays, seed=seed, chained=init == "chained", **umap_kw)
        faith[init] = np.array([knn_preservation(a, y, k) for a, y in zip(arrays, e)])
        for rotate in ("none", "procrustes"):
            if rotate == "procrustes":
                aligned = procrustes_chain(e)[0]
            else:
                aligned = np.stack([normalize_embedding(y) for y in e]).astype(np.float32)
            embeddings[(init, rotate)] = aligned
            movement_of[(init, rotate)] = np.array([movement(aligned[i], aligned[i - 1])
                                                    for i in range(1, len(aligned))])
    return AlignmentReport(movement_of, faith, embeddings, int(k))


def align_onto(embeddings: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Rotate each layer of one network's ``L×N×p`` embeddings onto the same-index layer of ``reference``.

    Layer ``l`` becomes ``normalize_embedding(E_l) @ Q_l`` with ``Q_l`` the orthogonal
    Procrustes solution onto ``normalize_embedding(R_l)``: the UMAP Tour's alignment
    toggle between two architectures (the same images in both, row ``i`` = image ``i``).
    """
    e, r = np.asarray(embeddings), np.asarray(reference)
    if e.shape != r.shape or e.ndim != 3:
        raise ValueError(f"embeddings and reference must both be L×N×p of one shape, got {e.shape} and {r.shape}")
    return np.stack([procrustes_align(normalize_embedding(a), normalize_embedding(b)).aligned
                     for a, b in zip(e, r)]).astype(np.float32)


def pair_rotations(embeddings: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Procrustes rotations of every layer of one network onto every layer of another: ``L×M×p×p``.

    ``Q[i, j] = argmin_{Q ∈ O(p)} ‖normalize(E_i) Q − normalize(R_j)‖_F`` (row vectors: layer ``i``'s
    points become ``normalize(E_i) @ Q[i, j]``). ``Q[i, i]`` is :func:`align_onto`'s rotation when
    the two networks have as many layers; the comparison figure's alignment toggle applies
    ``Q[i, j]`` when the left panel shows layer ``i`` and the right one layer ``j``.
    """
    e, r = np.asarray(embeddings), np.asarray(reference)
    if e.ndim != 3 or r.ndim != 3 or e.shape[1:] != r.shape[1:]:
        raise ValueError(f"embeddings and reference must be L×N×p and M×N×p (same N, p), got {e.shape} and {r.shape}")
    ne = [normalize_embedding(a) for a in e]
    nr = [normalize_embedding(b) for b in r]
    return np.stack([np.stack([procrustes_align(a, b).R for b in nr]) for a in ne])
