"""Max-pooling's continuous relaxation: forward as max-pooling, backward as average pooling.

The gradient of a max-pool flows only to the winning input of each window, so a
position that is not the maximum gets no attribution at all, and a tiny change of
the input can move all of it elsewhere. The Activation Atlas article relaxes this:
keep the forward pass (the network computes what it computes), but pass the
gradient back as if the pooling were an average, spreading it evenly over the window:

    forward:  y = maxpool(x)          backward:  ∂L/∂x = avgpool_backward(∂L/∂y)

The linearisation is the same in both directions: reverse mode passes the gradient
back through average pooling's transpose, forward mode (``jvp``, used by
:func:`tourlib.atlas.attribute`) pushes a tangent ``t`` forward as ``avgpool(t)``.

Implemented as a :class:`torch.autograd.Function` and swapped in for every
``nn.MaxPool2d`` (and the zoo's global max pool) inside :func:`relaxed_max_pooling`,
a context manager that restores the modules' forward methods when it exits.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["MaxForwardAvgBackward", "relaxed_max_pooling"]


class MaxForwardAvgBackward(torch.autograd.Function):
    """``max_pool2d`` forward with ``avg_pool2d``'s backward (same kernel, stride, padding)."""

    @staticmethod
    def forward(ctx, x, kernel_size, stride, padding):
        ctx.shape = x.shape
        ctx.args = (kernel_size, stride, padding)
        return F.max_pool2d(x, kernel_size, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        kernel_size, stride, padding = ctx.args
        with torch.enable_grad():
            probe = torch.zeros(ctx.shape, dtype=grad.dtype, device=grad.device, requires_grad=True)
            out = F.avg_pool2d(probe, kernel_size, stride, padding, count_include_pad=False)
            (g,) = torch.autograd.grad(out, probe, grad)
        return g, None, None, None

    @staticmethod
    def jvp(ctx, tangent, *_):
        kernel_size, stride, padding = ctx.args
        return F.avg_pool2d(tangent, kernel_size, stride, padding, count_include_pad=False)


class _GlobalMaxAvgBackward(torch.autograd.Function):
    """Global max over positions forward; backward spreads the gradient evenly over all positions."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return x.amax(dim=(2, 3))

    @staticmethod
    def backward(ctx, grad):
        n, c, h, w = ctx.shape
        return grad[:, :, None, None].expand(n, c, h, w) / (h * w)

    @staticmethod
    def jvp(ctx, tangent):
        return tangent.mean(dim=(2, 3))


@contextlib.contextmanager
def relaxed_max_pooling(model: nn.Module) -> Iterator[nn.Module]:
    """Within the block, every max-pool of ``model`` passes gradients back as average pooling."""
    from ..nets.zoo import GlobalPool

    patched = []
    for m in model.modules():
        if isinstance(m, nn.MaxPool2d):
            if m.dilation not in (1, (1, 1)) or m.ceil_mode:
                raise ValueError("relaxed max-pooling supports dilation 1 and ceil_mode=False only")
            patched.append(m)
            m.forward = (lambda x, m=m: MaxForwardAvgBackward.apply(x, m.kernel_size, m.stride, m.padding))
        elif isinstance(m, GlobalPool) and m.kind == "max":
            patched.append(m)
            m.forward = _GlobalMaxAvgBackward.apply
    try:
        yield model
    finally:
        for m in patched:
            del m.forward  # back to the class's forward
