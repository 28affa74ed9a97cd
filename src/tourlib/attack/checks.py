"""Input checks for :mod:`tourlib.attack`; every error says what was expected and the fix."""

from __future__ import annotations

import numbers

import numpy as np
import torch

__all__ = ["as_images", "as_epsilons", "as_targets", "as_labels", "as_steps"]


def as_images(images, dtype: torch.dtype, device) -> torch.Tensor:
    """A float tensor N×C×H×W with finite values in [0, 1] (a copy, detached)."""
    if isinstance(images, np.ndarray):
        x = torch.from_numpy(np.ascontiguousarray(images))
    elif isinstance(images, torch.Tensor):
        x = images.detach()
    else:
        raise TypeError(f"images must be a numpy array or torch tensor, got {type(images).__name__}")
    if x.ndim != 4 or x.shape[0] == 0:
        raise ValueError(
            f"images must be a non-empty batch N×C×H×W, got shape {tuple(x.shape)}; "
            "add the channel axis for grey images (x[:, None])"
        )
    if not (x.is_floating_point()):
        raise ValueError(f"images must be floats in [0, 1], got dtype {x.dtype}; divide uint8 pixels by 255")
    if not torch.isfinite(x).all():
        raise ValueError("images contain NaN or infinite values")
    lo, hi = float(x.min()), float(x.max())
    if lo < 0 or hi > 1:
        raise ValueError(f"image values must lie in [0, 1] (the valid pixel range), got [{lo:.3g}, {hi:.3g}]; "
                         "pass un-normalised images (normalisation belongs inside the model)")
    return x.to(device=device, dtype=dtype).clone()


def as_steps(steps) -> int:
    if not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be an int ≥ 1, got {steps!r}")
    return int(steps)


def as_epsilons(epsilon, steps: int) -> np.ndarray:
    """The per-step sizes ε_k (length ``steps``): a scalar repeats, a sequence must have one per step."""
    eps = np.asarray(epsilon, dtype=np.float64)
    if eps.ndim == 0:
        eps = np.full(steps, float(eps))
    if eps.ndim != 1 or len(eps) != steps:
        raise ValueError(f"epsilon must be a number or a sequence of {steps} numbers (one per step), "
                         f"got shape {np.shape(epsilon)}")
    if not np.all(np.isfinite(eps)) or np.any(eps <= 0):
        raise ValueError(f"epsilon must be > 0 and finite at every step, got {epsilon!r}")
    return eps


def _as_int_vector(v, n: int, name: str) -> np.ndarray:
    arr = np.asarray(v.detach().cpu().numpy() if isinstance(v, torch.Tensor) else v)
    if arr.ndim == 0:
        arr = np.full(n, arr)
    if arr.shape != (n,):
        raise ValueError(f"{name} must be one int or {n} ints (one per image), got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise ValueError(f"{name} must be integer class indices, got dtype {arr.dtype}")
    return arr.astype(np.int64)


def as_targets(target, n: int, n_classes: int) -> np.ndarray:
    t = _as_int_vector(target, n, "target")
    if t.min() < 0 or t.max() >= n_classes:
        raise ValueError(f"target classes must lie in [0, {n_classes}) for this model, got {sorted(set(t.tolist()))}")
    return t


def as_labels(labels, n: int, targets: np.ndarray) -> np.ndarray | None:
    """Optional true labels; a target equal to the true class is an error (nothing to attack)."""
    if labels is None:
        return None
    y = _as_int_vector(labels, n, "labels")
    same = np.flatnonzero(y == targets)
    if len(same):
        raise ValueError(f"the target equals the true class for images {same[:10].tolist()}"
                         f"{' …' if len(same) > 10 else ''}; choose a different target or drop those images")
    return y
