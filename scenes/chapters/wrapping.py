r"""Long equations in the panel: typeset once, cut into pieces, moved into lines that fit.

Every equation block of the chapters is built here (:func:`wrapped_block`): heading, general
form and form with numbers, each broken between terms or factors (measured on the typeset
glyphs, not guessed from characters), at the largest of :data:`WRAP_SCALES` that fits the height
it is given. When even the smallest does not fit, the longest sum keeps its first and last terms
around ``\cdots`` and says so on screen. :func:`panel_stack` and :func:`panel_of` put blocks
under each other in the panel.
"""

from __future__ import annotations

import re

from manim import DOWN, LEFT, UL, MathTex, VGroup

from .. import style
from ..mobjects.equation_panel import TEX_TEMPLATE, EquationBlock, colorize, paint_value
from .pieces import fitted, note_text, wrapped_text

# -- long equations: measured line wrapping ------------------------------------------------------
_WRAP_OPS = (" = ", " + ", " - ", r" \cdot ")
HEADING_SHRINK = 0.85
"""A heading up to this much too wide is shrunk onto one line; a longer one wraps."""
WRAP_SCALES = (1.0, 0.95, 0.9, 0.85)
"""Scales tried, largest first; below 0.85 of the equation size (digits about 11 px high at 480p,
the legibility check of the scene tests) a long form is elided instead."""


def _scan(latex: str):
    r"""``(position, op, \left depth, group)`` of every ``=``, ``+``, ``-``, ``\cdot`` outside braces."""
    depth, stack, group, i = 0, [], 0, 0
    while i < len(latex):
        if latex.startswith(r"\left", i):
            stack.append(i)
            i += 5
        elif latex.startswith(r"\right", i):
            if stack:
                stack.pop()
            i += 6
        elif latex[i] == "\\":
            i += 2
        else:
            depth += (latex[i] == "{") - (latex[i] == "}")
            op = next((o for o in _WRAP_OPS if latex.startswith(o, i)), None) if depth == 0 else None
            if op:
                group += op == " = " and not stack
                yield i, op, len(stack), stack[-1] if stack else -1 - group
            i += 1


def tex_pieces(latex: str) -> list[str]:
    r"""``latex`` cut before each ``=``, ``+``, ``-``, ``\cdot`` outside braces, at most one bracket deep.

    A bracket with a single operator inside, such as ``(1 - a)``, is never cut.
    """
    found = list(_scan(latex))
    ends, opened = {}, []
    for match in re.finditer(r"\\left|\\right", latex):
        if match.group() == r"\left":
            opened.append(match.start())
        elif opened:
            ends[opened.pop()] = match.start()

    def ops_inside(start: int) -> int:
        return sum(start < i < ends.get(start, len(latex)) for i, *_ in found)

    cuts = [i for i, _, level, group in found
            if i > 0 and (level == 0 or level == 1 and ops_inside(group) > 1)]
    return [latex[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(latex)])]


def elide_terms(latex: str, keep_first: int = 2, keep_last: int = 1) -> tuple[str, int, int]:
    r"""The longest sum of ``latex``, middle terms replaced by ``\cdots``: ``(latex, shown, total)``."""
    groups: dict = {}
    for i, op, level, group in _scan(latex):
        if op in (" + ", " - "):
            groups.setdefault((level, group), []).append(i)
    spots = max(groups.values(), key=len, default=[])
    total = len(spots) + 1
    if total <= keep_first + keep_last + 1:
        return _elide_denominator(latex, keep_first, keep_last) or (latex, total, total)
    cut_from, cut_to = spots[keep_first - 1], spots[len(spots) - keep_last]
    return latex[:cut_from] + r" + \cdots" + latex[cut_to:], keep_first + keep_last, total


def _sum_terms(latex: str) -> tuple[int, int, list[int]]:
    r"""The longest sum of ``latex``: where its first term starts, where its last ends, its signs.

    A sum inside ``\left( ... \right)`` starts after the opening bracket and ends at ``\right``;
    a sum outside brackets runs from the ``=`` before it to the ``=`` after it (or the end).
    """
    groups: dict = {}
    for i, op, level, group in _scan(latex):
        if op in (" + ", " - "):
            groups.setdefault((level, group), []).append(i)
    if not groups:
        return 0, len(latex), []
    (level, group), spots = max(groups.items(), key=lambda item: len(item[1]))
    if level > 0:  # group: where its \left stands
        start = group + len(r"\left") + 1
        depth, end = 0, len(latex)
        for match in re.finditer(r"\\left|\\right", latex[group:]):
            depth += 1 if match.group() == r"\left" else -1
            if depth == 0:
                end = group + match.start()
                break
    else:
        start = latex.rfind(" = ", 0, spots[0]) + 3 if " = " in latex[:spots[0]] else 0
        after = latex.find(" = ", spots[-1])
        end = after if after >= 0 else len(latex)
    return start, end, spots


