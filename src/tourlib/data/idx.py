"""Reader for the IDX format of MNIST and Fashion-MNIST.

An IDX file is a big-endian header followed by a C-order array::

    bytes 0-1   zero
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte  3     number of dimensions n
    then n big-endian uint32 sizes, then prod(sizes) elements, big-endian.

Read as one big-endian uint32, the first four bytes are the *magic number*:
2051 (``0x00000803``) for an N×H×W uint8 image file and 2049 (``0x00000801``)
for a length-N uint8 label file. Files may be gzip-compressed (as published,
``*.gz``) or plain; the reader tells them apart by the gzip signature, not by
the file name.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..store import atomic_write_bytes
from .errors import CorruptFileError, DatasetNotFoundError

__all__ = [
    "IMAGES_MAGIC", "LABELS_MAGIC", "read_idx", "read_idx_images", "read_idx_labels", "read_idx_pair", "write_idx",
]

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype(t).newbyteorder("="): code for code, t in _TYPES.items()}
_GZIP_SIGNATURE = b"\x1f\x8b"
#: deflate cannot expand data by more than about 1032:1, so a gzip file of c bytes holds at most this × c.
_GZIP_MAX_RATIO = 1032
_ADVICE = "delete it and retry (it will be downloaded again) or replace it with a fresh copy"


def _open(path: Path) -> BinaryIO:
    """Open ``path`` for reading, transparently decompressing gzip."""
    if not path.is_file():
        raise DatasetNotFoundError(f"IDX file not found: {path}")
    with open(path, "rb") as fh:
        signature = fh.read(2)
    return gzip.open(path, "rb") if signature == _GZIP_SIGNATURE else open(path, "rb")


def _read_exact(fh: BinaryIO, out: np.ndarray) -> int:
    """Fill ``out``'s buffer from ``fh``; return the number of bytes read."""
    view = memoryview(out).cast("B")
    got = 0
    while got < len(view):
        n = fh.readinto(view[got:])
        if not n:
            break
        got += n
    return got


def _check_announced_size(path: Path, shape: tuple[int, ...], dtype: np.dtype, header_bytes: int) -> None:
    """Refuse a header whose array cannot be in the file, before allocating it.

    A plain file must hold exactly header + data bytes; a gzip file cannot hold
    more than :data:`_GZIP_MAX_RATIO` times its size.
    """
    announced = dtype.itemsize
    for n in shape:
        announced *= n                     # Python ints: no overflow
    on_disk = path.stat().st_size
    with open(path, "rb") as fh:
        gz = fh.read(2) == _GZIP_SIGNATURE
    room = on_disk * _GZIP_MAX_RATIO if gz else on_disk - header_bytes
    if announced > room:
        held = f"a {on_disk:,}-byte gzip file can hold at most {room:,}" if gz else f"the file holds {room:,}"
        raise CorruptFileError(
            f"{path}: the IDX header announces an array of shape {shape} ({announced:,} bytes), but {held}; "
            f"the header is damaged or the file truncated; {_ADVICE}"
        )


