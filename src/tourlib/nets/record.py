"""Training with recording: :func:`record_training`.

A run trains one of the article's networks (:mod:`tourlib.nets.models`) with
SGD (:mod:`tourlib.nets.train`) and, before training (snapshot 0) and after
every epoch, records for fixed subsets of train and test images:

* the softmax (always) and, on request, any other layer's activations;
* predictions, loss and accuracy, overall and per class (:mod:`tourlib.nets.metrics`).

What is random, and from which seed (all from the one ``seed`` argument):

* the weight initialisation: ``torch.manual_seed(seed)`` in a forked RNG;
* the training subset, and the recorded train / test points: numpy
  ``Generator`` from the first child of ``SeedSequence(seed)``;
* the order of images in each epoch: the second child.

The run is cached (:mod:`tourlib.nets.runcache`); calling again with the same
configuration loads the arrays instead of training. Caching is best-effort: if
the run cannot be written (full disk, file-size limit, unwritable
``TOURBOOK_CACHE``) it is returned with a :class:`~tourlib.store.CacheWriteWarning`.

A run whose loss becomes NaN or infinite stops at once with
:class:`TrainingDivergedError` (naming the epoch and the likely cause); nothing
of it is cached.
"""

from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np
import torch
from tqdm import tqdm

from . import train as _train
from .capture import layer_shapes, resolve_layers, trace_batch
from .config import architecture_of, canonical_dataset, scale_settings
from .inputs import channel_stats, check_images, images_to_tensor
from .metrics import classification_metrics
from .models import IMAGE_SHAPES, LayeredNet, build_model, layer_names
from .run import SPLITS, TrainingRun
from ..store import array_fingerprint
from .runcache import CODE_VERSION, load_run, save_run

__all__ = ["record_training", "run_config", "layer_list", "MAX_RECORD_BYTES", "TrainingDivergedError"]

N_CLASSES = 10
#: Refuse runs whose recorded activations would exceed this many bytes (set
#: ``max_record_bytes`` to go beyond; the arrays are kept in memory and cached).
MAX_RECORD_BYTES = 4 * 1024**3
_EVAL_BATCH = 500


class TrainingDivergedError(FloatingPointError):
    """The loss of a training run became NaN or infinite; the run was stopped and not cached."""


