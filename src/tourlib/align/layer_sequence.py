"""The layer axis of a tour: a network's aligned transitions, k coordinates per activation.

:func:`layer_sequence` runs points through a network (at one or several epochs), aligns every
layer with :mod:`tourlib.align` and keeps k principal coordinates per activation, turned so that
one k×k view serves every layer; :class:`LayerSequence` holds the result, which
:func:`tourlib.viz.layer_tour_figure` animates in the browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .procrustes import procrustes_align


@dataclass
class LayerSequence:
    """A network's layer-by-layer animation at one or more epochs, k coordinates per activation.

    Activations ``X_0`` (input), ``X_1``, …, ``X_L`` (one per layer) are centred and divided
    by their RMS radius ``σ_j = sqrt(mean ‖x − x̄‖²)``, so every layer fills the screen, and
    each gets a frame ``F_j`` (p_j×k, raw coordinates): its top k principal directions, turned
    within their span (orthogonal Procrustes) so they line up with the previous frame *in the
    aligned bases of the layer between them*::

        A = Uᵀ F_j        (the frame seen in layer j's aligned input basis)
        B = Vᵀ W_{j+1}    (the next activation's principal directions, aligned output basis)
        R = argmin_{RᵀR=I} ‖B R − A‖_F,     F_{j+1} = W_{j+1} R

    The page shows ``Z_j = X̂_j F_j`` and moves linearly from ``Z_i`` to ``Z_{i+1}`` during
    transition i. In tourlib.align's terms this is exactly the transition's aligned endpoints
    ``start = [X_i U, 0]`` and ``end = [Y V, 0]`` (each centred and scaled), linearly
    interpolated, seen through the frames ``P_start = Uᵀ F_i`` and ``P_end = Vᵀ F_{i+1}``
    (padded): ``start @ P_start = X_i F_i`` and ``end @ P_end = Y F_{i+1}``. Because the end
    of transition i and the start of i + 1 use the *same* frame of the same activation, one
    view ``G`` (k×k) serves every layer and nothing jumps at a boundary: the carry of the view
    (:func:`tourlib.align.carry_view`, ``G' = U'ᵀ V G``) is built into the frames (the
    Procrustes rotation ``R`` is that carry restricted to the kept coordinates). A layer that
    only rotates or flips its input (``M = U Vᵀ``, no bias) keeps every point still, as in the
    article. The input frame ``F_0`` is the same at every epoch, so changing epoch leaves the
    input picture unchanged and shows, layer by layer, what training changed.

    Attributes
    ----------
    points : E×(L+1)×N×k, the ``Z_j`` of every epoch.
    layers : the L layer names; names : the L transition labels (``"conv1 → pool1"``);
    kinds : alignment kinds; epochs : E labels; retained : E×(L+1), the share of each
    activation's variance its k coordinates keep; sigma : E×(L+1) RMS radii;
    widths : (L+1) activation widths p_j; frames : ``frames[e][j] = F_j`` (p_j×k).
    """

    points: np.ndarray
    layers: list
    names: list
    kinds: list
    epochs: list
    retained: np.ndarray
    sigma: np.ndarray
    widths: list
    frames: list

    @property
    def n_epochs(self) -> int:
        return self.points.shape[0]

    @property
    def n_layers(self) -> int:
        return self.points.shape[1] - 1

    @property
    def k(self) -> int:
        return self.points.shape[3]

    @property
    def activations(self) -> list:
        """Names of the L + 1 activations: ``"input"`` and the layers."""
        return ["input", *self.layers]

    def transition_at(self, lam: float) -> tuple[int, float]:
        """``(i, t)`` for layer position λ ∈ [0, L] (λ = L: the end of the last transition)."""
        L = self.n_layers
        lam = float(lam)
        if not 0.0 <= lam <= L:
            raise ValueError(f"layer position must lie in [0, {L}], got {lam}")
        i = min(L - 1, int(np.floor(lam)))
        return i, lam - i

    def at(self, epoch: int, lam: float) -> np.ndarray:
        """The N×k points the figure shows at epoch index ``epoch`` and layer position λ."""
        i, t = self.transition_at(lam)
        return (1.0 - t) * self.points[epoch, i] + t * self.points[epoch, i + 1]

    def tour_axes(self, start_epoch: int | None = None) -> list[dict]:
        """The data axes of ``points`` (E×(L+1)×N×k) as plain data, for ``tourlib.viz.tour_figure``.

        ``[{"name": "epoch", "labels": epochs, "interpolate": False, "start": start_epoch},
        {"name": "layer", "labels": activations, "segment_labels": names, "interpolate": True,
        "play_label": "layers"}]``: the figure moves linearly between neighbouring activations
        (transition ``⌊λ⌋`` at ``λ − ⌊λ⌋``, exactly :meth:`at`) and steps between epochs.
        ``start_epoch``: the epoch index shown first (default the last, the trained network).
        """
        E = self.n_epochs
        start = E - 1 if start_epoch is None else int(start_epoch)
        if not 0 <= start < E:
            raise ValueError(f"start_epoch must be an epoch index in 0…{E - 1}, got {start_epoch}")
        return [
            {"name": "epoch", "labels": [str(e) for e in self.epochs], "interpolate": False, "start": start},
            {"name": "layer", "labels": [str(a) for a in self.activations], "segment_labels": list(self.names),
             "interpolate": True, "play_label": "layers"},
        ]

    def aligned_frames(self, epoch: int, i: int, layer) -> tuple[np.ndarray, np.ndarray]:
        """``(P_start, P_end)``, D×k: the frames of transition i in its aligned coordinates, so
        that ``t.start @ P_start`` and ``t.end @ P_end`` (``t = layer_transition(X_i, layer)``,
        endpoints centred and divided by σ) are ``points[epoch, i]`` and ``points[epoch, i + 1]``."""
        a = layer.alignment(self.widths[i])
        D = max(a.in_dim, a.aligned_out_dim)
        Ps, Pe = np.zeros((D, self.k)), np.zeros((D, self.k))
        Ps[: a.in_dim] = a.in_basis.rotate(self.frames[epoch][i].T).T
        Pe[: a.aligned_out_dim] = a.out_basis.rotate(a.embed_output(self.frames[epoch][i + 1].T)).T
        return Ps, Pe


#: Where a layer of :mod:`tourlib.align.layers` caches its alignment (a ``cached_property``).
_ALIGNMENT_ATTR = "_alignment"


def _centred(Z) -> tuple[np.ndarray, float]:
    Z = np.asarray(Z, dtype=np.float64)
    Z = Z - Z.mean(axis=0)
    sigma = float(np.sqrt((Z ** 2).sum(axis=1).mean()))
    return (Z / sigma if sigma > 0 else Z), sigma


def _principal_frame(Z: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, float]:
    """p×k top right-singular directions of centred Z (zero columns beyond its rank) and the
    share of ‖Z‖² they keep."""
    from sklearn.utils.extmath import randomized_svd

    n, p = Z.shape
    kk = min(k, p, n)
    if kk == min(p, n) or p <= 4 * k:
        _, s, Vt = np.linalg.svd(Z, full_matrices=False)
    else:
        _, s, Vt = randomized_svd(Z, kk, n_iter=6, random_state=seed)
    W = np.zeros((p, k))
    W[:, :kk] = Vt[:kk].T
    total = float((Z ** 2).sum())
    return W, (float((s[:kk] ** 2).sum()) / total if total > 0 else 1.0)


def layer_sequence(X, networks, *, k: int = 16, epochs: Sequence[Any] | None = None,
                   seed: int = 0) -> LayerSequence:
    """Run ``X`` through a network (at one or several epochs) and give every activation its frame.

    Parameters
    ----------
    X : N×p input rows (images flattened C×H×W, as the network sees them).
    networks : a list of :mod:`tourlib.align.layers` objects (e.g. from
        :func:`tourlib.nets.torch_layers.layers_from_torch`), or a list of such lists, one per epoch
        (same architecture).
    k : coordinates kept per activation (see :class:`LayerSequence`).
    epochs : labels of the epochs (default 0, 1, …).
    seed : seed of the randomised SVD.

    Only the bases' ``rotate`` applied to k frame vectors is needed per layer (never the N×D
    transition endpoints), so even the widest layers cost little memory; an alignment computed
    here is not left cached on its layer (the SVD factors of a convolution are tens of MB, for
    every layer and epoch), one the layer already held is kept.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"X must be N×p input rows with N ≥ 2, got shape {X.shape}")
    if int(k) != k or k < 2:
        raise ValueError(f"k must be a whole number ≥ 2, got {k}")
    k = int(k)
    if len(networks) and not isinstance(networks[0], (list, tuple)):
        networks = [networks]
    E = len(networks)
    if E == 0 or any(len(net) == 0 for net in networks):
        raise ValueError("networks is empty; give a list of layers, or one list per epoch")
    L = len(networks[0])
    if any(len(net) != L for net in networks):
        raise ValueError(f"every epoch's network needs the same layers, got {[len(n) for n in networks]}")
    labels = [str(x) for x in (epochs if epochs is not None else range(E))]
    if len(labels) != E:
        raise ValueError(f"epochs has {len(labels)} labels for {E} networks")
    layer_names = [getattr(layer, "name", "") or f"layer{i + 1}" for i, layer in enumerate(networks[0])]
    N = X.shape[0]
    points = np.zeros((E, L + 1, N, k))
    retained = np.zeros((E, L + 1))
    sigma = np.zeros((E, L + 1))
    X0, s0 = _centred(X)
    F0, r0 = _principal_frame(X0, k, seed)
    frames, kinds, widths = [], [], [X.shape[1]]
    for e, net in enumerate(networks):
        cur, F = X, F0
        points[e, 0], retained[e, 0], sigma[e, 0] = X0 @ F0, r0, s0
        frames.append([F0])
        for i, layer in enumerate(net):
            kept = _ALIGNMENT_ATTR in getattr(layer, "__dict__", {})   # a layer's alignment is cached on it once computed
            a = layer.alignment(cur.shape[1])
            Y = np.asarray(layer.forward(cur), dtype=np.float64)
            Yc, sigma[e, i + 1] = _centred(Y)
            W, retained[e, i + 1] = _principal_frame(Yc, k, seed)
            A = a.in_basis.rotate(F.T).T                                   # Uᵀ F_i
            B = a.out_basis.rotate(a.embed_output(W.T)).T                  # Vᵀ W_{i+1}
            m = min(len(A), len(B))  # rows beyond the shorter basis are zero
            F = W @ procrustes_align(B[:m], A[:m]).R
            points[e, i + 1] = Yc @ F
            frames[e].append(F)
            if e == 0:
                kinds.append(a.kind)
                widths.append(Y.shape[1])
            if not kept:                                 # computed here, needed once: let it go
                getattr(layer, "__dict__", {}).pop(_ALIGNMENT_ATTR, None)
            del a
            cur = Y
    names = [f"{'input' if i == 0 else layer_names[i - 1]} → {layer_names[i]}" for i in range(L)]
    return LayerSequence(points=points, layers=layer_names, names=names, kinds=kinds, epochs=labels,
                         retained=retained, sigma=sigma, widths=widths, frames=frames)
