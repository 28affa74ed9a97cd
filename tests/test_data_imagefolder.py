"""Image-folder reader: folders and archives, ordering, layout and decoding errors."""

import tarfile
import zipfile

import numpy as np
import pytest
from PIL import Image

from tourlib.data import CorruptFileError, DatasetNotFoundError, LayoutError, read_image_folder

CLASSES = ("dog", "bird", "cat")          # creation order; sorted order is bird, cat, dog
FILES = ("b.png", "a.png", "10.png", "2.png")  # sorted by name: 10, 2, a, b


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_DATA", raising=False)


def make_tree(root, splits=("train", "test"), size=(5, 4), seed=0):
    """Write random PNGs to root/<split>/<class>/<file>; return {(split, class, file): array}."""
    rng = np.random.default_rng(seed)
    truth = {}
    for split in splits:
        for cls in CLASSES:
            folder = root / split / cls if split else root / cls
            folder.mkdir(parents=True, exist_ok=True)
            for fname in FILES:
                img = rng.integers(0, 256, size=(*size, 3), dtype=np.uint8)
                Image.fromarray(img).save(folder / fname)
                truth[(split, cls, fname)] = img
    return truth


def expected(truth, split, classes):
    keys = sorted((k for k in truth if k[0] == split), key=lambda k: (classes.index(k[1]), k[2]))
    return np.stack([truth[k] for k in keys]), np.array([classes.index(k[1]) for k in keys])


def archive(src, dest, kind, arcprefix=""):
    """Pack the tree under src into dest; members in *reverse* name order so reading order must be sorted."""
    files = sorted((p for p in src.rglob("*") if p.is_file()), reverse=True)
    if kind == "zip":
        with zipfile.ZipFile(dest, "w") as zf:
            for p in files:
                zf.write(p, arcprefix + p.relative_to(src).as_posix())
    else:
        with tarfile.open(dest, {"tar": "w", "tar.gz": "w:gz", "tar.xz": "w:xz"}[kind]) as tf:
            for p in files:
                tf.add(p, arcprefix + p.relative_to(src).as_posix())
    return dest


@pytest.mark.parametrize("kind", ["dir", "tar", "tar.gz", "tar.xz", "zip"])
def test_folder_and_every_archive_give_the_same_arrays(tmp_path, kind):
    truth = make_tree(tmp_path / "set")
    path = tmp_path / "set" if kind == "dir" else archive(tmp_path / "set", tmp_path / f"set.{kind}", kind)
    for split in ("train", "test"):
        ds = read_image_folder(path, split=split)
        images, labels = expected(truth, split, sorted(CLASSES))
        assert ds.classes == ("bird", "cat", "dog")
        assert ds.images.dtype == np.uint8 and ds.labels.dtype == np.int64
        np.testing.assert_array_equal(ds.images, images)
        np.testing.assert_array_equal(ds.labels, labels)
        assert ds.split == split and ds.name == "set"


def test_given_class_order_sets_labels(tmp_path):
    truth = make_tree(tmp_path)
    ds = read_image_folder(tmp_path, "train", classes=["dog", "cat", "bird"])
    images, labels = expected(truth, "train", ["dog", "cat", "bird"])
    assert ds.classes == ("dog", "cat", "bird")
    np.testing.assert_array_equal(ds.labels, labels)
    np.testing.assert_array_equal(ds.images, images)
    images_, labels_, classes_ = ds  # tuple unpacking
    assert classes_ == ds.classes and images_ is ds.images


def test_files_sorted_by_name_within_class(tmp_path):
    truth = make_tree(tmp_path, splits=("train",))
    ds = read_image_folder(tmp_path, "train")
    bird = ds.images[ds.labels == 0]
    np.testing.assert_array_equal(bird, np.stack([truth[("train", "bird", f)] for f in sorted(FILES)]))


def test_single_wrapping_folder_in_archive_is_allowed(tmp_path):
    truth = make_tree(tmp_path / "set")
    path = archive(tmp_path / "set", tmp_path / "wrapped.zip", "zip", arcprefix="mydata/")
    ds = read_image_folder(path, "test")
    np.testing.assert_array_equal(ds.images, expected(truth, "test", sorted(CLASSES))[0])


def test_split_none_reads_class_folders_at_the_top(tmp_path):
    truth = make_tree(tmp_path, splits=(None,))
    ds = read_image_folder(tmp_path)
    assert ds.split is None and len(ds) == len(CLASSES) * len(FILES)
    np.testing.assert_array_equal(ds.images, expected(truth, None, sorted(CLASSES))[0])


def test_split_none_on_split_folders_asks_for_split(tmp_path):
    make_tree(tmp_path)
    with pytest.raises(LayoutError, match="split="):
        read_image_folder(tmp_path)


