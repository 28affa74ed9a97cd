"""The on-disk cache of layer sequences: :func:`layer_sequence` computed once, then loaded.

Aligning every layer of a network at several epochs (:func:`~tourlib.align.layer_sequence`) takes
minutes for the book's convolutional networks and is the same every time a chapter runs.
:func:`cached_layer_sequence` stores the finished :class:`LayerSequence` as one ``.npz`` of plain
arrays at ``<cache>/layers/sequence-<key>.npz`` (``<cache>``: :func:`tourlib.store.cache_dir`,
``$TOURBOOK_CACHE``), where ``key`` is :func:`tourlib.store.config_hash` of everything that
determines the result:

* a fingerprint of the input rows ``X`` (:func:`tourlib.store.array_fingerprint`),
* a fingerprint of every network (:func:`networks_fingerprint`: each layer's type and fields,
  weight arrays by their bytes, functions by their qualified name),
* ``k``, ``seed``, the epoch labels, and :data:`SEQUENCE_VERSION` (bump it when a change to
  :mod:`tourlib.align` changes what a sequence holds).

A sequence is written only when it is complete (after :func:`layer_sequence` returns), through
:func:`tourlib.store.try_save_npz` (temporary name, then rename): an interrupted computation leaves
nothing behind, and a failed write warns and returns the result. Loading checks every array
against the key's configuration (shapes of the points, one frame per activation and epoch of the
right width); an entry that does not pass is a miss, recomputed and replaced.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..store import array_fingerprint, cache_dir, config_hash, load_npz, try_save_npz
from .layer_sequence import LayerSequence, layer_sequence

__all__ = ["SEQUENCE_VERSION", "networks_fingerprint", "sequence_path", "cached_layer_sequence",
           "sequence_to_arrays", "sequence_from_arrays"]

#: Bump when a change to tourlib.align changes what a layer sequence holds.
SEQUENCE_VERSION = "layer-sequence-1"


def _value_fingerprint(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return array_fingerprint(value)
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    if isinstance(value, (list, tuple)):
        return [_value_fingerprint(v) for v in value]
    return repr(value)


def networks_fingerprint(networks) -> str:
    """A digest of one network (a list of :mod:`tourlib.align.layers`) or a list of them, one per epoch.

    Each layer counts with its type and its dataclass fields (weights by their bytes, a
    component-wise function by its qualified name), so a changed weight changes the digest."""
    if len(networks) and not isinstance(networks[0], (list, tuple)):
        networks = [networks]
    described = []
    for net in networks:
        for layer in net:
            if not dataclasses.is_dataclass(layer):
                raise TypeError(f"cannot fingerprint a {type(layer).__name__}: the cache keys tourlib.align "
                                "layers (dataclasses); call layer_sequence directly for other layers")
            fields = {f.name: _value_fingerprint(getattr(layer, f.name))
                      for f in dataclasses.fields(layer) if f.init}
            described.append([type(layer).__name__, fields])
    return config_hash({"networks": described}, length=32)


def _config(X: np.ndarray, networks, k: int, epochs, seed: int) -> dict:
    E = len(networks) if len(networks) and isinstance(networks[0], (list, tuple)) else 1
    labels = [str(x) for x in (epochs if epochs is not None else range(E))]
    return {"version": SEQUENCE_VERSION, "X": array_fingerprint(np.ascontiguousarray(X, dtype=np.float64)),
            "shape": list(X.shape), "networks": networks_fingerprint(networks), "k": int(k), "seed": int(seed),
            "epochs": labels}


def sequence_path(config: dict) -> Path:
    """Where the sequence with this configuration (see the module doc) is cached."""
    return cache_dir("layers") / f"sequence-{config_hash(config)}.npz"


def sequence_to_arrays(seq: LayerSequence) -> dict[str, np.ndarray]:
    """The sequence as plain arrays (no pickles): ``frames`` become ``frame_<epoch>_<activation>``."""
    out = {"points": seq.points, "retained": seq.retained, "sigma": seq.sigma,
           "widths": np.asarray(seq.widths, dtype=np.int64)}
    for name in ("layers", "names", "kinds", "epochs"):
        out[name] = np.asarray([str(v) for v in getattr(seq, name)], dtype=np.str_)
    for e, per_epoch in enumerate(seq.frames):
        for j, F in enumerate(per_epoch):
            out[f"frame_{e}_{j}"] = F
    return out


def sequence_from_arrays(arrays: dict, config: dict) -> LayerSequence | None:
    """The :class:`LayerSequence` of :func:`sequence_to_arrays`, or None if an array is missing or
    does not fit ``config`` (its shape, epochs and k)."""
    try:
        points = np.asarray(arrays["points"], dtype=np.float64)
        E, S, N, k = points.shape
        if (E != len(config["epochs"]) or N != config["shape"][0] or k != config["k"]
                or [str(e) for e in arrays["epochs"]] != config["epochs"]):
            return None
        widths = [int(w) for w in arrays["widths"]]
        layers, names, kinds = ([str(v) for v in arrays[n]] for n in ("layers", "names", "kinds"))
        if len(widths) != S or len(layers) != S - 1 or len(names) != S - 1 or len(kinds) != S - 1:
            return None
        if widths[0] != config["shape"][1]:
            return None
        retained, sigma = np.asarray(arrays["retained"]), np.asarray(arrays["sigma"])
        if retained.shape != (E, S) or sigma.shape != (E, S):
            return None
        frames = [[np.asarray(arrays[f"frame_{e}_{j}"], dtype=np.float64) for j in range(S)] for e in range(E)]
        if any(F.shape != (widths[j], k) for per_epoch in frames for j, F in enumerate(per_epoch)):
            return None
    except (KeyError, ValueError, TypeError):
        return None
    return LayerSequence(points=points, layers=layers, names=names, kinds=kinds, epochs=list(config["epochs"]),
                         retained=retained, sigma=sigma, widths=widths, frames=frames)


def cached_layer_sequence(X, networks, *, k: int = 16, epochs: Sequence[Any] | None = None,
                          seed: int = 0) -> LayerSequence:
    """:func:`~tourlib.align.layer_sequence` (same arguments, same result), loaded from the cache
    when it was computed before (see the module doc), else computed and then cached."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be N×p input rows, got shape {X.shape}")
    if isinstance(k, bool) or int(k) != k or k < 2:
        raise ValueError(f"k must be a whole number ≥ 2, got {k}")
    config = _config(X, networks, k, epochs, seed)
    path = sequence_path(config)
    arrays = load_npz(path)
    if arrays is not None:
        try:
            stored = json.loads(str(arrays.get("config", "null")))
        except ValueError:
            stored = None
        if stored == config:
            seq = sequence_from_arrays(arrays, config)
            if seq is not None:
                return seq
    seq = layer_sequence(X, networks, k=k, epochs=epochs, seed=seed)
    try_save_npz(path, what="the layer sequence", config=np.array(json.dumps(config, sort_keys=True)),
                 **sequence_to_arrays(seq))
    return seq
