"""Attribution of an activation vector to every class logit: ``a_c = h · ∇_h z_c``.

For image ``i``, layer output ``Y`` (``C×H×W``) and the collected position ``p``, let
``h = Y[:, p]`` and ``z_c`` the class-``c`` logit (the softmax's input). The
attribution is the first-order (linear) approximation of how much ``h`` contributes to
``z_c``: ``a_c = Σ_k h_k ∂z_c/∂h_k``. It is exact when the layers after ``h`` are linear
(``z = W h + b`` gives ``a_c = z_c − b_c``); for the non-linear layers after a hidden
layer it is the linear approximation the Activation Atlas article uses, with every
max-pool's gradient relaxed to average pooling's (:mod:`tourlib.atlas.relax`).

The gradient is taken with respect to the layer's output (a forward hook replaces it
by a leaf tensor), one backward pass per class over a batch; in evaluation mode the
images of a batch do not interact, so the batch sum's gradient is each image's own.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch

from ..nets.inputs import images_to_tensor
from .collect import Activations
from .relax import relaxed_max_pooling

__all__ = ["attribute", "logits_of"]


def logits_of(model: torch.nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The class logits: ``model.logits(x)`` for a :class:`LayeredNet`, else ``model(x)``."""
    return model.logits(x) if hasattr(model, "logits") else model(x)


def attribute(model: torch.nn.Module, images: np.ndarray, acts: Activations, *, relax: bool = True,
              batch_size: int = 250) -> np.ndarray:
    """``N×K`` attributions of the collected activations ``acts`` to each of the ``K`` class logits.

    ``images`` are the images ``acts`` was collected from (``acts.image`` indexes them).
    ``relax=False`` keeps max-pooling's true gradient.
    """
    modules = dict(model.named_modules())
    if acts.layer not in modules:
        raise ValueError(f"layer {acts.layer!r} is not a submodule of this model")
    model.eval()
    device = next(model.parameters()).device
    out = []
    leaf = {}

    def swap(_m, _i, y):
        y = y.detach().requires_grad_(True)
        leaf["y"] = y
        return y

    handle = modules[acts.layer].register_forward_hook(swap)
    ctx = relaxed_max_pooling(model) if relax else contextlib.nullcontext()
    try:
        with ctx:
            for start in range(0, len(acts.values), batch_size):
                sl = slice(start, start + batch_size)
                x = images_to_tensor(images[acts.image[sl]], device)
                z = logits_of(model, x)
                y = leaf["y"]
                pos = acts.positions[sl]
                rows = torch.arange(len(x))
                if y.ndim == 4:
                    h = y[rows, :, torch.from_numpy(pos[:, 0]), torch.from_numpy(pos[:, 1])]
                else:
                    h = y
                per_class = []
                for c in range(z.shape[1]):
                    (g,) = torch.autograd.grad(z[:, c].sum(), y, retain_graph=c < z.shape[1] - 1)
                    g = g[rows, :, torch.from_numpy(pos[:, 0]), torch.from_numpy(pos[:, 1])] if y.ndim == 4 else g
                    per_class.append((h * g).sum(dim=1))
                out.append(torch.stack(per_class, dim=1).detach().cpu().numpy())
    finally:
        handle.remove()
    return np.concatenate(out).astype(np.float32)

