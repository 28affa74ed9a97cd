"""One epoch of SGD, and the settings that make it reproducible.

Loss: the mean cross-entropy ``-log softmax(z)_y`` over a mini-batch, where
``z`` is the softmax's input (:meth:`LayeredNet.logits`, which includes the
logit ReLU when the network has one). Optimiser: SGD with momentum.

Reproducibility: the data order of every epoch is a permutation drawn from a
numpy ``Generator`` (see :func:`epoch_order`), the weights are initialised
from an explicit seed, and :func:`reproducible` fixes PyTorch's thread count
(and on CUDA, deterministic cuDNN kernels) while training runs. With these,
rerunning a configuration on the same machine and software gives bit-identical
results.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from .models import LayeredNet

__all__ = ["default_device", "check_device", "make_optimizer", "epoch_order", "train_epoch", "reproducible"]


def default_device() -> str:
    """``"cuda"`` when a GPU is available, else ``"cpu"``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def check_device(device) -> torch.device:
    """``device`` (a name like ``"cpu"``, ``"cuda:0"``, or a ``torch.device``) if this PyTorch can use it;
    ``None`` gives :func:`default_device`.

    Raises
    ------
    ValueError
        For a name PyTorch does not know, or a CUDA / MPS device this installation or
        machine does not have (instead of PyTorch's ``AssertionError`` deep inside).
    """
    if device is None:
        return torch.device(default_device())
    if not isinstance(device, (str, torch.device)):
        raise ValueError(f"device must be a str such as 'cpu' or 'cuda', or a torch.device; got {device!r}")
    try:
        dev = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {device!r} ({exc}); use 'cpu' or 'cuda'") from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            why = ("this PyTorch was built without CUDA" if torch.version.cuda is None
                   else "no CUDA GPU is visible")
            raise ValueError(f"device={device!r} but {why}; use device='cpu' (or leave device=None)")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(f"device={device!r} but only {torch.cuda.device_count()} CUDA device(s) exist")
    if dev.type == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ValueError(f"device={device!r} but MPS is not available here; use device='cpu'")
    return dev


def make_optimizer(model: LayeredNet, lr: float, momentum: float) -> torch.optim.SGD:
    """SGD over all of ``model``'s parameters: ``v ← μ v + g``, ``w ← w − lr · v``."""
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)


def epoch_order(rng: np.random.Generator, n: int) -> np.ndarray:
    """The order in which one epoch visits ``n`` training images: a permutation of ``0..n-1``."""
    return rng.permutation(n)


def train_epoch(
    model: LayeredNet,
    optimizer: torch.optim.Optimizer,
    images: torch.Tensor,
    labels: torch.Tensor,
    order: np.ndarray,
    batch_size: int,
) -> float:
    """One pass of SGD over ``images[order]`` in mini-batches of ``batch_size`` (the last may be smaller).

    ``images`` is a float ``N×C×H×W`` tensor and ``labels`` an int64 tensor of
    length N, both on the model's device. Returns the mean mini-batch loss.
    """
    model.train()
    order_t = torch.from_numpy(np.asarray(order, dtype=np.int64)).to(images.device)
    total, steps = torch.zeros((), device=images.device), 0
    for start in range(0, len(order_t), batch_size):
        idx = order_t[start:start + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model.logits(images[idx]), labels[idx])
        loss.backward()
        optimizer.step()
        total += loss.detach()
        steps += 1
    return float(total) / max(steps, 1)


@contextlib.contextmanager
def reproducible(threads: int, device: str) -> Iterator[None]:
    """Run the body with ``threads`` PyTorch CPU threads (and deterministic cuDNN on CUDA).

    The previous settings are restored afterwards.
    """
    old_threads = torch.get_num_threads()
    cudnn = torch.backends.cudnn
    old_cudnn = (cudnn.deterministic, cudnn.benchmark)
    torch.set_num_threads(threads)
    if str(device).startswith("cuda"):
        cudnn.deterministic, cudnn.benchmark = True, False
    try:
        yield
    finally:
        torch.set_num_threads(old_threads)
        cudnn.deterministic, cudnn.benchmark = old_cudnn
