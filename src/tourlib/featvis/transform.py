"""Random, differentiable image transformations (transformation robustness).

A transformation is a callable ``t(x, generator) -> x'`` on a float batch
``N×C×H×W``; its randomness comes only from the ``torch.Generator`` it is
given (one draw per image of the batch), so a seeded render is reproducible.
Every step is built from differentiable torch operations (padding, slicing,
``F.affine_grid`` + ``F.grid_sample``), so the gradient of an objective flows
back through it to the image. :func:`compose` chains a list of them.

The article's suite for 224-pixel images is: pad 16, jitter 16, scale from
``{1, 0.975, 1.025, 0.95, 1.05}``, rotate by ``-5..5`` degrees, jitter 8, crop
the padding. :func:`standard_transforms` is the same suite with the pixel
amounts scaled to the image size (for 32×32: pad 2, jitter 2, …, jitter 1).
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import torch
import torch.nn.functional as F

__all__ = ["pad", "jitter", "random_scale", "random_rotate", "center_crop", "compose", "standard_transforms"]

Transform = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def _nonneg_int(name, v):
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError(f"{name} must be a non-negative int (pixels), got {v!r}")
    return v


def _choose(values: torch.Tensor, n: int, gen: torch.Generator) -> torch.Tensor:
    return values[torch.randint(len(values), (n,), generator=gen)]


def pad(width: int, *, mode: str = "constant", value: float = 0.5) -> Transform:
    """Pad every side by ``width`` pixels (``F.pad``; constant grey ``value`` or ``"reflect"``/``"replicate"``).

    Not random; the image grows to ``(H + 2w)×(W + 2w)`` (undo with :func:`center_crop`).
    """
    _nonneg_int("width", width)
    if mode not in ("constant", "reflect", "replicate"):
        raise ValueError(f"mode must be 'constant', 'reflect' or 'replicate', got {mode!r}")

    def t(x, gen=None):
        if width == 0:
            return x
        if mode == "constant":
            return F.pad(x, (width,) * 4, mode="constant", value=value)
        return F.pad(x, (width,) * 4, mode=mode)
    return t


def jitter(d: int) -> Transform:
    """Shift each image by a random whole number of pixels ``(dy, dx)``, each uniform in ``-d..d``; shape kept.

    Implemented as replicate-padding by ``d`` and an ``H×W`` crop at offset
    ``(d + dy, d + dx)``, so the revealed border repeats the edge pixels.
    """
    _nonneg_int("d", d)

    def t(x, gen):
        if d == 0:
            return x
        n, _, h, w = x.shape
        off = torch.randint(0, 2 * d + 1, (n, 2), generator=gen).tolist()
        xp = F.pad(x, (d,) * 4, mode="replicate")
        return torch.stack([xp[i, :, oy:oy + h, ox:ox + w] for i, (oy, ox) in enumerate(off)])
    return t


def _affine(x: torch.Tensor, theta: torch.Tensor, padding_mode: str) -> torch.Tensor:
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode=padding_mode, align_corners=False)


def random_scale(scales: Sequence[float] = (1, 0.975, 1.025, 0.95, 1.05), *, padding_mode: str = "border") -> Transform:
    """Zoom each image about its centre by a factor drawn from ``scales`` (bilinear resampling); shape kept.

    A factor ``s > 1`` enlarges the content (the sampling grid shrinks by ``1/s``).
    """
    vals = torch.as_tensor([float(s) for s in scales])
    if len(vals) == 0 or not torch.all(vals > 0):
        raise ValueError(f"scales must be a non-empty list of positive factors, got {scales!r}")

    def t(x, gen):
        s = _choose(vals, len(x), gen)
        theta = torch.zeros(len(x), 2, 3)
        theta[:, 0, 0] = 1 / s
        theta[:, 1, 1] = 1 / s
        return _affine(x, theta, padding_mode)
    return t


def random_rotate(degrees: Sequence[float] = tuple(range(-5, 6)), *, padding_mode: str = "border") -> Transform:
    """Rotate each image about its centre by an angle (degrees) drawn from ``degrees``; shape kept."""
    vals = torch.as_tensor([float(a) for a in degrees])
    if len(vals) == 0 or not torch.all(torch.isfinite(vals)):
        raise ValueError(f"degrees must be a non-empty list of finite angles, got {degrees!r}")

    def t(x, gen):
        a = _choose(vals, len(x), gen) * (math.pi / 180)
        c, s = torch.cos(a), torch.sin(a)
        h, w = x.shape[-2:]
        theta = torch.zeros(len(x), 2, 3)
        # normalised coordinates: correct for a non-square aspect so the rotation is rigid
        theta[:, 0, 0] = c
        theta[:, 0, 1] = -s * h / w
        theta[:, 1, 0] = s * w / h
        theta[:, 1, 1] = c
        return _affine(x, theta, padding_mode)
    return t


def center_crop(h: int, w: int | None = None) -> Transform:
    """Cut the central ``h×w`` window (e.g. remove what :func:`pad` added)."""
    w = h if w is None else w
    if _nonneg_int("h", h) == 0 or _nonneg_int("w", w) == 0:
        raise ValueError("crop size must be positive")

    def t(x, gen=None):
        H, W = x.shape[-2:]
        if h > H or w > W:
            raise ValueError(f"cannot crop {h}×{w} from a {H}×{W} image")
        y0, x0 = (H - h) // 2, (W - w) // 2
        return x[..., y0:y0 + h, x0:x0 + w]
    return t


def compose(transforms: Sequence[Transform]) -> Transform:
    """Apply ``transforms`` in order, all drawing from the same generator."""
    transforms = list(transforms)
    for t in transforms:
        if not callable(t):
            raise ValueError(f"every transformation must be callable(x, generator), got {t!r}")

    def t(x, gen):
        for f in transforms:
            x = f(x, gen)
        return x
    return t


def standard_transforms(size: int = 32) -> list[Transform]:
    """The article's robustness suite scaled from 224 pixels to ``size``, cropped back to ``size×size``.

    pad ``p = round(16·size/224)`` (at least 1), jitter ``p``, scale from
    ``{1, 0.975, 1.025, 0.95, 1.05}``, rotate by ``-5..5``°, jitter ``⌈p/2⌉``,
    centre crop ``size``.
    """
    p = max(1, round(16 * size / 224))
    return [pad(p), jitter(p), random_scale(), random_rotate(), jitter(max(1, math.ceil(p / 2))), center_crop(size)]
