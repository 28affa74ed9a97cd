"""Download a publisher's file, check its digest, and only then put it in place.

The bytes stream into a temporary ``.part`` file next to the destination while
their MD5 is computed; the file is renamed to its final name (``os.replace``)
only when the transfer is complete and the digest equals the published one.
On any failure the partial file is deleted, so nothing partial or unverified is
ever left under the final name.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from tqdm.auto import tqdm

from ..store import CACHE_ENV, file_mode, remove_stale_parts
from .errors import ChecksumError, DownloadError
from .registry import RemoteFile

__all__ = ["DEFAULT_TIMEOUT", "download_file"]

DEFAULT_TIMEOUT = 30.0  # seconds without data before giving up
_CHUNK = 1 << 20


def download_file(remote: RemoteFile, dest: str | os.PathLike, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Download ``remote.url`` to ``dest``, verifying the publisher's MD5.

    Parameters
    ----------
    remote : RemoteFile
        URL and published MD5 (``remote.md5``).
    dest : path-like
        Final file name. Its folder is created if needed.
    timeout : float
        Socket timeout in seconds (connect and each read).

    Returns
    -------
    Path
        ``dest``, now holding the verified file.

    Raises
    ------
    DownloadError
        If the server cannot be reached, answers with an HTTP error, or the
        transfer ends early; or ``dest``'s folder cannot be written (the message
        names ``TOURBOOK_CACHE``). Nothing is written to ``dest``.
    ChecksumError
        If the MD5 of the received bytes differs from ``remote.md5``; the bytes
        are deleted, never used.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(dest.parent)  # left by downloads that were killed more than an hour ago
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    except OSError as exc:
        raise DownloadError(
            f"cannot save a download in {dest.parent} ({exc.strerror or exc}); set the environment variable "
            f"{CACHE_ENV} to a writable folder, or put the files in a data folder yourself"
        ) from exc
    tmp = Path(tmp_name)
    md5 = hashlib.md5(usedforsecurity=False)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(remote.url, timeout=timeout) as response:
                    total = response.headers.get("Content-Length")
                    total = int(total) if total and total.isdigit() else None
                    received = 0
                    with tqdm(total=total, unit="B", unit_scale=True, desc=remote.filename, disable=None,
                              leave=False) as bar:
                        while chunk := response.read(_CHUNK):
                            try:
                                out.write(chunk)
                            except OSError as exc:
                                raise DownloadError(
                                    f"cannot save {remote.url} in {dest.parent} after {received:,} bytes "
                                    f"({exc.strerror or exc}); free space there (it needs "
                                    f"{total or 'more'} bytes) or set {CACHE_ENV} to a folder with room"
                                ) from exc
                            md5.update(chunk)
                            received += len(chunk)
                            bar.update(len(chunk))
            except DownloadError:
                raise
            except (urllib.error.URLError, http.client.HTTPException, socket.timeout, OSError) as exc:
                reason = f"HTTP {exc.code} {exc.reason}" if isinstance(exc, urllib.error.HTTPError) \
                    else getattr(exc, "reason", exc)
                raise DownloadError(f"could not download {remote.url} ({reason})") from exc
            if total is not None and received != total:
                raise DownloadError(
                    f"download of {remote.url} stopped after {received} of {total} bytes; retry"
                )
            out.flush()
            os.fsync(out.fileno())
        got = md5.hexdigest()
        if got != remote.md5:
            raise ChecksumError(
                f"{remote.url}: MD5 of the downloaded file is {got} but the publisher's is {remote.md5}; "
                f"the download was discarded (nothing written to {dest}). Retry later, or fetch the file "
                f"by another route, check its MD5 and place it at {dest}"
            )
        os.chmod(tmp, file_mode())  # shareable like every cache file, not mkstemp's 0600
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest
