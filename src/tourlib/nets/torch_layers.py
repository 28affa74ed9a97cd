"""A sequential PyTorch model described as :mod:`tourlib.align` layers (the torch adapter).

:func:`layers_from_torch` walks the model's children in order and returns the list of
:class:`~tourlib.align.Dense`, :class:`~tourlib.align.Conv2d`, pooling, component-wise and softmax
layers that :func:`tourlib.align.align_network` and :func:`tourlib.align.layer_sequence` take. It
lives here, beside the networks, so that :mod:`tourlib.align` is plain linear algebra on arrays.
"""

from __future__ import annotations

import copy
from typing import Callable

import numpy as np
import torch
from torch import nn

from ..align.checks import as_shape
from ..align.layers import AvgPool2d, Componentwise, Conv2d, Dense, MaxPool2d, Softmax, _window

__all__ = ["layers_from_torch"]


# --- PyTorch models -------------------------------------------------------------------

_ELEMENTWISE = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.SELU, nn.CELU, nn.GELU, nn.SiLU,
                nn.Sigmoid, nn.Tanh, nn.Softplus, nn.Hardtanh, nn.Hardsigmoid, nn.Hardswish,
                nn.Mish, nn.PReLU)
_SKIP = (nn.Dropout, nn.Dropout2d, nn.Identity, nn.Flatten)
_SUPPORTED = (nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.BatchNorm1d, nn.BatchNorm2d,
              nn.Softmax, nn.LogSoftmax) + _ELEMENTWISE + _SKIP


def _torch_elementwise(module: nn.Module, shape) -> Callable:
    mod = copy.deepcopy(module).double().eval()

    def fn(X):
        with torch.no_grad():
            return mod(torch.from_numpy(X).reshape(len(X), *shape)).reshape(len(X), -1).numpy()
    return fn


def _batchnorm_fn(module, shape) -> Callable:
    """Eval-mode BatchNorm: y = x·a_c + c_c per coordinate (running statistics)."""
    var = module.running_var.detach().double().numpy()
    mean = module.running_mean.detach().double().numpy()
    a = 1.0 / np.sqrt(var + module.eps)
    if module.affine:
        a = a * module.weight.detach().double().numpy()
        c = module.bias.detach().double().numpy() - mean * a
    else:
        c = -mean * a
    per = int(np.prod(shape)) // len(a)
    a_full, c_full = np.repeat(a, per), np.repeat(c, per)
    return lambda X: X * a_full + c_full


def _input_normalization(model: nn.Module, shape) -> list:
    """A leading per-channel ``(x − mean_c) / std_c`` from ``input_mean`` / ``input_std`` buffers
    (how :class:`tourlib.nets.LayeredNet` normalises inside ``forward``); none if absent or identity."""
    mean, std = getattr(model, "input_mean", None), getattr(model, "input_std", None)
    if not isinstance(mean, torch.Tensor) or not isinstance(std, torch.Tensor):
        return []
    m, sd = mean.detach().double().numpy().reshape(-1), std.detach().double().numpy().reshape(-1)
    if np.all(m == 0) and np.all(sd == 1):
        return []
    per = int(np.prod(shape)) // len(m)
    m_full, sd_full = np.repeat(m, per), np.repeat(sd, per)
    return [Componentwise(lambda X: (X - m_full) / sd_full, name="input_normalization")]



def _check_fits(name: str, module: nn.Module, shape: tuple, in_shape) -> None:
    """Raise a ``ValueError`` naming the layer when ``module`` cannot take an activation of ``shape``."""
    fix = f"check in_shape={tuple(in_shape)} and the layer before it"
    if isinstance(module, nn.Linear) and int(np.prod(shape)) != module.in_features:
        raise ValueError(f"layer {name!r}: Linear takes {module.in_features} input features but the activation reaching "
                         f"it has {int(np.prod(shape))} (shape {shape}); {fix}")
    if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.BatchNorm2d)) and len(shape) != 3:
        raise ValueError(f"layer {name!r}: {type(module).__name__} needs a C×H×W feature map, but the activation reaching "
                         f"it has shape {shape}; {fix}")
    want = (module.in_channels if isinstance(module, nn.Conv2d)
            else module.num_features if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) else None)
    if want is not None and shape[0] != want:
        raise ValueError(f"layer {name!r}: {type(module).__name__} expects {want} input channels but the activation "
                         f"reaching it has {shape[0]} (shape {shape}); {fix}")
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        kind = type(module).__name__
        _window(module.kernel_size, "kernel_size", f"layer {name!r}: {kind}")
        if module.stride is not None and module.stride != []:
            _window(module.stride, "stride", f"layer {name!r}: {kind}")


