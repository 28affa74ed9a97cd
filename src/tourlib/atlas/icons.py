"""Icons: feature inversion of each grid cell's mean activation, with :mod:`tourlib.featvis`.

For a cell with mean activation ``v`` (a ``C``-vector of ``layer``) the icon is the image
``x`` that maximises, at the layer's centre position ``p``,

    f(x) = (h · v) · max(cos(h, v), 0.1)^n,      h = layer(x)[:, p]

(:func:`tourlib.featvis.objectives.direction_cosine`): the dot product asks for a large
activation along ``v``, the cosine power ``n`` for one that points the same way (``n = 0``
is the plain dot product). With ``whiten=Σ`` (the activations' covariance) the direction
becomes ``v' = (Σ + εI)^{-1} v``, which favours what is distinctive about ``v`` over
what every activation shares; this is the article's option.

Every icon is optimised under the standard robustness transformations (pad, jitter,
scale, rotate), in the decorrelated Fourier parameterisation, all cells of a chunk as
one batch. Each cell is rendered from ``seeds`` starts and the image with the largest
objective (measured without transformations) is kept. The icon is the part of the
image the centre position sees (its receptive field), so an early layer's icon is the
patch that layer looks at, not a tiled texture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..featvis import objectives as obj
from ..featvis.examples import receptive_field
from ..featvis.render import evaluate, render
from ..featvis.transform import standard_transforms

__all__ = ["Icons", "cell_icons", "whitened_directions"]


@dataclass(frozen=True)
class Icons:
    """``images[k]`` (``S×S×3`` uint8) is the icon of direction ``k``; ``score[k]`` its objective."""

    images: np.ndarray        # M×S×S×3 uint8
    score: np.ndarray         # M float: objective of the kept image
    start_score: np.ndarray   # M float: objective of the kept seed's starting image (no transformations)
    seed: np.ndarray          # M int: the seed whose image was kept
    box: tuple[int, int, int, int]   # (y0, y1, x0, x1) of the rendered image the icons show


def whitened_directions(vectors, covariance, eps: float = 1e-3) -> np.ndarray:
    """``V (Σ + ε·mean(diag Σ)·I)^{-1}`` for row vectors ``V`` (``M×C``) and covariance ``Σ`` (``C×C``)."""
    v = np.asarray(vectors, dtype=np.float64)
    cov = np.asarray(covariance, dtype=np.float64)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1] or v.ndim != 2 or v.shape[1] != cov.shape[0]:
        raise ValueError(f"need M×C vectors and a C×C covariance, got {v.shape} and {cov.shape}")
    ridge = eps * np.mean(np.diag(cov)) * np.eye(len(cov))
    return np.linalg.solve(cov + ridge, v.T).T.astype(np.float32)


def _centre(model: torch.nn.Module, layer: str, size: int) -> tuple[int, int] | None:
    from ..featvis.capture import capture
    with torch.no_grad():
        h = capture(model, torch.full((1, 3, size, size), 0.5), [layer])[layer]
    return None if h.ndim == 2 else (h.shape[2] // 2, h.shape[3] // 2)


def cell_icons(model: torch.nn.Module, layer: str, vectors, *, power: float = 1.0, seeds=(0, 1),
               steps: int = 128, size: int = 32, icon_size: int | None = None, chunk: int = 128,
               whiten: np.ndarray | None = None, lr: float = 0.05) -> Icons:
    """Icons of the rows of ``vectors`` (``M×C`` directions of ``layer``; see the module docstring).

    ``size`` is the rendered image's side, ``icon_size`` the icons' side (the receptive
    field is resized to it; default: the field's own size). ``chunk`` cells are
    optimised as one batch.
    """
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2 or len(v) == 0:
        raise ValueError(f"vectors must be a non-empty M×C array, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise ValueError("vectors contain NaN or infinite values")
    seeds = [int(s) for s in np.atleast_1d(seeds)]
    if not seeds:
        raise ValueError("seeds must name at least one seed")
    if whiten is not None:
        v = whitened_directions(v, whiten)
    centre = _centre(model, layer, size)
    if centre is None:
        box = (0, size, 0, size)
    else:
        box = receptive_field(model, layer, centre, size=size)
    y0, y1, x0, x1 = box
    side = icon_size or max(y1 - y0, x1 - x0)
    best_img = np.zeros((len(v), side, side, 3), np.uint8)
    best = np.full(len(v), -np.inf)
    start = np.zeros(len(v))
    which = np.zeros(len(v), np.int64)
    for s in seeds:
        for a in range(0, len(v), chunk):
            part = v[a:a + chunk]
            objective = obj.direction_cosine(layer, part, power, position=centre)
            res = render(model, objective, size=size, batch=len(part), seed=s + 7919 * a, steps=steps, lr=lr,
                         transforms=standard_transforms(size), thresholds=(0,))
            first = evaluate(model, objective, res.snapshots[0])
            crop = torch.from_numpy(res.images[:, y0:y1, x0:x1]).permute(0, 3, 1, 2)
            if crop.shape[-1] != side or crop.shape[-2] != side:
                crop = F.interpolate(crop, size=(side, side), mode="bilinear", antialias=True, align_corners=False)
            img = (crop.clamp(0, 1).permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8)
            better = res.final > best[a:a + chunk]
            idx = np.arange(a, a + len(part))[better]
            best_img[idx], best[idx], which[idx] = img[better], res.final[better], s
            start[idx] = first[better]
    return Icons(best_img, best.astype(np.float32), start.astype(np.float32), which, box)