def read_idx(path: str | os.PathLike, expect_magic: int | None = None) -> np.ndarray:
    """Read an IDX file (plain or gzip) into a native-endian numpy array.

    Parameters
    ----------
    path : path-like
        The ``.gz`` or uncompressed IDX file.
    expect_magic : int, optional
        Required magic number (:data:`IMAGES_MAGIC` = 2051 or
        :data:`LABELS_MAGIC` = 2049).

    Returns
    -------
    ndarray
        Shape as given by the header, dtype from the type byte (native byte order).

    Raises
    ------
    DatasetNotFoundError
        If the file does not exist.
    CorruptFileError
        If the magic number is wrong or unexpected, the gzip stream is damaged,
        the data is shorter than the header promises (truncated; checked
        against the file size before any memory is allocated), or there are
        trailing bytes. The message names the file.
    """
    path = Path(path)
    try:
        with _open(path) as fh:
            header = fh.read(4)
            if len(header) < 4:
                raise CorruptFileError(f"{path}: file too short for an IDX header (truncated?); {_ADVICE}")
            magic = int.from_bytes(header, "big")
            if header[:2] != b"\0\0" or header[2] not in _TYPES or not 1 <= header[3] <= 8:
                raise CorruptFileError(
                    f"{path}: not an IDX file (magic number {magic}, expected "
                    f"{expect_magic or 'e.g. 2051 for images, 2049 for labels'}); {_ADVICE}"
                )
            if expect_magic is not None and magic != expect_magic:
                raise CorruptFileError(
                    f"{path}: IDX magic number is {magic} but {expect_magic} was expected "
                    f"({IMAGES_MAGIC} = images, {LABELS_MAGIC} = labels); is this the right file?"
                )
            ndim = header[3]
            dims_raw = fh.read(4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise CorruptFileError(f"{path}: IDX header is truncated; {_ADVICE}")
            shape = tuple(int.from_bytes(dims_raw[4 * i:4 * i + 4], "big") for i in range(ndim))
            dtype = np.dtype(_TYPES[header[2]])
            _check_announced_size(path, shape, dtype, 4 + 4 * ndim)
            out = np.empty(shape, dtype=dtype)
            got = _read_exact(fh, out)
            if got < out.nbytes:
                raise CorruptFileError(
                    f"{path}: truncated IDX data ({got} of {out.nbytes} bytes for shape {shape}); {_ADVICE}"
                )
            if fh.read(1):
                raise CorruptFileError(
                    f"{path}: extra bytes after the {out.nbytes} bytes the IDX header announces; {_ADVICE}"
                )
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise CorruptFileError(f"{path}: damaged or truncated gzip data ({exc}); {_ADVICE}") from exc
    return out.astype(dtype.newbyteorder("="), copy=False)


def read_idx_images(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX image file (magic 2051): uint8 array of shape ``N×H×W``."""
    return read_idx(path, expect_magic=IMAGES_MAGIC)


def read_idx_labels(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX label file (magic 2049): int64 array of shape ``(N,)``."""
    return read_idx(path, expect_magic=LABELS_MAGIC).astype(np.int64)


def read_idx_pair(images_path: str | os.PathLike, labels_path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read matching image and label files; check that they hold the same number of items.

    Returns
    -------
    images : ndarray of uint8, shape (N, H, W)
    labels : ndarray of int64, shape (N,)

    Raises
    ------
    CorruptFileError
        If the counts differ (the message names both files).
    """
    images = read_idx_images(images_path)
    labels = read_idx_labels(labels_path)
    if len(images) != len(labels):
        raise CorruptFileError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels; "
            "the two files must come from the same split and release"
        )
    return images, labels


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file (the inverse of :func:`read_idx`), atomically.

    Parameters
    ----------
    path : path-like
        Destination. Written to a temporary name, then renamed.
    array : ndarray
        1 to 8 dimensions; dtype uint8, int8, int16, int32, float32 or float64
        (stored big-endian). A uint8 ``N×H×W`` array gets magic 2051, a uint8
        vector magic 2049.
    compress : bool, optional
        gzip the file; default: when ``path`` ends in ``.gz``.

    Raises
    ------
    TypeError
        If the dtype has no IDX type code.
    ValueError
        If the array has 0 or more than 8 dimensions.
    """
    array = np.asarray(array)
    dtype = array.dtype.newbyteorder("=")
    if dtype not in _CODES:
        raise TypeError(f"IDX cannot store dtype {array.dtype}; use uint8, int8, int16, int32, float32 or float64")
    if not 1 <= array.ndim <= 8:
        raise ValueError(f"IDX stores 1 to 8 dimensions, got an array of shape {array.shape}")
    header = bytes([0, 0, _CODES[dtype], array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    payload = header + np.ascontiguousarray(array, dtype=dtype.newbyteorder(">")).tobytes()
    path = Path(path)
    if compress if compress is not None else path.name.endswith(".gz"):
        payload = gzip.compress(payload, mtime=0)
    return atomic_write_bytes(path, payload)
