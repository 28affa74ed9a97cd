"""A 2-D convolution as a linear map between flattened feature maps.

**Flattening.** A feature map with C channels of H×W pixels is the row vector of
length C·H·W in C×H×W (channel-major, then row, then column) order, the order of
``x.reshape(N, -1)`` on an N×C×H×W array and of ``torch.flatten``. The convolution
(without its bias) is then ``y = x M`` with ``M`` of shape (C_in·H·W) × (C_out·H'·W').

**Building M.** Row i of ``M`` is the image of the i-th standard basis vector:
``M[i] = conv(e_i)``. We apply the convolution to the identity basis (reshaped to
C×H×W maps), in chunks, exactly as the network would; so ``M`` follows the network's
own conventions (cross-correlation, padding, stride, dilation, groups) by
construction. This is fine for small layers (the Grand Tour article's layers), not for
large ones: a 64-channel 3×3 convolution on 32×32 maps has a 65,536×65,536 matrix.
Use :mod:`tourlib.align.conv_svd` for those.

**Convolution conventions** are PyTorch's ``conv2d`` (cross-correlation):

    y[o, i, j] = b[o] + Σ_c Σ_{a,b} w[o, c, a, b] · x_pad[c, i·s + a·d, j·s + b·d]

where ``x_pad`` is the input padded by (top, bottom, left, right) pixels: with zeros
(``padding_mode="zeros"``), by wrapping around (``"circular"``), or by ``"reflect"`` /
``"replicate"``. ``padding="same"`` pads ``d·(k − 1)`` pixels in total per axis,
``⌊total/2⌋`` before and the rest after (PyTorch's rule); ``"valid"`` pads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .checks import as_rows, as_shape

__all__ = ["ConvGeometry", "conv_geometry", "conv_forward", "conv_matrix", "DENSE_MAX_ENTRIES"]

#: Largest p·r (entries of the dense matrix) conv_matrix will build (≈ 400 MB in float64).
DENSE_MAX_ENTRIES = 50_000_000

_MODES = ("zeros", "circular", "reflect", "replicate")


@dataclass(frozen=True)
class ConvGeometry:
    """Everything about a conv layer except its weights, with padding resolved to pixels."""

    in_shape: tuple[int, int, int]  # (C_in, H, W)
    out_channels: int
    kernel: tuple[int, int]
    stride: tuple[int, int]
    pad: tuple[int, int, int, int]  # (top, bottom, left, right)
    dilation: tuple[int, int]
    groups: int
    padding_mode: str

    @property
    def out_shape(self) -> tuple[int, int, int]:
        _, H, W = self.in_shape
        top, bottom, left, right = self.pad
        (kh, kw), (sh, sw), (dh, dw) = self.kernel, self.stride, self.dilation
        Ho = (H + top + bottom - dh * (kh - 1) - 1) // sh + 1
        Wo = (W + left + right - dw * (kw - 1) - 1) // sw + 1
        return (self.out_channels, Ho, Wo)

    @property
    def in_dim(self) -> int:
        return int(np.prod(self.in_shape))

    @property
    def out_dim(self) -> int:
        return int(np.prod(self.out_shape))


def _pair(v, name):
    if isinstance(v, (int, np.integer)):
        v = (int(v), int(v))
    v = tuple(int(a) for a in v)
    if len(v) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {v!r}")
    return v


def conv_geometry(weight_shape, in_shape, *, stride=1, padding=0, dilation=1, groups=1,
                  padding_mode="zeros") -> ConvGeometry:
    """Resolve a conv layer's settings (PyTorch's meanings) and check them against ``in_shape``."""
    C, H, W = as_shape(in_shape)
    if len(weight_shape) != 4:
        raise ValueError(f"weight must be 4-D (C_out, C_in/groups, kh, kw), got shape {tuple(weight_shape)}")
    c_out, c_in_g, kh, kw = (int(s) for s in weight_shape)
    groups = int(groups)
    if groups < 1 or C % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide both C_in={C} and C_out={c_out}")
    if c_in_g * groups != C:
        raise ValueError(
            f"weight expects {c_in_g * groups} input channels but in_shape has C={C}; "
            "in_shape is the (C, H, W) of one input feature map"
        )
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    if min(stride) < 1 or min(dilation) < 1:
        raise ValueError(f"stride and dilation must be ≥ 1, got {stride}, {dilation}")
    if padding_mode not in _MODES:
        raise ValueError(f"padding_mode must be one of {_MODES}, got {padding_mode!r}")
    if isinstance(padding, str):
        if padding == "valid":
            pad = (0, 0, 0, 0)
        elif padding == "same":
            if stride != (1, 1):
                raise ValueError("padding='same' needs stride 1 (PyTorch's rule); give pixels instead")
            th, tw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
            pad = (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        else:
            raise ValueError(f"padding must be 'same', 'valid', an int or a pair, got {padding!r}")
    else:
        ph, pw = _pair(padding, "padding")
        if ph < 0 or pw < 0:
            raise ValueError(f"padding must be ≥ 0, got {padding!r}")
        pad = (ph, ph, pw, pw)
    geom = ConvGeometry((C, H, W), c_out, (kh, kw), stride, pad, dilation, groups, padding_mode)
    if min(geom.out_shape[1:]) < 1:
        raise ValueError(f"the kernel ({kh}×{kw}, dilation {dilation}) does not fit the padded {H}×{W} input")
    return geom


def _padded(x: torch.Tensor, geom: ConvGeometry) -> torch.Tensor:
    top, bottom, left, right = geom.pad
    if not any(geom.pad):
        return x
    mode = "constant" if geom.padding_mode == "zeros" else geom.padding_mode
    return F.pad(x, (left, right, top, bottom), mode=mode)


def conv_forward(X, weight, bias, geom: ConvGeometry) -> np.ndarray:
    """Apply the convolution to rows ``X`` (N×C_in·H·W, C×H×W order); float64, rows out."""
    X = as_rows(X, "X", width=geom.in_dim)
    w = torch.as_tensor(np.asarray(weight, dtype=np.float64))
    b = None if bias is None else torch.as_tensor(np.asarray(bias, dtype=np.float64))
    x = torch.from_numpy(X).reshape(len(X), *geom.in_shape)
    with torch.no_grad():
        y = F.conv2d(_padded(x, geom), w, b, stride=geom.stride, dilation=geom.dilation,
                     groups=geom.groups)
    return y.reshape(len(X), -1).numpy()


def conv_matrix(weight, geom: ConvGeometry, *, chunk: int = 1024) -> np.ndarray:
    """The dense (C_in·H·W) × (C_out·H'·W') matrix ``M`` with ``conv(x) = x M`` (no bias).

    Built by convolving the identity basis (see the module docstring). Raises
    ``MemoryError`` above :data:`DENSE_MAX_ENTRIES` entries.
    """
    p, r = geom.in_dim, geom.out_dim
    if p * r > DENSE_MAX_ENTRIES:
        raise MemoryError(
            f"the dense matrix of this convolution would be {p}×{r}; too large. "
            "Use method='fft' (tourlib.align.conv_svd) for large convolutions"
        )
    M = np.empty((p, r))
    for lo in range(0, p, chunk):
        hi = min(p, lo + chunk)
        basis = np.zeros((hi - lo, p))
        basis[np.arange(hi - lo), np.arange(lo, hi)] = 1.0
        M[lo:hi] = conv_forward(basis, weight, None, geom)
    return M
