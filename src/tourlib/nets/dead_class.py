"""A class whose logit never wins: how dead it is, measured on a recorded run.

With a ReLU on the logits, a class whose logit is pushed below zero gets no gradient (a "dead"
logit) and its probability never rises above the uniform ``1/K``; the network can still "classify"
its images by switching every logit off, an exact tie at the centre of the simplex, which the
arg-max breaks towards class 0. :func:`dead_class_report` measures that for class ``k``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .softmax_stats import at_centre

__all__ = ["DeadClassReport", "dead_class_report"]


@dataclass(frozen=True)
class DeadClassReport:
    """For class ``k`` of a run's ``split``:

    ``max_probability``: the largest probability any recorded point gets for ``k`` after any epoch
    ≥ 1; ``centre_share``: the share of class-``k`` points exactly at the centre (all probabilities
    equal) after the last epoch; ``centre_share_by_epoch``: the same at every snapshot (``E+1``);
    ``final_loss``: the class's loss after the last epoch; ``dead``: ``max_probability ≤ 1/K + tol``.
    """

    k: int
    max_probability: float
    centre_share: float
    centre_share_by_epoch: np.ndarray
    final_loss: float
    dead: bool


def dead_class_report(run, k: int = 0, *, split: str = "test", tol: float = 1e-3,
                      centre_tol: float = 1e-4) -> DeadClassReport:
    """See :class:`DeadClassReport`. ``run`` is a :class:`~tourlib.nets.TrainingRun`."""
    S, y = run.softmax[split], run.labels[split]
    K = S.shape[2]
    if not 0 <= int(k) < K:
        raise ValueError(f"k must be a class in 0…{K - 1}, got {k}")
    if not (y == k).any():
        raise ValueError(f"the run recorded no {split} point of class {k}")
    later = S[1:] if len(S) > 1 else S
    mx = float(later[:, :, k].max())
    by_epoch = np.array([at_centre(S[e][y == k], centre_tol).mean() for e in range(len(S))])
    return DeadClassReport(k=int(k), max_probability=mx, centre_share=float(by_epoch[-1]),
                           centre_share_by_epoch=by_epoch, final_loss=float(run.loss_per_class[split][-1, k]),
                           dead=mx <= 1.0 / K + tol)
