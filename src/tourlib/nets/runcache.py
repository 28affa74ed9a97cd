"""The on-disk cache of training runs: keys, fingerprints, load and save.

A run is stored as one ``.npz`` of plain arrays (:meth:`TrainingRun.to_arrays`)
at ``<cache>/runs/<dataset>-<key>.npz``, where ``<cache>`` is
:func:`tourlib.store.cache_dir` (``$TOURBOOK_CACHE``) and ``key`` is
:func:`tourlib.store.config_hash` of the run's full configuration: every
argument that changes the result, a fingerprint of the data arrays, the
code version :data:`CODE_VERSION` and the torch version. Files are written
atomically (temporary name, then rename) by :func:`tourlib.store.save_npz`.

Loading re-checks the entry: every array the configuration implies must be
there with its shape and dtype (a run missing an array, a folder where the file
should be, an unreadable file are all misses: the run is trained again and the
entry replaced). Saving is best-effort (:func:`tourlib.store.try_save_npz`): a
failed write warns and the finished run is kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..store import cache_dir, config_hash, load_npz, try_save_npz
from .run import SPLITS, TrainingRun

__all__ = ["CODE_VERSION", "run_key", "run_path", "load_run", "save_run"]

#: Bump when a change to tourlib.nets changes what a run records.
CODE_VERSION = "nets-1"


def run_key(config: Mapping[str, Any]) -> str:
    """The cache key of a run configuration (a stable hash of every item)."""
    return config_hash(dict(config))


def run_path(config: Mapping[str, Any]) -> Path:
    """Where the run with this configuration is cached."""
    return cache_dir("runs") / f"{config['dataset']}-{run_key(config)}.npz"


def _shapes_ok(run: TrainingRun, config: Mapping[str, Any]) -> bool:
    """Whether every array of ``run`` has the shape and dtype ``config`` implies."""
    E, n, K = int(config["epochs"]), int(config["n_record"]), len(config["classes"])
    want = {
        "indices": ((n,), "i"), "labels": ((n,), "i"), "predictions": ((E + 1, n), "i"),
        "loss": ((E + 1,), "f"), "accuracy": ((E + 1,), "f"),
        "loss_per_class": ((E + 1, K), "f"), "accuracy_per_class": ((E + 1, K), "f"),
    }
    for attr, (shape, kind) in want.items():
        per_split = getattr(run, attr)
        if set(per_split) != set(SPLITS):
            return False
        if any(a.shape != shape or a.dtype.kind != kind for a in per_split.values()):
            return False
    if run.batch_loss.shape != (E,) or list(run.layers) != list(config["layers"]) or not run.weights:
        return False
    for per_split in run.layers.values():
        if set(per_split) != set(SPLITS) or any(
                a.ndim != 3 or a.shape[:2] != (E + 1, n) or a.dtype != np.float32 for a in per_split.values()):
            return False
    return run.softmax["train"].shape[2] == K


def load_run(config: Mapping[str, Any]) -> TrainingRun | None:
    """The cached run for ``config``, or ``None`` if there is none, it was written for another config,
    or it is malformed (unreadable, an array missing or of the wrong shape)."""
    arrays = load_npz(run_path(config))
    if arrays is None:
        return None
    try:
        stored = json.loads(str(arrays.get("config", "null")))
        if stored != json.loads(json.dumps(dict(config), sort_keys=True)):
            return None
        run = TrainingRun.from_arrays(arrays)
    except (KeyError, ValueError, TypeError, IndexError):
        return None
    return run if _shapes_ok(run, stored) else None


def save_run(run: TrainingRun) -> Path | None:
    """Write ``run`` to its cache file atomically and return the path; ``None`` (and a
    :class:`~tourlib.store.CacheWriteWarning`) if it could not be written."""
    return try_save_npz(run_path(run.config), what=f"the {run.config['dataset']} training run", **run.to_arrays())
