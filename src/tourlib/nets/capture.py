"""Taking the activations of named layers, as row vectors.

Every activation comes back as a float32 array ``N×F``: row ``i`` is image
``i``, and a convolutional map ``C×H×W`` is flattened channel-major
(``F = C·H·W``, PyTorch's order). Dicts are in layer order.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import torch

from .inputs import images_to_tensor
from .models import IMAGE_SHAPES, LayeredNet

__all__ = ["resolve_layers", "layer_activations", "layer_shapes", "trace_batch"]


def resolve_layers(names: Sequence[str], layers: str | Iterable[str]) -> tuple[str, ...]:
    """Pick layers from a network's ``names``: ``"all"``, one name, or several, returned in layer order.

    Raises
    ------
    ValueError
        If a name is not among ``names`` (the message lists the valid ones), or
        no layer is asked for.
    """
    names = tuple(names)
    if isinstance(layers, str):
        layers = names if layers == "all" else (layers,)
    wanted = list(dict.fromkeys(layers))
    unknown = [name for name in wanted if name not in names]
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(map(repr, unknown))}; this network's "
                         f"layers are {', '.join(names)} (or 'all')")
    if not wanted:
        raise ValueError(f"ask for at least one layer: one of {', '.join(names)}, or 'all'")
    return tuple(name for name in names if name in wanted)


@torch.no_grad()
def trace_batch(model: LayeredNet, x: torch.Tensor, keep: Sequence[str]) -> dict[str, torch.Tensor]:
    """Outputs of the layers in ``keep`` for one input batch ``x`` (N×C×H×W), flattened to N×F.

    Stops after the last layer in ``keep``. Tensors stay on ``x``'s device.
    """
    out: dict[str, torch.Tensor] = {}
    keep = set(keep)
    for name, y in model.trace(x):
        if name in keep:
            out[name] = y.flatten(1)
            if len(out) == len(keep):
                break
    return out


def layer_activations(
    model: LayeredNet,
    images: np.ndarray | torch.Tensor,
    layers: str | Iterable[str] = "all",
    *,
    batch_size: int = 500,
) -> dict[str, np.ndarray]:
    """Activations of ``layers`` for ``images``, as a dict name → float32 ``N×F`` array.

    Parameters
    ----------
    model : LayeredNet
        From :func:`tourlib.nets.build_model` (or :meth:`TrainingRun.model`).
    images : ndarray or Tensor
        uint8 images ``N×H×W[×C]`` as the data loaders give them, or a float
        tensor ``N×C×H×W`` with values in ``[0, 1]``.
    layers : "all", a layer name, or a list of names
        Which layers; the result is in layer order whatever order is given.
    batch_size : int
        Images per forward pass (memory only; results do not depend on it
        beyond float rounding).

    The model is put in evaluation mode and run without gradients on the
    device its parameters live on.
    """
    names = resolve_layers(model.layer_names, layers)
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    device = next(model.parameters()).device
    x = images if isinstance(images, torch.Tensor) else images_to_tensor(images)
    was_training = model.training
    model.eval()
    chunks: dict[str, list[np.ndarray]] = {name: [] for name in names}
    for start in range(0, len(x), batch_size):
        batch = x[start:start + batch_size].to(device=device, dtype=torch.float32)
        for name, y in trace_batch(model, batch, names).items():
            chunks[name].append(y.to("cpu", torch.float32).numpy())
    model.train(was_training)
    if len(x) == 0:
        shapes = layer_shapes(model)
        return {name: np.zeros((0, int(np.prod(shapes[name]))), np.float32) for name in names}
    return {name: np.concatenate(parts, axis=0) for name, parts in chunks.items()}


@torch.no_grad()
def layer_shapes(model: LayeredNet) -> dict[str, tuple[int, ...]]:
    """Per-image output shape of every layer (``(C, H, W)`` for maps, ``(F,)`` for vectors)."""
    shape = IMAGE_SHAPES[model.architecture]
    channels = 1 if len(shape) == 2 else shape[2]
    device = next(model.parameters()).device
    x = torch.zeros(1, channels, shape[0], shape[1], device=device)
    was_training = model.training
    model.eval()
    shapes = {name: tuple(y.shape[1:]) for name, y in model.trace(x)}
    model.train(was_training)
    return shapes
