"""A recorded run hands back its data: points, labels, class names, images and predictions together.

A :class:`~tourlib.nets.TrainingRun` keeps, per split, the *indices* of the images it recorded, not
the images. :func:`run_data` joins them back (loading the split once per process through
:func:`tourlib.data.load_dataset`) and returns a :class:`RunData` for one split, one layer, a range
of epochs and optionally a subset of the recorded points, in the order a tour figure wants::

    data = run_data(run, "test", epochs=None, n=500, seed=0)     # all epochs, 500 random points
    tour_figure(**tour_kwargs(data), axis_labels="classes")      # points, labels, classes, images, …

``TrainingRun.data(split, …)`` is the same call. Shapes: ``points`` is ``T×n×F`` (a range of
epochs) or ``n×F`` (one epoch), ``predictions`` ``T×n`` or ``n``; ``images`` ``n×H×W`` (grey) or
``n×H×W×3`` uint8; ``positions`` the chosen points' positions among the run's recorded points and
``indices`` their indices into the data set's split.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = ["RunData", "run_data", "tour_kwargs", "recorded_subset"]


@dataclass(frozen=True, eq=False)
class RunData:
    """One split's recorded points of a run, joined to their images (see the module docstring)."""

    points: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]
    images: np.ndarray
    predictions: np.ndarray
    times: list
    positions: np.ndarray
    indices: np.ndarray
    split: str
    layer: str

    def __len__(self) -> int:
        return len(self.labels)

    def where(self, mask) -> "RunData":
        """The points for which ``mask`` (length n, bool) is true (or the positions ``mask`` lists)."""
        sel = np.asarray(mask)
        sel = np.flatnonzero(sel) if sel.dtype == bool else sel.astype(np.int64)
        if sel.dtype == bool or (len(sel) and (sel.min() < 0 or sel.max() >= len(self))):
            raise IndexError(f"mask selects points outside 0…{len(self) - 1}")
        axis = self.points.ndim - 2
        return RunData(points=np.take(self.points, sel, axis=axis), labels=self.labels[sel],
                       classes=self.classes, images=self.images[sel],
                       predictions=np.take(self.predictions, sel, axis=self.predictions.ndim - 1),
                       times=self.times, positions=self.positions[sel], indices=self.indices[sel],
                       split=self.split, layer=self.layer)


@lru_cache(maxsize=8)
def _split_images(dataset: str, split: str) -> np.ndarray:
    from ..data import load_dataset

    images, _, _ = load_dataset(dataset, split)
    images.setflags(write=False)
    return images


def recorded_subset(run, n: int, *, seed: int, split: str = "test") -> np.ndarray:
    """``n`` positions among the run's recorded ``split`` points, drawn without replacement by
    ``numpy.random.default_rng(seed)``, sorted (recorded files may be sorted by class, so a
    prefix would not be a sample)."""
    total = len(run.labels[split])
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= total:
        raise ValueError(f"n must be an int in 1…{total} (the run recorded {total} {split} points), got {n!r}")
    return np.sort(np.random.default_rng(seed).choice(total, int(n), replace=False))


def _epoch_selection(epochs, E: int):
    if epochs is None:
        return list(range(E + 1)), False
    if isinstance(epochs, (int, np.integer)) and not isinstance(epochs, bool):
        e = int(epochs) if epochs >= 0 else E + 1 + int(epochs)
        if not 0 <= e <= E:
            raise ValueError(f"epoch {epochs} is outside the run's snapshots 0…{E}")
        return [e], True
    if isinstance(epochs, slice):
        return list(range(E + 1))[epochs], False
    sel = [int(e) for e in epochs]
    bad = [e for e in sel if not 0 <= e <= E]
    if bad or not sel:
        raise ValueError(f"epochs must be snapshots in 0…{E}, got {list(epochs)}")
    return sel, False


def run_data(run, split: str = "test", *, layer: str = "softmax", epochs: Any = None,
             positions: Sequence[int] | None = None, n: int | None = None, seed: int | None = None,
             images: np.ndarray | None = None) -> RunData:
    """The run's recorded ``split`` points with their images, for ``layer`` and ``epochs``.

    ``epochs``: None (every snapshot 0…E, ``T×n×F``), an int (one snapshot, ``n×F``; −1 is the
    last), a slice or a list of snapshots. ``positions`` picks recorded points; or ``n`` and ``seed``
    draw ``n`` of them (:func:`recorded_subset`). ``images``: the split's images, when the run was
    trained on arrays passed in rather than on a data set loaded by name.
    """
    if split not in run.labels:
        raise ValueError(f"split must be one of {sorted(run.labels)}, got {split!r}")
    if layer not in run.layers:
        raise ValueError(f"the run recorded no layer {layer!r}; it has {list(run.layers)} "
                         "(record more with record_training(..., layers=[...]))")
    if positions is not None and n is not None:
        raise ValueError("give positions or n (with seed), not both")
    total = len(run.labels[split])
    if n is not None:
        if seed is None:
            raise ValueError("n points are drawn at random: give seed too")
        pos = recorded_subset(run, n, seed=seed, split=split)
    elif positions is not None:
        pos = np.asarray(positions, dtype=np.int64).reshape(-1)
        if len(pos) and (pos.min() < 0 or pos.max() >= total):
            raise ValueError(f"positions must lie in 0…{total - 1} (the recorded {split} points)")
    else:
        pos = np.arange(total)
    sel, single = _epoch_selection(epochs, run.epochs)
    acts = run.layers[layer][split]
    points = acts[sel[0], pos] if single else acts[sel][:, pos]
    preds = run.predictions[split][sel[0], pos] if single else run.predictions[split][sel][:, pos]
    idx = run.indices[split][pos]
    if images is None:
        split_images = _split_images(run.config["dataset"], split)
    else:
        split_images = np.asarray(images)
    if len(idx) and idx.max() >= len(split_images):
        raise ValueError(f"the run's {split} indices reach {idx.max()}, but the images hold {len(split_images)}; "
                         "pass the images the run was trained on")
    return RunData(points=points, labels=run.labels[split][pos], classes=tuple(run.classes),
                   images=split_images[idx], predictions=preds, times=sel, positions=pos, indices=idx,
                   split=split, layer=layer)


def tour_kwargs(data: RunData | Mapping[str, RunData]) -> dict:
    """Keyword arguments of :func:`tourlib.viz.tour_figure` for one bundle, or for panels
    ``{title: bundle}`` sharing one view: ``X, labels, classes, images, predictions`` and, for a
    range of epochs, ``times``."""
    if isinstance(data, RunData):
        out = dict(X=data.points, labels=data.labels, classes=list(data.classes), images=data.images,
                   predictions=data.predictions)
        if data.points.ndim == 3:
            out["times"] = list(data.times)
        return out
    panels = dict(data)
    if not panels or not all(isinstance(b, RunData) for b in panels.values()):
        raise TypeError("tour_kwargs takes a RunData or a non-empty {panel title: RunData}")
    first = next(iter(panels.values()))
    for name, b in panels.items():
        if b.classes != first.classes or b.points.ndim != first.points.ndim or b.times != first.times:
            raise ValueError(f"panel {name!r} differs from the first in classes, epochs or shape; "
                             "panels share one view and one time axis")
    out = dict(X={k: b.points for k, b in panels.items()}, labels={k: b.labels for k, b in panels.items()},
               classes=list(first.classes), images={k: b.images for k, b in panels.items()},
               predictions={k: b.predictions for k, b in panels.items()})
    if first.points.ndim == 3:
        out["times"] = list(first.times)
    return out
