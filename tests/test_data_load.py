"""load_dataset: where files come from, downloads, checksums, the decoded-array cache."""

import dataclasses
import functools
import hashlib
import http.server
import io
import os
import pickle
import socket
import stat
import tarfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import tourlib.data.load as load_module
from tourlib.data import (
    CIFAR10_CLASSES,
    ChecksumError,
    CorruptFileError,
    Dataset,
    DatasetNotFoundError,
    DatasetSizeWarning,
    UnknownDatasetError,
    load_dataset,
    read_idx,
    write_idx,
)
from tourlib.data import registry
from tourlib.store import cache_dir

pytestmark = pytest.mark.filterwarnings("ignore::tourlib.data.DatasetSizeWarning")

IDX_NAMES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_DATA", raising=False)


@pytest.fixture
def no_network(monkeypatch):
    """Point every URL at a closed local port, so any download attempt fails fast."""
    port = _free_port()
    _retarget_urls(monkeypatch, lambda remote: f"http://127.0.0.1:{port}/{remote.filename}")


@pytest.fixture
def decode_counter(monkeypatch):
    calls = []
    real = load_module._decode

    def counting(*args, **kwargs):
        calls.append(args[1:])
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "_decode", counting)
    return calls


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _retarget_urls(monkeypatch, url_for, md5_for=None):
    """Replace the registry's remote files with ones at url_for(remote), optionally with other MD5s."""
    specs = {}
    for name, spec in registry.DATASETS.items():
        files = {
            split: tuple(
                dataclasses.replace(r, url=url_for(r), md5=(md5_for(r) if md5_for else r.md5)) for r in remotes
            )
            for split, remotes in spec.files.items()
        }
        specs[name] = dataclasses.replace(spec, files=files)
    monkeypatch.setattr(registry, "DATASETS", specs)


def make_idx_set(folder, n=None, seed=0):
    """Write the four IDX gz files of a tiny MNIST-like set into folder; return the arrays per split."""
    rng = np.random.default_rng(seed)
    n = n or {"train": 6, "test": 4}
    truth = {}
    for split, (img_name, lab_name) in IDX_NAMES.items():
        imgs = rng.integers(0, 256, size=(n[split], 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n[split]).astype(np.uint8)
        write_idx(folder / img_name, imgs)
        write_idx(folder / lab_name, labels)
        truth[split] = (imgs, labels.astype(np.int64))
    return truth


def make_cifar_image_folder(root, n_per_class=2, seed=0):
    rng = np.random.default_rng(seed)
    truth = {}
    for split in ("train", "test"):
        for k, cls in enumerate(CIFAR10_CLASSES):
            (root / split / cls).mkdir(parents=True)
            for i in range(n_per_class):
                img = rng.integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
                Image.fromarray(img).save(root / split / cls / f"{i:04d}.png")
                truth.setdefault(split, []).append((img, k))
    return {s: (np.stack([t[0] for t in v]), np.array([t[1] for t in v])) for s, v in truth.items()}


def make_cifar_tarball(path, n=2, seed=1):
    rng = np.random.default_rng(seed)
    truth = {}
    with tarfile.open(path, "w:gz") as tar:
        for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
            imgs = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
            labels = [int(v) for v in rng.integers(0, 10, size=n)]
            raw = pickle.dumps({b"data": imgs.transpose(0, 3, 1, 2).reshape(n, 3072), b"labels": labels}, protocol=2)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
            truth[name] = (imgs, np.array(labels))
    return truth


# ---------------------------------------------------------------- names, result type


def test_unknown_name_and_split_list_the_valid_ones(tmp_path):
    with pytest.raises(UnknownDatasetError) as err:
        load_dataset("imagenet", "train", root=tmp_path)
    assert all(n in str(err.value) for n in ("mnist", "fashion-mnist", "cifar10"))
    with pytest.raises(UnknownDatasetError, match="train, test"):
        load_dataset("mnist", "val", root=tmp_path)
    with pytest.raises(ValueError):  # also the built-in type
        load_dataset("mnist", "val", root=tmp_path)
    with pytest.raises(TypeError):
        load_dataset(7, "train", root=tmp_path)


@pytest.mark.parametrize("alias", ["fashion-mnist", "Fashion-MNIST", "fashion_mnist", "FMNIST"])
def test_aliases_and_case(tmp_path, alias):
    truth = make_idx_set(tmp_path / "fashion-mnist")
    ds = load_dataset(alias, "TEST", root=tmp_path)
    assert ds.name == "fashion-mnist" and ds.split == "test"
    assert ds.classes[0] == "T-shirt/top" and len(ds.classes) == 10
    np.testing.assert_array_equal(ds.images, truth["test"][0])


def test_result_types_and_unpacking(tmp_path):
    truth = make_idx_set(tmp_path / "mnist")
    ds = load_dataset("mnist", "train", root=tmp_path)
    assert isinstance(ds, Dataset)
    images, labels, classes = ds
    assert images.dtype == np.uint8 and images.shape == (6, 28, 28)
    assert labels.dtype == np.int64 and labels.shape == (6,)
    assert classes == tuple("0123456789")
    np.testing.assert_array_equal(images, truth["train"][0])
    np.testing.assert_array_equal(labels, truth["train"][1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.name = "other"


def test_size_differing_from_release_warns(tmp_path):
    make_idx_set(tmp_path / "mnist")
    with pytest.warns(DatasetSizeWarning, match="10000"):
        load_dataset("mnist", "test", root=tmp_path)


def test_uncompressed_idx_files_and_dataset_folder_as_root(tmp_path):
    truth = make_idx_set(tmp_path / "gz")
    plain = tmp_path / "mnist"
    plain.mkdir()
    for names in IDX_NAMES.values():
        for n in names:
            write_idx(plain / n.removesuffix(".gz"), read_idx(tmp_path / "gz" / n))
    ds = load_dataset("mnist", "test", root=plain)  # root may be the data set's own folder
    np.testing.assert_array_equal(ds.images, truth["test"][0])


def test_wrong_image_shape_is_rejected(tmp_path):
    folder = tmp_path / "mnist"
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((3, 20, 20), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(3, np.uint8))
    with pytest.raises(CorruptFileError, match=r"\(28, 28\)"):
        load_dataset("mnist", "test", root=tmp_path)


def test_label_count_mismatch(tmp_path):
    folder = tmp_path / "mnist"
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((3, 28, 28), np.uint8))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(2, np.uint8))
    with pytest.raises(CorruptFileError, match="3 images"):
        load_dataset("mnist", "test", root=tmp_path)


def test_labels_images_swapped_gives_magic_error(tmp_path):
    folder = tmp_path / "mnist"
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros((3, 28, 28), np.uint8))
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros(3, np.uint8))
    with pytest.raises(CorruptFileError, match="magic number is 2049 but 2051"):
        load_dataset("mnist", "test", root=tmp_path)


