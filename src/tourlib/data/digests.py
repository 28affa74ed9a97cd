"""Content digests of data files, remembered so a file is hashed only once.

``file_digests(path)`` returns the SHA-256 and MD5 hex digests of a file's
bytes, computed in one pass. The result is remembered in
``<cache>/datasets/file-digests.json`` under the file's resolved path together
with its size and modification time (nanoseconds); while those are unchanged
the file is not read again. A file rewritten in place gets a new mtime and is
re-hashed.

``folder_fingerprint(path)`` summarises a whole folder tree cheaply, from each
file's relative path, size and modification time (not its bytes: a folder of
60 000 small images would take longer to hash than to stat).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..store import atomic_write_bytes, cache_dir

__all__ = ["Digests", "file_digests", "folder_fingerprint"]

_CHUNK = 1 << 20
_INDEX_NAME = "file-digests.json"


@dataclass(frozen=True)
class Digests:
    """Hex digests of one file's bytes."""

    sha256: str
    md5: str


def _hash_file(path: Path) -> Digests:
    sha, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            sha.update(chunk)
            md5.update(chunk)
    return Digests(sha.hexdigest(), md5.hexdigest())


def _index_path() -> Path:
    return cache_dir("datasets") / _INDEX_NAME


def _read_index() -> dict:
    try:
        index = json.loads(_index_path().read_text())
        return index if isinstance(index, dict) else {}
    except (OSError, ValueError):
        return {}


def file_digests(path: str | os.PathLike) -> Digests:
    """SHA-256 and MD5 of a file's contents, re-using a remembered value when the file is unchanged.

    "Unchanged" means same resolved path, size and ``st_mtime_ns`` as when it was
    last hashed.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    """
    path = Path(path).resolve()
    stat = path.stat()
    key = str(path)
    index = _read_index()
    entry = index.get(key)
    if isinstance(entry, dict) and entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns:
        try:
            return Digests(str(entry["sha256"]), str(entry["md5"]))
        except KeyError:
            pass
    digests = _hash_file(path)
    index = _read_index()  # re-read: another process may have added entries meanwhile
    index[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digests.sha256, "md5": digests.md5}
    try:
        atomic_write_bytes(_index_path(), json.dumps(index, indent=0, sort_keys=True).encode())
    except OSError:
        pass  # remembering is an optimisation: a read-only or full cache only costs a re-hash next time
    return digests


def folder_fingerprint(path: str | os.PathLike) -> str:
    """SHA-256 over the sorted lines ``relative/path <size> <mtime_ns>`` of every file under ``path``.

    Changes whenever a file is added, removed, renamed, resized or rewritten.
    """
    root = Path(path)
    lines = []
    for folder, subdirs, files in os.walk(root):
        subdirs.sort()
        for fname in sorted(files):
            full = Path(folder) / fname
            st = full.stat()
            lines.append(f"{full.relative_to(root).as_posix()}\t{st.st_size}\t{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
