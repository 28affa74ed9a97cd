"""Dead logits: classes whose ReLU'd logit is zero for every input, and how they come back.

The original MNIST network ends ``fc2 → relu_logits → softmax``: the softmax sees
``z_k = max(0, a_k)`` where ``a_k = h · w_k + b_k`` is class ``k``'s pre-activation
(``h`` the 50 features of ``relu3``, row vectors). When ``a_k ≤ 0`` for an input,
``∂z_k/∂a_k = 0``: no gradient of the loss reaches ``w_k`` or ``b_k`` through that
input. Definitions used here, for one snapshot and a set of N inputs:

* the **alive fraction** of class ``k`` is the share of inputs with ``a_k > 0``
  (its post-ReLU logit is not exactly 0);
* class ``k`` is **dead** when its alive fraction is 0: on these inputs its weights
  get no gradient at all, so only changes of the *other* weights (which move ``h``)
  can bring ``a_k`` back above 0 for some input: a **revival**;
* a **tie-aware accuracy** counts a prediction right only when the true class's
  logit is strictly larger than every other logit. With a ReLU on the logits a
  point whose logits are all 0 sits at the exact centre of the softmax, and the
  arg-max's tie-break (the lowest index) "predicts" class 0 for it; the tie-aware
  accuracy does not credit that.

Histories are arrays ``(E+1)×K`` (row ``e`` = snapshot after ``e`` epochs, row 0
before training), as in :mod:`tourlib.nets.events`.

Typical use::

    z = run.layers["fc2"]["test"]                 # (E+1)×N×K pre-ReLU logits (record layers=("fc2",))
    dead = dead_classes(alive_fraction(z))        # (E+1)×K booleans
    dead_episodes(dead)                           # when each class died and revived
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from .capture import trace_batch
from .inputs import images_to_tensor
from .models import LayeredNet

__all__ = [
    "DeadEpisode",
    "LateLearner",
    "alive_fraction",
    "dead_classes",
    "dead_episodes",
    "late_learners",
    "pre_logits",
    "tie_aware_accuracy_per_class",
]


def alive_fraction(pre_activations) -> np.ndarray:
    """Share of inputs whose pre-ReLU logit is positive, per class: ``mean_i [a_ik > 0]``.

    ``pre_activations`` is ``(..., N, K)`` (e.g. ``(E+1)×N×K`` over snapshots);
    returns ``(..., K)`` in ``[0, 1]``. Equivalently, the share whose post-ReLU logit
    is not exactly 0.
    """
    a = np.asarray(pre_activations)
    if a.ndim < 2 or a.shape[-2] == 0:
        raise ValueError(f"pre_activations must be (..., N, K) with N ≥ 1 inputs, got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError("pre_activations contain NaN or infinite values; the network diverged")
    return (a > 0).mean(axis=-2)


def dead_classes(alive, *, tolerance: float = 0.0) -> np.ndarray:
    """Which classes are dead: alive fraction ``≤ tolerance`` (default: exactly 0, no input at all)."""
    alive = np.asarray(alive, dtype=float)
    if not (0 <= tolerance < 1):
        raise ValueError(f"tolerance must be in [0, 1), got {tolerance!r}")
    if alive.size and (alive.min() < 0 or alive.max() > 1):
        raise ValueError("alive fractions must lie in [0, 1]")
    return alive <= tolerance


@torch.no_grad()
def pre_logits(model: LayeredNet, images: np.ndarray, *, batch: int = 500) -> np.ndarray:
    """The pre-ReLU logits ``a = h W + b`` of ``model`` for uint8 ``images``, float32 ``N×K``.

    For the MNIST network this is layer ``fc2`` (the input of ``relu_logits`` when
    the network has one); for any :class:`LayeredNet` it is the last linear layer.
    """
    names = model.layer_names
    linear = [n for n, layer in model.named_children() if isinstance(layer, torch.nn.Linear)]
    if not linear:
        raise ValueError(f"the network has no linear layer; its layers are {', '.join(names)}")
    device = next(model.parameters()).device
    x = images_to_tensor(images, device)
    model.eval()
    parts = [trace_batch(model, x[s:s + batch], (linear[-1],))[linear[-1]].cpu().numpy()
             for s in range(0, len(x), batch)]
    return np.concatenate(parts).astype(np.float32)


def tie_aware_accuracy_per_class(logits, labels, n_classes: int) -> np.ndarray:
    """Per-class accuracy where a tie at the top counts as wrong.

    Point ``i`` of class ``y`` is right when ``z_iy > z_ij`` for every ``j ≠ y``.
    ``logits`` is ``(..., N, K)`` (the softmax's inputs, after any logit ReLU),
    ``labels`` ``(N,)``; returns ``(..., K)`` with NaN for a class without points.
    """
    z = np.asarray(logits, dtype=float)
    y = np.asarray(labels)
    if z.ndim < 2 or z.shape[-1] != n_classes or z.shape[-2] != len(y):
        raise ValueError(f"logits must be (..., N, {n_classes}) with N = len(labels) = {len(y)}, "
                         f"got shape {z.shape}")
    true = np.take_along_axis(z, np.broadcast_to(y[:, None], z.shape[:-1] + (1,)), axis=-1)
    others = np.where(np.arange(n_classes) == y[:, None], -np.inf, z)
    right = true[..., 0] > others.max(axis=-1)
    out = np.full(z.shape[:-2] + (n_classes,), np.nan)
    for k in range(n_classes):
        mask = y == k
        if mask.any():
            out[..., k] = right[..., mask].mean(axis=-1)
    return out


@dataclass(frozen=True)
class DeadEpisode:
    """One stretch of consecutive snapshots in which a class is dead.

    ``died`` is the first dead snapshot, ``last_dead`` the last; ``revived`` is the
    first alive snapshot after it (``last_dead + 1``), or ``None`` if the class is
    still dead at the last snapshot.
    """

    class_index: int
    died: int
    last_dead: int
    revived: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def dead_episodes(dead) -> list[DeadEpisode]:
    """Every maximal run of dead snapshots of every class in a ``(E+1)×K`` boolean history.

    Sorted by class, then time.
    """
    d = np.asarray(dead)
    if d.ndim != 2 or d.dtype != bool:
        raise ValueError(f"dead must be a 2-D boolean (snapshots × classes) array, got {d.dtype} {d.shape}")
    last = d.shape[0] - 1
    out: list[DeadEpisode] = []
    for k in range(d.shape[1]):
        edges = np.diff(np.concatenate([[0], d[:, k].astype(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)  # stop = first alive after
        for s, t in zip(starts, stops):
            out.append(DeadEpisode(k, int(s), int(t - 1), int(t) if t - 1 < last else None))
    return out


@dataclass(frozen=True)
class LateLearner:
    """A class that stayed near 0 % accuracy for a long stretch, then jumped.

    ``quiet_from`` .. ``quiet_to`` are the snapshots at ``≤ quiet_level`` right before
    the jump; ``epoch`` is the snapshot after the jump (the epoch during which it
    happened), ``before`` / ``after`` the accuracies at ``epoch − 1`` and ``epoch``.
    """

    class_index: int
    quiet_from: int
    quiet_to: int
    epoch: int
    before: float
    after: float

    @property
    def quiet_epochs(self) -> int:
        return self.quiet_to - self.quiet_from + 1

    def as_dict(self) -> dict:
        return {**asdict(self), "quiet_epochs": self.quiet_epochs}


def late_learners(accuracy_per_class, *, quiet_level: float = 0.05, min_quiet: int = 10,
                  min_jump: float = 0.3, start: int = 1) -> list[LateLearner]:
    """The article's "learned late" pattern: accuracy ``≤ quiet_level`` for more than ``min_quiet``
    consecutive snapshots, ending with a one-epoch gain ``≥ min_jump``.

    Snapshots before ``start`` are ignored (snapshot 0 is the untrained network, which
    often scores 100 % on one class by predicting it for everything). At most one
    pattern per class (the first). ``accuracy_per_class`` is ``(E+1)×K`` in ``[0, 1]``;
    a class with no points (all-NaN column) is skipped.
    """
    a = np.asarray(accuracy_per_class, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"accuracy_per_class must be (snapshots × classes), got shape {a.shape}")
    if not (0 <= quiet_level < 1) or not (0 < min_jump <= 1):
        raise ValueError("quiet_level must be in [0, 1) and min_jump in (0, 1]")
    if isinstance(min_quiet, bool) or not isinstance(min_quiet, (int, np.integer)) or min_quiet < 0:
        raise ValueError(f"min_quiet must be an int ≥ 0, got {min_quiet!r}")
    out: list[LateLearner] = []
    for k in range(a.shape[1]):
        col = a[:, k]
        if np.isnan(col).all():
            continue
        run_start = None
        for e in range(start, len(col)):
            if col[e] <= quiet_level:
                if run_start is None:
                    run_start = e
                continue
            if run_start is not None and e - run_start > min_quiet and col[e] - col[e - 1] >= min_jump:
                out.append(LateLearner(k, run_start, e - 1, e, float(col[e - 1]), float(col[e])))
                break
            run_start = None
    return out
