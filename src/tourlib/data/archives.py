"""Read the files of a directory, a tar archive (any compression) or a zip archive, one by one.

Tar archives are read *sequentially* (``tarfile`` streaming mode ``"r|*"``):
a solid ``.tar.xz`` is decompressed once, front to back, never once per member.
Nothing is extracted to disk, so member names cannot escape anywhere.

Damaged archives (truncated downloads, bad CRCs, broken compression) raise
:class:`~tourlib.data.errors.CorruptFileError` naming the archive and advising
to delete and re-download it. In streaming mode ``tarfile`` takes a damaged
header after the first for the end of the archive, and never decompresses the
rest (where a ``.tar.xz``'s CRC would have caught the damage); so after the last
member the reader checks *how* the archive ended: at an end-of-archive marker
(zero blocks), followed only by zeros, with the compressed stream read to its
own end. Anything else is a ``CorruptFileError``, never a silently shorter
data set.

Guards, all checked before anything is read into memory:

* a member whose stated size exceeds ``max_file_bytes`` (default
  :data:`MAX_FILE_BYTES`) is refused: a small archive can decompress to
  gigabytes (a "zip bomb");
* two members with the same name are refused (in a zip the second would
  silently replace the first);
* in a folder, a file that is a symbolic link to somewhere outside the folder
  is refused unless ``follow_symlinks=True`` (a link farm pointing at other
  data is then read as if it were here).
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

from .errors import CorruptFileError, DatasetNotFoundError, LayoutError

__all__ = ["TAR_SUFFIXES", "ZIP_SUFFIXES", "MAX_FILE_BYTES", "container_kind", "iter_files"]

#: Largest member :func:`iter_files` reads by default (the CIFAR-10 batches are 31 MB each).
MAX_FILE_BYTES = 512 * 1024**2

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
    path: str | os.PathLike,
    select: Callable[[PurePosixPath], bool] = lambda name: True,
    *,
    max_file_bytes: int | None = MAX_FILE_BYTES,
    follow_symlinks: bool = False,
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
    max_file_bytes : int or None
        Refuse a selected file whose (stated) size is larger, before reading it;
        ``None``: no limit.
    follow_symlinks : bool
        Folders only: read files that are symbolic links to places outside
        ``path``. Default ``False`` refuses them (links inside ``path`` are read).

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
        If an archive is damaged or truncated (including a damaged header in
        the middle of a tar archive, see the module notes), holds a member
        larger than ``max_file_bytes``, or holds two members of the same name
        (names the archive).
    LayoutError
        A folder holds a link to a file outside it (and ``follow_symlinks`` is false).
    """
    path = Path(path)
    if max_file_bytes is not None and (isinstance(max_file_bytes, bool) or not isinstance(max_file_bytes, int)
                                       or max_file_bytes < 1):
        raise ValueError(f"max_file_bytes must be a positive int or None, got {max_file_bytes!r}")
    kind = container_kind(path)
    limit = max_file_bytes if max_file_bytes is not None else float("inf")
    if kind == "dir":
        yield from _iter_dir(path, select, limit, follow_symlinks)
        return
    seen: set[PurePosixPath] = set()
    try:
        for name, data in (_iter_tar if kind == "tar" else _iter_zip)(path, select, limit):
            if name in seen:
                raise CorruptFileError(
                    f"{path} holds two members named {name}; the second would silently replace the first. "
                    "Rebuild the archive with unique names"
                )
            seen.add(name)
            yield name, data
    except CorruptFileError:
        raise
    except _ARCHIVE_ERRORS as exc:
        raise CorruptFileError(
            f"{path} is damaged or truncated ({type(exc).__name__}: {exc}); "
            "delete it and download or copy it again"
        ) from exc


def _too_big(path: Path, name, size: int, limit: float) -> CorruptFileError:
    return CorruptFileError(
        f"{path}: {name} is {size:,} bytes when decompressed, more than the limit of {int(limit):,} "
        "(a decompression bomb, or not the file you meant?); pass a larger max_file_bytes if it is genuine"
    )


