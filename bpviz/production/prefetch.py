"""LaTeX typeset ahead of a render, in a second process, each chapter's new equations in one batch.

Rendering one chapter after another in one process (``--jobs 1``, the default) would compile
every new equation in turn, each at the moment the scene reaches it (a ``latex`` and a
``dvisvgm`` process each, about 0.4 s). :func:`start` typesets the first chapter's new
equations at once and forks a process that does the same for the others, chapter by chapter: it
plays the chapter with ``skip_animations`` (no frame drawn) while *collecting* its equations:
an equation the typeset cache lacks is not compiled but recorded, and the scene gets a
placeholder of about its size (:func:`placeholder_svg`), never written to any cache. Then all the
chapter's new equations are typeset in one document, one ``latex`` and one ``dvisvgm`` run
(:func:`bpviz.cache.tex_claims.typeset_claimed`), claimed first so the render waits for them
rather than compiling them again. While the render draws chapter k, the look-ahead typesets
chapter k+1 on the other core. An equation the placeholders led the layout past (a wrap decided
on a placeholder's width) is compiled by the render as before; what the look-ahead builds is
thrown away.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from bpviz.cache import svg_shapes, tex_claims
from bpviz.cache.paths import cache_dir
from bpviz.cache.typeset import whole
from bpviz.production.fingerprint import job_fingerprint
from bpviz.production.session import chapter, manim_session
from bpviz.production.workers import die_with_parent
from bpviz.renderer.manim_patches import PATCHES, Patch

_SPECIAL = re.compile(r"\\special\{dvisvgm:raw (<g id='[^']*'>|</g>)\}")
_SILENT = re.compile(r"\\(?:text)?color(?:\[[^\]]*\])?\{[^}]*\}|\\(?:left|right|mathrm|text|mathbf|"
                     r"frac|dfrac|tfrac|sqrt|begin\{[^}]*\}|end\{[^}]*\}|[,;:! ]|quad|qquad)|[{}^_&\s]")
GLYPH_WIDTH, GLYPH_HEIGHT = 5.0, 7.0
"""A placeholder glyph's size in TeX points (about a digit of the 10 pt font)."""


@dataclass(frozen=True)
class LayOut:
    """One chapter for the look-ahead, as a :class:`~bpviz.production.jobs.JobSpec` gives it."""

    chapter: str
    opts: dict
    story_of: Callable

    def story(self):
        """The Story to lay out."""
        return self.story_of()


def placeholder_svg(expression: str) -> str:
    """An SVG standing in for ``expression``: a box per group of Manim's ``dvisvgm:raw`` marks.

    Each run of text between the marks becomes one box about as wide as its visible characters,
    inside the same ``<g id='unique...'>`` groups dvisvgm would write, so ``MathTex`` splits it
    into the same parts and the layout measures roughly the right widths.
    """
    out, x = [], 0.0
    for i, piece in enumerate(_SPECIAL.split(expression)):
        if i % 2:  # a mark: a group opens or closes
            out.append(piece)
            continue
        width = GLYPH_WIDTH * max(len(_SILENT.sub("", re.sub(r"\\[A-Za-z]+", "x", piece))), 0)
        if width:
            out.append(f"<path d='M{x:.2f} 0H{x + width:.2f}V{-GLYPH_HEIGHT}H{x:.2f}Z'/>")
            x += width
    if x == 0:
        out.append(f"<path d='M0 0H1V{-GLYPH_HEIGHT}H0Z'/>")
        x = 1.0
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{x}pt' height='{GLYPH_HEIGHT}pt' "
            f"viewBox='0 {-GLYPH_HEIGHT} {x} {GLYPH_HEIGHT}'>{''.join(out)}</svg>\n")


