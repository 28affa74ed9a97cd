"""confusion_ways on synthetic softmax rows with known positions in the triangle."""

import numpy as np
import pytest

from tourlib.nets.confusion import confusion_ways


def rows(*spec, K=10):
    """Softmax rows: each spec is {class: probability}; the rest is spread over the other classes."""
    out = []
    for s in spec:
        p = np.zeros(K)
        for k, v in s.items():
            p[k] = v
        rest = [k for k in range(K) if k not in s]
        p[rest] = (1 - p.sum()) / len(rest)
        out.append(p)
    return np.array(out)


def test_vertex_edge_inside_and_excluded():
    P = rows({5: 1.0},                       # vertex
             {5: 0.6, 7: 0.4},               # edge 5–7
             {7: 0.5, 9: 0.49},              # edge 7–9 (mass 0.99)
             {5: 0.4, 7: 0.3, 9: 0.3},       # inside
             {5: 0.5, 1: 0.5},               # mass 0.5: excluded
             {5: 0.7, 7: 0.28, 9: 0.02})     # third below 0.05 after renormalising: edge
    c = confusion_ways(P, [5, 7, 9], min_mass=0.9, threshold=0.05)
    np.testing.assert_array_equal(c.ways, [1, 2, 2, 3, 0, 2])
    assert c.counted == 5
    assert c.count(2) == 3 and c.share(2) == pytest.approx(3 / 5)
    assert c.share(3) == pytest.approx(1 / 5)
    assert c.share_of_confused(2) == pytest.approx(3 / 4)
    np.testing.assert_allclose(c.barycentric[1], [0.6, 0.4, 0.0])
    np.testing.assert_allclose(c.mass[4], 0.5)


def test_random_rows_on_the_edges_are_two_way():
    rng = np.random.default_rng(0)
    t = rng.uniform(0.1, 0.9, size=200)
    P = np.zeros((200, 10))
    P[:, 3], P[:, 8] = t, 1 - t                       # all on the 3–8 edge
    c = confusion_ways(P, [3, 8, 0])
    assert (c.ways == 2).all() and c.share(2) == 1.0 and c.share(3) == 0.0


def test_two_classes_segment():
    P = rows({0: 0.97}, {0: 0.5, 1: 0.45})
    c = confusion_ways(P, [0, 1], min_mass=0.9)
    np.testing.assert_array_equal(c.ways, [1, 2])


def test_no_point_counts_gives_nan_shares():
    c = confusion_ways(rows({0: 1.0}), [1, 2, 3])
    assert c.counted == 0 and np.isnan(c.share(2))


@pytest.mark.parametrize("kwargs", [dict(classes=[1]), dict(classes=[1, 1]), dict(classes=[0, 10]),
                                    dict(classes=[0, 1], min_mass=0), dict(classes=[0, 1], threshold=0.5)])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        confusion_ways(rows({0: 1.0}), **kwargs)


def test_logits_are_refused():
    with pytest.raises(ValueError, match="sum to 1"):
        confusion_ways(np.full((2, 10), 3.0), [0, 1])
