"""Each distinct equation goes through LaTeX once, also when several renders run at the same time.

Renders typeset in private folders (:mod:`bpviz.cache.typeset`) and publish their SVGs when
they finish, so two jobs of ``bpviz render --jobs N`` that meet the same new equation would
both compile it. Here, before compiling, a render claims the equation in the shared folder with
a lock file (``<hash>.lock``, created exclusively). The one holding the claim compiles and
publishes the SVG at once; the others wait for that SVG and use it. A claim whose process has
died, or that is older than :data:`STALE_SECONDS`, is taken over, so a killed render never
blocks the next one.

:func:`tex_to_svg_file` is Manim's ``tex_to_svg_file`` through these claims; the patch that
routes Manim's call here lives in :mod:`bpviz.renderer.manim_patches`.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from manim import config
from manim.utils.tex_file_writing import generate_tex_file

from bpviz.cache.typeset import publish_one, whole

STALE_SECONDS = 120.0
"""A claim this old is abandoned (no equation takes LaTeX that long)."""
POLL_SECONDS = 0.05


def tex_to_svg_file(expression: str, environment: str | None, tex_template, *, shared_dir: Path,
                    compile_svg: Callable[..., Path]) -> Path:
    """Manim's ``tex_to_svg_file``, compiling only what no other process has compiled or claimed.

    Parameters
    ----------
    expression, environment, tex_template
        As for :func:`manim.utils.tex_file_writing.tex_to_svg_file` (``None``: Manim's template).
    shared_dir : pathlib.Path
        The shared LaTeX cache (``<cache>/tex``), where claims are taken and SVGs published.
    compile_svg : callable
        Manim's own ``tex_to_svg_file`` (same arguments): compiles into this render's ``tex_dir``.

    Returns
    -------
    pathlib.Path
        The SVG in this render's ``tex_dir``.
    """
    template = tex_template if tex_template is not None else config["tex_template"]
    svg = generate_tex_file(expression, environment, template).with_suffix(".svg")
    if svg.exists():  # typeset before: what Manim's function would return
        return svg
    shared = Path(shared_dir) / svg.name
    with claim(shared) as mine:
        if not mine:  # compiled by another process meanwhile
            shutil.copy2(shared, svg)
            return svg
        made = compile_svg(expression, environment, template)
        publish_one(made, Path(shared_dir))
        return made


@contextmanager
def claim(shared: Path):
    """Yield ``True`` while this process holds the claim on ``shared``, ``False`` once it exists."""
    lock = shared.with_name(shared.name + ".lock")
    while True:
        if whole(shared):
            yield False
            return
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _abandoned(lock):
                _remove(lock)
            else:
                time.sleep(POLL_SECONDS)
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        try:
            yield True
        finally:
            _remove(lock)
        return


def _abandoned(lock: Path) -> bool:
    """Whether the claim ``lock`` belongs to a dead process or is older than :data:`STALE_SECONDS`."""
    try:
        age = time.time() - lock.stat().st_mtime
        pid = int(lock.read_text() or 0)
    except (OSError, ValueError):
        return False  # vanished, or being written: look again
    if age > STALE_SECONDS:
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _remove(lock: Path) -> None:
    try:
        lock.unlink()
    except FileNotFoundError:
        pass
