"""One image's activations through a network, layer by layer, at one or several epochs.

:func:`open_network` runs an image through each network (e.g. one per epoch, same architecture) and
returns an :class:`OpenedNetwork`: the layer names, their kinds (``"linear"``: Conv2d, Linear;
``"component-wise"``: ReLU and other element-wise maps; ``"other"``: pooling, softmax), the shape of
every activation (the input first, ``C×H×W`` or ``(F,)``), and per epoch the activations (input
pixels in [0, 1] first, each flattened) and the class probabilities (the last layer's output).
:func:`tourlib.viz.network_figure.network_figure` draws it without needing PyTorch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["OpenedNetwork", "open_network", "layer_kind"]


@dataclass(frozen=True)
class OpenedNetwork:
    """See the module docstring. ``activations[e][j]`` is activation ``j`` (0 = input) at epoch ``e``."""

    names: list
    kinds: list
    shapes: list
    activations: list
    probabilities: list

    def __post_init__(self):
        if not self.activations:
            raise ValueError("an opened network needs activations for at least one epoch")
        n = len(self.names) + 1
        if len(self.kinds) != len(self.names) or len(self.shapes) != n:
            raise ValueError(f"{len(self.names)} layers need {len(self.names)} kinds and {n} shapes "
                             f"(input first), got {len(self.kinds)} and {len(self.shapes)}")
        for e, acts in enumerate(self.activations):
            if len(acts) != n:
                raise ValueError(f"epoch {e} has {len(acts)} activations; expected {n} (input + layers)")
            for j, (a, s) in enumerate(zip(acts, self.shapes)):
                if np.asarray(a).size != int(np.prod(s)):
                    raise ValueError(f"epoch {e}, activation {j}: {np.asarray(a).size} values for shape {s}")
        if len(self.probabilities) != len(self.activations):
            raise ValueError("one probability vector per epoch is needed")

    @property
    def n_epochs(self) -> int:
        return len(self.activations)


def layer_kind(module) -> str:
    """``"linear"`` (Conv2d, Linear), ``"component-wise"`` (element-wise activations) or ``"other"``."""
    from torch import nn

    if isinstance(module, (nn.Conv2d, nn.Linear)):
        return "linear"
    if isinstance(module, (nn.ReLU, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.ELU, nn.GELU)):
        return "component-wise"
    return "other"


def open_network(models, image: np.ndarray) -> OpenedNetwork:
    """``image`` (uint8, H×W or H×W×3) through each of ``models`` (a :class:`~tourlib.nets.LayeredNet`
    or a list of them with one architecture)."""
    from .capture import layer_activations, layer_shapes

    nets = list(models) if isinstance(models, (list, tuple)) else [models]
    if not nets:
        raise ValueError("models is empty; give a network or a list of networks")
    img = np.asarray(image)
    if img.dtype != np.uint8 or img.ndim not in (2, 3):
        raise ValueError(f"image must be uint8 H×W or H×W×3, got {img.dtype} {img.shape}")
    shapes = layer_shapes(nets[0])
    names = list(shapes)
    kinds = [layer_kind(getattr(nets[0], n)) for n in names]
    in_shape = (1, *img.shape) if img.ndim == 2 else (img.shape[2], img.shape[0], img.shape[1])
    x = img.astype(np.float64) / 255.0
    x = (x if img.ndim == 2 else np.moveaxis(x, 2, 0)).reshape(-1)
    acts, probs = [], []
    for net in nets:
        net.eval()
        a = layer_activations(net, img[None], layers="all")
        acts.append([x] + [np.asarray(a[n][0]) for n in names])
        probs.append(np.asarray(a[names[-1]][0], dtype=np.float64))
    return OpenedNetwork(names=names, kinds=kinds, shapes=[in_shape] + [tuple(shapes[n]) for n in names],
                         activations=acts, probabilities=probs)
