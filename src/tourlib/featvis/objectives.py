"""Objectives for feature visualisation that compose like formulas.

An :class:`Objective` maps the activations of a forward pass (a dict
layer name → tensor, see :mod:`tourlib.featvis.capture`) to **one value per
image of the batch** (a tensor of shape ``(N,)``); rendering *maximises* the
sum of these values. Objectives combine with ``+``, ``-``, unary ``-``,
multiplication by a number or by a length-``N`` vector (one weight per image,
as interpolation needs), and division by a number::

    channel("conv2", 5) + 0.5 * channel("conv2", 7) - 0.05 * total_variation()

Conventions. A map output is ``N×C×H×W`` (a dense output ``N×C`` is treated as
``N×C×1×1``). ``channel`` (an int, or a sequence with one index per image)
picks channel ``c`` of image ``i``; ``batch`` (an int or a list of ints)
restricts an objective to those images (0 elsewhere). Directions ``v`` are row
vectors of length ``C``, or ``N×C`` (one per image). The values that are
*penalties* (``total_variation``, ``blur_penalty``) are positive and meant to be
subtracted; ``diversity`` and ``alignment`` are already signed so that larger
is more diverse / more aligned and are meant to be added.

Bad input is caught when the objective first meets the activations: an
unknown layer (the error lists the valid ones), a channel or position beyond
the layer's size (the error names the valid range), a per-image list of the
wrong length.
"""

from __future__ import annotations

import numbers
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "Objective", "neuron", "channel", "layer", "class_logit", "class_probability", "direction",
    "direction_cosine", "gram_matrices", "diversity", "alignment", "total_variation", "blur_penalty", "interpolate",
]

Acts = dict


class Objective:
    """A function activations → values ``(N,)``, with the layers it reads and a readable ``name``."""

    __array_ufunc__ = None   # so that numpy_vector * objective calls Objective.__rmul__

    def __init__(self, fn: Callable[[Acts], torch.Tensor], layers: Sequence[str], name: str):
        self.fn = fn
        self.layers = tuple(dict.fromkeys(layers))
        self.name = name

    def __call__(self, acts: Acts) -> torch.Tensor:
        return self.fn(acts)

    def __repr__(self) -> str:
        return f"Objective({self.name})"

    # ---- algebra
    @staticmethod
    def _lift(other) -> "Objective":
        if isinstance(other, Objective):
            return other
        raise TypeError(f"an objective combines with another objective by + or -, not with {type(other).__name__}")

    def __add__(self, other):
        if isinstance(other, numbers.Number) and other == 0:   # sum([...]) starts from 0
            return self
        o = self._lift(other)
        return Objective(lambda a: self(a) + o(a), self.layers + o.layers, f"{self.name} + {o.name}")

    __radd__ = __add__

    def __neg__(self):
        return Objective(lambda a: -self(a), self.layers, f"-({self.name})")

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return (-self) + other

    def __mul__(self, w):
        if isinstance(w, Objective):
            raise TypeError("multiply an objective by a number or a per-image vector, not by another objective")
        if isinstance(w, numbers.Number):
            if not np.isfinite(w):
                raise ValueError(f"weight must be finite, got {w!r}")
            return Objective(lambda a: float(w) * self(a), self.layers, f"{w:g}·{self.name}")
        vec = torch.as_tensor(np.asarray(w, dtype=np.float32))
        if vec.ndim != 1 or not torch.all(torch.isfinite(vec)):
            raise ValueError("a weight must be a finite number or a 1-D vector with one weight per image")

        def f(a):
            v = self(a)
            if len(vec) != len(v):
                raise ValueError(f"{len(vec)} weights for a batch of {len(v)} images")
            return vec.to(v) * v
        return Objective(f, self.layers, f"w·{self.name}")

    __rmul__ = __mul__

    def __truediv__(self, w):
        if not isinstance(w, numbers.Number) or w == 0 or not np.isfinite(w):
            raise ValueError(f"divide an objective by a finite non-zero number, got {w!r}")
        return self * (1.0 / w)


