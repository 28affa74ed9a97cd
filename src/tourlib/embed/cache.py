"""The on-disk cache of embedding series: ``<cache>/embeddings/<method>-<key>.npz``.

``<cache>`` is :func:`tourlib.store.cache_dir`; ``key`` is
:func:`tourlib.store.config_hash` of the method's parameters, a fingerprint of
the input array (dtype, shape and bytes) and the versions of the libraries that
computed it. Files are written atomically by :func:`tourlib.store.save_npz` and
hold the configuration as JSON next to the array; a file whose stored
configuration differs (a hash collision, an edited file) counts as a miss. A failed write
(full disk, unwritable ``TOURBOOK_CACHE``) warns and the computed series is returned.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np

from ..store import cache_dir, config_hash, load_npz, try_save_npz

__all__ = ["embedding_path", "cached_series"]


def embedding_path(method: str, config: Mapping[str, Any]) -> Path:
    """Where the series computed by ``method`` with ``config`` is cached."""
    return cache_dir("embeddings") / f"{method}-{config_hash(dict(config))}.npz"


def cached_series(method: str, config: Mapping[str, Any], compute: Callable[[], np.ndarray],
                  cache: bool = True) -> np.ndarray:
    """``compute()`` (a T×n×2 array), or its cached result for the same ``method`` and ``config``."""
    if not cache:
        return compute()
    path = embedding_path(method, config)
    text = json.dumps(dict(config), sort_keys=True, default=str)
    stored = load_npz(path)
    if stored is not None and "embedding" in stored and str(stored.get("config")) == text:
        emb = stored["embedding"]
        width = int(config.get("n_components", 2))   # layer UMAPs may have 15 (or 1) dimensions
        if emb.ndim == 3 and emb.shape[2] == width and emb.dtype.kind == "f" and np.isfinite(emb).all():
            return emb
        # malformed entry (wrong shape or dtype, NaN): compute again and replace it
    result = compute()
    try_save_npz(path, what=f"the {method} series", embedding=result, config=np.array(text))
    return result
