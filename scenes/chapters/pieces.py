"""Building blocks the chapters share: the diagram of the story, value labels, equation blocks."""

from __future__ import annotations

import textwrap

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    AnimationGroup,
    BackgroundRectangle,
    Circle,
    MathTex,
    Text,
    VGroup,
)
from manim.utils.rate_functions import smooth

from .. import style
from ..animations.fade import Appear, Vanish
from ..layout import SIDE_ROOM, VALUES_UP_TO, boxes_overlap
from ..mobjects.equation_panel import TEX_TEMPLATE, colorize
from ..mobjects.network_diagram import NetworkDiagram, names_on_rows
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
    story, region, room = part.story, part.regions.diagram, input_room(part)
    weights = story.step.before.weights if weights is None else weights
    names = names_room(part, region, room, SIDE_ROOM)  # the outputs keep the default room
    return NetworkDiagram(story.layers, weights, story.theme, story.weight_scale, region,
                          captions=layer_captions(story), side_room=room, names=neuron_names(story),
                          names_room=names, right_room=SIDE_ROOM if names else None)


def neuron_names(story) -> dict:
    """The names the diagram writes beside its neurons: features at the inputs, classes at the outputs.

    Empty for inline data (the labels' ``x1``, ``y1`` name them).
    """
    names = {}
    if story.input_labels:
        names.update({(0, k): name for k, name in enumerate(story.input_labels)})
    if story.output_labels:
        names.update({(story.n_layers, j): name for j, name in enumerate(story.output_labels)})
    return names


def input_room(part) -> float:
    """Room left of the input column for the widest ``x_k = value`` label or name (at least ``SIDE_ROOM``).

    Measured at the larger label size, beside the largest ring; the label may reach into the
    frame's margin, as the default room already lets narrow labels (``x1 = 0.05``) do.
    """
    story = part.story
    x = [float(v) for v in story.record.x]
    places = story.column_places(x)
    widest = max(value_label(part, v, "activation", (0, j), places=places, prefix=f"x{j + 1} = ").width
                 for j, v in enumerate(x))
    beside = style.NEURON_RADIUS * style.RING_SCALE + 0.02 + style.LABEL_GAP
    room = max(SIDE_ROOM, widest + beside - style.FRAME_MARGIN + 0.05)
    if story.input_labels and not names_on_rows(story.layers, part.regions.diagram, story.input_labels):
        # the names above the labels (NetworkDiagram._build_names), half a margin in
        names = max(Text(name, font=style.FONT, font_size=style.SMALL_VALUE_SIZE).width
                    for name in story.input_labels)
        room = max(room, names + beside - style.FRAME_MARGIN / 2 + 0.05)
    return room


MIN_COLUMN_GAP = 1.3
"""The inputs' names on their rows take room from the columns only while two stay this far apart."""
NAMES_SCALE_DOWN = 0.7
"""Names on the inputs' rows are shrunk at most this much to fit the room left; else left out."""


def names_room(part, region, side_room: float, right_room: float | None = None) -> float:
    """Room left of the input labels for the inputs' names on their rows (0: no names there).

    For inputs that stand too close for a name above each label (13 of wine): the widest name, a
    gap and half a margin, as far as the columns keep :data:`MIN_COLUMN_GAP` apart in ``region``
    with ``side_room`` left and ``right_room`` (default: the same) right of them (the names
    shrunk to fit down to :data:`NAMES_SCALE_DOWN`).
    """
    story = part.story
    if not story.input_labels or not names_on_rows(story.layers, region, story.input_labels):
        return 0.0
    widest = max(Text(name, font=style.FONT, font_size=style.SMALL_VALUE_SIZE).width
                 for name in story.input_labels)
    extra = style.LABEL_GAP + style.FRAME_MARGIN / 2
    right = side_room if right_room is None else right_room
    free = region.width - side_room - right - MIN_COLUMN_GAP * (len(story.layers) - 1) - extra
    return widest + extra if free >= widest else free + extra if free >= widest * NAMES_SCALE_DOWN else 0.0


