"""The articles' networks, activation capture by layer name, and training with recording.

Modules (one job each):

=============  ===============================================================
``config``     data set → network family; the ``default`` / ``full`` presets
``models``     the MNIST and CIFAR-10 networks as sequences of named layers
``inputs``     uint8 images → float ``N×C×H×W`` tensors in ``[0, 1]``
``capture``    any layer's activations as float32 ``N×F`` row vectors
``train``      one SGD epoch; the settings that make reruns bit-identical
``metrics``    loss / accuracy, overall and per class, from logits
``run``        :class:`TrainingRun`, the record of a run, and its array form
``runcache``   cache keys and the ``.npz`` run cache
``record``     :func:`record_training`, which ties these together
``events``     abrupt per-class learning events in a recorded history
``bundle``     a run's recorded points joined to images, labels and predictions (``run.data()``)
``opened``     one image's activations through the network (for ``viz.network_figure``)
``torch_layers``  a PyTorch model as :mod:`tourlib.align` layers (``layers_from_torch``)
=============  ===============================================================

Typical use::

    from tourlib.nets import record_training
    run = record_training("mnist", seed=0)          # trains once, then loads from the cache
    run.softmax["train"].shape                      # (E+1, 1000, 10)
    run.accuracy_per_class["test"][:, 7]            # how well 7s are classified, per epoch
"""

from .capture import layer_activations, layer_shapes, resolve_layers
from .events import LearningEvent, events_table, first_epoch_above, learning_events
from .config import SCALES, ScaleSettings, canonical_dataset, dataset_names, resolve_scale, scale_settings
from .inputs import images_to_tensor
from .models import LayeredNet, build_model, layer_names
from .record import TrainingDivergedError, record_training, run_config
from .run import TrainingRun
from .runcache import CODE_VERSION, run_key, run_path
from .bundle import RunData, run_data, tour_kwargs
from .opened import OpenedNetwork, open_network
from .torch_layers import layers_from_torch

__all__ = [
    "CODE_VERSION",
    "LayeredNet",
    "LearningEvent",
    "OpenedNetwork",
    "RunData",
    "layers_from_torch",
    "open_network",
    "run_data",
    "tour_kwargs",
    "SCALES",
    "ScaleSettings",
    "TrainingDivergedError",
    "TrainingRun",
    "build_model",
    "canonical_dataset",
    "dataset_names",
    "events_table",
    "first_epoch_above",
    "images_to_tensor",
    "layer_activations",
    "layer_names",
    "layer_shapes",
    "learning_events",
    "record_training",
    "resolve_layers",
    "resolve_scale",
    "run_config",
    "run_key",
    "run_path",
    "scale_settings",
]
