"""Image parameterisations: leaf tensors and a map from them to a batch of valid images.

Every parameterisation returns ``(params, to_images)``: ``params`` is a list of
leaf tensors (``requires_grad=True``) that an optimiser changes, and
``to_images()`` builds the batch ``N×3×H×W`` of images in ``[0, 1]`` from their
current values. Three layers, each optional, compose:

``pixel``
    one free number per pixel and colour (the unconditioned space).
``fourier``
    the image is the inverse orthonormal real FFT of a spectrum whose
    coefficient at spatial frequency ``f`` (cycles per pixel) is multiplied by
    ``1 / max(f, 1/max(H, W))^decay``: every frequency gets roughly equal energy
    per parameter, so Adam moves low frequencies as easily as high ones
    (the preconditioning of the article).
``decorrelate``
    the three channels are mixed by the square root ``S = Σ^{1/2}`` of the
    colour covariance ``Σ`` of *our* training images (:func:`color_sqrt`),
    row-vector convention ``rgb = z @ S``, so unit-variance, uncorrelated
    parameters give colours with the data's covariance. ``S`` is divided by its
    largest column norm, so no colour direction is amplified.

Last, a sigmoid squashes each value into ``(0, 1)``.
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np
import torch

from ..store import cache_dir, config_hash, load_npz, save_npz

__all__ = [
    "fft_frequencies", "spectrum_scale", "fourier_to_spatial", "spatial_to_fourier",
    "color_covariance", "color_sqrt", "dataset_color_sqrt", "decorrelate_colors",
    "pixel_param", "fourier_param", "image_param", "shared_param", "linear_part",
]

ImageFn = Callable[[], torch.Tensor]


def _check_size(h, w, batch):
    for name, v in (("height", h), ("width", w), ("batch", batch)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")


def fft_frequencies(h: int, w: int) -> np.ndarray:
    """Radial spatial frequency ``sqrt(fy² + fx²)`` (cycles per pixel) of each ``rfft2`` coefficient, ``H×(W//2+1)``."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    return np.sqrt(fy * fy + fx * fx)


def spectrum_scale(h: int, w: int, decay: float = 1.0) -> np.ndarray:
    """``1 / max(f, 1/max(H, W))^decay`` for every ``rfft2`` coefficient (``H×(W//2+1)``, float32).

    ``decay = 0`` gives ones (a plain orthonormal change of basis).
    """
    if not np.isfinite(decay) or decay < 0:
        raise ValueError(f"decay must be a finite number ≥ 0, got {decay!r}")
    f = np.maximum(fft_frequencies(h, w), 1.0 / max(h, w))
    return (1.0 / f ** decay).astype(np.float32)


def fourier_to_spatial(spectrum: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Inverse orthonormal real FFT: a complex ``…×H×(W//2+1)`` spectrum → real ``…×H×W`` images.

    ``torch.fft.irfft2(spectrum, s=(H, W), norm="ortho")``; on spectra of real
    images it inverts :func:`spatial_to_fourier` exactly, and it preserves the
    energy ``Σ|x|² = Σ|X_full|²`` of the full (Hermitian) spectrum (Parseval).
    """
    return torch.fft.irfft2(spectrum, s=(h, w), norm="ortho")


def spatial_to_fourier(images: torch.Tensor) -> torch.Tensor:
    """Orthonormal real FFT of ``…×H×W`` images (``torch.fft.rfft2(x, norm="ortho")``)."""
    return torch.fft.rfft2(images, norm="ortho")


# ---------------------------------------------------------------- colours

def color_covariance(images: np.ndarray, *, chunk: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Mean (3,) and covariance (3×3) of the colours of every pixel of ``images``, in ``[0, 1]`` units.

    ``images``: uint8 ``N×H×W×3`` (or float in ``[0, 1]``). Accumulated in
    float64 over chunks of images: ``Σ = E[x xᵀ] − μ μᵀ`` over all ``N·H·W`` pixels.
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or len(images) == 0:
        raise ValueError(f"images must be N×H×W×3 (channels last, N ≥ 1), got shape {images.shape}")
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    s1 = np.zeros(3)
    s2 = np.zeros((3, 3))
    n = 0
    for i in range(0, len(images), chunk):
        x = images[i:i + chunk].reshape(-1, 3).astype(np.float64) / scale
        s1 += x.sum(0)
        s2 += x.T @ x
        n += len(x)
    mean = s1 / n
    cov = s2 / n - np.outer(mean, mean)
    return mean, (cov + cov.T) / 2


def color_sqrt(cov: np.ndarray) -> np.ndarray:
    """The symmetric square root ``S`` of a colour covariance (``S @ S = Σ``), by eigendecomposition.

    ``Σ = V diag(λ) Vᵀ`` → ``S = V diag(√λ) Vᵀ``. Raises for a matrix that is not
    symmetric positive definite (the decorrelation would divide by zero).
    """
    cov = np.asarray(cov, dtype=np.float64)
    if cov.shape != (3, 3) or not np.all(np.isfinite(cov)) or not np.allclose(cov, cov.T, atol=1e-10):
        raise ValueError("cov must be a finite, symmetric 3×3 matrix")
    lam, v = np.linalg.eigh(cov)
    if lam[0] <= 1e-12:
        raise ValueError(f"colour covariance is singular (eigenvalues {lam}); use images with varied colours")
    return (v * np.sqrt(lam)) @ v.T


def decorrelate_colors(pixels: np.ndarray, mean: np.ndarray, sqrt: np.ndarray) -> np.ndarray:
    """Whitened colours ``z = (x − μ) @ S⁻¹`` of pixels ``x`` (``…×3`` in ``[0, 1]``); ``cov(z) = I`` on the data."""
    x = np.asarray(pixels, dtype=np.float64)
    return (x - mean) @ np.linalg.inv(sqrt)


@functools.lru_cache(maxsize=4)
def dataset_color_sqrt(dataset: str = "cifar10", split: str = "train") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(mean, cov, S)`` of a data set's pixel colours, computed once and kept in memory and on disk.

    Reads ``tourlib.load_dataset(dataset, split).images`` (the first CIFAR-10
    load decodes its files) and caches the three small arrays in
    ``cache_dir("featvis")`` under a hash of ``(dataset, split)``.
    """
    path = cache_dir("featvis") / f"colors-{config_hash({'dataset': dataset, 'split': split, 'v': 1})}.npz"
    cached = load_npz(path)
    if cached is None:
        from .. import load_dataset

        images = load_dataset(dataset, split).images
        if images.ndim != 4 or images.shape[-1] != 3:
            raise ValueError(f"{dataset!r} is not a colour data set (images of shape {images.shape[1:]})")
        mean, cov = color_covariance(images)
        save_npz(path, mean=mean, cov=cov, sqrt=color_sqrt(cov))
        cached = load_npz(path)
    return cached["mean"], cached["cov"], cached["sqrt"]


def _color_matrix(decorrelate) -> torch.Tensor | None:
    """``S / max column norm`` as a float32 tensor, from ``True`` (CIFAR-10's), a 3×3 array, or ``False``."""
    if decorrelate is False or decorrelate is None:
        return None
    s = dataset_color_sqrt()[2] if decorrelate is True else np.asarray(decorrelate, dtype=np.float64)
    if s.shape != (3, 3) or not np.all(np.isfinite(s)):
        raise ValueError("decorrelate must be True, False or a finite 3×3 colour square root")
    s = s / np.linalg.norm(s, axis=0).max()
    return torch.as_tensor(s, dtype=torch.float32)


def _to_valid(x: torch.Tensor, color: torch.Tensor | None) -> torch.Tensor:
    if color is not None:
        # rows are colours: (N, H, W, 3) @ S, back to N×3×H×W
        x = torch.einsum("nchw,cd->ndhw", x, color)
    return torch.sigmoid(x)


# ---------------------------------------------------------------- parameterisations

def _generator(seed: int) -> torch.Generator:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    return torch.Generator().manual_seed(int(seed))


def pixel_param(h: int, w: int | None = None, *, batch: int = 1, sd: float = 0.01, seed: int = 0,
                decorrelate=False) -> tuple[list[torch.Tensor], ImageFn]:
    """One free value per pixel and channel: ``image = sigmoid(p [@ S])``, ``p ~ N(0, sd²)`` (``N×3×H×W``)."""
    w = h if w is None else w
    _check_size(h, w, batch)
    p = (torch.randn(batch, 3, h, w, generator=_generator(seed)) * sd).requires_grad_(True)
    color = _color_matrix(decorrelate)
    return [p], lambda: _to_valid(p, color)


def fourier_param(h: int, w: int | None = None, *, batch: int = 1, sd: float = 0.01, decay: float = 1.0,
                  seed: int = 0, decorrelate=False) -> tuple[list[torch.Tensor], ImageFn]:
    """A spectrum with ``1/f^decay`` scaling: ``image = sigmoid(irfft2(scale · (a + i b)) [@ S])``.

    The parameter is one real tensor ``N×3×H×(W//2+1)×2`` (real and imaginary
    parts, ``~ N(0, sd²)``); ``scale`` is :func:`spectrum_scale`; the FFT is
    orthonormal (:func:`fourier_to_spatial`).
    """
    w = h if w is None else w
    _check_size(h, w, batch)
    p = (torch.randn(batch, 3, h, w // 2 + 1, 2, generator=_generator(seed)) * sd).requires_grad_(True)
    scale = torch.as_tensor(spectrum_scale(h, w, decay))
    color = _color_matrix(decorrelate)

    def to_images() -> torch.Tensor:
        return _to_valid(fourier_to_spatial(scale * torch.view_as_complex(p), h, w), color)

    return [p], to_images


def image_param(h: int, w: int | None = None, *, batch: int = 1, fft: bool = True, decorrelate=True,
                sd: float = 0.01, decay: float = 1.0, seed: int = 0) -> tuple[list[torch.Tensor], ImageFn]:
    """The default parameterisation: Fourier (``fft``) with CIFAR-10 colour decorrelation, then a sigmoid.

    ``fft=False, decorrelate=False`` is the plain pixel parameterisation.
    ``decorrelate`` may also be a 3×3 colour square root of another data set.
    """
    if fft:
        return fourier_param(h, w, batch=batch, sd=sd, decay=decay, seed=seed, decorrelate=decorrelate)
    return pixel_param(h, w, batch=batch, sd=sd, seed=seed, decorrelate=decorrelate)


def shared_param(h: int, w: int | None = None, *, batch: int = 2, sd: float = 0.01, decay: float = 1.0,
                 seed: int = 0, decorrelate=True) -> tuple[list[torch.Tensor], ImageFn]:
    """Fourier images that share a part: ``image_i = sigmoid(irfft2(scale · (P_i + P_shared)) [@ S])``.

    For interpolations (the article's "separate and shared parameterisations"):
    the shared spectrum ``P_shared`` (one for the batch) makes it easy for the
    images to line up, the separate ``P_i`` lets each differ. Parameters
    ``[P (N×3×H×(W//2+1)×2), P_shared (1×…)]``, each ``~ N(0, sd²)``.
    """
    w = h if w is None else w
    _check_size(h, w, batch)
    gen = _generator(seed)
    p = (torch.randn(batch, 3, h, w // 2 + 1, 2, generator=gen) * sd).requires_grad_(True)
    q = (torch.randn(1, 3, h, w // 2 + 1, 2, generator=gen) * sd).requires_grad_(True)
    scale = torch.as_tensor(spectrum_scale(h, w, decay))
    color = _color_matrix(decorrelate)

    def to_images() -> torch.Tensor:
        return _to_valid(fourier_to_spatial(scale * torch.view_as_complex(p + q), h, w), color)

    return [p, q], to_images


def linear_part(kind: str, h: int, w: int, *, decay: float = 1.0, decorrelate=False) -> Callable[[torch.Tensor], torch.Tensor]:
    """The linear map ``A`` from parameters to pre-sigmoid images of a parameterisation (for preconditioning).

    ``kind`` is ``"pixel"`` or ``"fourier"``; the returned function maps a
    parameter tensor of that parameterisation's shape to ``N×3×H×W``.
    """
    color = _color_matrix(decorrelate)

    def mix(x):
        return x if color is None else torch.einsum("nchw,cd->ndhw", x, color)

    if kind == "pixel":
        return mix
    if kind == "fourier":
        scale = torch.as_tensor(spectrum_scale(h, w, decay))
        return lambda p: mix(fourier_to_spatial(scale * torch.view_as_complex(p), h, w))
    raise ValueError(f"kind must be 'pixel' or 'fourier', got {kind!r}")
