"""UMAP fitted in a child process, so that its compiled code never stays in the caller.

umap-learn and pynndescent compile their functions with numba. The compiled code, once loaded, stays
in the process for good: importing pynndescent and fitting one layout of 20,000 points leaves about
400 MB resident (measured with ``tourlib.memory.resident_mb``; ``benchmarks/bench_live_memory.py``
shows the chapters' peaks). A live kernel that lays out once and then renders icons would carry
those 400 MB to the end, on top of everything else (Binder gives about 2 GB).

:func:`run_in_child` runs a function in a fresh interpreter (``python -m
tourlib.embed.umap_process``, with the arguments and the result passed as pickles in a private
temporary folder) and returns its result; the child's memory goes back to the system when it
exits. Nothing of the caller is re-imported (no ``if __name__ == "__main__"`` needed in a script),
and a threaded kernel is never forked. :func:`tourlib.embed.layers.layer_umaps` fits all its
layers in one child. Same code, same seed, one thread: the result equals the in-process fit
(tested), so cached layouts stay valid. An exception in the child is raised in the caller; a
child that dies (killed for memory, say) is an error that says so, never a missing layout.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

__all__ = ["run_in_child", "ChildDiedError"]


class ChildDiedError(RuntimeError):
    """The child process ended without a result."""


def run_in_child(fn: Callable[..., Any], *args, what: str = "the computation") -> Any:
    """``fn(*args)`` in a fresh Python process; its exception, if any, is raised here.

    ``fn`` must be importable by name (a module-level function) and its arguments and result
    picklable. ``what`` names the work in the error raised if the child dies."""
    package_root = str(Path(__file__).resolve().parents[2])       # the folder holding tourlib
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    with tempfile.TemporaryDirectory(prefix="tourlib-child-") as tmp:
        inp, out = Path(tmp) / "call.pkl", Path(tmp) / "result.pkl"
        inp.write_bytes(pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL))
        run = subprocess.run([sys.executable, "-m", __name__, str(inp), str(out)], env=env,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, errors="replace")
        if run.returncode == 0 and out.exists():
            status, value = pickle.loads(out.read_bytes())
            if status == "error":
                raise value
            return value
    tail = "\n".join(run.stderr.strip().splitlines()[-5:])
    raise ChildDiedError(
        f"the process running {what} ended without a result (exit code {run.returncode}; killed, perhaps "
        f"for lack of memory): free memory, or run it in this process (in_process=True)"
        + (f"\nits last words:\n{tail}" if tail else ""))


def _child_main(argv: list[str]) -> int:
    inp, out = map(Path, argv)
    fn, args = pickle.loads(inp.read_bytes())
    try:
        result = ("ok", fn(*args))
    except Exception as exc:                    # raised again in the caller
        result = ("error", exc)
    part = out.with_suffix(".part")
    part.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    part.rename(out)                            # only a whole result is ever read
    return 0


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
