"""Read labelled images laid out as ``<split>/<class>/<file>`` (the "image folder" layout).

The layout, inside a folder or a ``.tar`` / ``.tar.gz`` / ``.tar.xz`` / ``.zip``
archive, is::

    train/airplane/0000.jpg
    train/airplane/0001.jpg
    ...
    test/truck/0999.jpg

Without a split the folder (or archive) holds the class folders directly:
``<class>/<file>``. One extra top folder wrapping everything (an archive of
``cifar10/train/...``) is allowed.

Images are decoded with Pillow. Order is deterministic: classes in the given
order (or sorted folder names), then files sorted by name within each class.
Label ``k`` means ``classes[k]``. When reading one split, the default class
list is the sorted union of the class folders holding images in *any* split, so
label codes agree between splits even if a class is empty in one of them.

16-bit images (PNG, TIFF) are scaled to 8 bits (``round(v / 257)``, so 65535 →
255), never clipped; 32-bit integer and floating-point images are refused.
"""

from __future__ import annotations

import io
import os
from pathlib import Path, PurePosixPath
from typing import Sequence

import numpy as np
from PIL import Image, UnidentifiedImageError

from .archives import TAR_SUFFIXES, ZIP_SUFFIXES, iter_files
from .dataset import Dataset
from .errors import CorruptFileError, LayoutError

__all__ = ["IMAGE_SUFFIXES", "MAX_IMAGE_BYTES", "read_image_folder"]

#: Largest image file :func:`read_image_folder` reads by default (bytes, as stored or decompressed).
MAX_IMAGE_BYTES = 64 * 1024**2

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"})
_MODES = {"RGB": 3, "L": 1}


def _check_size(size) -> tuple[int, int] | None:
    """Normalise ``size`` to ``(height, width)``."""
    if size is None:
        return None
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        size = (int(size), int(size))
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in size)
    ):
        raise ValueError(f"size must be None, a positive int or a (height, width) pair of positive ints, got {size!r}")
    return int(size[0]), int(size[1])


