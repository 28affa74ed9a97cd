"""Dataset examples: which real images excite a neuron or a channel, at the top and across the spectrum.

A unit is a channel of a layer (its value on an image is the mean of the
channel's map, as :func:`~tourlib.featvis.objectives.channel`) or a neuron
(the map at one position ``(y, x)``, as :func:`~tourlib.featvis.objectives.neuron`).
:func:`unit_activations` runs the model once over the images and keeps only
that unit's map, so 50 000 images cost ``50 000·H·W`` floats, not the layer.
The most-activating *patch* of an image is the receptive field of the
position where the channel's map is largest (:func:`receptive_field`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .capture import capture, resolve_layer
from .render import frozen

__all__ = ["Examples", "unit_maps", "unit_activations", "receptive_field", "top_examples", "spectrum_examples",
           "channel_means", "layer_top_indices", "units_maps"]


@dataclass
class Examples:
    """Dataset examples of one unit.

    ``indices`` into the image set, their ``values`` (the unit's activation),
    the ``images`` (``k×H×W×3`` as given), the map position ``(y, x)`` of the
    channel's maximum in each (``positions``), its receptive field in the input
    ``(y0, y1, x0, x1)`` (end exclusive, ``boxes``) and the image cut to it
    (``patches``, a list: boxes at the border are smaller). For
    :func:`spectrum_examples`, ``quantiles`` holds the quantile each example stands for.
    """

    indices: np.ndarray
    values: np.ndarray
    images: np.ndarray
    positions: np.ndarray
    boxes: np.ndarray
    patches: list
    quantiles: np.ndarray | None = None


def _to_float(images: np.ndarray) -> torch.Tensor:
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be N×H×W×3 (channels last), got shape {images.shape}")
    x = torch.as_tensor(images.astype(np.float32) / (255.0 if images.dtype == np.uint8 else 1.0))
    return x.permute(0, 3, 1, 2)


def unit_maps(model: torch.nn.Module, images: np.ndarray, layer: str, channel: int, *,
              batch_size: int = 500) -> np.ndarray:
    """The channel's map ``N×H×W`` (float32) for each image (a dense layer gives ``N×1×1``)."""
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)):
        raise ValueError(f"channel must be an int, got {channel!r}")
    resolve_layer(model, layer)
    out = []
    with frozen(model), torch.no_grad():
        for i in range(0, len(images), batch_size):
            h = capture(model, _to_float(images[i:i + batch_size]), [layer])[layer]
            if h.ndim == 2:
                h = h[:, :, None, None]
            if not 0 <= channel < h.shape[1]:
                raise ValueError(f"channel {channel} is beyond layer {layer!r}: valid channels are 0..{h.shape[1] - 1}")
            out.append(h[:, int(channel)].float().numpy().copy())   # a copy: a view would keep the whole batch
    if not out:
        raise ValueError("no images given")
    return np.concatenate(out)


def unit_activations(maps: np.ndarray, position: tuple[int, int] | None = None) -> np.ndarray:
    """The unit's value per image from its maps: the channel mean, or the neuron at ``position=(y, x)``."""
    if position is None:
        return maps.mean(axis=(1, 2))
    y, x = position
    h, w = maps.shape[1:]
    if not (0 <= y < h and 0 <= x < w):
        raise ValueError(f"position {position} is outside the {h}×{w} map: valid y 0..{h - 1}, x 0..{w - 1}")
    return maps[:, y, x]


def receptive_field(model: torch.nn.Module, layer: str, position: tuple[int, int], *, size: int = 32,
                    channel: int = 0, trials: int = 4, seed: int = 0) -> tuple[int, int, int, int]:
    """Input box ``(y0, y1, x0, x1)`` (end exclusive) that the unit at ``position`` of ``layer`` sees.

    Measured, for any module: the bounding box of the input pixels where the
    gradient of ``h[channel, y, x]`` is non-zero, united over ``trials`` random
    uniform images (one image can hide pixels behind a ReLU or a max-pool).
    """
    gen = torch.Generator().manual_seed(int(seed))
    support = torch.zeros(size, size, dtype=torch.bool)
    y, x = position
    with frozen(model):
        for _ in range(trials):
            inp = torch.rand(1, 3, size, size, generator=gen).requires_grad_(True)
            h = capture(model, inp, [layer])[layer]
            if h.ndim == 2:
                h = h[:, :, None, None]
            h[0, channel, y, x].backward()
            support |= inp.grad[0].abs().sum(0) > 0
    if not support.any():
        return (0, size, 0, size)
    ys = torch.nonzero(support.any(1)).flatten()
    xs = torch.nonzero(support.any(0)).flatten()
    return (int(ys[0]), int(ys[-1]) + 1, int(xs[0]), int(xs[-1]) + 1)


def _build(model, images, layer, channel, maps, order, values, quantiles=None) -> Examples:
    positions, boxes, patches = [], [], []
    rf_cache: dict = {}
    size = images.shape[1]
    for i in order:
        m = maps[i]
        yx = np.unravel_index(int(np.argmax(m)), m.shape)
        yx = (int(yx[0]), int(yx[1]))
        if yx not in rf_cache:
            rf_cache[yx] = receptive_field(model, layer, yx, size=size, channel=channel)
        y0, y1, x0, x1 = rf_cache[yx]
        positions.append(yx)
        boxes.append((y0, y1, x0, x1))
        patches.append(images[i, y0:y1, x0:x1])
    order = np.asarray(order, dtype=np.int64)
    return Examples(indices=order, values=np.asarray(values, np.float32), images=np.asarray(images)[order],
                    positions=np.asarray(positions, np.int64).reshape(-1, 2),
                    boxes=np.asarray(boxes, np.int64).reshape(-1, 4), patches=patches,
                    quantiles=None if quantiles is None else np.asarray(quantiles, np.float64))


