"""Patch attacks suggested by a class comparison: paste an icon into a corner, count the flips.

A patch ``P`` (``s×s×3``, values in ``[0, 1]``) pasted into corner ``k`` of an image
``x`` (``H×W×3``) replaces the ``s×s`` pixels there:

    x'[y0:y0+s, x0:x0+s] = P,   (y0, x0) ∈ {(0, 0), (0, W−s), (H−s, 0), (H−s, W−s)}

(top left, top right, bottom left, bottom right). For images of class ``a`` and a
target ``b``, an image *flips* when the network's top class is ``b`` with the patch
and was not ``b`` without it. :func:`patch_attack` pastes at every size and corner and
reports the flip rate of each setting, their mean (one setting tried per image), and
the rate when each image may use its best corner and size (the fraction flipped by
at least one setting). A control pastes uniform random noise of the same size in the
same places: a patch that flips much more often than noise adds evidence for ``b``,
not merely hides the evidence for ``a``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .attribute import logits_of

__all__ = ["CORNERS", "PatchResult", "paste", "resize_patch", "noise_patch", "patch_attack"]

CORNERS = ("top left", "top right", "bottom left", "bottom right")


def _float_images(images) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim != 4 or x.shape[-1] != 3:
        raise ValueError(f"images must be N×H×W×3, got shape {x.shape}")
    return x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)


def resize_patch(patch, size: int) -> np.ndarray:
    """``patch`` (``h×w×3``, uint8 or ``[0, 1]``) resized to ``size×size×3`` float (antialiased bilinear)."""
    p = _float_images(np.asarray(patch)[None])[0]
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive int, got {size!r}")
    t = torch.from_numpy(p).permute(2, 0, 1)[None]
    if t.shape[-2:] != (size, size):
        t = F.interpolate(t, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return t[0].permute(1, 2, 0).clamp(0, 1).numpy()


def noise_patch(size: int, *, seed: int) -> np.ndarray:
    """A ``size×size×3`` patch of uniform ``[0, 1]`` noise from ``default_rng(seed)``."""
    return np.random.default_rng(seed).random((size, size, 3), dtype=np.float32)


def paste(images, patch, corner: str) -> np.ndarray:
    """``images`` (``N×H×W×3``) with ``patch`` (``s×s×3`` in ``[0, 1]``) in ``corner`` (a name in :data:`CORNERS`)."""
    x = _float_images(images).copy()
    p = np.asarray(patch, dtype=np.float32)
    if corner not in CORNERS:
        raise ValueError(f"corner must be one of {CORNERS}, got {corner!r}")
    h, w = x.shape[1:3]
    s = p.shape[0]
    if p.ndim != 3 or p.shape != (s, s, 3) or s > min(h, w):
        raise ValueError(f"patch must be s×s×3 with s ≤ {min(h, w)}, got shape {p.shape}")
    y0 = 0 if corner.startswith("top") else h - s
    x0 = 0 if corner.endswith("left") else w - s
    x[:, y0:y0 + s, x0:x0 + s] = p
    return x


@torch.no_grad()
def _predict(model, x: np.ndarray, batch: int) -> np.ndarray:
    out = np.empty(len(x), np.int64)        # filled in place (no small per-batch arrays to fragment the heap)
    for a in range(0, len(x), batch):
        t = torch.from_numpy(np.ascontiguousarray(x[a:a + batch])).permute(0, 3, 1, 2)
        out[a:a + batch] = logits_of(model, t).argmax(1).numpy()
    return out


@dataclass(frozen=True)
class PatchResult:
    """Flips to ``target`` of ``N`` images: ``flipped[i, j, n]`` at size ``sizes[i]``, corner ``CORNERS[j]``."""

    target: int
    sizes: tuple[int, ...]
    flipped: np.ndarray       # S×4×N bool
    clean_target: np.ndarray  # N bool: already classified as the target without a patch

    @property
    def rates(self) -> np.ndarray:
        """``S×4`` flip rate of each size and corner."""
        return self.flipped.mean(axis=2)

    @property
    def mean_rate(self) -> float:
        """Flip rate of one setting, averaged over sizes and corners."""
        return float(self.flipped.mean())

    @property
    def best_rate(self) -> float:
        """Fraction of images flipped by their best corner and size (by at least one setting)."""
        return float(self.flipped.any(axis=(0, 1)).mean())

    @property
    def best_setting(self) -> tuple[int, str]:
        """The single (size, corner) with the highest flip rate."""
        i, j = np.unravel_index(np.argmax(self.rates), self.rates.shape)
        return self.sizes[i], CORNERS[j]


def patch_attack(model: torch.nn.Module, images, patch, target: int, *, sizes=(8, 12, 16),
                 batch: int = 100) -> PatchResult:
    """Paste ``patch`` at every size and corner into ``images``; which flip to class ``target``.

    ``patch`` is an image (``h×w×3``) resized to each size, or a callable
    ``size → s×s×3`` (e.g. ``lambda s: noise_patch(s, seed=0)`` for the control).
    """
    x = _float_images(images)
    sizes = tuple(int(s) for s in sizes)
    if not sizes or min(sizes) < 1 or max(sizes) > min(x.shape[1:3]):
        raise ValueError(f"sizes must lie in 1..{min(x.shape[1:3])}, got {sizes}")
    model.eval()
    clean = _predict(model, x, batch) == target
    flipped = np.zeros((len(sizes), len(CORNERS), len(x)), bool)
    for i, s in enumerate(sizes):
        p = patch(s) if callable(patch) else resize_patch(patch, s)
        for j, corner in enumerate(CORNERS):
            flipped[i, j] = (_predict(model, paste(x, p, corner), batch) == target) & ~clean
    return PatchResult(int(target), sizes, flipped, clean)