def value_label(part, value: float, quantity: str, key: tuple, prefix: str = "",
                small: bool = False, fixed: bool = False, places: int | None = None) -> ValueLabel:
    """A :class:`ValueLabel` of a trace value formatted as the story formats numbers.

    ``fixed``: in fixed point (``Story.fmt_fixed``), for a column of a table; ``places``: with
    the decimals its column shares (``Story.column_places``, ``Story.fmt_places``).
    """
    size = style.SMALL_VALUE_SIZE if small else style.VALUE_SIZE
    if places is not None:
        text = part.story.fmt_places(value, places)
    else:
        text = part.story.fmt_fixed(value) if fixed else part.story.fmt(value)
    return ValueLabel(value, prefix + text, quantity, part.theme, size, key=key, fixed=fixed, places=places)


def shows_value(part, diagram: NetworkDiagram, key: tuple[int, int]) -> bool:
    """Whether neuron ``key`` gets its numbers: always in small layers, else near the focus.

    A layer of at most :data:`~scenes.layout.VALUES_UP_TO` neurons shows every value (the output
    layer of most networks); a larger one only the focus neuron and the first neurons feeding it.
    """
    if diagram.layers[key[0]] <= VALUES_UP_TO:
        return True
    fl, fj = part.story.focus_neuron
    return key == (fl, fj) or key[0] in (fl - 1,) and key[1] < 3


def neuron_labels(part, diagram: NetworkDiagram, layer: int, values, quantity: str,
                  side=RIGHT) -> dict:
    """Labels of ``values[j]`` level with the neurons of ``layer`` that show numbers, on ``side``.

    Activations go right of their column, deltas left (:func:`place_column`): each in its
    neuron's slot, with the decimals of the column.
    """
    shown = [j for j in range(len(values)) if shows_value(part, diagram, (layer, j))]
    return column_labels(part, diagram, layer, values, quantity, shown, side)


def side_labels(part, diagram, layer: int, values, quantity: str, symbol: str, side) -> dict:
    """``x_k = 0.05`` left of the inputs, ``y_j = 0.01`` right of the outputs."""
    shown = [j for j in range(len(values)) if layer == 0 or shows_value(part, diagram, (layer, j))]
    return column_labels(part, diagram, layer, values, quantity, shown, side, symbol=symbol)


def column_labels(part, diagram, layer: int, values, quantity: str, shown, side, symbol: str = "",
                  small: bool | None = None) -> dict:
    """Labels of ``values[j]`` for ``j`` in ``shown``, placed by :func:`place_column`.

    The numbers share the decimals of the column's values (``0.5510`` beside ``0.5856``);
    ``symbol`` writes ``symbol_j = `` before each. ``small``: the small size (default: when
    the neurons are closer than 0.8 units).
    """
    small = diagram.geometry.spacing < 0.8 if small is None else small
    places = part.story.column_places([values[j] for j in shown])
    labels = {(layer, j): value_label(part, values[j], quantity, (layer, j), small=small, places=places,
                                      prefix=f"{symbol}{j + 1} = " if symbol else "")
              for j in shown}
    return place_column(diagram, labels, side, first=part.story.focus_neuron)


def line_up(rows, numbers, left: float) -> None:
    """Shift each of ``rows`` so that the decimal separators of its ``numbers`` stand on one x.

    ``numbers`` holds one :class:`ValueLabel` per row (the row itself, or a part of it); the row
    reaching furthest left of its separator starts at ``left``. A table's column, or the close-up's.
    """
    reach = max(number.decimal_x() - row.get_left()[0] for row, number in zip(rows, numbers))
    for row, number in zip(rows, numbers):
        row.shift((left + reach - number.decimal_x()) * RIGHT)


