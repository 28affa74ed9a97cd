"""Faults in data files: every test builds the bad input itself and checks for a clear error (or the
right result) and that nothing partial was cached. Issue 13, items 1-3, 10 and the symlink case."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tourlib.data import (
    CIFAR10_CLASSES,
    CorruptFileError,
    Dataset,
    DatasetSizeWarning,
    LayoutError,
    load_dataset,
    read_idx,
    read_image_folder,
)
from tourlib.data.archives import iter_files
from tourlib.store import cache_dir

REAL_CIFAR = Path(os.environ.get("TOURBOOK_DATA", "/work/shared/data")) / "cifar10-jpeg.tar.xz"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_DATA", raising=False)


def _cached_entries():
    folder = cache_dir("datasets")
    return sorted(folder.glob("*.npz")) if folder.exists() else []


def _png(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    return buf.getvalue()


def _cifar_members(n_per_class: int, splits=("train", "test"), seed=0):
    rng = np.random.default_rng(seed)
    for split in splits:
        for cls in CIFAR10_CLASSES:
            for i in range(n_per_class):
                yield f"{split}/{cls}/{i:04d}.png", _png(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))


def _write_tar(path: Path, members) -> list[int]:
    """Write (name, bytes) members to a plain tar; return each member's header offset."""
    offsets = []
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            offsets.append(tar.offset)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return offsets


# ---------------------------------------------------------------- 1. tar archives read to their real end


def test_a_damaged_header_in_a_plain_tar_is_an_error_not_fewer_images(tmp_path):
    members = [(f"train/cat/{i}.png", _png(np.full((4, 4, 3), i, np.uint8))) for i in range(10)]
    offsets = _write_tar(tmp_path / "ok.tar", members)
    assert len(read_image_folder(tmp_path / "ok.tar", split="train")) == 10
    raw = bytearray((tmp_path / "ok.tar").read_bytes())
    raw[offsets[6] + 20] ^= 0xFF                                   # one byte of the 7th header
    (tmp_path / "bad.tar").write_bytes(raw)
    with tarfile.open(tmp_path / "bad.tar", "r|") as tar:          # what tarfile alone makes of it
        assert sum(1 for m in tar if m.isfile()) == 6
    with pytest.raises(CorruptFileError, match=rf"bad.tar: damaged member header at byte {offsets[6]:,} .*download or copy"):
        read_image_folder(tmp_path / "bad.tar", split="train")


def test_a_tar_cut_at_a_member_boundary_is_truncated(tmp_path):
    members = [(f"train/cat/{i}.png", _png(np.full((4, 4, 3), i, np.uint8))) for i in range(4)]
    offsets = _write_tar(tmp_path / "ok.tar", members)
    (tmp_path / "cut.tar").write_bytes((tmp_path / "ok.tar").read_bytes()[:offsets[3]])
    with pytest.raises(CorruptFileError, match="without its end-of-archive marker"):
        list(iter_files(tmp_path / "cut.tar"))


def test_load_dataset_never_caches_a_damaged_cifar_archive(tmp_path):
    members = list(_cifar_members(2, splits=("test",)))
    offsets = _write_tar(tmp_path / "cifar10.tar", members)
    raw = bytearray((tmp_path / "cifar10.tar").read_bytes())
    raw[offsets[15] + 100] ^= 0x01
    (tmp_path / "cifar10.tar").write_bytes(raw)
    with pytest.raises(CorruptFileError, match="damaged member header"):
        load_dataset("cifar10", "test", root=tmp_path)
    assert _cached_entries() == []


@pytest.mark.skipif(not REAL_CIFAR.is_file(), reason="the real cifar10-jpeg.tar.xz is not available")
def test_a_flipped_byte_in_the_real_cifar_archive_is_caught(tmp_path):
    """Offset 15,800,123 bit 5: with tarfile alone this copy reads as 51,177 of 60,000 images, no error."""
    copy = tmp_path / "cifar10-jpeg.tar.xz"
    raw = bytearray(REAL_CIFAR.read_bytes())
    raw[15_800_123] ^= 1 << 5
    copy.write_bytes(raw)
    with tarfile.open(copy, "r|*") as tar:
        assert 0 < sum(1 for m in tar if m.isfile()) < 60_000      # silently short before the fix
    with pytest.raises(CorruptFileError, match="cifar10-jpeg.tar.xz: damaged member header"):
        for _ in iter_files(copy):
            pass


