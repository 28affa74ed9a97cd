"""UMAP in a child process: the same layouts as in this process, its errors raised here, a dead child named."""

from __future__ import annotations

import os

import numpy as np
import pytest

from tourlib.embed.layers import layer_umaps
from tourlib.embed.umap_process import ChildDiedError, run_in_child


def test_a_layer_series_fitted_in_a_child_equals_the_in_process_fit():
    rng = np.random.default_rng(3)
    layers = [rng.normal(size=(120, 12)).astype(np.float32), rng.normal(size=(120, 5)).astype(np.float32)]
    kw = dict(seed=4, n_components=3, n_neighbors=10, chained=True, cache=False)
    child = layer_umaps(layers, in_process=False, **kw)
    here = layer_umaps(layers, in_process=True, **kw)
    assert child.shape == (2, 120, 3) and child.dtype == np.float32
    np.testing.assert_array_equal(child, here)


def test_the_childs_exception_is_raised_in_the_caller():
    # the function runs in a fresh interpreter, so it must be importable there: a builtin here
    with pytest.raises(ValueError, match="invalid literal for int"):
        run_in_child(int, "from the child")
    assert run_in_child(int, "42") == 42


def test_a_child_that_dies_is_an_error_naming_the_work_and_the_way_out():
    with pytest.raises(ChildDiedError, match=r"UMAP of 2 layers.*in_process=True"):
        run_in_child(os._exit, 9, what="UMAP of 2 layers")
