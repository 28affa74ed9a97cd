"""Loss and accuracy, overall and per class, from the softmax's input.

For logits ``z`` (N×K, the softmax's input) and labels ``y``:

* probabilities ``p = softmax(z)``, ``p_ik = exp(z_ik) / Σ_j exp(z_ij)``;
* loss of point ``i``: cross-entropy ``ℓ_i = -log p_{i,y_i} = logsumexp(z_i) - z_{i,y_i}``
  (computed from ``z``, so it stays finite where ``p`` would round to 0);
* prediction ``ŷ_i = argmax_k p_ik`` (ties go to the lowest class index, which
  matters for a network with a logit ReLU when all logits are 0);
* overall loss and accuracy: means over all points;
* per-class loss and accuracy for class ``c``: means over the points with
  ``y_i = c`` (NaN for a class with no points).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ClassificationMetrics", "classification_metrics", "softmax_rows"]


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax of an N×K array (float32 out, each row sums to 1)."""
    z = logits.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


@dataclass(frozen=True)
class ClassificationMetrics:
    """Metrics of one set of points at one moment (see the module docstring for formulas)."""

    loss: float
    accuracy: float
    loss_per_class: np.ndarray  # (K,)
    accuracy_per_class: np.ndarray  # (K,)
    predictions: np.ndarray  # (N,) int64


def classification_metrics(logits: np.ndarray, labels: np.ndarray, n_classes: int) -> ClassificationMetrics:
    """Cross-entropy loss, accuracy and predictions of ``logits`` (N×K) against ``labels`` (N,)."""
    z = logits.astype(np.float64)
    zmax = z.max(axis=1, keepdims=True)
    logsumexp = (zmax + np.log(np.exp(z - zmax).sum(axis=1, keepdims=True)))[:, 0]
    rows = np.arange(len(labels))
    point_loss = logsumexp - z[rows, labels]
    predictions = z.argmax(axis=1).astype(np.int64)
    correct = (predictions == labels).astype(np.float64)
    counts = np.bincount(labels, minlength=n_classes).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        loss_per_class = np.bincount(labels, weights=point_loss, minlength=n_classes) / counts
        acc_per_class = np.bincount(labels, weights=correct, minlength=n_classes) / counts
    return ClassificationMetrics(
        loss=float(point_loss.mean()) if len(labels) else float("nan"),
        accuracy=float(correct.mean()) if len(labels) else float("nan"),
        loss_per_class=loss_per_class,
        accuracy_per_class=acc_per_class,
        predictions=predictions,
    )
