"""Faults in the cache: full disk, file-size limit, read-only or unwritable folders, malformed entries.

Issue 13, items 5, 7, 8 and 9. Every test makes the fault itself (a file-size limit with
``RLIMIT_FSIZE`` in a subprocess, a file where the cache folder should be, a damaged entry) and
checks that the finished work is returned, the message names ``TOURBOOK_CACHE``, and nothing
partial is left in the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from test_data_load import make_idx_set
from tourlib.data import DatasetNotFoundError, load_dataset
from tourlib.store import CacheWriteWarning, cache_dir, save_npz

pytestmark = pytest.mark.filterwarnings("ignore::tourlib.data.DatasetSizeWarning")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_DATA", raising=False)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _run_limited(script: str, env_cache: Path, limit: int = 64 * 1024) -> subprocess.CompletedProcess:
    """Run ``script`` in a fresh Python with a file-size limit of ``limit`` bytes (a "full disk")."""
    prelude = f"import resource\nresource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
    env = {**os.environ, "TOURBOOK_CACHE": str(env_cache)}
    env.pop("TOURBOOK_DATA", None)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(script)], capture_output=True,
                          text=True, env=env, timeout=300)


# ---------------------------------------------------------------- 7. a failed write never loses finished work


def test_a_decoded_data_set_survives_a_file_size_limit(tmp_path):
    truth = make_idx_set(tmp_path / "data" / "mnist", n={"train": 6, "test": 200})   # 157 KB of images
    done = _run_limited(f"""
        import warnings, numpy as np
        from tourlib.data import load_dataset
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = load_dataset("mnist", "test", root={str(tmp_path / "data")!r})
        print(ds.images.shape, int(ds.images.astype(np.int64).sum()))
        print([str(w.message) for w in caught if w.category.__name__ == "CacheWriteWarning"][0])
    """, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    result, message = done.stdout.strip().splitlines()
    assert result == f"{truth['test'][0].shape} {int(truth['test'][0].astype(np.int64).sum())}", "returned"
    assert message.startswith("MNIST test was computed and is returned, but not cached")
    assert "File too large" in message and "needs about 0.2 MB" in message and "TOURBOOK_CACHE" in message
    assert [p.name for p in _files(tmp_path / "cache")] == ["file-digests.json"], "no partial entry left"


def test_a_finished_training_run_survives_a_file_size_limit(tmp_path):
    done = _run_limited(f"""
        import json, warnings, numpy as np, torch
        torch.set_num_threads(1)
        from tourlib.nets import record_training
        rng = np.random.default_rng(0)
        data = (rng.integers(0, 256, (120, 28, 28), dtype=np.uint8), rng.integers(0, 10, 120),
                rng.integers(0, 256, (40, 28, 28), dtype=np.uint8), rng.integers(0, 10, 40))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run = record_training("mnist", seed=0, data=data, epochs=1, train_size=100, n_record=20,
                                  batch_size=50, device="cpu", progress=False)
        print(json.dumps({{"shape": list(run.softmax["test"].shape),
                          "warnings": [str(w.message) for w in caught if w.category.__name__ == "CacheWriteWarning"]}}))
    """, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["shape"] == [2, 20, 10], "the run was returned"
    (message,) = out["warnings"]
    assert message.startswith("the mnist training run was computed and is returned, but not cached")
    assert "File too large" in message and "TOURBOOK_CACHE" in message and "MB" in message
    assert _files(tmp_path / "cache" / "runs") == [], "no partial run left"


# ---------------------------------------------------------------- 8. read-only or unwritable caches


@pytest.fixture
def unwritable_cache(tmp_path, monkeypatch):
    """TOURBOOK_CACHE below a regular file: nothing can ever be created there (even by root)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("TOURBOOK_CACHE", str(blocker / "cache"))
    return blocker


def test_cache_false_needs_no_writable_cache(tmp_path, unwritable_cache):
    truth = make_idx_set(tmp_path / "data" / "mnist")
    ds = load_dataset("mnist", "test", root=tmp_path / "data", cache=False)
    np.testing.assert_array_equal(ds.images, truth["test"][0])
    assert unwritable_cache.read_text() == "x"


