"""What :mod:`tourlib.data` knows about each data set: names, classes, files, URLs, digests.

The download digests are the ones the publishers give, and they are MD5 because
that is all MNIST, Fashion-MNIST and CIFAR-10 publish:

* MNIST: the torchvision mirror at ``ossci-datasets.s3.amazonaws.com/mnist``,
  MD5 of each ``.gz`` file as listed by torchvision.
* Fashion-MNIST: Zalando's S3 bucket, MD5 of each ``.gz`` file as listed in the
  project's README (github.com/zalandoresearch/fashion-mnist).
* CIFAR-10: ``cifar-10-python.tar.gz`` from www.cs.toronto.edu, MD5 from the
  CIFAR page.

MD5 is no defence against a deliberate forgery, but it catches truncated and
corrupted downloads, which is what it is used for here; files are always read
with parsers that check their structure as well.

Note that gzip files can be re-compressed without changing their contents (the
offline copies in ``/work/shared/data`` are such re-packs, with the same
decompressed bytes), so a local IDX file is *not* required to match these
digests; only files this package downloads itself are checked against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from .errors import UnknownDatasetError

__all__ = [
    "SPLITS",
    "RemoteFile",
    "DatasetSpec",
    "DATASETS",
    "CIFAR10_CLASSES",
    "get_spec",
    "check_split",
    "dataset_names",
]

SPLITS: tuple[str, ...] = ("train", "test")

CIFAR10_CLASSES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)
FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
MNIST_CLASSES: tuple[str, ...] = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class RemoteFile:
    """One file a publisher distributes.

    Attributes
    ----------
    filename : str
        The publisher's file name; also its name inside a data directory,
        relative to the data set's folder (see :attr:`DatasetSpec.folder`).
    url : str
        Where to download it.
    md5 : str
        The publisher's MD5 hex digest of the file as downloaded.
    """

    filename: str
    url: str
    md5: str


@dataclass(frozen=True)
class DatasetSpec:
    """Static description of a data set.

    Attributes
    ----------
    name : str
        Canonical name (``"mnist"``, ``"fashion-mnist"``, ``"cifar10"``).
    title : str
        Human-readable name.
    kind : str
        ``"idx"`` (four IDX files) or ``"cifar"`` (CIFAR python batches or an
        image folder).
    folder : str
        Sub-folder of a data directory holding the files (for ``"idx"``), or
        the name of the image-folder directory (for ``"cifar"``).
    classes : tuple of str
        Class names in label order: label ``k`` is ``classes[k]``.
    image_shape : tuple of int
        Shape of one image: ``(H, W)`` for grey, ``(H, W, 3)`` for RGB.
    split_sizes : mapping
        Number of images in each split, as published.
    class_sizes : mapping or None
        Number of images of *each* class in each split, for data sets whose
        splits are balanced (CIFAR-10: 5000 train, 1000 test); ``None`` otherwise.
    files : mapping
        For each split, the remote files it needs: ``(images, labels)`` for
        IDX data sets, ``(archive,)`` for CIFAR-10.
    homepage : str
        Where to read about the data set and its licence.
    """

    name: str
    title: str
    kind: str
    folder: str
    classes: tuple[str, ...]
    image_shape: tuple[int, ...]
    split_sizes: Mapping[str, int]
    files: Mapping[str, tuple[RemoteFile, ...]]
    homepage: str
    aliases: tuple[str, ...] = field(default=())
    class_sizes: Mapping[str, int] | None = None


_MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
_FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def _idx_files(base_url: str, md5s: Mapping[str, str]) -> dict[str, tuple[RemoteFile, ...]]:
    """The train/test IDX file pairs (images, labels) under ``base_url``."""
    prefix = {"train": "train", "test": "t10k"}
    out = {}
    for split, p in prefix.items():
        names = (f"{p}-images-idx3-ubyte.gz", f"{p}-labels-idx1-ubyte.gz")
        out[split] = tuple(RemoteFile(n, base_url + n, md5s[n]) for n in names)
    return out


_CIFAR10_ARCHIVE = RemoteFile(
    "cifar-10-python.tar.gz", _CIFAR10_URL, "c58f30108f718f92721af3b95e74349a"
)

DATASETS: Mapping[str, DatasetSpec] = MappingProxyType({
    "mnist": DatasetSpec(
        name="mnist",
        title="MNIST",
        kind="idx",
        folder="mnist",
        classes=MNIST_CLASSES,
        image_shape=(28, 28),
        split_sizes=MappingProxyType({"train": 60000, "test": 10000}),
        files=MappingProxyType(_idx_files(_MNIST_URL, {
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        })),
        homepage="http://yann.lecun.com/exdb/mnist/",
    ),
    "fashion-mnist": DatasetSpec(
        name="fashion-mnist",
        title="Fashion-MNIST",
        kind="idx",
        folder="fashion-mnist",
        classes=FASHION_MNIST_CLASSES,
        image_shape=(28, 28),
        split_sizes=MappingProxyType({"train": 60000, "test": 10000}),
        files=MappingProxyType(_idx_files(_FASHION_URL, {
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        })),
        homepage="https://github.com/zalandoresearch/fashion-mnist",
        aliases=("fashion_mnist", "fashionmnist", "fmnist"),
    ),
    "cifar10": DatasetSpec(
        name="cifar10",
        title="CIFAR-10",
        kind="cifar",
        folder="cifar10",
        classes=CIFAR10_CLASSES,
        image_shape=(32, 32, 3),
        split_sizes=MappingProxyType({"train": 50000, "test": 10000}),
        files=MappingProxyType({"train": (_CIFAR10_ARCHIVE,), "test": (_CIFAR10_ARCHIVE,)}),
        homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
        aliases=("cifar-10", "cifar_10"),
        class_sizes=MappingProxyType({"train": 5000, "test": 1000}),
    ),
})

_ALIASES: dict[str, str] = {
    alias: spec.name for spec in DATASETS.values() for alias in (spec.name, *spec.aliases)
}


def dataset_names() -> tuple[str, ...]:
    """The canonical names of the known data sets."""
    return tuple(DATASETS)


def get_spec(name: str) -> DatasetSpec:
    """Look a data set up by name (case-insensitive; aliases such as ``"fmnist"`` allowed).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    UnknownDatasetError
        If the name is not known; the message lists the valid names.
    """
    if not isinstance(name, str):
        raise TypeError(f"data set name must be a str, got {type(name).__name__}")
    key = name.strip().lower()
    if key not in _ALIASES:
        raise UnknownDatasetError(
            f"unknown data set {name!r}; choose one of {', '.join(DATASETS)} "
            f"(aliases: {', '.join(sorted(set(_ALIASES) - set(DATASETS)))})"
        )
    return DATASETS[_ALIASES[key]]


def check_split(split: str) -> str:
    """Return ``split`` lower-cased if it is ``"train"`` or ``"test"``.

    Raises
    ------
    TypeError
        If ``split`` is not a string.
    UnknownDatasetError
        Otherwise; the message lists the valid splits.
    """
    if not isinstance(split, str):
        raise TypeError(f"split must be a str, got {type(split).__name__}")
    key = split.strip().lower()
    if key not in SPLITS:
        raise UnknownDatasetError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return key
