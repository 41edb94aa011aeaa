r"""Many equations through LaTeX at once: one document, one ``latex`` run, one ``dvisvgm`` call.

Manim typesets each equation alone: a document of its own, a ``latex`` and a ``dvisvgm``
process, about 0.4 s each. A film's new equations are known before it is drawn (the look-ahead
lays its chapters out, :mod:`bpviz.production.prefetch`), so :func:`typeset_batch` writes them
into one document, each on a page of its own (``standalone``'s ``multi`` option, with the same
``preview`` cropping every page has alone), compiles it once, converts every page with one
``dvisvgm --page=1-`` call and writes each page as the SVG Manim would have written for that
equation (the name :func:`manim.utils.tex_file_writing.generate_tex_file` gives it).

The pages are the same pictures as one-by-one typesetting gives, with one difference in names:
``dvisvgm`` numbers fonts over the whole document (``g3-49`` may be ``g1-49`` alone) and names
the page's group after its page. :func:`normalize_svg` renumbers the fonts in the order the page
first uses them and names the page ``page1``; the claims of :mod:`bpviz.cache.tex_claims`
normalise Manim's one-by-one SVGs the same way, so both ways give byte-identical files
(``tests/cache/test_tex_batch.py`` compares them, and the shapes Manim parses from them).

A document costs about 0.25 s of CPU however short (``latex`` loading its format, ``dvisvgm``
its fonts) and about 3 ms more per page. A large batch is split into several documents compiled
at the same time when cores are free (:func:`free_cores`: the cores this process may use less
the load average), each of at least :data:`MIN_PAGES` pages, so the fixed cost is not paid
for nothing on a busy machine; the pages are the same whichever document they are in.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from backprop_core.io import write_atomically

STANDALONE = r"\documentclass[preview]{standalone}"
"""The document class of Manim's templates; a preamble with another is typeset alone."""
PAGE_ENV = "bpvizpage"
BEGIN, END = r"\begin{document}", r"\end{document}"

MIN_PAGES = 40
"""The fewest pages a document of a split batch holds (below, the fixed cost of a run dominates)."""

_FONT_REF = re.compile(r"(id='|#)g(\d+)-(\d+)")
_GLYPH = re.compile(r"<path id='g(\d+)-(\d+)' [^\n]*/>")


def normalize_svg(text: str) -> str:
    """``dvisvgm``'s SVG of one page with names independent of the document it came from.

    Fonts are renumbered ``g0``, ``g1``, ... in the order the page's body first uses them, the
    glyph definitions sorted by (font, character) as ``dvisvgm`` sorts them, and the page's group
    named ``page1``. A file of another shape is returned as it is.
    """
    head, sep, rest = text.partition("<defs>\n")
    defs, sep2, body = rest.partition("</defs>\n")
    if not sep or not sep2:
        return text
    lines = defs.splitlines()
    if not all(_GLYPH.fullmatch(line) for line in lines):
        return text
    order: dict[str, str] = {}
    for match in _FONT_REF.finditer(body):
        order.setdefault(match.group(2), str(len(order)))
    for line in lines:  # a glyph defined but unused keeps a place after the used ones
        order.setdefault(_GLYPH.fullmatch(line).group(1), str(len(order)))

    def rename(match: re.Match) -> str:
        return f"{match.group(1)}g{order[match.group(2)]}-{match.group(3)}"

    glyphs = sorted((_FONT_REF.sub(rename, line) for line in lines),
                    key=lambda line: tuple(int(n) for n in _GLYPH.fullmatch(line).groups()))
    body = re.sub(r"<g id='page\d+'>", "<g id='page1'>", _FONT_REF.sub(rename, body), count=1)
    return head + sep + "".join(g + "\n" for g in glyphs) + sep2 + body


def normalize_file(svg: Path) -> None:
    """:func:`normalize_svg` applied to the file ``svg`` (rewritten atomically when it changes)."""
    text = svg.read_text(encoding="utf-8")
    normal = normalize_svg(text)
    if normal != text:
        write_atomically(svg, normal.encode("utf-8"), sync=False)


