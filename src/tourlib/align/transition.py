"""The animation of one layer: two aligned endpoint arrays, interpolated linearly.

Row-vector convention throughout: activations are N×d arrays, a layer maps its input
``X`` (N×p) to its output ``Y`` (N×r), a linear layer is ``Y = X M + b``.

**Why align.** The Grand Tour shows ``Z @ G[:, :2]`` for an orthogonal view ``G``; it
already rotates freely, so a rotation *in the data* carries no information for it.
A linear layer ``M = U Σ Vᵀ`` (SVD; U, V orthogonal) is rotation ``U``, per-axis scaling
``Σ``, rotation ``Vᵀ``. Multiplying ``Y = X U Σ Vᵀ + b`` on the right by ``V`` gives

    Y V = (X U) Σ + b V

so in the input basis ``U`` and the output basis ``V`` the layer is a *coordinate-wise
scaling* by the singular values, followed by a translation by the rotated bias ``b V``.
The transition is the straight line between the two endpoints

    start = [X U, 0]        end = [Y V, 0]        (zero-padded to a common width D)
    Z(t)  = (1 − t)·start + t·end,   t ∈ [0, 1]

and each aligned coordinate of each point changes on its own (scaled by σ_j, shifted
by (bV)_j), independently of the others: a layer that is a pure rotation or sign flip
(Σ = I, b = 0) leaves every point still, instead of sending them all across the screen
as naive interpolation ``(1 − t) X + t Y`` would.

**Component-wise maps** (ReLU, sigmoid, tanh, per-coordinate affine maps such as
BatchNorm in eval mode) act on each coordinate of the raw basis separately, so the raw
basis is already the one in which they are "diagonal": ``U = V = I`` and
``Z(t) = (1 − t) X + t f(X)``; in any rotated basis the same map would mix coordinates.

**Softmax.** Not component-wise (each output depends on all inputs), not linear.
The Grand Tour article lists it with max-pooling as neither, and its technical notes
give it no alignment of its own (they cover ReLU, linear, convolutional and max-pooling
layers). Its input (pre-softmax) and output share the class axes (coordinate i is class i
on both sides), so we animate it in that shared raw basis, like a component-wise map:
``Z(t) = (1 − t) L + t softmax(L)``; no rotation is involved that could be removed.

**Max-pooling** is piecewise linear; see :mod:`tourlib.align.pooling` for the
article's average-pooling treatment that we implement.

**Endpoints are the true activations, rotated.** ``start[:, :p] @ Uᵀ == X`` and
``restrict(end[:, :R] @ Vᵀ) == Y`` hold for every layer kind (``restrict`` only matters
for convolutions whose output is embedded into a larger map, see
:mod:`tourlib.align.conv_svd`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .basis import Basis, CoordinateEmbedding
from .checks import as_rows, check_t, check_width
from .padding import pad_columns

__all__ = ["Alignment", "Transition", "layer_transition"]


@dataclass(frozen=True)
class Alignment:
    """The bases in which a layer is seen without its rotations.

    Attributes
    ----------
    kind
        ``"linear"``, ``"conv"``, ``"componentwise"``, ``"softmax"`` or ``"maxpool"``.
    in_basis
        ``U`` (p×p): the aligned input is ``X @ U``.
    out_basis
        ``V`` (R×R): the aligned output is ``embed(Y) @ V``.
    out_embedding
        How the output ``Y`` (N×r) sits in the R-dimensional space of ``V``; ``None``
        means R = r and no embedding (the usual case).
    scales
        Singular values σ (descending, length ``min(p, R)``) when the layer is linear:
        aligned output coordinate j = σ_j · aligned input coordinate j + shift_j.
    shift
        ``embed(b) @ V`` (length R), the rotated bias; ``None`` when there is none.
    exact
        Whether ``end == start·σ + shift`` holds exactly (False for convolutions whose
        zero padding is approximated by circular padding).
    """

    kind: str
    in_basis: Basis
    out_basis: Basis
    out_embedding: CoordinateEmbedding | None = None
    scales: np.ndarray | None = None
    shift: np.ndarray | None = None
    exact: bool = True

    @property
    def in_dim(self) -> int:
        return self.in_basis.dim

    @property
    def out_dim(self) -> int:
        """Width r of the layer's true output (before any embedding)."""
        return self.out_embedding.in_dim if self.out_embedding is not None else self.out_basis.dim

    @property
    def aligned_out_dim(self) -> int:
        """Width R of the aligned output space (R ≥ r)."""
        return self.out_basis.dim

    def embed_output(self, Y) -> np.ndarray:
        Y = as_rows(Y, "Y", width=self.out_dim, keep_float32=True)
        return Y if self.out_embedding is None else self.out_embedding.embed(Y)

    def restrict_output(self, Z) -> np.ndarray:
        Z = as_rows(Z, "Z", width=self.aligned_out_dim)
        return Z if self.out_embedding is None else self.out_embedding.restrict(Z)

    def transition(self, X, Y, width: int | None = None) -> "Transition":
        """Endpoints ``start = [X U, 0]`` and ``end = [embed(Y) V, 0]``, both N×D.

        float32 activations stay float32 through FFT bases (half the memory of float64 for
        large convolutional layers); everything else is computed in float64.
        """
        X = as_rows(X, "X", width=self.in_dim, keep_float32=True)
        Y = as_rows(Y, "Y", width=self.out_dim, keep_float32=True)
        if len(X) != len(Y):
            raise ValueError(f"X and Y must hold the same points, got {len(X)} and {len(Y)} rows")
        D = check_width(width, max(self.in_dim, self.aligned_out_dim))
        start = pad_columns(self.in_basis.rotate(X), D)
        end = pad_columns(self.out_basis.rotate(self.embed_output(Y)), D)
        return Transition(start=start, end=end, alignment=self)


