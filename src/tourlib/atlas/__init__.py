"""Activation atlases: many activations laid out in 2-D, gridded, averaged and labelled by attribution.

Modules (one job each):

============  ================================================================
``collect``   one random interior spatial position per image at a layer (seeded)
``relax``     max-pooling's continuous relaxation: forward max, backward average
``attribute`` attribution of an activation to every class logit, ``h · ∇_h z_c``
``layout``    2-D UMAP (cosine) of the activations, optional whitening, outliers clipped
``grid``      a G×G grid over the layout: cells, counts, mean activation and attribution
``icons``     feature inversion of each cell's mean activation (``dot × cosine^n``), best of seeds
``classes``   class atlases (which activations to keep) and two-class comparison layouts
``patch``     patches pasted into corners; flip rates against a noise control
``measures``  label agreement, attribution strength, the share a grid drops
``pipeline``  one atlas end to end (collect → attribute → layout → grids → icons), cached
============  ================================================================

Typical use::

    from tourlib.atlas import collect, attribute, layout_2d, grid_cells
    acts = collect(model, images, "conv5", seed=0)             # Activations: N×C, positions, image ids
    attr = attribute(model, images, acts)                      # N×10
    xy = layout_2d(acts.values, seed=0)                        # N×2 in [0, 1]
    cells = grid_cells(xy, acts.values, attr, size=20, min_count=3)
    icons = cell_icons(model, "conv5", cells.mean_activation, power=1.0)   # M icons

or all of it at once, cached: ``atlas = build_atlas(model, images, "conv5", seed=0, levels=(10, 20, 40))``.
"""

from .attribute import attribute
from .classes import attribution_difference, class_mask, comparison_layout, favouring_cells
from .collect import Activations, collect, collect_layers, every_position, receptive_boxes
from .grid import Grid, grid_cells
from .icons import Icons, cell_icons
from .patch import CORNERS, PatchResult, noise_patch, paste, patch_attack
from .pipeline import Atlas, build_atlas, cached_attribute, cached_collect, cached_icons, subset_atlas
from .layout import layout_2d, whiten
from .measures import attribution_strength, cell_agreement, dropped_fraction, top_class_agreement
from .relax import relaxed_max_pooling

__all__ = ["Activations", "Atlas", "CORNERS", "Grid", "Icons", "PatchResult", "attribute", "attribution_difference", "attribution_strength", "cell_agreement", "dropped_fraction", "favouring_cells", "top_class_agreement",
           "build_atlas", "cached_attribute", "cached_collect", "cached_icons", "cell_icons", "class_mask",
           "collect", "collect_layers", "every_position", "receptive_boxes", "comparison_layout", "grid_cells", "layout_2d", "noise_patch", "paste",
           "patch_attack", "relaxed_max_pooling", "subset_atlas", "whiten"]