# ---------------------------------------------------------------- helpers

def _check_name(layer_name):
    if not isinstance(layer_name, str) or not layer_name:
        raise ValueError(f"layer must be a layer name (str), got {layer_name!r}")


def _as_map(h: torch.Tensor, name: str) -> torch.Tensor:
    if h.ndim == 2:
        return h[:, :, None, None]
    if h.ndim != 4:
        raise ValueError(f"layer {name!r} gives a {h.ndim}-D output {tuple(h.shape)}; need N×C×H×W or N×C")
    return h


def _int_list(x, what):
    vals = [x] if isinstance(x, (numbers.Integral,)) and not isinstance(x, bool) else list(x)
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise ValueError(f"{what} must be an int or a list of ints, got {x!r}")
    return vals


def _channels(c, name: str, width: int, n: int) -> torch.Tensor:
    """Channel index per image (length n), checked against the layer's width."""
    idx = _int_list(c, "channel")
    if len(idx) not in (1, n):
        raise ValueError(f"{len(idx)} channel indices for a batch of {n} images (give one, or one per image)")
    bad = [i for i in idx if not 0 <= i < width]
    if bad:
        raise ValueError(f"channel {bad[0]} is beyond layer {name!r}: valid channels are 0..{width - 1}")
    return torch.as_tensor(idx * n if len(idx) == 1 else idx)


def _mask(values: torch.Tensor, batch) -> torch.Tensor:
    if batch is None:
        return values
    idx = _int_list(batch, "batch")
    n = len(values)
    bad = [i for i in idx if not 0 <= i < n]
    if bad:
        raise ValueError(f"batch index {bad[0]} is beyond the batch: valid indices are 0..{n - 1}")
    m = torch.zeros(n, dtype=values.dtype, device=values.device)
    m[idx] = 1
    return values * m


def _position(h: torch.Tensor, name: str, x, y) -> tuple[int, int]:
    H, W = h.shape[-2:]
    y = H // 2 if y is None else y
    x = W // 2 if x is None else x
    for v, size, axis in ((y, H, "y"), (x, W, "x")):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or not 0 <= v < size:
            raise ValueError(f"{axis}={v!r} is outside layer {name!r} ({H}×{W}): valid {axis} is 0..{size - 1}")
    return int(y), int(x)


def _vectors(v, name: str, width: int, n: int, like: torch.Tensor) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(v, dtype=np.float32)) if not isinstance(v, torch.Tensor) else v.float()
    if not torch.all(torch.isfinite(t)):
        raise ValueError("direction contains NaN or infinite values")
    if t.ndim == 1:
        t = t[None].expand(n, -1)
    if t.ndim != 2 or t.shape[1] != width or t.shape[0] != n:
        raise ValueError(f"direction must have length {width} (layer {name!r}'s width) or shape {n}×{width}, "
                         f"got {tuple(np.shape(v))}")
    return t.to(like)


# ---------------------------------------------------------------- unit objectives

def neuron(layer_name: str, channel_index, x: int | None = None, y: int | None = None, *, batch=None) -> Objective:
    """Activation of one neuron: ``h[i, c, y, x]`` (default position: the centre ``(H//2, W//2)``)."""
    _check_name(layer_name)

    def f(a):
        h = _as_map(a[layer_name], layer_name)
        c = _channels(channel_index, layer_name, h.shape[1], len(h))
        yy, xx = _position(h, layer_name, x, y)
        return _mask(h[torch.arange(len(h)), c, yy, xx], batch)
    return Objective(f, [layer_name], f"neuron({layer_name}:{channel_index}@{y},{x})")


def channel(layer_name: str, channel_index, *, batch=None) -> Objective:
    """Mean activation of a channel over all positions: ``mean_{y,x} h[i, c, y, x]``."""
    _check_name(layer_name)

    def f(a):
        h = _as_map(a[layer_name], layer_name)
        c = _channels(channel_index, layer_name, h.shape[1], len(h))
        return _mask(h[torch.arange(len(h)), c].mean(dim=(1, 2)), batch)
    return Objective(f, [layer_name], f"channel({layer_name}:{channel_index})")


