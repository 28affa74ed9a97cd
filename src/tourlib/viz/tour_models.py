"""The declared structures a tour figure shares between Python and the browser.

``TourConfig`` is everything the page's JavaScript reads to build a figure (``viz/js/fig_*.js``): a
typed dataclass, serialised once (:meth:`TourConfig.to_js`) into the figure's CustomJS arguments.
``TourAxis`` declares one data axis of the points (epoch, layer, attack step, model …).

``TourState`` is the figure's live state. The browser (``fig_control.js``) writes into it
whenever the view settles (pause, end of a drag, preset, reset) and a few times a second while
playing; inside a live kernel, jupyter_bokeh's ``BokehModel`` widget syncs those writes back to
this Python object, which is how :class:`tourlib.viz.live.TourView` reads the matrix the reader
is looking at. Writes from Python travel the other way and move the browser's view.

``TourPanelData`` carries one panel's data, compactly encoded (see :mod:`tourlib.viz.encode`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any as AnyT

from bokeh.core.properties import Any, Bool, Float, Int, List, Nullable, String
from bokeh.model import DataModel


@dataclass
class TourAxis:
    """One data axis of a tour figure's points ``X`` of shape ``(*axes, N, d)``.

    name : shown on its slider and play button ("epoch", "layer", "attack step", "model").
    labels : one label per position (its length is the axis size).
    interpolate : move linearly between neighbouring positions (a slider with fractions) or step.
    speed : positions per second when played.
    segment_labels : optional labels of the size − 1 transitions (the slider then shows
        ``"name: label  (t = f)"`` between positions).
    start : the position shown first.
    play_label : the play button's word (default ``name + "s"``).
    indicators : show one clickable chip per position under the slider (layers: "input", "conv1", …);
        a click, or the keys ``j`` / ``k``, morphs to that position (see ``fig_layers.js``).
    """

    name: str
    labels: list
    interpolate: bool = True
    speed: float = 2.0
    segment_labels: list | None = None
    start: float = 0.0
    play_label: str | None = None
    indicators: bool = False

    @classmethod
    def make(cls, spec, size: int) -> "TourAxis":
        """A TourAxis from a TourAxis, a dict of its fields or a name; checked against ``size``."""
        if isinstance(spec, TourAxis):
            ax = spec
        elif isinstance(spec, dict):
            unknown = set(spec) - set(cls.__dataclass_fields__)
            if unknown:
                raise ValueError(f"unknown axis fields {sorted(unknown)}; a TourAxis has {list(cls.__dataclass_fields__)}")
            ax = cls(**{"labels": list(range(size)), **spec})
        elif isinstance(spec, str):
            ax = cls(spec, list(range(size)))
        else:
            raise TypeError(f"an axis is a TourAxis, a dict or a name; got {type(spec).__name__}")
        ax.labels = [str(v) for v in ax.labels]
        if len(ax.labels) != size:
            raise ValueError(f"axis {ax.name!r} has {len(ax.labels)} labels but X has {size} positions on it")
        if ax.segment_labels is not None and len(ax.segment_labels) != size - 1:
            raise ValueError(f"axis {ax.name!r} needs {size - 1} segment_labels (one per transition)")
        if not (ax.speed > 0):
            raise ValueError(f"axis {ax.name!r}: speed (positions per second) must be > 0, got {ax.speed}")
        if not 0 <= ax.start <= size - 1:
            raise ValueError(f"axis {ax.name!r}: start must lie in 0…{size - 1}, got {ax.start}")
        return ax


@dataclass
class TourConfig:
    """What ``viz/js/fig_*.js`` reads (key names are the JavaScript's ``cfg.<key>``).

    tour : the path's ``params()`` (``tourlib.paths.GrandTour.fromParams`` rebuilds it).
    radius, half : data radius ``R`` and the view's half-width; handle_scale : the extent E
        (axis handle length, data units); center : μ (the screen shows (X − μ) @ G[:, :2]).
    classes, colors, ghost_alpha : class names, their colours and the ghosts' alpha (0–255).
    fill, ring : pixel offsets of a dot and of its ring (flat [dx0, dy0, …]); dot_size, image_size.
    axis_labels, axis_colors, show_handles : the d axis handles.
    axes : the data axes (:class:`TourAxis` as dicts), outermost first.
    presets : ``{name: flat d×d view}`` reached along the planned path; autoplay.
    groups : the named group handles, ``[{name, set, indices, color}]`` (a handle at the centroid of
        ``indices`` in every panel; dragging it turns the view so that the centroid follows the cursor).
    handle_sets : ``[{name, on}]``: the sets the groups belong to, and which are shown at first
        (custom handles, made in the page, go in the set ``"yours"``).
    figure_id : a name other figures on the page use to reach this one (a heat map's click).
    align_panel : the panel whose points the alignment toggle rotates (−1: no toggle); its
        ``TourPanelData.rotations`` hold the rotations; align_label : the toggle's words.
    panel_size : the panels' side in px; in a narrower column the page shrinks them to fit (fig_fit.js).
    """

    tour: dict
    radius: float
    half: float
    handle_scale: float
    center: list
    classes: list
    colors: list
    ghost_alpha: int
    fill: list
    ring: list
    dot_size: int
    image_size: int
    axis_labels: list
    axis_colors: list
    show_handles: bool
    axes: list = field(default_factory=list)
    presets: dict = field(default_factory=dict)
    autoplay: bool = True
    groups: list = field(default_factory=list)
    handle_sets: list = field(default_factory=list)
    figure_id: str = ""
    align_panel: int = -1
    align_label: str = ""
    panel_size: int = 0

    def to_js(self) -> dict[str, AnyT]:
        """The plain dict the page receives (serialised once with the figure)."""
        out = asdict(self)
        out["axes"] = [asdict(a) if isinstance(a, TourAxis) else dict(a) for a in self.axes]
        return out


class TourState(DataModel):
    """Live state of a tour figure (row-major d×d ``matrix``: the view ``G``; screen = X @ G[:, :2])."""

    dim = Int(2, help="dimension d of the data")
    center = List(Float, help="the centre μ subtracted from the data: the screen shows (X − μ) @ G[:, :2]")
    matrix = List(Float, help="the current view G, d×d, flattened row-major")
    tour_time = Float(0.0, help="time t of the tour path, in tour seconds")
    positions = List(Float, help="the position on each data axis (outermost first; fractional where it interpolates)")
    epoch = Float(0.0, help="the flat position over the data axes (one axis: its position; kept for older code)")
    layer = Float(0.0, help="two-axis (epoch × layer) figures: the position on the inner axis")
    epoch_index = Int(0, help="two-axis (epoch × layer) figures: the position on the outer axis")
    playing = Bool(False, help="whether the tour rotates")
    rate = Float(1.0, help="speed multiplier of the tour (the speed slider)")
    mode = String("dots", help="'dots' or 'images'")
    selected_panel = Int(-1, help="panel of the brushed points (-1: none)")
    selected = List(Int, help="indices of the brushed points")
    hidden_classes = List(Int, help="class codes toggled off in the legend (drawn as ghosts)")
    handles = List(Any, help="the group handles shown: [{name, set, panel, indices}] (custom ones included)")
    alignment = Float(0.0, help="the alignment toggle: 0 off, 1 the left panel rotated onto the right one")
    pair = List(Int, help="the positions the panels show when a heat-map cell set them apart ([] when in step)")


class TourPanelData(DataModel):
    """One panel's embedded arrays (points as int16 codes, x = q·scale + offset); ``name``: its title."""

    shape = List(Int, help="(*axes, N, d)")
    points = Any(help="int16 codes, (*axes, N, d)")
    scale = Any(help="float64 (d,)")
    offset = Any(help="float64 (d,)")
    labels = Any(help="class codes (N,), uint8 or uint16")
    predictions = Nullable(Any, help="class codes (steps, N) or None")
    images = Nullable(Any, help="uint8 thumbnails M×h×w×c or None")
    image_index = Nullable(Any, help="int32 (M,): the point each thumbnail belongs to")
    rotations = Nullable(Any, help="float32 (S, S', d, d): rotation of this panel's step s onto the other panel's "
                                   "step s' (the alignment toggle), or None")
