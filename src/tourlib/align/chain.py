"""Chaining layer transitions so the picture stays continuous from layer to layer.

**The problem.** Transition i ends with the output ``Y`` of layer i in *its* output basis
``V`` (points ``[Y V, 0]``); transition i+1 starts with the same ``Y`` in the *next*
layer's input basis ``U'`` (points ``[Y U', 0]``). Same points, different coordinates: if
the view ``G`` stayed the same, the picture would jump.

**Derivation** (row vectors; the screen shows ``Z @ G[:, :2]``; ``U'`` is orthogonal).
We want a view ``G'`` for transition i+1 that shows the same picture:

    Y U' G' = Y V G        for every Y
    ⇐  U' G' = V G
    ⇔  G' = U'ᵀ V G        (multiply on the left by U'ᵀ and use U'ᵀ U' = I).

``G'`` is orthogonal whenever ``G`` is (a product of orthogonal matrices).

*Zero padding.* All transitions of a network live in one width D (the widest layer);
coordinates beyond the layer width r hold zeros, so whatever G does there is invisible.
We keep those rows of ``G`` as they are: ``G' = blockdiag(U'ᵀ V, I_{D−r}) G``, still
orthogonal, and ``[Y U', 0] G' = Y U' U'ᵀ V G[:r] = [Y V, 0] G``.

*Embedded outputs* (a "valid" convolution aligned by FFT lives in a larger map, see
:mod:`tourlib.align.conv_svd`): with ``W = V G[:R]`` (rows = coordinates of the embedded
output map), the rows at the positions ``Y`` occupies become ``U'ᵀ W_in``, the other rows
(always multiplied by 0) are kept: ``G' = [U'ᵀ W_in; W_out; G[R:]]``, a row permutation
of ``blockdiag(U'ᵀ, I) · blockdiag(V, I) G``, hence orthogonal.

:func:`carry_view` implements this with the bases as operators (``rotate`` /
``unrotate``), so it also works for FFT bases of 65,536-dimensional feature maps when
``G`` is a D×k frame (e.g. the two screen columns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .basis import Basis, CoordinateEmbedding, IdentityBasis
from .checks import as_rows, check_width
from .padding import pad_columns
from .transition import Transition

__all__ = ["carry_view", "AlignedPath", "align_network", "padded_input"]


def carry_view(G, prev_out: Basis, next_in: Basis, *,
               prev_embedding: CoordinateEmbedding | None = None) -> np.ndarray:
    """The view ``G' = blockdiag(U'ᵀ V, I) G`` that continues ``G`` into the next layer.

    Parameters
    ----------
    G
        D×k view (k = D for a full orthogonal view, k = 2 for just the screen axes) used
        with the points ``[Y V, 0]`` (D columns).
    prev_out
        ``V``, the output basis of the transition that ends (dimension R).
    next_in
        ``U'``, the input basis of the transition that starts (dimension r, the width of Y).
    prev_embedding
        How ``Y`` (r) sits in the R-dimensional space of ``V``, if r < R.

    Returns the D×k view ``G'`` with ``[Y U', 0] @ G' == [embed(Y) V, 0] @ G``.
    """
    G = np.asarray(G, dtype=np.float64)
    if G.ndim != 2:
        raise ValueError(f"G must be a 2-D D×k view matrix, got shape {G.shape}")
    R = prev_out.dim
    r = prev_embedding.in_dim if prev_embedding is not None else R
    if next_in.dim != r:
        raise ValueError(f"the next layer takes {next_in.dim} inputs but the previous one gives {r}")
    if G.shape[0] < R:
        raise ValueError(f"G has {G.shape[0]} rows, fewer than the {R} coordinates of the layer")
    W = prev_out.unrotate(G[:R].T).T  # V G[:R], rows indexed by raw output coordinates
    if prev_embedding is not None:
        W_in, W_out = W[prev_embedding.index], W[prev_embedding.unused]
    else:
        W_in, W_out = W, W[:0]
    top = next_in.rotate(W_in.T).T  # U'ᵀ W_in
    return np.vstack([top, W_out, G[R:]])


@dataclass(frozen=True)
class AlignedPath:
    """A network's layer-by-layer animation, all transitions padded to one width D.

    Attributes
    ----------
    activations
        ``[X_0, X_1, …, X_L]``: raw rows of the input and of every layer's output.
    transitions
        ``transitions[i]`` animates layer i (``X_i → X_{i+1}``), N×D endpoints.
    names
        The layers' names (``""`` when unnamed).
    width
        D.
    """

    activations: list
    transitions: list
    names: list
    width: int

    def views(self, G0) -> list[np.ndarray]:
        """The view of every transition, continuing the view ``G0`` (D×k) of the padded input.

        ``[X_0, 0] @ G0`` is the first picture; transition i is shown as
        ``transitions[i].at(t) @ G[i][:, :2]``, and consecutive pictures agree at every
        layer boundary: ``transitions[i].end @ G[i] == transitions[i+1].start @ G[i+1]``.
        """
        G0 = np.asarray(G0, dtype=np.float64)
        if G0.ndim != 2 or G0.shape[0] != self.width:
            raise ValueError(f"G0 must be a {self.width}×k view (k ≤ {self.width}), got shape {G0.shape}")
        views, G = [], G0
        prev_out, prev_emb = IdentityBasis(self.activations[0].shape[1]), None
        for tr in self.transitions:
            a = tr.alignment
            G = carry_view(G, prev_out, a.in_basis, prev_embedding=prev_emb)
            views.append(G)
            prev_out, prev_emb = a.out_basis, a.out_embedding
        return views

    def raw_view(self, i: int, G) -> np.ndarray:
        """The view that shows the raw padded output ``[X_{i+1}, 0]`` exactly as
        ``transitions[i].end @ G`` (i.e. ``G`` carried from the aligned to the raw basis)."""
        a = self.transitions[i].alignment
        return carry_view(G, a.out_basis, IdentityBasis(a.out_dim), prev_embedding=a.out_embedding)


def align_network(X, layers, *, width: int | None = None) -> AlignedPath:
    """Run ``X`` (N×p rows) through ``layers`` and align every transition (one common width).

    ``layers`` is a list of :mod:`tourlib.align.layers` objects (e.g. from
    :func:`~tourlib.align.layers.layers_from_torch`). ``width`` defaults to the widest
    space involved (inputs, outputs and embedded outputs of all layers).
    """
    X = as_rows(X, "X")
    if len(layers) == 0:
        raise ValueError("layers is empty; give at least one layer")
    acts, aligns = [X], []
    for layer in layers:
        aligns.append(layer.alignment(acts[-1].shape[1]))
        acts.append(layer.forward(acts[-1]))
    D = check_width(width, max(max(a.in_dim, a.aligned_out_dim) for a in aligns))
    transitions: list[Transition] = [
        a.transition(acts[i], acts[i + 1], width=D) for i, a in enumerate(aligns)
    ]
    names = [getattr(layer, "name", "") for layer in layers]
    return AlignedPath(activations=acts, transitions=transitions, names=names, width=D)


def padded_input(path: AlignedPath) -> np.ndarray:
    """``[X_0, 0]``: the network input padded to the path's width (the first picture's points)."""
    return pad_columns(path.activations[0], path.width)
