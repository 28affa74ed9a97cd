"""Which network a data set uses, and how big a training run is (the scale presets).

Two presets exist for every data set:

``"default"``
    Fits a 2-core CPU: a random subset of the training split and fewer epochs.
    Measured on one core of the build machine, the MNIST default run takes about a
    minute, and MNIST + Fashion-MNIST + CIFAR-10 together take under four.
``"full"``
    The article's scale: every training image, 99 epochs. Meant for a GPU.

Both record the same number of points (``n_record`` train and test images), so
every array a run returns has the same structure at either scale; only the
number of epochs (the first axis) differs.

The preset is chosen by the ``scale`` argument of
:func:`tourlib.nets.record_training`, or, when that is ``None``, by the
environment variable ``TOURBOOK_SCALE`` (``default`` when unset).

Optimiser settings (both presets): plain SGD with momentum 0.5, learning rate
0.01 and mini-batches of 64 images, with the cross-entropy loss. The article
does not state its optimiser; these are the settings commonly used with this
(PyTorch-example-sized) MNIST network.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

from ..data.registry import get_spec

__all__ = [
    "SCALES",
    "ScaleSettings",
    "architecture_of",
    "canonical_dataset",
    "dataset_names",
    "resolve_scale",
    "scale_settings",
]

SCALES: tuple[str, ...] = ("default", "full")

# canonical data set name -> architecture name (see tourlib.nets.models)
_ARCHITECTURE: dict[str, str] = {
    "mnist": "mnist",
    "fashion-mnist": "mnist",
    "cifar10": "cifar10",
}

def dataset_names() -> tuple[str, ...]:
    """Canonical names of the data sets that have a network: mnist, fashion-mnist, cifar10."""
    return tuple(_ARCHITECTURE)


def canonical_dataset(name: str) -> str:
    """The canonical name of data set ``name`` (case-insensitive; aliases like ``"fmnist"``).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If the name is unknown or no network is defined for it; the message lists the valid names.
    """
    key = get_spec(name).name  # names and aliases are tourlib.data's; raises UnknownDatasetError (a ValueError)
    if key not in _ARCHITECTURE:
        raise ValueError(f"tourlib.nets has no network for {name!r}; choose one of {', '.join(dataset_names())}")
    return key


def architecture_of(dataset: str) -> str:
    """The network family of ``dataset``: ``"mnist"`` (grey 28×28) or ``"cifar10"`` (RGB 32×32)."""
    return _ARCHITECTURE[canonical_dataset(dataset)]


@dataclass(frozen=True)
class ScaleSettings:
    """The size and optimiser settings of one training run.

    Attributes
    ----------
    epochs : int
        Passes over the training subset. Snapshots are taken before training
        (epoch 0) and after each epoch, so a run has ``epochs + 1`` of them.
    train_size : int or None
        How many training images to train on (a random subset, drawn with the
        run's seed); ``None`` means the whole training split.
    n_record : int
        How many train and how many test images are recorded at each snapshot.
    batch_size : int
        Images per SGD step.
    lr : float
        SGD learning rate.
    momentum : float
        SGD momentum.
    """

    epochs: int
    train_size: int | None
    n_record: int
    batch_size: int
    lr: float
    momentum: float

    def as_dict(self) -> dict:
        """The settings as a plain dict."""
        return asdict(self)


# Per-epoch cost on one core (measured): MNIST-sized nets train ~6000 images/s,
# the CIFAR net ~3800 images/s, so 10000 images × 30 epochs ≈ 50 s for MNIST and
# 10000 × 20 epochs ≈ 55 s for CIFAR-10.
_DEFAULT = {
    "mnist": ScaleSettings(epochs=30, train_size=10_000, n_record=1000, batch_size=64, lr=0.01, momentum=0.5),
    "cifar10": ScaleSettings(epochs=20, train_size=10_000, n_record=1000, batch_size=64, lr=0.01, momentum=0.5),
}
_FULL = ScaleSettings(epochs=99, train_size=None, n_record=1000, batch_size=64, lr=0.01, momentum=0.5)


def resolve_scale(scale: str | None = None) -> str:
    """The scale preset to use: ``scale`` if given, else ``$TOURBOOK_SCALE``, else ``"default"``.

    Raises
    ------
    ValueError
        If the name (from the argument or the environment) is not a known preset.
    """
    source = "scale"
    if scale is None:
        scale = os.environ.get("TOURBOOK_SCALE") or "default"
        source = "TOURBOOK_SCALE"
    if not isinstance(scale, str) or scale.strip().lower() not in SCALES:
        raise ValueError(f"unknown {source} {scale!r}; choose one of {', '.join(SCALES)}")
    return scale.strip().lower()


def scale_settings(dataset: str, scale: str | None = None) -> ScaleSettings:
    """The training settings for ``dataset`` at preset ``scale``.

    ====================  =====================  =====================
    preset                MNIST, Fashion-MNIST   CIFAR-10
    ====================  =====================  =====================
    ``"default"`` (CPU)   10000 images, 30 ep.   10000 images, 20 ep.
    ``"full"`` (article)  all 60000, 99 epochs   all 50000, 99 epochs
    ====================  =====================  =====================

    Both presets record ``n_record=1000`` train and test images and use SGD
    (lr 0.01, momentum 0.5, batches of 64).

    Parameters
    ----------
    dataset : str
        A data set name (see :func:`dataset_names`).
    scale : str or None
        ``"default"`` or ``"full"``; ``None`` reads ``$TOURBOOK_SCALE``
        (see :func:`resolve_scale`).
    """
    arch = architecture_of(dataset)
    return _FULL if resolve_scale(scale) == "full" else _DEFAULT[arch]
