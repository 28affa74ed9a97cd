"""tourlib.nets.sweep: one sweep run, the stacked sweep, its summary, and picking a network.

Everything trains on tiny synthetic data (a few hundred random images, 3 epochs)."""

import numpy as np
import pytest
import torch

import tourlib.nets.record as nets_record
from tourlib.nets import sweep as sw

torch.set_num_threads(1)


def _data(n_train=240, n_test=80, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_train),
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_test))


TINY = dict(seeds=2, train_size=160, epochs=3, n_record=40, batch_size=32)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_SCALE", raising=False)


@pytest.fixture(scope="module")
def data():
    return _data()


def _settings(**kw):
    return sw.sweep_settings("default", **{**TINY, **kw})


def test_one_run_is_deterministic_per_seed(data):
    s = _settings()
    a = sw.sweep_run(0, True, s, data=data, device="cpu", cache=False)
    b = sw.sweep_run(0, True, s, data=data, device="cpu", cache=False)
    c = sw.sweep_run(1, True, s, data=data, device="cpu", cache=False)
    for name in ("alive", "alive_own", "accuracy", "tie_accuracy", "loss"):
        assert a[name].shape == (4, 10)
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a["alive"], c["alive"]) or not np.array_equal(a["loss"], c["loss"])


def test_one_run_values_are_bounded(data):
    out = sw.sweep_run(0, True, _settings(), data=data, device="cpu", cache=False)
    for name in ("alive", "accuracy"):
        assert out[name].min() >= 0 and out[name].max() <= 1
    tie, acc = out["tie_accuracy"], out["accuracy"]
    finite = np.isfinite(tie)
    assert np.all(tie[finite] <= acc[finite] + 1e-12)          # a tie counted wrong never raises accuracy
    assert 0 <= out["final_tie_accuracy"] <= out["final_accuracy"] <= 1


def test_sweep_shapes_summary_bounds_and_cache(data, monkeypatch):
    sweep = sw.run_sweep("default", data=data, device="cpu", processes=1, **TINY)
    V, S, E = 2, TINY["seeds"], TINY["epochs"]
    assert sweep.variants == (True, False) and list(sweep.seeds) == [0, 1]
    for name, arr in sweep.arrays.items():
        assert arr.shape == (V, S, E + 1, 10), name
    assert sweep.dead(True).shape == (S, E + 1, 10) and sweep.dead(True).dtype == bool
    assert not sweep.dead(False).any()                          # no ReLU, nothing is dead
    notes = sweep.dead_notes([str(k) for k in range(10)])
    assert len(notes) == S and all(len(r) == E + 1 for r in notes)
    own, every = sweep.dead(True, own=True), sweep.dead(True)
    for s_ in range(S):
        for e in range(E + 1):
            head, tail = notes[s_][e].split(" (on every image: ")
            assert head == (", ".join(str(k) for k in np.flatnonzero(own[s_, e])) or "none")
            assert tail.rstrip(")") == (", ".join(str(k) for k in np.flatnonzero(every[s_, e])) or "none")
    with pytest.raises(ValueError, match="names"):
        sweep.dead_notes(["a", "b"])
    summary = sw.sweep_summary(sweep)
    for relu in (True, False):
        res = summary[relu]
        assert res["runs"] == S
        for kind in ("dead", "dead_own"):
            st = res[kind]
            for key in ("at_start", "after_start", "at_end"):
                assert 0 <= st[key] <= 1
            assert st["count"].shape == (S, E + 1) and st["count"].max() <= 10
            assert np.all((st["revival_epochs"] >= 1) & (st["revival_epochs"] <= E))
        for key in ("runs_not_learning_a_class", "runs_with_late_tie", "runs_with_late_argmax"):
            assert 0 <= res[key] <= 1
        assert res["final_accuracy"].shape == (S,)
    # the second call loads every run from the cache; a larger sweep trains only its new seeds
    trained = []
    original = nets_record._record
    monkeypatch.setattr(nets_record, "_record",
                        lambda config, *a, **k: trained.append(config["seed"]) or original(config, *a, **k))
    again = sw.run_sweep("default", data=data, device="cpu", processes=1, **TINY)
    assert trained == []
    for name in sweep.arrays:
        np.testing.assert_array_equal(sweep.arrays[name], again.arrays[name])
    bigger = sw.run_sweep("default", data=data, device="cpu", processes=1, **{**TINY, "seeds": 3})
    assert trained == [2, 2]
    np.testing.assert_array_equal(bigger.arrays["alive"][:, :2], sweep.arrays["alive"])


