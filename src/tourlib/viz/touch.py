"""On a touch screen a swipe over a figure scrolls the page.

Bokeh gives a plot's active drag tool (pan, box select) every touch on the plot (``touch-action``
other than ``auto``), so a reader on a phone cannot scroll past it. :func:`scroll_on_touch` leaves
no drag tool active on a coarse pointer (the reader picks one from the toolbar when they want it);
with a mouse nothing changes. The tour figure does the same in ``viz/js/fig_touch.js``, and brings
the brush back while a new handle is being made.
"""

from __future__ import annotations

from bokeh.models import CustomJS, Plot
from bokeh.model import Model

from .embed import on_ready

__all__ = ["scroll_on_touch"]

_JS = """
if (cb_obj.tl_touch_done) return;
cb_obj.tl_touch_done = true;
if (typeof matchMedia === "undefined" || !matchMedia("(pointer: coarse)").matches) return;
for (const p of plots) if (p.toolbar && p.toolbar.active_drag) p.toolbar.active_drag = null;
"""


def scroll_on_touch(model: Model) -> Model:
    """Make every plot of ``model`` (a figure or a layout) let a touch swipe scroll the page; returns it."""
    plots = [m for m in model.references() if isinstance(m, Plot)]
    if not plots:
        return model
    return on_ready(model, CustomJS(args=dict(plots=plots), code=_JS))
