"""A seed sweep of the MNIST network with and without the ReLU on its logits.

For every seed ``s`` and both variants (``logit_relu`` True: the article's network,
False: the ablation) one run of :func:`tourlib.nets.record_training` records the
pre-ReLU logits (layer ``fc2``) of its recorded train and test images at every
snapshot. From them, per snapshot ``e`` and class ``k`` (see :mod:`tourlib.nets.dead`):

``alive``          share of all recorded images (train and test) with ``a_k > 0``
``alive_own``      the same among images *of class k* only
``accuracy``       test accuracy per class, arg-max (as in :class:`TrainingRun`)
``tie_accuracy``   test accuracy per class, a tie at the top counted wrong
``loss``           test cross-entropy per class

Class ``k`` of a ReLU run is **dead** at ``e`` when ``alive[e, k] == 0``. Without the
ReLU nothing is dead (a negative logit still gets a gradient), so ``dead`` is all
False for the ablation.

Sizes: the ``"default"`` preset is sized for a 2-core CPU: 20 seeds × 2 variants of a
shorter run than the book's default MNIST run (5000 images × 20 epochs instead of
10000 × 30). Measured on the shared build machine: about 16 CPU seconds per run
(the book's run: about 35), so 40 runs are about 11 CPU minutes, 5 to 6 minutes on 2
free cores (``benchmarks/bench_sweep.py`` measures it side by side); ``"full"`` (``TOURBOOK_SCALE=full``) is
the article's scale, for a GPU. Each run is cached on its own at
``<cache>/sweep/mnist-<key>.npz``, keyed by :func:`tourlib.store.config_hash` of the
run's full configuration (:func:`tourlib.nets.run_config`) plus :data:`SWEEP_VERSION`,
so an interrupted sweep resumes where it stopped, and a larger sweep reuses the seeds
of a smaller one.

Typical use::

    sweep = run_sweep()                        # trains (or loads) 20 seeds × 2 variants
    sweep.dead(True).shape                     # (20, E+1, 10)
    summary = sweep_summary(sweep)             # fractions of runs with a dead class, revivals, late learners
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ..store import cache_dir, config_hash, load_npz, save_npz
from .config import resolve_scale
from .dead import (alive_fraction, dead_classes, dead_episodes, late_learners, pre_logits,
                   tie_aware_accuracy_per_class)

__all__ = [
    "SWEEP_VERSION",
    "SWEEP_PRESETS",
    "SweepSettings",
    "SeedSweep",
    "sweep_settings",
    "sweep_run",
    "run_sweep",
    "sweep_summary",
    "learning_seeds",
    "learns_every_class",
    "network_learning_every_class",
]

#: Bump when a change here changes what a cached sweep run holds.
SWEEP_VERSION = "sweep-1"
K = 10
_ARRAYS = ("alive", "alive_own", "accuracy", "tie_accuracy", "loss")


@dataclass(frozen=True)
class SweepSettings:
    """The size of a seed sweep: seeds ``0 .. seeds-1``, each trained with these settings."""

    seeds: int
    train_size: int | None
    epochs: int
    n_record: int
    lr: float = 0.01
    momentum: float = 0.5
    batch_size: int = 64

    def run_kwargs(self) -> dict:
        """Keyword arguments of :func:`tourlib.nets.record_training` for one run."""
        return {"train_size": "all" if self.train_size is None else self.train_size, "epochs": self.epochs,
                "n_record": self.n_record, "lr": self.lr, "momentum": self.momentum,
                "batch_size": self.batch_size}


#: ``"default"``: 20 seeds of 5000 training images × 20 epochs (the book's default MNIST run
#: is 10000 × 30) and 500 recorded images per split; ``"full"``: 20 seeds at the article's
#: scale (all 60000 images, 99 epochs, 1000 recorded).
SWEEP_PRESETS: dict[str, SweepSettings] = {
    "default": SweepSettings(seeds=20, train_size=5000, epochs=20, n_record=500),
    "full": SweepSettings(seeds=20, train_size=None, epochs=99, n_record=1000),
}


def sweep_settings(scale: str | None = None, **overrides) -> SweepSettings:
    """The sweep preset ``scale`` (``None``: ``$TOURBOOK_SCALE``, else ``"default"``), with ``overrides``."""
    base = SWEEP_PRESETS[resolve_scale(scale)]
    unknown = set(overrides) - set(SweepSettings.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown sweep setting(s) {sorted(unknown)}; "
                         f"known: {', '.join(SweepSettings.__dataclass_fields__)}")
    values = {**base.__dict__, **{k: v for k, v in overrides.items() if v is not None}}
    if isinstance(values["seeds"], bool) or not isinstance(values["seeds"], (int, np.integer)) \
            or values["seeds"] < 1:
        raise ValueError(f"seeds must be an int ≥ 1 (the sweep uses seeds 0 .. seeds-1), got {values['seeds']!r}")
    return SweepSettings(**values)


# --- one run --------------------------------------------------------------------------------

def _record_kwargs(seed, logit_relu, settings, data, threads, device) -> dict:
    return dict(seed=seed, data=data, logit_relu=logit_relu, layers=("fc2",), threads=threads,
                device=device, **settings.run_kwargs())


def _run_path(dataset: str, kwargs: dict) -> Path:
    """The cache file of one sweep run: keyed by the run's full configuration and :data:`SWEEP_VERSION`."""
    from .record import run_config

    config = run_config(dataset, **kwargs)
    key = config_hash({**config, "sweep_version": SWEEP_VERSION})
    return cache_dir("sweep") / f"{config['dataset']}-{key}.npz"


