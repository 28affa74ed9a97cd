"""Chapter setup, glue and the live-section skeleton."""

import os
import subprocess
import sys

import numpy as np
import pytest

from tourlib.book import chapter_setup, glue_text, live_section


def test_setup_is_seeded_and_checked():
    a, b = chapter_setup(), chapter_setup()
    assert a.seed == 0 and a.threads == 1
    assert np.array_equal(a.rng.integers(0, 1000, 5), b.rng.integers(0, 1000, 5))
    assert chapter_setup(3).rng.integers(0, 10**9) != chapter_setup(4).rng.integers(0, 10**9)
    with pytest.raises(ValueError, match="seed"):
        chapter_setup(-1)
    with pytest.raises(ValueError, match="threads"):
        chapter_setup(threads=0)


def test_importing_the_book_sets_blas_threads_first():
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", "import tourlib.book, os; print(os.environ['OMP_NUM_THREADS'])"],
                         capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "2"


def test_glue_text_formats(monkeypatch):
    glued = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=True: glued.update({name: (value, display)}))
    assert glue_text("x", np.float64(0.77)) == "0.77"
    assert glued["x"] == ("0.77", False)
    glue_text("n", np.int64(12000))
    assert glued["n"][0] == "12,000"
    with pytest.raises(TypeError):
        glue_text("b", True)
    with pytest.raises(ValueError, match="name"):
        glue_text("", 1)


def test_live_section_static_and_live(capsys):
    assert live_section({"seed": 1}, lambda v: None, static=True, display=False) is None
    calls = []
    s = live_section({"data set": ["mnist", "cifar10"], "seed": lambda w: w.IntText(value=2)},
                     lambda v: calls.append(v) or "shown", button="go", static=False, display=False,
                     actions={"again": lambda sec: calls.append("action")})
    assert s.controls["data set"].description == "data set"
    assert s.values() == {"data set": "mnist", "seed": 2}
    s.controls["data set"].value = "cifar10"
    s.buttons["go"].click()
    assert calls == [{"data set": "cifar10", "seed": 2}] and s.shown == "shown"
    s.buttons["again"].click()
    assert calls[-1] == "action"
    changed = []
    s2 = live_section({"k": (0, 3, 1)}, lambda v: None, static=False, display=False, run_on_start=True,
                      on_change={"k": lambda sec: changed.append(sec.values()["k"])})
    s2.controls["k"].value = 3
    assert changed == [3]
    seen = []
    s3 = live_section({"k": (0, 3, 1)}, lambda v: v["k"] * 10, static=False, display=False, rerun_on=("k",),
                      on_shown=lambda sec: seen.append(sec.shown))
    s3.controls["k"].value = 2
    assert seen == [20] and s3.shown == 20
    with pytest.raises(ValueError, match="no control named"):
        live_section({"k": 1}, lambda v: None, static=False, display=False, rerun_on=("x",))
    with pytest.raises(ValueError, match="cannot make a widget"):
        live_section({"k": object()}, lambda v: None, static=False, display=False)


def test_busy_is_a_status_line_that_never_clears_what_the_run_printed():
    """While ``run`` runs the status line says ``busy``; afterwards it is empty, and the output area is not
    cleared after the run started (a run's printed lines stay), also when the run fails."""
    seen = []
    s = live_section({"k": 1}, lambda v: seen.append(s.status.value), static=False, display=False,
                     busy="working…")
    clears = []
    s.output.clear_output = lambda *a, **k: clears.append(tuple(seen))
    s.buttons["run"].click()
    assert seen == ["working…"] and s.status.value == ""
    assert clears == [()]                      # cleared once, before the run, never after it
    assert s.status in s.box.children[-3].children

    def fail(values):
        raise RuntimeError("boom")

    s2 = live_section({"k": 1}, fail, static=False, display=False, busy="working…")
    s2.buttons["run"].click()                  # the button's callback logs the error (ipywidgets)
    assert s2.status.value == "" and s2.shown is None


def test_a_cell_ending_in_live_section_shows_the_section_once_not_a_repr():
    """The value of a cell ``live_section(...)`` is displayed by IPython: in the same cell it shows nothing
    more; evaluated again in a later cell it shows the controls again."""
    from types import SimpleNamespace
    from unittest import mock

    shell = SimpleNamespace(execution_count=7)
    shown = []
    with mock.patch("IPython.get_ipython", return_value=shell), \
            mock.patch("IPython.display.display", side_effect=lambda x: shown.append(x)):
        section = live_section({"seed": 1}, lambda v: None, static=False)
        assert len(shown) == 1                      # the section displayed itself
        section._ipython_display_()                  # IPython shows the cell's value: nothing more
        assert len(shown) == 1
        shell.execution_count = 8
        section._ipython_display_()                  # `section` in a later cell
        assert shown[-1] is section.box and len(shown) == 2
