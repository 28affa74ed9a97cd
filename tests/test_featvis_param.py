"""Parameterisations: the orthonormal Fourier basis (Parseval, inverse), the spectrum scale, colour whitening."""

import numpy as np
import pytest
import torch

from featvis_tiny import one_thread  # noqa: F401 (fixture)

from tourlib.featvis import param


@pytest.mark.parametrize("h,w", [(32, 32), (16, 12), (9, 7)])
def test_fourier_roundtrip_and_parseval(h, w):
    x = torch.randn(2, 3, h, w, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    X = param.spatial_to_fourier(x)
    assert X.shape == (2, 3, h, w // 2 + 1)
    torch.testing.assert_close(param.fourier_to_spatial(X, h, w), x)
    # Parseval with the full spectrum ...
    full = torch.fft.fft2(x, norm="ortho")
    torch.testing.assert_close(full.abs().pow(2).sum(), x.pow(2).sum())
    # ... and with the half spectrum: the columns that stand for two conjugate columns count twice
    weight = torch.full((w // 2 + 1,), 2.0, dtype=torch.float64)
    weight[0] = 1
    if w % 2 == 0:
        weight[-1] = 1
    torch.testing.assert_close((X.abs().pow(2) * weight).sum(), x.pow(2).sum())


def test_spectrum_scale_is_inverse_frequency():
    f = param.fft_frequencies(32, 32)
    s = param.spectrum_scale(32, 32, decay=1.0)
    assert s.shape == (32, 17)
    assert s[0, 0] == pytest.approx(32)                    # the DC term is floored at 1/max(H, W)
    nz = f > 1 / 32
    np.testing.assert_allclose(s[nz] * f[nz], 1, rtol=1e-5)
    assert np.all(param.spectrum_scale(32, 32, decay=0.0) == 1)
    with pytest.raises(ValueError, match="decay"):
        param.spectrum_scale(8, 8, decay=-1)


def test_fourier_param_without_scale_or_colour_reproduces_an_image():
    h = w = 8
    target = torch.rand(1, 3, h, w, generator=torch.Generator().manual_seed(3)) * 0.8 + 0.1
    (p,), to_images = param.fourier_param(h, w, decay=0.0)
    with torch.no_grad():
        p.copy_(torch.view_as_real(param.spatial_to_fourier(torch.logit(target))))
    torch.testing.assert_close(to_images(), target, atol=1e-5, rtol=1e-5)


def test_parameterisations_give_valid_batched_images_and_gradients():
    for fft in (False, True):
        for dec in (False, np.diag([0.2, 0.3, 0.1])):
            params, to_images = param.image_param(12, batch=4, fft=fft, decorrelate=dec, seed=5, sd=1.0)
            x = to_images()
            assert x.shape == (4, 3, 12, 12)
            assert torch.all((x > 0) & (x < 1))
            x.sum().backward()
            assert all(p.grad is not None and torch.all(torch.isfinite(p.grad)) for p in params)
    a = param.image_param(8, seed=1, decorrelate=False)[1]()
    b = param.image_param(8, seed=1, decorrelate=False)[1]()
    c = param.image_param(8, seed=2, decorrelate=False)[1]()
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_shared_param_shares_one_spectrum():
    (p, q), to_images = param.shared_param(8, batch=3, decorrelate=False, sd=0.5)
    x = to_images()
    assert x.shape == (3, 3, 8, 8) and q.shape[0] == 1
    assert not torch.equal(x[0], x[1])
    x[0].sum().backward()
    assert q.grad.abs().sum() > 0 and p.grad[0].abs().sum() > 0 and p.grad[1:].abs().sum() == 0


def test_colour_sqrt_whitens_synthetic_colours():
    rng = np.random.default_rng(0)
    mix = np.array([[0.2, 0.1, 0.05], [0.0, 0.15, 0.1], [0.0, 0.0, 0.05]])
    pixels = np.clip(0.5 + rng.normal(size=(200, 8, 8, 3)) @ mix, 0, 1)
    mean, cov = param.color_covariance(pixels)
    s = param.color_sqrt(cov)
    np.testing.assert_allclose(s @ s, cov, atol=1e-12)
    np.testing.assert_allclose(s, s.T, atol=1e-12)
    z = param.decorrelate_colors(pixels.reshape(-1, 3), mean, s)
    np.testing.assert_allclose(np.cov(z.T, bias=True), np.eye(3), atol=1e-9)


def test_colour_decorrelation_whitens_cifar10_training_colours():
    from tourlib import load_dataset

    mean, cov, s = param.dataset_color_sqrt("cifar10")
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
    assert corr[0, 1] > 0.5                                   # natural colours are strongly correlated ...
    pixels = load_dataset("cifar10", "train").images[::10].reshape(-1, 3) / 255.0
    z = param.decorrelate_colors(pixels, mean, s)
    np.testing.assert_allclose(np.cov(z.T, bias=True), np.eye(3), atol=0.05)   # ... and whitened here
    assert param.dataset_color_sqrt("cifar10")[2] is s         # kept in memory


def test_bad_input():
    with pytest.raises(ValueError, match="positive int"):
        param.image_param(0)
    with pytest.raises(ValueError, match="seed"):
        param.pixel_param(8, seed=-1)
    with pytest.raises(ValueError, match="singular"):
        param.color_sqrt(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="N×H×W×3"):
        param.color_covariance(np.zeros((4, 8, 8)))
    with pytest.raises(ValueError, match="3×3"):
        param.fourier_param(8, decorrelate=np.eye(2))