# ---------------------------------------------------------------- where files come from


def test_root_is_strict(tmp_path, monkeypatch, no_network):
    make_idx_set(tmp_path / "elsewhere" / "mnist")
    monkeypatch.setenv("TOURBOOK_DATA", str(tmp_path / "elsewhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("mnist", "test", root=tmp_path / "empty")
    assert str(tmp_path / "empty" / "mnist" / "t10k-images-idx3-ubyte.gz") in str(err.value)
    with pytest.raises(DatasetNotFoundError, match="does not exist"):
        load_dataset("mnist", "test", root=tmp_path / "typo")


def test_root_named_for_another_data_set_is_not_used(tmp_path):
    make_idx_set(tmp_path / "fashion-mnist")
    with pytest.raises(DatasetNotFoundError):
        load_dataset("mnist", "test", root=tmp_path / "fashion-mnist")


def test_env_variable_then_root_overrides_it(tmp_path, monkeypatch, no_network):
    env_truth = make_idx_set(tmp_path / "env" / "mnist", seed=1)
    root_truth = make_idx_set(tmp_path / "root" / "mnist", seed=2)
    monkeypatch.setenv("TOURBOOK_DATA", str(tmp_path / "env"))
    np.testing.assert_array_equal(load_dataset("mnist", "test").images, env_truth["test"][0])
    np.testing.assert_array_equal(load_dataset("mnist", "test", root=tmp_path / "root").images, root_truth["test"][0])


def test_missing_everywhere_offline_says_where_to_put_files(tmp_path, monkeypatch, no_network):
    monkeypatch.setenv("TOURBOOK_DATA", str(tmp_path / "data"))
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset("mnist", "train")
    msg = str(err.value)
    assert str(tmp_path / "data" / "mnist" / "train-images-idx3-ubyte.gz") in msg
    assert "TOURBOOK_DATA" in msg and "could not download" in msg
    assert not any(p.is_file() for p in (cache_dir("downloads")).rglob("*"))  # nothing partial left


def test_download_false_does_not_touch_network(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("network used")

    monkeypatch.setattr("urllib.request.urlopen", boom)
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        load_dataset("cifar10", "test", download=False)


# ---------------------------------------------------------------- downloads


@pytest.fixture
def http_server(tmp_path):
    """Serve tmp_path/'served' on 127.0.0.1; yield (folder, base_url)."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def _served_md5(folder: Path):
    """MD5 of the served copy where the test made one; the registry's value otherwise."""
    return lambda r: _md5(folder / r.filename) if (folder / r.filename).is_file() else r.md5


def test_download_verifies_md5_and_is_then_reused(http_server, monkeypatch, decode_counter):
    folder, base = http_server
    truth = make_idx_set(folder)
    _retarget_urls(monkeypatch, lambda r: f"{base}/{r.filename}", _served_md5(folder))
    ds = load_dataset("mnist", "test")
    np.testing.assert_array_equal(ds.images, truth["test"][0])
    np.testing.assert_array_equal(ds.labels, truth["test"][1])
    stored = cache_dir("downloads") / "mnist" / "t10k-images-idx3-ubyte.gz"
    assert stored.read_bytes() == (folder / "t10k-images-idx3-ubyte.gz").read_bytes()
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o666 & ~umask, "downloads are shareable, not 0600"
    (entry,) = cache_dir("datasets").glob("mnist-test-*.npz")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o666 & ~umask
    assert not (cache_dir("downloads") / "mnist" / "train-images-idx3-ubyte.gz").exists()  # only what was asked
    for f in folder.iterdir():  # the server loses its files: the second load must not need it
        f.unlink()
    again = load_dataset("mnist", "test")
    np.testing.assert_array_equal(again.images, truth["test"][0])
    assert len(decode_counter) == 1


def test_download_with_wrong_md5_writes_nothing(http_server, monkeypatch):
    folder, base = http_server
    make_idx_set(folder)
    _retarget_urls(monkeypatch, lambda r: f"{base}/{r.filename}", lambda r: "0" * 32)
    with pytest.raises(ChecksumError) as err:
        load_dataset("mnist", "test")
    assert "0" * 32 in str(err.value) and _md5(folder / "t10k-images-idx3-ubyte.gz") in str(err.value)
    assert list(cache_dir("downloads").rglob("*.gz")) == []
    assert list(cache_dir("downloads").rglob("*.part")) == []


def test_http_404_is_a_clear_not_found(http_server, monkeypatch):
    folder, base = http_server
    _retarget_urls(monkeypatch, lambda r: f"{base}/{r.filename}")
    with pytest.raises(DatasetNotFoundError, match="HTTP 404"):
        load_dataset("fashion-mnist", "test")


def test_tampered_cached_download_is_refused(http_server, monkeypatch):
    folder, base = http_server
    make_idx_set(folder)
    _retarget_urls(monkeypatch, lambda r: f"{base}/{r.filename}", _served_md5(folder))
    load_dataset("mnist", "test")
    stored = cache_dir("downloads") / "mnist" / "t10k-labels-idx1-ubyte.gz"
    stored.write_bytes(stored.read_bytes() + b"x")
    with pytest.raises(ChecksumError, match="Delete it"):
        load_dataset("mnist", "test")


def test_cifar_official_archive_download(http_server, monkeypatch):
    folder, base = http_server
    truth = make_cifar_tarball(folder / "cifar-10-python.tar.gz")
    _retarget_urls(monkeypatch, lambda r: f"{base}/{r.filename}", _served_md5(folder))
    ds = load_dataset("cifar10", "train")
    np.testing.assert_array_equal(ds.images, np.concatenate([truth[f"data_batch_{i}"][0] for i in range(1, 6)]))
    assert ds.images.shape == (10, 32, 32, 3) and ds.classes == CIFAR10_CLASSES


# ---------------------------------------------------------------- CIFAR sources


@pytest.mark.parametrize("form", ["cifar10", "cifar10-jpeg.tar.xz", "cifar10.zip"])
def test_cifar_image_folder_layouts(tmp_path, form):
    truth = make_cifar_image_folder(tmp_path / "src")
    if form == "cifar10":
        (tmp_path / "src").rename(tmp_path / "cifar10")
    elif form.endswith(".tar.xz"):
        with tarfile.open(tmp_path / form, "w:xz") as tar:
            for split in ("train", "test"):
                tar.add(tmp_path / "src" / split, arcname=split)
    else:
        with zipfile.ZipFile(tmp_path / form, "w") as zf:
            for p in sorted((tmp_path / "src").rglob("*.png")):
                zf.write(p, p.relative_to(tmp_path / "src").as_posix())
    ds = load_dataset("cifar10", "test", root=tmp_path)
    np.testing.assert_array_equal(ds.images, truth["test"][0])
    np.testing.assert_array_equal(ds.labels, truth["test"][1])
    assert ds.classes == CIFAR10_CLASSES


def test_cifar_official_batches_preferred_over_image_folder(tmp_path):
    make_cifar_image_folder(tmp_path / "cifar10")
    truth = make_cifar_tarball(tmp_path / "cifar-10-python.tar.gz")
    ds = load_dataset("cifar10", "test", root=tmp_path)
    np.testing.assert_array_equal(ds.images, truth["test_batch"][0])
    assert ds.source.endswith("cifar-10-python.tar.gz")


# ---------------------------------------------------------------- decoded-array cache


def test_second_load_does_not_decode(tmp_path, decode_counter):
    truth = make_idx_set(tmp_path / "mnist")
    first = load_dataset("mnist", "train", root=tmp_path)
    second = load_dataset("mnist", "train", root=tmp_path)
    assert len(decode_counter) == 1
    np.testing.assert_array_equal(second.images, truth["train"][0])
    np.testing.assert_array_equal(second.labels, first.labels)
    assert second.images.dtype == np.uint8 and second.labels.dtype == np.int64
    second.images[0, 0, 0] = 255 - second.images[0, 0, 0]  # results are private copies
    np.testing.assert_array_equal(load_dataset("mnist", "train", root=tmp_path).images, truth["train"][0])
    load_dataset("mnist", "test", root=tmp_path)
    assert len(decode_counter) == 2  # another split is another entry


def test_cache_can_be_bypassed(tmp_path, decode_counter):
    make_idx_set(tmp_path / "mnist")
    load_dataset("mnist", "test", root=tmp_path, cache=False)
    load_dataset("mnist", "test", root=tmp_path, cache=False)
    assert len(decode_counter) == 2
    assert not list(cache_dir("datasets").glob("*.npz"))


def test_changed_source_file_invalidates_cache(tmp_path, decode_counter):
    make_idx_set(tmp_path / "mnist", seed=0)
    load_dataset("mnist", "test", root=tmp_path)
    new = make_idx_set(tmp_path / "mnist", seed=5)
    ds = load_dataset("mnist", "test", root=tmp_path)
    assert len(decode_counter) == 2
    np.testing.assert_array_equal(ds.images, new["test"][0])


def test_changed_image_folder_invalidates_cache(tmp_path, decode_counter):
    make_cifar_image_folder(tmp_path / "cifar10")
    load_dataset("cifar10", "test", root=tmp_path)
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(tmp_path / "cifar10" / "test" / "cat" / "9999.png")
    ds = load_dataset("cifar10", "test", root=tmp_path)
    assert len(decode_counter) == 2 and len(ds) == 21


def test_damaged_cache_file_is_rebuilt(tmp_path, decode_counter):
    truth = make_idx_set(tmp_path / "mnist")
    load_dataset("mnist", "test", root=tmp_path)
    (entry,) = cache_dir("datasets").glob("mnist-test-*.npz")
    entry.write_bytes(entry.read_bytes()[:100])
    ds = load_dataset("mnist", "test", root=tmp_path)
    assert len(decode_counter) == 2
    np.testing.assert_array_equal(ds.images, truth["test"][0])


def test_file_hash_is_remembered(tmp_path, monkeypatch):
    import tourlib.data.digests as digests

    make_idx_set(tmp_path / "mnist")
    hashed = []
    real = digests._hash_file
    monkeypatch.setattr(digests, "_hash_file", lambda p: hashed.append(p) or real(p))
    load_dataset("mnist", "test", root=tmp_path)
    load_dataset("mnist", "test", root=tmp_path)
    assert len(hashed) == 2  # two files, each hashed once


def test_download_cut_short_leaves_nothing(tmp_path, monkeypatch):
    """A server that promises more bytes than it sends: clear error, no partial file."""

    class Liar(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"\x1f\x8b" + b"\0" * 500)
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Liar)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        _retarget_urls(monkeypatch, lambda r: f"{base}/{r.filename}")
        with pytest.raises(DatasetNotFoundError) as err:
            load_dataset("mnist", "test")
        assert "t10k-images-idx3-ubyte.gz" in str(err.value)
        assert [p for p in cache_dir("downloads").rglob("*") if p.is_file()] == []
    finally:
        server.shutdown()
        server.server_close()
