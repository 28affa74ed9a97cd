"""Real data sets, read from their publishers' formats.

>>> from tourlib.data import load_dataset
>>> images, labels, classes = load_dataset("mnist", "train")      # doctest: +SKIP

``load_dataset(name, split, root=None)`` returns a :class:`Dataset` for
``"mnist"``, ``"fashion-mnist"`` or ``"cifar10"``: uint8 images (``N×H×W`` or
``N×H×W×3``), int64 labels and the class names. Files are looked for under
``root``, then ``$TOURBOOK_DATA``, then the download cache, and otherwise
downloaded and MD5-checked (see :mod:`tourlib.data.locate`). Decoded arrays are
cached, keyed by the source files' SHA-256 (:mod:`tourlib.data.load`).

``read_image_folder(path, split=None, classes=None, size=None)`` reads your own
images laid out as ``<split>/<class>/<file>``, from a folder or an archive.

Modules: ``dataset`` (the ``Dataset`` record), ``registry`` (what each data
set is and where it comes from), ``idx`` (IDX reader), ``cifar`` (official
CIFAR-10 batches), ``imagefolder``, ``archives`` (folder / tar / zip
iteration), ``download``, ``digests``, ``locate`` (where files come from),
``load`` (decode + cache), ``errors``.
"""

from .cifar import read_cifar10_batches
from .dataset import Dataset
from .errors import (
    ChecksumError,
    CorruptFileError,
    DatasetError,
    DatasetNotFoundError,
    DownloadError,
    LayoutError,
    UnknownDatasetError,
)
from .idx import read_idx, read_idx_images, read_idx_labels, write_idx
from .imagefolder import read_image_folder
from .load import DatasetSizeWarning, load_dataset
from .locate import DATA_ENV
from .registry import CIFAR10_CLASSES, DATASETS, SPLITS, dataset_names

__all__ = [
    "load_dataset",
    "read_image_folder",
    "read_idx",
    "read_idx_images",
    "read_idx_labels",
    "write_idx",
    "read_cifar10_batches",
    "Dataset",
    "DATASETS",
    "SPLITS",
    "CIFAR10_CLASSES",
    "DATA_ENV",
    "dataset_names",
    "DatasetSizeWarning",
    "DatasetError",
    "UnknownDatasetError",
    "DatasetNotFoundError",
    "DownloadError",
    "ChecksumError",
    "CorruptFileError",
    "LayoutError",
]
