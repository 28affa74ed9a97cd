"""Seeded, class-balanced subsets of a data set (the points a figure shows)."""

from __future__ import annotations

import numpy as np

__all__ = ["stratified_indices"]


def stratified_indices(labels, per_class: int, *, seed: int) -> np.ndarray:
    """``per_class`` random indices of every class in ``labels``, sorted, drawn with ``seed``.

    Useful when a split is stored sorted by class (the image-folder CIFAR-10 is), where
    the first ``n`` images would all be airplanes. Raises ``ValueError`` if a class has
    fewer than ``per_class`` examples (naming it) or the arguments are not ints ≥ 0.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D array of class codes, got {labels.dtype} {labels.shape}")
    if isinstance(per_class, bool) or not isinstance(per_class, (int, np.integer)) or per_class < 1:
        raise ValueError(f"per_class must be a positive int, got {per_class!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    rng = np.random.default_rng(seed)
    picks = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        if len(members) < per_class:
            raise ValueError(f"class {int(c)} has only {len(members)} examples, fewer than per_class={per_class}")
        picks.append(rng.choice(members, size=per_class, replace=False))
    return np.sort(np.concatenate(picks))
