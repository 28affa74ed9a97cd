"""The skeleton of a chapter's "Try it live" section: controls, a run button, an output area.

Every live section of the book is the same shape: some controls (a data set, a seed, ε …), a button
that computes something from their values and shows it, optionally more buttons acting on what was
shown, and a sentence instead of all that in the static book (no kernel there). :func:`live_section`
is that shape once::

    live_section(
        {"data set": ["mnist", "cifar10"], "seed": lambda w: w.IntText(value=1)},
        lambda values: tour_view(...),           # returns what to show (or None)
        button="train and show", busy="training (or loading from the cache)…",
    )

A control is an ipywidgets widget, a function ``ipywidgets → widget`` (built only when live), or an
abbreviation as in ``ipywidgets.interact`` (a list → dropdown, ``(min, max, step)`` → slider, …).
The ``run`` callback receives ``{name: value}``. The control's ``description`` is its name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["LiveSection", "live_section", "STATIC_NOTE"]

#: What the static book shows instead of the controls.
STATIC_NOTE = ("*Run this page live to use these controls (the rocket button at the top of the page, or "
               "`jupyter lab` locally, see the README): in the static book there is no Python kernel.*")


@dataclass
class LiveSection:
    """The live section's parts: ``controls`` (name → widget), ``buttons`` (label → button), ``output``,
    ``box`` (the displayed layout), ``shown`` (what the last run returned), ``notes`` (the output area
    of the action buttons, below ``output``), ``status`` (the busy line beside the buttons) and
    ``values()``."""

    controls: dict
    buttons: dict
    output: Any
    box: Any
    shown: Any = None
    notes: Any = None
    status: Any = None
    state: dict = field(default_factory=dict)

    def values(self) -> dict:
        return {name: c.value for name, c in self.controls.items()}

    def _ipython_display_(self):
        """A cell ending in ``live_section(...)`` shows the section once (it displayed itself), not a repr;
        showing a kept section again (``section`` in a later cell) displays its controls again."""
        from IPython import get_ipython
        from IPython.display import display

        shell = get_ipython()
        if shell is not None and self.state.get("_displayed_in") == shell.execution_count:
            return
        display(self.box)


def _widget(name: str, spec, widgets):
    if isinstance(spec, widgets.Widget):
        w = spec
    elif callable(spec):
        w = spec(widgets)
        if not isinstance(w, widgets.Widget):
            raise TypeError(f"control {name!r}: the factory returned {type(w).__name__}, not an ipywidgets widget")
    else:
        from ipywidgets.widgets.interaction import interactive

        w = interactive.widget_from_abbrev(spec)
        if w is None:
            raise ValueError(f"control {name!r}: cannot make a widget from {spec!r}; "
                             "pass a widget, a factory or an ipywidgets.interact abbreviation")
    if hasattr(w, "description") and not w.description:
        w.description = name
    return w


def _show(obj):
    from IPython.display import display

    from tourlib.viz import show

    try:
        show(obj)
    except TypeError:
        display(obj)


def live_section(controls: Mapping[str, Any], run: Callable[[dict], Any], *, button: str = "run",
                 busy: str | None = None, actions: Mapping[str, Callable[[LiveSection], None]] | None = None,
                 on_change: Mapping[str, Callable[[LiveSection], None]] | None = None,
                 run_on_start: bool = False, rerun_on: tuple = (),
                 on_shown: Callable[[LiveSection], None] | None = None, static_note: str = STATIC_NOTE,
                 static: bool | None = None, display: bool = True) -> LiveSection | None:
    """Build (and display) a live section; in the static book display ``static_note`` and return None.

    ``run(values)`` computes from the controls' values and returns what to show (a Bokeh figure, a
    widget, anything ``display`` takes) or None; its ``print`` output and errors appear in the output
    area and stay there. ``busy``: a status line shown beside the buttons while ``run`` runs (in
    ``section.status``, outside the output, so clearing it never wipes what the run printed).
    ``actions``: more buttons, ``label → f(section)``; what they print (and their errors) appears in
    ``section.notes``, below the output, replaced on every press.
    ``on_change``: ``control name → f(section)`` called when that control changes (without re-running);
    ``rerun_on``: control names whose change re-runs. ``run_on_start``: run once when shown.
    ``on_shown(section)``: called after every run, once ``section.shown`` is the new result (e.g. to
    set the controls to what the new figure shows).
    ``static`` defaults to :func:`tourlib.viz.embed.static_mode`.
    """
    from IPython.display import Markdown
    from IPython.display import display as ipy_display

    if static is None:
        from tourlib.viz.embed import static_mode

        static = static_mode()
    if static:
        if display:
            ipy_display(Markdown(static_note))
        return None
    if not controls:
        raise ValueError("a live section needs at least one control")
    import ipywidgets as widgets

    made = {name: _widget(name, spec, widgets) for name, spec in controls.items()}
    for name in (*(on_change or {}), *rerun_on):
        if name not in made:
            raise ValueError(f"no control named {name!r}; the controls are {list(made)}")
    out = widgets.Output()
    go = widgets.Button(description=button, button_style="primary")
    buttons = {button: go}
    for label in actions or {}:
        buttons[label] = widgets.Button(description=label)
    rows = [widgets.HBox(list(made.values())[i:i + 3]) for i in range(0, len(made), 3)]
    notes = widgets.Output()
    status = widgets.Label(value="")
    box = widgets.VBox([*rows, widgets.HBox([*buttons.values(), status]), out, notes])
    section = LiveSection(controls=made, buttons=buttons, output=out, box=box, notes=notes, status=status)

    def do_run(_=None):
        out.clear_output()
        status.value = busy or ""
        try:
            with out:
                result = run(section.values())
                section.shown = result
                if result is not None:
                    _show(result)
                if on_shown is not None:
                    on_shown(section)
        finally:
            status.value = ""

    go.on_click(do_run)
    def do_action(f):
        notes.clear_output()
        with notes:
            f(section)

    for label, f in (actions or {}).items():
        buttons[label].on_click(lambda _b, f=f: do_action(f))
    for name, f in (on_change or {}).items():
        made[name].observe(lambda _c, f=f: f(section), names="value")
    for name in rerun_on:
        made[name].observe(do_run, names="value")
    if run_on_start:
        do_run()
    if display:
        ipy_display(box)
        from IPython import get_ipython

        shell = get_ipython()
        section.state["_displayed_in"] = shell.execution_count if shell is not None else None
    return section
