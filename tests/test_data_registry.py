"""Registry of data sets, and the Dataset record."""

import re

import numpy as np
import pytest

from tourlib.data import CIFAR10_CLASSES, DATASETS, SPLITS, Dataset, UnknownDatasetError, dataset_names
from tourlib.data.registry import check_split, get_spec


def test_known_data_sets_are_complete():
    assert set(dataset_names()) == {"mnist", "fashion-mnist", "cifar10"}
    for spec in DATASETS.values():
        assert len(spec.classes) == len(set(spec.classes)) == 10
        assert set(spec.split_sizes) == set(spec.files) == set(SPLITS)
        for remotes in spec.files.values():
            for r in remotes:
                assert re.fullmatch(r"[0-9a-f]{32}", r.md5), r
                assert r.url.endswith("/" + r.filename)
        if spec.kind == "idx":
            assert spec.image_shape == (28, 28) and spec.split_sizes == {"train": 60000, "test": 10000}
            assert all(len(files) == 2 for files in spec.files.values())
        else:
            assert spec.image_shape == (32, 32, 3) and spec.split_sizes == {"train": 50000, "test": 10000}


def test_cifar10_official_class_order():
    assert CIFAR10_CLASSES == ("airplane", "automobile", "bird", "cat", "deer",
                               "dog", "frog", "horse", "ship", "truck")
    assert get_spec("cifar10").classes == CIFAR10_CLASSES
    assert get_spec("cifar10").files["train"][0].md5 == "c58f30108f718f92721af3b95e74349a"


@pytest.mark.parametrize("alias, name", [
    ("MNIST", "mnist"), (" mnist ", "mnist"), ("fmnist", "fashion-mnist"), ("Fashion_MNIST", "fashion-mnist"),
    ("CIFAR-10", "cifar10"), ("cifar_10", "cifar10"),
])
def test_aliases(alias, name):
    assert get_spec(alias).name == name


def test_unknown_name_lists_valid_names():
    with pytest.raises(UnknownDatasetError) as err:
        get_spec("svhn")
    assert "svhn" in str(err.value) and "mnist, fashion-mnist, cifar10" in str(err.value)


def test_split_checking():
    assert check_split(" Train ") == "train"
    with pytest.raises(UnknownDatasetError, match="'valid'.*train, test"):
        check_split("valid")
    with pytest.raises(TypeError):
        check_split(None)


def _ds(**kw):
    args = dict(images=np.zeros((3, 4, 4), np.uint8), labels=np.array([0, 1, 1]), classes=("a", "b"),
                name="toy", split="train")
    args.update(kw)
    return Dataset(**args)


def test_dataset_unpacks_and_reports():
    ds = _ds()
    images, labels, classes = ds
    assert images is ds.images and labels is ds.labels and classes == ("a", "b")
    assert len(ds) == 3
    assert "toy" in repr(ds) and "uint8[3, 4, 4]" in repr(ds)


@pytest.mark.parametrize("bad, match", [
    (dict(images=np.zeros((3, 4, 4), np.float32)), "uint8"),
    (dict(images=np.zeros((3, 4), np.uint8)), "uint8"),
    (dict(labels=np.array([0, 1, 1], np.int32)), "int64"),
    (dict(labels=np.array([0, 1])), "3 images but 2 labels"),
    (dict(labels=np.array([0, 1, 2])), "only 2 classes"),
    (dict(labels=np.array([0, -1, 1])), "only 2 classes"),
])
def test_dataset_rejects_inconsistent_arrays(bad, match):
    with pytest.raises(ValueError, match=match):
        _ds(**bad)
