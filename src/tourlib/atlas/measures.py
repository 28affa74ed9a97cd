"""Measurements of an atlas: how well attributions name classes, and what a grid leaves out.

``top_class_agreement(A, y)``: the fraction of activations whose strongest attribution
``argmax_c A[i, c]`` is the label ``y_i`` of the image they came from.

``cell_agreement(grid, y)``: the fraction of kept cells whose label (strongest mean
attribution) is the most common image label among the cell's activations.

``attribution_strength(A)``: the median over activations of ``max_c |A[i, c]|``, the size
of an activation's largest effect on a logit (small in early layers, where one position
says little about the class).

``dropped_fraction(grid, n)``: the share of the ``n`` activations that fall in cells with
fewer than ``min_count`` activations and so get no icon.
"""

from __future__ import annotations

import numpy as np

from .grid import Grid

__all__ = ["top_class_agreement", "cell_agreement", "attribution_strength", "dropped_fraction"]


def _labels(labels, n: int) -> np.ndarray:
    y = np.asarray(labels)
    if y.shape != (n,):
        raise ValueError(f"need one label per activation ({n}), got shape {y.shape}")
    return y.astype(np.int64)


def top_class_agreement(attributions, labels) -> float:
    """Fraction of activations whose strongest attribution is their image's label."""
    a = np.asarray(attributions)
    return float(np.mean(np.argmax(a, axis=1) == _labels(labels, len(a))))


def cell_agreement(grid: Grid, labels) -> float:
    """Fraction of the grid's cells labelled (by mean attribution) with their most common image label.

    ``labels[k]`` is the label of activation ``k`` (the rows ``grid.members`` index).
    """
    if not len(grid.members):
        raise ValueError("the grid has no cells (min_count too high for the data?)")
    y = np.asarray(labels).astype(np.int64)
    k = grid.mean_attribution.shape[1]
    common = np.array([np.bincount(y[m], minlength=k).argmax() for m in grid.members])
    return float(np.mean(grid.top_classes(1)[:, 0] == common))


def attribution_strength(attributions) -> float:
    """Median over activations of ``max_c |A[i, c]|``."""
    a = np.asarray(attributions)
    if a.ndim != 2 or not len(a):
        raise ValueError(f"attributions must be a non-empty N×K array, got shape {a.shape}")
    return float(np.median(np.abs(a).max(axis=1)))


def dropped_fraction(grid: Grid, n: int) -> float:
    """Share of ``n`` activations in cells the grid dropped (fewer than ``min_count``)."""
    if n < 1 or grid.count.sum() > n:
        raise ValueError(f"n must be the number of gridded activations (≥ {int(grid.count.sum())}), got {n}")
    return float(1 - grid.count.sum() / n)
