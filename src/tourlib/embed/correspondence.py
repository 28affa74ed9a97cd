"""Data-visual correspondence between consecutive epochs: do points move on screen as they move in data?

For a step ``t → t+1`` of a series of the same ``n`` points (data ``X_t``,
``T×n×d``; screen ``Y_t``, ``T×n×2``):

* **data move** of point ``i``: ``a_i = ‖x_{t+1,i} − x_{t,i}‖`` (Euclidean, in data units);
* **screen move**: ``b_i = ‖ŷ_{t+1,i} − ŷ_{t,i}‖``, where ``ŷ`` are the layouts
  normalised to mean 0 and RMS radius 1, and, with ``align=True`` (default),
  ``ŷ_{t+1}`` is additionally rotated / reflected onto ``ŷ_t`` by the best
  orthogonal 2×2 matrix (:func:`~tourlib.embed.screen.rotate_onto`). Screen moves
  are therefore in units of the layout's RMS radius, comparable across methods,
  and blind to the arbitrary orientation of t-SNE / UMAP output. The price:
  the rotation is fitted to all points, so when a subset moves, the fit may
  turn the still points a little too (rigidly, by one angle).

  ``normalize="epoch"`` (default) normalises every layout on its own
  (:func:`~tourlib.embed.screen.normalize_screen`): what one sees in small
  multiples whose panels each fit their own data. A global growth of the cloud
  (say, the softmax leaving the uniform point early in training) then moves
  every point, even under a fixed linear map. ``normalize="series"`` uses one
  mean and RMS radius for all epochs (:func:`~tourlib.embed.screen.normalize_series`):
  what one sees with fixed axes (an animation, or panels sharing their ranges);
  meaningful only when the layouts share units, as a fixed linear map's do.

With ``k = floor(quantile·n)`` (≥ 1), the *still* points are the ``k`` points of
smallest data move and the *moved* points the ``k`` of largest (ties broken by
point index). Per step the report gives

* ``still_move`` -- mean ``b`` over the still points,
* ``moved_move`` -- mean ``b`` over the moved points,
* ``ratio`` = ``still_move / moved_move``: near 0 when what barely changed in
  the data barely changes on screen while what changed does (good
  correspondence); near 1 or above when the whole picture moves regardless.
  NaN when nothing moved on screen (0/0).
* ``spearman`` -- Spearman rank correlation of ``a`` and ``b`` over all points
  (:func:`scipy.stats.spearmanr`); 1 when the screen ranks the moves exactly as
  the data does. NaN when ``a`` or ``b`` is constant.
* ``mean_move`` -- mean ``b`` over all points: how much the picture changes.

Screen moves at floating-point level (~1e-7 for float32 layouts) are noise;
their ranks mean nothing.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from scipy.stats import spearmanr

from .screen import check_screen_series, normalize_screen, normalize_series, rotate_onto

__all__ = ["CorrespondenceReport", "correspondence_report", "correspondence_table"]


@dataclass(frozen=True)
class CorrespondenceReport:
    """Data-visual correspondence of one screen series, per step ``t → t+1`` (see module docstring).

    Attributes
    ----------
    quantile : float
        Fraction of points in each of the still and moved groups.
    aligned : bool
        Whether each layout was aligned to the previous one before measuring.
    normalize : str
        ``"epoch"`` or ``"series"``: how screen coordinates were normalised.
    data_move, screen_move : (T−1)×n float64
        ``a`` and ``b`` for every point and step.
    still_move, moved_move, ratio, spearman, mean_move : (T−1,) float64
        The per-step summaries.
    """

    quantile: float
    aligned: bool
    normalize: str
    data_move: np.ndarray
    screen_move: np.ndarray
    still_move: np.ndarray
    moved_move: np.ndarray
    ratio: np.ndarray
    spearman: np.ndarray
    mean_move: np.ndarray

    @property
    def steps(self) -> int:
        """Number of steps ``T − 1``."""
        return len(self.ratio)


def _check_data_series(series) -> np.ndarray:
    x = np.asarray(series, dtype=np.float64)
    if x.ndim != 3:
        raise ValueError(f"data_series must be T×n×d (epochs × points × features), got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("data_series contains NaN or infinite values")
    return x


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(spearmanr(a, b).statistic)


def correspondence_report(data_series, screen_series, *, quantile: float = 0.1, align: bool = True,
                          normalize: str = "epoch") -> CorrespondenceReport:
    """Measure data-visual correspondence of ``screen_series`` (T×n×2) for ``data_series`` (T×n×d).

    Parameters
    ----------
    data_series : array T×n×d
        The data at each epoch (what was embedded), point ``i`` = row ``i``.
    screen_series : array T×n×2
        Its 2-D layouts, same points in the same order.
    quantile : float in (0, 0.5]
        Size of the still and moved groups as a fraction of ``n``.
    align : bool
        Rotate / reflect each normalised layout onto the previous one before
        measuring (default ``True``; see the module docstring).
    normalize : "epoch" or "series"
        Normalise each layout on its own (default), or all layouts of the series
        together (fixed axes; see the module docstring).

    Returns
    -------
    CorrespondenceReport
    """
    x = _check_data_series(data_series)
    y = check_screen_series(screen_series)
    if x.shape[:2] != y.shape[:2]:
        raise ValueError(f"data_series {x.shape} and screen_series {y.shape} must have the same epochs "
                         "and points (T×n) in the same order")
    t, n = y.shape[:2]
    if t < 2:
        raise ValueError(f"need at least 2 epochs to measure a change, got T={t}")
    if not (isinstance(quantile, (int, float)) and 0 < quantile <= 0.5):
        raise ValueError(f"quantile must be in (0, 0.5] so the still and moved groups do not overlap, "
                         f"got {quantile!r}")
    k = int(np.floor(quantile * n))
    if k < 1:
        raise ValueError(f"quantile={quantile} of n={n} points is less than one point; "
                         f"use quantile ≥ {1 / n:.3g} or more points")

    if normalize == "epoch":
        frames = np.stack([normalize_screen(frame) for frame in y])
    elif normalize == "series":
        frames = normalize_series(y)
    else:
        raise ValueError(f"normalize must be 'epoch' or 'series', got {normalize!r}")

    data_move = np.linalg.norm(x[1:] - x[:-1], axis=2)
    screen_move = np.empty((t - 1, n))
    for s in range(t - 1):
        after = rotate_onto(frames[s + 1], frames[s]) if align else frames[s + 1]
        screen_move[s] = np.linalg.norm(after - frames[s], axis=1)

    still = np.empty(t - 1)
    moved = np.empty(t - 1)
    rho = np.empty(t - 1)
    for s in range(t - 1):
        order = np.argsort(data_move[s], kind="stable")
        still[s] = screen_move[s, order[:k]].mean()
        moved[s] = screen_move[s, order[-k:]].mean()
        rho[s] = _spearman(data_move[s], screen_move[s])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(moved > 0, still / np.where(moved > 0, moved, 1.0), np.nan)
    return CorrespondenceReport(
        quantile=float(quantile), aligned=bool(align), normalize=normalize, data_move=data_move, screen_move=screen_move,
        still_move=still, moved_move=moved, ratio=ratio, spearman=rho, mean_move=screen_move.mean(axis=1))


_COLUMNS = ("still_move", "moved_move", "ratio", "spearman", "mean_move")


def correspondence_table(data_series, screens: Mapping[str, np.ndarray], *, quantile: float = 0.1,
                         align: bool = True, normalize: str = "epoch",
                         epochs: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """One :func:`correspondence_report` per method, as a tidy table (one row per method and step).

    Parameters
    ----------
    data_series : array T×n×d
        The data every method embedded.
    screens : {method name: T×n×2 layouts}
        E.g. ``{"t-SNE": ..., "PCA per epoch": ..., "fixed linear": ...}``.
    quantile, align, normalize
        As in :func:`correspondence_report`.
    epochs : sequence of T ints, optional
        The epoch number of each snapshot (default ``0 .. T−1``), used for the
        ``epoch_from`` / ``epoch_to`` columns.

    Returns
    -------
    dict of equal-length 1-D arrays
        ``method``, ``epoch_from``, ``epoch_to``, ``still_move``, ``moved_move``,
        ``ratio``, ``spearman``, ``mean_move`` (``pandas.DataFrame(table)`` shows it).
    """
    if not isinstance(screens, Mapping) or not screens:
        raise ValueError("screens must be a non-empty mapping {method name: T×n×2 layouts}")
    x = _check_data_series(data_series)
    t = x.shape[0]
    labels = np.arange(t) if epochs is None else np.asarray(epochs)
    if labels.shape != (t,):
        raise ValueError(f"epochs must name each of the T={t} snapshots, got shape {labels.shape}")
    rows: dict[str, list] = {"method": [], "epoch_from": [], "epoch_to": [], **{c: [] for c in _COLUMNS}}
    for name, screen in screens.items():
        rep = correspondence_report(x, screen, quantile=quantile, align=align, normalize=normalize)
        rows["method"] += [str(name)] * rep.steps
        rows["epoch_from"] += labels[:-1].tolist()
        rows["epoch_to"] += labels[1:].tolist()
        for c in _COLUMNS:
            rows[c] += getattr(rep, c).tolist()
    return {k: np.asarray(v) for k, v in rows.items()}
