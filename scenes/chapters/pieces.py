"""Building blocks the chapters share: the diagram of the story, value labels, equation blocks."""

from __future__ import annotations

import textwrap

from manim import DOWN, LEFT, RIGHT, UL, UP, BackgroundRectangle, Circle, MathTex, Text, VGroup

from .. import style
from ..layout import boxes_overlap
from ..mobjects.equation_panel import TEX_TEMPLATE, EquationBlock, colorize, paint_value
from ..mobjects.network_diagram import NetworkDiagram
from ..mobjects.value_label import ValueLabel


def layer_captions(story) -> list[str]:
    """``input``, ``hidden 1`` ..., ``output`` from the catalogue."""
    n = story.n_layers
    out = [story.tr("common.input")]
    out += [story.tr("common.hidden", n=i) for i in range(1, n)]
    out.append(story.tr("common.output"))
    return out


def make_diagram(part, weights=None) -> NetworkDiagram:
    """The story's network with the weights before the explained step (or ``weights``)."""
    story = part.story
    weights = story.step.before.weights if weights is None else weights
    return NetworkDiagram(story.layers, weights, story.theme, story.weight_scale, part.regions.diagram,
                          captions=layer_captions(story))


def value_label(part, value: float, quantity: str, key: tuple, prefix: str = "",
                small: bool = False) -> ValueLabel:
    """A :class:`ValueLabel` of a trace value formatted as the story formats numbers."""
    size = style.SMALL_VALUE_SIZE if small else style.VALUE_SIZE
    return ValueLabel(value, prefix + part.story.fmt(value), quantity, part.theme, size, key=key)


def shows_value(part, diagram: NetworkDiagram, key: tuple[int, int]) -> bool:
    """Whether neuron ``key`` gets its numbers: always in small networks, else near the focus."""
    if diagram.geometry.show_all_values:
        return True
    fl, fj = part.story.focus_neuron
    return key == (fl, fj) or key[0] in (fl - 1,) and key[1] < 3


def neuron_labels(part, diagram: NetworkDiagram, layer: int, values, quantity: str,
                  side=UP) -> dict:
    """Labels of ``values[j]`` beside the neurons of ``layer`` that show numbers."""
    small = diagram.geometry.spacing < 0.8
    labels = {}
    for j, v in enumerate(values):
        if not shows_value(part, diagram, (layer, j)):
            continue
        label = value_label(part, v, quantity, (layer, j), small=small)
        label.next_to(diagram.neurons[(layer, j)], side, buff=0.02)
        labels[(layer, j)] = label
    return labels


def side_labels(part, diagram: NetworkDiagram, layer: int, values, quantity: str, symbol: str,
                side) -> dict:
    """``x_k = 0.05`` left of the inputs, ``y_j = 0.01`` right of the outputs."""
    small = diagram.geometry.spacing < 0.8
    labels = {}
    for j, v in enumerate(values):
        if not shows_value(part, diagram, (layer, j)) and layer != 0:
            continue
        label = value_label(part, v, quantity, (layer, j), prefix=f"{symbol}{j + 1} = ", small=small)
        label.next_to(diagram.neurons[(layer, j)], side, buff=0.12)
        labels[(layer, j)] = label
    return labels


def weight_labels(part, diagram: NetworkDiagram, weights, quantity: str = "weight") -> dict:
    """Labels of every weight along its edge (small networks with ``[video] show_weights``)."""
    if not (part.story.video["show_weights"] and diagram.geometry.label_weights):
        return {}
    labels = {}
    for (layer, j, k) in diagram.edges:
        label = value_label(part, weights[layer - 1][j, k], quantity, (layer, j, k), small=True)
        labels[(layer, j, k)] = diagram.label_edge((layer, j, k), label)
    return labels


def bias_labels(part, diagram: NetworkDiagram, biases) -> dict:
    """``b = 0.35`` under each neuron that shows numbers (none when biases are off)."""
    if not part.story.trace.config["network"]["use_biases"]:
        return {}
    labels = {}
    roomy = diagram.geometry.spacing >= 1.0
    for layer in range(1, len(diagram.layers)):
        for j in range(diagram.layers[layer]):
            if not (roomy and shows_value(part, diagram, (layer, j))):
                continue
            label = value_label(part, biases[layer - 1][j], "weight", (layer, j), prefix="b = ", small=True)
            label.next_to(diagram.neurons[(layer, j)], DOWN, buff=0.04)
            labels[(layer, j)] = label
    return labels


def highlight_ring(part, diagram: NetworkDiagram, key: tuple[int, int], quantity: str = "highlight"):
    """A ring around neuron ``key``: where the equation of this moment lives."""
    ring = Circle(radius=diagram.geometry.radius * 1.35, color=part.theme.color(quantity), stroke_width=4)
    return ring.move_to(diagram.neurons[key])


def vector_tex(part, symbol: str, values, quantity: str) -> MathTex:
    """``symbol = (v_1, ..., v_n)`` of trace values, coloured as ``quantity``, fitted to the panel."""
    numbers = ", ".join(part.story.fmt(v) for v in values)
    tex = MathTex(paint_value(rf"{symbol} = \left({numbers}\right)", quantity, part.theme),
                  tex_template=TEX_TEMPLATE, font_size=style.EQUATION_SIZE, color=part.theme.text)
    tex.values = [float(v) for v in values]
    if tex.width > part.regions.panel.width:
        tex.scale_to_fit_width(part.regions.panel.width)
    return tex


