"""TourView in a live kernel: the view the browser shows, read (and set) from Python.

The browser half of the sync is tested in test_tour_figure_browser.py; here the kernel half:
jupyter_bokeh's ``BokehModel`` receives the browser's change messages (in the format its front end
sends: BokehJS-serialised ``ModelChanged`` events plus ``event: "jsevent"``) and sends document
patches when Python changes the state. No notebook front end runs in these tests.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from bokeh.plotting import figure

from tourlib.tour import GrandTour
from tourlib.viz.live import TourView, find_state, tour_view
from tourlib.viz.tour_figure import tour_figure


def data(n=120, d=5, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    return rng.normal(size=(n, d)) + np.eye(3, d)[y], y


def browser_message(model, attr, new):
    """What jupyter_bokeh's front end sends for a browser-side property change."""
    return {"event": "jsevent", "kind": "ModelChanged", "model": {"id": model.id}, "attr": attr, "new": new}


def test_matrix_starts_at_the_tour_view_and_follows_browser_messages():
    X, y = data()
    view = tour_view(X, y, seed=2)
    np.testing.assert_allclose(view.matrix, GrandTour(5, seed=2, path="torus").matrix(0), atol=1e-15)
    w = view.widget()
    G = np.linalg.qr(np.random.default_rng(1).normal(size=(5, 5)))[0]
    w._sync_model(w, browser_message(view.state, "matrix", G.ravel().tolist()), [])
    np.testing.assert_array_equal(view.matrix, G)
    np.testing.assert_array_equal(view.basis, G[:, :2])
    np.testing.assert_allclose(view.project(X), (X - X.mean(axis=0)) @ G[:, :2])
    w._sync_model(w, browser_message(view.state, "playing", True), [])
    w._sync_model(w, browser_message(view.state, "selected", [3, 4, 9]), [])
    w._sync_model(w, browser_message(view.state, "selected_panel", 0), [])
    assert view.playing is True
    panel, idx = view.selected
    assert panel == 0 and idx.tolist() == [3, 4, 9]


def test_setting_the_matrix_in_python_sends_a_patch():
    X, y = data()
    view = tour_view(X, y)
    w = view.widget()
    sent = []
    w.send = lambda msg, buffers=None: sent.append(msg)
    B = np.eye(5)[:, [2, 4]]
    view.matrix = B  # a d×2 basis is completed to an orthogonal view
    G = view.matrix
    np.testing.assert_allclose(G[:, :2], B, atol=1e-12)
    np.testing.assert_allclose(G.T @ G, np.eye(5), atol=1e-12)
    header, _, content = (json.loads(m["payload"]) for m in sent[:3])
    assert header["msgtype"] == "PATCH-DOC"
    (event,) = content["events"]
    assert event == {"kind": "ModelChanged", "model": {"id": view.state.id}, "attr": "matrix",
                     "new": G.ravel().tolist()}


def test_bad_matrix_is_refused():
    X, y = data()
    view = tour_view(X, y)
    with pytest.raises(ValueError, match="not orthogonal"):
        view.matrix = np.ones((5, 5))
    with pytest.raises(ValueError, match="d×d .* or d×2"):
        view.matrix = np.eye(3)


def test_ipywidgets_controls_drive_the_state_and_follow_it():
    X = np.random.default_rng(0).normal(size=(4, 50, 3))
    view = tour_view(X, presets={"first two": np.eye(3)[:, :2]})
    box = view.controls()
    play, speed, epoch, pick = box.children
    play.value = True
    assert view.state.playing is True
    speed.value = 2.5
    assert view.state.rate == 2.5
    epoch.value = 1.5
    assert view.epoch == 1.5
    pick.value = "first two"
    np.testing.assert_allclose(view.matrix[:, :2], np.eye(3)[:, :2], atol=1e-12)
    # the other way: the browser pauses (its message arrives) and the toggle follows
    w = view.widget()
    w._sync_model(w, browser_message(view.state, "playing", False), [])
    assert play.value is False


def test_find_state_needs_a_tour_layout():
    with pytest.raises(ValueError, match="not made by tourlib.viz.tour_figure"):
        find_state(figure())
    layout = tour_figure(*data())
    assert find_state(layout).dim == 5
    assert TourView(layout).dim == 5


def test_export_png_uses_the_current_view(tmp_path):
    from PIL import Image

    X, y = data(d=4)
    view = tour_view(X, y)
    view.matrix = np.eye(4)[:, [1, 3]]
    path = view.export_png(tmp_path / "now.png", size=100)
    from tourlib.viz.export import render_frame

    frame = render_frame(view.layout, G=view.matrix, size=100)
    assert frame.panels[0][2] == 100
    assert (np.asarray(Image.open(path).convert("RGB")) == frame.image).all()
    assert TourView(tour_figure(X, y)).export_png(tmp_path / "x.png").exists()   # any tour figure exports


def test_handles_alignment_and_pair_read_back():
    """What the page writes about handles, the alignment toggle and a heat-map pair reaches Python."""
    X, y = data()
    view = tour_view(np.stack([X, X]), y, handles={"classes": {"a": np.flatnonzero(y == 0)}}, seed=2)
    w = view.widget()
    assert view.handles == {} and view.alignment == 0.0 and view.pair is None
    handles = [{"name": "a", "set": "classes", "panel": 0, "indices": np.flatnonzero(y == 0).tolist()},
               {"name": "my group", "set": "yours", "panel": 0, "indices": [3, 5, 8]}]
    w._sync_model(w, browser_message(view.state, "handles", handles), [])
    assert list(view.handles) == ["a", "my group"]
    assert view.handles["my group"].tolist() == [3, 5, 8]
    np.testing.assert_array_equal(view.handles["a"], np.flatnonzero(y == 0))
    w._sync_model(w, browser_message(view.state, "alignment", 1.0), [])
    w._sync_model(w, browser_message(view.state, "pair", [1, 0]), [])
    assert view.alignment == 1.0 and view.pair == (1, 0)
