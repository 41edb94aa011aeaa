"""The typeset cache (LaTeX and Pango SVGs) shared by every bpviz process of a user, without races.

Manim keeps one SVG per distinct equation or text in ``tex_dir``/``text_dir`` and reuses it, so
LaTeX runs once per equation across runs. It was not made for several processes at once: LaTeX
writes its ``.tex``/``.dvi`` beside the SVGs and Manim deletes every non-SVG file of the folder
after each equation, so one process deletes the files another is compiling, and a reader can
open an SVG another is still writing.

Each render therefore typesets in a private folder, seeded with the SVGs already shared, and on
leaving publishes the SVGs it made: written under a temporary name, then renamed (atomic), so the
shared folder only ever holds whole files. LaTeX SVGs are also published as soon as they are
made, and claimed before (:mod:`bpviz.cache.tex_claims`), so two processes never compile the same
equation; two that make the same new text both make it, and the first rename wins.

SVGs are seeded as hard links, so a render's start costs a link per cached file, not a copy.
Manim's ``Text`` rewrites its SVG in place every time it is built (manimpango's
``remove_last_M``), which through a hard link would truncate the shared file while others read
it. :func:`rewrite_privately` makes that rewrite happen on a private copy, renamed over the
private name only when the content changed. A seeded SVG (a hard link) was rewritten before it
was published and never changes again, so it is left alone at once. Manim calls it instead of its
own rewrite only while bpviz's patches are installed (:mod:`bpviz.renderer.manim_patches`, as
every Manim session of bpviz does), so :func:`typeset_dirs` must be used inside them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree

KINDS = {"tex_dir": "tex", "text_dir": "text"}
"""Manim's config key of each typeset folder and its name in the shared cache."""


def whole(svg: Path) -> bool:
    """Whether ``svg`` is a finished SVG file: it ends with ``</svg>`` (or is one empty ``<svg/>``).

    A typeset that failed may leave an empty or cut file; it must never reach the shared cache.
    """
    try:
        with svg.open("rb") as fh:
            fh.seek(max(0, svg.stat().st_size - 64))
            tail = fh.read().strip()
    except OSError:
        return False
    return tail.endswith(b"</svg>") or (tail.startswith(b"<svg") and tail.endswith(b"/>"))


def sound(svg: Path) -> bool:
    """Whether ``svg`` is :func:`whole` and parses as XML (a garbled cached SVG is typeset again)."""
    if not whole(svg):
        return False
    try:
        ElementTree.parse(svg)
    except (OSError, ElementTree.ParseError):
        return False
    return True


def _seed(shared: Path, private: Path) -> None:
    for svg in shared.glob("*.svg"):
        if not whole(svg):
            continue
        try:
            os.link(svg, private / svg.name)
        except OSError:  # another file system, or a file renamed away meanwhile
            if svg.exists():
                shutil.copy2(svg, private / svg.name)


def publish_one(svg: Path, shared: Path) -> bool:
    """Put ``svg`` into the folder ``shared`` unless a whole copy is there; whether it did.

    Written under a temporary name, then renamed: the shared folder only holds whole files. A
    broken shared SVG (a writer killed mid-way) is replaced.
    """
    if not whole(svg) or whole(shared / svg.name):
        return False
    partial = shared / f".{svg.name}.{os.getpid()}.part"
    shutil.copy2(svg, partial)
    os.replace(partial, shared / svg.name)
    return True


def _publish(private: Path, shared: Path) -> int:
    return sum(publish_one(svg, shared) for svg in private.glob("*.svg"))


def rewrite_privately(file_name: str, rewrite: Callable[[str], None]) -> None:
    """Run ``rewrite`` on a copy of ``file_name``, renamed over ``file_name`` only if it changed.

    Parameters
    ----------
    file_name : str
        A text SVG in this render's private ``text_dir``, maybe a hard link to the shared cache.
    rewrite : callable
        manimpango's ``PangoUtils.remove_last_M``, which rewrites the file it is given in place.
    """
    path = Path(file_name)
    if path.stat().st_nlink > 1:  # seeded from the shared cache: rewritten before it was published
        return
    copy = path.with_name(f".{path.name}.{os.getpid()}.rewrite")
    shutil.copyfile(path, copy)
    try:
        rewrite(str(copy))
        if copy.read_bytes() != path.read_bytes():
            os.replace(copy, path)  # a new file under the private name; a shared link is untouched
    finally:
        copy.unlink(missing_ok=True)


@contextmanager
def typeset_dirs(shared_root: Path) -> Iterator[dict[str, str]]:
    """Private ``tex_dir``/``text_dir`` for Manim, seeded from and published to ``shared_root``.

    Yields Manim config entries (``{"tex_dir": ..., "text_dir": ...}``). Use it with bpviz's
    patches installed (:class:`bpviz.renderer.manim_patches.ManimPatches`): the seeded SVGs are
    hard links to the shared ones, which only the patched text rewrite leaves alone.
    """
    with tempfile.TemporaryDirectory(prefix="bpviz-typeset-") as tmp:
        dirs = {}
        for key, name in KINDS.items():
            shared, private = shared_root / name, Path(tmp) / name
            shared.mkdir(parents=True, exist_ok=True)
            private.mkdir()
            _seed(shared, private)
            dirs[key] = private
        try:
            yield {key: str(path) for key, path in dirs.items()}
        finally:
            for key, name in KINDS.items():
                _publish(dirs[key], shared_root / name)