def symbol_value(part, latex: str, value: float, quantity: str, key: tuple = (),
                 small: bool = False) -> VGroup:
    """``latex = value``: the symbol (MathTex, coloured as ``quantity``) and a :class:`ValueLabel`."""
    size = style.SMALL_VALUE_SIZE if small else style.VALUE_SIZE
    symbol = MathTex(latex, "=", tex_template=TEX_TEMPLATE, font_size=size * 1.5, color=part.theme.text)
    symbol[0].set_color(part.theme.color(quantity))
    label = value_label(part, value, quantity, key, small=small)
    backdrop = BackgroundRectangle(symbol, color=part.theme.background, fill_opacity=0.8, buff=0.04)
    group = VGroup(VGroup(backdrop, symbol), label).arrange(RIGHT, buff=0.04)
    group.symbol, group.label = symbol, label
    return group


# -- long equations: measured line wrapping ------------------------------------------------------
_WRAP_OPS = (" = ", " + ", " - ", r" \cdot ")
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
    r"""``latex`` cut before each ``=``, ``+``, ``-``, ``\cdot`` outside braces, at most one bracket deep."""
    cuts = [i for i, _, level, _ in _scan(latex) if level <= 1 and i > 0]
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
        return latex, total, total
    cut_from, cut_to = spots[keep_first - 1], spots[len(spots) - keep_last]
    return latex[:cut_from] + r" + \cdots" + latex[cut_to:], keep_first + keep_last, total


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

    ``numbers_tex`` is the equation's full numbers form, even where the screen elides terms.
    """

    def __init__(self, parts: list, eq, quantity: str, numbers_tex: str):
        self.value, self.quantity, self.numbers_tex, self.equation = eq.value, quantity, numbers_tex, eq
        VGroup.__init__(self, *parts)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.25)


def wrapped_block(part, eq, heading: str, quantity: str, max_height: float, note: str | None = None,
                  elided_key: str | None = None, symbolic: bool = True, numbers: bool = True) -> VGroup:
    r"""Heading, symbolic form and numbers form of ``eq``, each wrapped into lines, in ``max_height``.

    Never below the smallest of :data:`WRAP_SCALES`: when the numbers form does not fit even
    then, its longest sum keeps its first and last terms around ``\cdots`` and the catalogue text
    ``elided_key`` (``shown``, ``total``) says so. With numbers it is a :class:`WrappedEquation`.
    """
    theme = part.theme
    head = Text(heading, font=style.FONT, font_size=style.CAPTION_SIZE, color=theme.text)
    parts = [head.scale_to_fit_width(min(head.width, part.regions.panel.width))]
    room = max_height - head.height - 0.25 - (0.6 if note or elided_key else 0)
    if symbolic:
        tex = wrapped_tex(part, colorize(eq.latex(), theme), max(room * 0.45, 1.9) if numbers else room)
        parts.append(tex)
        room -= tex.height + 0.25
    full = eq.latex_numbers(decimals=part.story.video["decimals"])
    if numbers:
        latex = paint_value(full, quantity, theme)
        tex, shown, total, keep = wrapped_tex(part, latex, room), 0, 0, 3
        while not tex.fits and keep:
            short, shown, total = elide_terms(latex, keep, 1)
            tex, keep = wrapped_tex(part, short, room), keep - 1
        if shown < total and elided_key:
            note = " ".join(filter(None, [note, part.tr(elided_key, shown=shown, total=total)]))
        parts.append(tex)
    if note:
        parts.append(note_text(part, note))
    if numbers:
        return WrappedEquation(parts, eq, quantity, full)
    return VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=0.25)


def panel_stack(part, *blocks, buff: float = 0.4) -> VGroup:
    """Blocks under each other at the panel's top left, scaled down together if too tall."""
    region = part.regions.panel
    group = VGroup(*blocks).arrange(DOWN, aligned_edge=LEFT, buff=buff)
    if group.height > region.height:
        group.scale_to_fit_height(region.height)
    return group.move_to([region.left, region.top, 0], aligned_edge=UL)


_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def indexed(symbol: str, layer: int, *indices: int) -> str:
    """``symbol`` with the layer as superscript and 0-based ``indices`` 1-based as subscripts (``w²₁₁``).

    For captions and headings (plain text); indices above 9 are separated by commas.
    """
    subs = [str(i + 1) for i in indices]
    sub = ("," if any(len(s) > 1 for s in subs) else "").join(subs)
    return symbol + str(layer).translate(_SUPERSCRIPTS) + sub.translate(_SUBSCRIPTS)


def note_text(part, note: str, color: str | None = None) -> Text:
    """A remark in the panel, broken into lines at word boundaries to fit the panel's width."""
    width = part.regions.panel.width
    text = Text(note, font=style.FONT, font_size=style.STATUS_SIZE, color=color or part.theme.muted)
    chars = int(len(note) * width / text.width) + 1
    while text.width > width and chars > 12:
        chars -= 1
        text = Text(textwrap.fill(note, chars), font=style.FONT, font_size=style.STATUS_SIZE,
                    color=color or part.theme.muted, line_spacing=0.8)
    if text.width > width:
        text.scale_to_fit_width(width)
    return text



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


def unclutter_edge_labels(diagram: NetworkDiagram, labels: dict, avoid) -> dict:
    """Slide edge labels along their edges until they clear ``avoid`` and each other; returns ``labels``."""
    def clash(label, others) -> bool:
        return any(boxes_overlap(_box(label), _box(o), 0.02) for o in others if o is not label)

    placed = list(avoid)
    for key, label in labels.items():
        for where in (None, 0.5, 0.65, 0.2, 0.75, 0.4, 0.8):
            diagram.label_edge(key, label, where)
            if not clash(label, placed):
                break
        placed.append(label)
    return labels


def _box(mob) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]
