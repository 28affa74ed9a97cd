"""Seeing through layers without their rotations (the Grand Tour article's "layer dynamics").

Row vectors throughout: activations are N×d, a layer is ``Y = X M + b``, the view is an
orthogonal ``G`` and the screen shows ``Z @ G[:, :2]``.

A linear layer ``M = U Σ Vᵀ`` is, for a view that may rotate freely, only a scaling:
``Y V = X U Σ + b V``. So a transition is drawn as the straight line from ``[X U, 0]`` to
``[Y V, 0]`` (zero-padded to a common width), and between layers the view is carried over
by ``G' = U'ᵀ V G`` so the picture never jumps.

Modules (one job each):

=================  ===================================================================
``transition``     :class:`Alignment` (bases of one layer), :class:`Transition` (endpoints,
                   ``at(t)``), :func:`layer_transition`
``svd_align``      SVD of dense layers; bias rotated by V
``layers``         layer descriptions (Dense, Conv2d, pooling, component-wise, softmax);
                   a PyTorch model becomes such a list with
                   :func:`tourlib.nets.torch_layers.layers_from_torch`
``chain``          :func:`align_network`, :func:`carry_view` (continuity between layers)
``conv_matrix``    a convolution as an explicit matrix (identity basis, C×H×W order)
``conv_svd``       SVD of convolutions via the FFT (Sedghi, Gupta & Long 2018), applied
                   without dense matrices
``conv_padding``   how far zero padding is from the circular operator
``pooling``        max-pooling through average pooling (the article's treatment)
``padding``        zero padding to a common width
``basis``          orthogonal bases as operators; coordinate embeddings
``sequence_cache`` :func:`cached_layer_sequence`: a layer sequence computed once, then loaded
                   from the cache (keyed by the inputs, the networks' weights, k, seed)
``procrustes``     orthogonal Procrustes ``min ‖A R − B‖`` (the book's one implementation:
                   layer frames here, screen layouts in :mod:`tourlib.embed.screen`)
=================  ===================================================================

Names are imported lazily (``import tourlib.align`` loads only what is used: the convolution
modules need PyTorch, the layer axis does not).
"""

import sys
import types
from importlib import import_module

# Plain linear algebra, loaded now (no PyTorch):
from .basis import Basis, CompletedBasis, CoordinateEmbedding, DenseBasis, IdentityBasis, complete_basis
from .chain import AlignedPath, align_network, carry_view, padded_input
from .conv_svd import ConvSVD, FourierBasis, conv_svd
from .layer_sequence import LayerSequence, layer_sequence
from .padding import common_width, pad_columns
from .procrustes import ProcrustesFit, procrustes_align
from .svd_align import LinearSVD, dense_alignment, linear_svd
from .transition import Alignment, Transition, layer_transition

# Loaded on first use (they run convolutions and pooling with PyTorch):
_LAZY = {
    "conv_matrix": ["conv_geometry", "conv_matrix"],
    "conv_padding": ["PaddingError", "circular_padding_error"],
    "layers": ["AvgPool2d", "Componentwise", "Conv2d", "Dense", "MaxPool2d", "Softmax", "relu"],
    "pooling": ["PoolWindowBasis", "maxpool_alignment"],
    "sequence_cache": ["cached_layer_sequence", "networks_fingerprint"],
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}

__all__ = sorted(_HOME) + [
    "Basis", "CompletedBasis", "CoordinateEmbedding", "DenseBasis", "IdentityBasis", "complete_basis",
    "AlignedPath", "align_network", "carry_view", "padded_input", "ConvSVD", "FourierBasis", "conv_svd",
    "LayerSequence", "layer_sequence", "common_width", "pad_columns", "ProcrustesFit", "procrustes_align",
    "LinearSVD", "dense_alignment", "linear_svd", "Alignment", "Transition", "layer_transition",
]


def __getattr__(name):
    if name in _HOME:
        return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)
    if name == "layers_from_torch":
        raise AttributeError("layers_from_torch moved to tourlib.nets.torch_layers (also tourlib.nets.layers_from_torch)")
    raise AttributeError(f"module 'tourlib.align' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_HOME))


class _Package(types.ModuleType):
    """Importing a submodule (``conv_matrix``) must not hide the function of the same name."""

    def __setattr__(self, key, value):
        if isinstance(value, types.ModuleType) and key in __all__ and hasattr(value, key):
            value = getattr(value, key)
        super().__setattr__(key, value)


sys.modules[__name__].__class__ = _Package