def test_an_unwritable_cache_warns_naming_the_variable_and_still_loads(tmp_path, unwritable_cache):
    truth = make_idx_set(tmp_path / "data" / "mnist")
    with pytest.warns(CacheWriteWarning, match="MNIST test was computed .* not cached.*TOURBOOK_CACHE"):
        ds = load_dataset("mnist", "test", root=tmp_path / "data")
    np.testing.assert_array_equal(ds.images, truth["test"][0])


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write to a read-only folder")
def test_a_read_only_cache_folder_warns_and_still_loads(tmp_path, monkeypatch):
    truth = make_idx_set(tmp_path / "data" / "mnist")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    monkeypatch.setenv("TOURBOOK_CACHE", str(ro))
    try:
        with pytest.warns(CacheWriteWarning, match="not writable; set TOURBOOK_CACHE"):
            ds = load_dataset("mnist", "test", root=tmp_path / "data")
        np.testing.assert_array_equal(ds.images, truth["test"][0])
    finally:
        ro.chmod(0o755)


def test_a_download_into_an_unwritable_cache_names_the_variable(unwritable_cache, monkeypatch):
    def no_network(*a, **k):
        raise AssertionError("no download should be attempted into an unwritable folder")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    with pytest.raises(DatasetNotFoundError, match="cannot save a download in .*set the environment variable "
                                                   "TOURBOOK_CACHE to a writable folder"):
        load_dataset("mnist", "test")


# ---------------------------------------------------------------- 5, 9. shared and malformed entries


def _entry() -> Path:
    (entry,) = cache_dir("datasets").glob("mnist-test-*.npz")
    return entry


def test_a_folder_where_the_cache_file_should_be_is_a_miss_and_a_warning(tmp_path):
    truth = make_idx_set(tmp_path / "data" / "mnist")
    load_dataset("mnist", "test", root=tmp_path / "data")
    entry = _entry()
    entry.unlink()
    entry.mkdir()
    with pytest.warns(CacheWriteWarning, match="is in the way .*remove it"):
        ds = load_dataset("mnist", "test", root=tmp_path / "data")
    np.testing.assert_array_equal(ds.images, truth["test"][0])
    assert entry.is_dir(), "what could not be read is not deleted"


@pytest.mark.parametrize("damage", ["missing labels", "wrong dtype", "wrong shape", "garbage"])
def test_a_malformed_data_set_entry_is_decoded_again_and_replaced(tmp_path, damage):
    truth = make_idx_set(tmp_path / "data" / "mnist")
    load_dataset("mnist", "test", root=tmp_path / "data")
    entry = _entry()
    images, labels = truth["test"]
    if damage == "missing labels":
        save_npz(entry, compress=False, images=images)
    elif damage == "wrong dtype":
        save_npz(entry, compress=False, images=images.astype(np.float32), labels=labels)
    elif damage == "wrong shape":
        save_npz(entry, compress=False, images=images[:, :20], labels=labels)
    else:
        entry.write_bytes(b"PK\x03\x04 not really")
    ds = load_dataset("mnist", "test", root=tmp_path / "data")
    np.testing.assert_array_equal(ds.images, images)
    np.testing.assert_array_equal(ds.labels, labels)
    with np.load(entry) as stored:                                   # replaced by a whole entry
        assert stored["images"].dtype == np.uint8 and stored["images"].shape == images.shape


def test_loading_cleans_stale_part_files_of_killed_writers(tmp_path):
    make_idx_set(tmp_path / "data" / "mnist")
    folder = cache_dir("datasets")
    folder.mkdir(parents=True)
    stale, fresh = folder / ".mnist-test-x.npz.a1.part", folder / ".mnist-test-x.npz.b2.part"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (0, 0))
    load_dataset("mnist", "test", root=tmp_path / "data")
    assert not stale.exists() and fresh.exists()


def test_a_malformed_embedding_entry_is_computed_again():
    from tourlib.embed.cache import cached_series, embedding_path

    good = np.zeros((2, 5, 2))
    calls = []

    def compute():
        calls.append(1)
        return good

    config = {"x": 1}
    cached_series("pca", config, compute)
    save_npz(embedding_path("pca", config), embedding=np.zeros((2, 5)),       # wrong shape
             config=np.array(json.dumps(config, sort_keys=True, default=str)))
    np.testing.assert_array_equal(cached_series("pca", config, compute), good)
    assert len(calls) == 2
    np.testing.assert_array_equal(cached_series("pca", config, compute), good)
    assert len(calls) == 2, "the replaced entry is used"


def test_an_embedding_of_any_width_is_a_cache_hit():
    """A 15-D (or 1-D) layer UMAP is read back, not recomputed on every call."""
    from tourlib.embed.cache import cached_series

    for width in (1, 15):
        calls = []

        def compute(width=width):
            calls.append(1)
            return np.ones((1, 4, width), np.float32)

        config = {"n_components": width, "test": "width"}
        cached_series("layer-umap", config, compute)
        assert cached_series("layer-umap", config, compute).shape == (1, 4, width)
        assert len(calls) == 1