def _load(path: Path) -> dict | None:
    stored = load_npz(path)
    return None if stored is None else {k: (v if v.ndim else v.item()) for k, v in stored.items()}


def sweep_run(seed: int, logit_relu: bool, settings: SweepSettings, *, dataset: str = "mnist",
              data=None, threads: int = 1, device: str | None = None, cache: bool = True) -> dict:
    """One run of the sweep: the per-snapshot, per-class arrays of the module docstring.

    Returns a dict of ``(E+1)×K`` float64 arrays ``alive``, ``alive_own``, ``accuracy``,
    ``tie_accuracy``, ``loss``, plus scalars ``final_accuracy`` (arg-max, test) and
    ``final_tie_accuracy``. ``data`` and ``device`` are passed to
    :func:`tourlib.nets.record_training` (which trains with ``cache=False``; the
    derived arrays are cached here instead, much smaller than the run).
    """
    from .record import record_training

    kwargs = _record_kwargs(seed, logit_relu, settings, data, threads, device)
    path = _run_path(dataset, kwargs)
    if cache:
        stored = _load(path)
        if stored is not None:
            return stored
    run = record_training(dataset, cache=False, progress=False, **kwargs)
    out = _derive(run, logit_relu)
    if cache:
        save_npz(path, **{k: np.asarray(v) for k, v in out.items()})
    return out


def _derive(run, logit_relu: bool) -> dict:
    a = {s: run.layers["fc2"][s].astype(np.float64) for s in ("train", "test")}
    both = np.concatenate([a["train"], a["test"]], axis=1)              # (E+1)×2n×K
    y_both = np.concatenate([run.labels["train"], run.labels["test"]])
    own = np.stack([(both[:, y_both == k, k] > 0).mean(axis=1) if (y_both == k).any()
                    else np.full(len(both), np.nan) for k in range(K)], axis=1)
    z_test = np.maximum(a["test"], 0) if logit_relu else a["test"]
    tie = tie_aware_accuracy_per_class(z_test, run.labels["test"], K)
    right = (z_test[-1][np.arange(len(run.labels["test"])), run.labels["test"]]
             > np.where(np.eye(K, dtype=bool)[run.labels["test"]], -np.inf, z_test[-1]).max(axis=1))
    return {"alive": alive_fraction(both), "alive_own": own,
            "accuracy": run.accuracy_per_class["test"].astype(np.float64), "tie_accuracy": tie,
            "loss": run.loss_per_class["test"].astype(np.float64),
            "final_accuracy": float(run.accuracy["test"][-1]), "final_tie_accuracy": float(right.mean())}


