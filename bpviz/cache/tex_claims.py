"""Each distinct equation goes through LaTeX once, also when several renders run at the same time.

Renders typeset in private folders (:mod:`bpviz.cache.typeset`) and publish their SVGs when
they finish, so two jobs of ``bpviz render --jobs N`` that meet the same new equation would
both compile it. Here, before compiling, a render claims the equation in the shared folder:
it takes the lock ``<hash>.svg.lock`` beside the shared SVG (:class:`filelock.FileLock`). The one
holding the lock compiles and publishes the SVG at once; the others wait for the lock, find the
SVG and use it. The lock is the operating system's (``flock`` on Unix, ``LockFileEx`` on
Windows): when a render is killed, its locks go with its process, so the next render never waits
for a dead one, and no timeout is needed.

:func:`tex_to_svg_file` is Manim's ``tex_to_svg_file`` through these claims; the patch that
routes Manim's call here lives in :mod:`bpviz.renderer.manim_patches`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout
from manim import config
from manim.utils.tex_file_writing import generate_tex_file

from bpviz.cache.entries import warn
from bpviz.cache.tex_batch import normalize_file, typeset_batch
from bpviz.cache.typeset import publish_one, sound, whole


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
    shared = Path(shared_dir) / svg.name
    if svg.exists():  # typeset before: what Manim's function would return, unless it is garbled
        if sound(svg):
            return svg
        warn(f"the typeset cache file {shared} is damaged; typesetting it again")
        svg.unlink()
        shared.unlink(missing_ok=True)
    with claim(shared) as mine:
        if not mine:  # compiled by another process meanwhile
            shutil.copy2(shared, svg)
            return svg
        made = compile_svg(expression, environment, template)
        normalize_file(made)  # the same bytes as the page of a batch (bpviz.cache.tex_batch)
        publish_one(made, Path(shared_dir))
        return made


def typeset_claimed(documents: dict[str, str], shared_dir: Path) -> list[str]:
    """Typeset in one batch every SVG of ``documents`` (``{svg name: tex text}``) nobody has.

    Each is claimed first without waiting (:func:`claim`'s lock): one made or being compiled by
    another process is left to it. The batch (:func:`bpviz.cache.tex_batch.typeset_batch`) writes
    straight into ``shared_dir``, each file renamed into place whole, and the claims are let go;
    a render waiting on one of them then finds its SVG. Returns the names written.
    """
    shared_dir = Path(shared_dir)
    shared_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        mine: dict[Path, str] = {}
        for name, tex in documents.items():
            shared = shared_dir / name
            if whole(shared):
                continue
            lock_file = shared.with_name(shared.name + ".lock")
            try:
                held.enter_context(FileLock(lock_file, timeout=0))
            except Timeout:
                continue
            if not whole(shared):
                mine[shared] = tex
        written = typeset_batch(mine)
        for shared in mine:
            if whole(shared):
                with suppress(OSError):
                    shared.with_name(shared.name + ".lock").unlink()
    return [path.name for path in written]


@contextmanager
def claim(shared: Path) -> Iterator[bool]:
    """Yield ``True`` while this process holds the claim on the SVG ``shared``, ``False`` once it exists.

    Waits while another process holds the claim (it is compiling that equation). Once the SVG is
    published the lock file is removed by whoever holds it: anyone who takes a lock on it
    afterwards (on the removed file or on a new one) first finds the whole SVG and compiles
    nothing. A claim whose holder failed leaves no SVG, and the next process to take it compiles.
    """
    if whole(shared):
        yield False
        return
    lock_file = shared.with_name(shared.name + ".lock")
    with FileLock(lock_file):
        mine = not whole(shared)  # False: made while this process waited
        if mine:
            yield True
        if whole(shared):
            with suppress(OSError):  # Windows keeps an open file; a leftover lock is harmless
                lock_file.unlink()
    if not mine:
        yield False
