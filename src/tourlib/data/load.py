"""``load_dataset``: find a data set's files, decode them once, and cache the decoded arrays.

The decoded arrays of each split are cached as an *uncompressed* ``.npz`` in
``tourlib.store.cache_dir("datasets")``, named
``<name>-<split>-<key>.npz`` where ``key`` is a hash of

* the SHA-256 of every source file's contents (remembered per path, size and
  mtime, see :mod:`tourlib.data.digests`), or for a source *folder* a
  fingerprint of its files' names, sizes and mtimes,
* the source format and the data set name and split,
* ``CACHE_FORMAT``, bumped whenever decoding changes.

So a second load, even in a new process, reads one file instead of decoding
(uncompressed because loading a compressed cache of CIFAR-10 is several times
slower; see ``benchmarks/bench_data_cache.py``). Replacing a source file changes
the key, and the stale cache file is simply never read again.

What is never cached: a read that failed part-way (any error is raised before
writing), and an image-folder read whose image counts differ from the published
ones (see :func:`load_dataset`). A cached entry is re-checked against the shape
and dtype it must have; a malformed one is decoded again and replaced. Writing
the cache is best-effort: on a full disk, a file-size limit or an unwritable
folder the decoded data set is returned with a
:class:`~tourlib.store.CacheWriteWarning` naming ``TOURBOOK_CACHE``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from ..memory import release_memory
from ..store import cache_dir, config_hash, load_npz, try_save_npz
from .cifar import read_cifar10_batches
from .dataset import Dataset
from .digests import file_digests, folder_fingerprint
from .errors import CorruptFileError
from .idx import read_idx_pair
from .imagefolder import read_image_folder
from .locate import Source, locate
from .registry import DatasetSpec, check_split, get_spec

__all__ = ["CACHE_FORMAT", "DatasetSizeWarning", "load_dataset", "cache_path"]

CACHE_FORMAT = 1


class DatasetSizeWarning(UserWarning):
    """A split holds a different number of images than its publisher's release."""


def _decode(spec: DatasetSpec, split: str, source: Source) -> tuple[np.ndarray, np.ndarray]:
    """Decode a split from its source files into (images, labels)."""
    if source.format == "idx":
        return read_idx_pair(*source.paths)
    if source.format == "cifar-batches":
        # Trusted: either named by the user (root / TOURBOOK_DATA) or MD5-checked by locate().
        return read_cifar10_batches(source.paths[0], split)
    if source.format == "image-folder":
        pixels = int(np.prod(spec.image_shape[:2]))
        ds = read_image_folder(
            source.paths[0], split=split, classes=spec.classes, mode="RGB",
            max_pixels=pixels,                                       # refuse other sizes before decoding
            max_image_bytes=64 * int(np.prod(spec.image_shape)) + 65536,  # a 32×32 image file is a few KB
            max_images=spec.split_sizes[split],
        )
        return ds.images, ds.labels
    raise ValueError(f"unknown source format {source.format!r}")  # pragma: no cover - internal


def _fingerprint(path: Path) -> str:
    return f"dir:{folder_fingerprint(path)}" if path.is_dir() else file_digests(path).sha256


def cache_path(spec: DatasetSpec, split: str, source: Source) -> Path:
    """The decoded-array cache file for this split and these exact source files."""
    key = config_hash({
        "cache_format": CACHE_FORMAT,
        "dataset": spec.name,
        "split": split,
        "source_format": source.format,
        "sources": [_fingerprint(p) for p in source.paths],
    })
    return cache_dir("datasets") / f"{spec.name}-{split}-{key}.npz"


def _check(spec: DatasetSpec, split: str, source: Source, images: np.ndarray, labels: np.ndarray) -> bool:
    """Check the decoded arrays against the spec; return whether they may be cached.

    Wrong image shape: error. For an image folder (the one format that does not
    state its own counts), per-class counts differing from the published ones
    are an error for the copy found in ``TOURBOOK_DATA`` / the cache, and a
    warning (not cached) for an explicit ``root=`` (a deliberate subset).
    Other formats: a total differing from the release warns.
    """
    where = ", ".join(str(p) for p in source.paths)
    if images.shape[1:] != spec.image_shape:
        raise CorruptFileError(
            f"{where}: images have shape {images.shape[1:]} but {spec.title} images are {spec.image_shape}; "
            "is this the right file?"
        )
    expected = spec.split_sizes[split]
    if source.format == "image-folder" and spec.class_sizes is not None:
        want = spec.class_sizes[split]
        counts = np.bincount(labels, minlength=len(spec.classes))
        off = [f"{c}: {n}" for c, n in zip(spec.classes, counts) if n != want]
        if off:
            msg = (f"{where}: {spec.title} {split} should hold {want} images of every class "
                   f"({expected} in all) but holds {len(labels)}, with {', '.join(off)}")
            if source.origin != "root":
                raise CorruptFileError(msg + "; the copy is incomplete or damaged: replace it (or pass "
                                       "root= to load a deliberate subset)")
            warnings.warn(msg + " (loaded from root= as it is, and not cached)", DatasetSizeWarning, stacklevel=3)
            return False
        return True
    if len(images) != expected:
        warnings.warn(
            f"{where}: {spec.title} {split} holds {len(images)} images, the published release has {expected}",
            DatasetSizeWarning,
            stacklevel=3,
        )
    return True


