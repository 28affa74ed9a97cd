"""Read the files of a directory, a tar archive (any compression) or a zip archive, one by one.

Tar archives are read *sequentially* (``tarfile`` streaming mode ``"r|*"``):
a solid ``.tar.xz`` is decompressed once, front to back, never once per member.
Nothing is extracted to disk, so member names cannot escape anywhere.

Damaged archives (truncated downloads, bad CRCs, broken compression) raise
:class:`~tourlib.data.errors.CorruptFileError` naming the archive and advising
to delete and re-download it.
"""

from __future__ import annotations

import gzip
import lzma
import os
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from .errors import CorruptFileError, DatasetNotFoundError

__all__ = ["TAR_SUFFIXES", "ZIP_SUFFIXES", "container_kind", "iter_files"]

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2")
ZIP_SUFFIXES = (".zip",)

_ARCHIVE_ERRORS = (tarfile.TarError, zipfile.BadZipFile, gzip.BadGzipFile, zlib.error, lzma.LZMAError, EOFError)


def _is_hidden(name: PurePosixPath) -> bool:
    """Hidden files and folders (``.DS_Store``, ``__MACOSX/``) are never data."""
    return any(part.startswith(".") or part == "__MACOSX" for part in name.parts)


def container_kind(path: str | os.PathLike) -> str:
    """Return ``"dir"``, ``"tar"`` or ``"zip"`` for ``path``.

    The kind comes from the file name's suffix, or else from the contents.

    Raises
    ------
    DatasetNotFoundError
        If ``path`` does not exist.
    CorruptFileError
        If it is a file but neither a tar nor a zip archive.
    """
    path = Path(path)
    if path.is_dir():
        return "dir"
    if not path.is_file():
        raise DatasetNotFoundError(f"no such file or folder: {path}")
    name = path.name.lower()
    if name.endswith(TAR_SUFFIXES):
        return "tar"
    if name.endswith(ZIP_SUFFIXES):
        return "zip"
    if zipfile.is_zipfile(path):
        return "zip"
    try:
        if tarfile.is_tarfile(path):
            return "tar"
    except _ARCHIVE_ERRORS:
        pass
    raise CorruptFileError(
        f"{path} is neither a folder nor a tar/zip archive; expected a folder or one of "
        f"{', '.join(TAR_SUFFIXES + ZIP_SUFFIXES)}"
    )


def iter_files(
    path: str | os.PathLike, select: Callable[[PurePosixPath], bool] = lambda name: True
) -> Iterator[tuple[PurePosixPath, bytes]]:
    """Yield ``(name, contents)`` for each regular file in a folder or archive.

    Parameters
    ----------
    path : path-like
        A directory, a tar archive (``.tar``, ``.tar.gz``, ``.tar.xz``, ...) or a
        ``.zip`` archive.
    select : callable, optional
        Called with each file's POSIX path relative to the top of the folder or
        archive; only files for which it returns true are read. Hidden files
        (any path part starting with ``.``) and ``__MACOSX/`` are skipped.

    Yields
    ------
    name : PurePosixPath
        Relative path inside the folder or archive.
    contents : bytes

    Notes
    -----
    Order: folders are walked in sorted order; archives in their stored order.
    Callers that need a deterministic order sort by name.

    Raises
    ------
    CorruptFileError
        If an archive is damaged or truncated (names the archive).
    """
    path = Path(path)
    kind = container_kind(path)
    if kind == "dir":
        yield from _iter_dir(path, select)
        return
    try:
        yield from (_iter_tar if kind == "tar" else _iter_zip)(path, select)
    except CorruptFileError:
        raise
    except _ARCHIVE_ERRORS as exc:
        raise CorruptFileError(
            f"{path} is damaged or truncated ({type(exc).__name__}: {exc}); "
            "delete it and download or copy it again"
        ) from exc


def _iter_dir(root: Path, select: Callable[[PurePosixPath], bool]) -> Iterator[tuple[PurePosixPath, bytes]]:
    for folder, subdirs, files in os.walk(root):
        subdirs.sort()
        rel_folder = PurePosixPath(Path(folder).relative_to(root).as_posix())
        for fname in sorted(files):
            name = rel_folder / fname
            if not _is_hidden(name) and select(name):
                yield name, (Path(folder) / fname).read_bytes()


def _iter_tar(path: Path, select: Callable[[PurePosixPath], bool]) -> Iterator[tuple[PurePosixPath, bytes]]:
    with tarfile.open(path, mode="r|*") as tar:
        for member in tar:
            name = PurePosixPath(member.name.lstrip("/"))
            if name.parts[:1] == (".",):
                name = PurePosixPath(*name.parts[1:])
            if member.isfile() and not _is_hidden(name) and select(name):
                fh = tar.extractfile(member)
                data = fh.read() if fh is not None else b""
                if len(data) != member.size:
                    raise CorruptFileError(
                        f"{path}: member {member.name} is truncated ({len(data)} of {member.size} bytes); "
                        "delete the archive and download or copy it again"
                    )
                yield name, data


def _iter_zip(path: Path, select: Callable[[PurePosixPath], bool]) -> Iterator[tuple[PurePosixPath, bytes]]:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if not info.is_dir() and not _is_hidden(name) and select(name):
                yield name, zf.read(info)
