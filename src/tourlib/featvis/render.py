"""The optimisation loop: images that maximise an objective.

``render(model, objective)`` starts from a parameterised batch (default: the
colour-decorrelated Fourier image of :func:`~tourlib.featvis.param.image_param`),
and for ``steps`` steps builds the images, applies the random transformations,
runs the model (only as far as the objective's layers), and takes an Adam step
on ``−Σ_i objective_i`` (so every image of the batch is optimised for its own
value at once). Seeds: ``seed`` draws the initial parameters and seeds the
transformations' ``torch.Generator``. It shows and saves nothing; the result
holds the images as arrays and the objective per step.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np
import torch

from .capture import capture
from .objectives import Objective
from .param import image_param
from .transform import compose

__all__ = ["RenderResult", "render", "evaluate", "to_numpy_images", "frozen"]


@dataclass
class RenderResult:
    """What :func:`render` returns.

    ``images``: ``N×H×W×3`` (float32 in ``[0, 1]``, or uint8); ``history``:
    ``steps×N`` objective of each image at each step (on the transformed input
    the step optimised, before the update); ``final``: ``(N,)`` objective of the
    final images without transformations; ``snapshots``: step → images after
    that many updates (the ``thresholds``).
    """

    images: np.ndarray
    history: np.ndarray
    final: np.ndarray
    snapshots: dict[int, np.ndarray] = field(default_factory=dict)


def to_numpy_images(x: torch.Tensor, uint8: bool = False) -> np.ndarray:
    """``N×3×H×W`` tensor in ``[0, 1]`` → ``N×H×W×3`` float32 (or uint8, rounded) array."""
    a = x.detach().permute(0, 2, 3, 1).to("cpu", torch.float32).clamp(0, 1).numpy()
    return np.round(a * 255).astype(np.uint8) if uint8 else a.copy()


class frozen:
    """Context: ``model`` in eval mode with ``requires_grad=False`` on its parameters; both restored after."""

    def __init__(self, model: torch.nn.Module):
        self.model = model

    def __enter__(self):
        self.training = self.model.training
        self.flags = [p.requires_grad for p in self.model.parameters()]
        self.model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        return self.model

    def __exit__(self, *exc):
        for p, f in zip(self.model.parameters(), self.flags):
            p.requires_grad_(f)
        self.model.train(self.training)
        return False


def _values(model, objective: Objective, x: torch.Tensor, image: torch.Tensor) -> torch.Tensor:
    acts = capture(model, x, objective.layers)
    acts["input"] = x
    acts["image"] = image
    v = objective(acts)
    if not isinstance(v, torch.Tensor) or v.ndim != 1 or len(v) != len(image):
        raise ValueError(f"objective {objective.name} must give one value per image ({len(image)}), "
                         f"got {getattr(v, 'shape', type(v))}")
    return v


def _check_images(x: torch.Tensor):
    if x.ndim != 4 or x.shape[1] != 3:
        raise ValueError(f"images must be N×3×H×W, got shape {tuple(x.shape)}")
    if not torch.all(torch.isfinite(x)):
        raise ValueError("images contain NaN or infinite values")


def evaluate(model: torch.nn.Module, objective: Objective, images) -> np.ndarray:
    """The objective's value ``(N,)`` for fixed images (``N×H×W×3`` uint8/float array, or ``N×3×H×W`` tensor)."""
    if not isinstance(objective, Objective):
        raise ValueError(f"objective must be a tourlib.featvis Objective, got {type(objective).__name__}")
    if isinstance(images, np.ndarray):
        if images.ndim != 4 or images.shape[-1] != 3:
            raise ValueError(f"image arrays must be N×H×W×3, got shape {images.shape}")
        x = torch.as_tensor(images.astype(np.float32) / (255.0 if images.dtype == np.uint8 else 1.0)).permute(0, 3, 1, 2)
    else:
        x = torch.as_tensor(images, dtype=torch.float32)
    _check_images(x)
    with frozen(model), torch.no_grad():
        return _values(model, objective, x, x).cpu().numpy()


def render(
    model: torch.nn.Module,
    objective: Objective,
    *,
    param: tuple[list[torch.Tensor], Callable[[], torch.Tensor]] | None = None,
    size: int = 32,
    batch: int = 1,
    transforms: Sequence[Callable] | None = None,
    steps: int = 256,
    lr: float = 0.05,
    seed: int = 0,
    thresholds: Iterable[int] = (),
    uint8: bool = False,
    progress: bool = False,
) -> RenderResult:
    """Optimise images to maximise ``objective`` (summed over the batch) with Adam.

    Parameters
    ----------
    param : (params, to_images), optional
        A parameterisation from :mod:`tourlib.featvis.param`; default
        ``image_param(size, batch=batch, seed=seed)`` (Fourier, CIFAR-10
        colours decorrelated). ``size`` and ``batch`` are used only then.
    transforms : list of transformations, optional
        Applied to the images before the model at every step
        (:mod:`tourlib.featvis.transform`), drawing from a generator seeded by ``seed``.
    thresholds : step counts at which to keep a copy of the images (0 = the start).
    progress : show a tqdm bar (tqdm itself stays quiet when stderr is not a terminal).

    Raises
    ------
    ValueError
        Unknown layer (lists the valid ones), channel or position beyond a
        layer's size (names the range), bad steps/lr/thresholds, or an objective
        that becomes NaN (names the step).
    """
    if not isinstance(objective, Objective):
        raise ValueError(f"objective must be a tourlib.featvis Objective, got {type(objective).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not (isinstance(lr, (int, float)) and np.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    marks = sorted(set(int(t) for t in thresholds))
    if any(t < 0 or t > steps for t in marks):
        raise ValueError(f"thresholds must lie in 0..steps ({steps}), got {marks}")
    params, to_images = param if param is not None else image_param(size, batch=batch, seed=seed)
    transform = compose(transforms) if transforms else None
    gen = torch.Generator().manual_seed(int(seed))
    opt = torch.optim.Adam(params, lr=lr)
    history = []
    snapshots: dict[int, np.ndarray] = {}
    from tqdm.auto import tqdm

    bar = tqdm(range(steps), disable=None if progress else True, desc=objective.name[:40], file=sys.stderr)
    with frozen(model):
        if 0 in marks:
            with torch.no_grad():
                snapshots[0] = to_numpy_images(to_images(), uint8)
        for step in bar:
            opt.zero_grad(set_to_none=True)
            image = to_images()
            x = transform(image, gen) if transform is not None else image
            v = _values(model, objective, x, image)
            if not torch.all(torch.isfinite(v)):
                bad = torch.nonzero(~torch.isfinite(v)).flatten().tolist()
                raise ValueError(f"objective {objective.name} is NaN or infinite at step {step} for images {bad}; "
                                 "lower lr or check the objective's weights")
            (-v.sum()).backward()
            opt.step()
            history.append(v.detach().cpu().numpy())
            if step + 1 in marks:
                with torch.no_grad():
                    snapshots[step + 1] = to_numpy_images(to_images(), uint8)
        bar.close()
        with torch.no_grad():
            final_images = to_images()
            final = _values(model, objective, final_images, final_images).cpu().numpy()
    return RenderResult(images=to_numpy_images(final_images, uint8), history=np.stack(history),
                        final=final, snapshots=snapshots)
