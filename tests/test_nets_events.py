"""Learning events from per-class accuracy histories with known, synthetic jumps."""

import numpy as np
import pytest

from tourlib.nets.events import LearningEvent, events_table, first_epoch_above, learning_events

E = 30  # epochs: E+1 snapshots


def sigmoid_step(epoch_of_jump: int, low=0.05, high=0.95, width=0.15, n_snapshots=E + 1):
    """Accuracy rising from ``low`` to ``high`` mostly during training epoch ``epoch_of_jump``.

    The sigmoid is centred half-way between snapshots ``epoch_of_jump − 1`` and ``epoch_of_jump``,
    so that one-epoch gain is the largest by construction.
    """
    e = np.arange(n_snapshots)
    return low + (high - low) / (1 + np.exp(-(e - (epoch_of_jump - 0.5)) / width))


def test_single_sigmoid_step_found_at_its_epoch_with_its_values():
    a = np.column_stack([sigmoid_step(14)])
    (ev,) = learning_events(a)
    assert ev.class_index == 0 and ev.epoch == 14
    assert ev.before == pytest.approx(a[13, 0]) and ev.after == pytest.approx(a[14, 0])
    assert ev.jump == pytest.approx(a[14, 0] - a[13, 0])
    assert ev.first_above == 14


def test_two_classes_like_the_article_digits_one_and_seven():
    a = np.full((E + 1, 10), 0.97)
    a[0] = 0.1
    a[1:, :] = 0.97
    a[:, 1] = sigmoid_step(14)
    a[:, 7] = sigmoid_step(21)
    names = [f"digit {k}" for k in range(10)]
    events = learning_events(a, classes=names)
    # the other classes jump from 0.1 to 0.97 in epoch 1: events at epoch 1, then 1 and 7
    late = [ev for ev in events if ev.epoch > 1]
    assert [(ev.class_index, ev.epoch) for ev in late] == [(1, 14), (7, 21)]
    assert late[0].class_name == "digit 1"
    assert [ev.epoch for ev in events] == sorted(ev.epoch for ev in events)


def test_noise_does_not_move_the_event():
    rng = np.random.default_rng(0)
    jumps = [3, 9, 14, 21, 27]
    a = np.column_stack([sigmoid_step(j) for j in jumps])
    noisy = np.clip(a + rng.normal(scale=0.03, size=a.shape), 0, 1)
    events = learning_events(noisy, min_jump=0.3)
    assert sorted((ev.class_index, ev.epoch) for ev in events) == list(enumerate(jumps))


def test_gradual_learning_and_flat_histories_have_no_event():
    e = np.arange(E + 1)
    gradual = np.minimum(e / 20, 1.0)  # +0.05 per epoch
    flat_high = np.full(E + 1, 0.98)
    flat_low = np.full(E + 1, 0.02)
    a = np.column_stack([gradual, flat_high, flat_low])
    assert learning_events(a, min_jump=0.3) == []
    # first_above still reports when each class passes 50 %
    assert first_epoch_above(a) == [11, 0, None]


def test_min_jump_is_inclusive_and_the_threshold_filters():
    a = np.zeros((4, 1))
    a[2:, 0] = 0.4
    assert [ev.epoch for ev in learning_events(a, min_jump=0.4)] == [2]
    assert learning_events(a, min_jump=0.41) == []


def test_largest_of_several_jumps_and_all_jumps():
    a = np.zeros((E + 1, 1))
    a[5:, 0] = 0.35   # +0.35 at epoch 5
    a[12:, 0] = 0.45  # +0.10 at epoch 12
    a[20:, 0] = 0.95  # +0.50 at epoch 20
    (ev,) = learning_events(a, min_jump=0.3)
    assert ev.epoch == 20 and ev.jump == pytest.approx(0.5)
    assert ev.first_above == 20
    assert [e.epoch for e in learning_events(a, min_jump=0.3, which="all")] == [5, 20]


def test_equal_jumps_pick_the_earliest():
    a = np.zeros((7, 1))
    a[2:, 0] = 0.4
    a[5:, 0] = 0.8
    (ev,) = learning_events(a, min_jump=0.3)
    assert ev.epoch == 2


def test_drops_are_not_events_and_first_above_can_precede_the_event():
    # an untrained net predicts class 0 everywhere (accuracy 1), unlearns it, relearns it at epoch 6
    a = np.array([1.0, 0.2, 0.2, 0.2, 0.2, 0.2, 0.9, 0.9])[:, None]
    (ev,) = learning_events(a)
    assert ev.epoch == 6 and ev.first_above == 0


def test_level_changes_first_above():
    a = np.column_stack([np.linspace(0, 1, 11)])
    assert first_epoch_above(a, level=0.5) == [6]
    assert first_epoch_above(a, level=0.25) == [3]


def test_class_without_points_is_skipped():
    a = np.column_stack([sigmoid_step(4), np.full(E + 1, np.nan)])
    events = learning_events(a)
    assert [ev.class_index for ev in events] == [0]
    assert first_epoch_above(a)[1] is None


def test_events_table_and_str():
    a = np.column_stack([sigmoid_step(4), sigmoid_step(8)])
    events = learning_events(a, classes=["one", "seven"])
    table = events_table(events)
    assert table["class_name"] == ["one", "seven"] and table["epoch"] == [4, 8]
    assert set(table) == set(events[0].as_dict())
    assert isinstance(events[0], LearningEvent)
    assert "seven" in str(events[1]) and "epoch 8" in str(events[1])


@pytest.mark.parametrize("bad, match", [
    (np.zeros(5), "2-D"),
    (np.zeros((2, 3, 4)), "2-D"),
    (np.zeros((1, 10)), "at least 2 snapshots"),
    (np.zeros((5, 0)), "at least 2 snapshots"),
    (np.array([[0.1, 0.2], [np.nan, 0.3], [0.5, 0.5]]), "NaN"),
    (np.array([[0.1], [np.inf]]), "infinite"),
    (np.array([[10.0], [95.0]]), r"\[0, 1\]"),
    (np.array([[-0.1], [0.5]]), r"\[0, 1\]"),
])
def test_bad_histories_raise_clear_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        learning_events(bad)


@pytest.mark.parametrize("kwargs, match", [
    ({"min_jump": 0}, "min_jump"),
    ({"min_jump": 1.5}, "min_jump"),
    ({"min_jump": float("nan")}, "min_jump"),
    ({"level": 1.0}, "level"),
    ({"which": "first"}, "which"),
    ({"classes": ["a"]}, "class names"),
])
def test_bad_arguments_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        learning_events(np.zeros((3, 2)), **kwargs)
