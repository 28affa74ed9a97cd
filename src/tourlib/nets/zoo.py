"""The book's CIFAR-10 model zoo: two networks that differ in kind, with named layers.

Both are :class:`~tourlib.nets.models.LayeredNet` s (a sequence of named child
modules, ``softmax`` last), so every tool that takes a layer by name works on
them: :func:`~tourlib.nets.capture.layer_activations`, the hooks of
:mod:`tourlib.nets.hooks`, feature visualisation and atlases.

``cifar-vgg``, a plain stack (no skip connections), 1.15 M parameters::

    conv1   3×3 conv 3→64,    BN, ReLU    64×32×32
    pool1   2×2 max-pool                  64×16×16
    conv2   3×3 conv 64→64,   BN, ReLU    64×16×16
    conv3   3×3 conv 64→128,  BN, ReLU   128×16×16
    pool2   2×2 max-pool                 128×8×8
    conv4   3×3 conv 128→128, BN, ReLU   128×8×8
    conv5   3×3 conv 128→256, BN, ReLU   256×8×8
    pool3   2×2 max-pool                 256×4×4
    conv6   3×3 conv 256→256, BN, ReLU   256×4×4
    pool4   global max-pool              256
    fc      linear 256→10                 10
    softmax                               10

``cifar-resnet``, a residual network (each ``blockK`` computes
``relu(F(x) + S(x))`` with ``F`` two 3×3 conv–BN layers and ``S`` the identity
or a strided 1×1 conv–BN where the shape changes), 0.60 M parameters::

    stem    3×3 conv 3→32, BN, ReLU       32×32×32
    block1  residual 32→32                32×32×32
    block2  residual 32→64, stride 2      64×16×16
    block3  residual 64→128, stride 2    128×8×8
    block4  residual 128→128             128×8×8
    pool    global average pool          128
    fc      linear 128→10                 10
    softmax                               10

A ``convK`` / ``stem`` / ``blockK`` output is taken after its ReLU. Inputs are
``[0, 1]`` images normalised inside the model by the training set's channel
statistics (:meth:`LayeredNet.set_input_normalization`).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import torch
from torch import nn

from .models import LayeredNet

__all__ = ["ZOO", "zoo_names", "build_zoo_model", "ConvBNReLU", "ResidualBlock", "GlobalPool"]


class ConvBNReLU(nn.Sequential):
    """``relu(BN(conv3×3(x)))``: one named layer of the plain stack."""

    def __init__(self, c_in: int, c_out: int, stride: int = 1):
        super().__init__(OrderedDict([
            ("conv", nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)),
            ("bn", nn.BatchNorm2d(c_out)),
            ("relu", nn.ReLU()),
        ]))


class ResidualBlock(nn.Module):
    """``relu(F(x) + S(x))`` with ``F = BN∘conv∘relu∘BN∘conv`` and ``S`` the identity or a 1×1 projection."""

    def __init__(self, c_in: int, c_out: int, stride: int = 1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        if stride == 1 and c_in == c_out:
            self.shortcut = nn.Identity()
        else:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class GlobalPool(nn.Module):
    """Global max or average pool over the spatial positions: ``N×C×H×W → N×C``."""

    def __init__(self, kind: str):
        super().__init__()
        if kind not in ("max", "avg"):
            raise ValueError(f"kind must be 'max' or 'avg', got {kind!r}")
        self.kind = kind

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.amax(dim=(2, 3)) if self.kind == "max" else x.mean(dim=(2, 3))

    def extra_repr(self) -> str:
        return self.kind


def _vgg() -> "OrderedDict[str, nn.Module]":
    return OrderedDict([
        ("conv1", ConvBNReLU(3, 64)), ("pool1", nn.MaxPool2d(2)),
        ("conv2", ConvBNReLU(64, 64)),
        ("conv3", ConvBNReLU(64, 128)), ("pool2", nn.MaxPool2d(2)),
        ("conv4", ConvBNReLU(128, 128)),
        ("conv5", ConvBNReLU(128, 256)), ("pool3", nn.MaxPool2d(2)),
        ("conv6", ConvBNReLU(256, 256)),
        ("pool4", GlobalPool("max")),
        ("fc", nn.Linear(256, 10)),
        ("softmax", nn.Softmax(dim=1)),
    ])


def _resnet() -> "OrderedDict[str, nn.Module]":
    return OrderedDict([
        ("stem", ConvBNReLU(3, 32)),
        ("block1", ResidualBlock(32, 32)),
        ("block2", ResidualBlock(32, 64, stride=2)),
        ("block3", ResidualBlock(64, 128, stride=2)),
        ("block4", ResidualBlock(128, 128)),
        ("pool", GlobalPool("avg")),
        ("fc", nn.Linear(128, 10)),
        ("softmax", nn.Softmax(dim=1)),
    ])


# name -> (layers, one-line description)
ZOO = {
    "cifar-vgg": (_vgg, "plain VGG-style stack: six 3×3 conv–BN–ReLU layers, max-pooling, one linear layer"),
    "cifar-resnet": (_resnet, "residual network: a stem and four residual blocks, average pooling, one linear layer"),
}


def zoo_names() -> tuple[str, ...]:
    """The zoo's model names: ``cifar-vgg``, ``cifar-resnet``."""
    return tuple(ZOO)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or name not in ZOO:
        raise ValueError(f"unknown zoo model {name!r}; choose one of {', '.join(ZOO)}")
    return name


def build_zoo_model(name: str, *, seed: int) -> LayeredNet:
    """A freshly initialised zoo network (weights drawn from ``seed``; the global RNG is untouched).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the zoo) or a seed that is not a non-negative int.
    """
    _check_name(name)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(seed))
        layers = ZOO[name][0]()
    model = LayeredNet(layers, in_channels=3, architecture="cifar10")
    model.zoo_name = name
    return model
