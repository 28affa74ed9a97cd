"""The record of one training run, and its round trip to plain arrays.

Shapes use ``E`` = number of epochs, ``n`` = recorded points per split,
``K`` = 10 classes, ``F`` = a layer's feature count. Snapshot ``e`` is taken
after ``e`` epochs of training; snapshot 0 is the random network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from .models import LayeredNet, build_model

__all__ = ["TrainingRun", "SPLITS"]

SPLITS: tuple[str, str] = ("train", "test")
_SEP = "__"  # joins the parts of a flattened array name, e.g. "layer__fc1__train"


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """What :func:`tourlib.nets.record_training` recorded. Every ``dict`` is keyed by split.

    Attributes
    ----------
    config : dict
        Every setting that produced the run (the cache key is a hash of it).
    classes : tuple of str
        Class names in label order.
    indices : {"train", "test"} → (n,) int64
        Which images of the train / test split were recorded (sorted). The
        recorded train images are part of the training subset.
    labels : {"train", "test"} → (n,) int64
        Their labels.
    layers : layer name → {"train", "test"} → (E+1, n, F) float32
        Activations of each recorded layer at each snapshot, as row vectors
        (conv maps flattened channel-major). ``"softmax"`` is always present.
    predictions : {"train", "test"} → (E+1, n) int64
        Predicted class of each recorded point at each snapshot.
    loss, accuracy : {"train", "test"} → (E+1,) float64
        Mean cross-entropy and accuracy at each snapshot, on the points named by
        ``config["metrics_on"]``: ``"recorded"`` (the n recorded points) or
        ``"all"`` (the whole training subset / the whole test split).
    loss_per_class, accuracy_per_class : {"train", "test"} → (E+1, K) float64
        The same, per true class.
    batch_loss : (E,) float64
        Mean mini-batch loss during each epoch 1..E (the loss SGD saw).
    weights : name → array
        The final network's ``state_dict`` (see :meth:`model`).
    """

    config: dict[str, Any]
    classes: tuple[str, ...]
    indices: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    layers: dict[str, dict[str, np.ndarray]]
    predictions: dict[str, np.ndarray]
    loss: dict[str, np.ndarray]
    accuracy: dict[str, np.ndarray]
    loss_per_class: dict[str, np.ndarray]
    accuracy_per_class: dict[str, np.ndarray]
    batch_loss: np.ndarray
    weights: dict[str, np.ndarray] = field(repr=False)

    @property
    def softmax(self) -> dict[str, np.ndarray]:
        """``{"train", "test"}`` → (E+1, n, K) class probabilities (``layers["softmax"]``)."""
        return self.layers["softmax"]

    @property
    def epochs(self) -> int:
        """Number of training epochs E (there are E+1 snapshots)."""
        return int(self.config["epochs"])

    def model(self) -> LayeredNet:
        """The trained network (final weights), on the CPU, in evaluation mode."""
        net = build_model(self.config["dataset"], self.config["logit_relu"], seed=self.config["seed"])
        net.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in self.weights.items()})
        return net.eval()

    def data(self, split: str = "test", **kwargs):
        """The recorded ``split`` points joined to their images, labels, classes and predictions:
        :func:`tourlib.nets.bundle.run_data` (``layer``, ``epochs``, ``positions`` / ``n`` + ``seed``)."""
        from .bundle import run_data

        return run_data(self, split, **kwargs)

    def __repr__(self) -> str:
        c = self.config
        return (f"TrainingRun(dataset={c['dataset']!r}, epochs={c['epochs']}, n_record={c['n_record']}, "
                f"layers={list(self.layers)}, final test accuracy={self.accuracy['test'][-1]:.3f})")

    # --- plain-array round trip (for the .npz cache) ---------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flatten to a dict of plain arrays (no pickles): names like ``layer__fc1__train``."""
        out: dict[str, np.ndarray] = {
            "config": np.array(json.dumps(self.config, sort_keys=True)),
            "classes": np.array(self.classes, dtype=str),
            "batch_loss": self.batch_loss,
        }
        for attr in ("indices", "labels", "predictions", "loss", "accuracy", "loss_per_class",
                     "accuracy_per_class"):
            for split, arr in getattr(self, attr).items():
                out[_SEP.join((attr, split))] = arr
        for name, per_split in self.layers.items():
            for split, arr in per_split.items():
                out[_SEP.join(("layer", name, split))] = arr
        for name, arr in self.weights.items():
            out[_SEP.join(("weight", name))] = arr
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "TrainingRun":
        """Inverse of :meth:`to_arrays`."""
        fields: dict[str, Any] = {
            "config": json.loads(str(arrays["config"])),
            "classes": tuple(str(c) for c in arrays["classes"]),
            "batch_loss": arrays["batch_loss"],
            "layers": {},
            "weights": {},
        }
        for key, arr in arrays.items():
            parts = key.split(_SEP)
            if parts[0] == "layer":
                fields["layers"].setdefault(parts[1], {})[parts[2]] = arr
            elif parts[0] == "weight":
                fields["weights"][parts[1]] = arr
            elif len(parts) == 2:
                fields.setdefault(parts[0], {})[parts[1]] = arr
        order = fields["config"]["layers"]
        fields["layers"] = {name: fields["layers"][name] for name in order}
        return cls(**fields)
