"""Measures of rendered images: high-frequency energy, and how similar a batch is (for diversity)."""

from __future__ import annotations

import numpy as np

__all__ = ["high_frequency_energy", "gram_similarity", "mean_gram_similarity"]


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
