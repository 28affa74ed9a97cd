"""Targeted fast-gradient-sign attacks (Goodfellow, Shlens & Szegedy 2014), and a
random-sign control of the same size.

**Targeted FGSM, iterated.** With ``f`` the model, ``t`` the target class of an image
and ``L(x) = −log p_t(x)`` (the cross-entropy of f(x) against the target; ``log p`` from
the model's logits, probabilities or log-probabilities, see :mod:`tourlib.attack.scores`):

    x_0     = the original image (pixels in [0, 1])
    x_{k+1} = clip( x_k − ε_k · sign(∇_x L(x_k)), 0, 1 )        k = 0, …, S − 1

Stepping *against* the gradient of the target's cross-entropy raises p_t. Every pixel
moves by exactly ε_k (or 0 where the gradient is exactly 0) before the clip to the valid
pixel range [0, 1], which can only shorten the move: ``‖x_{k+1} − x_k‖_∞ ≤ ε_k``.
``steps=1`` is the single-step attack. Gradients are per image (the loss is summed over
the batch; the model runs in eval mode, restored afterwards, so images do not interact).

**Stopping.** With ``stop_at_target=True`` (default) an image that is classified as its
target at step k is frozen: it stays x_k for the remaining steps (the record repeats
it, so all arrays keep S + 1 steps), and ``steps_taken = k``. With False every image
takes all S steps. ``steps_to_target`` is the first k with prediction = target (0 if the
model already predicted the target, −1 if never), in both modes.

**Random-sign control.** Same schedule, signs drawn instead of computed:

    x_{k+1} = clip( x_k − ε_k · r_k, 0, 1 ),   r_k ∈ {−1, +1} per pixel, independent, p = ½

from ``numpy.random.default_rng(seed)``. Before clipping each step has exactly the size of
an FGSM step with no zero gradients (L∞ = ε_k, L2 = ε_k·√(C·H·W)). Pass the attack's
``steps_taken`` as ``steps_per_image`` to give every image the same number of steps as
its adversarial counterpart.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import nn

from .checks import as_epsilons, as_images, as_labels, as_steps, as_targets
from .record import AttackRecord, Recorder
from .scores import detect_output_kind, log_probabilities

__all__ = ["targeted_fgsm", "random_sign_control"]

Activations = Callable[[torch.Tensor], dict]


def _model_place(model: nn.Module):
    p = next(model.parameters(), None)
    return (p.dtype, p.device) if p is not None else (torch.float32, torch.device("cpu"))


def _snapshot(model, x, kind, activations):
    """Probabilities (and activations) at x, without gradients."""
    with torch.no_grad():
        probs = log_probabilities(model(x), kind).exp()
        acts = None
        if activations is not None:
            acts = {name: a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
                    for name, a in activations(x).items()}
    return probs.cpu().numpy(), acts


def _run(model, images, target, *, epsilon, steps, labels, output, activations, method,
         direction, moving):
    """Shared loop: x_{k+1} = clip(x_k − ε_k · direction(k, x_k), 0, 1) where ``moving(k, preds)``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    steps = as_steps(steps)
    eps = as_epsilons(epsilon, steps)
    dtype, device = _model_place(model)
    x = as_images(images, dtype, device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out0 = model(x)
        kind = detect_output_kind(out0, output)
        t = as_targets(target, len(x), out0.shape[1])
        y = as_labels(labels, len(x), t)
        t_torch = torch.as_tensor(t, device=device)
        rec = Recorder()
        taken = np.zeros(len(x), dtype=np.int64)
        probs, acts = _snapshot(model, x, kind, activations)
        rec.add(x.cpu().numpy(), probs, acts)
        for k in range(steps):
            move = moving(k, probs.argmax(axis=1), t)
            if move.any():
                d = direction(k, x, t_torch, kind)
                m = torch.as_tensor(move, device=device).view(-1, 1, 1, 1)
                x = torch.where(m, (x - float(eps[k]) * d).clamp(0.0, 1.0), x)
                taken += move
            probs, acts = _snapshot(model, x, kind, activations)
            rec.add(x.cpu().numpy(), probs, acts)
    finally:
        model.train(was_training)
    return rec.finish(method=method, target=t, epsilons=eps, steps_taken=taken, labels=y)


def targeted_fgsm(model: nn.Module, images, target, *, epsilon, steps: int = 1, labels=None,
                  stop_at_target: bool = True, output: str = "auto",
                  activations: Activations | None = None) -> AttackRecord:
    """Targeted (iterated) fast gradient sign attack; the formula is in the module docstring.

    Parameters
    ----------
    model
        A ``torch.nn.Module`` mapping N×C×H×W images in [0, 1] to N×K class scores.
    images
        N×C×H×W floats in [0, 1] (numpy or torch).
    target
        The class to push towards: one int for all images, or N ints.
    epsilon
        Step size ε > 0 (pixel units, L∞ per step), or a sequence of ``steps`` sizes.
    steps
        Number of steps S (1 = the single-step attack).
    labels
        Optional true classes (N); an image whose target equals its label raises ``ValueError``.
    stop_at_target
        Freeze each image once it is classified as its target (see "Stopping").
    output
        What the model returns: "logits", "probs", "log_probs" or "auto" (:mod:`~tourlib.attack.scores`).
    activations
        Optional callable ``x -> {layer name: N×… tensor}``, called at every step; the record
        then holds each layer's activations, flattened, as S+1 × N × F arrays.

    Returns an :class:`~tourlib.attack.record.AttackRecord`.
    """

    def direction(k, x, t, kind):
        xg = x.detach().requires_grad_(True)
        loss = -log_probabilities(model(xg), kind).gather(1, t.view(-1, 1)).sum()
        (grad,) = torch.autograd.grad(loss, xg)
        return grad.sign()

    def moving(k, preds, t):
        return ~(preds == t) if stop_at_target else np.ones(len(t), dtype=bool)

    return _run(model, images, target, epsilon=epsilon, steps=steps, labels=labels, output=output,
                activations=activations, method="fgsm", direction=direction, moving=moving)


def random_sign_control(model: nn.Module, images, target, *, epsilon, steps: int = 1, seed: int,
                        steps_per_image=None, labels=None, output: str = "auto",
                        activations: Activations | None = None) -> AttackRecord:
    """Random-sign perturbation with the attack's ε schedule (module docstring), as a control.

    ``seed`` is required (nothing random happens without one). ``steps_per_image`` (N ints in
    [0, steps]) stops image i after that many steps, e.g. an attack's ``steps_taken``; by
    default every image takes all ``steps``. ``target`` is only used to report
    ``steps_to_target`` and ``target_probability`` on the same terms as the attack.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int (e.g. seed=0), got {seed!r}")
    rng = np.random.default_rng(seed)
    n_steps = as_steps(steps)
    budget = None
    if steps_per_image is not None:
        budget = np.asarray(steps_per_image)
        if budget.ndim != 1 or not np.issubdtype(budget.dtype, np.integer) or np.any(budget < 0) \
                or np.any(budget > n_steps):
            raise ValueError(f"steps_per_image must be N ints in [0, {n_steps}], got {steps_per_image!r}")

    def direction(k, x, t, kind):
        signs = rng.integers(0, 2, size=tuple(x.shape)) * 2.0 - 1.0
        return torch.as_tensor(signs, dtype=x.dtype, device=x.device)

    def moving(k, preds, t):
        if budget is None:
            return np.ones(len(t), dtype=bool)
        if len(budget) != len(t):
            raise ValueError(f"steps_per_image must have one entry per image ({len(t)}), got {len(budget)}")
        return k < budget

    return _run(model, images, target, epsilon=epsilon, steps=n_steps, labels=labels, output=output,
                activations=activations, method="random_sign", direction=direction, moving=moving)
