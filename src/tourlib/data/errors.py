"""The exceptions raised by :mod:`tourlib.data`.

Every error is a :class:`DatasetError`, and also a subclass of the built-in
exception a caller would expect, so ``except ValueError`` or
``except FileNotFoundError`` keep working:

=========================  =====================================================
``UnknownDatasetError``    unknown data set name or split (``ValueError``)
``DatasetNotFoundError``   the files are not on disk and cannot be downloaded
                           (``FileNotFoundError``)
``DownloadError``          a download failed (no network, HTTP error, cut
                           short); a ``DatasetNotFoundError``
``ChecksumError``          a file's digest differs from the published one
                           (``ValueError``)
``CorruptFileError``       a file cannot be decoded: truncated gzip, broken tar
                           or zip, wrong IDX magic number, unreadable image,
                           image/label count mismatch (``ValueError``)
``LayoutError``            an image folder does not have the expected
                           ``<split>/<class>/<file>`` shape (``ValueError``)
=========================  =====================================================

Messages name the file involved and say what to do about it.
"""

from __future__ import annotations

__all__ = [
    "DatasetError",
    "UnknownDatasetError",
    "DatasetNotFoundError",
    "DownloadError",
    "ChecksumError",
    "CorruptFileError",
    "LayoutError",
]


class DatasetError(Exception):
    """Base class of every error raised by :mod:`tourlib.data`."""


class UnknownDatasetError(DatasetError, ValueError):
    """The data set name or split is not one :mod:`tourlib.data` knows."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """The data set's files are missing and could not be downloaded."""

    def __str__(self) -> str:  # FileNotFoundError would format (errno, strerror)
        return str(self.args[0]) if self.args else ""


class DownloadError(DatasetNotFoundError):
    """A download failed: no network, an HTTP error, or the transfer was cut short."""


class ChecksumError(DatasetError, ValueError):
    """A file's digest does not match the value its publisher gives."""


class CorruptFileError(DatasetError, ValueError):
    """A file exists but its contents cannot be decoded as expected."""


class LayoutError(DatasetError, ValueError):
    """An image folder (or archive) is not laid out as ``<split>/<class>/<file>``."""
