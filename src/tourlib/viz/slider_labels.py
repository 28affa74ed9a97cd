"""A slider that reads "name: label": its title is the name, its value is shown as the position's label.

Bokeh writes a slider's title as ``"title: value"``; with the value hidden a bare ``"title:"`` is left.
:func:`position_formatter` shows the value as the label of the position instead (an epoch, a layer),
and between two positions of an interpolating axis as ``"segment  (t = 0.30)"``. The tour figure's
axis sliders, the network figure's epoch slider and the image slider use it; ``TourInstance.axisTitle``
(``viz/js/fig_axes.js``) reads a tour figure's sliders through it.
"""

from __future__ import annotations

from typing import Sequence

from bokeh.models import CustomJSTickFormatter, InlineStyleSheet

__all__ = ["position_formatter", "slider_touch_css"]

_TOUCH_CSS = ".noUi-target, .noUi-base, .noUi-connects, .noUi-handle, .noUi-touch-area { touch-action: pan-y; }"


def slider_touch_css() -> InlineStyleSheet:
    """A slider stylesheet (a new model each time: a Bokeh model belongs to one document): on a touch
    screen a vertical swipe over the slider scrolls the page, a sideways drag still moves it
    (noUiSlider's own ``touch-action: none`` would keep the page from scrolling)."""
    return InlineStyleSheet(css=_TOUCH_CSS)

_POSITION_JS = """
const v = Number(tick), n = labels.length;
if (segments.length) {
  const i = Math.min(segments.length - 1, Math.floor(v + 1e-9)), f = v - i;
  if (Math.abs(f) < 1e-9) return labels[i];
  if (Math.abs(f - 1) < 1e-9) return labels[Math.min(n - 1, i + 1)];
  return segments[i] + "  (t = " + f.toFixed(2) + ")";
}
return labels[Math.max(0, Math.min(n - 1, Math.round(v)))];
"""


def position_formatter(labels: Sequence, segments: Sequence | None = None) -> CustomJSTickFormatter:
    """The ``format`` of a slider over positions 0 … len(labels) − 1 (``segments``: one label per gap)."""
    labels = [str(v) for v in labels]
    segments = [str(v) for v in (segments or [])]
    if segments and len(segments) != len(labels) - 1:
        raise ValueError(f"need one segment label per gap: {len(labels) - 1}, got {len(segments)}")
    return CustomJSTickFormatter(args=dict(labels=labels, segments=segments), code=_POSITION_JS)