def _worker(args):
    seed, relu, settings, data, threads, device = args
    return seed, relu, sweep_run(seed, relu, settings, data=data, threads=threads, device=device)


# --- the sweep ------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SeedSweep:
    """The stacked results of a sweep. Arrays are ``V×S×(E+1)×K`` (variant, seed, snapshot, class).

    ``variants`` lists ``logit_relu`` per variant (``(True, False)`` by default); use
    :meth:`variant` to index by it.
    """

    settings: SweepSettings
    seeds: np.ndarray
    variants: tuple[bool, ...]
    arrays: dict[str, np.ndarray] = field(repr=False)
    final_accuracy: np.ndarray = field(repr=False)        # V×S
    final_tie_accuracy: np.ndarray = field(repr=False)    # V×S

    @property
    def epochs(self) -> int:
        return self.settings.epochs

    def variant(self, logit_relu: bool) -> int:
        """Index of the variant with ``logit_relu``."""
        if bool(logit_relu) not in self.variants:
            raise ValueError(f"this sweep has no variant logit_relu={logit_relu}; it has {self.variants}")
        return self.variants.index(bool(logit_relu))

    def get(self, name: str, logit_relu: bool) -> np.ndarray:
        """Array ``name`` (one of alive, alive_own, accuracy, tie_accuracy, loss) for one variant: S×(E+1)×K."""
        if name not in self.arrays:
            raise ValueError(f"unknown sweep array {name!r}; choose one of {', '.join(self.arrays)}")
        return self.arrays[name][self.variant(logit_relu)]

    def dead(self, logit_relu: bool = True, *, own: bool = False) -> np.ndarray:
        """S×(E+1)×K: class dead: its logit is positive on no recorded image (``own=True``: on no
        recorded image *of that class*). Always False without the ReLU."""
        alive = self.get("alive_own" if own else "alive", logit_relu)
        return dead_classes(np.nan_to_num(alive, nan=1.0)) if logit_relu else np.zeros(alive.shape, bool)

    def dead_notes(self, classes: Sequence[str], logit_relu: bool = True) -> list[list[str]]:
        """S×(E+1) cell texts: the classes dead for their own images, then those dead on every image,
        e.g. ``"3, 7 (on every image: 7)"``; ``"none"`` where no class is."""
        own, everywhere = self.dead(logit_relu, own=True), self.dead(logit_relu)
        if len(classes) != own.shape[2]:
            raise ValueError(f"classes has {len(classes)} names but the sweep has {own.shape[2]} classes")

        def names(d):
            return ", ".join(str(classes[k]) for k in np.flatnonzero(d)) or "none"

        return [[f"{names(own[s, e])} (on every image: {names(everywhere[s, e])})" for e in range(own.shape[1])]
                for s in range(own.shape[0])]


