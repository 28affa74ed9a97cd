"""Small multiples with linked brushing: structure of the Bokeh layout (the browser test is separate)."""

import numpy as np
import pytest
from bokeh.models import BoxSelectTool, Button, ColumnDataSource, CustomJS, Div, GlyphRenderer, HoverTool
from bokeh.plotting import figure as Figure

from tourlib.viz.palette import class_colors
from tourlib.viz.small_multiples import NONSELECTION_ALPHA, SOURCE_NAME, method_epoch_grid, small_multiples

RNG = np.random.default_rng(0)
N = 50


def layouts(k):
    return [(f"panel {j}", RNG.normal(size=(N, 2))) for j in range(k)]


def parts(layout):
    refs = layout.references()
    plots = sorted((m for m in refs if isinstance(m, Figure)), key=lambda p: int(p.name.split("-")[1]))
    renderers = [m for m in refs if isinstance(m, GlyphRenderer)]
    sources = {id(m): m for m in refs if isinstance(m, ColumnDataSource)}
    return plots, renderers, list(sources.values())


def test_every_panel_draws_from_one_shared_named_source():
    labels = RNG.integers(0, 10, N)
    panels = layouts(6)
    layout = small_multiples(panels, labels, ncols=3)
    plots, renderers, sources = parts(layout)
    assert len(plots) == 6 and len(renderers) == 6
    assert len(sources) == 1 and sources[0].name == SOURCE_NAME
    src = sources[0]
    assert all(r.data_source is src for r in renderers)  # shared source = shared selection
    # panel j reads its own coordinate columns, which hold that panel's layout
    for j, (plot, (title, xy)) in enumerate(zip(plots, panels)):
        (r,) = plot.renderers
        assert r.glyph.x == f"x{j}" and r.glyph.y == f"y{j}"
        np.testing.assert_array_equal(src.data[f"x{j}"], xy[:, 0])
        np.testing.assert_array_equal(src.data[f"y{j}"], xy[:, 1])
        assert plot.title.text == title


def test_selection_tools_ghosts_hidden_axes_and_tooltips():
    labels = RNG.integers(0, 10, N)
    preds = [RNG.integers(0, 10, N) for _ in range(2)]
    classes = [f"digit {k}" for k in range(10)]
    layout = small_multiples(layouts(2), labels, classes=classes, predictions=preds)
    plots, _, (src,) = parts(layout)
    for j, p in enumerate(plots):
        assert any(isinstance(t, BoxSelectTool) for t in p.tools)
        assert not any(ax.visible for ax in p.axis)
        (r,) = p.renderers
        assert r.nonselection_glyph.fill_alpha == pytest.approx(NONSELECTION_ALPHA)
        assert NONSELECTION_ALPHA < r.glyph.fill_alpha
        (hover,) = [t for t in p.tools if isinstance(t, HoverTool)]
        assert dict(hover.tooltips) == {"index": "@index", "label": "@class_name", "prediction": f"@pred{j}"}
        assert src.data[f"pred{j}"] == [classes[k] for k in preds[j]]
    colors = class_colors(10)
    assert src.data["color"] == [colors[k] for k in labels]
    assert src.data["class_name"] == [classes[k] for k in labels]


def test_rows_and_flat_lists_lay_out_as_asked():
    labels = RNG.integers(0, 10, N)
    grid = small_multiples([layouts(3), layouts(2)], labels).children[-1]
    cells = {(r, c) for _, r, c in grid.children}
    assert cells == {(0, 0), (0, 1), (0, 2), (1, 0), (1, 1)}
    flat = small_multiples(layouts(5), labels, ncols=2).children[-1]
    assert max(r for _, r, _ in flat.children) == 2 and max(c for _, _, c in flat.children) == 1