def keep_terms(latex: str, keep) -> tuple[str, int, int]:
    r"""The longest sum of ``latex`` with only its terms at ``keep``, then ``+ \cdots``.

    ``keep``: 0-based positions, written in their order; returns ``(latex, shown, total)``. The
    backward chapter writes the shares it labelled on the edges of a tight fan this way.
    """
    start, end, spots = _sum_terms(latex)
    total = len(spots) + 1
    wanted = sorted({i for i in keep if 0 <= i < total})
    if not spots or not wanted or len(wanted) == total:  # no terms asked for: the sum as it is
        return latex, total, total
    bounds = [start, *spots, end]
    terms = [latex[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    kept = [terms[i] for i in wanted]
    first = kept[0].removeprefix("+ ")
    first = "-" + first[2:] if first.startswith("- ") else first
    body = " ".join([first, *kept[1:], r"+ \cdots"])
    return latex[:start] + body + latex[end:], len(wanted), total


def _elide_denominator(latex: str, keep_first: int, keep_last: int) -> tuple[str, int, int] | None:
    r"""The sum under a fraction's bar (softmax's ``e^{z_1} + \dots + e^{z_K}``) elided, or ``None``.

    :func:`elide_terms` sees the sums outside braces only; a softmax over ten classes has its one
    long sum in the denominator of ``\frac``.
    """
    at = latex.find(r"\frac{")
    if at < 0:
        return None
    bounds, i = [], at + len(r"\frac")
    for _ in range(2):  # the numerator's braces, then the denominator's
        depth, start = 0, i
        while i < len(latex):
            depth += (latex[i] == "{") - (latex[i] == "}")
            i += 1
            if depth == 0:
                break
        bounds.append((start + 1, i - 1))
    lo, hi = bounds[1]
    terms, depth, start = [], 0, lo
    for j in range(lo, hi):
        depth += (latex[j] == "{") - (latex[j] == "}")
        if depth == 0 and latex.startswith(" + ", j):
            terms.append(latex[start:j])
            start = j + 3
    terms.append(latex[start:hi])
    if len(terms) <= keep_first + keep_last + 1:
        return None
    shown = " + ".join([*terms[:keep_first], r"\cdots", *terms[len(terms) - keep_last:]])
    return latex[:lo] + shown + latex[hi:], keep_first + keep_last, len(terms)


def _rows(tex: MathTex, width: float, indent: float) -> list[list]:
    """Pieces of ``tex`` packed greedily into rows no wider than ``width`` (later rows indented).

    A row rather ends before a ``+``, ``-`` or ``=`` (between terms) than inside a product,
    when what follows that sign still fits on the next row.
    """
    rows: list[list] = []
    for piece in tex.submobjects:
        room = width - (indent if len(rows) > 1 else 0)
        if rows and piece.get_right()[0] - rows[-1][0].get_left()[0] <= room:
            rows[-1].append(piece)
            continue
        row = rows[-1] if rows else []
        ends = [i for i, p in enumerate(row) if i and p.tex_string[:1] in "+-="
                and piece.get_right()[0] - p.get_left()[0] <= width - indent]
        if ends and piece.tex_string[:1] not in "+-=":
            rows[-1], moved = row[:ends[-1]], row[ends[-1]:]
            rows.append([*moved, piece])
        else:
            rows.append([piece])
    return rows


_ROW_GAP = 0.15
TYPESET_TERMS_UP_TO = 40
"""A numbers form with a longer sum (784 inputs) is elided before it is typeset: typesetting it
whole costs tens of seconds and can never fit the panel."""


def _rows_height(rows: list[list]) -> float:
    tops = [max(p.get_top()[1] for p in row) - min(p.get_bottom()[1] for p in row) for row in rows]
    return sum(tops) + _ROW_GAP * (len(rows) - 1)


def _layout(tex: MathTex, width: float, max_height: float, indent: float) -> tuple[float, list[list]]:
    """The scale and rows: the largest scale whose rows fit, or a little smaller if that saves rows."""
    tried = [(scale, _rows(tex, width / scale, indent)) for scale in WRAP_SCALES]
    fitting = [(s, rows) for s, rows in tried if _rows_height(rows) * s <= max_height]
    if not fitting:
        return tried[-1]
    best = fitting[0]
    fewer = [(s, rows) for s, rows in fitting if s >= best[0] - 0.1 and len(rows) < len(best[1])]
    return fewer[0] if fewer else best


def wrapped_tex(part, latex: str, max_height: float, width: float | None = None) -> MathTex:
    """``latex`` typeset once, its pieces moved into lines that fit ``width`` (default: the panel).

    Takes the largest scale of :data:`WRAP_SCALES` whose lines fit ``max_height`` (a slightly
    smaller one when that saves lines); ``fits`` says whether one did (else it is left at the
    smallest), ``scale_factor`` which one.
    """
    width = part.regions.panel.width if width is None else width
    tex = MathTex(*tex_pieces(latex), tex_template=TEX_TEMPLATE, font_size=style.EQUATION_SIZE,
                  color=part.theme.text)
    left = tex.get_left()[0]
    first = tex.submobjects[1] if len(tex.submobjects) > 1 else tex.submobjects[0]
    indent = min(first.get_left()[0] - left, 0.3 * width) if first.tex_string.startswith("=") else 0.5
    scale, rows = _layout(tex, width, max_height, indent)
    height, single = _rows_height(rows), tex.height
    top = tex.get_top()[1]
    for r, row in enumerate(rows):
        row_top = max(p.get_top()[1] for p in row)
        shift = [left + (indent if r else 0) - row[0].get_left()[0], top - row_top, 0]
        top -= row_top - min(p.get_bottom()[1] for p in row) + _ROW_GAP
        for piece in row:
            piece.shift(shift)
    tex.initial_height *= tex.height / single  # font_size reads the height: keep it the glyphs' size
    tex.scale(scale, about_point=tex.get_corner(UL))
    tex.scale_factor, tex.latex_source = scale, latex
    tex.fits = height * scale <= max_height
    return tex


class WrappedEquation(EquationBlock):
    """An :class:`EquationBlock` whose parts :func:`wrapped_block` built (forms wrapped into lines).

    ``numbers_tex`` is the equation's full numbers form, even where the screen elides terms;
    ``shown_tex`` the numbers form as written on screen.
    """

    def __init__(self, parts: list, eq, quantity: str, numbers_tex: str, shown_tex: str = ""):
        self.value, self.quantity, self.numbers_tex, self.equation = eq.value, quantity, numbers_tex, eq
        self.shown_tex = shown_tex or numbers_tex
        VGroup.__init__(self, *parts)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.25)


def wrapped_block(part, eq, heading: str, quantity: str, max_height: float, note: str | None = None,
                  elided_key: str | None = None, symbolic: bool = True, numbers: bool = True,
                  terms=None) -> VGroup:
    r"""Heading, symbolic form and numbers form of ``eq``, each wrapped into lines, in ``max_height``.

    Never below the smallest of :data:`WRAP_SCALES`: when the numbers form does not fit even
    then, its longest sum keeps its first and last terms around ``\cdots`` and the catalogue text
    ``elided_key`` (``shown``, ``total``) says so. ``terms``: the positions of the longest sum's
    terms to write, the others as ``+ \cdots`` (:func:`keep_terms`). With numbers it is a
    :class:`WrappedEquation`.
    """
    theme = part.theme
    head = wrapped_text(heading, part.regions.panel.width, style.CAPTION_SIZE, theme.text,
                        shrink=HEADING_SHRINK)
    parts = [head]
    # room for the note as it will be wrapped, and a line more for the elision remark
    reserve = (note_text(part, note).height + 0.25 if note else 0.0) + (0.35 if elided_key else 0.0)
    room = max_height - head.height - 0.25 - max(reserve, 0.6 if note or elided_key else 0.0)
    if symbolic:
        tex = wrapped_tex(part, colorize(eq.latex(), theme), max(room * 0.45, 1.9) if numbers else room)
        parts.append(tex)
        room -= tex.height + 0.25
    full = part.story.tex(eq.latex_numbers(decimals=part.story.video["decimals"]))
    if numbers:
        latex = paint_value(full, quantity, theme)
        chosen = total = 0
        if terms is not None:  # the terms asked for, the others as + \cdots
            latex, chosen, total = keep_terms(latex, terms)
        short, cut, count = elide_terms(latex, 3, 1)
        if count > TYPESET_TERMS_UP_TO:  # a sum this long never fits: elide before typesetting
            tex, keep, shown, total = wrapped_tex(part, short, room), 2, cut, count
        else:
            tex, keep, shown = wrapped_tex(part, latex, room), 3, chosen
        while not tex.fits and keep:
            short, cut, count = elide_terms(latex, keep, 1)
            tex, keep = wrapped_tex(part, short, room), keep - 1
            shown, total = (min(cut, chosen), total) if chosen else (cut, count)
        if shown < total and elided_key:
            note = " ".join(filter(None, [note, part.tr(elided_key, shown=shown, total=total)]))
        parts.append(tex)
    if note:
        parts.append(note_text(part, note))
    if numbers:
        return WrappedEquation(parts, eq, quantity, full, tex.latex_source)
    return VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=0.25)


def panel_stack(part, *blocks, buff: float = 0.4) -> VGroup:
    """Blocks under each other at the panel's top left, each no wider than it, shrunk together if too tall."""
    region = part.regions.panel
    group = VGroup(*(fitted(block, region.width) for block in blocks)).arrange(DOWN, aligned_edge=LEFT,
                                                                              buff=buff)
    if group.height > region.height:
        group.scale_to_fit_height(region.height)
    return group.move_to([region.left, region.top, 0], aligned_edge=UL)


def panel_of(part, *builders, reserve: float = 1.9, buff: float = 0.4) -> VGroup:
    """Blocks built in turn, each ``builder(max_height)`` given the panel height still free.

    ``reserve`` is kept free for every block still to come; the result is :func:`panel_stack`.
    """
    room, blocks = part.regions.panel.height, []
    for pos, build in enumerate(builders):
        block = build(room - reserve * (len(builders) - pos - 1))
        blocks.append(block)
        room -= block.height + buff
    return panel_stack(part, *blocks, buff=buff)
