"""Feature visualisation: images optimised to excite a unit, and the real images that do.

In the shape of lucent's ``optvis`` (our own code): :mod:`~.param`
(pixel / Fourier / colour-decorrelated parameterisations), :mod:`~.transform`
(random differentiable transformations), :mod:`~.objectives` (objectives that
compose like formulas), :mod:`~.render` (the Adam loop), :mod:`~.capture`
(activations of named layers of any ``nn.Module`` by hooks), :mod:`~.examples`
(dataset examples), :mod:`~.measures` (high-frequency energy, Gram similarity),
:mod:`~.precondition` (steepest directions under L2, L∞ and the Fourier metric).

    from tourlib.featvis import objectives as obj, render, transform
    res = render(model, obj.channel("conv2", list(range(64))), batch=64,
                 transforms=transform.standard_transforms(32), steps=256)
    res.images   # 64×32×32×3 in [0, 1]
"""

from . import capture, examples, measures, objectives, param, precondition, transform
from .examples import Examples, spectrum_examples, top_examples
from .measures import high_frequency_energy, lattice_contrast, mean_gram_similarity, steps_to_reach
from .objectives import Objective
from .param import image_param
from .precondition import steepest_directions
from .render import RenderResult, evaluate, render

__all__ = [
    "capture", "examples", "measures", "objectives", "param", "precondition", "transform",
    "Examples", "top_examples", "spectrum_examples", "high_frequency_energy", "mean_gram_similarity", "steps_to_reach", "lattice_contrast",
    "Objective", "image_param", "steepest_directions", "RenderResult", "evaluate", "render",
]
