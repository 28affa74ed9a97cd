"""Group handles of a tour figure: named point groups, each with a handle at its centroid.

A *group* is a set of point indices (the same images in every panel). Its handle sits at the
group's centroid ``c = mean_{i ∈ group} x_i`` at the figure's current axis positions (a layer, an
epoch), drawn at ``(c − μ) @ G[:, :2]``; dragging it by ``Δ`` turns the view by
:func:`tourlib.tour.drag_group` (in the page ``dragCentroid``), so the centroid follows the cursor
while every other point moves rigidly with the view. Because a group is indices, not positions,
its handle follows the same images when the layer changes.

Groups come in named *sets* (``{"classes": {...}, "vehicles / animals": {...}}``), which the
reader switches on and off in the handles box next to the legend; handles the reader makes in the
page (key ``d``, then a brush) go to the set ``"yours"``.
"""

from __future__ import annotations

import html
from typing import Any, Mapping, Sequence

import numpy as np

__all__ = ["class_groups", "coarse_groups", "handle_config", "handles_html", "CUSTOM_SET"]

#: The set that handles made in the page belong to.
CUSTOM_SET = "yours"
#: Colours of handles that are not one class (dark, distinct from the class palette's light tones).
_GROUP_COLORS = ("#222222", "#6a3d9a", "#b15928", "#1f78b4", "#33a02c", "#e31a1c")


def class_groups(labels: Any, classes: Sequence[str]) -> dict[str, np.ndarray]:
    """One group per class present: ``{class name: indices of its points}``."""
    lab = np.asarray(labels, dtype=np.int64)
    return {str(c): np.flatnonzero(lab == k) for k, c in enumerate(classes) if np.any(lab == k)}


def coarse_groups(labels: Any, classes: Sequence[str], groups: Mapping[str, Sequence[str]]) -> dict[str, np.ndarray]:
    """``{group name: indices of the points whose class is in the group}`` (e.g. vehicles, animals)."""
    lab = np.asarray(labels, dtype=np.int64)
    names = [str(c) for c in classes]
    out = {}
    for g, members in groups.items():
        unknown = [m for m in members if m not in names]
        if unknown:
            raise ValueError(f"group {g!r} names {unknown}, which are not classes; the classes are {', '.join(names)}")
        out[str(g)] = np.flatnonzero(np.isin(lab, [names.index(m) for m in members]))
    return out


def handle_config(handle_sets: Mapping[str, Mapping[str, Any]] | None, n_points: int, classes: Sequence[str],
                  colors: Sequence[str], shown: Sequence[str] | str | None = None) -> tuple[list, list]:
    """The ``TourConfig.groups`` and ``handle_sets`` of a figure, checked.

    ``handle_sets``: ``{set name: {group name: point indices}}``; ``shown``: the sets switched on
    at first (default: the first set). A group named like a class takes its colour. Raises
    ``ValueError`` for an empty group, an index outside ``0 … n_points − 1`` or an unknown set.
    """
    sets = dict(handle_sets or {})
    if CUSTOM_SET in sets:
        raise ValueError(f"the handle set name {CUSTOM_SET!r} is kept for the reader's own handles; rename yours")
    if shown is None:
        shown = list(sets)[:1]
    elif isinstance(shown, str):
        shown = [shown]
    unknown = [s for s in shown if s not in sets]
    if unknown:
        raise ValueError(f"show_handles names unknown handle sets {unknown}; the sets are {list(sets)}")
    class_color = {str(c): colors[k] for k, c in enumerate(classes)}
    groups, k = [], 0
    for set_name, members in sets.items():
        for name, idx in members.items():
            ind = np.asarray(idx)
            if ind.dtype == bool:
                ind = np.flatnonzero(ind)
            ind = ind.astype(np.int64).ravel()
            if ind.size == 0:
                raise ValueError(f"handle {name!r} (set {set_name!r}) has no points; give at least one index")
            if ind.min() < 0 or ind.max() >= n_points:
                raise ValueError(f"handle {name!r} (set {set_name!r}) has index {int(ind.max() if ind.max() >= n_points else ind.min())} "
                                 f"outside 0…{n_points - 1}")
            color = class_color.get(str(name))
            if color is None:
                color, k = _GROUP_COLORS[k % len(_GROUP_COLORS)], k + 1
            groups.append(dict(name=str(name), set=str(set_name), indices=ind.tolist(), color=color))
    handle_sets_js = [dict(name=str(s), on=s in shown) for s in sets] + [dict(name=CUSTOM_SET, on=True)]
    return groups, handle_sets_js


_KEYS_HINT = ("drag a handle to turn the view<br><b>d</b> or +, then brush: a new handle<br>"
              "<b>x</b>: delete the newest · click a name to rename")


def handles_html(handle_sets: list) -> str:
    """The handles box: one switch per set, then the reader's own handles (filled in by the page)."""
    chips = "".join(
        f'<span class="tl-set{" tl-on" if s["on"] else ""}" data-set="{html.escape(s["name"])}" role="button" '
        f'tabindex="0">{html.escape(s["name"])}</span>'
        for s in handle_sets if s["name"] != CUSTOM_SET
    )
    return (
        f'<div class="tl-handles"><div class="tl-head">handles</div><div class="tl-sets">{chips}</div>'
        '<div class="tl-custom"></div>'
        '<button class="tl-new" type="button" title="new handle: brush some points (key d)">+ handle</button>'
        f'<div class="tl-hint">{_KEYS_HINT}</div></div>'
    )
