"""One activation atlas, end to end: collect → attribute → layout → grids → icons, with a cache.

:func:`build_atlas` runs the stages of :mod:`tourlib.atlas` for one layer and returns an
:class:`Atlas`: the activations, their attributions, the 2-D layout, one
:class:`~tourlib.atlas.grid.Grid` per grid size (coarse to fine, the zoom levels) and
the icons of every kept cell. ``timings`` gives each stage's seconds.

The expensive results (collected activations, attributions, icons) are cached in
``TOURBOOK_CACHE/atlas`` under a hash of everything that produced them (the model's
weights, the images, every parameter), written only when complete; the layout is
cached by :func:`tourlib.embed.layers.layer_umaps`. A failed cache write warns and
returns the result.
"""

from __future__ import annotations

import inspect
import json
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import torch

from ..memory import release_memory
from ..store import array_fingerprint, cache_dir, config_hash, load_npz, try_save_npz
from .attribute import attribute
from .collect import Activations, collect_layers
from .grid import Grid, grid_cells
from .icons import Icons, cell_icons
from .layout import layout_2d

__all__ = ["Atlas", "ATLAS_CODE_VERSION", "build_atlas", "cached_collect", "cached_attribute", "cached_icons",
           "model_fingerprint", "subset_atlas"]

#: Part of every cache key: bump when a stage's computation changes.
ATLAS_CODE_VERSION = 1


@dataclass
class Atlas:
    """An atlas of ``layer``: ``grids[i]`` and ``icons[i]`` are zoom level ``i`` (coarse to fine)."""

    layer: str
    acts: Activations
    attributions: np.ndarray      # N×K
    xy: np.ndarray                # N×2 in [0, 1]²
    grids: list[Grid]
    icons: list[Icons]
    timings: dict = field(default_factory=dict)


def model_fingerprint(model: torch.nn.Module) -> str:
    """A digest of the model's parameters and buffers (its weights), in state-dict order."""
    return array_fingerprint(*[t.detach().cpu().numpy() for t in model.state_dict().values()])


def _cached(kind: str, config: dict, compute: Callable[[], dict], cache: bool) -> dict:
    if cache:
        text = json.dumps(config, sort_keys=True, default=str)
        path = cache_dir("atlas") / f"{kind}-{config_hash(config)}.npz"
        stored = load_npz(path)
        if stored is not None and str(stored.pop("config", "")) == text:
            return stored
    result = compute()
    release_memory()                    # the stage's freed buffers back to the system (tourlib.memory)
    if cache:
        try_save_npz(path, what=f"the atlas {kind}", config=np.array(text), **result)
    return result


def cached_collect(model, images: np.ndarray, layers: Sequence[str], *, seed: int, margin: int = 1,
                   cache: bool = True) -> dict[str, Activations]:
    """:func:`~tourlib.atlas.collect.collect_layers`, cached by model, images, layers, seed and margin."""
    layers = list(layers)
    config = {"code": ATLAS_CODE_VERSION, "model": model_fingerprint(model), "images": array_fingerprint(images),
              "layers": layers, "seed": int(seed), "margin": int(margin)}

    def compute():
        acts = collect_layers(model, images, layers, seed=seed, margin=margin)
        out = {}
        for i, name in enumerate(layers):
            a = acts[name]
            out.update({f"values{i}": a.values, f"positions{i}": a.positions, f"image{i}": a.image,
                        f"size{i}": np.array(a.map_size)})
        return out

    d = _cached("collect", config, compute, cache)
    return {name: Activations(name, d[f"values{i}"], d[f"positions{i}"], d[f"image{i}"],
                              tuple(int(s) for s in d[f"size{i}"])) for i, name in enumerate(layers)}


def cached_attribute(model, images: np.ndarray, acts: Activations, *, relax: bool = True,
                     cache: bool = True) -> np.ndarray:
    """:func:`~tourlib.atlas.attribute.attribute`, cached by model, images and the activations' positions."""
    config = {"code": ATLAS_CODE_VERSION, "model": model_fingerprint(model), "images": array_fingerprint(images),
              "layer": acts.layer, "positions": array_fingerprint(acts.positions, acts.image), "relax": bool(relax)}
    return _cached("attribution", config, lambda: {"a": attribute(model, images, acts, relax=relax)}, cache)["a"]


