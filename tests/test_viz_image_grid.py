"""tourlib.viz.image_grid: tiling, shapes and bad input."""

import numpy as np
import pytest
from bokeh.models import GlyphRenderer

from tourlib.viz.image_grid import grid_array, image_grid


def test_grid_tiles_rows_with_white_frames():
    rng = np.random.default_rng(0)
    rows = [[rng.random((4, 5)) for _ in range(3)] for _ in range(2)]
    g = grid_array(rows)
    assert g.shape == (2 * 6, 3 * 7)
    np.testing.assert_array_equal(g[1:5, 1:6], rows[0][0])
    np.testing.assert_array_equal(g[7:11, 15:20], rows[1][2])
    assert np.all(g[0] == 1.0) and np.all(g[:, 0] == 1.0)
    u8 = grid_array([[np.full((2, 2), 255, np.uint8)]])
    assert np.all(u8 == 1.0)


def test_colour_and_figure():
    rows = [[np.zeros((3, 3, 3), np.uint8)] * 2]
    assert grid_array(rows).shape == (5, 10, 3)
    p = image_grid(rows, title="t", row_labels=["a"])
    assert len(p.select({"type": GlyphRenderer})) == 2
    p = image_grid([[np.zeros((4, 4))] * 2] * 3, scale=2)
    assert p.width == 2 * 12


def test_bad_grids():
    with pytest.raises(ValueError, match="same number"):
        grid_array([[np.zeros((2, 2))], [np.zeros((2, 2))] * 2])
    with pytest.raises(ValueError, match="one shape"):
        grid_array([[np.zeros((2, 2)), np.zeros((3, 3))]])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        grid_array([[np.full((2, 2), 3.0)]])
    with pytest.raises(ValueError, match="at least one"):
        grid_array([])
    with pytest.raises(ValueError, match="row_labels"):
        image_grid([[np.zeros((2, 2))]], row_labels=["a", "b"])


def test_png_grid_with_column_labels_is_one_image_url_and_responsive():
    from bokeh.models import ImageURL, Text

    from tourlib.viz.image_grid import grid_png

    rows = [[np.zeros((4, 4, 3), np.uint8), np.full((4, 4, 3), 255, np.uint8)]]
    uri = grid_png(rows, scale=2)
    assert uri.startswith("data:image/png;base64,")
    p = image_grid(rows, png=True, col_labels=["a", "b"], responsive=True)
    glyphs = [r.glyph for r in p.select({"type": GlyphRenderer})]
    assert sum(isinstance(g, ImageURL) for g in glyphs) == 1
    assert sum(isinstance(g, Text) for g in glyphs) == 1
    assert p.sizing_mode == "scale_width" and p.max_width == p.width
    with pytest.raises(ValueError, match="col_labels"):
        image_grid(rows, col_labels=["a"])


def test_hover_grid_one_cell_per_image_with_its_strip():
    import base64
    import io

    from bokeh.models import HoverTool, Rect
    from PIL import Image

    from tourlib.viz.image_grid import hover_grid

    rng = np.random.default_rng(0)
    ims = [rng.integers(0, 256, (6, 6, 3), dtype=np.uint8) for _ in range(5)]
    strips = [[im, im, im] for im in ims]
    p = hover_grid(ims, strips, cols=3, labels=[f"ch {i}" for i in range(5)], scale=1, hover_scale=1)
    rect = next(r for r in p.select({"type": GlyphRenderer}) if isinstance(r.glyph, Rect))
    d = rect.data_source.data
    assert d["label"] == [f"ch {i}" for i in range(5)]
    assert len(set(zip(d["x"], d["y"]))) == 5               # distinct cells
    strip = Image.open(io.BytesIO(base64.b64decode(d["strip"][2].split(",", 1)[1])))
    assert strip.size == (3 * 8, 8)                           # three framed 6×6 images
    assert np.array_equal(np.asarray(strip)[1:7, 1:7, :3], ims[2])
    assert len(p.select({"type": HoverTool})) == 1
    with pytest.raises(ValueError, match="one hover strip"):
        hover_grid(ims, strips[:2])
    with pytest.raises(ValueError, match="one label"):
        hover_grid(ims, strips, labels=["a"])


def test_image_slider_stores_every_frame_and_starts_at_the_last():
    from bokeh.models import Slider

    from tourlib.viz.embed import js_for_model
    from tourlib.viz.image_slider import image_slider

    frames = [np.full((3, 4, 4, 3), 40 * k, np.uint8) for k in range(4)]
    lay = image_slider(frames, [0, 8, 32, 128], slider_title="step")
    src = next(m for m in lay.references() if hasattr(m, "data") and "url" in getattr(m, "data", {}))
    assert [f"f{k}" in src.data for k in range(4)] == [True] * 4
    assert len({src.data[f"f{k}"][0] for k in range(4)}) == 4
    assert src.data["url"] == src.data["f3"]
    slider = next(m for m in lay.references() if isinstance(m, Slider))
    assert (slider.start, slider.end, slider.value, slider.title) == (0, 3, 3, "step")
    assert slider.show_value and slider.format.args["labels"] == ["0", "8", "32", "128"]   # reads "step: 128"
    assert "image_slider" in js_for_model(lay)
    assert image_slider(frames[:1], ["only"]).children[-1] is not None
    with pytest.raises(ValueError, match="one label per frame"):
        image_slider(frames, [1, 2])
    with pytest.raises(ValueError, match="same layout"):
        image_slider([frames[0], frames[1][:2]], [1, 2])


def test_image_slider_js_copies_the_frame_and_ignores_bad_values(tmp_path):
    """viz/js/image_slider.js under Node: setFrame copies column f<k> into url (the title is left to the slider)."""
    import json
    import shutil
    import subprocess

    from tourlib.viz.embed import js_bundle

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    (path,) = js_bundle(["image_slider"])
    driver = tmp_path / "driver.js"
    driver.write_text(f"""
require({json.dumps(str(path))}); require({json.dumps(str(path))});   // loading twice is harmless
const S = globalThis.tourlib.ImageSlider;
const src = {{data: {{url: ['c'], f0: ['a'], f1: ['b'], f2: ['c']}}}};
const slider = {{value: 1, title: 'step'}};
S.setFrame(src, ['0', '4', '8'], 'step', slider);
const one = [src.data.url[0], slider.title];
slider.value = 7; S.setFrame(src, ['0', '4', '8'], 'step', slider);
const bad = [src.data.url[0], slider.title];
slider.value = 0.2; S.setFrame(src, ['0', '4', '8'], 'step', slider);
console.log(JSON.stringify({{one, bad, zero: [src.data.url[0], slider.title], keys: Object.keys(globalThis.tourlib)}}));
""")
    out = json.loads(subprocess.run([node, str(driver)], capture_output=True, text=True, check=True).stdout)
    assert out["one"] == ["b", "step"]
    assert out["bad"] == ["b", "step"]            # out of range: nothing changes
    assert out["zero"] == ["a", "step"]           # rounds to the nearest frame
    assert out["keys"] == ["ImageSlider"]
