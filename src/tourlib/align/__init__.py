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
``layers``         layer descriptions (Dense, Conv2d, pooling, component-wise, softmax) and
                   :func:`layers_from_torch`
``chain``          :func:`align_network`, :func:`carry_view` (continuity between layers)
``conv_matrix``    a convolution as an explicit matrix (identity basis, C×H×W order)
``conv_svd``       SVD of convolutions via the FFT (Sedghi, Gupta & Long 2018), applied
                   without dense matrices
``conv_padding``   how far zero padding is from the circular operator
``pooling``        max-pooling through average pooling (the article's treatment)
``padding``        zero padding to a common width
``basis``          orthogonal bases as operators; coordinate embeddings
``procrustes``     orthogonal Procrustes ``min ‖A R − B‖`` for aligning embeddings
=================  ===================================================================
"""

from .basis import Basis, CompletedBasis, CoordinateEmbedding, DenseBasis, IdentityBasis, complete_basis
from .chain import AlignedPath, align_network, carry_view, padded_input
from .conv_matrix import conv_geometry, conv_matrix
from .conv_padding import PaddingError, circular_padding_error
from .conv_svd import ConvSVD, FourierBasis, conv_svd
from .layers import (AvgPool2d, Componentwise, Conv2d, Dense, MaxPool2d, Softmax,
                     layers_from_torch, relu)
from .layer_sequence import LayerSequence, layer_sequence
from .padding import common_width, pad_columns
from .pooling import PoolWindowBasis, maxpool_alignment
from .procrustes import ProcrustesFit, procrustes_align
from .svd_align import LinearSVD, dense_alignment, linear_svd
from .transition import Alignment, Transition, layer_transition

__all__ = [
    "LayerSequence", "layer_sequence",
    "Alignment", "Transition", "layer_transition",
    "LinearSVD", "linear_svd", "dense_alignment",
    "Dense", "Conv2d", "AvgPool2d", "MaxPool2d", "Componentwise", "Softmax", "relu",
    "layers_from_torch",
    "AlignedPath", "align_network", "carry_view", "padded_input",
    "conv_geometry", "conv_matrix",
    "ConvSVD", "FourierBasis", "conv_svd",
    "PaddingError", "circular_padding_error",
    "PoolWindowBasis", "maxpool_alignment",
    "pad_columns", "common_width",
    "Basis", "DenseBasis", "IdentityBasis", "CompletedBasis", "complete_basis", "CoordinateEmbedding",
    "ProcrustesFit", "procrustes_align",
]