@dataclass(frozen=True)
class Transition:
    """One layer's animation: ``Z(t) = (1 − t)·start + t·end`` (both N×D).

    Show it with the view ``G`` (D×D orthogonal, or a D×k frame) as ``Z(t) @ G[:, :2]``;
    :func:`tourlib.align.chain.align_network` gives the ``G`` of each transition that keeps
    the picture continuous from one layer to the next.
    """

    start: np.ndarray
    end: np.ndarray
    alignment: Alignment

    @property
    def width(self) -> int:
        return self.start.shape[1]

    @property
    def kind(self) -> str:
        return self.alignment.kind

    def at(self, t) -> np.ndarray:
        """The points at time ``t`` ∈ [0, 1]: N×D, or T×N×D for a 1-D array of T times."""
        tt = check_t(t)
        if tt.ndim == 0:
            return (1.0 - tt) * self.start + tt * self.end
        return (1.0 - tt)[:, None, None] * self.start + tt[:, None, None] * self.end

    def predicted_end(self) -> np.ndarray | None:
        """``start·σ + shift`` (padded): where a purely linear layer sends the points; None
        for non-linear layers."""
        a = self.alignment
        if a.scales is None:
            return None
        m = len(a.scales)
        pred = np.zeros_like(self.end)
        pred[:, :m] = self.start[:, :m] * a.scales
        if a.shift is not None:
            pred[:, : len(a.shift)] += a.shift
        return pred

    def scaling_residual(self) -> float | None:
        """``‖end − (start·σ + shift)‖_F / ‖end‖_F``: how far the layer is from a pure
        per-axis scaling in the aligned bases (0 up to round-off for exact linear layers;
        the border effect of zero padding for FFT-aligned convolutions). None if non-linear."""
        pred = self.predicted_end()
        if pred is None:
            return None
        denom = np.linalg.norm(self.end)
        return float(np.linalg.norm(self.end - pred) / denom) if denom > 0 else 0.0


def layer_transition(X, layer, *, width: int | None = None) -> Transition:
    """The aligned transition of ``layer`` on the inputs ``X`` (N×p, rows in C×H×W order).

    ``layer`` is one of the layer descriptions in :mod:`tourlib.align.layers` (or any
    object with ``forward(X) -> Y`` and ``alignment(in_dim) -> Alignment``). Use
    ``.at(t)`` on the result for the points at time t, ``.start`` / ``.end`` for the
    endpoints. ``width`` pads both to D columns (default: the wider of the two sides).
    """
    X = as_rows(X, "X")
    alignment = layer.alignment(X.shape[1])
    Y = layer.forward(X)
    return alignment.transition(X, Y, width=width)
