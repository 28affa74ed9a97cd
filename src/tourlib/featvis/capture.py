"""Run any ``nn.Module`` on a batch and keep the outputs of named submodules, with gradients.

Forward hooks (as in :mod:`tourlib.nets.hooks`) on each wanted submodule store
its output; once every wanted output is stored, the forward pass is stopped
(the layers above are not needed by the objective and cost most of the time).
Layer names are dotted ``model.named_modules()`` names; ``"logits"`` is an
alias of ``model.logits_layer`` for networks that have one (the zoo's
:class:`~tourlib.nets.models.LayeredNet`). The names ``"input"`` (the batch
the model sees) and ``"image"`` (the image before transformations) are filled
in by the caller, not by hooks.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import torch

__all__ = ["layer_names", "resolve_layer", "capture", "activations"]

RESERVED = ("input", "image")


class _Stop(Exception):
    pass


def layer_names(model: torch.nn.Module) -> tuple[str, ...]:
    """The layer names an objective may use: ``model.layer_names`` when it has them, else every dotted submodule name."""
    names = getattr(model, "layer_names", None)
    if isinstance(names, (tuple, list)) and names:
        return tuple(names)
    return tuple(n for n, _ in model.named_modules() if n)


def resolve_layer(model: torch.nn.Module, name: str) -> str:
    """The submodule name for ``name`` (``"logits"`` → ``model.logits_layer``); a clear error for an unknown one."""
    modules = dict(model.named_modules())
    if name == "logits" and "logits" not in modules:
        target = getattr(model, "logits_layer", None)
        if not isinstance(target, str):
            raise ValueError("this model has no 'logits_layer'; pass the logits layer's name, e.g. layer='fc'")
        return target
    if not isinstance(name, str) or name in ("",) or name not in modules:
        valid = layer_names(model)
        shown = ", ".join(valid[:40]) + (", …" if len(valid) > 40 else "")
        raise ValueError(f"unknown layer {name!r}; valid layers: {shown}")
    return name


def capture(model: torch.nn.Module, x: torch.Tensor, layers: Iterable[str], *, stop_early: bool = True) -> dict[str, torch.Tensor]:
    """Outputs of ``layers`` when ``model`` runs on ``x`` (gradients kept), as name → tensor.

    ``stop_early`` ends the forward pass once every wanted layer has run
    (assumes no module runs twice in one pass). Raises ``ValueError`` for an
    unknown layer or one that did not run.
    """
    wanted = {name: resolve_layer(model, name) for name in layers if name not in RESERVED}
    if not wanted:
        return {}
    modules = dict(model.named_modules())
    got: dict[str, torch.Tensor] = {}
    targets = set(wanted.values())

    def hook(name):
        def f(_m, _inp, y):
            got[name] = y[0] if isinstance(y, (tuple, list)) else y
            if stop_early and targets.issubset(got):
                raise _Stop
        return f

    handles = [modules[t].register_forward_hook(hook(t)) for t in targets]
    try:
        model(x)
    except _Stop:
        pass
    finally:
        for h in handles:
            h.remove()
    missing = targets - set(got)
    if missing:
        raise ValueError(f"layer(s) {sorted(missing)} did not run in the forward pass; pick layers that do")
    return {alias: got[t] for alias, t in wanted.items()}


def activations(model: torch.nn.Module, images, layer: str, *, batch_size: int = 500) -> np.ndarray:
    """The output of ``layer`` for fixed ``images`` (``N×H×W×3`` uint8 or float in ``[0, 1]``) as a float32 array.

    ``N×C×H×W`` for a map (``N×C`` for a dense layer); the model runs in eval mode without
    gradients, ``batch_size`` images at a time. For measures of rendered images, e.g.
    :func:`tourlib.featvis.measures.mean_gram_similarity`.
    """
    from .render import frozen

    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3 or len(images) == 0:
        raise ValueError(f"images must be N×H×W×3 (channels last, N ≥ 1), got shape {images.shape}")
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    out = []
    with frozen(model), torch.no_grad():
        for i in range(0, len(images), batch_size):
            x = torch.as_tensor(images[i:i + batch_size].astype(np.float32) / scale).permute(0, 3, 1, 2)
            out.append(capture(model, x, [layer])[layer].float().numpy())
    return np.concatenate(out)
