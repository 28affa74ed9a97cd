"""The Bokeh data models a tour figure shares between Python and the browser.

``TourState`` is the figure's live state. The browser (``tour_figure.js``) writes into it
whenever the view settles (pause, end of a drag, preset, reset) and a few times a second while
playing; inside a live kernel, jupyter_bokeh's ``BokehModel`` widget syncs those writes back to
this Python object, which is how :class:`tourlib.viz.live.TourView` reads the matrix the reader
is looking at. Writes from Python travel the other way and move the browser's view.

``TourPanelData`` carries one panel's data, compactly encoded (see :mod:`tourlib.viz.encode`).
"""

from __future__ import annotations

from bokeh.core.properties import Any, Bool, Float, Int, List, Nullable, String
from bokeh.model import DataModel


class TourState(DataModel):
    """Live state of a tour figure (row-major d×d ``matrix``: the view ``G``; screen = X @ G[:, :2])."""

    dim = Int(2, help="dimension d of the data")
    center = List(Float, help="the centre μ subtracted from the data: the screen shows (X − μ) @ G[:, :2]")
    matrix = List(Float, help="the current view G, d×d, flattened row-major")
    tour_time = Float(0.0, help="time t of the Grand Tour path, in tour seconds")
    epoch = Float(0.0, help="position on the time axis (index, interpolated between steps)")
    layer = Float(0.0, help="layer figures: position λ ∈ [0, L] on the layer axis (transition ⌊λ⌋ at λ − ⌊λ⌋)")
    epoch_index = Int(0, help="layer figures: index of the epoch whose network is shown")
    playing = Bool(False, help="whether the tour rotates")
    rate = Float(1.0, help="speed multiplier of the tour (the speed slider)")
    mode = String("dots", help="'dots' or 'images'")
    selected_panel = Int(-1, help="panel of the brushed points (-1: none)")
    selected = List(Int, help="indices of the brushed points")
    hidden_classes = List(Int, help="class codes toggled off in the legend (drawn as ghosts)")


class TourPanelData(DataModel):
    """One panel's embedded arrays (points as int16 codes, x = q·scale + offset); ``name``: its title."""

    shape = List(Int, help="(T, N, d)")
    points = Any(help="int16 codes, T×N×d")
    scale = Any(help="float64 (d,)")
    offset = Any(help="float64 (d,)")
    labels = Any(help="class codes (N,), uint8 or uint16")
    predictions = Nullable(Any, help="class codes (T, N) or None")
    images = Nullable(Any, help="uint8 thumbnails M×h×w×c or None")
    image_index = Nullable(Any, help="int32 (M,): the point each thumbnail belongs to")
