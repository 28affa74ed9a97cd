"""Turning uint8 image arrays into the float tensors the networks take.

Convention: images arrive as the data loaders give them, ``uint8`` of shape
``N×H×W`` (grey) or ``N×H×W×C`` (channels last). The networks take ``float32``
tensors ``N×C×H×W`` with values ``x = pixel / 255`` in ``[0, 1]``. Optional
normalisation, ``(x - mean_c) / std_c`` per channel, happens inside the model
(see :meth:`tourlib.nets.models.LayeredNet.set_input_normalization`), so a
model's inputs are always plain ``[0, 1]`` images.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["images_to_tensor", "channel_stats", "check_images"]


def check_images(images: np.ndarray, image_shape: tuple[int, ...], what: str = "images") -> None:
    """Raise ``ValueError`` unless ``images`` is uint8 of shape ``N×image_shape``."""
    if not isinstance(images, np.ndarray):
        raise TypeError(f"{what} must be a numpy array, got {type(images).__name__}")
    if images.dtype != np.uint8:
        raise ValueError(f"{what} must be uint8 pixels 0..255, got dtype {images.dtype}; "
                         "pass the arrays tourlib.data.load_dataset returns")
    if images.shape[1:] != tuple(image_shape):
        raise ValueError(f"{what} must have shape N×{'×'.join(map(str, image_shape))} for this "
                         f"network, got {'×'.join(map(str, images.shape))}")


def images_to_tensor(images: np.ndarray, device: str | torch.device = "cpu") -> torch.Tensor:
    """uint8 ``N×H×W`` or ``N×H×W×C`` images → float32 ``N×C×H×W`` tensor of ``pixel / 255``.

    Raises
    ------
    ValueError
        If ``images`` is not uint8 with 3 or 4 dimensions.
    """
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8 or images.ndim not in (3, 4):
        raise ValueError(
            "images must be a uint8 array N×H×W or N×H×W×C, got "
            f"{getattr(images, 'dtype', type(images).__name__)} {getattr(images, 'shape', '')}"
        )
    x = torch.from_numpy(np.ascontiguousarray(images))
    x = x.unsqueeze(1) if x.ndim == 3 else x.permute(0, 3, 1, 2)
    return x.to(device=device, dtype=torch.float32).div_(255.0).contiguous()


def channel_stats(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and standard deviation of ``pixel / 255`` over all images and pixels.

    Returns two float32 arrays of length C (1 for grey images). A channel with
    zero spread gets std 1, so normalising by it is a shift only.
    """
    channels = 1 if images.ndim == 3 else images.shape[-1]
    flat = images.reshape(-1, channels)
    total = np.zeros(channels, dtype=np.float64)
    total_sq = np.zeros(channels, dtype=np.float64)
    for start in range(0, len(flat), 1 << 20):  # chunks keep the float copy small
        block = flat[start:start + (1 << 20)].astype(np.float64)
        total += block.sum(axis=0)
        total_sq += np.square(block).sum(axis=0)
    count = max(len(flat), 1)
    mean = total / count
    std = np.sqrt(np.maximum(total_sq / count - mean**2, 0.0))
    mean, std = mean / 255.0, std / 255.0
    std[std == 0] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)
