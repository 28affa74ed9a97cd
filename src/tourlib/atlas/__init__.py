"""Activation atlases: many activations laid out in 2-D, gridded, averaged and labelled by attribution.

Modules (one job each):

============  ================================================================
``collect``   one random interior spatial position per image at a layer (seeded)
``relax``     max-pooling's continuous relaxation: forward max, backward average
``attribute`` attribution of an activation to every class logit, ``h · ∇_h z_c``
``layout``    2-D UMAP (cosine) of the activations, optional whitening, outliers clipped
``grid``      a G×G grid over the layout: cells, counts, mean activation and attribution
============  ================================================================

Typical use::

    from tourlib.atlas import collect, attribute, layout_2d, grid_cells
    acts = collect(model, images, "conv5", seed=0)             # Activations: N×C, positions, image ids
    attr = attribute(model, images, acts)                      # N×10
    xy = layout_2d(acts.values, seed=0)                        # N×2 in [0, 1]
    cells = grid_cells(xy, acts.values, attr, size=20, min_count=3)
"""

from .attribute import attribute
from .collect import Activations, collect
from .grid import Grid, grid_cells
from .layout import layout_2d, whiten
from .relax import relaxed_max_pooling

__all__ = ["Activations", "Grid", "attribute", "collect", "grid_cells", "layout_2d", "relaxed_max_pooling",
           "whiten"]