def _to_8bit(img: Image.Image, where: str) -> Image.Image:
    """16-bit grey → 8-bit grey by ``round(v / 257)``; 32-bit integer / float images are refused."""
    if img.mode.startswith("I;16"):
        v = np.asarray(img).astype(np.uint32)
        return Image.fromarray(((v + 128) // 257).astype(np.uint8), mode="L")
    if img.mode in ("I", "F"):
        kind = "32-bit integer" if img.mode == "I" else "floating-point"
        raise CorruptFileError(f"{where}: a {kind} image (Pillow mode {img.mode}) has no agreed 8-bit scale; "
                               "convert it to an 8- or 16-bit image first")
    return img


def _decode_image(data: bytes, where: str, mode: str, size: tuple[int, int] | None,
                  max_pixels: int | None = None) -> np.ndarray:
    """Decode image bytes to a uint8 array ``H×W×3`` (RGB) or ``H×W`` (L)."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if max_pixels is not None and img.width * img.height > max_pixels:
                raise CorruptFileError(
                    f"{where}: the image is {img.width}×{img.height} = {img.width * img.height:,} pixels, more "
                    f"than the {max_pixels:,} expected; is this the right file?"
                )
            img = _to_8bit(img, where).convert(mode)
            if size is not None and img.size != (size[1], size[0]):
                img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
            return np.asarray(img, dtype=np.uint8)
    except CorruptFileError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise CorruptFileError(
            f"{where}: cannot decode this image ({type(exc).__name__}: {exc}); delete or replace the file"
        ) from exc


def _natural_name(path: str | os.PathLike) -> str:
    """Folder or archive name without archive suffixes (``cifar10-jpeg.tar.xz`` → ``cifar10-jpeg``)."""
    name = Path(path).name
    for suffix in sorted(TAR_SUFFIXES + ZIP_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def read_image_folder(
    path: str | os.PathLike,
    split: str | None = None,
    classes: Sequence[str] | None = None,
    size: int | tuple[int, int] | None = None,
    mode: str = "RGB",
    name: str | None = None,
    *,
    follow_symlinks: bool = False,
    max_image_bytes: int | None = MAX_IMAGE_BYTES,
    max_pixels: int | None = None,
    max_images: int | None = None,
) -> Dataset:
    """Read labelled images from a folder or archive in the image-folder layout.

    Parameters
    ----------
    path : path-like
        A folder, or a ``.tar``, ``.tar.gz``, ``.tar.xz`` or ``.zip`` archive.
        Tar archives are streamed once, front to back.
    split : str, optional
        Read ``<split>/<class>/<file>`` (e.g. ``"train"``). If ``None`` the
        class folders sit at the top: ``<class>/<file>``.
    classes : sequence of str, optional
        Class names in label order (distinct). Every name must have a folder
        with at least one image in some split (it may be empty in this one),
        and every class folder found must be named here. Default: the class
        folders holding images in any split, sorted (so codes agree between
        splits).
    size : int or (height, width), optional
        Resize every image to this size (bilinear). Default ``None``: keep the
        images as they are, which requires them all to be the same size.
    mode : {"RGB", "L"}
        ``"RGB"`` gives ``N×H×W×3`` images, ``"L"`` (grey) gives ``N×H×W``.
    name : str, optional
        Name recorded in the result; default the folder or archive name.
    follow_symlinks : bool
        Read files that are symbolic links to places outside ``path`` (folders
        only). Default ``False``: such a link is an error, so a folder of links
        cannot quietly pull in other data.
    max_image_bytes : int or None
        Refuse an image file larger than this (bytes), before reading it
        (guards against decompression bombs in archives). ``None``: no limit.
    max_pixels : int or None
        Refuse an image with more pixels than this, before decoding it.
        Default: Pillow's own limit (``Image.MAX_IMAGE_PIXELS``).
    max_images : int or None
        Refuse more than this many images (checked while reading).

    Returns
    -------
    Dataset
        ``images`` uint8 (``N×H×W×3`` or ``N×H×W``), ``labels`` int64 with
        ``labels[i]`` indexing ``classes``; files sorted by class, then by name.

    Notes
    -----
    Files whose suffix is not an image suffix (``.jpg``, ``.png``, ...; see
    ``IMAGE_SUFFIXES``) and hidden files are ignored.

    Raises
    ------
    ValueError
        For a bad ``mode`` or ``size``.
    DatasetNotFoundError
        If ``path`` does not exist.
    LayoutError
        If no image matches the layout, images sit under different top folders
        (pass ``split``), a given class has no images, a class folder is not in
        ``classes``, or images differ in size and ``size`` is ``None``.
    CorruptFileError
        If an archive is damaged or an image cannot be decoded (names the file),
        is larger than ``max_image_bytes`` / ``max_pixels``, or there are more
        than ``max_images``; if a 32-bit or float image is met.
    """
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {', '.join(_MODES)}, got {mode!r}")
    hw = _check_size(size)
    if classes is not None:
        names_ok = not isinstance(classes, str) and all(isinstance(c, str) for c in classes)
        if not names_ok or len(set(classes)) != len(classes):
            raise ValueError("classes must be a sequence of distinct class-folder names (str)")
    depth = 3 if split else 2
    seen_tops: set[str] = set()
    class_folders: dict[str, set[str]] = {}  # prefix -> class folders holding images, in any split

    def select(member: PurePosixPath) -> bool:
        parts = member.parts
        if len(parts) > 1:
            seen_tops.add(parts[0])
        if member.suffix.lower() not in IMAGE_SUFFIXES or len(parts) not in (depth, depth + 1):
            return False
        class_folders.setdefault("/".join(parts[: -depth]), set()).add(parts[-2])
        return split is None or parts[-3] == split

    decoded: dict[tuple[str, str, str], np.ndarray] = {}
    for member, data in iter_files(path, select, max_file_bytes=max_image_bytes, follow_symlinks=follow_symlinks):
        if max_images is not None and len(decoded) >= max_images:
            raise CorruptFileError(f"{path}: more than {max_images:,} images under {split or '<top>'}/; "
                                   "is this the right file?")
        prefix = "/".join(member.parts[: -depth])
        decoded[(prefix, member.parts[-2], member.name)] = _decode_image(data, f"{path}:{member}", mode, hw,
                                                                         max_pixels)

    layout = f"{split}/<class>/<file>" if split else "<class>/<file>"
    if not decoded:
        found = f"; top-level folders found: {', '.join(sorted(seen_tops))}" if seen_tops else ""
        raise LayoutError(f"no images found in {path} under {layout}{found}")
    prefixes = sorted({p for p, _, _ in decoded})
    if len(prefixes) > 1:
        raise LayoutError(
            f"{path}: images found at different depths or under several top folders "
            f"({', '.join(p or '<top>' for p in prefixes)}); expected {layout}"
            + ("" if split else "; pass split= to choose one of them")
        )
    here = {c for _, c, _ in decoded}
    found_classes = sorted(here | class_folders.get(prefixes[0], set()))
    if classes is None:
        classes = found_classes
    else:
        classes = list(classes)
        missing = [c for c in classes if c not in found_classes]
        extra = [c for c in found_classes if c not in classes]
        if missing or extra:
            raise LayoutError(
                f"{path}: class folders do not match the given classes"
                + (f"; no images for {', '.join(missing)}" if missing else "")
                + (f"; unexpected folders {', '.join(extra)} (add them to classes= or remove them)" if extra else "")
            )
    index = {c: k for k, c in enumerate(classes)}
    keys = sorted(decoded, key=lambda k: (index[k[1]], k[2]))
    shapes = {decoded[k].shape for k in keys}
    if len(shapes) > 1:
        first = next(k for k in keys if decoded[k].shape != decoded[keys[0]].shape)
        raise LayoutError(
            f"{path}: images differ in size ({keys[0][1]}/{keys[0][2]} is {decoded[keys[0]].shape[:2]}, "
            f"{first[1]}/{first[2]} is {decoded[first].shape[:2]}); pass size=(height, width) to resize them"
        )
    images = np.stack([decoded.pop(k) for k in keys])
    labels = np.fromiter((index[k[1]] for k in keys), dtype=np.int64, count=len(keys))
    return Dataset(images, labels, tuple(classes), name=name or _natural_name(path), split=split, source=str(path))
