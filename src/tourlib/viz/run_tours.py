"""The book's standard tours of a recorded run, built from what the run hands back (:class:`RunData`).

* :func:`training_tour`: a run's softmax over all epochs, train and test panels sharing one view,
  class corners on their handles (``center=False, extent=1``).
* :func:`softmax_tour`: one split's softmax at one epoch, with a PCA preset and any other presets.
* :func:`attack_tour`: an attack's softmax over its steps (a time axis named "step"); like the
  others it puts the class corners at the ends of the handles (every softmax tour does).

Each passes the bundle's fields to :func:`tourlib.viz.tour_figure` (see
:func:`tourlib.nets.bundle.tour_kwargs`) and returns the figure.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

__all__ = ["training_tour", "softmax_tour", "attack_tour"]


def _tour_kwargs(data):
    from ..nets.bundle import tour_kwargs

    return tour_kwargs(data)


def training_tour(train, test, *, seed: int = 0, title: str | None = None, max_images: int = 1000,
                  size: int = 280, **kwargs):
    """Train and test softmax (two :class:`~tourlib.nets.bundle.RunData` over the same epochs) in two
    panels, "train images" and "test images", sharing one rotation; it opens at the last epoch (the
    trained network: at epoch 0 every point sits at the centre), ``▶ epochs`` plays from the start."""
    from .tour_figure import tour_figure

    kwargs.setdefault("time_start", -1)
    return tour_figure(**_tour_kwargs({"train images": train, "test images": test}), axis_labels="classes",
                       center=False, extent=1.0, seed=seed, title=title, max_images=max_images, size=size,
                       **kwargs)


def softmax_tour(data, *, presets: Mapping[str, Any] | None = None, seed: int = 0, title: str | None = None,
                 **kwargs):
    """One epoch's softmax (``data.points`` ``n×K``) with corners on the handles, and the presets
    ``{"PCA (PC1, PC2)": pca_basis(P), **presets}``."""
    from ..embed import pca_basis
    from .tour_figure import tour_figure

    if data.points.ndim != 2:
        raise ValueError("softmax_tour shows one epoch: take the bundle with epochs=<one snapshot>")
    views = {"PCA (PC1, PC2)": pca_basis(data.points), **(presets or {})}
    return tour_figure(**_tour_kwargs(data), axis_labels="classes", center=False, extent=1.0, presets=views,
                       seed=seed, title=title, **kwargs)


def attack_tour(probs, images, *, source: int, classes, seed: int = 0, title: str | None = None, **kwargs):
    """The softmax of attacked images over the attack's steps (``probs`` ``(S+1)×N×K``); ``images``
    (``N×H×W`` uint8) are the images after the last step."""
    from .tour_figure import tour_figure

    probs = np.asarray(probs)
    if probs.ndim != 3:
        raise ValueError(f"probs must be (steps+1)×N×K, got shape {probs.shape}")
    return tour_figure(probs, np.full(probs.shape[1], int(source)), classes=list(classes), images=images,
                       predictions=probs.argmax(2), times=list(range(probs.shape[0])), time_name="step",
                       axis_labels="classes", center=False, extent=1.0, seed=seed, title=title, **kwargs)
