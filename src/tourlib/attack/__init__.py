"""Adversarial perturbations and their recording (the Grand Tour article's adversarial dynamics).

* :func:`targeted_fgsm` — targeted fast gradient sign attack, single-step or iterated:
  ``x_{k+1} = clip(x_k − ε_k · sign(∇_x[−log p_target(x_k)]), 0, 1)``, per-image stop at
  the target, every step recorded.
* :func:`random_sign_control` — the same schedule with random signs (seeded), as a control.
* :class:`AttackRecord` — images (S+1×N×C×H×W), probs (S+1×N×K), preds, layer activations
  (name → S+1×N×F), steps_to_target (−1 if never), steps_taken.
* :mod:`~tourlib.attack.noise` — perturbation norms (L2, L∞), per-step sizes, and the
  high-frequency share of the perturbation's energy.
* :mod:`~tourlib.attack.analysis` — what happened along an attack: the step each image is
  strictly classified as the target, detours through the centre of the softmax simplex, logit
  margins, distances to a reference group's centroid; ``TargetLogitUnclipped`` for networks with a
  ReLU on their logits.

Works with any ``torch.nn.Module`` mapping N×C×H×W images in [0, 1] to class scores
(logits, probabilities or log-probabilities: :mod:`~tourlib.attack.scores`).
"""

from .analysis import (TargetLogitUnclipped, centre_distance, centroid_distances, detours, first_win,
                       logit_margin)
from .fgsm import random_sign_control, targeted_fgsm
from .noise import high_frequency_energy, perturbation_norm, step_norm, white_noise_share
from .record import AttackRecord
from .scores import detect_output_kind, log_probabilities

__all__ = [
    "targeted_fgsm", "random_sign_control", "AttackRecord",
    "perturbation_norm", "step_norm", "high_frequency_energy", "white_noise_share",
    "detect_output_kind", "log_probabilities",
    "first_win", "centre_distance", "detours", "logit_margin", "centroid_distances", "TargetLogitUnclipped",
]