def test_a_cifar_image_folder_with_missing_images_is_refused_from_the_data_folder(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    _write_tar(tmp_path / "data" / "cifar10.tar", _cifar_members(2, splits=("test",)))
    monkeypatch.setenv("TOURBOOK_DATA", str(tmp_path / "data"))
    with pytest.raises(CorruptFileError, match=r"should hold 1000 images of every class \(10000 in all\) but "
                                               r"holds 20, with airplane: 2.*replace it"):
        load_dataset("cifar10", "test", download=False)
    assert _cached_entries() == []


def test_a_cifar_subset_named_with_root_warns_and_is_not_cached(tmp_path):
    (tmp_path / "data").mkdir()
    _write_tar(tmp_path / "data" / "cifar10.tar", _cifar_members(2, splits=("test",)))
    with pytest.warns(DatasetSizeWarning, match="holds 20.*not cached"):
        ds = load_dataset("cifar10", "test", root=tmp_path / "data")
    assert len(ds) == 20 and np.bincount(ds.labels).tolist() == [2] * 10
    assert _cached_entries() == []


# ---------------------------------------------------------------- 2. label codes across splits


def _folder(root: Path, layout: dict[str, dict[str, int]]):
    rng = np.random.default_rng(0)
    for split, classes in layout.items():
        for cls, n in classes.items():
            (root / split / cls).mkdir(parents=True, exist_ok=True)
            for i in range(n):
                Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(root / split / cls / f"{i}.png")


def test_label_codes_come_from_the_class_folders_of_every_split(tmp_path):
    _folder(tmp_path, {"train": {"cat": 2, "dog": 2, "fish": 2}, "test": {"cat": 1, "dog": 0, "fish": 1}})
    train = read_image_folder(tmp_path, "train")
    test = read_image_folder(tmp_path, "test")                     # test/dog/ is empty
    assert train.classes == test.classes == ("cat", "dog", "fish")
    assert test.labels.tolist() == [0, 2]                           # fish is 2 in both splits
    declared = read_image_folder(tmp_path, "test", classes=["fish", "dog", "cat"])
    assert [declared.classes[k] for k in declared.labels] == ["fish", "cat"]
    with pytest.raises(LayoutError, match="no images for fox"):     # a class with no images anywhere
        read_image_folder(tmp_path, "test", classes=["cat", "dog", "fish", "fox"])


# ---------------------------------------------------------------- 3. 16-bit images, duplicate zip members


def test_16_bit_pngs_are_scaled_not_clipped(tmp_path):
    values = np.array([[0, 257, 32896], [65535, 1000, 40000]], np.uint16)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.png").write_bytes(_png(values))
    assert Image.open(tmp_path / "a" / "x.png").mode == "I;16"
    grey = read_image_folder(tmp_path, mode="L").images[0]
    np.testing.assert_array_equal(grey, np.round(values / 257).astype(np.uint8))
    rgb = read_image_folder(tmp_path, mode="RGB").images[0]
    np.testing.assert_array_equal(rgb, np.repeat(grey[..., None], 3, axis=2))


@pytest.mark.parametrize("dtype, kind", [(np.int32, "32-bit integer"), (np.float32, "floating-point")])
def test_32_bit_and_float_images_are_refused(tmp_path, dtype, kind):
    (tmp_path / "a").mkdir()
    Image.fromarray(np.arange(16, dtype=dtype).reshape(4, 4)).save(tmp_path / "a" / "x.tif")
    with pytest.raises(CorruptFileError, match=f"x.tif: a {kind} image .*convert it"):
        read_image_folder(tmp_path)


def test_a_zip_with_two_members_of_the_same_name_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "d.zip", "w") as zf, pytest.warns(UserWarning, match="Duplicate name"):
        zf.writestr("cat/0.png", _png(np.zeros((4, 4, 3), np.uint8)))
        zf.writestr("cat/0.png", _png(np.full((4, 4, 3), 255, np.uint8)))
    with pytest.raises(CorruptFileError, match="two members named cat/0.png.*unique names"):
        read_image_folder(tmp_path / "d.zip")


