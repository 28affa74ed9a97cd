"""Where tourbook keeps files, and how it writes them safely.

Every cached artefact (decoded data sets, training runs, embeddings) is a plain
``.npz`` array file whose name is a hash of everything that produced it, written
to a temporary name (``.<name>.<random>.part``) in the same folder and then
renamed, so an interrupted run never leaves a half-written file behind. A
``.part`` file older than :data:`STALE_PART_SECONDS` (left by a process that was
killed mid-write) is removed by the next write into its folder; younger ones may
belong to a writer still at work and are left alone.

Caching is best-effort: :func:`try_save_npz` turns a failed write (full disk,
file-size limit, read-only or unwritable folder) into a :class:`CacheWriteWarning`
that names ``TOURBOOK_CACHE`` and the space needed, and the caller keeps its
result. :func:`load_npz` never deletes a file it cannot read (it may be another
user's, or being replaced): it reports a miss, and the caller recomputes and
replaces it. Folders are created only when something is written.

Settings (environment variables):

``TOURBOOK_CACHE``
    Folder for cached arrays. Default: ``$XDG_CACHE_HOME/tourbook`` or
    ``~/.cache/tourbook``.

Sharing one cache between users: files and folders are created with the
permissions the process's umask allows (not private ``0600``), so with a shared
group and ``umask 002`` (and, on the folder, ``chmod g+ws``) everyone in the group
reads and adds entries. Entries are keyed by content, so two users computing the
same entry write identical files; whoever renames last wins, and a reader never
sees half a file. A read-only shared cache works too: reads hit, writes are
skipped with a warning (point ``TOURBOOK_CACHE`` at a writable folder to cache
your own results).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Mapping

import numpy as np

__all__ = [
    "CACHE_ENV", "STALE_PART_SECONDS", "CacheWriteWarning", "cache_dir", "config_hash", "array_fingerprint",
    "atomic_write_bytes", "save_npz", "try_save_npz", "load_npz", "remove_stale_parts", "cache_write_advice",
    "file_mode",
]

CACHE_ENV = "TOURBOOK_CACHE"
#: A ``.part`` file untouched for this long (seconds) is an orphan of a killed writer and is removed.
STALE_PART_SECONDS = 3600.0


class CacheWriteWarning(UserWarning):
    """A result could not be written to the cache; it was returned anyway."""


def cache_dir(sub: str | None = None) -> Path:
    """Return the cache folder, or its sub-folder ``sub`` (``$TOURBOOK_CACHE``; see the module notes).

    The folder is *not* created here: writers create it when they write, so a
    read-only or absent cache never stops a computation that does not cache.
    """
    root = os.environ.get(CACHE_ENV)
    if root:
        base = Path(root).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "tourbook"
    return base / sub if sub else base


def config_hash(config: Mapping[str, Any], length: int = 16) -> str:
    """A stable hex digest of a JSON-serialisable configuration.

    Keys are sorted, so two dicts with the same items give the same hash.
    """
    text = json.dumps(config, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def array_fingerprint(*arrays: np.ndarray) -> str:
    """A hex digest (BLAKE2b-128) of the arrays' dtypes, shapes and bytes, in order.

    Used to key caches by the data that produced them (a changed pixel changes the key).
    """
    h = hashlib.blake2b(digest_size=16)
    for arr in arrays:
        arr = np.ascontiguousarray(arr)
        h.update(f"{arr.dtype.str}{arr.shape};".encode())
        h.update(memoryview(arr).cast("B"))
    return h.hexdigest()


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """The permission bits a new file gets: ``0o666 & ~umask`` (what ``open`` gives; ``mkstemp`` gives 0600)."""
    return 0o666 & ~_umask()


def remove_stale_parts(folder: Path, max_age: float = STALE_PART_SECONDS) -> None:
    """Remove ``.*.part`` files in ``folder`` not modified for ``max_age`` seconds (best-effort)."""
    now = time.time()
    try:
        candidates = list(folder.glob(".*.part"))
    except OSError:
        return
    for part in candidates:
        try:
            if part.is_file() and now - part.stat().st_mtime > max_age:
                part.unlink()
        except OSError:
            pass  # someone else's, or already gone


@contextmanager
def _atomic_file(path: str | os.PathLike):
    """Open a temporary file beside ``path`` for writing; on success fsync it and rename it to ``path``.

    On any error the temporary file is removed and ``path`` is left as it was.
    The file gets the permissions ``0666 & ~umask`` (what ``open`` would give),
    not :func:`tempfile.mkstemp`'s private ``0600``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    with _atomic_file(path) as fh:
        fh.write(data)
    return Path(path)


def save_npz(path: str | os.PathLike, *, compress: bool = True, **arrays: np.ndarray) -> Path:
    """Save arrays to an ``.npz`` atomically (temporary name, then rename).

    ``compress=False`` writes a plain ``.npz``: larger, but it loads several times faster, which
    suits big uint8 image arrays that compress poorly anyway.

    Raises whatever the write raises (``OSError`` for a full disk, say); see
    :func:`try_save_npz` for the best-effort version caches use.
    """
    with _atomic_file(path) as fh:
        (np.savez_compressed if compress else np.savez)(fh, **arrays)
    return Path(path)


def _free_bytes(folder: Path) -> int | None:
    """Free bytes on the file system holding ``folder`` (or its nearest existing parent)."""
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def cache_write_advice(path: Path, exc: OSError, needed: int) -> str:
    """What went wrong writing ``path`` and what to do, naming ``TOURBOOK_CACHE``."""
    code = getattr(exc, "errno", None)
    what = f"{type(exc).__name__}: {exc.strerror or exc}" if getattr(exc, "strerror", None) else f"{exc}"
    free = _free_bytes(path.parent)
    space = f"it needs about {_mb(needed)}" + (f", {_mb(free)} are free there" if free is not None else "")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"the folder is not writable: set {CACHE_ENV} to a writable folder"
    elif code in (errno.EISDIR, errno.ENOTDIR, errno.EEXIST):
        fix = f"something that is not a cache file is in the way (a folder?): remove it, or set {CACHE_ENV}"
    else:  # ENOSPC, EFBIG, EDQUOT, or numpy's short write (no errno)
        fix = f"free some space (or raise the file-size limit), or set {CACHE_ENV} to a folder with room"
    return f"could not write the cache file {path} ({what}); {space}; {fix}"


def try_save_npz(path: str | os.PathLike, *, what: str = "result", compress: bool = True,
                 **arrays: np.ndarray) -> Path | None:
    """:func:`save_npz`, but a failed write is a :class:`CacheWriteWarning`, not an error.

    Returns the path, or ``None`` if nothing was written (the temporary file is
    removed; an older file at ``path`` is left as it was). ``what`` names the
    result in the warning ("the training run", ...), which says that it was
    returned but not cached, why, how many bytes it needs and which variable to set.
    """
    path = Path(path)
    try:
        return save_npz(path, compress=compress, **arrays)
    except OSError as exc:
        needed = sum(np.asarray(a).nbytes for a in arrays.values())
        warnings.warn(f"{what} was computed and is returned, but not cached: "
                      f"{cache_write_advice(path, exc, needed)}", CacheWriteWarning, stacklevel=3)
        return None


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray] | None:
    """Load every array of an ``.npz`` into a dict, or ``None`` if the file is absent or unreadable.

    An unreadable file (truncated by a crash of another tool, not readable by
    this user, a folder in its place) is a cache miss: the caller recomputes and
    replaces it. It is never deleted here, since it may be another user's valid
    file or one being renamed into place.
    """
    path = Path(path)
    try:
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except Exception:
        return None
