"""Directions of steepest ascent of an objective under different notions of distance.

At fixed images ``x`` (``N×3×H×W`` in ``[0, 1]``) with gradient ``g = ∇_x obj``:

``"l2"``
    ``g`` itself (steepest under the Euclidean norm);
``"linf"``
    ``sign(g)`` (steepest under the max norm: every pixel moves by the same amount);
``"fourier"`` / ``"fourier_decorrelated"``
    the direction that a gradient step on the parameters of the Fourier
    parameterisation (optionally with decorrelated colours) makes in image
    space. Writing that parameterisation's linear part as ``x = x₀ + A z``
    (:func:`tourlib.featvis.param.linear_part`), the step is
    ``Δx = A Aᵀ g``: the gradient seen through the metric ``(A Aᵀ)⁻¹``, which
    damps high frequencies by ``1/f^{2·decay}``.

Used by the chapter to show why preconditioning removes high-frequency noise.
"""

from __future__ import annotations

import numpy as np
import torch

from .objectives import Objective
from .param import linear_part
from .render import _check_images, _values, frozen

__all__ = ["METRICS", "steepest_directions", "direction_to_image"]

METRICS = ("l2", "linf", "fourier", "fourier_decorrelated")


def steepest_directions(model: torch.nn.Module, objective: Objective, images, *,
                        metrics=METRICS, decay: float = 1.0, decorrelate=True) -> dict[str, np.ndarray]:
    """Steepest-ascent directions of ``objective`` at ``images`` as ``N×H×W×3`` float32 arrays, per metric.

    ``images``: ``N×H×W×3`` array (uint8 or float in ``[0, 1]``) or ``N×3×H×W``
    tensor. ``decorrelate`` is the colour square root for
    ``"fourier_decorrelated"`` (``True``: CIFAR-10's). Directions are not
    normalised (see :func:`direction_to_image` to show them).
    """
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; choose from {', '.join(METRICS)}")
    if isinstance(images, np.ndarray):
        x0 = torch.as_tensor(images.astype(np.float32) / (255.0 if images.dtype == np.uint8 else 1.0)).permute(0, 3, 1, 2)
    else:
        x0 = torch.as_tensor(images, dtype=torch.float32)
    _check_images(x0)
    n, _, h, w = x0.shape
    out: dict[str, np.ndarray] = {}

    def grad_at(param_shape, A):
        z = torch.zeros(param_shape, requires_grad=True)
        x = x0 + A(z)
        v = _values(model, objective, x, x).sum()
        (gz,) = torch.autograd.grad(v, z)
        with torch.no_grad():
            return A(gz)

    with frozen(model):
        if "l2" in metrics or "linf" in metrics:
            g = grad_at((n, 3, h, w), lambda z: z)
            if "l2" in metrics:
                out["l2"] = g
            if "linf" in metrics:
                out["linf"] = torch.sign(g)
        for m, dec in (("fourier", False), ("fourier_decorrelated", decorrelate)):
            if m in metrics:
                out[m] = grad_at((n, 3, h, w // 2 + 1, 2), linear_part("fourier", h, w, decay=decay, decorrelate=dec))
    return {k: v.permute(0, 2, 3, 1).numpy().astype(np.float32) for k, v in out.items()}


def direction_to_image(d: np.ndarray) -> np.ndarray:
    """Show a direction as an image: ``0.5 + 0.5 · d / max|d|`` per image (grey is zero), in ``[0, 1]``."""
    d = np.asarray(d, dtype=np.float32)
    if d.ndim == 3:
        d = d[None]
    m = np.abs(d).reshape(len(d), -1).max(1).reshape(-1, 1, 1, 1)
    return 0.5 + 0.5 * d / np.where(m > 0, m, 1)
