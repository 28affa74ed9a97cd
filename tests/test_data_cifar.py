"""Official CIFAR-10 python batches: pixel layout, batch order, archive, safety."""

import os
import pickle
import tarfile

import numpy as np
import pytest

from tourlib.data import CorruptFileError, DatasetNotFoundError, read_cifar10_batches
from tourlib.data.cifar import decode_cifar_batch


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_DATA", raising=False)


def make_batch(images_hwc: np.ndarray, labels) -> bytes:
    """Pickle a batch the way the publisher stores it: channel-major rows of 3072 bytes."""
    data = images_hwc.transpose(0, 3, 1, 2).reshape(len(images_hwc), 3072)
    batch = {b"batch_label": b"x", b"labels": [int(v) for v in labels], b"data": data, b"filenames": []}
    return pickle.dumps(batch, protocol=2)


def make_batches(folder, n_per_batch=3, seed=0):
    """Write data_batch_1..5 and test_batch; return the images and labels per batch name."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    truth = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        imgs = rng.integers(0, 256, size=(n_per_batch, 32, 32, 3), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n_per_batch)
        (folder / name).write_bytes(make_batch(imgs, labels))
        truth[name] = (imgs, labels)
    return truth


def test_pixel_layout_is_channel_major_to_channels_last():
    img = np.zeros((1, 32, 32, 3), np.uint8)
    img[0, 2, 5, 0], img[0, 7, 1, 1], img[0, 31, 30, 2] = 10, 20, 30
    data = np.zeros((1, 3072), np.uint8)
    # the publisher's row: red plane, green plane, blue plane, each row-major 32×32
    data[0, 0 * 1024 + 2 * 32 + 5] = 10
    data[0, 1 * 1024 + 7 * 32 + 1] = 20
    data[0, 2 * 1024 + 31 * 32 + 30] = 30
    raw = pickle.dumps({b"data": data, b"labels": [4]}, protocol=2)
    images, labels = decode_cifar_batch(raw)
    np.testing.assert_array_equal(images, img)
    assert images.flags.c_contiguous and labels.dtype == np.int64 and labels.tolist() == [4]


@pytest.mark.parametrize("point_at", ["batches_dir", "parent_dir", "tar_gz"])
def test_train_concatenates_batches_1_to_5_in_order(tmp_path, point_at):
    truth = make_batches(tmp_path / "cifar-10-batches-py")
    path = {"batches_dir": tmp_path / "cifar-10-batches-py", "parent_dir": tmp_path}.get(point_at)
    if point_at == "tar_gz":
        path = tmp_path / "cifar-10-python.tar.gz"
        with tarfile.open(path, "w:gz") as tar:
            tar.add(tmp_path / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    images, labels = read_cifar10_batches(path, "train")
    expected = np.concatenate([truth[f"data_batch_{i}"][0] for i in range(1, 6)])
    np.testing.assert_array_equal(images, expected)
    np.testing.assert_array_equal(labels, np.concatenate([truth[f"data_batch_{i}"][1] for i in range(1, 6)]))
    test_images, test_labels = read_cifar10_batches(path, "test")
    np.testing.assert_array_equal(test_images, truth["test_batch"][0])
    assert test_images.shape == (3, 32, 32, 3) and test_labels.dtype == np.int64


def test_missing_batch_is_named(tmp_path):
    make_batches(tmp_path / "cifar-10-batches-py")
    os.remove(tmp_path / "cifar-10-batches-py" / "data_batch_3")
    with pytest.raises(DatasetNotFoundError, match="data_batch_3"):
        read_cifar10_batches(tmp_path, "train")


def test_truncated_archive(tmp_path):
    make_batches(tmp_path / "cifar-10-batches-py", n_per_batch=50)
    path = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        tar.add(tmp_path / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CorruptFileError) as err:
        read_cifar10_batches(path, "train")
    assert "cifar-10-python.tar.gz" in str(err.value) and "download" in str(err.value)


def test_garbage_batch(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    (folder / "test_batch").write_bytes(b"this is not a pickle")
    with pytest.raises(CorruptFileError, match="test_batch"):
        read_cifar10_batches(folder, "test")


@pytest.mark.parametrize("bad", [
    {b"labels": [1]},                                                # no data
    {b"data": np.zeros((2, 3000), np.uint8), b"labels": [1, 2]},     # wrong row length
    {b"data": np.zeros((2, 3072), np.float32), b"labels": [1, 2]},   # wrong dtype
    {b"data": np.zeros((2, 3072), np.uint8), b"labels": [1]},        # count mismatch
])
def test_malformed_batch_contents(bad):
    with pytest.raises(CorruptFileError):
        decode_cifar_batch(pickle.dumps(bad, protocol=2))


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_unpickler_refuses_foreign_globals():
    raw = pickle.dumps({b"data": _Evil(), b"labels": []}, protocol=2)
    with pytest.raises(CorruptFileError, match="refusing"):
        decode_cifar_batch(raw, "evil")


def test_python2_style_numpy_core_reference_is_accepted():
    """Publisher's pickles name numpy.core.multiarray._reconstruct (numpy 1.x); numpy 2 moved it."""
    data = np.arange(3072, dtype=np.uint8).reshape(1, 3072)
    raw = pickle.dumps({b"data": data, b"labels": [0]}, protocol=2)
    raw = raw.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    images, _ = decode_cifar_batch(raw)
    assert images.shape == (1, 32, 32, 3)


def test_bad_split(tmp_path):
    with pytest.raises(ValueError, match="train, test"):
        read_cifar10_batches(tmp_path, "validation")