def record_training(
    dataset: str,
    *,
    seed: int,
    data: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
    classes: Sequence[str] | None = None,
    scale: str | None = None,
    epochs: int | None = None,
    train_size: int | str | None = None,
    n_record: int | None = None,
    lr: float | None = None,
    momentum: float | None = None,
    batch_size: int | None = None,
    layers: str | Sequence[str] = ("softmax",),
    logit_relu: bool = True,
    normalize: bool = False,
    metrics_on: str = "recorded",
    device: str | None = None,
    threads: int = 1,
    cache: bool = True,
    progress: bool = True,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> TrainingRun:
    """Train ``dataset``'s network and record its activations at every epoch (or load the cached run).

    Parameters
    ----------
    dataset : str
        ``"mnist"``, ``"fashion-mnist"`` or ``"cifar10"``: picks the network and
        the scale preset, and, when ``data`` is ``None``, the data to load with
        :func:`tourlib.data.load_dataset` (which reads ``$TOURBOOK_DATA``).
    seed : int
        The one seed of the run (see the module docstring).
    data : (train_images, train_labels, test_images, test_labels), optional
        Arrays to use instead of loading ``dataset``: uint8 images ``N×28×28``
        (MNIST networks) or ``N×32×32×3`` (CIFAR-10), integer labels 0..9.
    classes : sequence of 10 str, optional
        Class names (default: the loader's names, or ``"0"`` .. ``"9"`` with ``data``).
    scale : "default", "full" or None
        The preset supplying every setting left as ``None`` below; ``None`` reads
        ``$TOURBOOK_SCALE`` (see :func:`tourlib.nets.scale_settings`).
    epochs : int
        Training epochs E ≥ 1; there are E+1 snapshots (0 = before training).
    train_size : int or "all"
        How many training images to train on, drawn at random from the train split.
    n_record : int
        How many train images (from the training subset) and how many test images
        are recorded. At most ``train_size`` and the test split's size.
    lr, momentum, batch_size
        SGD settings.
    layers : "all", a layer name, or names
        Layers whose activations are recorded; ``"softmax"`` is always added.
        Every layer is 10690 floats per image for the MNIST network and 22568
        for CIFAR-10: with 1000 points per split and 31 snapshots that is 2.7 GB
        and 5.6 GB. Record fewer points (the article used 500) or epochs, or
        name the layers you need.
    logit_relu : bool
        MNIST networks: keep the ReLU on the logits (the original network), or
        not (the ablation). Ignored for CIFAR-10, which has none.
    normalize : bool
        Normalise inputs per channel by the training subset's pixel mean and
        std (stored in the model). Default: plain ``pixel / 255`` in ``[0, 1]``.
    metrics_on : "recorded" or "all"
        Loss and accuracy (overall and per class) are computed on the recorded
        points (default, costs nothing extra) or on the whole training subset and
        the whole test split (one more forward pass over both at every snapshot).
    device : str, optional
        Defaults to ``"cuda"`` when available, else ``"cpu"``. Results have the
        same structure on any device (values differ in rounding, so the device
        type is part of the cache key).
    threads : int
        PyTorch CPU threads while training (fixed for bit-identical reruns;
        part of the cache key).
    cache : bool
        Load the run from / save it to the cache. ``False`` always trains and
        writes nothing.
    progress : bool
        Show a tqdm progress bar over epochs while training.
    max_record_bytes : int
        Refuse a run whose recorded activations would be larger than this.

    Returns
    -------
    TrainingRun

    Raises
    ------
    ValueError
        On an unknown data set, scale, layer or ``metrics_on``; on settings out
        of range (epochs < 1, n_record larger than the data, a learning rate
        that is not a finite positive number, ...); on a device this PyTorch
        cannot use (``"cuda"`` without CUDA); on image or label arrays of the
        wrong dtype, shape or length; on repeated class names.
    TrainingDivergedError
        If the loss becomes NaN or infinite (a learning rate too high, most
        often); the message names the epoch. Nothing is cached.

    Warns
    -----
    CacheWriteWarning
        If the finished run could not be cached (it is returned all the same).
    """
    config, arrays, device = _prepare(
        dataset, seed=seed, data=data, classes=classes, scale=scale, epochs=epochs,
        train_size=train_size, n_record=n_record, lr=lr, momentum=momentum, batch_size=batch_size,
        layers=layers, logit_relu=logit_relu, normalize=normalize, metrics_on=metrics_on,
        device=device, threads=threads, max_record_bytes=max_record_bytes)
    if cache:
        cached = load_run(config)
        if cached is not None:
            return cached
    with _train.reproducible(config["threads"], device.type):
        run = _record(config, *arrays, device=device, progress=progress)
    if cache:
        save_run(run)
    return run


def run_config(dataset: str, **kwargs) -> dict:
    """The configuration :func:`record_training` would record (and hash for its cache key), without training.

    Takes the same arguments as :func:`record_training` except ``cache`` and
    ``progress``, and checks them the same way.
    """
    return _prepare(dataset, **kwargs)[0]


def _prepare(
    dataset: str,
    *,
    seed: int,
    data=None,
    classes=None,
    scale=None,
    epochs=None,
    train_size=None,
    n_record=None,
    lr=None,
    momentum=None,
    batch_size=None,
    layers=("softmax",),
    logit_relu=True,
    normalize=False,
    metrics_on="recorded",
    device=None,
    threads=1,
    max_record_bytes=MAX_RECORD_BYTES,
):
    """Check every argument; return the run's config, its four data arrays, and the torch device."""
    dataset = canonical_dataset(dataset)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    settings = scale_settings(dataset, scale).as_dict()
    given = {"epochs": epochs, "train_size": train_size, "n_record": n_record, "lr": lr,
             "momentum": momentum, "batch_size": batch_size}
    settings.update({k: v for k, v in given.items() if v is not None})
    _check_settings(settings, metrics_on, threads)
    device = _train.check_device(device)

    train_images, train_labels, test_images, test_labels, classes = _get_data(dataset, data, classes)
    n_train = len(train_labels)
    if settings["train_size"] in (None, "all"):
        settings["train_size"] = n_train
    _check_sizes(settings, n_train, len(test_labels))

    logit_relu = bool(logit_relu) and architecture_of(dataset) == "mnist"
    names = layer_list(dataset, logit_relu, layers)
    _check_record_size(dataset, logit_relu, names, settings, max_record_bytes)

    config = {
        "code_version": CODE_VERSION,
        "torch_version": torch.__version__,
        "dataset": dataset,
        "data": array_fingerprint(train_images, train_labels, test_images, test_labels),
        "classes": list(classes),
        "seed": int(seed),
        **{k: int(settings[k]) for k in ("epochs", "train_size", "n_record", "batch_size")},
        "lr": float(settings["lr"]),
        "momentum": float(settings["momentum"]),
        "layers": list(names),
        "logit_relu": logit_relu,
        "normalize": bool(normalize),
        "metrics_on": metrics_on,
        "device": device.type,
        "threads": int(threads),
    }
    return config, (train_images, train_labels, test_images, test_labels), device


def layer_list(dataset: str, logit_relu: bool, layers: str | Sequence[str]) -> tuple[str, ...]:
    """The layers a run records: ``layers`` (``"all"``, a name or names) plus ``"softmax"``, in layer order."""
    names = layer_names(dataset, logit_relu)
    if isinstance(layers, str):
        layers = names if layers == "all" else (layers,)
    return resolve_layers(names, (*layers, "softmax"))


# --- checks ----------------------------------------------------------------------------------

def _positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an int ≥ 1, got {value!r}")


def _real(value) -> bool:
    """A real number (Python or numpy scalar), not a bool, and finite."""
    return (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
            and bool(np.isfinite(value)))


def _check_settings(settings: dict, metrics_on: str, threads: int) -> None:
    for name in ("epochs", "n_record", "batch_size"):
        _positive_int(name, settings[name])
    if settings["train_size"] not in (None, "all"):
        _positive_int("train_size", settings["train_size"])
    if not (_real(settings["lr"]) and settings["lr"] > 0):
        raise ValueError(f"lr must be a finite positive number (e.g. 0.01), got {settings['lr']!r}")
    if not (_real(settings["momentum"]) and 0 <= settings["momentum"] < 1):
        raise ValueError(f"momentum must be a number in [0, 1), got {settings['momentum']!r}")
    if metrics_on not in ("recorded", "all"):
        raise ValueError(f"metrics_on must be 'recorded' or 'all', got {metrics_on!r}")
    _positive_int("threads", threads)


def _check_sizes(settings: dict, n_train: int, n_test: int) -> None:
    if settings["train_size"] > n_train:
        raise ValueError(f"train_size={settings['train_size']} but the train split has only "
                         f"{n_train} images; use train_size ≤ {n_train} or 'all'")
    limit = min(settings["train_size"], n_test)
    if settings["n_record"] > limit:
        raise ValueError(f"n_record={settings['n_record']} but only {settings['train_size']} training "
                         f"and {n_test} test images are available; use n_record ≤ {limit}")


def _check_record_size(dataset, logit_relu, names, settings, max_bytes) -> None:
    shapes = layer_shapes(build_model(dataset, logit_relu, seed=0))
    floats = sum(int(np.prod(shapes[name])) for name in names)
    size = 4 * floats * len(SPLITS) * settings["n_record"] * (settings["epochs"] + 1)
    if size > max_bytes:
        raise ValueError(f"recording {', '.join(names)} for {settings['n_record']} points × 2 splits × "
                         f"{settings['epochs'] + 1} snapshots needs {size / 1024**3:.1f} GiB "
                         f"(limit {max_bytes / 1024**3:.1f} GiB); record fewer layers, points or "
                         "epochs, or raise max_record_bytes")


def _check_split(images, labels, arch: str, split: str) -> np.ndarray:
    check_images(images, IMAGE_SHAPES[arch], what=f"{split} images")
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{split} labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} {split} images but {len(labels)} {split} labels; "
                         "they must match one to one")
    if len(labels) and (labels.min() < 0 or labels.max() >= N_CLASSES):
        raise ValueError(f"{split} labels must be class indices 0..{N_CLASSES - 1}, "
                         f"got {labels.min()}..{labels.max()}")
    return labels.astype(np.int64, copy=False)