def run_sweep(scale: str | None = None, *, variants: Sequence[bool] = (True, False), processes: int = 2,
              threads: int = 1, data=None, device: str | None = None, cache: bool = True,
              progress: bool = False, **overrides) -> SeedSweep:
    """Train (or load) every run of a sweep and stack them (see the module docstring).

    Parameters
    ----------
    scale : "default", "full" or None
        The preset (:data:`SWEEP_PRESETS`); ``None`` reads ``$TOURBOOK_SCALE``.
    variants : sequence of bool
        ``logit_relu`` values to train.
    processes : int
        Worker processes for the runs that are not cached (each uses ``threads``
        PyTorch threads). ``1`` trains in this process.
    data, device
        As for :func:`tourlib.nets.record_training` (default: MNIST loaded by name; CUDA if
        available). The data go to every worker process, so pass small arrays only.
    overrides
        Any :class:`SweepSettings` field (``seeds``, ``train_size``, ``epochs``, ...).
    """
    settings = sweep_settings(scale, **overrides)
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise ValueError(f"processes must be an int ≥ 1, got {processes!r}")
    variants = tuple(bool(v) for v in variants)
    if not variants or len(set(variants)) != len(variants):
        raise ValueError(f"variants must be distinct logit_relu values, got {variants!r}")
    jobs = [(s, v) for v in variants for s in range(settings.seeds)]
    results: dict[tuple[int, bool], dict] = {}
    todo = []
    for s, v in jobs:
        if cache:
            hit = _load(_run_path("mnist", _record_kwargs(s, v, settings, data, threads, device)))
            if hit is not None:
                results[(s, v)] = hit
                continue
        todo.append((s, v))
    if todo and (processes == 1 or len(todo) == 1):
        for s, v in todo:
            results[(s, v)] = sweep_run(s, v, settings, data=data, threads=threads, device=device,
                                        cache=cache)
            if progress:
                print(f"seed {s}, logit_relu={v}: done", flush=True)
    elif todo:
        if not cache:
            raise ValueError("run_sweep with processes > 1 needs cache=True (the workers hand results "
                             "back through the cache); use processes=1 for an uncached sweep")
        ctx = mp.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=processes, mp_context=ctx) as pool:
            tasks = [(s, v, settings, data, threads, device) for s, v in todo]
            for s, v, out in pool.map(_worker, tasks):
                results[(s, v)] = out
                if progress:
                    print(f"seed {s}, logit_relu={v}: done", flush=True)
    arrays = {name: np.stack([np.stack([results[(s, v)][name] for s in range(settings.seeds)])
                              for v in variants]) for name in _ARRAYS}
    finals = {name: np.array([[results[(s, v)][name] for s in range(settings.seeds)] for v in variants])
              for name in ("final_accuracy", "final_tie_accuracy")}
    return SeedSweep(settings, np.arange(settings.seeds), variants, arrays, **finals)


# --- what the sweep shows -------------------------------------------------------------------

def _dead_stats(dead: np.ndarray, seeds: np.ndarray) -> dict:
    """Shares of runs with a dead class at the start / after it / at the end, and the revivals."""
    revivals, still = [], []
    for s in range(len(seeds)):
        for ep in dead_episodes(dead[s]):
            if ep.revived is None:
                still.append((int(seeds[s]), ep.class_index))
            else:
                revivals.append(ep.revived)
    return {
        "at_start": float(dead[:, 0].any(axis=1).mean()),
        "after_start": float(dead[:, 1:].any(axis=(1, 2)).mean()) if dead.shape[1] > 1 else 0.0,
        "at_end": float(dead[:, -1].any(axis=1).mean()),
        "count": dead.sum(axis=2),
        "revival_epochs": np.array(sorted(revivals), dtype=np.int64),
        "still_dead": still,
    }


def sweep_summary(sweep: SeedSweep, *, learnt_level: float = 0.5, quiet_level: float = 0.05,
                  min_quiet: int = 10, min_jump: float = 0.3) -> dict[bool, dict]:
    """Per variant (keyed by ``logit_relu``), what the sweep found.

    Keys of each variant's dict (S = number of seeds, shares are fractions of the S runs):

    ``runs``                       S
    ``dead``, ``dead_own``         statistics of dead classes (logit positive on no recorded image;
                                   ``dead_own``: on no image of the class itself), each a dict with
                                   ``at_start`` (share of runs with one at snapshot 0, the random network),
                                   ``after_start`` (at some snapshot ≥ 1), ``at_end`` (at the last one),
                                   ``count`` (S×(E+1) dead classes per run and snapshot),
                                   ``revival_epochs`` (the snapshot at which each dead stretch ended,
                                   sorted) and ``still_dead`` ((seed, class) dead at the last snapshot)
    ``not_learnt``                 ``(seed, class)`` pairs whose tie-aware test accuracy at the end is
                                   below ``learnt_level``
    ``runs_not_learning_a_class``  share of runs with at least one such class
    ``late_tie``, ``late_argmax``  ``(seed, LateLearner)`` for the article's pattern (accuracy
                                   ≤ ``quiet_level`` for > ``min_quiet`` epochs, then a one-epoch jump
                                   ≥ ``min_jump``), on the tie-aware and on the arg-max test accuracy
    ``runs_with_late_tie``, ``runs_with_late_argmax``   share of runs with at least one
    ``final_accuracy``             S: arg-max test accuracy at the end
    ``final_tie_accuracy``         S: tie-aware test accuracy at the end
    """
    out: dict[bool, dict] = {}
    for relu in sweep.variants:
        v = sweep.variant(relu)
        tie = sweep.get("tie_accuracy", relu)
        n = len(sweep.seeds)
        not_learnt = [(int(sweep.seeds[s]), k) for s in range(n) for k in range(K)
                      if np.isfinite(tie[s, -1, k]) and tie[s, -1, k] < learnt_level]
        res = {"runs": n,
               "dead": _dead_stats(sweep.dead(relu), sweep.seeds),
               "dead_own": _dead_stats(sweep.dead(relu, own=True), sweep.seeds),
               "not_learnt": not_learnt,
               "runs_not_learning_a_class": len({s for s, _ in not_learnt}) / n,
               "final_accuracy": sweep.final_accuracy[v],
               "final_tie_accuracy": sweep.final_tie_accuracy[v]}
        for name, acc in (("tie", tie), ("argmax", sweep.get("accuracy", relu))):
            late = [(int(sweep.seeds[s]), ev) for s in range(n)
                    for ev in late_learners(acc[s], quiet_level=quiet_level, min_quiet=min_quiet,
                                            min_jump=min_jump)]
            res[f"late_{name}"] = late
            res[f"runs_with_late_{name}"] = len({s for s, _ in late}) / n
        out[relu] = res
    return out


