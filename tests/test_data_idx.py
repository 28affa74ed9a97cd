"""IDX reader: round trips, header checks, damaged files."""

import gzip

import numpy as np
import pytest

from tourlib.data import CorruptFileError, DatasetNotFoundError, read_idx, read_idx_images, read_idx_labels, write_idx
from tourlib.data.idx import IMAGES_MAGIC, LABELS_MAGIC, read_idx_pair


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_DATA", raising=False)


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("name", ["x-idx3-ubyte.gz", "x-idx3-ubyte"])
def test_images_round_trip_gzip_and_plain(tmp_path, images, name):
    path = write_idx(tmp_path / name, images)
    got = read_idx_images(path)
    assert got.dtype == np.uint8 and got.shape == images.shape
    np.testing.assert_array_equal(got, images)
    assert got.flags.writeable and got.flags.c_contiguous


def test_gzip_is_detected_by_content_not_name(tmp_path, images):
    path = write_idx(tmp_path / "no-suffix", images, compress=True)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(path), images)


def test_header_is_big_endian_with_published_magic(tmp_path, images):
    path = write_idx(tmp_path / "imgs", images)
    raw = path.read_bytes()
    assert int.from_bytes(raw[:4], "big") == IMAGES_MAGIC == 2051
    assert [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(3)] == [7, 28, 28]
    labels = write_idx(tmp_path / "labels", np.arange(7, dtype=np.uint8))
    assert int.from_bytes(labels.read_bytes()[:4], "big") == LABELS_MAGIC == 2049


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
def test_every_idx_type_round_trips_native_endian(tmp_path, dtype):
    a = (np.arange(30) - 7).astype(dtype).reshape(5, 6)
    got = read_idx(write_idx(tmp_path / "a.gz", a))
    assert got.dtype == a.dtype and got.dtype.isnative
    np.testing.assert_array_equal(got, a)


def test_labels_are_int64(tmp_path):
    got = read_idx_labels(write_idx(tmp_path / "l.gz", np.array([3, 0, 9], dtype=np.uint8)))
    assert got.dtype == np.int64
    assert got.tolist() == [3, 0, 9]


def test_wrong_magic_names_file_and_both_magics(tmp_path, images):
    labels_file = write_idx(tmp_path / "labels.gz", np.zeros(7, np.uint8))
    with pytest.raises(CorruptFileError) as err:
        read_idx_images(labels_file)
    msg = str(err.value)
    assert "labels.gz" in msg and "2049" in msg and "2051" in msg


def test_not_idx_at_all(tmp_path):
    path = tmp_path / "junk"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(CorruptFileError, match="not an IDX file"):
        read_idx(path)


def test_truncated_gzip_is_reported_with_advice(tmp_path, images):
    path = write_idx(tmp_path / "t.gz", images)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(CorruptFileError) as err:
        read_idx_images(path)
    assert "t.gz" in str(err.value) and "delete it" in str(err.value)


def test_corrupt_gzip_crc_is_reported(tmp_path, images):
    raw = bytearray(gzip.compress(b"\0\0\x08\x01" + (3).to_bytes(4, "big") + b"abc", mtime=0))
    raw[-8] ^= 0xFF  # break the CRC32 trailer
    path = tmp_path / "crc.gz"
    path.write_bytes(bytes(raw))
    with pytest.raises(CorruptFileError, match="crc.gz"):
        read_idx(path)


def test_truncated_payload_and_trailing_bytes(tmp_path, images):
    plain = write_idx(tmp_path / "p", images).read_bytes()
    short, long = tmp_path / "short", tmp_path / "long"
    short.write_bytes(plain[:-5])
    long.write_bytes(plain + b"\0")
    with pytest.raises(CorruptFileError, match="truncated"):
        read_idx(short)
    with pytest.raises(CorruptFileError, match="extra bytes"):
        read_idx(long)


def test_truncated_header(tmp_path):
    path = tmp_path / "h"
    path.write_bytes(b"\0\0\x08\x03" + (5).to_bytes(4, "big"))
    with pytest.raises(CorruptFileError, match="header"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="nope.gz"):
        read_idx(tmp_path / "nope.gz")
    with pytest.raises(FileNotFoundError):  # also the built-in type
        read_idx(tmp_path / "nope.gz")


def test_pair_count_mismatch(tmp_path, images):
    imgs = write_idx(tmp_path / "i.gz", images)
    labels = write_idx(tmp_path / "l.gz", np.zeros(6, np.uint8))
    with pytest.raises(CorruptFileError) as err:
        read_idx_pair(imgs, labels)
    assert "7 images" in str(err.value) and "6 labels" in str(err.value)


def test_write_rejects_unsupported(tmp_path):
    with pytest.raises(TypeError, match="dtype"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint64))
    with pytest.raises(ValueError, match="dimensions"):
        write_idx(tmp_path / "x", np.float32(1.0))