# ---------------------------------------------------------------- 10. resource guards


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path):
    (tmp_path / "data").mkdir()
    with zipfile.ZipFile(tmp_path / "data" / "cifar10.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("test/cat/0000.png", b"\0" * (50 * 1024**2))  # 50 MB of zeros, ~50 KB compressed
    assert (tmp_path / "data" / "cifar10.zip").stat().st_size < 200_000
    with pytest.raises(CorruptFileError, match=r"test/cat/0000.png is 52,428,800 bytes when decompressed, more "
                                               r"than the limit of 262,144.*decompression bomb"):
        load_dataset("cifar10", "test", root=tmp_path / "data")
    with pytest.raises(CorruptFileError, match="more than the limit of 1,048,576"):
        read_image_folder(tmp_path / "data" / "cifar10.zip", "test", max_image_bytes=1024**2)
    assert _cached_entries() == []


def test_an_xz_tar_bomb_is_refused_before_it_is_read(tmp_path):
    with tarfile.open(tmp_path / "b.tar.xz", "w:xz") as tar:
        info = tarfile.TarInfo("cat/0.png")
        info.size = 40 * 1024**2
        tar.addfile(info, io.BytesIO(b"\0" * info.size))
    with pytest.raises(CorruptFileError, match="41,943,040 bytes when decompressed"):
        read_image_folder(tmp_path / "b.tar.xz", max_image_bytes=1024**2)


def test_an_image_of_the_wrong_size_is_refused_before_decoding(tmp_path):
    (tmp_path / "cifar10" / "test" / "cat").mkdir(parents=True)
    Image.fromarray(np.zeros((3000, 3000, 3), np.uint8)).save(tmp_path / "cifar10" / "test" / "cat" / "0.png")
    with pytest.raises(CorruptFileError, match=r"3000×3000 = 9,000,000 pixels, more than the 1,024 expected"):
        load_dataset("cifar10", "test", root=tmp_path)


def test_more_images_than_the_split_has_are_refused(tmp_path):
    _folder(tmp_path, {"train": {"cat": 3}})
    with pytest.raises(CorruptFileError, match="more than 2 images under train/"):
        read_image_folder(tmp_path, "train", max_images=2)


@pytest.mark.parametrize("compress", [False, True])
def test_an_idx_header_announcing_more_than_the_file_holds_is_refused_before_allocating(tmp_path, compress):
    header = bytes([0, 0, 0x08, 3]) + b"".join(n.to_bytes(4, "big") for n in (60000, 65535, 65535))
    payload = header + bytes(1000)
    path = tmp_path / ("x.gz" if compress else "x")
    path.write_bytes(gzip.compress(payload) if compress else payload)
    held = "gzip file can hold at most" if compress else "the file holds 1,000"
    with pytest.raises(CorruptFileError, match=rf"announces an array of shape \(60000, 65535, 65535\) "
                                               rf"\({60000 * 65535 * 65535:,} bytes\), but .*{held}"):
        read_idx(path)


# ---------------------------------------------------------------- symbolic links, duplicate class names


def test_a_link_to_a_file_outside_the_folder_is_refused_unless_asked_for(tmp_path):
    _folder(tmp_path / "data", {"train": {"cat": 1}})
    outside = tmp_path / "secret.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(outside)
    (tmp_path / "data" / "train" / "cat" / "link.png").symlink_to(outside)
    inside = tmp_path / "data" / "train" / "cat" / "0.png"
    (tmp_path / "data" / "train" / "cat" / "again.png").symlink_to(inside)   # inside the folder: fine
    with pytest.raises(LayoutError, match=r"link.png is a symbolic link to .*secret.png, outside .*"
                                          r"follow_symlinks=True"):
        read_image_folder(tmp_path / "data", "train")
    assert len(read_image_folder(tmp_path / "data", "train", follow_symlinks=True)) == 3
    (tmp_path / "data" / "train" / "cat" / "link.png").unlink()
    assert len(read_image_folder(tmp_path / "data", "train")) == 2


def test_duplicate_class_names_are_refused():
    with pytest.raises(ValueError, match="class names must be distinct.*'cat'"):
        Dataset(np.zeros((2, 4, 4), np.uint8), np.array([0, 1]), ("cat", "cat"), "x", None)
