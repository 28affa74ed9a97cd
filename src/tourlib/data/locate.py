"""Find a data set's files on disk, or download them.

Places are searched in this order:

1. ``root`` — a folder the caller names. If it is given, it *must* hold the
   files: nothing else is searched (a typo in ``root`` should not silently load
   some other copy).
2. ``TOURBOOK_DATA`` — environment variable naming one data folder (or several,
   separated by ``os.pathsep``).
3. ``<cache>/downloads`` — where this package puts what it downloads
   (``tourlib.store.cache_dir("downloads")``). Files here are re-checked against
   the publisher's MD5 before use.
4. Download into ``<cache>/downloads`` (MD5-verified, written atomically).

Layout of a data folder ``D``:

=================  ==========================================================
MNIST              ``D/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz``
Fashion-MNIST      ``D/fashion-mnist/`` with the same four names
CIFAR-10           ``D/cifar-10-batches-py/`` (official batches), or
                   ``D/cifar-10-python.tar.gz`` (official archive), or
                   ``D/cifar10/`` (image folder ``<split>/<class>/<file>``), or
                   ``D/cifar10-jpeg.tar.xz`` / ``D/cifar10.tar.gz`` / ``.tar``
                   / ``.zip`` (image-folder archive)
=================  ==========================================================

IDX files may also be un-gzipped (same names without ``.gz``), and ``D`` may be
the data set's own folder (e.g. ``root=".../mnist"``). For CIFAR-10 the exact
official formats are preferred to the image folder (which may be re-encoded).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..store import cache_dir
from .archives import TAR_SUFFIXES, ZIP_SUFFIXES
from .cifar import BATCHES_FOLDER, BATCH_NAMES
from .digests import file_digests
from .download import download_file
from .errors import ChecksumError, DatasetNotFoundError, DownloadError
from .registry import DatasetSpec

__all__ = ["DATA_ENV", "Source", "data_dirs", "find_in", "locate"]

DATA_ENV = "TOURBOOK_DATA"

_IMAGE_FOLDER_STEMS = ("cifar10", "cifar10-jpeg")


@dataclass(frozen=True)
class Source:
    """Where a split's files were found.

    Attributes
    ----------
    format : str
        ``"idx"`` (``paths`` = images file, labels file), ``"cifar-batches"``
        (``paths`` = the batches folder or ``cifar-10-python.tar.gz``), or
        ``"image-folder"`` (``paths`` = the folder or archive).
    paths : tuple of Path
    origin : str
        ``"root"``, ``"TOURBOOK_DATA"``, ``"cache"`` or ``"download"``.
    """

    format: str
    paths: tuple[Path, ...]
    origin: str


def data_dirs(root: str | os.PathLike | None = None) -> list[tuple[str, Path]]:
    """The ``(origin, folder)`` pairs searched, in order (see the module notes)."""
    if root is not None:
        return [("root", Path(root).expanduser())]
    dirs = [(DATA_ENV, Path(p).expanduser()) for p in os.environ.get(DATA_ENV, "").split(os.pathsep) if p]
    dirs.append(("cache", cache_dir("downloads")))
    return dirs


def _idx_candidates(spec: DatasetSpec, folder: Path) -> list[Path]:
    """Folders that may hold the IDX files: ``folder/<spec.folder>`` and, if named for the data set, ``folder``."""
    names = {spec.folder, spec.name, *spec.aliases}
    out = [folder / spec.folder]
    if folder.name.lower() in names:
        out.append(folder)
    return out


def _find_idx(spec: DatasetSpec, split: str, folder: Path) -> tuple[Path, ...] | None:
    for base in _idx_candidates(spec, folder):
        found = []
        for remote in spec.files[split]:
            gz, plain = base / remote.filename, base / remote.filename.removesuffix(".gz")
            found.append(gz if gz.is_file() else plain if plain.is_file() else None)
        if all(found):
            return tuple(found)
    return None


def _find_cifar(folder: Path) -> tuple[str, Path] | None:
    """``(format, path)`` of the best CIFAR-10 source in ``folder``: official formats first."""
    batches = [folder / BATCHES_FOLDER] + ([folder] if folder.name == BATCHES_FOLDER else [])
    for b in batches:
        if b.is_dir() and any((b / n).is_file() for names in BATCH_NAMES.values() for n in names):
            return "cifar-batches", b
    if (folder / "cifar-10-python.tar.gz").is_file():
        return "cifar-batches", folder / "cifar-10-python.tar.gz"
    for stem in _IMAGE_FOLDER_STEMS:
        if (folder / stem).is_dir():
            return "image-folder", folder / stem
    for stem in _IMAGE_FOLDER_STEMS:
        for suffix in TAR_SUFFIXES + ZIP_SUFFIXES:
            if (folder / (stem + suffix)).is_file():
                return "image-folder", folder / (stem + suffix)
    return None


def find_in(spec: DatasetSpec, split: str, folder: Path, origin: str) -> Source | None:
    """Look for ``spec``'s ``split`` files in one data folder; ``None`` if absent."""
    if spec.kind == "idx":
        paths = _find_idx(spec, split, folder)
        return Source("idx", paths, origin) if paths else None
    found = _find_cifar(folder)
    return Source(found[0], (found[1],), origin) if found else None


