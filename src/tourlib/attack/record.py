"""The record of an attack: every step's images, probabilities and layer activations.

Shapes (S = number of steps, N = images, K = classes); step 0 is the original image, so
every per-step array has S + 1 entries along its first axis, for every image, whether
or not the image stopped early (a stopped image repeats its last state: the record
stays a regular array).

==================  ===================  ===============================================
attribute           shape                meaning
==================  ===================  ===============================================
``images``          S+1 × N × C × H × W  x_k, float32 in [0, 1]
``probs``           S+1 × N × K          the model's class probabilities at x_k
``preds``           S+1 × N              argmax of ``probs``
``activations``     name → S+1 × N × F   each recorded layer, flattened (C×H×W order)
``target``          N                    the class the attack pushes towards
``epsilons``        S                    ε_k, the step size (L∞) of step k → k + 1
``steps_to_target`` N                    first k with ``preds[k] == target``, −1 if never
``steps_taken``     N                    update steps actually applied to each image
==================  ===================  ===============================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["AttackRecord", "Recorder"]


@dataclass(frozen=True)
class AttackRecord:
    """Result of :func:`~tourlib.attack.fgsm.targeted_fgsm` or
    :func:`~tourlib.attack.fgsm.random_sign_control` (see the module table)."""

    method: str
    images: np.ndarray
    probs: np.ndarray
    preds: np.ndarray
    target: np.ndarray
    epsilons: np.ndarray
    steps_to_target: np.ndarray
    steps_taken: np.ndarray
    activations: dict = field(default_factory=dict)
    labels: np.ndarray | None = None

    @property
    def n_steps(self) -> int:
        return len(self.epsilons)

    @property
    def n_images(self) -> int:
        return self.images.shape[1]

    def target_probability(self) -> np.ndarray:
        """p(target | x_k) for every step and image: S+1 × N."""
        return self.probs[:, np.arange(self.n_images), self.target]

    def perturbation(self) -> np.ndarray:
        """x_k − x_0: S+1 × N × C × H × W."""
        return self.images - self.images[0]

    def reached_target(self) -> np.ndarray:
        """Boolean N: whether the image was classified as its target at some step."""
        return self.steps_to_target >= 0


class Recorder:
    """Collects per-step arrays and stacks them into an :class:`AttackRecord`."""

    def __init__(self):
        self.images, self.probs, self.acts = [], [], {}

    def add(self, images: np.ndarray, probs: np.ndarray, acts: dict | None) -> None:
        self.images.append(images.astype(np.float32, copy=True))
        self.probs.append(probs.astype(np.float32, copy=True))
        for name, a in (acts or {}).items():
            self.acts.setdefault(name, []).append(a.reshape(len(a), -1).astype(np.float32, copy=True))

    def finish(self, **fields) -> AttackRecord:
        probs = np.stack(self.probs)
        preds = probs.argmax(axis=2)
        target = fields["target"]
        hit = preds == target[None, :]
        steps_to_target = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
        return AttackRecord(
            images=np.stack(self.images), probs=probs, preds=preds, steps_to_target=steps_to_target,
            activations={k: np.stack(v) for k, v in self.acts.items()}, **fields)