def test_method_epoch_grid_titles_and_per_epoch_predictions():
    labels = RNG.integers(0, 10, N)
    series = {"t-SNE": RNG.normal(size=(3, N, 2)), "PCA": RNG.normal(size=(3, N, 2))}
    preds = RNG.integers(0, 10, (3, N))
    layout = method_epoch_grid(series, labels, epochs=[13, 14, 15], predictions=preds)
    plots, _, (src,) = parts(layout)
    assert [p.title.text for p in plots] == [f"{m}, epoch {e}" for m in series for e in (13, 14, 15)]
    # panel 4 = row PCA, column epoch 14: its coordinates and that epoch's predictions
    np.testing.assert_array_equal(src.data["x4"], series["PCA"][1][:, 0])
    assert src.data["pred4"] == [str(k) for k in preds[1]]


def test_shared_axes_rows_use_one_pair_of_ranges_covering_every_panel():
    labels = RNG.integers(0, 10, N)
    series = {"fixed": RNG.normal(size=(3, N, 2)) * [[[1.0]], [[2.0]], [[5.0]]], "t-SNE": RNG.normal(size=(3, N, 2))}
    layout = method_epoch_grid(series, labels, epochs=[0, 1, 2], fixed_axes=["fixed"],
                               panel_width=300, panel_height=200)
    plots, _, _ = parts(layout)
    fixed, free = plots[:3], plots[3:]
    assert len({id(p.x_range) for p in fixed}) == 1 and len({id(p.y_range) for p in fixed}) == 1
    xr, yr = fixed[0].x_range, fixed[0].y_range
    pts = series["fixed"].reshape(-1, 2)
    assert xr.start < pts[:, 0].min() and xr.end > pts[:, 0].max()
    assert yr.start < pts[:, 1].min() and yr.end > pts[:, 1].max()
    # same data units per pixel on both axes
    assert (xr.end - xr.start) / 300 == pytest.approx((yr.end - yr.start) / 200)
    assert len({id(p.x_range) for p in free}) == 3  # the t-SNE row fits each panel on its own


def test_initial_selection_count_line_and_class_buttons():
    labels = np.repeat(np.arange(5), 10)
    layout = small_multiples(layouts(2), labels, selected=[1, 2, 3], select_buttons=[1, 3])
    refs = layout.references()
    (src,) = [m for m in refs if isinstance(m, ColumnDataSource)]
    assert src.selected.indices == [1, 2, 3]
    buttons = [m for m in refs if isinstance(m, Button)]
    assert sorted(b.name for b in buttons) == [f"{SOURCE_NAME}-select-1", f"{SOURCE_NAME}-select-3"]
    # the status line is updated from the source's selection
    callbacks = src.selected.js_property_callbacks["change:indices"]
    assert any(isinstance(cb, CustomJS) and isinstance(cb.args["div"], Div) for cb in callbacks)


@pytest.mark.parametrize("call, match", [
    (lambda: small_multiples([], np.zeros(N, int)), "non-empty"),
    (lambda: small_multiples([("a", np.zeros((N, 3)))], np.zeros(N, int)), "N×2"),
    (lambda: small_multiples([("a", np.zeros((N, 2))), ("b", np.zeros((N - 1, 2)))], np.zeros(N, int)),
     "same N"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.zeros(N - 1, int)), "same N"),
    (lambda: small_multiples([("a", np.full((N, 2), np.nan))], np.zeros(N, int)), "NaN"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.zeros(N)), "integer"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.full(N, 3), classes=["x", "y"]), "class names"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.zeros(N, int), predictions=[np.zeros(N, int)] * 2),
     "one per panel"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.zeros(N, int), selected=[N]), "selected"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.zeros(N, int), select_buttons=[12]), "select_buttons"),
    (lambda: small_multiples([(1, np.zeros((N, 2)))], np.zeros(N, int)), "title a str"),
    (lambda: method_epoch_grid({"a": np.zeros((2, N, 2))}, np.zeros(N, int), epochs=[1, 2, 3]), "len\\(epochs\\)"),
    (lambda: method_epoch_grid({"a": np.zeros((2, N, 2))}, np.zeros(N, int), epochs=[1, 2], fixed_axes=["b"]),
     "fixed_axes"),
    (lambda: small_multiples([("a", np.zeros((N, 2)))], np.zeros(N, int), shared_axes=[3]), "shared_axes"),
])
def test_bad_input_raises_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