def learning_seeds(sweep: SeedSweep, logit_relu: bool = True, *, learnt_level: float = 0.5) -> list[int]:
    """Seeds of the sweep whose run, at its last snapshot, has no dead class and a tie-aware test
    accuracy ≥ ``learnt_level`` on every class, in seed order."""
    dead = sweep.dead(logit_relu)[:, -1] | sweep.dead(logit_relu, own=True)[:, -1]
    tie = sweep.get("tie_accuracy", logit_relu)[:, -1]
    ok = ~dead.any(axis=1) & np.all(np.nan_to_num(tie, nan=1.0) >= learnt_level, axis=1)
    return [int(s) for s in sweep.seeds[ok]]


def learns_every_class(run, *, learnt_level: float = 0.5, images: np.ndarray | None = None) -> bool:
    """Whether a :class:`TrainingRun`'s final network learns every class.

    True when, on the run's recorded test images, no class's logit is dead and every
    class's tie-aware accuracy is ≥ ``learnt_level``. ``images`` are those test images
    (uint8); by default they are loaded by the run's data set name.
    """
    if images is None:
        from ..data import load_dataset

        images = load_dataset(run.config["dataset"], "test").images[run.indices["test"]]
    a = pre_logits(run.model(), images)
    relu = bool(run.config.get("logit_relu", False))
    if relu and dead_classes(alive_fraction(a)).any():
        return False
    tie = tie_aware_accuracy_per_class(np.maximum(a, 0) if relu else a, run.labels["test"], K)
    return bool(np.all(np.nan_to_num(tie, nan=1.0) >= learnt_level))


def network_learning_every_class(sweep: SeedSweep, *, learnt_level: float = 0.5, max_tries: int = 5,
                                 **record_kwargs):
    """A run of the original MNIST network (with the logit ReLU) that learns every class.

    The rule: take the seeds of ``sweep`` that learn every class at the sweep's size
    (:func:`learning_seeds`), in seed order; train each with
    :func:`tourlib.nets.record_training` at the book's settings (``record_kwargs``,
    cached as usual) and return the first whose final network passes
    :func:`learns_every_class`. Raises ``RuntimeError`` after ``max_tries`` failures.

    Returns
    -------
    (seed, TrainingRun)
    """
    from .record import record_training

    record_kwargs = {"progress": False, **record_kwargs, "logit_relu": True}
    tried = []
    for seed in learning_seeds(sweep, True, learnt_level=learnt_level)[:max_tries]:
        run = record_training("mnist", seed=seed, **record_kwargs)
        if learns_every_class(run, learnt_level=learnt_level):
            return seed, run
        tried.append(seed)
    raise RuntimeError(f"no seed learnt every class at the book's settings (tried {tried}); "
                       "raise max_tries or sweep more seeds")
