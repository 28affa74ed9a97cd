"""Per-layer separation of every class from the rest, averaged over classes.

:func:`mean_class_separation` gives, for each activation (``name → N×F``), the mean over the classes
``c`` of :func:`tourlib.nets.separation.centroid_separation` of class ``c`` against all other
points (distance between the two centroids in units of the groups' spread). Comparable across data
sets when taken at the same kind of layer (e.g. the input and the last convolutional activation).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from .separation import centroid_separation

__all__ = ["mean_class_separation", "best_layer"]


def mean_class_separation(activations: Mapping[str, np.ndarray], labels) -> dict[str, float]:
    """``{name: mean_c centroid_separation(A, labels == c)}`` over the classes present in ``labels``."""
    y = np.asarray(labels).reshape(-1)
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError("need points of at least two classes to separate")
    out = {}
    for name, A in activations.items():
        A = np.asarray(A).reshape(len(A), -1)
        if len(A) != len(y):
            raise ValueError(f"activation {name!r} has {len(A)} rows for {len(y)} labels")
        out[name] = float(np.mean([centroid_separation(A, y == c) for c in classes]))
    return out


def best_layer(values: Mapping[str, float], among=None) -> str:
    """The name with the largest value (``among``: only these names)."""
    names = [n for n in values if among is None or n in among]
    if not names:
        raise ValueError("no layer to choose from")
    return max(names, key=lambda n: values[n])
