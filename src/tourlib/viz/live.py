"""A tour figure in a live kernel: ipywidgets controls and the reader's view readable from Python.

How the view gets back to Python
--------------------------------
The figure keeps its live state in a :class:`~tourlib.viz.tour_models.TourState` Bokeh model.
The browser (``tour_figure.js``) writes the current view ``G`` (row-major, d×d) and the rest of
the state into it when the view settles (pause, end of a drag, a preset, reset, a brush) and at
most four times a second while playing. Displayed through jupyter_bokeh's ``BokehModel`` widget,
every such browser-side change is sent to the kernel as a ``ModelChanged`` message and applied
to the same Python ``TourState`` object, so :attr:`TourView.matrix` is the matrix on screen.
Changes made in Python (``view.matrix = G``, ``view.playing = False``, the ipywidgets controls)
travel the other way as document patches and move the figure.

Everything the browser rewrites every frame (the pixels, the handles, the sliders it animates)
is marked ``syncable=False`` so a playing tour does not flood the kernel with messages.

In the static book there is no kernel: displaying a :class:`TourView` shows the plain figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from bokeh.models import LayoutDOM

from .embed import load_live, show, static_mode
from .tour_figure import LAYOUT_TAG, tour_figure
from .tour_inputs import view_matrix
from .tour_models import TourState

__all__ = ["TourView", "tour_view", "find_state"]


def find_state(layout: LayoutDOM) -> TourState:
    """The :class:`TourState` of a layout made by :func:`tour_figure`."""
    tags = getattr(layout, "tags", None) or []
    if LAYOUT_TAG in tags:
        for tag in tags:
            if isinstance(tag, TourState):
                return tag
    raise ValueError(
        "this layout was not made by tourlib.viz.tour_figure (no TourState in its tags); "
        "build it with tour_figure(...) or use tour_view(X, ...)"
    )


class TourView:
    """A tour figure plus its live state (see module doc).

    ``TourView(layout)`` wraps a layout from :func:`tour_figure`; :func:`tour_view` builds both.
    :meth:`export_png` / :meth:`export_gif` draw the view on screen from the figure's own settings
    and embedded points (:mod:`tourlib.viz.export`).
    """

    def __init__(self, layout: LayoutDOM, *, data: dict | None = None, presets: dict | None = None):
        self.layout = layout
        self.state = find_state(layout)
        self.dim = int(self.state.dim)
        self._data = data
        self._presets = dict(presets or {})
        self._widget = None
        self._controls = None

    # ------------------------------------------------------------------ the view
    @property
    def matrix(self) -> np.ndarray:
        """The view ``G`` (d×d, orthogonal) the figure shows now: the screen is (X − μ) @ G[:, :2]."""
        G = np.asarray(self.state.matrix, dtype=np.float64)
        if G.size != self.dim * self.dim:
            raise RuntimeError(f"the figure's state holds {G.size} numbers, expected d² = {self.dim ** 2}")
        return G.reshape(self.dim, self.dim)

    @matrix.setter
    def matrix(self, G: Any) -> None:
        """Show view ``G`` (d×d orthogonal, or a d×2 basis that is completed); pauses the tour."""
        self.state.matrix = view_matrix(G, self.dim, "matrix").ravel().tolist()

    @property
    def basis(self) -> np.ndarray:
        """``G[:, :2]``, the d×2 screen basis."""
        return self.matrix[:, :2]

    @property
    def center(self) -> np.ndarray:
        """The centre ``μ`` subtracted before projecting."""
        return np.asarray(self.state.center, dtype=np.float64)

    def project(self, X: Any) -> np.ndarray:
        """Screen coordinates ``(X − μ) @ G[:, :2]`` of data ``X`` (N×d) under the current view."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.dim:
            raise ValueError(f"X must be N×{self.dim}, got shape {X.shape}")
        return (X - self.center) @ self.basis

    @property
    def playing(self) -> bool:
        return bool(self.state.playing)

    @playing.setter
    def playing(self, on: bool) -> None:
        self.state.playing = bool(on)

    @property
    def tour_time(self) -> float:
        """Time ``t`` of the Grand Tour path (as of the browser's last write)."""
        return float(self.state.tour_time)

    @property
    def epoch(self) -> float:
        """Position on the time axis (interpolated index of the time step)."""
        return float(self.state.epoch)

    @epoch.setter
    def epoch(self, s: float) -> None:
        self.state.epoch = float(s)

    @property
    def selected(self) -> tuple[int, np.ndarray]:
        """The brushed points: (panel index or −1, indices)."""
        return int(self.state.selected_panel), np.asarray(self.state.selected, dtype=np.int64)

    @property
    def handles(self) -> dict[str, np.ndarray]:
        """The group handles shown in the page (custom ones included): ``{name: point indices}``.

        As of the browser's last write (after every handle made, renamed, deleted or a set
        switched); the indices are the same in every panel."""
        out = {}
        for h in self.state.handles or []:
            out.setdefault(str(h["name"]), np.asarray(h["indices"], dtype=np.int64))
        return out

    @property
    def alignment(self) -> float:
        """The alignment toggle: 0 off, 1 on (between while it morphs)."""
        return float(self.state.alignment)

    @alignment.setter
    def alignment(self, on: float) -> None:
        self.state.alignment = float(on)

    @property
    def pair(self) -> tuple[int, ...] | None:
        """The step each panel shows when a heat-map click set them apart, else None."""
        return tuple(int(v) for v in self.state.pair) if self.state.pair else None

    # ------------------------------------------------------------------ display
    def widget(self):
        """The figure as a jupyter_bokeh ``BokehModel`` widget (created once; it syncs the state)."""
        if self._widget is None:
            from jupyter_bokeh import BokehModel

            self._widget = BokehModel(self.layout)
        return self._widget

    def controls(self):
        """ipywidgets controls bound to the state: play, speed, time position, preset views."""
        if self._controls is not None:
            return self._controls
        import ipywidgets as w

        s = self.state
        play = w.ToggleButton(value=bool(s.playing), description="play", icon="play", layout=w.Layout(width="90px"))
        speed = w.FloatSlider(value=float(s.rate), min=0.0, max=4.0, step=0.1, description="speed")
        items = [play, speed]
        play.observe(lambda ch: setattr(s, "playing", bool(ch["new"])), names="value")
        speed.observe(lambda ch: setattr(s, "rate", float(ch["new"])), names="value")
        s.on_change("playing", lambda attr, old, new: setattr(play, "value", bool(new)))
        s.on_change("rate", lambda attr, old, new: setattr(speed, "value", float(new)))
        n_times = self._n_times()
        if n_times > 1:
            epoch = w.FloatSlider(value=float(s.epoch), min=0.0, max=n_times - 1, step=0.05, description="time")
            epoch.observe(lambda ch: setattr(s, "epoch", float(ch["new"])), names="value")
            s.on_change("epoch", lambda attr, old, new: setattr(epoch, "value", float(new)))
            items.append(epoch)
        if self._presets:
            pick = w.Dropdown(options=["—", *self._presets], value="—", description="view")

            def apply(ch):
                if ch["new"] in self._presets:
                    self.matrix = self._presets[ch["new"]]

            pick.observe(apply, names="value")
            items.append(pick)
        self._controls = w.HBox(items)
        return self._controls

    def _n_times(self) -> int:
        if self._data is not None:
            return int(self._data["n_times"])
        return 1

    def _ipython_display_(self) -> None:
        if static_mode():
            show(self.layout)
            return
        import ipywidgets as w
        from IPython.display import display

        load_live()

        display(w.VBox([self.widget(), self.controls()]))

    # ------------------------------------------------------------------ export
    def _export_settings(self, positions) -> tuple:
        """The figure's settings and what the page shows now (axis positions, hidden classes, group
        handles, the brush, dots or images), for :mod:`tourlib.viz.export`."""
        from .export import figure_spec

        spec, s = figure_spec(self.layout), self.state
        if positions is None and len(s.positions or []) == len(spec.sizes):
            positions = list(s.positions)
        images = s.mode == "images" and any(p["images"] is not None for p in spec.panels)
        brushed = (int(s.selected_panel), list(s.selected)) if s.selected_panel >= 0 and s.selected else None
        return spec, dict(positions=positions, hidden=list(s.hidden_classes or []),
                          handles=list(s.handles) if s.handles else None, selection=brushed,
                          mode="images" if images else "dots")

    def export_png(self, path, *, size: int | None = None, positions=None):
        """Write the view on screen now (:attr:`matrix`, the axis positions, hidden classes, group
        handles, the brush, dots or images) as a PNG, drawn as the figure draws it
        (:func:`tourlib.viz.export.export_png`)."""
        from .export import export_png

        spec, kw = self._export_settings(positions)
        return export_png(spec, path, G=self.matrix, size=size, **kw)

    def export_gif(self, path, *, seconds: float = 5.0, fps: float = 20.0, size: int | None = None, positions=None):
        """Write the tour as a GIF from the view on screen now, on as the page plays it: the figure's
        path rebased at :attr:`tour_time` onto :attr:`matrix` (frame 0 is the current view)."""
        from tourlib.tour import GrandTour

        from .export import export_gif

        spec, kw = self._export_settings(positions)
        t = self.tour_time
        tour = GrandTour.from_params(spec.config["tour"]).rebase(self.matrix, t)
        return export_gif(spec, path, seconds=seconds, fps=fps, start=t, size=size, tour=tour, **kw)


def tour_view(X: Any, labels: Any = None, *, presets: dict | None = None, **kwargs) -> TourView:
    """Build :func:`tour_figure` and wrap it in a :class:`TourView` that also keeps the data.

    Keywords are those of :func:`tour_figure`. Exporting keeps to one data set (N×d or T×N×d).
    """
    layout = tour_figure(X, labels, presets=presets, **kwargs)
    data = dict(
        X=X, labels=labels, classes=kwargs.get("classes"), seed=kwargs.get("seed", 0),
        speed=kwargs.get("speed", 1.0), tour_path=kwargs.get("tour_path", "torus"), center=kwargs.get("center", True),
        n_times=_n_times_of(X),
    )
    return TourView(layout, data=data, presets=presets)


def _n_times_of(X: Any) -> int:
    if isinstance(X, dict):
        X = next(iter(X.values()))
    elif isinstance(X, (list, tuple)) and X and np.ndim(X[0]) >= 2:
        X = X[0]
    return int(np.shape(X)[0]) if np.ndim(X) == 3 else 1
