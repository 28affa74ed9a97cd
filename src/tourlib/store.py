"""Where tourbook keeps files, and how it writes them safely.

Every cached artefact (decoded data sets, training runs, embeddings) is a plain
``.npz`` array file whose name is a hash of everything that produced it, written
to a temporary name in the same folder and then renamed, so an interrupted run
never leaves a half-written file behind.

Settings (environment variables):

``TOURBOOK_CACHE``
    Folder for cached arrays. Default: ``$XDG_CACHE_HOME/tourbook`` or
    ``~/.cache/tourbook``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Mapping

import numpy as np

__all__ = ["cache_dir", "config_hash", "array_fingerprint", "atomic_write_bytes", "save_npz", "load_npz"]


def cache_dir(sub: str | None = None) -> Path:
    """Return (and create) the cache folder, or its sub-folder ``sub``."""
    root = os.environ.get("TOURBOOK_CACHE")
    if root:
        base = Path(root).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "tourbook"
    path = base / sub if sub else base
    path.mkdir(parents=True, exist_ok=True)
    return path


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


@contextmanager
def _atomic_file(path: str | os.PathLike):
    """Open a temporary file beside ``path`` for writing; on success fsync it and rename it to ``path``.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
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
    """
    with _atomic_file(path) as fh:
        (np.savez_compressed if compress else np.savez)(fh, **arrays)
    return Path(path)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray] | None:
    """Load every array of an ``.npz`` into a dict, or ``None`` if the file is absent or unreadable.

    An unreadable cache file (truncated by a crash of another tool, say) is treated as a
    cache miss and removed, so the caller recomputes it.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except Exception:
        path.unlink(missing_ok=True)
        return None
