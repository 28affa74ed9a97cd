"""A run's learning events summarised: when each class is learnt, which never are, and how two runs differ.

:func:`event_report` wraps :func:`tourlib.nets.learning_events` (a class's largest one-epoch rise in
accuracy, if at least ``min_jump``) and :func:`tourlib.nets.first_epoch_above` for one recorded run;
:func:`event_shifts` compares the event epochs of two runs class by class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .events import LearningEvent, first_epoch_above, learning_events

__all__ = ["EventReport", "event_report", "event_shifts", "first_epoch_over"]


@dataclass(frozen=True)
class EventReport:
    """``events`` (in class order), ``by_class`` (name → event), ``first`` / ``last`` (epochs, None if
    no event), ``no_event`` (class names), ``above_at_start`` (classes above ``level`` at epoch 0)."""

    events: list
    by_class: dict
    first: int | None
    last: int | None
    no_event: list
    above_at_start: list

    def before(self, epoch: int) -> list[LearningEvent]:
        """The events strictly before ``epoch``."""
        return [ev for ev in self.events if ev.epoch < epoch]

    def after(self, epoch: int) -> list[LearningEvent]:
        """The events strictly after ``epoch``."""
        return [ev for ev in self.events if ev.epoch > epoch]

    def describe(self, names) -> str:
        """``"epoch 3 (0 % → 90 %)"`` for the class named ``names`` (or ``"no event"``)."""
        ev = self.by_class.get(str(names))
        return "no event" if ev is None else f"epoch {ev.epoch} ({100 * ev.before:.0f} % → {100 * ev.after:.0f} %)"


def event_report(run, *, split: str = "test", min_jump: float = 0.3, level: float = 0.5) -> EventReport:
    """The learning events of ``run``'s per-class ``split`` accuracy (see the module docstring)."""
    acc = run.accuracy_per_class[split]
    evs = learning_events(acc, min_jump=min_jump, level=level, classes=run.classes)
    above = first_epoch_above(acc, level)
    by_class = {ev.class_name: ev for ev in evs}
    epochs = [ev.epoch for ev in evs]
    return EventReport(events=evs, by_class=by_class, first=min(epochs) if epochs else None,
                       last=max(epochs) if epochs else None,
                       no_event=[c for c in run.classes if c not in by_class],
                       above_at_start=[c for c, a in zip(run.classes, above) if a == 0])


def event_shifts(a: EventReport, b: EventReport) -> tuple[list, list]:
    """``(earlier, later)``: ``(class, epoch in a, epoch in b)`` for the classes with an event in both
    whose event comes earlier (later) in ``b`` than in ``a``."""
    both = [(c, a.by_class[c].epoch, b.by_class[c].epoch) for c in a.by_class if c in b.by_class]
    return [s for s in both if s[2] < s[1]], [s for s in both if s[2] > s[1]]


def first_epoch_over(accuracy, level: float = 0.5) -> int | None:
    """The first snapshot whose (overall) accuracy exceeds ``level``, or None."""
    a = np.asarray(accuracy, dtype=np.float64).reshape(-1)
    hits = np.flatnonzero(a > level)
    return int(hits[0]) if hits.size else None
