"""How well "a per-axis scaling in aligned bases" describes each layer of a network, for given inputs.

For every layer of ``layers`` (a list of :mod:`tourlib.align.layers`), run in order from the inputs
``X``, :func:`layer_residuals` records

* ``residual[name]``: :meth:`Transition.scaling_residual` where it exists (linear layers and
  max-pooling): ``‖end − (start Σ + bV)‖ / ‖end‖`` in the aligned bases (0 for a pure scaling);
* ``axes_share[name]``: the share of the output's variance along its ``k`` aligned axes of largest
  variance (compare the share its ``k`` principal directions keep).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .transition import layer_transition

__all__ = ["LayerResiduals", "layer_residuals"]


@dataclass(frozen=True)
class LayerResiduals:
    """``names`` (every layer), ``residual`` (name → float, for the layers that have one),
    ``axes_share`` (name → share of variance on the ``k`` largest aligned axes)."""

    names: list
    residual: dict
    axes_share: dict

    def largest(self, exclude_prefix: str | tuple = "pool") -> float:
        """The largest residual among the layers whose names do not start with ``exclude_prefix``."""
        vals = [r for n, r in self.residual.items() if not n.startswith(exclude_prefix)]
        if not vals:
            raise ValueError(f"no layer with a residual outside {exclude_prefix!r}")
        return max(vals)


def layer_residuals(X, layers, *, k: int = 16) -> LayerResiduals:
    """See the module docstring. ``X`` is ``N×d`` (the first layer's inputs as row vectors)."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    cur = np.asarray(X, dtype=np.float64)
    residual, axes_share, names = {}, {}, []
    for layer in layers:
        t = layer_transition(cur, layer)
        r = t.scaling_residual()
        if r is not None:
            residual[layer.name] = float(r)
        var = ((t.end - t.end.mean(axis=0)) ** 2).sum(axis=0)
        total = var.sum()
        axes_share[layer.name] = float(np.sort(var)[::-1][:k].sum() / total) if total > 0 else 1.0
        names.append(layer.name)
        cur = layer.forward(cur)
    return LayerResiduals(names=names, residual=residual, axes_share=axes_share)
