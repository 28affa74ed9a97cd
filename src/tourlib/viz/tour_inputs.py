"""Check and normalise what a tour figure is given: data, labels, predictions, images, presets.

Every figure builder and exporter goes through :func:`prepare_tour_inputs`, so a wrong shape,
a NaN or a label-count mismatch is reported once, with what was expected and how to fix it.

Shapes (row vectors, as everywhere in tourlib)
    ``X``            N×d points, or T×N×d: the same N points at T time steps (epochs, steps)
    ``labels``       N class codes 0…K−1 (or N class names)
    ``predictions``  N codes, or T×N (a prediction per time step)
    ``images``       N images (N×h×w grey or N×h×w×3), one per point

Several panels (e.g. train and test) are given as a list or a dict ``{name: X}``; ``labels``,
``predictions`` and ``images`` are then a matching list/dict, or one array shared by all
panels when they have the same N.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from .encode import thumbnails_uint8


@dataclass
class TourPanel:
    """One data set of a figure: the points over time and what describes each point."""

    name: str
    X: np.ndarray  # float64, T×N×d
    labels: np.ndarray  # int32 codes, (N,)
    predictions: np.ndarray | None  # int32 codes, (T, N)
    images: np.ndarray | None  # uint8, M×h×w×c
    image_index: np.ndarray | None  # int32, (M,): the points the images belong to

    @property
    def n_points(self) -> int:
        return self.X.shape[1]


@dataclass
class TourInputs:
    """All panels of a figure, checked to share the dimension ``dim`` and ``n_times`` steps."""

    panels: list[TourPanel]
    classes: list[str]
    dim: int
    n_times: int
    has_time: bool
    time_labels: list[str]


def _as_panels(X: Any) -> tuple[list[str], list[Any], str]:
    """Split ``X`` into panel names and arrays; return also the container kind."""
    if isinstance(X, Mapping):
        if not X:
            raise ValueError("X is an empty dict; give at least one data set, e.g. {'train': X_train}")
        return [str(k) for k in X], list(X.values()), "dict"
    if isinstance(X, (list, tuple)) and X and not np.isscalar(X[0]) and np.ndim(X[0]) >= 2:
        return [f"panel {k + 1}" for k in range(len(X))], list(X), "list"
    return [""], [X], "single"


def _per_panel(value: Any, names: list[str], kind: str, what: str, n_points: list[int]) -> list[Any]:
    """Spread ``value`` (None, one array, or a list/dict matching the panels) over the panels."""
    if value is None:
        return [None] * len(names)
    if kind == "dict" and isinstance(value, Mapping):
        missing = [n for n in names if n not in value]
        if missing:
            raise ValueError(f"{what} has no entry for panel(s) {missing}; give one per key of X")
        return [value[n] for n in names]
    if kind == "list" and isinstance(value, (list, tuple)) and len(value) == len(names) and (
        np.ndim(value[0]) >= 1 and not isinstance(value[0], str)
    ):
        return list(value)
    if kind != "single" and len(set(n_points)) > 1:
        raise ValueError(
            f"the panels have different numbers of points {n_points}; give {what} as a "
            f"{'dict' if kind == 'dict' else 'list'} with one entry per panel"
        )
    return [value] * len(names)


def _check_points(X: Any, name: str) -> np.ndarray:
    where = f" (panel {name!r})" if name else ""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"X{where} must be a numeric array, N×d or T×N×d: {exc}") from None
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ValueError(
            f"X{where} must be N×d (points) or T×N×d (points over time), got shape {np.shape(X)}"
        )
    T, N, d = arr.shape
    if N == 0 or d == 0 or T == 0:
        raise ValueError(f"X{where} is empty (shape {np.shape(X)}); need at least one point and one column")
    if d < 2:
        raise ValueError(f"X{where} has d={d} column; a 2-D view needs d ≥ 2 (pad with a zero column)")
    bad = ~np.isfinite(arr)
    if bad.any():
        t, i, j = np.argwhere(bad)[0]
        at = f"X[{t}, {i}, {j}]" if T > 1 else f"X[{i}, {j}]"
        raise ValueError(
            f"X{where} has {int(bad.sum())} NaN/infinite values (first at {at}); drop or impute them"
        )
    return arr


def _codes(values: Any, classes: list[str] | None, what: str, n: int, where: str) -> tuple[np.ndarray, list[str] | None]:
    """Class codes 0…K−1 from ints or names; returns the codes and (possibly new) class names."""
    arr = np.asarray(values)
    if arr.shape[-1:] != (n,):
        raise ValueError(
            f"{what}{where}: need one per point, {n} points but {what} has shape {arr.shape}"
        )
    if arr.dtype.kind in "USO":
        names = [str(v) for v in arr.ravel()]
        if classes is None:
            classes = sorted(set(names))
        lookup = {c: k for k, c in enumerate(classes)}
        unknown = sorted(set(names) - set(lookup))
        if unknown:
            raise ValueError(f"{what}{where} has names not in classes: {unknown[:5]}; add them to classes")
        return np.array([lookup[v] for v in names], dtype=np.int32).reshape(arr.shape), classes
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"{what}{where} must be integer class codes or class names, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.rint(arr)):
            raise ValueError(f"{what}{where} must be whole numbers (class codes), got non-integer floats")
    codes = arr.astype(np.int64)
    if codes.size and codes.min() < 0:
        raise ValueError(f"{what}{where} has negative codes (min {codes.min()}); codes are 0…K−1")
    if classes is not None and codes.size and codes.max() >= len(classes):
        raise ValueError(
            f"{what}{where} has code {codes.max()} but only {len(classes)} classes are named; "
            f"codes must lie in 0…{len(classes) - 1}"
        )
    return codes.astype(np.int32), classes


def prepare_tour_inputs(
    X: Any,
    labels: Any = None,
    *,
    classes: Sequence[str] | None = None,
    images: Any = None,
    predictions: Any = None,
    max_images: int = 1000,
    times: Sequence[Any] | None = None,
) -> TourInputs:
    """Validate and normalise a figure's inputs (see module doc); raise a clear error otherwise.

    Images are kept for at most ``max_images`` points per panel, at evenly spaced indices
    ``round(linspace(0, N−1, M))``; the other points are drawn as dots.
    """
    names, arrays, kind = _as_panels(X)
    pts = [_check_points(a, n) for a, n in zip(arrays, names)]
    dims = {p.shape[2] for p in pts}
    if len(dims) > 1:
        raise ValueError(
            f"all panels share one rotation, so they need the same d; got d = "
            f"{[p.shape[2] for p in pts]} for panels {names}"
        )
    steps = {p.shape[0] for p in pts}
    if len(steps) > 1:
        raise ValueError(f"all panels need the same number of time steps; got {[p.shape[0] for p in pts]}")
    T, d = pts[0].shape[0], pts[0].shape[2]
    n_points = [p.shape[1] for p in pts]
    if max_images < 0:
        raise ValueError(f"max_images must be ≥ 0, got {max_images}")

    class_list = None if classes is None else [str(c) for c in classes]
    if class_list is not None and len(class_list) == 0:
        raise ValueError("classes is empty; give one name per class or leave it None")
    raw_labels = _per_panel(labels, names, kind, "labels", n_points)
    raw_preds = _per_panel(predictions, names, kind, "predictions", n_points)
    raw_images = _per_panel(images, names, kind, "images", n_points)

    label_codes = []
    for lab, p, name in zip(raw_labels, pts, names):
        where = f" (panel {name!r})" if name else ""
        if lab is None:
            label_codes.append(np.zeros(p.shape[1], dtype=np.int32))
            continue
        lab_arr = np.asarray(lab)
        if lab_arr.ndim != 1:
            raise ValueError(f"labels{where} must be 1-D (one per point), got shape {lab_arr.shape}")
        codes, class_list = _codes(lab_arr, class_list, "labels", p.shape[1], where)
        label_codes.append(codes)
    if class_list is None:
        k = max(int(c.max()) + 1 for c in label_codes) if any(lab is not None for lab in raw_labels) else 1
        class_list = [str(i) for i in range(k)] if any(lab is not None for lab in raw_labels) else ["points"]

    panels = []
    for name, p, codes, pred, img in zip(names, pts, label_codes, raw_preds, raw_images):
        where = f" (panel {name!r})" if name else ""
        N = p.shape[1]
        pred_codes = None
        if pred is not None:
            pred_arr = np.asarray(pred)
            if pred_arr.ndim not in (1, 2) or (pred_arr.ndim == 2 and pred_arr.shape[0] != T):
                raise ValueError(
                    f"predictions{where} must be N or T×N = {T}×{N}, got shape {pred_arr.shape}"
                )
            pred_codes, _ = _codes(pred_arr, class_list, "predictions", N, where)
            pred_codes = np.broadcast_to(pred_codes.reshape(-1, N), (T, N)).astype(np.int32)
        thumbs = index = None
        if img is not None and max_images > 0:
            if len(img) != N:
                raise ValueError(f"images{where}: need one image per point, {N} points but {len(img)} images")
            M = min(N, max_images)
            index = np.unique(np.rint(np.linspace(0, N - 1, M)).astype(np.int32))
            thumbs = thumbnails_uint8(np.asarray(img)[index])
        panels.append(TourPanel(name, p, codes, pred_codes, thumbs, index))

    if times is None:
        time_labels = [str(t) for t in range(T)]
    else:
        time_labels = [str(t) for t in times]
        if len(time_labels) != T:
            raise ValueError(f"times has {len(time_labels)} labels but X has T = {T} time steps")
    return TourInputs(panels, class_list, d, T, T > 1, time_labels)


def view_matrix(P: Any, dim: int, name: str = "preset") -> np.ndarray:
    """An orthogonal d×d view from a d×d orthogonal ``G`` or a d×2 basis.

    A d×2 basis ``B`` is orthonormalised and completed by a QR factorisation of ``[B | I]``:
    the returned ``G`` has ``G[:, :2]`` spanning the columns of ``B`` in order with
    ``G[:, k] · B[:, k] > 0``, so an orthonormal ``B`` comes back unchanged (to rounding).
    """
    M = np.asarray(P, dtype=np.float64)
    if not np.isfinite(M).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if M.shape == (dim, dim):
        err = float(np.linalg.norm(M.T @ M - np.eye(dim)))
        if err > 1e-6:
            raise ValueError(
                f"{name} is d×d but not orthogonal (‖GᵀG − I‖ = {err:.2g}); pass an orthogonal G "
                "or just its d×2 screen basis, which will be orthonormalised"
            )
        return M.copy()
    if M.shape != (dim, 2):
        raise ValueError(f"{name} must be d×d (a view G) or d×2 (a screen basis) with d = {dim}, got {M.shape}")
    if np.linalg.matrix_rank(M) < 2:
        raise ValueError(f"{name}: the two basis columns are parallel or zero; they must span a plane")
    Q, R = np.linalg.qr(np.hstack([M, np.eye(dim)]))
    Q = Q[:, :dim] * np.where(np.diag(R)[:dim] < 0, -1.0, 1.0)
    return Q


# ---------------------------------------------------------------------------------------------
# The layer axis: a network's aligned transitions, k coordinates per activation, for the page.
# ---------------------------------------------------------------------------------------------


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


def _procrustes(B: np.ndarray, A: np.ndarray) -> np.ndarray:
    """The orthogonal k×k ``R`` minimising ``‖B R − A‖_F`` (rows beyond the shorter are zero)."""
    m = min(len(A), len(B))
    U, _, Vt = np.linalg.svd(B[:m].T @ A[:m])
    return U @ Vt


def layer_sequence(X, networks, *, k: int = 16, epochs: Sequence[Any] | None = None,
                   seed: int = 0) -> LayerSequence:
    """Run ``X`` through a network (at one or several epochs) and give every activation its frame.

    Parameters
    ----------
    X : N×p input rows (images flattened C×H×W, as the network sees them).
    networks : a list of :mod:`tourlib.align.layers` objects (e.g. from
        :func:`tourlib.align.layers_from_torch`), or a list of such lists, one per epoch
        (same architecture).
    k : coordinates kept per activation (see :class:`LayerSequence`).
    epochs : labels of the epochs (default 0, 1, …).
    seed : seed of the randomised SVD.

    Only the bases' ``rotate`` applied to k frame vectors is needed per layer (never the N×D
    transition endpoints), so even the widest layers cost little memory.
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
            a = layer.alignment(cur.shape[1])
            Y = np.asarray(layer.forward(cur), dtype=np.float64)
            Yc, sigma[e, i + 1] = _centred(Y)
            W, retained[e, i + 1] = _principal_frame(Yc, k, seed)
            A = a.in_basis.rotate(F.T).T                                   # Uᵀ F_i
            B = a.out_basis.rotate(a.embed_output(W.T)).T                  # Vᵀ W_{i+1}
            F = W @ _procrustes(B, A)
            points[e, i + 1] = Yc @ F
            frames[e].append(F)
            if e == 0:
                kinds.append(a.kind)
                widths.append(Y.shape[1])
            cur = Y
    names = [f"{'input' if i == 0 else layer_names[i - 1]} → {layer_names[i]}" for i in range(L)]
    return LayerSequence(points=points, layers=layer_names, names=names, kinds=kinds, epochs=labels,
                         retained=retained, sigma=sigma, widths=widths, frames=frames)
