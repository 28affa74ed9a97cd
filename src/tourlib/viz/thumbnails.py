"""Small images as PNG data URIs, for tooltips that show a point's own image."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def png_data_uri(image: np.ndarray, scale: int = 2) -> str:
    """One ``uint8`` image (H×W grey or H×W×3 RGB) as a ``data:image/png;base64,…`` URI.

    ``scale`` enlarges by pixel repetition so small digits stay crisp in a tooltip.
    """
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        raise TypeError(f"thumbnails need uint8 images, got {arr.dtype}; convert with (x * 255).astype('uint8')")
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[2] != 3):
        raise ValueError(f"expected an H×W or H×W×3 image, got shape {arr.shape}")
    img = Image.fromarray(arr)
    if scale != 1:
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def png_data_uris(images: np.ndarray, scale: int = 2) -> list[str]:
    """:func:`png_data_uri` for each image of an N×H×W or N×H×W×3 array."""
    return [png_data_uri(im, scale) for im in np.asarray(images)]