def layers_from_torch(model: nn.Module, in_shape, *, conv_method: str = "auto") -> list:
    """Describe a sequential PyTorch model (``nn.Sequential`` or a module whose children run
    in order) as a list of tourlib layers, tracking the activation shape from ``in_shape``
    (the shape of one input, e.g. ``(1, 28, 28)``).

    Supported: Linear, Conv2d, MaxPool2d, AvgPool2d (stride = kernel), element-wise
    activations, BatchNorm (eval statistics), Softmax / LogSoftmax over features; Flatten,
    Dropout and Identity are skipped (no-ops on flattened rows in eval mode), and a Linear
    layer meeting a feature map flattens it (as :class:`tourlib.nets.LayeredNet` does). A model
    with ``input_mean`` / ``input_std`` buffers gets a leading component-wise
    ``input_normalization`` layer unless they are 0 and 1. Layer names are the children's
    names. Anything else raises ``TypeError`` naming the module.
    """
    shape = as_shape(in_shape, ndim=len(tuple(in_shape))) if isinstance(in_shape, (tuple, list)) else in_shape
    shape = tuple(int(s) for s in shape)
    layers = []

    def visit(name, module):
        nonlocal shape
        if isinstance(module, nn.Sequential):
            for child_name, child in module.named_children():
                visit(f"{name}.{child_name}" if name else child_name, child)
            return
        if isinstance(module, nn.Linear) and len(shape) > 1:
            shape = (int(np.prod(shape)),)  # a linear layer meeting a feature map flattens it (C×H×W)
        if not isinstance(module, _SUPPORTED):
            raise TypeError(f"{name}: no alignment is known for {type(module).__name__}; "
                            "describe it with tourlib.align.layers (Dense, Componentwise, …)")
        _check_fits(name, module, shape, in_shape)
        try:
            with torch.no_grad():
                dtype = next((p.dtype for p in module.parameters()), torch.float32)
                out_shape = tuple(module(torch.zeros(1, *shape, dtype=dtype)).shape[1:])
        except RuntimeError as exc:
            raise ValueError(f"layer {name!r}: {type(module).__name__} cannot take the activation of shape {shape} that "
                             f"reaches it ({exc}); check in_shape={tuple(in_shape)} and the layer before it") from exc
        if isinstance(module, nn.Linear):
            layers.append(Dense(module.weight.detach().double().numpy().T,
                                None if module.bias is None else module.bias.detach().double().numpy(),
                                name=name))
        elif isinstance(module, nn.Conv2d):
            layers.append(Conv2d(module.weight.detach().double().numpy(),
                                 None if module.bias is None else module.bias.detach().double().numpy(),
                                 shape, stride=module.stride, padding=module.padding,
                                 dilation=module.dilation, groups=module.groups,
                                 padding_mode=module.padding_mode, method=conv_method, name=name))
        elif isinstance(module, nn.MaxPool2d):
            if module.padding not in (0, (0, 0)) or module.dilation not in (1, (1, 1)) or module.ceil_mode:
                raise TypeError(f"{name}: MaxPool2d with padding, dilation or ceil_mode is not supported")
            layers.append(MaxPool2d(module.kernel_size, shape, module.stride, name=name))
        elif isinstance(module, nn.AvgPool2d):
            if module.stride not in (module.kernel_size, None) or module.padding not in (0, (0, 0)):
                raise TypeError(f"{name}: only non-overlapping AvgPool2d without padding is supported")
            layers.append(AvgPool2d(module.kernel_size, shape, name=name))
        elif isinstance(module, _ELEMENTWISE):
            layers.append(Componentwise(_torch_elementwise(module, shape), name=name))
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            layers.append(Componentwise(_batchnorm_fn(module, shape), name=name))
        elif isinstance(module, (nn.Softmax, nn.LogSoftmax)):
            if module.dim not in (1, -1) or len(shape) != 1:
                raise TypeError(f"{name}: softmax must run over the features of flat rows (dim=1)")
            layers.append(Softmax(log=isinstance(module, nn.LogSoftmax), name=name))
        shape = out_shape

    was_training = model.training
    model.eval()
    layers.extend(_input_normalization(model, shape))
    try:
        children = list(model.named_children())
        if isinstance(model, nn.Sequential) or children:
            for child_name, child in children:
                visit(child_name, child)
        else:
            visit(type(model).__name__.lower(), model)
    finally:
        model.train(was_training)
    return layers