def _get_data(dataset: str, data, classes):
    """The four arrays and class names, from ``data`` or loaded lazily by name."""
    if data is None:
        from ..data import load_dataset  # lazy: only needed when no arrays are given

        train_images, train_labels, train_classes = load_dataset(dataset, "train")
        test_images, test_labels, _ = load_dataset(dataset, "test")
        classes = train_classes if classes is None else classes
    else:
        if not isinstance(data, (tuple, list)) or len(data) != 4:
            raise ValueError("data must be (train_images, train_labels, test_images, test_labels)")
        train_images, train_labels, test_images, test_labels = data
    arch = architecture_of(dataset)
    train_labels = _check_split(train_images, train_labels, arch, "train")
    test_labels = _check_split(test_images, test_labels, arch, "test")
    classes = tuple(str(k) for k in range(N_CLASSES)) if classes is None else tuple(map(str, classes))
    if len(classes) != N_CLASSES:
        raise ValueError(f"need {N_CLASSES} class names, got {len(classes)}")
    repeated = sorted({c for c in classes if classes.count(c) > 1})
    if repeated:
        raise ValueError(f"class names must be distinct, but {', '.join(map(repr, repeated))} repeat; "
                         "give every class its own name")
    return train_images, train_labels, test_images, test_labels, classes


