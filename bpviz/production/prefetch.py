"""LaTeX typeset ahead of a render, in a second process.

Rendering one chapter after another in one process (``--jobs 1``, the default) would compile
every new equation in turn, each at the moment the scene reaches it. :func:`start` forks a
process that plays the same chapters with ``skip_animations`` (no frame drawn, as ``bpviz
frames`` lays them out): it reaches each equation long before the render does and compiles it
through the claims of :mod:`bpviz.cache.tex_claims`, which publish every SVG at once. The render then
finds the SVG in the shared cache, or waits for the claim of an equation being compiled; no
equation is compiled twice. What the look-ahead builds is thrown away.
"""

from __future__ import annotations

import multiprocessing
import os

from bpviz.production.session import chapter, manim_session
from bpviz.production.workers import die_with_parent


def start(specs: list) -> multiprocessing.Process | None:
    """Begin laying out the chapters of ``specs`` (``JobSpec``, in render order) in a child process.

    Returns the process, or ``None`` on a single core (it would only compete with the render).
    """
    if not specs or (os.cpu_count() or 1) < 2:
        return None
    process = multiprocessing.get_context("fork").Process(target=_lay_out, args=(specs, os.getpid()),
                                                          daemon=True)
    process.start()
    return process


def finish(process: multiprocessing.Process | None) -> None:
    """Wait for the look-ahead to end (it is ahead of the render, so this is at once)."""
    if process is not None:
        process.join(timeout=60)
        if process.is_alive():
            process.terminate()
            process.join()


def _lay_out(specs: list, parent: int) -> None:
    try:
        die_with_parent(parent)
        os.nice(10)  # the render first: the look-ahead takes what the render leaves of the cores
        for spec in specs:
            opts, story = spec.opts, spec.story()
            with manim_session(opts["quality"], opts["aspect"], transparent=opts["transparent"]):
                chapter(spec.chapter, story, skip_animations=True).render()
    except BaseException:  # noqa: BLE001 - a look-ahead only; the render reports its own errors
        os._exit(0)