def test_unknown_split_lists_what_is_there(tmp_path):
    make_tree(tmp_path)
    with pytest.raises(LayoutError) as err:
        read_image_folder(tmp_path, "validation")
    assert "train" in str(err.value) and "test" in str(err.value)


def test_mixed_sizes_need_size(tmp_path):
    make_tree(tmp_path, splits=("train",))
    Image.fromarray(np.zeros((9, 9, 3), np.uint8)).save(tmp_path / "train" / "cat" / "zz.png")
    with pytest.raises(LayoutError, match=r"size=\(height, width\)"):
        read_image_folder(tmp_path, "train")
    ds = read_image_folder(tmp_path, "train", size=(6, 8))
    assert ds.images.shape == (len(CLASSES) * len(FILES) + 1, 6, 8, 3)
    assert read_image_folder(tmp_path, "train", size=7).images.shape[1:] == (7, 7, 3)


def test_grey_mode(tmp_path):
    make_tree(tmp_path, splits=("train",))
    ds = read_image_folder(tmp_path, "train", mode="L")
    assert ds.images.shape == (12, 5, 4) and ds.images.dtype == np.uint8


def test_jpeg_decodes_close_to_the_original(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    img = np.full((16, 16, 3), (200, 30, 90), np.uint8)
    Image.fromarray(img).save(folder / "x.jpg", quality=95)
    ds = read_image_folder(tmp_path)
    assert np.abs(ds.images[0].astype(int) - img).max() <= 8


@pytest.mark.parametrize("kind", ["dir", "tar.xz"])
def test_corrupt_image_names_the_file(tmp_path, kind):
    make_tree(tmp_path / "set", splits=("train",))
    (tmp_path / "set" / "train" / "cat" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    path = tmp_path / "set" if kind == "dir" else archive(tmp_path / "set", tmp_path / "set.tar.xz", "tar.xz")
    with pytest.raises(CorruptFileError) as err:
        read_image_folder(path, "train")
    assert "train/cat/broken.png" in str(err.value) and "replace" in str(err.value)


@pytest.mark.parametrize("kind", ["tar.xz", "tar.gz", "zip"])
def test_truncated_archive(tmp_path, kind):
    make_tree(tmp_path / "set", size=(40, 40))
    path = archive(tmp_path / "set", tmp_path / f"set.{kind}", kind)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CorruptFileError) as err:
        read_image_folder(path, "train")
    assert f"set.{kind}" in str(err.value) and "again" in str(err.value)


def test_tar_is_streamed_once(tmp_path, monkeypatch):
    make_tree(tmp_path / "set")
    path = archive(tmp_path / "set", tmp_path / "set.tar.xz", "tar.xz")
    modes = []
    real_open = tarfile.open

    def spy(*args, **kwargs):
        modes.append(kwargs.get("mode", args[1] if len(args) > 1 else "r"))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(tarfile, "open", spy)
    read_image_folder(path, "train")
    assert modes == ["r|*"]


def test_class_list_must_match_folders(tmp_path):
    make_tree(tmp_path, splits=("train",))
    with pytest.raises(LayoutError, match="no images for fox"):
        read_image_folder(tmp_path, "train", classes=["bird", "cat", "dog", "fox"])
    with pytest.raises(LayoutError, match="unexpected folders dog"):
        read_image_folder(tmp_path, "train", classes=["bird", "cat"])


def test_non_images_and_hidden_files_are_ignored(tmp_path):
    make_tree(tmp_path, splits=("train",))
    (tmp_path / "train" / "cat" / "notes.txt").write_text("hi")
    (tmp_path / "train" / "cat" / ".hidden.png").write_bytes(b"junk")
    (tmp_path / "README.md").write_text("about")
    assert len(read_image_folder(tmp_path, "train")) == 12


def test_bad_arguments(tmp_path):
    make_tree(tmp_path, splits=("train",))
    with pytest.raises(ValueError, match="mode"):
        read_image_folder(tmp_path, "train", mode="CMYK")
    for bad in [0, (3,), (2, -1), "big", (2.5, 3)]:
        with pytest.raises(ValueError, match="size"):
            read_image_folder(tmp_path, "train", size=bad)
    with pytest.raises(ValueError, match="distinct"):
        read_image_folder(tmp_path, "train", classes=["cat", "cat"])
    with pytest.raises(DatasetNotFoundError):
        read_image_folder(tmp_path / "missing")
    (tmp_path / "plain.bin").write_bytes(b"12345")
    with pytest.raises(CorruptFileError, match="neither a folder nor"):
        read_image_folder(tmp_path / "plain.bin")