def _expected_paths(spec: DatasetSpec, split: str, folder: Path) -> str:
    """Human-readable list of where the files would go in ``folder``."""
    if spec.kind == "idx":
        return " and ".join(str(folder / spec.folder / r.filename) for r in spec.files[split])
    return (
        f"{folder / BATCHES_FOLDER}/ or {folder / 'cifar-10-python.tar.gz'} (official), "
        f"or {folder / 'cifar10'}/<split>/<class>/<image> or {folder / 'cifar10-jpeg.tar.xz'} (image folder)"
    )


def _verified_cache_copy(spec: DatasetSpec, split: str, downloads: Path) -> Source | None:
    """Files in the download cache count only if they carry the publisher's MD5."""
    paths = []
    for remote in spec.files[split]:
        path = downloads / (spec.folder if spec.kind == "idx" else "") / remote.filename
        if not path.is_file():
            return None
        got = file_digests(path).md5
        if got != remote.md5:
            raise ChecksumError(
                f"{path} has MD5 {got} but the publisher's is {remote.md5}; it was not used. "
                "Delete it and load again to re-download it"
            )
        paths.append(path)
    fmt = "idx" if spec.kind == "idx" else "cifar-batches"
    return Source(fmt, tuple(paths), "cache")


def locate(spec: DatasetSpec, split: str, root: str | os.PathLike | None = None, download: bool = True) -> Source:
    """Find (or download) the files of one split; see the module notes for the search order.

    Parameters
    ----------
    spec : DatasetSpec
    split : {"train", "test"}
    root : path-like, optional
        Explicit data folder; if given it is the only place searched.
    download : bool
        Whether to download when the files are nowhere on disk.

    Raises
    ------
    DatasetNotFoundError
        If the files are absent and cannot be downloaded; the message says
        exactly where to put them or which variable to set.
    ChecksumError
        If a downloaded copy does not carry the publisher's MD5.
    """
    if root is not None:
        folder = Path(root).expanduser()
        found = find_in(spec, split, folder, "root") if folder.is_dir() else None
        if found is None:
            what = ("does not exist" if not folder.exists()
                    else "is a file, not a data folder" if not folder.is_dir() else "holds no usable files")
            raise DatasetNotFoundError(
                f"root={str(folder)!r} {what} for {spec.title} {split}; expected {_expected_paths(spec, split, folder)}"
            )
        return found
    downloads = cache_dir("downloads")
    for origin, folder in data_dirs():
        if origin == "cache":
            found = _verified_cache_copy(spec, split, folder)
        else:
            found = find_in(spec, split, folder, origin)
        if found is not None:
            return found
    reason = "downloads are switched off (download=False)"
    if download:
        try:
            for remote in spec.files[split]:
                dest = downloads / (spec.folder if spec.kind == "idx" else "") / remote.filename
                if not dest.is_file():
                    download_file(remote, dest)
            found = _verified_cache_copy(spec, split, downloads)
            if found is not None:
                return Source(found.format, found.paths, "download")
        except DownloadError as exc:
            reason = str(exc)
    env_dirs = [folder for origin, folder in data_dirs() if origin == DATA_ENV]
    target = env_dirs[0] if env_dirs else Path("D")
    how = (f"(the folder {DATA_ENV} names)" if env_dirs
           else f"for some folder D, then set the environment variable {DATA_ENV}=D or pass root=D")
    by_hand = downloads / (spec.folder if spec.kind == "idx" else "")
    raise DatasetNotFoundError(
        f"{spec.title} {split} files were not found and could not be downloaded: {reason}.\n"
        f"Fix: put them at {_expected_paths(spec, split, target)} {how}; "
        f"or download {', '.join(r.url for r in spec.files[split])} by hand into {by_hand}/."
    )
