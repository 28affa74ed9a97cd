"""Coarse groups of classes (CIFAR-10's vehicles and animals), as labels a measure can take."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["CIFAR10_GROUPS", "group_labels"]

#: CIFAR-10's classes in two coarse groups (the book's handles and its vehicles/animals finding).
CIFAR10_GROUPS: dict[str, tuple[str, ...]] = {
    "vehicles": ("airplane", "automobile", "ship", "truck"),
    "animals": ("bird", "cat", "deer", "dog", "frog", "horse"),
}


def group_labels(labels, classes: Sequence[str], groups: Mapping[str, Sequence[str]] = CIFAR10_GROUPS
                 ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Map class codes to group codes: ``(codes, group_names)``, ``codes[i]`` indexing ``group_names``.

    Every class must be in exactly one group (else ``ValueError`` naming it).
    """
    classes = tuple(classes)
    names = tuple(groups)
    of = {}
    for g, members in enumerate(groups.values()):
        for c in members:
            if c not in classes:
                raise ValueError(f"group member {c!r} is not a class; the classes are {', '.join(classes)}")
            if c in of:
                raise ValueError(f"class {c!r} is in two groups")
            of[c] = g
    missing = [c for c in classes if c not in of]
    if missing:
        raise ValueError(f"classes {', '.join(missing)} are in no group; add them to one")
    table = np.array([of[c] for c in classes], dtype=np.int64)
    return table[np.asarray(labels, dtype=np.int64)], names
