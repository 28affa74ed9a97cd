"""Reader for the official CIFAR-10 "python version" batches.

The publisher's ``cifar-10-python.tar.gz`` holds a folder ``cifar-10-batches-py/``
with ``data_batch_1`` … ``data_batch_5`` (10 000 training images each, read in
that order) and ``test_batch`` (10 000 test images). Each batch is a Python 2
pickle of a dict with

* ``b"data"``: uint8 array of shape ``N×3072``; row ``i`` is image ``i`` stored
  channel-major: 1024 red values, then 1024 green, then 1024 blue, each a 32×32
  image in row-major order. So ``data.reshape(N, 3, 32, 32).transpose(0, 2, 3, 1)``
  gives the ``N×32×32×3`` (channels-last) images used everywhere in tourbook.
* ``b"labels"``: list of ``N`` ints in ``0..9``.

Security: unpickling can run code. This module unpickles only files the caller
vouches for, namely (a) files whose checksum matched the publisher's (the
downloaded archive, MD5-checked by :mod:`tourlib.data.load`) or (b) files the
user pointed at explicitly (``root=`` or ``TOURBOOK_DATA``). As a second line of
defence the unpickler (``encoding="bytes"``, as the Python 2 pickles need)
refuses every global except the few numpy constructors an array needs.
"""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path, PurePosixPath

import numpy as np

from .archives import container_kind, iter_files
from .errors import CorruptFileError, DatasetNotFoundError

__all__ = ["BATCHES_FOLDER", "BATCH_NAMES", "read_cifar10_batches", "decode_cifar_batch"]

BATCHES_FOLDER = "cifar-10-batches-py"
BATCH_NAMES: dict[str, tuple[str, ...]] = {
    "train": tuple(f"data_batch_{i}" for i in range(1, 6)),
    "test": ("test_batch",),
}

_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),  # how Python 3 writes bytes in protocol-2 pickles
}


class _BatchUnpickler(pickle.Unpickler):
    """An unpickler that builds only plain containers and numpy arrays."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR batch")
        if module == "numpy.core.multiarray":  # numpy 1.x pickles; numpy 2 moved it
            module = "numpy._core.multiarray"
        return super().find_class(module, name)


def decode_cifar_batch(data: bytes, source: str = "<batch>") -> tuple[np.ndarray, np.ndarray]:
    """Decode one pickled CIFAR-10 batch.

    Parameters
    ----------
    data : bytes
        The batch file's contents. Only pass trusted bytes (see the module notes).
    source : str
        Name used in error messages.

    Returns
    -------
    images : ndarray of uint8, shape (N, 32, 32, 3)
    labels : ndarray of int64, shape (N,)

    Raises
    ------
    CorruptFileError
        If the bytes are not such a pickle, or ``data``/``labels`` are malformed.
    """
    try:
        batch = _BatchUnpickler(io.BytesIO(data), encoding="bytes").load()
    except Exception as exc:  # pickle raises many types on garbage input
        raise CorruptFileError(
            f"{source}: not a readable CIFAR-10 batch ({type(exc).__name__}: {exc}); "
            "delete it and download cifar-10-python.tar.gz again"
        ) from exc
    if not isinstance(batch, dict) or b"data" not in batch or b"labels" not in batch:
        raise CorruptFileError(f"{source}: a CIFAR-10 batch must be a dict with b'data' and b'labels' entries")
    pixels = batch[b"data"]
    if not isinstance(pixels, np.ndarray) or pixels.dtype != np.uint8 or pixels.ndim != 2 or pixels.shape[1] != 3072:
        raise CorruptFileError(
            f"{source}: b'data' must be a uint8 array of shape N×3072, got "
            f"{getattr(pixels, 'dtype', type(pixels).__name__)} {getattr(pixels, 'shape', '')}"
        )
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    if labels.shape != (len(pixels),):
        raise CorruptFileError(f"{source}: {len(pixels)} images but {labels.size} labels")
    images = np.ascontiguousarray(pixels.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
    return images, labels


def read_cifar10_batches(path: str | os.PathLike, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Read a split of CIFAR-10 from the official python batches.

    Parameters
    ----------
    path : path-like
        The folder ``cifar-10-batches-py`` (or a folder containing it), or the
        archive ``cifar-10-python.tar.gz`` itself (read sequentially, not
        extracted). Must be trusted: see the module notes on unpickling.
    split : {"train", "test"}
        ``"train"`` concatenates ``data_batch_1`` … ``data_batch_5`` in order;
        ``"test"`` is ``test_batch``.

    Returns
    -------
    images : ndarray of uint8, shape (N, 32, 32, 3)
    labels : ndarray of int64, shape (N,)

    Raises
    ------
    ValueError
        If ``split`` is not ``"train"`` or ``"test"``.
    DatasetNotFoundError
        If ``path`` is missing or a batch file is absent from it.
    CorruptFileError
        If the archive or a batch is damaged.
    """
    if split not in BATCH_NAMES:
        raise ValueError(f"split must be one of {', '.join(BATCH_NAMES)}, got {split!r}")
    path = Path(path)
    wanted = BATCH_NAMES[split]
    if container_kind(path) == "dir" and (path / BATCHES_FOLDER).is_dir():
        path = path / BATCHES_FOLDER

    def select(name: PurePosixPath) -> bool:
        return name.name in wanted and name.parent in (PurePosixPath("."), PurePosixPath(BATCHES_FOLDER))

    found = {name.name: decode_cifar_batch(data, f"{path}:{name}") for name, data in iter_files(path, select)}
    missing = [b for b in wanted if b not in found]
    if missing:
        raise DatasetNotFoundError(
            f"{path} lacks the CIFAR-10 batch file(s) {', '.join(missing)} "
            f"(expected {BATCHES_FOLDER}/{wanted[0]} ...); is it a complete cifar-10-python.tar.gz?"
        )
    images = np.concatenate([found[b][0] for b in wanted])
    labels = np.concatenate([found[b][1] for b in wanted])
    return images, labels
