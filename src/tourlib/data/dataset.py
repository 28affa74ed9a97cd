"""The :class:`Dataset` record every loader returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Decoded images with their integer labels and class names.

    Unpacks like a tuple: ``images, labels, classes = load_dataset("mnist", "test")``.

    Attributes
    ----------
    images : ndarray of uint8
        ``N×H×W`` (grey) or ``N×H×W×3`` (RGB, channels last). Row ``i`` is image ``i``.
    labels : ndarray of int64, shape (N,)
        ``labels[i]`` indexes ``classes``: image ``i`` shows a ``classes[labels[i]]``.
    classes : tuple of str
        Class names in label order.
    name : str
        Data set name (``"mnist"``) or, for an image folder, the folder's name.
    split : str or None
        ``"train"``, ``"test"``, another folder split, or ``None``.
    source : str
        The file or folder the images were decoded from (informative only).

    Raises
    ------
    ValueError
        On construction, if the arrays disagree: images not uint8 with 3 or 4
        dimensions, labels not a 1-D int64 array of the same length, a label
        outside ``0 .. len(classes) - 1``, or a class name given twice.
    """

    images: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]
    name: str
    split: str | None
    source: str = ""

    def __post_init__(self) -> None:
        images, labels = self.images, self.labels
        if not isinstance(images, np.ndarray) or images.dtype != np.uint8 or images.ndim not in (3, 4):
            raise ValueError(
                "images must be a uint8 array of shape N×H×W or N×H×W×C, got "
                f"{getattr(images, 'dtype', type(images).__name__)} {getattr(images, 'shape', '')}"
            )
        if not isinstance(labels, np.ndarray) or labels.dtype != np.int64 or labels.ndim != 1:
            raise ValueError(
                "labels must be a 1-D int64 array, got "
                f"{getattr(labels, 'dtype', type(labels).__name__)} {getattr(labels, 'shape', '')}"
            )
        if len(images) != len(labels):
            raise ValueError(f"{len(images)} images but {len(labels)} labels; they must match")
        object.__setattr__(self, "classes", tuple(str(c) for c in self.classes))
        repeated = sorted({c for c in self.classes if self.classes.count(c) > 1})
        if repeated:
            raise ValueError(f"class names must be distinct, but {', '.join(map(repr, repeated))} repeat; "
                             "give every class its own name")
        if len(labels) and (labels.min() < 0 or labels.max() >= len(self.classes)):
            raise ValueError(
                f"labels span {labels.min()}..{labels.max()} but there are only "
                f"{len(self.classes)} classes (valid labels 0..{len(self.classes) - 1})"
            )

    def __iter__(self) -> Iterator:
        """Yield ``images``, ``labels``, ``classes`` (for tuple unpacking)."""
        return iter((self.images, self.labels, self.classes))

    def __len__(self) -> int:
        """Number of images."""
        return len(self.labels)

    def __repr__(self) -> str:
        split = f", split={self.split!r}" if self.split is not None else ""
        return (
            f"Dataset(name={self.name!r}{split}, images={self.images.dtype}{list(self.images.shape)}, "
            f"classes={len(self.classes)})"
        )
