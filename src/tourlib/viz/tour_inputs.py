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
