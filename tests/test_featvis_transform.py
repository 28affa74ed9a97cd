"""Transformations keep shapes, let the gradient through, are seeded, and do what they say."""

import pytest
import torch

from featvis_tiny import one_thread  # noqa: F401 (fixture)

from tourlib.featvis import transform as T


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def batch():
    return torch.rand(3, 3, 16, 16, generator=gen(9), requires_grad=True)


@pytest.mark.parametrize("t", [T.jitter(3), T.random_scale(), T.random_rotate(), T.random_scale([0.8, 1.2]),
                               T.compose(T.standard_transforms(16))])
def test_shape_kept_and_gradient_flows(t):
    x = batch()
    y = t(x, gen())
    assert y.shape == x.shape
    (y * torch.arange(y.numel()).reshape(y.shape)).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_pad_and_crop_are_inverse():
    x = batch()
    y = T.pad(4)(x, gen())
    assert y.shape == (3, 3, 24, 24)
    assert torch.all(y[..., :4, :] == 0.5)
    assert torch.equal(T.center_crop(16)(y, gen()), x)
    assert T.pad(2, mode="reflect")(x, gen()).shape == (3, 3, 20, 20)


def test_identity_settings():
    x = batch()
    assert torch.equal(T.jitter(0)(x, gen()), x)
    torch.testing.assert_close(T.random_scale([1.0])(x, gen()), x, atol=1e-5, rtol=0)
    torch.testing.assert_close(T.random_rotate([0])(x, gen()), x, atol=1e-5, rtol=0)


def test_rotation_by_90_degrees_is_rot90():
    x = batch()
    y = T.random_rotate([90])(x, gen())
    # a quarter turn of a square grid maps pixel centres onto pixel centres
    r = torch.rot90(x, k=1, dims=(2, 3))
    r2 = torch.rot90(x, k=-1, dims=(2, 3))
    err = min((y - r).abs().max().item(), (y - r2).abs().max().item())
    assert err < 1e-4


def test_jitter_is_a_whole_pixel_shift():
    x = batch()
    y = T.jitter(2)(x, gen(4))
    for i in range(len(x)):
        found = any(torch.equal(y[i, :, 2:-2, 2:-2], x[i, :, 2 - dy:14 - dy, 2 - dx:14 - dx])
                    for dy in range(-2, 3) for dx in range(-2, 3))
        assert found


def test_seeded():
    t = T.compose(T.standard_transforms(16))
    x = batch()
    assert torch.equal(t(x, gen(1)), t(x, gen(1)))
    assert not torch.equal(t(x, gen(1)), t(x, gen(2)))


def test_bad_input():
    with pytest.raises(ValueError, match="non-negative int"):
        T.jitter(-1)
    with pytest.raises(ValueError, match="positive"):
        T.random_scale([0])
    with pytest.raises(ValueError, match="cannot crop"):
        T.center_crop(20)(batch(), gen())
    with pytest.raises(ValueError, match="callable"):
        T.compose([3])
