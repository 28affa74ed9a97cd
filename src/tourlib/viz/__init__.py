"""Figures: Bokeh builders, their browser engine (``js/``), and how they are shown.

``embed``       show a figure in the static book, a live notebook, or a standalone HTML file
``scatter``     a labelled 2-D scatter with image tooltips
``polytope``    a Grand Tour of a wire-frame object (square, cube, tesseract)
``small_multiples``  grids of 2-D panels of the same points with linked brushing
``palette``     class colours
``thumbnails``  images as PNG data URIs
"""

from .embed import FigureOutput, on_ready, save_html, show, standalone_html
from .polytope import polytope_tour
from .scatter import image_scatter
from .small_multiples import method_epoch_grid, small_multiples

__all__ = [
    "FigureOutput", "image_scatter", "method_epoch_grid", "on_ready", "polytope_tour", "save_html", "show",
    "small_multiples", "standalone_html",
]
