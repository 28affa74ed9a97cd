"""Activations of named layers of *any* ``torch.nn.Module``, taken with forward hooks.

:func:`tourlib.nets.capture.layer_activations` walks a :class:`LayeredNet` layer
by layer. Other networks (torchvision's GoogLeNet, a reader's own model) are not
sequences, so here a forward hook on each wanted submodule keeps its output
while the model runs once per batch. Layer names are the dotted names of
``model.named_modules()`` (``"layer3.1"``, ``"inception4d"``, ``"fc"``).

Every activation comes back as a float32 row-vector array ``N×F``: row ``i`` is
image ``i``, and a map ``C×H×W`` is flattened channel-major (PyTorch's order),
or first pooled to ``C×h×w`` (``pool=(h, w)``, adaptive average pooling) so
that large layers stay small; the UMAP Tour pools every map to a cap of
dimensions this way (:func:`pool_for_cap`).
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["module_layer_names", "pool_for_cap", "module_activations"]


def module_layer_names(model: torch.nn.Module, *, leaves: bool = False) -> tuple[str, ...]:
    """Dotted names of ``model``'s submodules, in registration order (the root ``""`` left out).

    ``leaves=True`` keeps only modules without children (convs, ReLUs, ...).
    """
    return tuple(name for name, m in model.named_modules()
                 if name and (not leaves or next(m.children(), None) is None))


def pool_for_cap(shape: Sequence[int], cap: int) -> tuple[int, int] | None:
    """The largest square spatial size ``(s, s)`` with ``C·s·s ≤ cap`` for a map of shape ``(C, H, W)``.

    ``None`` when no pooling is needed (``C·H·W ≤ cap`` or ``shape`` is not a map).
    At least ``1×1`` (global average) even if ``C > cap``.
    """
    if len(shape) != 3 or int(np.prod(shape)) <= cap:
        return None
    c, h, w = (int(v) for v in shape)
    s = max(1, int(np.floor(np.sqrt(cap / c))))
    return (min(s, h), min(s, w))


def _check_layers(model: torch.nn.Module, layers: Iterable[str]) -> tuple[str, ...]:
    names = dict(model.named_modules())
    wanted = tuple(dict.fromkeys([layers] if isinstance(layers, str) else layers))
    if not wanted:
        raise ValueError("ask for at least one layer (a dotted submodule name)")
    unknown = [n for n in wanted if n not in names or n == ""]
    if unknown:
        sample = ", ".join(module_layer_names(model)[:30])
        raise ValueError(f"unknown layer(s) {', '.join(map(repr, unknown))}; this model's submodules "
                         f"include {sample} (see tourlib.nets.hooks.module_layer_names)")
    return wanted


@torch.no_grad()
def module_activations(
    model: torch.nn.Module,
    images: np.ndarray | torch.Tensor | Iterable[torch.Tensor],
    layers: str | Iterable[str],
    *,
    preprocess: Callable[[torch.Tensor], torch.Tensor] | None = None,
    batch_size: int = 100,
    cap: int | None = None,
    include_input: bool = False,
) -> dict[str, np.ndarray]:
    """Outputs of ``layers`` (dotted submodule names) of ``model`` for ``images``, as name → float32 ``N×F``.

    Parameters
    ----------
    model : torch.nn.Module
        Any module; it is run in evaluation mode, without gradients, on the
        device of its first parameter.
    images : uint8 array ``N×H×W×C`` / ``N×H×W``, a float tensor ``N×C×H×W`` in
        ``[0, 1]``, or an iterable of such tensors (batches).
    layers : str or iterable of str
        Submodule names (``model.named_modules()``); the result keeps their order.
    preprocess : callable, optional
        Applied to each float batch before the model (e.g. resizing and the
        ImageNet normalisation of :func:`tourlib.nets.pretrained.imagenet_preprocess`).
    cap : int, optional
        Pool every map output to at most ``cap`` features (:func:`pool_for_cap`).
    include_input : bool
        Also return the (preprocessed, pooled to ``cap``) input as layer ``"input"``.

    Raises
    ------
    ValueError
        For an unknown layer name (the message lists the model's submodules), a
        non-positive ``batch_size`` or ``cap``, or a layer whose output is not a tensor.
    """
    from .inputs import images_to_tensor

    wanted = _check_layers(model, layers)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
        raise ValueError(f"cap must be a positive int or None, got {cap!r}")
    modules = dict(model.named_modules())
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")

    if isinstance(images, np.ndarray):
        full = images_to_tensor(images)
        batches: Iterable[torch.Tensor] = (full[i:i + batch_size] for i in range(0, len(full), batch_size))
    elif isinstance(images, torch.Tensor):
        batches = (images[i:i + batch_size] for i in range(0, len(images), batch_size))
    else:
        batches = images

    def flat(name: str, y) -> np.ndarray:
        if isinstance(y, (tuple, list)):
            y = y[0]
        if not isinstance(y, torch.Tensor):
            raise ValueError(f"layer {name!r} returns {type(y).__name__}, not a tensor; pick another layer")
        if cap is not None and y.ndim == 4:
            size = pool_for_cap(tuple(y.shape[1:]), cap)
            if size is not None:
                y = F.adaptive_avg_pool2d(y, size)
        return y.flatten(1).to("cpu", torch.float32).numpy()

    out: dict[str, list[np.ndarray]] = {name: [] for name in (("input",) if include_input else ()) + wanted}
    current: dict[str, np.ndarray] = {}
    handles = [modules[name].register_forward_hook(
        lambda _m, _inp, y, name=name: current.__setitem__(name, flat(name, y))) for name in wanted]
    was_training = model.training
    model.eval()
    try:
        for batch in batches:
            x = batch.to(device=device, dtype=torch.float32)
            if preprocess is not None:
                x = preprocess(x)
            current.clear()
            model(x)
            if include_input:
                out["input"].append(flat("input", x))
            for name in wanted:
                if name not in current:
                    raise ValueError(f"layer {name!r} did not run in the forward pass; pick a layer that does")
                out[name].append(current[name])
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return {name: (np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)) for name, parts in out.items()}