def split_document(tex: str) -> tuple[str, str] | None:
    """``(preamble, body)`` of a Manim tex file, or ``None`` when it cannot share a document."""
    preamble, sep, rest = tex.partition(BEGIN)
    body, sep2, tail = rest.rpartition(END)
    if not sep or not sep2 or tail.strip() or STANDALONE not in preamble or BEGIN in body:
        return None
    return preamble, body


def _batch_document(preamble: str, bodies: list[str]) -> str:
    preamble = preamble.replace(STANDALONE, rf"\documentclass[preview,multi={PAGE_ENV}]{{standalone}}", 1)
    pages = "".join(rf"\begin{{{PAGE_ENV}}}{body}\end{{{PAGE_ENV}}}" + "\n" for body in bodies)
    return f"{preamble}{BEGIN}\n{pages}{END}\n"


def _run(command: list[str], cwd: Path) -> bool:
    try:
        return subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL).returncode == 0
    except OSError:
        return False


def free_cores() -> int:
    """How many documents may be compiled at once: the usable cores less the 1-minute load, at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return max(1, int(cores - load + 0.5))


def split_batch(members: list, parallel: int) -> list[list]:
    """``members`` in at most ``parallel`` runs of consecutive items, each of at least :data:`MIN_PAGES`."""
    count = max(1, min(parallel, len(members) // MIN_PAGES))
    size, extra = divmod(len(members), count)
    runs, start = [], 0
    for i in range(count):
        end = start + size + (i < extra)
        runs.append(members[start:end])
        start = end
    return runs


def typeset_batch(documents: dict[Path, str], compiler: str = "latex",
                  parallel: int | None = None) -> list[Path]:
    """Typeset the tex ``documents`` (``{svg to write: Manim's tex file text}``) in one go per preamble.

    Returns the SVGs written (each whole, normalised: :func:`normalize_svg`). A document that
    cannot share a batch, or a batch LaTeX or ``dvisvgm`` fails on, is left out: the caller
    typesets those one by one (and so reports a LaTeX error as Manim does). A large batch is
    compiled as up to ``parallel`` documents at once (default: :func:`free_cores`; see the module).
    """
    groups: dict[str, list[tuple[Path, str]]] = {}
    for target, tex in documents.items():
        parts = split_document(tex)
        if parts is not None:
            groups.setdefault(parts[0], []).append((target, parts[1]))
    if parallel is None:
        parallel = free_cores() if any(len(m) >= 2 * MIN_PAGES for m in groups.values()) else 1
    runs = [(preamble, run) for preamble, members in groups.items() for run in split_batch(members, parallel)]
    if len(runs) == 1 or parallel == 1:
        return [svg for preamble, run in runs for svg in _typeset_document(preamble, run, compiler)]
    with ThreadPoolExecutor(max_workers=parallel) as pool:  # the work is in the subprocesses
        return [svg for made in pool.map(lambda r: _typeset_document(*r, compiler), runs) for svg in made]


def _typeset_document(preamble: str, members: list[tuple[Path, str]], compiler: str) -> list[Path]:
    """One document of ``members`` (``(svg to write, body)``) compiled and split; the SVGs written."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="bpviz-texbatch-") as tmp:
        work = Path(tmp)
        (work / "batch.tex").write_text(_batch_document(preamble, [b for _, b in members]), encoding="utf-8")
        if not _run([compiler, "-interaction=batchmode", "-halt-on-error", "batch.tex"], work):
            return written
        width = len(str(len(members)))
        if not _run(["dvisvgm", "--page=1-", "--no-fonts", "--verbosity=0",
                     f"--output=page-%{width}p.svg", "batch.dvi"], work):
            return written
        for number, (target, _body) in enumerate(members, start=1):
            page = work / f"page-{number:0{width}d}.svg"
            if not page.is_file():
                continue
            text = page.read_text(encoding="utf-8")
            if not text.rstrip().endswith("</svg>"):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, normalize_svg(text).encode("utf-8"), sync=False)
            written.append(target)
    return written
