"""An attack's recording set among points that do not move, and what to record at each step.

* :func:`with_fixed` stacks the attacked points' activations over the steps (``(S+1)×N×d``) with
  fixed reference points (``M×d`` each, e.g. genuine images of the source and target class), which
  stay put at every step: ``(S+1)×(N+M…)×d``, for a tour whose time axis is the attack step.
* :func:`layer_recorder` is the ``activations=`` callback of :func:`tourlib.attack.targeted_fgsm`
  that records the *real* network's ``layers`` at each step (not the attack's modified view of it).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["with_fixed", "layer_recorder", "final_images", "class_attack"]


def with_fixed(moving, *fixed) -> np.ndarray:
    """``moving`` (``(S+1)×N×d``) followed, at every step, by the rows of each array in ``fixed``."""
    moving = np.asarray(moving)
    if moving.ndim != 3:
        raise ValueError(f"moving must be (steps+1)×N×d, got shape {moving.shape}")
    parts = [np.asarray(f) for f in fixed]
    for f in parts:
        if f.ndim != 2 or f.shape[1] != moving.shape[2]:
            raise ValueError(f"fixed points must be M×{moving.shape[2]}, got shape {f.shape}")
    if not parts:
        return moving
    still = np.concatenate(parts).astype(moving.dtype, copy=False)
    return np.concatenate([moving, np.broadcast_to(still, (moving.shape[0], *still.shape))], axis=1)


def layer_recorder(model, layers: Sequence[str]):
    """``x ↦ {layer: activations}`` of ``model`` (a :class:`tourlib.nets.LayeredNet`) at ``x``."""
    from ..nets.capture import resolve_layers, trace_batch

    names = resolve_layers(model.layer_names, layers)   # a clear error for an unknown layer name

    def record(x):
        return trace_batch(model, x, names)

    return record


def final_images(record) -> np.ndarray:
    """The attacked images after the last step as uint8 (``N×H×W`` grey, ``N×H×W×3`` colour)."""
    x = np.asarray(record.images[-1])
    x = x[:, 0] if x.shape[1] == 1 else np.moveaxis(x, 1, -1)
    return (np.clip(x, 0, 1) * 255).round().astype(np.uint8)


def class_attack(model, data, source: int, target: int, *, epsilon: float, steps: int,
                 layers: Sequence[str] = ("relu_logits", "softmax")):
    """The strict targeted attack of the book (:class:`tourlib.attack.analysis.TargetLogitUnclipped`,
    iterated FGSM for ``steps`` steps, never stopping early) on the points of class ``source`` in
    ``data`` (a :class:`tourlib.nets.bundle.RunData`), recording the real network's ``layers``."""
    from .analysis import TargetLogitUnclipped
    from .fgsm import targeted_fgsm

    if int(source) == int(target):
        raise ValueError("choose a target class different from the source class")
    pick = data.where(data.labels == int(source))
    if len(pick) == 0:
        raise ValueError(f"the bundle holds no point of class {source}")
    imgs = pick.images
    x = (imgs[:, None] if imgs.ndim == 3 else np.moveaxis(imgs, -1, 1)).astype(np.float32) / 255.0
    return targeted_fgsm(TargetLogitUnclipped(model, int(target)), x, int(target), epsilon=epsilon, steps=steps,
                         labels=int(source), stop_at_target=False, output="logits",
                         activations=layer_recorder(model, layers))