class Collector:
    """Manim's patches for a look-ahead that collects the new equations instead of compiling them.

    ``documents`` maps the SVG name of each new equation to its tex file's text.
    """

    def __init__(self, cache_root: Path, placeholders: Path):
        self.cache_root, self.placeholders = Path(cache_root), Path(placeholders)
        self.documents: dict[str, str] = {}

    def patches(self) -> tuple[Patch, ...]:
        """:data:`~bpviz.renderer.manim_patches.PATCHES` with the tex and shape patches collecting."""
        builds = {"tex_to_svg_file": self._tex, "generate_mobject": self._shapes}
        return tuple(replace(p, build=builds[p.name]) if p.name in builds else p for p in PATCHES)

    def _tex(self, _compile_svg, cache_root: Path):
        from manim import config
        from manim.utils.tex_file_writing import generate_tex_file

        def tex_to_svg_file(expression, environment=None, tex_template=None):
            """The SVG of ``expression`` if it is typeset, else a placeholder (and the tex is collected)."""
            template = tex_template if tex_template is not None else config["tex_template"]
            tex = generate_tex_file(expression, environment, template)
            svg = tex.with_suffix(".svg")
            if svg.exists():
                return svg
            shared = cache_root / "tex" / svg.name
            if whole(shared):
                shutil.copy2(shared, svg)
                return svg
            self.documents[svg.name] = tex.read_text(encoding="utf-8")
            stand_in = self.placeholders / svg.name
            stand_in.write_text(placeholder_svg(expression), encoding="utf-8")
            return stand_in

        return tex_to_svg_file

    def _shapes(self, parse, cache_root: Path):
        folder = cache_root / "svg"
        placeholders = self.placeholders

        def generate_mobject(mob):
            """Shapes through the shape cache; a placeholder's are parsed and never kept."""
            if Path(mob.get_file_path()).parent == placeholders:
                return parse(mob)
            return svg_shapes.generate_mobject(mob, folder, parse)

        return generate_mobject


def start(specs: list) -> multiprocessing.Process | None:
    """Typeset the chapters of ``specs`` (``JobSpec`` or :class:`LayOut`, in render order) ahead.

    The first chapter's new equations are typeset here, before this returns: the render would
    reach them before a second process had laid the chapter out, and compile them one by one.
    The others are typeset by a second process while the render plays; it is returned (``None``
    on a single core, where it would only compete with the render: there the render compiles
    the rest).
    """
    if not specs:
        return None
    process = None
    if len(specs) > 1 and (os.cpu_count() or 1) >= 2:
        process = multiprocessing.get_context("fork").Process(target=_lay_out, args=(specs[1:], os.getpid()),
                                                              daemon=True)
        process.start()
    typeset_ahead(specs[0], cache_dir())
    return process


def finish(process: multiprocessing.Process | None, wait: float = 0.5) -> None:
    """End the look-ahead, after at most ``wait`` seconds: the render is done, it is not needed.

    It usually ended long before. On a busy machine the look-ahead may lag behind the render:
    it is stopped (SIGTERM, on which it cleans up its temporary folders; its claims go with it).
    """
    if process is not None:
        process.join(timeout=wait)
        if process.is_alive():
            process.terminate()
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


def laid_out_key(chapter_name: str, story, opts: dict) -> str:
    """The key of what decides the equations of ``chapter_name``.

    Its trace numbers, ``[video]``, language, aspect, the symbols glossed before it and the code;
    not the quality, format or voice (a render and the stills of a config typeset the same ones).
    """
    options = {"output": "typeset", "aspect": opts["aspect"], "glossed": opts.get("glossed") or []}
    return job_fingerprint(chapter_name, story.trace, story.video, story.language, options)


def typeset_ahead(spec, cache_root: Path) -> list[str]:
    """Lay out the chapter of ``spec`` collecting its new equations, then typeset them in one batch.

    A chapter laid out before (a marker ``<cache>/ahead/<key>`` of :func:`laid_out_key`, written
    once its equations were handed to the typeset cache) is skipped: laying it out again would
    find nothing new and cost as much CPU as drawing its stills (the stills of a config just
    rendered took twice the CPU without this). A marker whose SVGs were removed since only makes
    the render compile them itself. Returns the names of the SVGs written into the shared cache.
    """
    opts, story = spec.opts, spec.story()
    marker = Path(cache_root) / "ahead" / laid_out_key(spec.chapter, story, opts)
    if marker.exists():
        return []
    with tempfile.TemporaryDirectory(prefix="bpviz-placeholders-") as tmp:
        collector = Collector(cache_root, Path(tmp))
        try:
            with manim_session(opts["quality"], opts["aspect"], transparent=opts.get("transparent", False),
                               patches=collector.patches()):
                chapter(spec.chapter, story, skip_animations=True).render()
            whole_layout = True
        except Exception:  # noqa: BLE001 - a placeholder may upset a layout; keep what was collected
            whole_layout = False
    written = tex_claims.typeset_claimed(collector.documents, cache_root / "tex")
    if whole_layout:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:  # a marker only saves work next time
            pass
    return written


def _lay_out(specs: list, parent: int) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # unwind: temporary folders removed
    try:  # not niced: its work is short and comes first; niced, it starved on a busy machine
        die_with_parent(parent)
        root = cache_dir()
        for spec in specs:
            typeset_ahead(spec, root)
    except BaseException:  # noqa: BLE001 - a look-ahead only; the render reports its own errors
        os._exit(0)
