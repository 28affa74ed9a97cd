"""tourlib.store: cache folder, stable hashes, atomic writes that never leave half a file."""

from __future__ import annotations

import numpy as np
import pytest

from tourlib import store


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "c"))
    assert store.cache_dir("runs") == tmp_path / "c" / "runs"
    assert (tmp_path / "c" / "runs").is_dir()


def test_config_hash_ignores_key_order_and_sees_every_value():
    a = store.config_hash({"x": 1, "y": [1, 2]})
    assert a == store.config_hash({"y": [1, 2], "x": 1})
    assert a != store.config_hash({"x": 1, "y": [1, 3]})


def test_array_fingerprint_sees_dtype_shape_and_every_byte():
    x = np.arange(12, dtype=np.uint8)
    base = store.array_fingerprint(x)
    assert base == store.array_fingerprint(x.copy())
    assert base != store.array_fingerprint(x.reshape(3, 4))
    assert base != store.array_fingerprint(x.astype(np.int16))
    y = x.copy()
    y[5] ^= 1
    assert base != store.array_fingerprint(y)


@pytest.mark.parametrize("compress", [True, False])
def test_save_and_load_npz_round_trip(tmp_path, compress):
    arrays = {"a": np.random.default_rng(0).normal(size=(4, 3)), "b": np.arange(5)}
    path = store.save_npz(tmp_path / "x.npz", compress=compress, **arrays)
    back = store.load_npz(path)
    assert set(back) == {"a", "b"} and all(np.array_equal(back[k], arrays[k]) for k in arrays)
    assert list(tmp_path.iterdir()) == [path], "no temporary file left behind"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "x.npz"
    store.save_npz(path, a=np.arange(3))

    class Boom:
        def __array__(self, *a, **k):
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        store.save_npz(path, a=Boom())
    assert np.array_equal(store.load_npz(path)["a"], np.arange(3))
    assert list(tmp_path.iterdir()) == [path]


def test_an_unreadable_cache_file_is_a_miss_and_is_removed(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"PK\x03\x04 truncated")
    assert store.load_npz(path) is None
    assert not path.exists()
    assert store.load_npz(tmp_path / "absent.npz") is None