# --- the training loop -----------------------------------------------------------------------

def _choose_points(seed: int, n_train: int, n_test: int, train_size: int, n_record: int):
    """Training subset and recorded points (sorted indices into their splits), and the order RNG."""
    subset_ss, order_ss = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(subset_ss)
    if train_size < n_train:
        train_idx = np.sort(rng.choice(n_train, size=train_size, replace=False))
    else:
        train_idx = np.arange(n_train)
    rec_pos = np.sort(rng.choice(train_size, size=n_record, replace=False))  # positions in train_idx
    rec_test = np.sort(rng.choice(n_test, size=n_record, replace=False))
    return train_idx, rec_pos, rec_test, np.random.default_rng(order_ss)


@torch.no_grad()
def _forward(model: LayeredNet, x: torch.Tensor, keep: Sequence[str]) -> dict[str, np.ndarray]:
    """Outputs of ``keep`` layers for all of ``x`` in evaluation batches, as float32 N×F arrays."""
    model.eval()
    parts: dict[str, list[np.ndarray]] = {name: [] for name in keep}
    for start in range(0, len(x), _EVAL_BATCH):
        for name, y in trace_batch(model, x[start:start + _EVAL_BATCH], keep).items():
            parts[name].append(y.to("cpu").numpy())
    return {name: np.concatenate(p) for name, p in parts.items()}


def _diverged(config: dict, epoch: int, what: str):
    raise TrainingDivergedError(
        f"training {config['dataset']} diverged in epoch {epoch} of {config['epochs']}: {what}. Likely cause: "
        f"the learning rate lr={config['lr']:g} is too high for this network (momentum {config['momentum']:g}, "
        f"batches of {config['batch_size']}); try lr={config['lr'] / 10:g}, or normalize=True. "
        "Nothing was cached"
    )


