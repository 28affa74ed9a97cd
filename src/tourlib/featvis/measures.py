"""Measures of rendered images: high-frequency energy, how similar a batch is (for diversity), how many
optimisation steps a curve needs to reach a level, and the lattice (checkerboard) contrast of a map."""

from __future__ import annotations

import numpy as np

__all__ = ["high_frequency_energy", "gram_similarity", "mean_gram_similarity", "steps_to_reach", "lattice_profile",
           "lattice_contrast"]


def _as_nchw(images: np.ndarray) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[None]
    if x.ndim != 4 or x.shape[-1] != 3:
        raise ValueError(f"images must be N×H×W×3 (or H×W×3), got shape {np.shape(images)}")
    x = x.astype(np.float64) / (255.0 if x.dtype == np.uint8 else 1.0)
    if not np.all(np.isfinite(x)):
        raise ValueError("images contain NaN or infinite values")
    return np.moveaxis(x, -1, 1)


def high_frequency_energy(images: np.ndarray, cutoff: float = 0.25) -> np.ndarray:
    """Fraction of each image's spectral energy at radial frequencies above ``cutoff`` (cycles per pixel).

    Per image and colour the mean is removed, ``X = fft2(x)``, and the result is
    ``Σ_{|f| > cutoff} |X|² / Σ_f |X|²`` summed over the three colours, with
    ``|f| = sqrt(fy² + fx²)`` (``np.fft.fftfreq``; the largest is ``√2/2``).
    A flat image gives 0. Returns ``(N,)`` values in ``[0, 1]``.
    """
    if not 0 <= cutoff < np.sqrt(0.5):
        raise ValueError(f"cutoff must be in [0, √2/2) cycles per pixel, got {cutoff!r}")
    x = _as_nchw(images)
    x = x - x.mean(axis=(2, 3), keepdims=True)
    power = np.abs(np.fft.fft2(x)) ** 2
    h, w = x.shape[-2:]
    f = np.sqrt(np.fft.fftfreq(h)[:, None] ** 2 + np.fft.fftfreq(w)[None, :] ** 2)
    total = power.sum(axis=(1, 2, 3))
    high = power[:, :, f > cutoff].sum(axis=(1, 2))
    return np.where(total > 0, high / np.where(total > 0, total, 1), 0.0)


def gram_similarity(activations: np.ndarray) -> np.ndarray:
    """``N×N`` cosine similarities of the channel Gram matrices of activations ``N×C×H×W`` (or ``N×C``)."""
    h = np.asarray(activations, dtype=np.float64)
    if h.ndim == 2:
        h = h[:, :, None, None]
    if h.ndim != 4:
        raise ValueError(f"activations must be N×C×H×W or N×C, got shape {h.shape}")
    f = h.reshape(len(h), h.shape[1], -1)
    g = (f @ np.swapaxes(f, 1, 2)).reshape(len(h), -1)
    g = g / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-12)
    return g @ g.T


def mean_gram_similarity(activations: np.ndarray) -> float:
    """Mean off-diagonal Gram cosine similarity of a batch (1 = all alike; the diversity number to report)."""
    s = gram_similarity(activations)
    n = len(s)
    if n < 2:
        raise ValueError("need at least two images to compare")
    return float((s.sum() - np.trace(s)) / (n * (n - 1)))


def steps_to_reach(curve, target: float) -> int | None:
    """The number of steps ``n`` after which an objective curve first reaches ``target`` (``curve[n-1] ≥ target``).

    ``curve[i]`` is the objective at step ``i + 1`` (e.g. ``RenderResult.history.mean(1)``).
    ``None`` if the curve never reaches it.
    """
    c = np.asarray(curve, dtype=np.float64)
    if c.ndim != 1 or len(c) == 0:
        raise ValueError(f"curve must be a non-empty 1-D array, got shape {c.shape}")
    if not np.isfinite(target):
        raise ValueError(f"target must be finite, got {target!r}")
    hit = np.nonzero(c >= target)[0]
    return int(hit[0]) + 1 if len(hit) else None


def lattice_profile(maps, period: int = 2) -> np.ndarray:
    """The mean shape of a map's ``p×p`` tiles, each tile divided by its own mean: a ``p×p`` array.

    ``maps`` (``N×H×W`` or ``H×W``, non-negative) is cut into ``p×p`` tiles; each tile with a positive
    mean is divided by that mean, and ``P[a, b]`` is the average over tiles and images of the
    normalised value at ``(y mod p, x mod p) = (a, b)``. Dividing by the tile's mean removes every
    variation slower than the tile (borders, a centred object), so what is left is the pattern that
    repeats with period ``p`` (a checkerboard). ``H`` and ``W`` must be multiples of ``p``.
    """
    m = np.asarray(maps, dtype=np.float64)
    if m.ndim == 2:
        m = m[None]
    if isinstance(period, bool) or not isinstance(period, (int, np.integer)) or period < 1:
        raise ValueError(f"period must be a positive int, got {period!r}")
    if m.ndim != 3 or m.shape[1] % period or m.shape[2] % period:
        raise ValueError(f"maps must be N×H×W with H and W multiples of the period {period}, got shape {m.shape}")
    if not np.all(np.isfinite(m)) or np.any(m < 0):
        raise ValueError("lattice measures need finite, non-negative maps (e.g. |gradient|)")
    n, h, w = m.shape
    tiles = m.reshape(n, h // period, period, w // period, period).transpose(0, 1, 3, 2, 4)
    tiles = tiles.reshape(-1, period, period)
    mean = tiles.mean(axis=(1, 2))
    if not np.any(mean > 0):
        raise ValueError("lattice measures need maps with a positive mean somewhere (all tiles are zero)")
    keep = mean > 0
    return (tiles[keep] / mean[keep, None, None]).mean(axis=0)


def lattice_contrast(maps, period: int = 2) -> float:
    """How much a map depends on the position modulo ``period``: ``max P − min P`` of :func:`lattice_profile`.

    (``P`` has mean 1, so this is relative to the map's local mean.) 0 for a map without a pattern of
    that period; a strided operation's gradient magnitude gives a positive value (a checkerboard).
    """
    prof = lattice_profile(maps, period)
    return float(prof.max() - prof.min())