def layer(layer_name: str, *, batch=None) -> Objective:
    """The DeepDream objective: mean squared activation of the whole layer, ``mean_{c,y,x} h[i,c,y,x]²``."""
    _check_name(layer_name)

    def f(a):
        h = a[layer_name]
        return _mask(h.pow(2).flatten(1).mean(1), batch)
    return Objective(f, [layer_name], f"layer({layer_name})")


def class_logit(k, *, layer_name: str = "logits", batch=None) -> Objective:
    """The logit ``z[i, k]`` (softmax input; ``"logits"`` means the model's ``logits_layer``)."""
    def f(a):
        z = _as_map(a[layer_name], layer_name).mean(dim=(2, 3))
        c = _channels(k, layer_name, z.shape[1], len(z))
        return _mask(z[torch.arange(len(z)), c], batch)
    return Objective(f, [layer_name], f"logit({k})")


def class_probability(k, *, layer_name: str = "logits", batch=None) -> Objective:
    """The softmax probability ``softmax(z[i])[k]`` computed from the logits layer."""
    def f(a):
        z = a[layer_name].flatten(1)
        c = _channels(k, layer_name, z.shape[1], len(z))
        return _mask(torch.softmax(z, dim=1)[torch.arange(len(z)), c], batch)
    return Objective(f, [layer_name], f"probability({k})")


def direction(layer_name: str, v, *, batch=None) -> Objective:
    """Projection on a direction in activation space: ``mean_{y,x} h[i, :, y, x] · v`` (``v`` not normalised)."""
    _check_name(layer_name)

    def f(a):
        h = _as_map(a[layer_name], layer_name)
        vv = _vectors(v, layer_name, h.shape[1], len(h), h)
        return _mask((h.mean(dim=(2, 3)) * vv).sum(1), batch)
    return Objective(f, [layer_name], f"direction({layer_name})")


def direction_cosine(layer_name: str, v, power: float = 1.0, *, per_position: bool = False,
                     position: tuple[int, int] | None = None, cos_floor: float = 0.1, batch=None) -> Objective:
    """``(h · v) · max(cos(h, v), cos_floor)^power`` — a direction that also rewards pointing along ``v``.

    ``h`` is the spatial mean ``mean_{y,x} h[i, :, y, x]`` (default), the
    activation at ``position=(y, x)``, or, with ``per_position=True``, the
    formula is applied at every position and averaged. The cosine is floored
    (``cos_floor``) so that a negative cosine does not flip the sign of a
    fractional power; this is the activation atlas's icon objective.
    """
    _check_name(layer_name)
    if not np.isfinite(power) or power < 0:
        raise ValueError(f"power must be a finite number ≥ 0, got {power!r}")

    def f(a):
        h = _as_map(a[layer_name], layer_name)
        vv = _vectors(v, layer_name, h.shape[1], len(h), h)
        if position is not None:
            yy, xx = _position(h, layer_name, position[1], position[0])
            hv = h[:, :, yy, xx][:, :, None]
        elif per_position:
            hv = h.flatten(2)                       # N×C×P
        else:
            hv = h.mean(dim=(2, 3))[:, :, None]     # N×C×1
        dot = (hv * vv[:, :, None]).sum(1)
        cos = dot / (hv.norm(dim=1) * vv.norm(dim=1)[:, None] + 1e-8)
        return _mask((dot * cos.clamp(min=cos_floor) ** power).mean(1), batch)
    return Objective(f, [layer_name], f"direction_cosine({layer_name}, n={power:g})")


# ---------------------------------------------------------------- batch objectives