def test_two_processes_give_the_same_sweep(data, tmp_path, monkeypatch):
    one = sw.run_sweep("default", data=data, device="cpu", processes=1, variants=(True,), **TINY)
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "fresh"))     # so that the two workers really train
    two = sw.run_sweep("default", data=data, device="cpu", processes=2, variants=(True,), **TINY)
    for name in one.arrays:
        np.testing.assert_array_equal(one.arrays[name], two.arrays[name])


def test_settings_presets_and_errors(monkeypatch):
    assert sw.sweep_settings("default").seeds >= 20
    monkeypatch.setenv("TOURBOOK_SCALE", "full")
    full = sw.sweep_settings()
    assert full.train_size is None and full.epochs == 99
    assert full.run_kwargs()["train_size"] == "all"
    with pytest.raises(ValueError, match="unknown sweep setting"):
        sw.sweep_settings("default", seed=3)
    with pytest.raises(ValueError, match="seeds must be"):
        sw.sweep_settings("default", seeds=0)
    with pytest.raises(ValueError, match="processes"):
        sw.run_sweep("default", processes=0)
    with pytest.raises(ValueError, match="variants"):
        sw.run_sweep("default", variants=(True, True))


def _synthetic_sweep(tie_end, alive_end):
    """A SeedSweep from hand-made arrays: S seeds, 2 snapshots, ReLU variant only."""
    S = len(tie_end)
    arrays = {name: np.ones((1, S, 2, 10)) for name in ("alive", "alive_own", "accuracy", "tie_accuracy",
                                                         "loss")}
    arrays["tie_accuracy"][0, :, -1] = tie_end
    arrays["alive"][0, :, -1] = alive_end
    arrays["alive_own"][0, :, -1] = alive_end
    return sw.SeedSweep(sw.sweep_settings("default", seeds=S, epochs=1), np.arange(S), (True,), arrays,
                        final_accuracy=np.ones((1, S)), final_tie_accuracy=np.ones((1, S)))


def test_learning_seeds_skip_dead_and_unlearnt_runs():
    tie = np.ones((4, 10))
    alive = np.ones((4, 10))
    tie[0, 0] = 0.0          # seed 0: class 0 never wins on its own
    alive[1, 3] = 0.0        # seed 1: class 3 dead at the end
    tie[3, 5] = 0.2          # seed 3: class 5 poorly learnt
    sweep = _synthetic_sweep(tie, alive)
    assert sw.learning_seeds(sweep) == [2]
    assert sw.learning_seeds(sweep, learnt_level=0.1) == [2, 3]
    with pytest.raises(ValueError, match="no variant"):
        sw.learning_seeds(sweep, False)
    summary = sw.sweep_summary(sweep)[True]
    assert summary["dead"]["at_end"] == 0.25 and summary["dead"]["still_dead"] == [(1, 3)]
    assert set(summary["not_learnt"]) == {(0, 0), (3, 5)}


def test_learns_every_class_on_constructed_networks(data):
    run = nets_record.record_training("mnist", seed=0, data=data, epochs=1, train_size=160, n_record=40,
                                      batch_size=32, device="cpu", cache=False, progress=False)
    images = data[2][run.indices["test"]]
    alive = _with_fc2_bias(run, lambda b: b.__setitem__(slice(None), 1e4))     # every logit positive
    assert sw.learns_every_class(alive, images=images, learnt_level=0.0)
    assert not sw.learns_every_class(alive, images=images, learnt_level=1.0)   # random labels: not perfect
    dead = _with_fc2_bias(alive, lambda b: b.__setitem__(4, -1e4))             # class 4 dead
    assert not sw.learns_every_class(dead, images=images, learnt_level=0.0)


def _with_fc2_bias(run, edit):
    import dataclasses

    weights = {k: v.copy() for k, v in run.weights.items()}
    edit(weights["fc2.bias"])
    return dataclasses.replace(run, weights=weights)
