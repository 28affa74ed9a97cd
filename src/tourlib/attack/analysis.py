"""Reading an attack's record: when the target wins, detours through the centre, margins.

All functions take plain arrays (row vectors, as everywhere in tourlib); ``probs`` is an
attack record's S+1 × N × K probabilities (or a layer's softmax activations), ``target``
one class or N classes.

* :func:`first_win` — the first step k at which the target's probability is *strictly*
  larger than every other class's (−1 if never). ``AttackRecord.steps_to_target`` uses
  ``argmax``, which breaks ties towards the lowest class index: a uniform softmax (all
  logits equal, e.g. all zero after a ReLU on the logits) counts as class 0 there, but not
  here.
* :func:`centre_distance` — ``max_j |p_j − 1/K|``, the L∞ distance of a probability vector
  from the centre of the simplex (the uniform distribution), per step and image.
* :func:`detours` — **definition.** An image *detours through the centre* if it reaches its
  target (``first_win ≥ 0``) and at some step k < ``first_win`` its probabilities lie within
  ``tol`` of the centre: ``centre_distance[k] ≤ tol``. The default ``tol = 1e-6`` means the
  centre itself: for a network with a ReLU on its logits that is the point where every logit
  is zero and the network has no preference at all. A larger ``tol`` (e.g. 0.05) counts
  near passes too.
* :func:`logit_margin` — ``z_t − max_{j≠t} z_j``: how far a point is from the decision
  boundary of its target in the softmax's input (> 0: classified as t; the log-odds of
  t against its strongest rival).
* :func:`centroid_distances` — Euclidean distances of points to the centroid of a reference
  group (e.g. fake 0s and genuine 0s to the genuine 0s' mean).
* :class:`TargetLogitUnclipped` — the network seen by an attacker who lets the gradient
  through the target's logit ReLU (see its docstring).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

__all__ = ["first_win", "centre_distance", "detours", "logit_margin", "centroid_distances",
           "TargetLogitUnclipped"]


def _probs(probs) -> np.ndarray:
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 3 or p.shape[2] < 2:
        raise ValueError(f"probs must be S+1 × N × K (steps × images × classes, K ≥ 2), got shape {p.shape}")
    if not np.isfinite(p).all():
        raise ValueError("probs contain NaN or infinite values")
    return p


def _targets(target, n: int, k: int) -> np.ndarray:
    t = np.asarray(target)
    if t.ndim == 0:
        t = np.full(n, int(t))
    if t.shape != (n,) or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"target must be one int or {n} ints (one per image), got {target!r}")
    if t.min() < 0 or t.max() >= k:
        raise ValueError(f"target classes must lie in [0, {k}), got {sorted(set(t.tolist()))}")
    return t.astype(np.int64)


def first_win(probs, target) -> np.ndarray:
    """First step at which ``p_target > p_j`` for every j ≠ target (strictly); −1 if never. Shape N."""
    p = _probs(probs)
    n, k = p.shape[1], p.shape[2]
    t = _targets(target, n, k)
    cols = np.arange(n)
    pt = p[:, cols, t]                       # S+1 × N
    rivals = p.copy()
    rivals[:, cols, t] = -np.inf
    win = pt > rivals.max(axis=2)
    return np.where(win.any(axis=0), win.argmax(axis=0), -1)


def centre_distance(probs) -> np.ndarray:
    """``max_j |p_j − 1/K|`` for every step and image: S+1 × N (0 at the uniform distribution)."""
    p = _probs(probs)
    return np.abs(p - 1.0 / p.shape[2]).max(axis=2)


def detours(probs, target, *, tol: float = 1e-6) -> np.ndarray:
    """Boolean N: the image reaches its target and, before it does, comes within ``tol`` of the centre.

    See the module docstring for the definition. Images that never reach the target are False
    (neither detour nor direct): select them with ``first_win(probs, target) < 0``.
    """
    if not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a finite number ≥ 0, got {tol!r}")
    win = first_win(probs, target)
    near = centre_distance(probs) <= tol                   # S+1 × N
    steps = np.arange(near.shape[0])[:, None]
    before = steps < win[None, :]                          # steps strictly before the first win
    return (win >= 0) & (near & before).any(axis=0)


def logit_margin(z, target) -> np.ndarray:
    """``z_t − max_{j≠t} z_j`` for scores ``z`` (N × K, or S+1 × N × K): shape N (or S+1 × N)."""
    z = np.asarray(z, dtype=np.float64)
    if z.ndim not in (2, 3) or z.shape[-1] < 2:
        raise ValueError(f"z must be N × K or S+1 × N × K class scores (K ≥ 2), got shape {z.shape}")
    n, k = z.shape[-2], z.shape[-1]
    t = _targets(target, n, k)
    cols = np.arange(n)
    zt = z[..., cols, t]
    rivals = z.copy()
    rivals[..., cols, t] = -np.inf
    return zt - rivals.max(axis=-1)


def centroid_distances(X, reference) -> np.ndarray:
    """Distances ``‖x_i − mean(reference)‖`` of the rows of X (N × d) to the reference's centroid."""
    X = np.asarray(X, dtype=np.float64)
    R = np.asarray(reference, dtype=np.float64)
    if X.ndim != 2 or R.ndim != 2 or X.shape[1] != R.shape[1] or len(R) == 0:
        raise ValueError(f"X and reference must be N × d and M × d (M ≥ 1) with the same d, "
                         f"got {X.shape} and {R.shape}")
    return np.linalg.norm(X - R.mean(axis=0), axis=1)


class TargetLogitUnclipped(nn.Module):
    """The network's class scores with the ReLU on the *target's* logit left out.

    For a :class:`~tourlib.nets.LayeredNet` with a ReLU on its logits (``relu_logits``; the
    MNIST network), let ``a = fc2(…)`` be the scores before that ReLU. The network's softmax
    input is ``z = max(a, 0)``. This module returns ``z'`` with ``z'_t = a_t`` and
    ``z'_j = z_j`` for j ≠ t, so ``softmax(z') = softmax(z)`` whenever ``a_t ≥ 0``. When the
    target's logit is clipped (``a_t < 0``) the network's own loss has no gradient with respect
    to ``a_t``; through ``z'`` it does, and an attack can still raise the target. ``z'_t > z'_j``
    for all j ≠ t exactly when the network strictly prefers t, so an attack record of this
    module has the network's own (strict) ``steps_to_target``.

    A network without a ReLU on its logits is returned unchanged (its logits).
    """

    def __init__(self, model: nn.Module, target: int):
        super().__init__()
        if not hasattr(model, "trace") or not hasattr(model, "logits_layer"):
            raise TypeError(f"model must be a tourlib LayeredNet (with trace and logits_layer), "
                            f"got {type(model).__name__}")
        self.model = model
        self.target = int(target)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        names = self.model.layer_names
        clipped = names[-2] == "relu_logits"
        before = names[-3] if clipped else names[-2]
        for name, out in self.model.trace(x):
            if name == before:
                a = out.flatten(1)
                break
        if not clipped:
            return a
        keep = torch.zeros(a.shape[1], dtype=torch.bool, device=a.device)
        keep[self.target] = True
        return torch.where(keep, a, torch.relu(a))