def top_examples(model: torch.nn.Module, images: np.ndarray, layer: str, channel: int, *, k: int = 9,
                 position: tuple[int, int] | None = None, maps: np.ndarray | None = None) -> Examples:
    """The ``k`` images that activate the unit most, strongest first, with their most-activating patches.

    ``maps`` (from :func:`unit_maps`) can be passed to avoid running the model again.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    maps = unit_maps(model, images, layer, channel) if maps is None else maps
    vals = unit_activations(maps, position)
    order = np.argsort(-vals, kind="stable")[:k]
    return _build(model, images, layer, channel, maps, order, vals[order])


def spectrum_examples(model: torch.nn.Module, images: np.ndarray, layer: str, channel: int, *,
                      quantiles=(0.0, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0), per_quantile: int = 1,
                      position: tuple[int, int] | None = None, maps: np.ndarray | None = None) -> Examples:
    """Examples across the spectrum of activation: for each quantile ``q``, the images ranked nearest it.

    With the images sorted by the unit's value, quantile ``q`` picks
    ``per_quantile`` consecutive images around rank ``q·(N−1)`` (so ``1.0``
    is the maximum and ``0.0`` the minimum). Ordered by quantile.
    """
    q = np.asarray(quantiles, dtype=np.float64)
    if q.ndim != 1 or len(q) == 0 or np.any((q < 0) | (q > 1)):
        raise ValueError(f"quantiles must be numbers in [0, 1], got {quantiles!r}")
    if isinstance(per_quantile, bool) or not isinstance(per_quantile, int) or per_quantile < 1:
        raise ValueError(f"per_quantile must be a positive int, got {per_quantile!r}")
    maps = unit_maps(model, images, layer, channel) if maps is None else maps
    vals = unit_activations(maps, position)
    ranked = np.argsort(vals, kind="stable")
    n = len(ranked)
    order, labels = [], []
    for qq in q:
        centre = int(round(qq * (n - 1)))
        start = min(max(0, centre - per_quantile // 2), max(0, n - per_quantile))
        for r in range(start, min(n, start + per_quantile)):
            order.append(int(ranked[r]))
            labels.append(qq)
    return _build(model, images, layer, channel, maps, order, vals[order], labels)


def channel_means(model: torch.nn.Module, images: np.ndarray, layer: str, *, batch_size: int = 500) -> np.ndarray:
    """Every channel's value on every image at once: ``mean_{y,x} h[n, c, y, x]``, an ``N×C`` float32 array.

    The same unit value as :func:`unit_activations` (channel mean), for all channels of the layer
    in one pass over the images (a dense layer gives its outputs).
    """
    resolve_layer(model, layer)
    out = []
    with frozen(model), torch.no_grad():
        for i in range(0, len(images), batch_size):
            h = capture(model, _to_float(images[i:i + batch_size]), [layer])[layer]
            out.append((h.mean(dim=(2, 3)) if h.ndim == 4 else h).float().numpy())
    if not out:
        raise ValueError("no images given")
    return np.concatenate(out)


def layer_top_indices(model: torch.nn.Module, images: np.ndarray, layer: str, *, k: int = 4,
                      means: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """For every channel of ``layer``, the indices (``C×k``) of the ``k`` images with the largest channel
    mean, strongest first, and those values (``C×k``). ``means`` (from :func:`channel_means`) skips the pass."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    means = channel_means(model, images, layer) if means is None else np.asarray(means)
    if means.ndim != 2 or k > len(means):
        raise ValueError(f"need an N×C array of channel means with N ≥ k = {k}, got shape {means.shape}")
    order = np.argsort(-means, axis=0, kind="stable")[:k].T
    return order, np.take_along_axis(means.T, order, axis=1)


def units_maps(model: torch.nn.Module, images: np.ndarray, units, *, batch_size: int = 500) -> dict:
    """:func:`unit_maps` for several ``(layer, channel)`` units in one pass over the images.

    Returns ``{(layer, channel): N×H×W float32 maps}``; the model runs once per batch, as far as the
    deepest wanted layer (instead of once per unit).
    """
    units = [(str(layer), int(c)) for layer, c in units]
    if not units:
        raise ValueError("units must name at least one (layer, channel)")
    layers = list(dict.fromkeys(layer for layer, _ in units))
    for layer in layers:
        resolve_layer(model, layer)
    out: dict = {u: [] for u in units}
    with frozen(model), torch.no_grad():
        for i in range(0, len(images), batch_size):
            acts = capture(model, _to_float(images[i:i + batch_size]), layers)
            for layer, c in units:
                h = acts[layer]
                if h.ndim == 2:
                    h = h[:, :, None, None]
                if not 0 <= c < h.shape[1]:
                    raise ValueError(f"channel {c} is beyond layer {layer!r}: valid channels are 0..{h.shape[1] - 1}")
                out[(layer, c)].append(h[:, c].float().numpy().copy())   # a copy: a view keeps the batch
    if len(images) == 0:
        raise ValueError("no images given")
    return {u: np.concatenate(m) for u, m in out.items()}
