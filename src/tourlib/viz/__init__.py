"""Figures: Bokeh builders, their browser engine (``js/``), and how they are shown.

``embed``       show a figure in the static book, a live notebook, or a standalone HTML file
``scatter``     a labelled 2-D scatter with image tooltips
``palette``     class colours
``thumbnails``  images as PNG data URIs
"""

from .embed import FigureOutput, save_html, show, standalone_html
from .scatter import image_scatter

__all__ = ["FigureOutput", "image_scatter", "save_html", "show", "standalone_html"]
