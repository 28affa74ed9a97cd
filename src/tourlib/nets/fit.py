"""Training the zoo's CIFAR-10 networks well: the recipe, the loop and the evaluation.

The recipe (:class:`Recipe`) is plain data, recorded beside the weights it
produced. Its parts are standard for small CIFAR-10 networks:

* **augmentation**, applied per batch in torch: a random translation of up to
  ``crop_pad`` pixels (reflect-pad, then a random ``32×32`` crop) and a random
  horizontal flip, each drawn from the run's seeded generator;
* **loss**: cross-entropy with label smoothing ``ε``: the target is
  ``(1 − ε)·onehot(y) + ε/10``;
* **optimiser**: SGD with Nesterov momentum ``μ`` and weight decay ``λ`` (not
  on BatchNorm parameters or biases);
* **schedule**: the learning rate rises linearly from ``lr/10`` to ``lr`` over the
  first ``warmup`` fraction of steps, then falls linearly to 0 (one cycle).

Everything random comes from ``seed``: the initial weights, the epoch orders and
the augmentation draws, so a rerun on the same machine and software gives the
same weights.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from .inputs import channel_stats, images_to_tensor
from .models import LayeredNet
from .zoo import build_zoo_model

__all__ = ["Recipe", "RECIPES", "recipe_for", "augment", "fit", "evaluate", "FitResult"]


@dataclass(frozen=True)
class Recipe:
    """How a zoo network is trained (see the module docstring for what each setting does)."""

    model: str
    seed: int = 0
    epochs: int = 16
    batch_size: int = 256
    lr: float = 0.2
    momentum: float = 0.9
    weight_decay: float = 5e-4
    label_smoothing: float = 0.1
    warmup: float = 0.15
    crop_pad: int = 4
    flip: bool = True
    train_size: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


# The recipes the shipped weights were trained with (``scale="default"``), and
# the longer ones for readers with a GPU (``scale="full"``).
RECIPES: dict[str, dict[str, Recipe]] = {
    "default": {
        "cifar-vgg": Recipe("cifar-vgg", seed=0, epochs=12, lr=0.1),
        "cifar-resnet": Recipe("cifar-resnet", seed=0, epochs=12, lr=0.2),
    },
    "full": {
        "cifar-vgg": Recipe("cifar-vgg", seed=0, epochs=60, lr=0.1),
        "cifar-resnet": Recipe("cifar-resnet", seed=0, epochs=60),
    },
}


def recipe_for(model: str, scale: str | None = None) -> Recipe:
    """The recipe for zoo model ``model`` at ``scale`` (``None`` reads ``TOURBOOK_SCALE``)."""
    from .config import resolve_scale

    key = resolve_scale(scale)
    if model not in RECIPES[key]:
        raise ValueError(f"no recipe for {model!r}; the zoo has {', '.join(RECIPES[key])}")
    return RECIPES[key][model]


def augment(x: torch.Tensor, gen: torch.Generator, crop_pad: int, flip: bool) -> torch.Tensor:
    """Random translation (reflect-pad by ``crop_pad``, random crop) and horizontal flip of a batch ``N×C×H×W``.

    Each image gets its own offset and flip, drawn from ``gen``. Shapes are kept.
    """
    n, _, h, w = x.shape
    if crop_pad > 0:
        padded = F.pad(x, (crop_pad,) * 4, mode="reflect")
        dx = torch.randint(0, 2 * crop_pad + 1, (n,), generator=gen)
        dy = torch.randint(0, 2 * crop_pad + 1, (n,), generator=gen)
        rows = (dy[:, None] + torch.arange(h)[None, :])  # n×h
        cols = (dx[:, None] + torch.arange(w)[None, :])  # n×w
        idx_n = torch.arange(n)[:, None, None]
        x = padded.permute(0, 2, 3, 1)[idx_n, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
    if flip:
        mirror = torch.rand(n, generator=gen) < 0.5
        x = torch.where(mirror[:, None, None, None], x.flip(3), x)
    return x.contiguous()


def _param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def _lr_at(step: int, total: int, recipe: Recipe) -> float:
    warm = max(1, int(round(recipe.warmup * total)))
    if step < warm:
        return recipe.lr * (0.1 + 0.9 * step / warm)
    return recipe.lr * max(0.0, (total - step) / max(1, total - warm))


@torch.no_grad()
def evaluate(model: LayeredNet, images: np.ndarray, labels: np.ndarray, batch_size: int = 1000) -> dict:
    """Test loss (plain cross-entropy) and accuracy of ``model`` on uint8 ``images`` with int ``labels``."""
    was = model.training
    model.eval()
    device = next(model.parameters()).device
    loss, correct = 0.0, 0
    y_all = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    for start in range(0, len(images), batch_size):
        x = images_to_tensor(images[start:start + batch_size], device)
        y = y_all[start:start + batch_size].to(device)
        z = model.logits(x)
        loss += float(F.cross_entropy(z, y, reduction="sum"))
        correct += int((z.argmax(1) == y).sum())
    model.train(was)
    n = max(len(images), 1)
    return {"loss": loss / n, "accuracy": correct / n}


@dataclass
class FitResult:
    """A trained model with its per-epoch history and the wall time it took."""

    model: LayeredNet
    recipe: Recipe
    history: dict = field(default_factory=dict)  # train_loss, test_loss, test_accuracy per epoch
    seconds: float = 0.0


def fit(
    recipe: Recipe,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    device: str = "cpu",
    threads: int | None = None,
    on_epoch: Callable[[int, dict, LayeredNet], None] | None = None,
    progress: bool = False,
) -> FitResult:
    """Train the zoo network ``recipe.model`` with ``recipe`` on ``train = (images, labels)``.

    ``images`` are uint8 ``N×32×32×3``. The model normalises its inputs by the
    training images' channel statistics. ``test``, when given, is evaluated after
    every epoch. ``on_epoch(epoch, history, model)`` is called after each epoch
    (e.g. to checkpoint). Raises ``FloatingPointError`` if the loss becomes NaN
    or infinite, naming the epoch (lower ``lr``).
    """
    images, labels = train
    if recipe.train_size is not None:
        pick = np.random.default_rng(recipe.seed).permutation(len(images))[: recipe.train_size]
        images, labels = images[np.sort(pick)], labels[np.sort(pick)]
    model = build_zoo_model(recipe.model, seed=recipe.seed)
    model.set_input_normalization(*channel_stats(images))
    model.to(device=device, memory_format=torch.channels_last)  # NHWC kernels: ~1.2-1.6x faster on CPU
    old_threads = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(recipe.seed)
    rng = np.random.default_rng(recipe.seed)
    x_all = images_to_tensor(images)  # float32 N×3×32×32 in [0, 1]
    y_all = torch.as_tensor(np.asarray(labels, dtype=np.int64))
    opt = torch.optim.SGD(_param_groups(model, recipe.weight_decay), lr=recipe.lr,
                          momentum=recipe.momentum, nesterov=True)
    steps_per_epoch = math.ceil(len(x_all) / recipe.batch_size)
    total = steps_per_epoch * recipe.epochs
    history: dict[str, list[float]] = {"train_loss": [], "test_loss": [], "test_accuracy": [], "seconds": []}
    start_time, step = time.perf_counter(), 0
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=total, desc=recipe.model, unit="step")
    try:
        for epoch in range(1, recipe.epochs + 1):
            model.train()
            order = torch.from_numpy(rng.permutation(len(x_all)))
            running, count = 0.0, 0
            for s in range(steps_per_epoch):
                idx = order[s * recipe.batch_size:(s + 1) * recipe.batch_size]
                x = augment(x_all[idx], gen, recipe.crop_pad, recipe.flip).to(device)
                x = x.contiguous(memory_format=torch.channels_last)
                y = y_all[idx].to(device)
                for group in opt.param_groups:
                    group["lr"] = _lr_at(step, total, recipe)
                loss = F.cross_entropy(model.logits(x), y, label_smoothing=recipe.label_smoothing)
                if not torch.isfinite(loss):
                    raise FloatingPointError(
                        f"training {recipe.model} diverged in epoch {epoch} (loss {loss.item()}); "
                        f"the learning rate {recipe.lr} is likely too high: lower it")
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                running += loss.item() * len(idx)
                count += len(idx)
                step += 1
                if bar is not None:
                    bar.update(1)
            history["train_loss"].append(running / count)
            if test is not None:
                ev = evaluate(model, *test)
                history["test_loss"].append(ev["loss"])
                history["test_accuracy"].append(ev["accuracy"])
            history["seconds"].append(time.perf_counter() - start_time)
            if on_epoch is not None:
                on_epoch(epoch, history, model)
    finally:
        if bar is not None:
            bar.close()
        torch.set_num_threads(old_threads)
    model.to(memory_format=torch.contiguous_format).eval()
    return FitResult(model=model, recipe=recipe, history=history, seconds=time.perf_counter() - start_time)
