"""Layer descriptions that know how to run themselves and how to be aligned.

Every layer works on rows: ``forward(X)`` takes N×p activations (feature maps
flattened in C×H×W order) and returns N×r, in float64; ``alignment(p)`` returns the
:class:`~tourlib.align.transition.Alignment` (bases on both sides) used by
:func:`~tourlib.align.transition.layer_transition`.

=================  ============================================================  ===========
layer              alignment                                                     kind
=================  ============================================================  ===========
``Dense``          SVD of M: ``X U → Y V = X U Σ + b V`` (bias rotated by V)       linear
``Conv2d``         the same, M = the convolution's matrix (dense or FFT SVD)     conv
``AvgPool2d``      closed-form SVD of non-overlapping average pooling            linear
``MaxPool2d``      the article's average-pooling surrogate (see ``pooling``)     maxpool
``Componentwise``  raw basis (U = V = I): the map acts per coordinate            componentwise
``Softmax``        raw basis, the class axes shared by both sides                softmax
=================  ============================================================  ===========

:func:`layers_from_torch` turns a sequential PyTorch model into this list.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np
import scipy.special
import torch
from torch import nn

from .basis import CoordinateEmbedding, IdentityBasis
from .checks import as_matrix, as_rows, as_shape
from .conv_matrix import DENSE_MAX_ENTRIES, ConvGeometry, conv_forward, conv_geometry, conv_matrix
from .conv_svd import ConvSVD
from .pooling import PoolWindowBasis, maxpool_alignment, maxpool_forward
from .svd_align import dense_alignment
from .transition import Alignment

__all__ = [
    "Dense", "Conv2d", "AvgPool2d", "MaxPool2d", "Componentwise", "Softmax", "relu",
    "layers_from_torch", "AUTO_DENSE_MAX_FLOPS",
]

#: ``method="auto"`` convolutions use the (exact) dense SVD when its cost, about
#: min(p, r)²·max(p, r) flops, is at most this (≈ 2–5 s on one core), the FFT SVD otherwise.
#: Measured on the article's networks (one core, shared machine): MNIST conv1 (784 → 5,760)
#: dense in 1.6 s; CIFAR-10 conv1 (3,072 → 7,840, 7.4e10 flops) dense in 49 s, so "auto"
#: gives it the FFT SVD, whose 'valid' padding leaves the transition 58 % away from a pure
#: scaling; pass ``conv_method="dense"`` there when exactness is worth the minute.
AUTO_DENSE_MAX_FLOPS = 2e10


def _window(value, what: str, layer: str) -> tuple[int, int]:
    """A pooling ``kernel`` / ``stride``: a positive int or a pair of positive ints, as ``(h, w)``."""
    pair = (value, value) if np.isscalar(value) else tuple(value) if isinstance(value, (tuple, list)) else None
    if (pair is None or len(pair) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 1 for v in pair)):
        raise ValueError(f"{layer} {what} must be a positive int or a pair of positive ints (height, width), "
                         f"got {value!r}; e.g. {what}=2 for 2×2 windows")
    return int(pair[0]), int(pair[1])


def _check_in_dim(layer, in_dim):
    if in_dim != layer.in_dim:
        raise ValueError(f"{type(layer).__name__} takes {layer.in_dim} inputs, got {in_dim}")


@dataclass(eq=False)
class Dense:
    """Fully connected layer ``Y = X M + b`` (row vectors; ``M`` is p×r, so for a
    ``torch.nn.Linear`` with weight W (r×p), ``M = Wᵀ``)."""

    M: np.ndarray
    b: np.ndarray | None = None
    name: str = ""

    def __post_init__(self):
        self.M = as_matrix(self.M, "M")
        if self.b is not None:
            self.b = np.asarray(self.b, dtype=np.float64).reshape(-1)
            if self.b.shape != (self.M.shape[1],):
                raise ValueError(f"b must have {self.M.shape[1]} entries (one per output), got {self.b.size}")

    @property
    def in_dim(self):
        return self.M.shape[0]

    @property
    def out_dim(self):
        return self.M.shape[1]

    def forward(self, X):
        Y = as_rows(X, "X", width=self.in_dim) @ self.M
        return Y if self.b is None else Y + self.b

    @cached_property
    def _alignment(self):
        return dense_alignment(self.M, self.b)

    def alignment(self, in_dim=None):
        if in_dim is not None:
            _check_in_dim(self, in_dim)
        return self._alignment


@dataclass(eq=False)
class Conv2d:
    """2-D convolution (PyTorch conventions, see :mod:`tourlib.align.conv_matrix`).

    ``method``: ``"dense"`` builds the explicit matrix and takes its SVD (exact for any
    padding, stride, dilation, groups; small layers only); ``"fft"`` uses
    :class:`~tourlib.align.conv_svd.ConvSVD` (stride 1; exact for circular padding,
    circular approximation for zero padding, see there); ``"auto"`` picks dense when its
    SVD is cheap (:data:`AUTO_DENSE_MAX_FLOPS`), FFT otherwise.
    """

    weight: np.ndarray
    bias: np.ndarray | None
    in_shape: tuple
    stride: int | tuple = 1
    padding: int | tuple | str = 0
    dilation: int | tuple = 1
    groups: int = 1
    padding_mode: str = "zeros"
    method: str = "auto"
    name: str = ""
    geom: ConvGeometry = field(init=False, repr=False)

    def __post_init__(self):
        self.weight = np.asarray(self.weight, dtype=np.float64)
        if not np.all(np.isfinite(self.weight)):
            raise ValueError("conv weight contains NaN or infinite values")
        self.in_shape = as_shape(self.in_shape)
        self.geom = conv_geometry(self.weight.shape, self.in_shape, stride=self.stride,
                                  padding=self.padding, dilation=self.dilation,
                                  groups=self.groups, padding_mode=self.padding_mode)
        if self.bias is not None:
            self.bias = np.asarray(self.bias, dtype=np.float64).reshape(-1)
            if self.bias.shape != (self.weight.shape[0],):
                raise ValueError(f"bias must have C_out={self.weight.shape[0]} entries, got {self.bias.size}")
        if self.method not in ("auto", "dense", "fft"):
            raise ValueError(f"method must be 'auto', 'dense' or 'fft', got {self.method!r}")

    @property
    def in_dim(self):
        return self.geom.in_dim

    @property
    def out_dim(self):
        return self.geom.out_dim

    @property
    def out_shape(self):
        return self.geom.out_shape

    def forward(self, X):
        return conv_forward(X, self.weight, self.bias, self.geom)

    def resolved_method(self) -> str:
        """``method``, with "auto" resolved (see :data:`AUTO_DENSE_MAX_FLOPS`)."""
        if self.method != "auto":
            return self.method
        p, r = self.in_dim, self.out_dim
        cheap = min(p, r) ** 2 * max(p, r) <= AUTO_DENSE_MAX_FLOPS and p * r <= DENSE_MAX_ENTRIES
        return "dense" if cheap or self.geom.stride != (1, 1) else "fft"

    @cached_property
    def _alignment(self) -> Alignment:
        if self.resolved_method() == "dense":
            return dense_alignment(conv_matrix(self.weight, self.geom), None if self.bias is None
                                   else np.repeat(self.bias, self.out_dim // len(self.bias)), kind="conv")
        g = self.geom
        if g.stride != (1, 1):
            raise ValueError("method='fft' needs stride 1 (one DFT does not block-diagonalise a "
                             "strided convolution); use method='dense' for this layer")
        C, H, W = g.in_shape
        c_out, Ho, Wo = g.out_shape
        if Ho > H or Wo > W:
            raise ValueError(f"method='fft' cannot represent an output ({Ho}×{Wo}) larger than the "
                             f"input ({H}×{W}); use method='dense'")
        svd = ConvSVD(self.weight, g.in_shape, offset=(g.pad[0], g.pad[2]), dilation=g.dilation,
                      groups=g.groups)
        embedding = None
        if (Ho, Wo) != (H, W):  # 'valid'-like: the output is the circular output, cropped
            pos = np.zeros((c_out, H, W), dtype=bool)
            pos[:, :Ho, :Wo] = True
            embedding = CoordinateEmbedding(np.flatnonzero(pos.ravel()), c_out * H * W)
        exact = g.padding_mode == "circular" and embedding is None
        return svd.alignment(self.bias, out_embedding=embedding, exact=exact)

    def alignment(self, in_dim=None):
        if in_dim is not None:
            _check_in_dim(self, in_dim)
        return self._alignment


@dataclass(eq=False)
class AvgPool2d:
    """Non-overlapping average pooling (stride = kernel): linear, aligned in closed form
    (``U`` = :class:`~tourlib.align.pooling.PoolWindowBasis`, ``V = I``, σ = 1/√(kh·kw))."""

    kernel: int | tuple
    in_shape: tuple
    name: str = ""

    def __post_init__(self):
        self.in_shape = as_shape(self.in_shape)
        _window(self.kernel, "kernel", "AvgPool2d")
        self._basis = PoolWindowBasis(self.in_shape, self.kernel)

    @property
    def in_dim(self):
        return self._basis.dim

    @property
    def out_dim(self):
        return self._basis.n_windows

    def forward(self, X):
        X = as_rows(X, "X", width=self.in_dim)
        b = self._basis
        return self._basis.rotate(X)[:, : b.n_windows] / np.sqrt(b.w)

    def alignment(self, in_dim=None):
        if in_dim is not None:
            _check_in_dim(self, in_dim)
        b = self._basis
        return Alignment(kind="linear", in_basis=b, out_basis=IdentityBasis(b.n_windows),
                         scales=np.full(b.n_windows, 1.0 / np.sqrt(b.w)), exact=True)


@dataclass(eq=False)
class MaxPool2d:
    """Max-pooling (no padding, no dilation), aligned through average pooling as in the
    Grand Tour article (:mod:`tourlib.align.pooling`)."""

    kernel: int | tuple
    in_shape: tuple
    stride: int | tuple | None = None
    name: str = ""

    def __post_init__(self):
        self.in_shape = as_shape(self.in_shape)
        C, H, W = self.in_shape
        k = _window(self.kernel, "kernel", "MaxPool2d")
        s = k if self.stride is None else _window(self.stride, "stride", "MaxPool2d")
        Ho, Wo = (H - k[0]) // s[0] + 1, (W - k[1]) // s[1] + 1
        if Ho < 1 or Wo < 1:
            raise ValueError(f"pooling window {k} is larger than the {H}×{W} map")
        self._out_dim = C * Ho * Wo

    @property
    def in_dim(self):
        return int(np.prod(self.in_shape))

    @property
    def out_dim(self):
        return self._out_dim

    def forward(self, X):
        return maxpool_forward(X, self.in_shape, self.kernel, self.stride)

    @cached_property
    def _alignment(self):
        return maxpool_alignment(self.in_shape, self.kernel, self.stride)

    def alignment(self, in_dim=None):
        if in_dim is not None:
            _check_in_dim(self, in_dim)
        return self._alignment


@dataclass(eq=False)
class Componentwise:
    """A map acting on each coordinate separately (ReLU, tanh, a per-coordinate affine map):
    aligned in the raw basis, ``Z(t) = (1 − t) X + t f(X)``.

    ``fn`` takes and returns an N×d float array of the same shape.
    """

    fn: Callable[[np.ndarray], np.ndarray]
    name: str = ""

    def forward(self, X):
        X = as_rows(X, "X")
        Y = np.asarray(self.fn(X), dtype=np.float64)
        if Y.shape != X.shape:
            raise ValueError(f"a component-wise map must keep the shape {X.shape}, {self.name or self.fn} "
                             f"returned {Y.shape}")
        return Y

    def alignment(self, in_dim):
        return Alignment(kind="componentwise", in_basis=IdentityBasis(in_dim), out_basis=IdentityBasis(in_dim))


def relu(name: str = "relu") -> Componentwise:
    """ReLU, ``max(0, x)`` per coordinate."""
    return Componentwise(lambda X: np.maximum(X, 0.0), name=name)


@dataclass(eq=False)
class Softmax:
    """Softmax over the features of each row (``log=True``: log-softmax). Not component-wise,
    but both sides share the class axes, so it is animated in that raw basis."""

    log: bool = False
    name: str = ""

    def forward(self, X):
        X = as_rows(X, "X")
        return scipy.special.log_softmax(X, axis=1) if self.log else scipy.special.softmax(X, axis=1)

    def alignment(self, in_dim):
        return Alignment(kind="softmax", in_basis=IdentityBasis(in_dim), out_basis=IdentityBasis(in_dim))


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
    names. Anything else raises ``TypeError`` naming the module; a layer that cannot take
    the activation reaching it (channels, features, a zero pooling window) raises
    ``ValueError`` naming the layer and both shapes.
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
