"""Turning a model's outputs into log-probabilities, whatever the model returns.

Classifiers end in different places: raw scores (logits), softmax probabilities (the
Grand Tour article's networks end in a softmax layer), or log-probabilities. The attack
loss needs ``log p`` in every case:

============  ===============================  ==========================================
``output``    the model returns                log p
============  ===============================  ==========================================
"logits"      real scores z                    ``log_softmax(z)``
"probs"       p ≥ 0 with Σ p = 1 per row       ``log(max(p, tiny))`` (tiny = smallest normal
                                               float, so a saturated 0 gives a large finite
                                               loss instead of −inf)
"log_probs"   log p (≤ 0, Σ exp = 1)           unchanged
"auto"        decided from the first output:   probs if every row is ≥ 0 and sums to 1 (±1e-4),
                                               log_probs if ≤ 0 and Σ exp = 1, else logits
============  ===============================  ==========================================
"""

from __future__ import annotations

import torch

__all__ = ["OUTPUT_KINDS", "detect_output_kind", "log_probabilities"]

OUTPUT_KINDS = ("auto", "logits", "probs", "log_probs")
_TOL = 1e-4


def _is_probs(out: torch.Tensor) -> bool:
    return bool((out >= 0).all() and torch.allclose(out.sum(dim=1), torch.ones_like(out[:, 0]), atol=_TOL))


def _is_log_probs(out: torch.Tensor) -> bool:
    return bool((out <= 0).all() and torch.allclose(out.exp().sum(dim=1), torch.ones_like(out[:, 0]), atol=_TOL))


def detect_output_kind(out: torch.Tensor, output: str = "auto") -> str:
    """Resolve ``output`` ("auto" → one of the others) and check it fits ``out`` (N×K)."""
    if output not in OUTPUT_KINDS:
        raise ValueError(f"output must be one of {OUTPUT_KINDS}, got {output!r}")
    if out.ndim != 2 or out.shape[1] < 2:
        raise ValueError(f"the model must return N×K class scores (K ≥ 2), got shape {tuple(out.shape)}")
    out = out.detach()
    if not torch.isfinite(out).all():
        raise ValueError("the model returned NaN or infinite scores for these images")
    if output == "auto":
        return "probs" if _is_probs(out) else "log_probs" if _is_log_probs(out) else "logits"
    if output == "probs" and not _is_probs(out):
        raise ValueError("output='probs' but the model's rows are not non-negative with sum 1; "
                         "use output='logits' for raw scores")
    if output == "log_probs" and not _is_log_probs(out):
        raise ValueError("output='log_probs' but exp of the model's rows does not sum to 1")
    return output


def log_probabilities(out: torch.Tensor, kind: str) -> torch.Tensor:
    """``log p`` (N×K) from model outputs of the given kind (see the module table)."""
    if kind == "logits":
        return torch.log_softmax(out, dim=1)
    if kind == "probs":
        return torch.log(out.clamp_min(torch.finfo(out.dtype).tiny))
    if kind == "log_probs":
        return out
    raise ValueError(f"unknown output kind {kind!r}")
