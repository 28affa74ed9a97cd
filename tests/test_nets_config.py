"""tourlib.nets: scale presets, data set names, and the loss / accuracy metrics."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tourlib.nets import SCALES, canonical_dataset, dataset_names, resolve_scale, scale_settings
from tourlib.nets.metrics import classification_metrics, softmax_rows


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist", "cifar10"])
def test_full_scale_is_the_articles_and_default_is_smaller(dataset):
    full = scale_settings(dataset, "full")
    default = scale_settings(dataset, "default")
    assert full.epochs == 99 and full.train_size is None  # every training image
    assert 1 <= default.epochs < full.epochs
    assert default.train_size is not None and default.train_size < 50_000
    assert default.n_record == full.n_record == 1000  # same recorded structure at both scales


def test_scale_comes_from_argument_then_environment(monkeypatch):
    monkeypatch.delenv("TOURBOOK_SCALE", raising=False)
    assert resolve_scale() == "default"
    monkeypatch.setenv("TOURBOOK_SCALE", "full")
    assert resolve_scale() == "full"
    assert scale_settings("mnist") == scale_settings("mnist", "full")
    assert resolve_scale("default") == "default"  # the argument wins
    monkeypatch.setenv("TOURBOOK_SCALE", "huge")
    with pytest.raises(ValueError, match="TOURBOOK_SCALE 'huge'.*default, full"):
        resolve_scale()
    with pytest.raises(ValueError, match="scale 'medium'"):
        scale_settings("mnist", "medium")
    assert SCALES == ("default", "full")


def test_dataset_names_and_aliases():
    assert dataset_names() == ("mnist", "fashion-mnist", "cifar10")
    assert canonical_dataset("FMNIST") == "fashion-mnist"
    assert canonical_dataset("CIFAR-10") == "cifar10"
    with pytest.raises(ValueError, match="unknown data set 'imagenet'"):
        canonical_dataset("imagenet")
    with pytest.raises(TypeError):
        canonical_dataset(3)


def test_metrics_agree_with_torch_cross_entropy_per_class():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(200, 10)).astype(np.float32) * 3
    labels = rng.integers(0, 10, 200)
    labels[labels == 4] = 5  # class 4 has no points
    m = classification_metrics(logits, labels, 10)
    point = F.cross_entropy(torch.from_numpy(logits).double(), torch.from_numpy(labels),
                            reduction="none").numpy()
    assert m.loss == pytest.approx(point.mean())
    np.testing.assert_array_equal(m.predictions, logits.argmax(1))
    assert m.accuracy == pytest.approx(np.mean(logits.argmax(1) == labels))
    for c in range(10):
        if c == 4:
            assert np.isnan(m.loss_per_class[c]) and np.isnan(m.accuracy_per_class[c])
        else:
            assert m.loss_per_class[c] == pytest.approx(point[labels == c].mean())
            assert m.accuracy_per_class[c] == pytest.approx(np.mean(logits[labels == c].argmax(1) == c))


def test_metrics_stay_finite_where_probabilities_underflow():
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]], dtype=np.float32)
    m = classification_metrics(logits, np.array([1, 1]), 2)
    assert np.isfinite(m.loss) and m.loss == pytest.approx(500.0)
    p = softmax_rows(logits)
    np.testing.assert_allclose(p.sum(1), 1.0)
