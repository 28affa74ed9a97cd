"""A training run's networks at a few moments: untrained, early epochs, and the end.

A cached run of ``e`` epochs is, bit for bit, the first ``e`` epochs of a longer run with the same
seed; :func:`training_trajectory` keeps the networks at epochs 0, ``early`` and the last, and
measures that claim: ``gap`` is the largest difference between each short run's last softmax and
the long run's softmax at the same epoch (0 when bit-identical).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["Trajectory", "training_trajectory", "LayerTour", "layer_tour_inputs"]


@dataclass(frozen=True, eq=False)
class Trajectory:
    """``run`` (all epochs), ``epochs`` (the kept snapshots), ``models`` (one network per kept
    snapshot), ``gap`` (see the module docstring)."""

    run: object
    epochs: list
    models: list
    gap: float


def training_trajectory(dataset: str, *, seed: int, threads: int = 1, early: Sequence[int] = (1, 5),
                        **record_kwargs) -> Trajectory:
    """The run of ``dataset`` and its networks at epochs 0, ``early`` … and the last (all cached)."""
    from .models import build_model
    from .record import record_training

    final = record_training(dataset, seed=seed, threads=threads, progress=False, **record_kwargs)
    early = [int(e) for e in early]
    bad = [e for e in early if not 0 < e < final.epochs]
    if bad:
        raise ValueError(f"early epochs must lie strictly between 0 and the run's {final.epochs} epochs, got {bad}")
    short_kwargs = {k: v for k, v in record_kwargs.items() if k != "epochs"}
    short = {e: record_training(dataset, seed=seed, epochs=e, threads=threads, progress=False, **short_kwargs)
             for e in early}
    logit_relu = final.config["logit_relu"]
    models = [build_model(dataset, logit_relu, seed=seed), *(short[e].model() for e in early), final.model()]
    gap = max((float(np.abs(short[e].softmax["test"][-1] - final.softmax["test"][e]).max()) for e in early),
              default=0.0)
    return Trajectory(run=final, epochs=[0, *early, final.epochs], models=models, gap=gap)


@dataclass(frozen=True, eq=False)
class LayerTour:
    """What a layer tour of a trajectory needs: ``data`` (the recorded points' bundle, last epoch),
    ``X`` (their input pixels as ``n×d`` float64 rows), ``networks`` (one list of
    :mod:`tourlib.align` layers per kept epoch), ``sequence`` (:func:`tourlib.align.layer_sequence`, cached)
    and ``predictions`` (``len(epochs)×n``)."""

    data: object
    X: np.ndarray
    networks: list
    sequence: object
    predictions: np.ndarray


def layer_tour_inputs(trajectory: Trajectory, *, n: int, k: int, seed: int, split: str = "test") -> LayerTour:
    """``n`` recorded ``split`` points (drawn with ``seed``) through every network of ``trajectory``,
    ``k`` aligned coordinates per activation (see :func:`tourlib.align.layer_sequence`; the sequence
    is cached, :func:`tourlib.align.cached_layer_sequence`)."""
    from ..align import cached_layer_sequence
    from .inputs import images_to_tensor
    from .torch_layers import layers_from_torch

    data = trajectory.run.data(split, epochs=-1, n=n, seed=seed)
    x = images_to_tensor(data.images)
    X = x.reshape(len(data), -1).numpy().astype(np.float64)
    nets = [layers_from_torch(m, tuple(x.shape[1:])) for m in trajectory.models]
    seq = cached_layer_sequence(X, nets, k=k, epochs=trajectory.epochs, seed=seed)
    preds = trajectory.run.predictions[split][trajectory.epochs][:, data.positions]
    return LayerTour(data=data, X=X, networks=nets, sequence=seq, predictions=preds)
