"""tourlib.store: cache folder, stable hashes, atomic writes that never leave half a file."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import time

import numpy as np
import pytest

from tourlib import store


def test_cache_dir_follows_the_environment_and_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "c"))
    assert store.cache_dir("runs") == tmp_path / "c" / "runs"
    assert not (tmp_path / "c").exists(), "folders are created only when something is written"
    store.save_npz(store.cache_dir("runs") / "x.npz", a=np.arange(2))
    assert (tmp_path / "c" / "runs" / "x.npz").is_file()


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


def test_an_unreadable_cache_file_is_a_miss_and_is_never_deleted(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"PK\x03\x04 truncated")
    assert store.load_npz(path) is None
    assert path.read_bytes() == b"PK\x03\x04 truncated", "it may be another user's file: left alone"
    assert store.load_npz(tmp_path / "absent.npz") is None
    (tmp_path / "folder.npz").mkdir()                      # a folder where a file should be
    assert store.load_npz(tmp_path / "folder.npz") is None and (tmp_path / "folder.npz").is_dir()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_files_get_the_permissions_the_umask_allows(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        path = store.save_npz(tmp_path / "shared" / "x.npz", a=np.arange(3))
        raw = store.atomic_write_bytes(tmp_path / "shared" / "y.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert stat.S_IMODE(raw.stat().st_mode) == mode


def test_stale_part_files_are_cleaned_but_fresh_ones_kept(tmp_path):
    old_part = tmp_path / ".x.npz.abc123.part"
    fresh_part = tmp_path / ".x.npz.def456.part"            # perhaps a writer still at work
    for p in (old_part, fresh_part):
        p.write_bytes(b"half")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old_part, (two_hours_ago, two_hours_ago))
    store.save_npz(tmp_path / "x.npz", a=np.arange(3))
    assert not old_part.exists() and fresh_part.exists()


def test_try_save_npz_warns_naming_the_variable_and_returns_none(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.warns(store.CacheWriteWarning, match="the thing was computed and is returned, but not cached.*"
                                                     "TOURBOOK_CACHE"):
        assert store.try_save_npz(blocker / "sub" / "x.npz", what="the thing", a=np.arange(3)) is None


_FSIZE_SCRIPT = """
import resource, sys, warnings
import numpy as np
from tourlib import store
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    out = store.try_save_npz(sys.argv[1], what="the result", compress=False, a=np.zeros(100_000))
print(out)
print(caught[0].message if caught else "no warning")
"""


def test_a_file_size_limit_is_a_warning_with_the_space_needed(tmp_path):
    target = tmp_path / "cache" / "big.npz"
    done = subprocess.run([sys.executable, "-c", _FSIZE_SCRIPT, str(target)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    printed, message = done.stdout.splitlines()[:2]
    assert printed == "None"
    assert "File too large" in message and "TOURBOOK_CACHE" in message and "0.8 MB" in message
    assert list((tmp_path / "cache").iterdir()) == [], "no partial or temporary file left"


@pytest.mark.parametrize("error, advice", [
    (OSError(errno.ENOSPC, "No space left on device"), "free some space .*TOURBOOK_CACHE to a folder with room"),
    (OSError(errno.EFBIG, "File too large"), "raise the file-size limit"),
    (PermissionError(errno.EACCES, "Permission denied"), "not writable: set TOURBOOK_CACHE to a writable folder"),
    (OSError(errno.EROFS, "Read-only file system"), "not writable: set TOURBOOK_CACHE"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "in the way .*remove it"),
])
def test_cache_write_advice_names_the_cause_the_space_and_the_variable(tmp_path, error, advice):
    import re

    text = store.cache_write_advice(tmp_path / "x.npz", error, 3_000_000)
    assert "x.npz" in text and "needs about 3.0 MB" in text and " free there" in text
    assert re.search(advice, text), text
