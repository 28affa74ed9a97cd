"""One activation vector per image: a random spatial position of a layer, away from the borders.

For a layer whose output is a map ``C×H×W``, image ``i`` contributes the ``C``-vector
at one position ``(y_i, x_i)`` drawn uniformly from the interior
``margin ≤ y < H − margin``, ``margin ≤ x < W − margin`` (positions at the border
see the zero padding, which the article avoided). The draw comes from
``numpy.random.default_rng(seed)``, all ``N`` positions at once, so the same seed picks
the same positions whatever the batch size.
A vector layer (``N×C``) has no positions: every image gives its one vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ..nets.hooks import _check_layers
from ..nets.inputs import images_to_tensor

__all__ = ["Activations", "collect", "collect_layers", "every_position", "layer_map", "layer_maps"]


@dataclass(frozen=True)
class Activations:
    """Activation vectors of one layer: ``values[k]`` is image ``image[k]`` at ``positions[k] = (y, x)``."""

    layer: str
    values: np.ndarray      # N×C float32
    positions: np.ndarray   # N×2 int64 (y, x); −1 for a vector layer
    image: np.ndarray       # N int64, index into the images given
    map_size: tuple[int, int]


@torch.no_grad()
def layer_maps(model: torch.nn.Module, x: torch.Tensor, layers) -> dict[str, torch.Tensor]:
    """The outputs of the submodules ``layers`` for the float batch ``x`` (forward hooks; one pass)."""
    modules = dict(model.named_modules())
    kept = {}
    handles = [modules[name].register_forward_hook(lambda _m, _i, y, name=name: kept.__setitem__(name, y))
               for name in layers]
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return kept


def layer_map(model: torch.nn.Module, x: torch.Tensor, layer: str) -> torch.Tensor:
    """The output of submodule ``layer`` for the float batch ``x`` (taken with a forward hook)."""
    return layer_maps(model, x, [layer])[layer]


def collect(model: torch.nn.Module, images: np.ndarray, layer: str, *, seed: int, margin: int = 1,
            batch_size: int = 100) -> Activations:
    """One activation per image at ``layer`` (see the module docstring).

    Raises
    ------
    ValueError
        For an unknown layer, a seed that is not a non-negative int, or a map too small
        to have an interior at this ``margin`` (the message gives the map size).
    """
    return collect_layers(model, images, [layer], seed=seed, margin=margin, batch_size=batch_size)[layer]


def collect_layers(model: torch.nn.Module, images: np.ndarray, layers, *, seed: int, margin: int = 1,
                   batch_size: int = 100) -> dict[str, Activations]:
    """:func:`collect` at several layers in one forward pass per batch: layer → :class:`Activations`.

    Each layer draws its positions from its own ``default_rng(seed)``, so
    ``collect_layers(..., [a, b], seed=s)[b]`` equals ``collect(..., b, seed=s)``.
    """
    layers = list(layers)
    _check_layers(model, layers)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if isinstance(margin, bool) or not isinstance(margin, (int, np.integer)) or margin < 0:
        raise ValueError(f"margin must be an int ≥ 0, got {margin!r}")
    model.eval()
    device = next(model.parameters()).device
    rngs = {name: np.random.default_rng(seed) for name in layers}
    # Results go straight into arrays of the final size: appending each batch's small rows between the
    # large freed maps would fragment the heap and keep hundreds of MB resident (tourlib.memory).
    values, positions = {}, {}
    sizes = {name: (0, 0) for name in layers}
    for start in range(0, len(images), batch_size):
        x = images_to_tensor(images[start:start + batch_size], device)
        maps = layer_maps(model, x, layers)
        stop = start + len(x)
        for name in layers:
            y = maps[name]
            if name not in values:
                values[name] = np.empty((len(images), y.shape[1]), np.float32)
                positions[name] = np.full((len(images), 2), -1, np.int64)
                if y.ndim > 2:
                    h, w = y.shape[-2:]
                    sizes[name] = (int(h), int(w))
                    if h <= 2 * margin or w <= 2 * margin:
                        raise ValueError(f"layer {name!r} has {h}×{w} positions: no interior at margin {margin}; "
                                         "use a smaller margin or an earlier layer")
                    # all positions at once: the same for any batch size
                    positions[name][:, 0] = rngs[name].integers(margin, h - margin, len(images))
                    positions[name][:, 1] = rngs[name].integers(margin, w - margin, len(images))
            if y.ndim == 2:
                values[name][start:stop] = y.cpu().numpy()
                continue
            ys, xs = (torch.from_numpy(positions[name][start:stop, k]) for k in (0, 1))
            values[name][start:stop] = y[torch.arange(len(y)), :, ys, xs].cpu().numpy()
        del maps, x
    ids = np.arange(len(images), dtype=np.int64)
    return {name: Activations(name, values[name], positions[name], ids, sizes[name]) for name in layers}


def every_position(model: torch.nn.Module, image: np.ndarray, layer: str) -> Activations:
    """The activation at every position of ``layer`` for one image (``H×W×3`` uint8): an activation grid.

    Row ``k`` is position ``(k // W, k % W)``, row-major; ``image`` of every row is 0.
    """
    _check_layers(model, [layer])
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3:
        raise ValueError(f"image must be one H×W×3 uint8 image, got {image.dtype} {image.shape}")
    model.eval()
    y = layer_map(model, images_to_tensor(image[None], next(model.parameters()).device), layer)
    if y.ndim != 4:
        raise ValueError(f"layer {layer!r} is a vector layer: it has no positions to grid")
    h, w = y.shape[-2:]
    values = y[0].permute(1, 2, 0).reshape(h * w, -1).cpu().numpy().astype(np.float32)
    pos = np.stack(np.divmod(np.arange(h * w), w), axis=1).astype(np.int64)
    return Activations(layer, values, pos, np.zeros(h * w, np.int64), (int(h), int(w)))


def receptive_boxes(model: torch.nn.Module, layer: str, map_size: tuple[int, int], *, size: int = 32) -> np.ndarray:
    """``H×W×4`` input boxes ``(y0, y1, x0, x1)`` (end exclusive) seen by each position of ``layer``.

    Measured for every position with :func:`tourlib.featvis.examples.receptive_field`.
    """
    from ..featvis.examples import receptive_field

    h, w = map_size
    return np.array([[receptive_field(model, layer, (y, x), size=size) for x in range(w)] for y in range(h)],
                    dtype=np.int64)