def place_column(diagram, labels: dict, side, first: tuple | None = None,
                 beyond: float | None = None) -> dict:
    """Each label level with its neuron ``(l, j)``, on ``side`` (``LEFT`` or ``RIGHT``) of its column.

    Clear of a highlight ring, the decimal separators of one column on one x.

    ``beyond``: an x the labels keep ``style.LABEL_GAP`` beyond (right of it on the right side), the
    far side of a column of labels already there.

    A slot is the neuron's own height: where two neurons are closer than a label is tall, a
    label that would touch one already placed is left out (the ``first`` neuron's is placed
    first, then top to bottom), never moved. Returns the labels kept.
    """
    if not labels:
        return labels
    geometry = diagram.geometry
    direction = 1 if side[0] > 0 else -1
    column_x = diagram.neurons[next(iter(labels))].get_x()
    edge = column_x + direction * (geometry.radius * style.RING_SCALE + 0.02 + style.LABEL_GAP)
    if beyond is not None:
        edge = max(edge, beyond + style.LABEL_GAP) if direction > 0 else min(edge, beyond - style.LABEL_GAP)
    # how far each label reaches from its separator towards the column: the anchor clears all
    reach = [lab.decimal_x() - lab.get_left()[0] if direction > 0 else lab.get_right()[0] - lab.decimal_x()
             for lab in labels.values()]
    anchor = edge + direction * max(reach)
    order = sorted(labels, key=lambda key: (key != first, key[1]))
    kept, tops = {}, []
    for key in order:
        label = labels[key]
        label.set_y(diagram.neurons[key].get_y())
        label.shift((anchor - label.decimal_x()) * RIGHT)
        low, high = label.get_bottom()[1] - style.LABEL_GAP / 2, label.get_top()[1] + style.LABEL_GAP / 2
        if any(low < top and high > bottom for bottom, top in tops):
            continue
        tops.append((low, high))
        kept[key] = label
    return {key: kept[key] for key in sorted(kept, key=lambda k: k[1])}


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
    """``b = 0.35`` under each neuron that shows numbers, clear of its ring (none when biases are off).

    The separators of a column line up under the neurons' centres; a layer shows its biases
    only when a label fits between its neuron's ring and the neuron below, nearer its own.
    """
    if not part.story.trace.config["network"]["use_biases"]:
        return {}
    labels, r = {}, diagram.geometry.radius
    for layer in range(1, len(diagram.layers)):
        shown = [j for j in range(diagram.layers[layer]) if shows_value(part, diagram, (layer, j))]
        places = part.story.column_places([biases[layer - 1][j] for j in shown])
        column = {}
        for j in shown:
            label = value_label(part, biases[layer - 1][j], "weight", (layer, j), prefix="b = ", small=True,
                                places=places)
            neuron = diagram.neurons[(layer, j)]
            label.next_to(neuron, DOWN, buff=r * (style.RING_SCALE - 1) + 0.02 + style.LABEL_GAP)
            label.shift((neuron.get_x() - label.decimal_x()) * RIGHT)
            column[(layer, j)] = label
        spacing, ys = diagram.geometry.spacing, {key: diagram.neurons[key].get_y() for key in column}
        fits = all(ys[key] - lab.get_bottom()[1] + style.LABEL_GAP < spacing - r * style.RING_SCALE - 0.02
                   and ys[key] - lab.get_y() < spacing / 2 - 0.02 for key, lab in column.items())
        if diagram.layers[layer] == 1 or fits:
            labels.update(column)
    return labels


def _first_half(t: float) -> float:
    return smooth(min(1.0, 2 * t))


def _second_half(t: float) -> float:
    return smooth(max(0.0, 2 * t - 1))


def swap(old, new, **kwargs) -> AnimationGroup:
    """``old`` fades out in the first half, then ``new`` fades in where it stands (a panel, a label).

    Never both at once, so two texts never overlap mid-way. A fade rather than a ``Transform``:
    morphing one equation's glyphs into another's aligns and copies every submobject, which costs
    seconds for a long equation and reads no better.
    """
    return AnimationGroup(Vanish(old, rate_func=_first_half), Appear(new, rate_func=_second_half), **kwargs)


