"""Each distinct equation goes through LaTeX once, also when several renders run at the same time.

Renders typeset in private folders (:mod:`bpviz.cache.typeset`) and publish their SVGs when
they finish, so two jobs of ``bpviz render --jobs N`` that meet the same new equation would
both compile it. Here, before compiling, a render claims the equation in the shared folder with
a lock file (``<hash>.lock``, created exclusively). The one holding the claim compiles and
publishes the SVG at once; the others wait for that SVG and use it. A claim whose process has
died, or that is older than :data:`STALE_SECONDS`, is taken over, so a killed render never
blocks the next one.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from manim import config
from manim.mobject.text import tex_mobject
from manim.utils.tex_file_writing import generate_tex_file

from bpviz.cache.typeset import publish_one, whole

STALE_SECONDS = 120.0
"""A claim this old is abandoned (no equation takes LaTeX that long)."""
POLL_SECONDS = 0.05
_state: dict = {"shared": None, "original": None}


def install(shared: Path) -> None:
    """Typeset every MathTex through the claims in ``shared`` (idempotent; the last folder wins)."""
    _state["shared"] = Path(shared)
    if _state["original"] is None:
        _state["original"] = tex_mobject.tex_to_svg_file
        tex_mobject.tex_to_svg_file = tex_to_svg_file


def tex_to_svg_file(expression: str, environment: str | None = None, tex_template=None) -> Path:
    """Manim's ``tex_to_svg_file``, compiling only what no other process has compiled or claimed.

    Parameters
    ----------
    expression, environment, tex_template
        As for :func:`manim.utils.tex_file_writing.tex_to_svg_file`.

    Returns
    -------
    pathlib.Path
        The SVG in this render's ``tex_dir``.
    """
    original, shared_dir = _state["original"], _state["shared"]
    template = tex_template if tex_template is not None else config["tex_template"]
    svg = generate_tex_file(expression, environment, template).with_suffix(".svg")
    if svg.exists():  # typeset before: what Manim's function would return
        return svg
    if shared_dir is None:
        return original(expression, environment, template)
    shared = shared_dir / svg.name
    with claim(shared) as mine:
        if not mine:  # compiled by another process meanwhile
            shutil.copy2(shared, svg)
            return svg
        made = original(expression, environment, template)
        publish_one(made, shared_dir)
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