def _iter_dir(root: Path, select: Callable[[PurePosixPath], bool], limit: float,
              follow_symlinks: bool) -> Iterator[tuple[PurePosixPath, bytes]]:
    real_root = root.resolve()
    for folder, subdirs, files in os.walk(root):
        subdirs.sort()
        rel_folder = PurePosixPath(Path(folder).relative_to(root).as_posix())
        for fname in sorted(files):
            name = rel_folder / fname
            if _is_hidden(name) or not select(name):
                continue
            full = Path(folder) / fname
            if full.is_symlink() and not follow_symlinks:
                target = full.resolve()
                if not target.is_relative_to(real_root):
                    raise LayoutError(
                        f"{full} is a symbolic link to {target}, outside {root}; links out of a data folder "
                        "are not followed. Copy the file in, or pass follow_symlinks=True to read it"
                    )
            size = full.stat().st_size
            if size > limit:
                raise _too_big(root, name, size, limit)
            yield name, full.read_bytes()


class _CheckedTarInfo(tarfile.TarInfo):
    """A ``TarInfo`` that tells its archive why reading a header failed (``tarfile`` hides it)."""

    @classmethod
    def fromtarfile(cls, tar):
        try:
            info = super().fromtarfile(tar)
        except tarfile.HeaderError as exc:
            tar._tourlib_stop = exc
            raise
        tar._tourlib_stop = None
        return info


def _check_tar_end(path: Path, tar: tarfile.TarFile) -> None:
    """Raise unless the archive ended at an end-of-archive marker followed only by zeros up to its real end.

    Reading the rest also drives the decompressor to the end of its stream, where
    xz / bzip2 check their CRCs.
    """
    stop = getattr(tar, "_tourlib_stop", None)
    where = f"at byte {tar.offset:,} of the unpacked archive"
    advice = "delete it and download or copy it again"
    if isinstance(stop, tarfile.EOFHeaderError):
        while chunk := tar.fileobj.read(1 << 20):
            if chunk.count(0) != len(chunk):
                raise CorruptFileError(
                    f"{path}: data follows the end-of-archive marker {where} (a damaged header?); {advice}"
                )
        return
    if isinstance(stop, tarfile.InvalidHeaderError):
        raise CorruptFileError(f"{path}: damaged member header {where} ({stop}); the members after it "
                               f"would be lost; {advice}")
    raise CorruptFileError(f"{path}: the archive ends {where} without its end-of-archive marker "
                           f"(truncated?); {advice}")


def _iter_tar(path: Path, select: Callable[[PurePosixPath], bool],
              limit: float) -> Iterator[tuple[PurePosixPath, bytes]]:
    with tarfile.open(path, mode="r|*", tarinfo=_CheckedTarInfo) as tar:
        for member in tar:
            name = PurePosixPath(member.name.lstrip("/"))
            if name.parts[:1] == (".",):
                name = PurePosixPath(*name.parts[1:])
            if member.isfile() and not _is_hidden(name) and select(name):
                if member.size > limit:
                    raise _too_big(path, name, member.size, limit)
                fh = tar.extractfile(member)
                data = fh.read() if fh is not None else b""
                if len(data) != member.size:
                    raise CorruptFileError(
                        f"{path}: member {member.name} is truncated ({len(data)} of {member.size} bytes); "
                        "delete the archive and download or copy it again"
                    )
                yield name, data
        _check_tar_end(path, tar)


def _iter_zip(path: Path, select: Callable[[PurePosixPath], bool],
              limit: float) -> Iterator[tuple[PurePosixPath, bytes]]:
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = PurePosixPath(info.filename)
            if not info.is_dir() and not _is_hidden(name) and select(name):
                if info.file_size > limit:
                    raise _too_big(path, name, info.file_size, limit)
                yield name, zf.read(info)
