"""Trained zoo weights: saved as safetensors (a format that runs no code when loaded), with their recipe.

A weights file holds the model's ``state_dict`` (float32 tensors) and, in the
safetensors header's string metadata, the zoo name, the recipe (JSON), the
per-epoch history, the training time and the software versions. The book
ships one file per zoo model in ``tourlib/nets/weights/``, trained by
``scripts/train-zoo.py``; :func:`load_zoo_model` reads it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from .fit import Recipe
from .models import LayeredNet
from .zoo import build_zoo_model, zoo_names

__all__ = ["shipped_weights_path", "save_weights", "read_weights_info", "load_weights", "load_zoo_model",
           "zoo_accuracy"]

SHIPPED = Path(__file__).with_name("weights")


def shipped_weights_path(name: str) -> Path:
    """Where the book's trained weights for zoo model ``name`` live."""
    if name not in zoo_names():
        raise ValueError(f"unknown zoo model {name!r}; choose one of {', '.join(zoo_names())}")
    return SHIPPED / f"{name}.safetensors"


def save_weights(path: str | os.PathLike, model: LayeredNet, recipe: Recipe, history: dict, seconds: float) -> Path:
    """Write ``model``'s weights and their provenance to ``path`` (written to a temporary name, then renamed)."""
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    meta = {
        "zoo_name": recipe.model,
        "recipe": json.dumps(recipe.as_dict(), sort_keys=True),
        "history": json.dumps(history),
        "seconds": f"{seconds:.1f}",
        "torch": torch.__version__,
        "threads": str(torch.get_num_threads()),
    }
    tmp = path.with_name(path.name + ".part")
    save_file(tensors, str(tmp), metadata=meta)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # readable like any file the user writes (a shared folder stays shared)
    os.replace(tmp, path)
    return path


def read_weights_info(path: str | os.PathLike) -> dict:
    """The provenance stored with a weights file: zoo name, recipe, history, seconds, versions."""
    from safetensors import safe_open

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no weights file at {path}; train it with scripts/train-zoo.py")
    with safe_open(str(path), framework="pt") as f:
        meta = dict(f.metadata() or {})
    info = dict(meta)
    info["recipe"] = Recipe(**json.loads(meta["recipe"]))
    info["history"] = json.loads(meta.get("history", "{}"))
    info["seconds"] = float(meta.get("seconds", "nan"))
    return info


def load_weights(path: str | os.PathLike) -> LayeredNet:
    """The zoo network stored at ``path``, in evaluation mode on the CPU."""
    from safetensors.torch import load_file

    info = read_weights_info(path)
    model = build_zoo_model(info["zoo_name"], seed=0)
    state = load_file(str(path))
    missing, unexpected = set(model.state_dict()) - set(state), set(state) - set(model.state_dict())
    if missing or unexpected:
        raise ValueError(f"{path} does not fit zoo model {info['zoo_name']!r}: missing {sorted(missing)[:5]}, "
                         f"unexpected {sorted(unexpected)[:5]}; retrain with scripts/train-zoo.py")
    model.load_state_dict(state)
    model.eval()
    return model


def load_zoo_model(name: str) -> LayeredNet:
    """The book's trained zoo network ``name`` (``cifar-vgg`` or ``cifar-resnet``), from the shipped weights."""
    return load_weights(shipped_weights_path(name))


def zoo_accuracy(name: str) -> float:
    """The CIFAR-10 test accuracy recorded for the shipped weights of zoo model ``name`` (last epoch)."""
    return float(read_weights_info(shipped_weights_path(name))["history"]["test_accuracy"][-1])