def cached_icons(model, layer: str, vectors: np.ndarray, *, cache: bool = True, **kw) -> Icons:
    """:func:`~tourlib.atlas.icons.cell_icons`, cached by model, layer, directions and every keyword."""
    bound = inspect.signature(cell_icons).bind(model, layer, vectors, **kw)
    bound.apply_defaults()                 # the key holds every setting, defaults included
    settings = {k: v for k, v in bound.arguments.items() if k not in ("model", "layer", "vectors")}
    config = {"code": ATLAS_CODE_VERSION, "model": model_fingerprint(model), "layer": layer,
              "vectors": array_fingerprint(np.asarray(vectors, np.float32)),
              "kw": {k: (array_fingerprint(np.asarray(v)) if isinstance(v, np.ndarray) else
                         [int(x) for x in np.atleast_1d(v)] if k == "seeds" else v) for k, v in settings.items()}}

    def compute():
        ic = cell_icons(model, layer, vectors, **kw)
        return {"images": ic.images, "score": ic.score, "start": ic.start_score, "seed": ic.seed,
                "box": np.array(ic.box)}

    d = _cached("icons", config, compute, cache)
    return Icons(d["images"], d["score"], d["start"], d["seed"], tuple(int(b) for b in d["box"]))


def subset_atlas(model, acts: Activations, attributions: np.ndarray, keep, *, seed: int, levels=(20,),
                 min_count: int = 3, xy: np.ndarray | None = None, icon_kw: dict | None = None,
                 cache: bool = True) -> Atlas:
    """An atlas of the activations ``keep`` (a boolean mask or indices) of an existing collection.

    The layout is computed afresh for the subset unless ``xy`` (``len(keep)×2`` in
    ``[0, 1]²``, e.g. a class comparison's) is given.
    """
    keep = np.asarray(keep)
    idx = np.flatnonzero(keep) if keep.dtype == bool else keep.astype(np.int64)
    if len(idx) < 10:
        raise ValueError(f"only {len(idx)} activations selected: an atlas needs at least 10 "
                         "(loosen the filter or collect more images)")
    sub = Activations(acts.layer, acts.values[idx], acts.positions[idx], acts.image[idx], acts.map_size)
    timings = {}
    t = time.perf_counter()
    if xy is None:
        xy = layout_2d(sub.values, seed=seed, cache=cache)
    timings["layout"] = time.perf_counter() - t
    return _finish(model, sub, attributions[idx], np.asarray(xy, np.float32), levels, min_count, icon_kw or {},
                   cache, timings)


def _finish(model, acts, attr, xy, levels, min_count, icon_kw, cache, timings) -> Atlas:
    t = time.perf_counter()
    grids = [grid_cells(xy, acts.values, attr, size=int(g), min_count=min_count) for g in levels]
    timings["grid"] = time.perf_counter() - t
    t = time.perf_counter()
    icons = [cached_icons(model, acts.layer, g.mean_activation, cache=cache, **icon_kw) for g in grids]
    timings["icons"] = time.perf_counter() - t
    return Atlas(acts.layer, acts, attr, xy, grids, icons, timings)


def build_atlas(model, images: np.ndarray, layer: str, *, seed: int, levels: Sequence[int] = (10, 20, 40),
                min_count: int = 3, whitened: bool = False, acts: Activations | None = None,
                icon_kw: dict | None = None, cache: bool = True) -> Atlas:
    """The atlas of ``layer`` over ``images`` (see the module docstring).

    ``acts`` reuses a collection (e.g. from :func:`cached_collect` over several layers);
    ``icon_kw`` goes to :func:`~tourlib.atlas.icons.cell_icons` (``steps``, ``seeds``,
    ``power``, ``whiten``, ...). ``levels`` are the grid sizes, coarse to fine.
    """
    levels = [int(g) for g in levels]
    if not levels or any(g < 1 for g in levels) or levels != sorted(levels):
        raise ValueError(f"levels must be increasing positive grid sizes, coarse to fine, got {levels!r}")
    timings = {}
    t = time.perf_counter()
    if acts is None:
        acts = cached_collect(model, images, [layer], seed=seed, cache=cache)[layer]
    elif acts.layer != layer:
        raise ValueError(f"acts were collected at {acts.layer!r}, not {layer!r}")
    timings["collect"] = time.perf_counter() - t
    t = time.perf_counter()
    attr = cached_attribute(model, images, acts, cache=cache)
    timings["attribute"] = time.perf_counter() - t
    t = time.perf_counter()
    xy = layout_2d(acts.values, seed=seed, whitened=whitened, cache=cache)
    timings["layout"] = time.perf_counter() - t
    return _finish(model, acts, attr, xy, levels, min_count, icon_kw or {}, cache, timings)
