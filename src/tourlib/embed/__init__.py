"""2-D embeddings of recorded epochs, and how faithfully they show change (data-visual correspondence).

Modules (one job each):

=================  ==========================================================
``embeddings``     t-SNE / UMAP per epoch (independent or chained), PCA per
                   epoch, one fixed linear map: ``T×n×d → T×n×2``
``cache``          the on-disk cache of the slow series (``.npz`` by config hash)
``screen``         normalise layouts (mean 0, RMS radius 1), align consecutive
                   layouts by an orthogonal 2×2 map
``correspondence`` data move vs screen move per point and epoch step
=================  ==========================================================

Typical use::

    from tourlib.embed import tsne_series, pca_basis, fixed_linear_series, correspondence_table
    X = run.softmax["test"][10:16]                     # 6 epochs × 1000 points × 10
    screens = {"t-SNE": tsne_series(X, seed=0),
               "fixed linear": fixed_linear_series(X, pca_basis(X[-1]))}
    table = correspondence_table(X, screens, epochs=range(10, 16))
"""

from .correspondence import CorrespondenceReport, correspondence_report, correspondence_table
from .embeddings import fixed_linear_series, pca_basis, pca_series, tsne_series, umap_series
from .screen import align_screen, align_series, normalize_screen, normalize_series, rotate_onto

__all__ = [
    "CorrespondenceReport",
    "align_screen",
    "align_series",
    "correspondence_report",
    "correspondence_table",
    "fixed_linear_series",
    "normalize_screen",
    "normalize_series",
    "pca_basis",
    "pca_series",
    "rotate_onto",
    "tsne_series",
    "umap_series",
]