def _record(config, train_images, train_labels, test_images, test_labels, *, device, progress) -> TrainingRun:
    E, n = config["epochs"], config["n_record"]
    train_idx, rec_pos, rec_test, order_rng = _choose_points(
        config["seed"], len(train_labels), len(test_labels), config["train_size"], n)

    model = build_model(config["dataset"], config["logit_relu"], seed=config["seed"])
    if config["normalize"]:
        model.set_input_normalization(*channel_stats(train_images[train_idx]))
    model.to(device)
    optimizer = _train.make_optimizer(model, config["lr"], config["momentum"])

    x_train = images_to_tensor(train_images[train_idx], device)
    y_train = torch.from_numpy(train_labels[train_idx]).to(device)
    rec_x = {"train": x_train[torch.from_numpy(rec_pos).to(device)],
             "test": images_to_tensor(test_images[rec_test], device)}
    rec_y = {"train": train_labels[train_idx][rec_pos], "test": test_labels[rec_test]}
    if config["metrics_on"] == "all":
        metric_x = {"train": x_train, "test": images_to_tensor(test_images, device)}
        metric_y = {"train": train_labels[train_idx], "test": test_labels}
    else:
        metric_x, metric_y = rec_x, rec_y

    logits_layer = model.logits_layer
    keep = tuple(dict.fromkeys((*config["layers"], logits_layer)))
    layers: dict[str, dict[str, np.ndarray]] = {name: {} for name in config["layers"]}
    per_split = {attr: {} for attr in ("predictions", "loss", "accuracy", "loss_per_class",
                                       "accuracy_per_class")}
    for split in SPLITS:
        per_split["predictions"][split] = np.zeros((E + 1, n), np.int64)
        per_split["loss"][split] = np.zeros(E + 1)
        per_split["accuracy"][split] = np.zeros(E + 1)
        per_split["loss_per_class"][split] = np.zeros((E + 1, N_CLASSES))
        per_split["accuracy_per_class"][split] = np.zeros((E + 1, N_CLASSES))

    def snapshot(epoch: int) -> None:
        for split in SPLITS:
            out = _forward(model, rec_x[split], keep)
            for name in config["layers"]:
                if split not in layers[name]:  # allocated at the first snapshot
                    layers[name][split] = np.empty((E + 1, n, out[name].shape[1]), np.float32)
                layers[name][split][epoch] = out[name]
            logits = out[logits_layer]
            per_split["predictions"][split][epoch] = logits.argmax(axis=1)
            if metric_x is not rec_x:
                logits = _forward(model, metric_x[split], (logits_layer,))[logits_layer]
            if not np.isfinite(logits).all():
                _diverged(config, epoch, f"the network's outputs on the {split} points are NaN or infinite")
            m = classification_metrics(logits, metric_y[split], N_CLASSES)
            per_split["loss"][split][epoch] = m.loss
            per_split["accuracy"][split][epoch] = m.accuracy
            per_split["loss_per_class"][split][epoch] = m.loss_per_class
            per_split["accuracy_per_class"][split][epoch] = m.accuracy_per_class

    batch_loss = np.zeros(E)
    snapshot(0)
    bar = tqdm(range(1, E + 1), desc=f"training {config['dataset']}", unit="epoch",
               disable=not progress, leave=True)
    for epoch in bar:
        order = _train.epoch_order(order_rng, len(train_idx))
        batch_loss[epoch - 1] = _train.train_epoch(model, optimizer, x_train, y_train, order,
                                                   config["batch_size"])
        if not np.isfinite(batch_loss[epoch - 1]):
            bar.close()
            _diverged(config, epoch, f"the training loss is {batch_loss[epoch - 1]}")
        snapshot(epoch)
        bar.set_postfix(loss=f"{batch_loss[epoch - 1]:.3f}",
                        train_acc=f"{per_split['accuracy']['train'][epoch]:.3f}",
                        test_acc=f"{per_split['accuracy']['test'][epoch]:.3f}")
    bar.close()

    weights = {k: v.detach().to("cpu").numpy().copy() for k, v in model.state_dict().items()}
    return TrainingRun(
        config=config,
        classes=tuple(config["classes"]),
        indices={"train": train_idx[rec_pos].astype(np.int64), "test": rec_test.astype(np.int64)},
        labels={split: rec_y[split].astype(np.int64) for split in SPLITS},
        layers=layers,
        batch_loss=batch_loss,
        weights=weights,
        **per_split,
    )
