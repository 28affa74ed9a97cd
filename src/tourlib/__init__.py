"""tourlib: the library behind *tourbook*, a book about seeing inside neural networks.

The map of the package (one idea per module; see ``README.md`` beside this file):

``tourlib.data``   data sets: registry, IDX / CIFAR / image-folder readers, download + checksum, array cache
``tourlib.tour``   the Grand Tour (rotation over time, Givens reference) and direct manipulation
``tourlib.nets``   the articles' networks, activation capture, training with recording
``tourlib.align``  SVD alignment of layers (dense and FFT convolution), Procrustes
``tourlib.attack`` adversarial perturbations and their recording
``tourlib.viz``    Bokeh figures, their browser engine (``viz/js``), live widgets, export
``tourlib.store``  cache folder, configuration hashes, atomic writes
``tourlib.book``   what chapters share: setup, numbers for prose, glue, live sections
``tourlib.sphinxext`` the Sphinx extension that makes the built book self-contained

Conventions: data are row vectors (``X`` is N×d), maps act on the right (``X @ M``), a view is an
orthogonal d×d matrix ``G`` and the screen shows ``X @ G[:, :2]``. Seeds are explicit arguments.

The most used names are importable from the top level (imported lazily, so ``import tourlib``
stays fast): ``load_dataset``, ``GrandTour``, ``drag_axis``, ``drag_centroid``, ``tour_figure``.
"""

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "load_dataset": "tourlib.data",
    "GrandTour": "tourlib.tour",
    "drag_axis": "tourlib.tour",
    "drag_centroid": "tourlib.tour",
    "tour_figure": "tourlib.viz",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tourlib' has no attribute {name!r}")
