#!/usr/bin/env python
"""Train the book's CIFAR-10 zoo networks and write their weights (safetensors) with the recipe.

    python scripts/train-zoo.py                      # both models, the recorded default recipes
    python scripts/train-zoo.py cifar-vgg --scale full --out weights/

The default recipes (tourlib.nets.fit.RECIPES["default"]) produced the weights shipped in
src/tourlib/nets/weights/; their seed, settings, per-epoch history and training time are stored in
each file (tourlib.nets.weights.read_weights_info). A checkpoint is written after every epoch to
<out>/<name>.checkpoint.safetensors, so an interrupted run keeps its last finished epoch.
"""
import argparse
import sys
import time
from pathlib import Path

from tourlib.data import load_dataset
from tourlib.nets.fit import fit, recipe_for
from tourlib.nets.weights import SHIPPED, save_weights
from tourlib.nets.zoo import zoo_names


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    p.add_argument("models", nargs="*", default=list(zoo_names()), help=f"zoo models ({', '.join(zoo_names())})")
    p.add_argument("--scale", default=None, help="default (CPU; the shipped weights) or full (GPU; longer)")
    p.add_argument("--out", default=str(SHIPPED), help="folder for the weights files")
    p.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs (for a quick check)")
    p.add_argument("--threads", type=int, default=None, help="PyTorch CPU threads")
    p.add_argument("--device", default="cpu")
    a = p.parse_args(argv)
    train = load_dataset("cifar10", "train")
    test = load_dataset("cifar10", "test")
    out = Path(a.out)
    for name in a.models:
        recipe = recipe_for(name, a.scale)
        if a.epochs:
            from dataclasses import replace
            recipe = replace(recipe, epochs=a.epochs)
        print(f"training {name}: {recipe}", flush=True)

        def checkpoint(epoch, history, model, name=name, recipe=recipe):
            acc = history["test_accuracy"][-1]
            print(f"  {name} epoch {epoch}/{recipe.epochs}: train loss {history['train_loss'][-1]:.3f}, "
                  f"test accuracy {acc:.4f}, {history['seconds'][-1]:.0f} s", flush=True)
            save_weights(out / f"{name}.checkpoint.safetensors", model, recipe, history, history["seconds"][-1])

        result = fit(recipe, (train.images, train.labels), (test.images, test.labels),
                     device=a.device, threads=a.threads, on_epoch=checkpoint)
        path = save_weights(out / f"{name}.safetensors", result.model, recipe, result.history, result.seconds)
        (out / f"{name}.checkpoint.safetensors").unlink(missing_ok=True)
        print(f"wrote {path}: test accuracy {result.history['test_accuracy'][-1]:.4f} "
              f"after {result.seconds / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
