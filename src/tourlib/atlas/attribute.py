"""Attribution of an activation vector to every class logit: ``a_c = h · ∇_h z_c``.

For image ``i``, layer output ``Y`` (``C×H×W``) and the collected position ``p``, let
``h = Y[:, p]`` and ``z_c`` the class-``c`` logit (the softmax's input). The
attribution is the first-order (linear) approximation of how much ``h`` contributes to
``z_c``: ``a_c = Σ_k h_k ∂z_c/∂h_k``. It is exact when the layers after ``h`` are linear
(``z = W h + b`` gives ``a_c = z_c − b_c``); for the non-linear layers after a hidden
layer it is the linear approximation the Activation Atlas article uses, with every
max-pool's gradient relaxed to average pooling's (:mod:`tourlib.atlas.relax`).

How it is computed: ``a = J t`` with ``J = ∂z/∂Y`` and ``t`` the tangent that is ``h``
at position ``p`` and zero elsewhere, so one forward-mode pass
(:mod:`torch.autograd.forward_ad`: the hook makes ``Y`` a dual tensor ``(Y, t)``)
gives all ``K`` attributions at once, instead of ``K`` backward passes. In evaluation
mode the images of a batch do not interact, so each image's tangent stays its own.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD

from ..nets.inputs import images_to_tensor
from .collect import Activations
from .relax import relaxed_max_pooling

__all__ = ["attribute", "logits_of"]


def logits_of(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The class logits: ``model.logits(x)`` for a :class:`LayeredNet`, else ``model(x)``."""
    return model.logits(x) if hasattr(model, "logits") else model(x)


def attribute(model: torch.nn.Module, images: np.ndarray, acts: Activations, *, relax: bool = True,
              batch_size: int = 100) -> np.ndarray:
    """``N×K`` attributions of the collected activations ``acts`` to each of the ``K`` class logits.

    ``images`` are the images ``acts`` was collected from (``acts.image`` indexes them).
    ``relax=False`` keeps max-pooling's true derivative.
    """
    modules = dict(model.named_modules())
    if acts.layer not in modules:
        raise ValueError(f"layer {acts.layer!r} is not a submodule of this model")
    if len(acts.image) and (acts.image.max() >= len(images) or acts.image.min() < 0):
        raise ValueError(f"acts index {acts.image.max() + 1} images but {len(images)} were given: "
                         "pass the images the activations were collected from")
    model.eval()
    device = next(model.parameters()).device
    out = None              # filled in place: appending small rows per batch fragments the heap
    batch = {}

    def as_dual(_m, _i, y):
        y = y.detach()
        tangent = torch.zeros_like(y)
        if y.ndim == 4:
            rows, ys, xs = batch["rows"], batch["ys"], batch["xs"]
            tangent[rows, :, ys, xs] = y[rows, :, ys, xs]
        else:
            tangent = y.clone()
        return fwAD.make_dual(y, tangent)

    handle = modules[acts.layer].register_forward_hook(as_dual)
    ctx = relaxed_max_pooling(model) if relax else contextlib.nullcontext()
    try:
        with ctx, torch.no_grad(), fwAD.dual_level():
            for start in range(0, len(acts.values), batch_size):
                sl = slice(start, start + batch_size)
                x = images_to_tensor(images[acts.image[sl]], device)
                pos = acts.positions[sl]
                batch.update(rows=torch.arange(len(x)), ys=torch.from_numpy(pos[:, 0]),
                             xs=torch.from_numpy(pos[:, 1]))
                z = logits_of(model, x)
                tangent = fwAD.unpack_dual(z).tangent
                if tangent is None:
                    raise ValueError(f"the logits do not depend on layer {acts.layer!r}")
                if out is None:
                    out = np.empty((len(acts.values), tangent.shape[1]), np.float32)
                out[sl] = tangent.cpu().numpy()
    finally:
        handle.remove()
    if out is None:
        raise ValueError("no activations to attribute: acts is empty")
    return out
