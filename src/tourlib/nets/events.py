"""Learning events: epochs at which a class is learnt abruptly, found from per-class accuracy.

Input is a run's per-class accuracy history ``A`` of shape ``(E+1)×K``
(:attr:`tourlib.nets.TrainingRun.accuracy_per_class`): row ``e`` is snapshot
``e``, taken after ``e`` epochs of training (row 0 = the untrained network);
column ``k`` is the accuracy on points of true class ``k``, in ``[0, 1]``.

Definitions (for one class ``k``):

* The **one-epoch gain** of epoch ``e`` (``1 ≤ e ≤ E``) is
  ``g[e] = A[e, k] − A[e−1, k]``: how much training epoch ``e`` (which runs
  between snapshots ``e−1`` and ``e``) raised the class's accuracy.
* The class's **learning event** is the epoch ``e* = argmax_e g[e]`` of its
  largest one-epoch gain, the earliest such epoch on a tie, provided
  ``g[e*] ≥ min_jump``. A class learnt gradually (many small gains) or never has
  no event. With ``which="all"``, every epoch with ``g[e] ≥ min_jump`` is an event.
* Its **first epoch above** ``level`` (default 0.5) is the smallest snapshot
  ``e ≥ 0`` with ``A[e, k] > level`` (strictly), or ``None`` if there is none. It
  is 0 when the untrained network already scores above ``level`` on the class
  (an untrained net often predicts one class for almost every input).

A class absent from the recorded points has an all-NaN column (see
:func:`tourlib.nets.metrics.classification_metrics`); it is skipped. Any other
NaN is an error.

Typical use::

    run = record_training("mnist", seed=0)
    for ev in learning_events(run.accuracy_per_class["test"], classes=run.classes):
        print(ev)        # class, epoch, accuracy before → after, jump, first epoch above 50 %
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

__all__ = ["LearningEvent", "learning_events", "first_epoch_above", "events_table"]


@dataclass(frozen=True)
class LearningEvent:
    """One abrupt rise of one class's accuracy (see the module docstring for the definitions).

    Attributes
    ----------
    class_index : int
        Column ``k`` of the accuracy history (the label).
    class_name : str
        ``classes[k]`` if class names were given, else ``str(k)``.
    epoch : int
        The training epoch ``e`` during which accuracy rose: it is the snapshot
        *after* the jump; ``before`` is snapshot ``e − 1``.
    before, after : float
        Accuracy at snapshots ``e − 1`` and ``e``.
    jump : float
        ``after − before`` (≥ ``min_jump``).
    first_above : int or None
        First snapshot whose accuracy exceeds ``level`` (may differ from ``epoch``:
        a class can cross 50 % in a later, smaller step, or start above it).
    """

    class_index: int
    class_name: str
    epoch: int
    before: float
    after: float
    jump: float
    first_above: int | None

    def __str__(self) -> str:
        above = "never" if self.first_above is None else f"from epoch {self.first_above}"
        return (f"class {self.class_name}, epoch {self.epoch}: {self.before:.2f} → {self.after:.2f} "
                f"(jump {self.jump:.2f}), above level {above}")

    def as_dict(self) -> dict:
        """The fields as a plain dict (one row of a table)."""
        return asdict(self)


def _check_history(accuracy_per_class) -> np.ndarray:
    """The history as float64 ``(E+1)×K``; all-NaN columns are allowed, other NaN is not."""
    a = np.asarray(accuracy_per_class, dtype=float)
    if a.ndim != 2:
        raise ValueError(
            f"accuracy_per_class must be a 2-D (snapshots × classes) array, got shape {a.shape}; "
            "for a single class pass a[:, None]")
    if a.shape[0] < 2 or a.shape[1] < 1:
        raise ValueError(
            f"accuracy_per_class needs at least 2 snapshots and 1 class to show a change, got shape "
            f"{a.shape}; record at least one epoch (snapshot 0 is before training)")
    nan = np.isnan(a)
    partial = nan.any(axis=0) & ~nan.all(axis=0)
    if partial.any():
        cols = np.flatnonzero(partial).tolist()
        raise ValueError(
            f"accuracy_per_class has NaN in some snapshots of classes {cols}; only a class with no "
            "points at all (an all-NaN column) is allowed. Recompute the accuracies or drop those classes")
    if np.isinf(a).any():
        raise ValueError("accuracy_per_class contains infinite values; accuracies must lie in [0, 1]")
    finite = a[~nan]
    if finite.size and (finite.min() < 0 or finite.max() > 1):
        raise ValueError(
            f"accuracy_per_class values must lie in [0, 1], got {finite.min():g}..{finite.max():g}; "
            "pass fractions, not percentages")
    return a


def _check_level(name: str, value, low_open: bool) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool) and np.isfinite(value)
    if ok:
        ok = (0 < value <= 1) if low_open else (0 <= value < 1)
    if not ok:
        rng = "(0, 1]" if low_open else "[0, 1)"
        raise ValueError(f"{name} must be a number in {rng}, got {value!r}")
    return float(value)


def first_epoch_above(accuracy_per_class, level: float = 0.5) -> list[int | None]:
    """For each class, the first snapshot ``e`` with ``A[e, k] > level``, or ``None`` if never (or no points).

    ``accuracy_per_class`` is ``(E+1)×K`` with snapshot 0 before training.
    """
    a = _check_history(accuracy_per_class)
    level = _check_level("level", level, low_open=False)
    out: list[int | None] = []
    for k in range(a.shape[1]):
        hits = np.flatnonzero(a[:, k] > level)  # NaN > level is False
        out.append(int(hits[0]) if hits.size else None)
    return out


def learning_events(
    accuracy_per_class,
    *,
    min_jump: float = 0.3,
    level: float = 0.5,
    classes: Sequence[str] | None = None,
    which: str = "largest",
) -> list[LearningEvent]:
    """Classes whose accuracy rose abruptly, and when (definitions in the module docstring).

    Parameters
    ----------
    accuracy_per_class : array (E+1)×K
        Per-class accuracy at each snapshot, values in ``[0, 1]``; row 0 is before training.
    min_jump : float in (0, 1]
        Smallest one-epoch gain ``A[e] − A[e−1]`` that counts as abrupt.
    level : float in [0, 1)
        Threshold for :attr:`LearningEvent.first_above` (default: 50 %).
    classes : sequence of K str, optional
        Class names (default ``"0"``, ``"1"``, ...).
    which : "largest" or "all"
        ``"largest"``: at most one event per class, at its largest one-epoch gain.
        ``"all"``: every epoch whose gain reaches ``min_jump``.

    Returns
    -------
    list of LearningEvent
        Sorted by epoch, then class index. Empty if no class jumped by ``min_jump``.
    """
    a = _check_history(accuracy_per_class)
    min_jump = _check_level("min_jump", min_jump, low_open=True)
    if which not in ("largest", "all"):
        raise ValueError(f"which must be 'largest' or 'all', got {which!r}")
    n_classes = a.shape[1]
    if classes is None:
        names = [str(k) for k in range(n_classes)]
    else:
        names = [str(c) for c in classes]
        if len(names) != n_classes:
            raise ValueError(f"got {len(names)} class names for {n_classes} accuracy columns; "
                             "pass one name per column")
    above = first_epoch_above(a, level)
    gains = np.diff(a, axis=0)  # gains[e-1] = A[e] - A[e-1]
    events: list[LearningEvent] = []
    for k in range(n_classes):
        g = gains[:, k]
        if np.isnan(g).all():  # class with no points
            continue
        if which == "largest":
            epochs = [int(np.argmax(g)) + 1]  # argmax: earliest on a tie
        else:
            epochs = (np.flatnonzero(g >= min_jump) + 1).tolist()
        for e in epochs:
            if g[e - 1] >= min_jump:
                events.append(LearningEvent(
                    class_index=k, class_name=names[k], epoch=e, before=float(a[e - 1, k]),
                    after=float(a[e, k]), jump=float(g[e - 1]), first_above=above[k]))
    events.sort(key=lambda ev: (ev.epoch, ev.class_index))
    return events


def events_table(events: Sequence[LearningEvent]) -> dict[str, list]:
    """Events as a tidy column table ``{field: [value per event]}`` (ready for ``pandas.DataFrame``)."""
    fields = ("class_index", "class_name", "epoch", "before", "after", "jump", "first_above")
    return {f: [getattr(ev, f) for ev in events] for f in fields}
