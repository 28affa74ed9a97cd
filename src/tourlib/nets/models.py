"""The article's networks, as sequences of named layers.

Every layer is a child module with a name, in order, so the output of any layer
can be taken by name (:mod:`tourlib.nets.capture`). Names count layers of one
kind from 1 (``conv1``, ``pool1``, ``relu1``, ``fc1``, ...); ``relu_logits``
is the ReLU the original MNIST network applies to its logits; ``softmax`` is
always last, so ``model(x)`` returns class probabilities.

MNIST and Fashion-MNIST (input 1×28×28)::

    conv1   5×5 conv 1→10        10×24×24
    pool1   2×2 max-pool         10×12×12
    relu1                        10×12×12
    conv2   5×5 conv 10→20       20×8×8
    pool2   2×2 max-pool         20×4×4
    relu2                        20×4×4   (= 320 features)
    fc1     linear 320→50        50
    relu3                        50
    fc2     linear 50→10         10
    relu_logits                  10       (only when logit_relu=True)
    softmax                      10

CIFAR-10 (input 3×32×32)::

    conv1   5×5 conv 3→10        10×28×28
    relu1                        10×28×28
    pool1   2×2 max-pool         10×14×14
    conv2   5×5 conv 10→20       20×10×10
    relu2                        20×10×10
    pool2   2×2 max-pool         20×5×5   (= 500 features)
    fc1     linear 500→120       120
    relu3                        120
    fc2     linear 120→84        84
    relu4                        84
    fc3     linear 84→10         10
    softmax                      10

A convolutional feature map is flattened channel-major (``C×H×W``, PyTorch's
order) where a linear layer first meets it, and whenever activations are
returned as row vectors.

Inputs are float32 ``N×C×H×W`` images with values in ``[0, 1]``; the model
first applies ``(x - input_mean) / input_std`` per channel, buffers that are
``0`` and ``1`` (no change) unless :meth:`LayeredNet.set_input_normalization`
sets them.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterator

import numpy as np
import torch
from torch import nn

from .config import architecture_of

__all__ = ["LayeredNet", "build_model", "layer_names", "IMAGE_SHAPES"]

# per-example input shape of each architecture, as the data loaders give it (H, W[, C])
IMAGE_SHAPES: dict[str, tuple[int, ...]] = {"mnist": (28, 28), "cifar10": (32, 32, 3)}


class LayeredNet(nn.Sequential):
    """A feed-forward network whose children are its named layers, softmax last.

    ``model.conv1``, ``model.fc2`` etc. are the layers themselves (their
    ``weight`` and ``bias`` are the learnt parameters). ``model(x)`` gives
    class probabilities; :meth:`logits` gives the softmax's input;
    :meth:`trace` yields every layer's output in order.
    """

    def __init__(self, layers: "OrderedDict[str, nn.Module]", in_channels: int, architecture: str):
        super().__init__(layers)
        if next(reversed(layers)) != "softmax":
            raise ValueError("the last layer of a LayeredNet must be named 'softmax'")
        self.architecture = architecture
        self.register_buffer("input_mean", torch.zeros(in_channels))
        self.register_buffer("input_std", torch.ones(in_channels))

    @property
    def layer_names(self) -> tuple[str, ...]:
        """The layer names in order (``"softmax"`` last)."""
        return tuple(name for name, _ in self.named_children())

    @property
    def logits_layer(self) -> str:
        """Name of the layer whose output the softmax takes (``relu_logits``, ``fc2`` or ``fc3``)."""
        return self.layer_names[-2]

    def set_input_normalization(self, mean, std) -> "LayeredNet":
        """Normalise inputs per channel, ``(x - mean_c) / std_c``, before the first layer.

        ``mean`` and ``std`` are sequences of one value per input channel (usually
        the training images' statistics, see :func:`tourlib.nets.inputs.channel_stats`).
        """
        mean = torch.as_tensor(np.asarray(mean, dtype=np.float32)).reshape(-1)
        std = torch.as_tensor(np.asarray(std, dtype=np.float32)).reshape(-1)
        if mean.shape != self.input_mean.shape or std.shape != self.input_std.shape:
            raise ValueError(f"need {len(self.input_mean)} mean and std values (one per input "
                             f"channel), got {len(mean)} and {len(std)}")
        if not torch.all(std > 0):
            raise ValueError("input std must be positive in every channel")
        self.input_mean.copy_(mean)
        self.input_std.copy_(std)
        return self

    def _normalize(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 4 or x.shape[1] != len(self.input_mean):
            raise ValueError(f"input must be a float tensor N×{len(self.input_mean)}×H×W, "
                             f"got shape {tuple(x.shape)}; convert uint8 images with "
                             "tourlib.nets.inputs.images_to_tensor")
        return (x - self.input_mean[:, None, None]) / self.input_std[:, None, None]

    def trace(self, x: torch.Tensor) -> Iterator[tuple[str, torch.Tensor]]:
        """Yield ``(name, output)`` for every layer in order (outputs keep their N×C×H×W shape)."""
        x = self._normalize(x)
        for name, layer in self.named_children():
            if isinstance(layer, nn.Linear) and x.ndim > 2:
                x = x.flatten(1)
            x = layer(x)
            yield name, x

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """The softmax's input, N×10 (after ``relu_logits`` when the network has it)."""
        x = self._normalize(x)
        for name, layer in self.named_children():
            if name == "softmax":
                return x
            if isinstance(layer, nn.Linear) and x.ndim > 2:
                x = x.flatten(1)
            x = layer(x)
        raise AssertionError("unreachable: a LayeredNet ends with softmax")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class probabilities, N×10 (rows sum to 1)."""
        return torch.softmax(self.logits(x), dim=1)


# Layer specifications: (name, constructor, arguments). Kept declarative so the
# names can be listed without building (and randomly initialising) a network.
_Spec = list[tuple[str, type, tuple]]


def _mnist_spec(logit_relu: bool) -> _Spec:
    spec = [
        ("conv1", nn.Conv2d, (1, 10, 5)),
        ("pool1", nn.MaxPool2d, (2,)),
        ("relu1", nn.ReLU, ()),
        ("conv2", nn.Conv2d, (10, 20, 5)),
        ("pool2", nn.MaxPool2d, (2,)),
        ("relu2", nn.ReLU, ()),
        ("fc1", nn.Linear, (320, 50)),
        ("relu3", nn.ReLU, ()),
        ("fc2", nn.Linear, (50, 10)),
    ]
    if logit_relu:
        spec.append(("relu_logits", nn.ReLU, ()))
    spec.append(("softmax", nn.Softmax, (1,)))
    return spec


def _cifar10_spec() -> _Spec:
    return [
        ("conv1", nn.Conv2d, (3, 10, 5)),
        ("relu1", nn.ReLU, ()),
        ("pool1", nn.MaxPool2d, (2,)),
        ("conv2", nn.Conv2d, (10, 20, 5)),
        ("relu2", nn.ReLU, ()),
        ("pool2", nn.MaxPool2d, (2,)),
        ("fc1", nn.Linear, (500, 120)),
        ("relu3", nn.ReLU, ()),
        ("fc2", nn.Linear, (120, 84)),
        ("relu4", nn.ReLU, ()),
        ("fc3", nn.Linear, (84, 10)),
        ("softmax", nn.Softmax, (1,)),
    ]


def _spec(dataset: str, logit_relu: bool) -> tuple[str, _Spec]:
    arch = architecture_of(dataset)
    return arch, (_mnist_spec(bool(logit_relu)) if arch == "mnist" else _cifar10_spec())


def build_model(dataset: str, logit_relu: bool = True, *, seed: int) -> LayeredNet:
    """The article's network for ``dataset``, with weights initialised from ``seed``.

    Parameters
    ----------
    dataset : str
        ``"mnist"``, ``"fashion-mnist"`` (same network) or ``"cifar10"``.
    logit_relu : bool
        MNIST networks only: keep the original network's ReLU on the logits
        (layer ``relu_logits``). ``False`` builds the ablation without it. The
        CIFAR-10 network never has one; asking for ``False`` there is allowed
        and changes nothing.
    seed : int
        Seeds PyTorch's default initialisation. The global random state is
        left untouched (the seed is applied in a forked RNG).

    Raises
    ------
    ValueError
        For an unknown data set or a seed that is not a non-negative int.
    """
    arch, spec = _spec(dataset, logit_relu)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        layers = OrderedDict((name, make(*args)) for name, make, args in spec)
    in_channels = 1 if len(IMAGE_SHAPES[arch]) == 2 else IMAGE_SHAPES[arch][-1]
    return LayeredNet(layers, in_channels=in_channels, architecture=arch)


def layer_names(dataset: str, logit_relu: bool = True) -> tuple[str, ...]:
    """The layer names of ``dataset``'s network, in order, without building it."""
    return tuple(name for name, _, _ in _spec(dataset, logit_relu)[1])