def highlight_ring(part, diagram: NetworkDiagram, key: tuple[int, int], quantity: str = "highlight"):
    """A ring around neuron ``key``: where the equation of this moment lives."""
    ring = Circle(radius=diagram.geometry.radius * style.RING_SCALE, color=part.theme.color(quantity),
                  stroke_width=4)
    return ring.move_to(diagram.neurons[key])


VECTOR_ROWS = (6, 5, 4, 3)
"""Numbers per line of a vector tried in turn, until the lines fit the panel's width."""


def vector_tex(part, symbol: str, values, quantity: str, limit: int | None = None) -> MathTex:
    """``symbol = (v_1, ..., v_n)`` of trace values, broken into lines of :data:`VECTOR_ROWS` numbers.

    The numbers are coloured as ``quantity``, the symbol as its own quantity; the most numbers to
    a line that fit the panel at the equation size (only a vector too wide even at the last
    count is scaled down). ``limit``: a vector longer than that writes its first ``limit``
    numbers and an ellipsis (64 pixels would not be legible). ``values`` keeps the numbers shown.
    """
    more = limit is not None and len(values) > limit
    shown = list(values[:limit]) if more else list(values)
    for per_row in VECTOR_ROWS:
        tex = _vector(part, symbol, shown, quantity, per_row, more)
        if tex.width <= part.regions.panel.width:
            return tex
    return tex.scale_to_fit_width(part.regions.panel.width)


def _vector(part, symbol: str, values, quantity: str, per_row: int, more: bool = False) -> MathTex:
    color = part.theme.color(quantity).to_hex().lstrip("#")
    sep = part.story.tr("format.separator").strip()  # a comma, or "; " beside a decimal comma
    numbers = [part.story.fmt_tex(v) for v in values]
    rows = [f"{sep} ".join(numbers[i:i + per_row]) for i in range(0, len(numbers), per_row)]
    if more:
        rows[-1] += rf"{sep} \ldots"
    if len(rows) == 1:
        body = rf"\left({{\color[HTML]{{{color}}}{rows[0]}}}\right)"
    else:
        lines = (sep + r" \\ & \quad ").join(rf"{{\color[HTML]{{{color}}}{row}}}" for row in rows)
        body = rf"\bigl({lines}\bigr)"
    tex = MathTex(rf"{colorize(symbol, part.theme)} &= {body}", tex_template=TEX_TEMPLATE,
                  font_size=style.EQUATION_SIZE, color=part.theme.text)
    tex.values = [float(v) for v in values]
    return tex


def symbol_value(part, latex: str, value: float, quantity: str, key: tuple = (),
                 small: bool = False, places: int | None = None) -> VGroup:
    """``latex = value``: the symbol (MathTex, coloured as ``quantity``) and a :class:`ValueLabel`.

    The label has ``places`` decimals (its column's) when given.
    """
    size = style.SMALL_VALUE_SIZE if small else style.VALUE_SIZE
    symbol = MathTex(latex, "=", tex_template=TEX_TEMPLATE, font_size=size * 1.5, color=part.theme.text)
    symbol[0].set_color(part.theme.color(quantity))
    label = value_label(part, value, quantity, key, small=small, places=places)
    backdrop = BackgroundRectangle(symbol, color=part.theme.background, fill_opacity=0.8, buff=0.04)
    group = VGroup(VGroup(backdrop, symbol), label).arrange(RIGHT, buff=0.04)
    group.symbol, group.label = symbol, label
    return group


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
    return wrapped_text(note, part.regions.panel.width, style.STATUS_SIZE, color or part.theme.muted)


