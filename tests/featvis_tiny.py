"""A tiny smooth network with named layers for the featvis tests (tanh, so finite differences are exact enough)."""

from collections import OrderedDict

import pytest

import torch
from torch import nn


class Mean(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def tiny_net(seed: int = 0, dtype=torch.float64, act=nn.Tanh) -> nn.Sequential:
    """conv1 (3→4, 3×3) → a1 → conv2 (4→5, 3×3, stride 2) → a2 → pool → fc (5→3)."""
    torch.manual_seed(seed)
    net = nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(3, 4, 3, padding=1)), ("a1", act()),
        ("conv2", nn.Conv2d(4, 5, 3, stride=2, padding=1)), ("a2", act()),
        ("pool", Mean()), ("fc", nn.Linear(5, 3)),
    ]))
    return net.to(dtype)


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread while a featvis test runs (on a busy 2-core machine two threads are ~100× slower)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
