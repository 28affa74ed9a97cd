"""The real offline copies (skipped where they are absent): shapes, dtypes, labels, cache round trip."""

import os
from pathlib import Path

import numpy as np
import pytest

from tourlib.data import CIFAR10_CLASSES, load_dataset


def _shared_data() -> Path | None:
    candidates = [os.environ.get("TOURBOOK_DATA", ""), Path(__file__).resolve().parents[2] / "shared" / "data"]
    for c in candidates:
        if c and (Path(c) / "mnist").is_dir():
            return Path(c)
    return None


DATA = _shared_data()
pytestmark = pytest.mark.skipif(DATA is None, reason="offline data copies not found (set TOURBOOK_DATA)")


@pytest.fixture(scope="module", autouse=True)
def _private_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TOURBOOK_CACHE", str(tmp_path_factory.mktemp("cache")))
        mp.delenv("TOURBOOK_DATA", raising=False)
        yield


def _check_labels(labels, n):
    assert labels.dtype == np.int64 and labels.shape == (n,)
    assert labels.min() == 0 and labels.max() == 9
    assert set(np.unique(labels)) == set(range(10))


def test_mnist_train():
    images, labels, classes = load_dataset("mnist", "train", root=DATA)
    assert images.shape == (60000, 28, 28) and images.dtype == np.uint8
    _check_labels(labels, 60000)
    assert classes == tuple("0123456789")
    assert images.max() == 255 and images.min() == 0


def test_mnist_test_and_cached_reload_identical():
    first = load_dataset("mnist", "test", root=DATA)
    second = load_dataset("mnist", "test", root=DATA)
    assert first.images.shape == (10000, 28, 28)
    _check_labels(first.labels, 10000)
    np.testing.assert_array_equal(first.images, second.images)
    np.testing.assert_array_equal(first.labels, second.labels)


def test_fashion_mnist_test():
    ds = load_dataset("fashion-mnist", "test", root=DATA)
    assert ds.images.shape == (10000, 28, 28) and ds.images.dtype == np.uint8
    _check_labels(ds.labels, 10000)
    assert np.bincount(ds.labels).tolist() == [1000] * 10  # the published test split is balanced
    assert ds.classes[9] == "Ankle boot"


def test_cifar10_test():
    ds = load_dataset("cifar10", "test", root=DATA)
    assert ds.images.shape == (10000, 32, 32, 3) and ds.images.dtype == np.uint8
    _check_labels(ds.labels, 10000)
    assert np.bincount(ds.labels).tolist() == [1000] * 10
    assert ds.classes == CIFAR10_CLASSES


@pytest.mark.slow
def test_cifar10_train():
    ds = load_dataset("cifar10", "train", root=DATA)
    assert ds.images.shape == (50000, 32, 32, 3)
    assert np.bincount(ds.labels).tolist() == [5000] * 10
