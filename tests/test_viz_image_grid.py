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