def _from_cache(spec: DatasetSpec, split: str, source: Source, cached: dict) -> Dataset | None:
    """The cached entry as a Dataset, or ``None`` if it lacks an array or has the wrong shape or dtype."""
    images, labels = cached.get("images"), cached.get("labels")
    if (images is None or labels is None or images.dtype != np.uint8 or images.shape[1:] != spec.image_shape
            or labels.dtype != np.int64 or labels.shape != (len(images),)):
        return None
    try:
        return Dataset(images, labels, spec.classes, spec.name, split, source=str(source.paths[0]))
    except ValueError:  # labels out of range
        return None


def load_dataset(
    name: str,
    split: str,
    root: str | os.PathLike | None = None,
    *,
    download: bool = True,
    cache: bool = True,
) -> Dataset:
    """Load a split of MNIST, Fashion-MNIST or CIFAR-10 as uint8 images and int64 labels.

    Parameters
    ----------
    name : {"mnist", "fashion-mnist", "cifar10"}
        Case-insensitive; aliases ``"fashion_mnist"``, ``"fmnist"``, ``"cifar-10"`` work too.
    split : {"train", "test"}
    root : path-like, optional
        A data folder to read from, and only from (see :mod:`tourlib.data.locate`
        for its layout). Default: search ``$TOURBOOK_DATA``, then the download
        cache, then download from the publisher.
    download : bool, default True
        Allow downloading when the files are nowhere on disk.
    cache : bool, default True
        Read and write the decoded-array cache (``$TOURBOOK_CACHE/datasets``).
        With ``False`` nothing is written and no folder is created, so a
        read-only cache is no obstacle. Cache writes are best-effort (a full
        disk warns, see :mod:`tourlib.data.load`).

    Returns
    -------
    Dataset
        ``images``: uint8, ``N×28×28`` (MNIST, Fashion-MNIST) or ``N×32×32×3``
        (CIFAR-10, channels last); ``labels``: int64 in ``0..9``; ``classes``:
        the class names in label order. Unpacks as
        ``images, labels, classes = load_dataset(...)``.

    Raises
    ------
    UnknownDatasetError
        Unknown ``name`` or ``split`` (the message lists the valid ones).
    DatasetNotFoundError
        Files missing and not downloadable (the message says where to put them).
    ChecksumError
        A downloaded file does not match the publisher's MD5.
    CorruptFileError
        A file is truncated or corrupt (including a damaged header in the middle
        of a tar archive), has the wrong IDX magic number, announces more data
        than it holds, image and label counts differ, or a CIFAR-10 image folder
        found in ``TOURBOOK_DATA`` lacks images of some class (see Notes).
    LayoutError
        A data folder links to files outside it.

    Warns
    -----
    DatasetSizeWarning
        If a split's size differs from the published release.
    CacheWriteWarning
        If the decoded arrays could not be cached (full disk, read-only
        ``TOURBOOK_CACHE``); the data set is returned all the same.

    Examples
    --------
    >>> images, labels, classes = load_dataset("mnist", "test")   # doctest: +SKIP
    >>> images.shape, labels.dtype, classes[:3]                    # doctest: +SKIP
    ((10000, 28, 28), dtype('int64'), ('0', '1', '2'))

    Notes
    -----
    *Safety.* The official CIFAR-10 batches are Python pickles. They are read
    with an allow-list unpickler that builds only plain containers and numpy
    arrays and refuses every other global, so a doctored batch cannot run code
    (see :mod:`tourlib.data.cifar`). Archives are streamed, never extracted;
    links in a data folder to files outside it are refused
    (:func:`tourlib.data.read_image_folder` has ``follow_symlinks=True``);
    oversized members (decompression bombs) are refused before they are read.

    *Completeness.* A tar archive must end at its end-of-archive marker (a
    damaged header in the middle is an error, not a shorter data set). A
    CIFAR-10 image folder must hold 5000 train / 1000 test images of every
    class: otherwise it is a ``CorruptFileError`` (a warning, and no caching,
    when you name the folder with ``root=``, to allow deliberate subsets).
    """
    spec = get_spec(name)
    split = check_split(split)
    source = locate(spec, split, root=root, download=download)
    path = cache_path(spec, split, source) if cache else None
    if path is not None:
        cached = load_npz(path)
        if cached is not None:
            result = _from_cache(spec, split, source, cached)
            if result is not None:
                return result
            # malformed entry (missing array, wrong shape or dtype): decode again and replace it
    images, labels = _decode(spec, split, source)
    release_memory()                    # decoding's buffers, freed but kept by malloc (tourlib.memory)
    cacheable = _check(spec, split, source, images, labels)
    result = Dataset(images, labels, spec.classes, spec.name, split, source=str(source.paths[0]))
    if path is not None and cacheable:
        try_save_npz(path, what=f"{spec.title} {split}", compress=False, images=images, labels=labels)
    return result
