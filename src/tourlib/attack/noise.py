"""How large and how "noisy" a perturbation is, per step and image.

For an :class:`~tourlib.attack.record.AttackRecord` with perturbations δ_k = x_k − x_0:

* :func:`perturbation_norm` — ``‖δ_k‖_p`` over all pixels and channels (p = 2 or ∞):
  S+1 × N. The L∞ norm is at most Σ_{j<k} ε_j; the L2 norm of an FGSM step is at most
  ε·√(C·H·W).
* :func:`step_norm` — ``‖x_{k+1} − x_k‖_p``: S × N (L∞ ≤ ε_k by construction).
* :func:`high_frequency_energy` — the share of δ_k's energy at high spatial frequencies:

      hf_k = Σ_{|f| > f_c} |δ̂_k(f)|² / Σ_f |δ̂_k(f)|²

  with δ̂ the 2-D DFT (``numpy.fft.fft2`` over H×W, energies summed over channels), |f| the
  radial frequency in cycles per pixel (the Nyquist frequency is 0.5) and f_c the cutoff.
  White noise (independent pixels, e.g. random signs) spreads its energy evenly, so hf is
  the share of frequencies above the cutoff (``white_noise_share``; 0.81 for the default
  f_c = 0.25 on 28×28); smooth, blob-like changes score near 0. It is NaN for an image with δ = 0.
  The Grand Tour article observes that adversarial images that "detour" look noisier;
  this is one number to test that with.
"""

from __future__ import annotations

import numpy as np

from .record import AttackRecord

__all__ = ["perturbation_norm", "step_norm", "high_frequency_energy", "white_noise_share"]


def _images(record_or_images) -> np.ndarray:
    imgs = record_or_images.images if isinstance(record_or_images, AttackRecord) else np.asarray(record_or_images)
    if imgs.ndim != 5:
        raise ValueError(f"expected an AttackRecord or images of shape S+1×N×C×H×W, got shape {imgs.shape}")
    return imgs.astype(np.float64)


def _norm(d: np.ndarray, ord) -> np.ndarray:
    flat = d.reshape(d.shape[0], d.shape[1], -1)
    if ord in (np.inf, "inf"):
        return np.abs(flat).max(axis=2)
    if ord == 2:
        return np.sqrt((flat ** 2).sum(axis=2))
    raise ValueError(f"ord must be 2 or np.inf, got {ord!r}")


def perturbation_norm(record, ord=2) -> np.ndarray:
    """``‖x_k − x_0‖_ord`` for every step k and image: S+1 × N."""
    imgs = _images(record)
    return _norm(imgs - imgs[0], ord)


def step_norm(record, ord=np.inf) -> np.ndarray:
    """``‖x_{k+1} − x_k‖_ord``: S × N."""
    imgs = _images(record)
    return _norm(np.diff(imgs, axis=0), ord)


def _radial_frequency(H: int, W: int) -> np.ndarray:
    fy, fx = np.fft.fftfreq(H), np.fft.fftfreq(W)
    return np.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)


def white_noise_share(H: int, W: int, cutoff: float) -> float:
    """The share of the H×W DFT frequencies above ``cutoff``: hf of ideal white noise."""
    return float((_radial_frequency(H, W) > cutoff).mean())


def high_frequency_energy(record, cutoff: float = 0.25) -> np.ndarray:
    """Share of the perturbation's energy above radial frequency ``cutoff`` (cycles/pixel,
    0 < cutoff < √0.5): S+1 × N, NaN where the perturbation is zero (always at step 0)."""
    if not 0 < cutoff < np.sqrt(0.5):
        raise ValueError(f"cutoff must be in (0, 0.707) cycles per pixel, got {cutoff!r}")
    imgs = _images(record)
    d = imgs - imgs[0]
    power = (np.abs(np.fft.fft2(d, axes=(-2, -1))) ** 2).sum(axis=2)  # S+1 × N × H × W
    high = _radial_frequency(*d.shape[-2:]) > cutoff
    total = power.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, power[..., high].sum(axis=-1) / total, np.nan)