def wrapped_text(words: str, width: float, font_size: float, color: str, shrink: float = 1.0) -> Text:
    """``words`` broken into lines at word boundaries to fit ``width``, at ``font_size``.

    A line at most ``1 / shrink`` times too wide is scaled down to ``width`` instead (a heading
    keeps one line when it needs little). Otherwise shrunk only when a single word is wider.
    """
    text = Text(words, font=style.FONT, font_size=font_size, color=color)
    if text.width * shrink <= width:
        return fitted(text, width)
    chars, lines = int(len(words) * width / text.width) + 1, None
    while text.width > width and chars > 12:
        chars -= 1
        if textwrap.fill(words, chars) == lines:  # broken as before: as wide as before
            continue
        lines = textwrap.fill(words, chars)
        text = Text(lines, font=style.FONT, font_size=font_size, color=color, line_spacing=0.8)
    if text.width > width:
        text.scale_to_fit_width(width)
    return text


def fitted(mob, width: float):
    """``mob``, scaled down to ``width`` when it is wider (never up)."""
    return mob.scale_to_fit_width(width) if mob.width > width else mob


EDGE_SPOTS = (None, 0.5, 0.65, 0.2, 0.75, 0.4, 0.8)
"""Where along its edge a label is tried, in turn (``None``: the staggered default)."""


def unclutter_edge_labels(diagram: NetworkDiagram, labels: dict, avoid, spots=EDGE_SPOTS,
                          tol: float = 0.02, clearance: float = 0.25) -> dict:
    """Slide edge labels along their edges until they clear ``avoid`` and each other; returns ``labels``.

    Each label takes the first of ``spots`` where it overlaps no other edge label by more than
    ``tol`` and keeps ``clearance`` from every label of ``avoid`` (a value level with its
    neuron, which an edge label beside it would seem to continue: ``0.4-0.1385``). Where no
    spot on the edge is clear (a short edge level with its neurons' values), the label stands
    just beside the middle of its edge (:data:`EDGE_SIDE_STEPS`).
    """
    # every box measured once: a placed label and those of avoid stay where they are
    placed, kept_off = [], [mobject_box(other) for other in avoid]

    def clear(label) -> bool:
        own = mobject_box(label)
        return not any(boxes_overlap(own, box, tol) for other, box in placed if other is not label) \
            and not any(boxes_overlap(own, box, -clearance) for box in kept_off)

    for key, label in labels.items():
        for where in spots:
            diagram.label_edge(key, label, where)
            if clear(label):
                break
        else:
            direction = diagram.edges[key].get_unit_vector()
            normal = np.array([-direction[1], direction[0], 0.0])
            for step in EDGE_SIDE_STEPS:
                diagram.label_edge(key, label, 0.5).shift(normal * step * label.height)
                if clear(label) and not any(mobjects_overlap(label, n) for n in diagram.neurons.values()):
                    break
            else:
                diagram.label_edge(key, label, spots[-1])
        placed.append((label, mobject_box(label)))
    return labels


EDGE_SIDE_STEPS = (1.6, -1.6, 2.4, -2.4, 3.2, -3.2)
"""Offsets tried, in label heights across the edge, for an edge label no spot along its edge clears."""


def mobject_box(mob) -> tuple[float, float, float, float]:
    """``(left, right, bottom, top)`` of ``mob``, from one pass over its boundary points.

    The numbers ``get_left``, ``get_right``, ``get_bottom`` and ``get_top`` give (four passes).
    """
    points = mob.get_points_defining_boundary()
    if len(points) == 0:  # as Manim's get_critical_point: the origin
        return 0.0, 0.0, 0.0, 0.0
    low, high = points.min(axis=0), points.max(axis=0)
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def mobjects_overlap(a, b, tol: float = 0.0) -> bool:
    """Whether the bounding boxes of mobjects ``a`` and ``b`` overlap by more than ``tol``."""
    return boxes_overlap(mobject_box(a), mobject_box(b), tol)
