"""The online path to the UMAP Tour's own networks: torchvision's pretrained GoogLeNet and ResNet-50.

The article toured ImageNet images through GoogLeNet and ResNet-50. Readers who
are online can do the same::

    pip install torchvision          # not in tourbook's default install (it pulls a large torch build)
    from tourlib.nets.pretrained import load_pretrained, imagenet_preprocess, tour_layers
    from tourlib.nets.hooks import module_activations
    from tourlib.data import load_dataset
    model = load_pretrained("googlenet")                       # downloads the weights once (TORCH_HOME)
    images = load_dataset("my-photos", "val", root="~/photos").images   # any image folder
    acts = module_activations(model, images, tour_layers("googlenet"),
                              preprocess=imagenet_preprocess, cap=2048, include_input=True)

:func:`imagenet_preprocess` is written in plain torch (resize the shorter side to
256 with antialiasing, centre-crop 224×224, normalise by ImageNet's channel mean
and std), so it needs no torchvision and is tested here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["PretrainedUnavailableError", "ARCHITECTURES", "tour_layers", "imagenet_preprocess", "load_pretrained"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# The layers the UMAP Tour shows, by torchvision's submodule names.
ARCHITECTURES: dict[str, tuple[str, ...]] = {
    "googlenet": ("conv1", "conv2", "conv3", "inception3a", "inception3b", "inception4a", "inception4b",
                  "inception4c", "inception4d", "inception4e", "inception5a", "inception5b", "fc"),
    "resnet50": ("conv1", "layer1.0", "layer1.1", "layer1.2", "layer2.0", "layer2.1", "layer2.2", "layer2.3",
                 "layer3.0", "layer3.1", "layer3.2", "layer3.3", "layer3.4", "layer3.5",
                 "layer4.0", "layer4.1", "layer4.2", "fc"),
}


class PretrainedUnavailableError(RuntimeError):
    """torchvision or the pretrained weights cannot be had (not installed, or offline)."""


def _check_arch(arch: str) -> str:
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; choose one of {', '.join(ARCHITECTURES)}")
    return arch


def tour_layers(arch: str) -> tuple[str, ...]:
    """The submodule names of ``arch`` whose activations the UMAP Tour embeds, input to output."""
    return ARCHITECTURES[_check_arch(arch)]


def imagenet_preprocess(x: torch.Tensor, size: int = 224, resize: int = 256) -> torch.Tensor:
    """torchvision's ImageNet evaluation transform for a float batch ``N×3×H×W`` in ``[0, 1]``.

    Resize so the shorter side is ``resize`` (bilinear, antialiased), crop the
    central ``size×size``, then ``(x − mean_c) / std_c`` with ImageNet's statistics.
    """
    if x.ndim != 4 or x.shape[1] != 3:
        raise ValueError(f"expected a float batch N×3×H×W in [0, 1], got shape {tuple(x.shape)}")
    h, w = x.shape[-2:]
    scale = resize / min(h, w)
    nh, nw = max(size, round(h * scale)), max(size, round(w * scale))
    x = F.interpolate(x, size=(nh, nw), mode="bilinear", align_corners=False, antialias=True)
    top, left = (nh - size) // 2, (nw - size) // 2
    x = x[:, :, top:top + size, left:left + size]
    mean = torch.tensor(IMAGENET_MEAN, dtype=x.dtype, device=x.device)[:, None, None]
    std = torch.tensor(IMAGENET_STD, dtype=x.dtype, device=x.device)[:, None, None]
    return (x - mean) / std


def load_pretrained(arch: str, *, weights: str = "DEFAULT") -> torch.nn.Module:
    """torchvision's ``arch`` (``"googlenet"`` or ``"resnet50"``) with pretrained ImageNet weights, in eval mode.

    Raises
    ------
    PretrainedUnavailableError
        If torchvision is not installed (install it yourself: it is not part of
        tourbook's default install), or the weights cannot be downloaded (offline:
        put the ``.pth`` file in ``$TORCH_HOME/hub/checkpoints/`` by hand).
    """
    _check_arch(arch)
    try:
        import torchvision.models as tvm
    except ImportError as exc:
        raise PretrainedUnavailableError(
            f"loading the pretrained {arch} needs torchvision, which tourbook does not install "
            "(pip would fetch a large CUDA build of torch with it): install a torchvision that matches "
            f"your torch {torch.__version__} from PyTorch's CPU index, then try again ({exc})") from exc
    builder = getattr(tvm, arch)
    try:
        kwargs = {"weights": weights}
        if arch == "googlenet":
            kwargs["aux_logits"] = False
            kwargs["init_weights"] = False
        model = builder(**kwargs)
    except Exception as exc:  # torch.hub raises URLError, HTTPError, RuntimeError or OSError when offline
        raise PretrainedUnavailableError(
            f"could not get the pretrained {arch} weights ({type(exc).__name__}: {exc}); this needs the "
            "internet once; offline, copy the weights file into $TORCH_HOME/hub/checkpoints/ "
            "(default ~/.cache/torch/hub/checkpoints/)") from exc
    return model.eval()
