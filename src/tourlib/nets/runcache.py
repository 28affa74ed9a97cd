"""The on-disk cache of training runs: keys, fingerprints, load and save.

A run is stored as one ``.npz`` of plain arrays (:meth:`TrainingRun.to_arrays`)
at ``<cache>/runs/<dataset>-<key>.npz``, where ``<cache>`` is
:func:`tourlib.store.cache_dir` (``$TOURBOOK_CACHE``) and ``key`` is
:func:`tourlib.store.config_hash` of the run's full configuration: every
argument that changes the result, a fingerprint of the data arrays, the
code version :data:`CODE_VERSION` and the torch version. Files are written
atomically (temporary name, then rename) by :func:`tourlib.store.save_npz`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..store import cache_dir, config_hash, load_npz, save_npz
from .run import TrainingRun

__all__ = ["CODE_VERSION", "run_key", "run_path", "load_run", "save_run"]

#: Bump when a change to tourlib.nets changes what a run records.
CODE_VERSION = "nets-1"


def run_key(config: Mapping[str, Any]) -> str:
    """The cache key of a run configuration (a stable hash of every item)."""
    return config_hash(dict(config))


def run_path(config: Mapping[str, Any]) -> Path:
    """Where the run with this configuration is cached."""
    return cache_dir("runs") / f"{config['dataset']}-{run_key(config)}.npz"


def load_run(config: Mapping[str, Any]) -> TrainingRun | None:
    """The cached run for ``config``, or ``None`` if there is none (or it was written for another config)."""
    arrays = load_npz(run_path(config))
    if arrays is None:
        return None
    stored = json.loads(str(arrays.get("config", "null")))
    if stored != json.loads(json.dumps(dict(config), sort_keys=True)):
        return None
    return TrainingRun.from_arrays(arrays)


def save_run(run: TrainingRun) -> Path:
    """Write ``run`` to its cache file atomically and return the path."""
    return save_npz(run_path(run.config), **run.to_arrays())
