"""The layer-sequence cache: a hit equals the computed sequence, the key follows every input,
an interrupted computation caches nothing, a damaged entry is recomputed."""

from __future__ import annotations

import numpy as np
import pytest

from tourlib.align import Dense, Softmax, layer_sequence, relu
from tourlib.align import sequence_cache as sc
from tourlib.align.sequence_cache import cached_layer_sequence, networks_fingerprint
from tourlib.store import load_npz, save_npz


def net(seed, p=12):
    rng = np.random.default_rng(seed)
    return [Dense(rng.normal(size=(p, 9)) / 3, rng.normal(size=9) * 0.3, name="fc1"), relu("relu1"),
            Dense(rng.normal(size=(9, 4)), rng.normal(size=4) * 0.3, name="fc2"), Softmax(name="softmax")]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "c"))
    return tmp_path / "c" / "layers"


def X(n=80, p=12, seed=0):
    return np.random.default_rng(seed).normal(size=(n, p))


def same(a, b):
    assert np.array_equal(a.points, b.points) and np.array_equal(a.retained, b.retained)
    assert np.array_equal(a.sigma, b.sigma) and a.widths == b.widths
    assert (a.layers, a.names, a.kinds, a.epochs) == (b.layers, b.names, b.kinds, b.epochs)
    assert all(np.array_equal(F, G) for fa, fb in zip(a.frames, b.frames) for F, G in zip(fa, fb))


def test_a_cached_sequence_equals_the_computed_one_and_is_loaded_not_recomputed(cache, monkeypatch):
    nets = [net(1), net(2)]
    direct = layer_sequence(X(), nets, k=4, epochs=[0, 7], seed=3)
    first = cached_layer_sequence(X(), nets, k=4, epochs=[0, 7], seed=3)
    same(first, direct)
    assert len(list(cache.glob("sequence-*.npz"))) == 1

    def fail(*a, **k):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(sc, "layer_sequence", fail)
    same(cached_layer_sequence(X(), [net(1), net(2)], k=4, epochs=[0, 7], seed=3), direct)


@pytest.mark.parametrize("change", ["X", "weight", "k", "seed", "epochs"])
def test_the_key_follows_every_input(cache, change):
    def args():
        return dict(X=X(), networks=[net(1), net(2)], k=4, epochs=[0, 7], seed=3)

    cached_layer_sequence(**args())
    changed = args()
    if change == "X":
        changed["X"][0, 0] += 1e-9
    elif change == "weight":
        changed["networks"][1][2].M[0, 0] += 1e-9
    elif change == "k":
        changed["k"] = 5
    elif change == "seed":
        changed["seed"] = 4
    else:
        changed["epochs"] = [0, 8]
    got = cached_layer_sequence(**changed)
    assert len(list(cache.glob("sequence-*.npz"))) == 2
    same(got, layer_sequence(**changed))


def test_networks_fingerprint_sees_weights_and_functions_not_identity():
    assert networks_fingerprint(net(1)) == networks_fingerprint(net(1))
    assert networks_fingerprint(net(1)) != networks_fingerprint(net(2))
    a, b = net(1), net(1)
    b[1] = relu("relu1")
    assert networks_fingerprint(a) == networks_fingerprint(b)
    with pytest.raises(TypeError, match="cannot fingerprint"):
        networks_fingerprint([object()])


def test_an_interrupted_computation_caches_nothing(cache, monkeypatch):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sc, "layer_sequence", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cached_layer_sequence(X(), [net(1)], k=4, seed=0)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_a_damaged_or_partial_entry_is_a_miss_and_is_replaced(cache):
    nets = [net(1), net(2)]
    good = cached_layer_sequence(X(), nets, k=4, epochs=[0, 7], seed=3)
    path = next(cache.glob("sequence-*.npz"))
    arrays = load_npz(path)
    del arrays["frame_1_2"]                                 # a frame missing
    save_npz(path, **arrays)
    same(cached_layer_sequence(X(), nets, k=4, epochs=[0, 7], seed=3), good)
    assert "frame_1_2" in load_npz(path)                     # replaced by the full sequence
    arrays = load_npz(path)
    arrays["points"] = arrays["points"][:, :, :10]          # wrong shape
    save_npz(path, **arrays)
    same(cached_layer_sequence(X(), nets, k=4, epochs=[0, 7], seed=3), good)
    path.write_bytes(b"not an npz")
    same(cached_layer_sequence(X(), nets, k=4, epochs=[0, 7], seed=3), good)


def test_bad_k_is_refused_before_the_cache(cache):
    with pytest.raises(ValueError, match="k must be a whole number"):
        cached_layer_sequence(X(), [net(1)], k=2.5)


def test_layer_sequence_leaves_no_alignment_it_computed_cached_on_the_layers():
    fresh, held = net(1), net(2)
    held[0].alignment()                                     # computed before: kept
    layer_sequence(X(), [fresh, held], k=4)
    assert not any("_alignment" in vars(layer) for layer in fresh)
    assert "_alignment" in vars(held[0]) and "_alignment" not in vars(held[2])
