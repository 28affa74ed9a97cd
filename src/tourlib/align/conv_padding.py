"""How far a zero-padded convolution is from the circular one the FFT SVD diagonalises.

The FFT SVD (:mod:`tourlib.align.conv_svd`) is exact for circular padding. A layer with
zero padding is aligned with the circular operator's bases instead; its endpoints
``X U`` and ``Y V`` are still the exact activations rotated, but the motion between
them is a per-axis scaling only up to the difference operator

    D = E ∘ L_zero − L_circ       (E: embed the output into the H×W map, zeros outside)

which consists of the taps that wrap around the border in ``L_circ`` (and, for outputs
smaller than the input, the whole rows of the cropped border). We report

* ``frobenius = ‖D‖_F / ‖L_circ‖_F``, exact and cheap: each tap (a, b) contributes
  ``‖w[:, :, a, b]‖² · n(a, b)``, where n(a, b) counts the output pixels at which that
  tap wraps (or which are cropped), against ``H·W·‖w‖²`` for ``L_circ``. This is the
  RMS error over random inputs.
* ``operator = ‖D‖₂ / ‖L_circ‖₂`` (worst case over inputs): the top singular value of D
  by :func:`scipy.sparse.linalg.svds` with D and Dᵀ applied by PyTorch (autograd gives Dᵀ),
  divided by the largest singular value of the FFT SVD.

Measured by ``benchmarks/bench_conv_svd.py`` (numbers in its output).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse.linalg
import torch
import torch.nn.functional as F

from .conv_svd import ConvSVD, full_kernel

__all__ = ["PaddingError", "circular_padding_error"]


@dataclass(frozen=True)
class PaddingError:
    """Relative size of ``E∘L_zero − L_circ`` (see the module docstring)."""

    frobenius: float
    operator: float | None


def _frobenius(layer, K) -> float:
    g = layer.geom
    _, H, W = g.in_shape
    _, Ho, Wo = g.out_shape
    kh, kw = K.shape[-2:]
    top, left = g.pad[0], g.pad[2]
    circular = g.padding_mode == "circular"

    def kept(n, n_out, k, before):
        da = np.arange(k) - before  # input offset of each tap
        if circular:
            return np.full(k, n_out)
        return np.maximum(0, np.minimum(n_out, n - da) - np.maximum(0, -da))

    ok = kept(H, Ho, kh, top)[:, None] * kept(W, Wo, kw, left)[None, :]  # (kh, kw)
    tap_energy = (K ** 2).sum(axis=(0, 1))  # (kh, kw)
    diff = float((tap_energy * (H * W - ok)).sum())
    total = float(tap_energy.sum() * H * W)
    return float(np.sqrt(diff / total)) if total > 0 else 0.0


def _difference_operator(layer, K):
    g = layer.geom
    C, H, W = g.in_shape
    c_out, Ho, Wo = g.out_shape
    kh, kw = K.shape[-2:]
    top, bottom, left, right = g.pad
    Kt = torch.from_numpy(K)
    mode = "constant" if g.padding_mode == "zeros" else g.padding_mode

    def D(x):
        circ = F.conv2d(F.pad(x, (left, kw - 1 - left, top, kh - 1 - top), mode="circular"), Kt)
        y = F.conv2d(F.pad(x, (left, right, top, bottom), mode=mode), Kt)
        return F.pad(y, (0, W - Wo, 0, H - Ho)) - circ

    def matvec(v):
        x = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64).reshape(1, C, H, W))
        with torch.no_grad():
            return D(x).reshape(-1).numpy()

    def rmatvec(u):
        x = torch.zeros(1, C, H, W, dtype=torch.float64, requires_grad=True)
        u_t = torch.from_numpy(np.ascontiguousarray(u, dtype=np.float64).reshape(1, c_out, H, W))
        (grad,) = torch.autograd.grad(D(x), x, grad_outputs=u_t)
        return grad.reshape(-1).numpy()

    return scipy.sparse.linalg.LinearOperator(
        (c_out * H * W, C * H * W), matvec=matvec, rmatvec=rmatvec, dtype=np.float64)


def circular_padding_error(layer, *, operator_norm: bool = True, seed: int = 0) -> PaddingError:
    """Relative Frobenius and operator-norm size of (this conv) − (its circular version).

    ``layer`` is a :class:`~tourlib.align.layers.Conv2d` with stride 1 whose output is
    not larger than its input. ``seed`` fixes the start vector of the iterative solver.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int (e.g. seed=0), got {seed!r}")
    g = layer.geom
    if g.stride != (1, 1):
        raise ValueError("the circular comparison needs a stride-1 convolution")
    _, H, W = g.in_shape
    _, Ho, Wo = g.out_shape
    if Ho > H or Wo > W or g.pad[0] > H or g.pad[2] > W:
        raise ValueError("the circular comparison needs an output no larger than the input")
    if g.padding_mode not in ("zeros", "circular"):
        raise ValueError(f"only padding_mode 'zeros' or 'circular' can be compared, got {g.padding_mode!r}")
    K = full_kernel(layer.weight, dilation=g.dilation, groups=g.groups)
    if K.shape[-2] > H or K.shape[-1] > W:
        raise ValueError("the (dilated) kernel is larger than the map")
    frob = _frobenius(layer, K)
    op = None
    if operator_norm:
        if frob == 0.0:
            op = 0.0
        else:
            Dop = _difference_operator(layer, K)
            v0 = np.random.default_rng(seed).standard_normal(min(Dop.shape))
            s_d = scipy.sparse.linalg.svds(Dop, k=1, v0=v0, return_singular_vectors=False)[0]
            s_c = ConvSVD(layer.weight, g.in_shape, offset=(g.pad[0], g.pad[2]), dilation=g.dilation,
                          groups=g.groups).s[0]
            op = float(s_d / s_c)
    return PaddingError(frobenius=frob, operator=op)