def gram_matrices(h: torch.Tensor) -> torch.Tensor:
    """Gram matrices ``G[i] = F_i F_iᵀ`` of the channels (``F_i`` is image ``i``'s ``C×(H·W)`` map), ``N×C×C``."""
    f = _as_map(h, "layer").flatten(2)
    return f @ f.transpose(1, 2)


def diversity(layer_name: str) -> Objective:
    """Minus the cosine similarity of each image's Gram matrix with the others': ``−Σ_{b≠i} cos(vec G_i, vec G_b)``.

    Summed over ``i`` this is the article's ``C_diversity``; add it (with a
    weight) to a unit objective. 0 for a batch of one image.
    """
    _check_name(layer_name)

    def f(a):
        g = gram_matrices(a[layer_name]).flatten(1)
        g = g / (g.norm(dim=1, keepdim=True) + 1e-12)
        sim = g @ g.T
        return -(sim.sum(1) - sim.diagonal())
    return Objective(f, [layer_name], f"diversity({layer_name})")


def alignment(layer_name: str, *, reach: int = 3, decay: float = 2.0) -> Objective:
    """Pull neighbouring images' activations together: ``−Σ_{d=1..reach} decay^{−(d−1)} mean((h_i − h_{i+d})²)``.

    The term of pair ``(i, i+d)`` is counted for image ``i``. Used along an
    interpolation, where image ``i`` and ``i+1`` should line up.
    """
    _check_name(layer_name)
    if isinstance(reach, bool) or not isinstance(reach, int) or reach < 1 or not decay > 0:
        raise ValueError("reach must be a positive int and decay a positive number")

    def f(a):
        h = a[layer_name].flatten(1)
        out = torch.zeros(len(h), dtype=h.dtype, device=h.device)
        for d in range(1, min(reach, len(h) - 1) + 1):
            term = (h[:-d] - h[d:]).pow(2).mean(1) / decay ** (d - 1)
            out = out + F.pad(term, (0, d))
        return -out
    return Objective(f, [layer_name], f"alignment({layer_name})")


def interpolate(a: Objective, b: Objective, n: int) -> Objective:
    """``(1 − t_i)·a + t_i·b`` with ``t_i = i/(n−1)`` for the ``n`` images of the batch (``a`` first, ``b`` last)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"an interpolation needs n ≥ 2 images, got {n!r}")
    t = np.linspace(0.0, 1.0, n)
    return (1 - t) * a + t * b


# ---------------------------------------------------------------- penalties on the image

def total_variation(p: float = 1.0) -> Objective:
    """Total variation of the image (before transformations): ``mean|x[y+1,x] − x[y,x]|^p + mean|x[y,x+1] − x[y,x]|^p``.

    A penalty (≥ 0): subtract it. Means over channels and positions.
    """
    if not p > 0:
        raise ValueError(f"p must be positive, got {p!r}")

    def f(a):
        x = a["image"]
        dy = (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().pow(p).flatten(1).mean(1)
        dx = (x[:, :, :, 1:] - x[:, :, :, :-1]).abs().pow(p).flatten(1).mean(1)
        return dy + dx
    return Objective(f, ["image"], f"tv(p={p:g})")


def gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Separable Gaussian blur of ``N×C×H×W`` (kernel radius ``⌈3σ⌉``, reflect padding)."""
    r = max(1, int(np.ceil(3 * sigma)))
    k = torch.exp(-torch.arange(-r, r + 1, dtype=x.dtype) ** 2 / (2 * sigma ** 2))
    k = (k / k.sum()).to(x.device)
    c = x.shape[1]
    x = F.pad(x, (r, r, r, r), mode="reflect")
    x = F.conv2d(x, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


def blur_penalty(sigma: float = 1.0) -> Objective:
    """How much a Gaussian blur changes the image: ``mean (x − blur_σ(x))²`` (a penalty: subtract it)."""
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")

    def f(a):
        x = a["image"]
        return (x - gaussian_blur(x, sigma)).pow(2).flatten(1).mean(1)
    return Objective(f, ["image"], f"blur(σ={sigma:g})")
