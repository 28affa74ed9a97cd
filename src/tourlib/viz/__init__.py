"""Figures: Bokeh builders, their browser engine (``js/``), and how they are shown.

``embed``       show a figure in the static book, a live notebook, or a standalone HTML file
``scatter``     a labelled 2-D scatter with image tooltips
``tour_figure`` the interactive Grand Tour figure (Bokeh + ``js/tour_*.js``): rotation, handles, brush,
                time axis, layer axis (``layer_tour_figure`` over ``tourlib.align.layer_sequence``), panels, presets; ``tour_inputs``/``tour_models``/``encode``/``raster`` its parts
``network_figure`` the network opened: layers as blocks, a test image's activations as heatmaps
``live``        ``TourView``: the figure in a live kernel, ipywidgets controls, the view read back into Python
``export``      GIF and PNG of a tour figure as the page draws it, for slides (Pillow; the figure's own settings)
``polytope``    a Grand Tour of a wire-frame object (square, cube, tesseract)
``small_multiples``  grids of 2-D panels of the same points with linked brushing
``palette``     class colours
``thumbnails``  images as PNG data URIs
``image_grid``  rows of images as one figure (image strips); ``hover_grid`` with hover strips
``image_slider`` frames of images under a slider (steps of an optimisation, an interpolation)
``run_tours``   the book's training, softmax and attack tours of a run's data bundle
``atlas_figure`` the activation atlas: icons of grids coarse to fine, zoom switches the level, hover,
                class focus (``js/atlas_figure.js``); ``atlas_grid_figure`` one image's activation grid
"""

from .atlas_figure import atlas_figure, atlas_grid_figure, atlas_row
from .embed import FigureOutput, load_live, on_ready, save_html, show, standalone_html
from .export import export_gif, export_png, render_frame
from .live import TourView, tour_view
from .polytope import polytope_tour
from .scatter import image_scatter
from .small_multiples import method_epoch_grid, small_multiples
from .network_figure import network_figure
from .tour_figure import layer_tour_figure, tour_figure

__all__ = [
    "FigureOutput", "TourView", "atlas_figure", "atlas_grid_figure", "atlas_row", "export_gif", "export_png", "image_scatter",
    "load_live", "method_epoch_grid", "on_ready", "polytope_tour", "render_frame", "save_html", "show",
    "small_multiples", "standalone_html",
    "tour_figure", "tour_view", "layer_tour_figure", "network_figure",
]
