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

:func:`tourlib.nets.torch_layers.layers_from_torch` turns a sequential PyTorch model into this list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import numpy as np
import scipy.special

from .basis import CoordinateEmbedding, IdentityBasis
from .checks import as_matrix, as_rows, as_shape
from .conv_matrix import DENSE_MAX_ENTRIES, ConvGeometry, conv_forward, conv_geometry, conv_matrix
from .conv_svd import ConvSVD
from .pooling import PoolWindowBasis, maxpool_alignment, maxpool_forward
from .svd_align import dense_alignment
from .transition import Alignment

__all__ = [
    "Dense", "Conv2d", "AvgPool2d", "MaxPool2d", "Componentwise", "Softmax", "relu",
    "AUTO_DENSE_MAX_FLOPS",
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
