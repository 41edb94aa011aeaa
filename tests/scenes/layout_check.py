"""Checks of a settled frame without rendering: every text inside the frame, no two texts overlap,
no text on a neuron or its ring, every value label beside its own neuron, the labels of a column
lined up, each edge's share of the blame legible and crossed by no other share's edge, equations
large enough to read, the numbers of a table's column lined up.

Only geometry is read (no pixels), so the checks work on a scene rendered with
``skip_animations=True`` or ``dry_run``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

import numpy as np
from manim import Circle, DecimalNumber, Dot, MarkupText, MathTex, Paragraph, SingleStringMathTex, Text

from scenes.layout import boxes_overlap, frame_layout
from scenes.mobjects.value_label import ValueLabel

LEAVES = (ValueLabel, Text, MarkupText, Paragraph, DecimalNumber, MathTex, SingleStringMathTex)
"""Mobjects checked as one box each (their glyphs are not compared with each other)."""
OVERLAP_TOLERANCE = 0.02
"""Boxes may touch by this much (Manim units) before they count as overlapping."""
CIRCLE_TOLERANCE = 0.01
"""A text may reach this far (Manim units) into a neuron's or a ring's disc before it counts as on it."""
COLUMN_TOLERANCE = 0.02
"""Decimal separators of one column may differ this much in x (Manim units)."""
MIN_DIGIT_HEIGHT = 0.18
"""Smallest legible height of a digit of an equation, in Manim units (about 11 px at 480p)."""
MIN_LABEL_DIGIT_HEIGHT = 0.14
"""Smallest legible height of a digit of a share label on an edge, in Manim units (19 px at 1080p:
the small value size's digits, 0.148, never shrunk below it)."""
SHARE_BESIDE = 0.1
"""A share label's box comes at least this close to its own edge (Manim units)."""
SHARE_MIDDLE = 0.5
"""The middle of a share label, where an edge through it is read as its edge: this share of its
width, its height less a tenth at the top and the bottom."""


def visible(mob) -> bool:
    """Whether any part of ``mob`` is drawn with a non-zero opacity."""
    for part in mob.family_members_with_points():
        fill = part.get_fill_opacities() if hasattr(part, "get_fill_opacities") else [1.0]
        stroke = part.get_stroke_opacities() if hasattr(part, "get_stroke_opacities") else [1.0]
        if any(o > 0 for o in fill) or any(o > 0 and part.get_stroke_width() > 0 for o in stroke):
            return True
    return False


def scene_leaves(scene, kinds=LEAVES) -> list:
    """Every visible mobject of one of ``kinds`` on screen (not descending into a found one)."""
    found, seen = [], set()

    def walk(mob):
        if id(mob) in seen:
            return
        seen.add(id(mob))
        if isinstance(mob, kinds):
            if (mob.has_points() or mob.submobjects) and visible(mob):
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        walk(mob)
    return found


def text_leaves(scene) -> list:
    """Every label, text and equation on screen, each as one box (not its glyphs)."""
    return scene_leaves(scene)


def box(mob) -> tuple[float, float, float, float]:
    """``(left, right, bottom, top)`` of ``mob``: what ``get_left``, ``get_right``, ``get_bottom``
    and ``get_top`` give, from one pass over its boundary points instead of four."""
    points = mob.get_points_defining_boundary()
    if len(points) == 0:  # as Manim's get_critical_point: the origin
        return 0.0, 0.0, 0.0, 0.0
    low, high = points.min(axis=0), points.max(axis=0)
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def describe(mob) -> str:
    """A short name of ``mob`` for a failure message."""
    text = getattr(mob, "text", None) or getattr(mob, "tex_string", None) or type(mob).__name__
    return f"{type(mob).__name__}({str(text)[:40]!r})"


def scene_frame(scene):
    """The frame of a chapter scene (taller at 4:3), else the 16:9 one."""
    regions = getattr(scene, "regions", None)
    return regions.frame if regions is not None else frame_layout().frame


def drawn_outside(scene, texts=()) -> list[str]:
    """Shapes (neurons, edges, rings, plots ...) reaching out of the frame, one line per scene mobject.

    Parts of ``texts`` (checked as whole texts) are left out.
    """
    frame, problems = scene_frame(scene), []
    skip = {id(part) for text in texts for part in text.get_family()}
    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        out = [part for part in mob.family_members_with_points()
               if id(part) not in skip and visible(part) and not frame.contains(*box(part), tol=0.05)]
        if out:
            problems.append(f"outside the frame: {len(out)} shape(s) of {describe(mob)}, e.g. "
                            f"{describe(out[0])} at {tuple(round(v, 2) for v in box(out[0]))}")
    return problems


def frame_problems(scene) -> list[str]:
    """What is wrong with the current frame of ``scene``: texts or shapes outside it, texts overlapping."""
    frame = scene_frame(scene)
    leaves = text_leaves(scene)
    boxes = [box(mob) for mob in leaves]  # each measured once: the pairs below reuse them
    problems = []
    for mob, b in zip(leaves, boxes):
        if not frame.contains(*b, tol=0.01):
            problems.append(f"outside the frame: {describe(mob)} at {tuple(round(v, 2) for v in b)}")
    problems += drawn_outside(scene, leaves)
    for i, a in enumerate(leaves):
        for j in range(i + 1, len(leaves)):
            if boxes_overlap(boxes[i], boxes[j], OVERLAP_TOLERANCE):
                problems.append(f"overlap: {describe(a)} and {describe(leaves[j])}")
    return problems + label_problems(scene, leaves, boxes) + share_problems(scene, leaves) \
        + table_problems(leaves)


# -- value labels beside their neurons ---------------------------------------------------------
SIDE_ROOM = 1.6
"""How far beside the outer columns a neuron's value may stand (``network_layout``'s ``side_room``)."""


def screen_neurons(scene) -> dict:
    """The visible neurons on screen, ``{(l, j): circle}`` (a diagram marks each with ``neuron_key``;
    chapters add a diagram's parts to the scene, not the diagram)."""
    return _keyed_on_screen(scene, "neuron_key")


def _keyed_on_screen(scene, attribute: str) -> dict:
    """The visible parts on screen that carry ``attribute``, by its value (the first of each)."""
    found = {}
    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        for part in mob.get_family():
            key = getattr(part, attribute, None)
            if key is not None and visible(part):
                found.setdefault(key, part)
    return found


def neuron_discs(scene, neurons: dict) -> list[tuple[str, np.ndarray, float]]:
    """``(name, centre, radius)`` of every neuron of ``neurons`` and every ring drawn around one
    (a visible circle other than a dot, centred on a neuron and larger), outer stroke edge included."""
    discs = [(f"neuron {key}", neuron.get_center(), _outer_radius(neuron)) for key, neuron in neurons.items()]
    ids = {id(neuron) for neuron in neurons.values()}
    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        for part in mob.get_family():
            if not isinstance(part, Circle) or isinstance(part, Dot) or id(part) in ids or not visible(part):
                continue
            for key, neuron in neurons.items():
                centred = np.linalg.norm(part.get_center() - neuron.get_center()) < 1e-3
                if centred and part.width > neuron.width:
                    discs.append((f"ring around {key}", part.get_center(), _outer_radius(part)))
                    break
    return discs


def _outer_radius(circle) -> float:
    """Radius of ``circle`` to the outer edge of its stroke (Manim's stroke width 100 = 1 unit)."""
    return circle.width / 2 + circle.get_stroke_width() / 200


def box_meets_disc(b: tuple[float, float, float, float], centre, radius: float, tol: float) -> bool:
    """Whether box ``b`` reaches more than ``tol`` into the disc ``(centre, radius)``."""
    x = min(max(centre[0], b[0]), b[1])
    y = min(max(centre[1], b[2]), b[3])
    return np.hypot(x - centre[0], y - centre[1]) < radius - tol


def beside_the_diagram(label, neurons: dict) -> bool:
    """Whether ``label`` is the value of a neuron on screen, standing beside the network (not in
    the panel, nor beside a chapter's own drawing of one neuron)."""
    key = label.key
    if not (isinstance(key, tuple) and len(key) == 2 and key in neurons):
        return False
    circles = list(neurons.values())
    margin = 2 * max(c.width for c in circles) + 0.3
    x, y = label.get_center()[:2]
    return (min(c.get_left()[0] for c in circles) - SIDE_ROOM <= x <= max(c.get_right()[0] for c in circles)
            + SIDE_ROOM and min(c.get_bottom()[1] for c in circles) - margin <= y
            <= max(c.get_top()[1] for c in circles) + margin)


def label_problems(scene, leaves, boxes=None) -> list[str]:
    """Texts on a neuron or a ring; value labels nearer another neuron than their own; the labels of
    one quantity in one column on different sides of it or with their decimal separators not lined up.

    ``boxes``: the boxes of ``leaves``, when already measured."""
    neurons = screen_neurons(scene)
    if not neurons:
        return []
    problems = []
    discs = neuron_discs(scene, neurons)
    for mob, b in zip(leaves, boxes if boxes is not None else map(box, leaves)):
        for name, centre, radius in discs:
            if box_meets_disc(b, centre, radius, CIRCLE_TOLERANCE):
                problems.append(f"on a neuron: {describe(mob)} covers the {name}")
    columns = defaultdict(list)
    for label in (m for m in leaves if isinstance(m, ValueLabel) and beside_the_diagram(m, neurons)):
        centre = label.get_center()
        nearest = min(neurons, key=lambda k: np.linalg.norm(neurons[k].get_center() - centre))
        if nearest != label.key:
            problems.append(f"not beside its neuron: {describe(label)} of {label.key} is nearest to "
                            f"{nearest}")
        columns[(label.quantity, label.key[0])].append((label, neurons[label.key]))
    for (quantity, layer), labels in columns.items():
        sides = {side_of(label, neuron) for label, neuron in labels}
        if len(sides) > 1:
            problems.append(f"column of {quantity} in layer {layer} on several sides: {sorted(sides)}")
        problems += column_problems(f"column of {quantity} in layer {layer}", [label for label, _ in labels])
    return problems


def column_problems(name: str, labels) -> list[str]:
    """The numbers of one column (``labels``) written with different decimals, or their decimal
    separators not lined up."""
    problems = []
    places = {decimals_of(label.text) for label in labels} - {None}
    if len(places) > 1:
        problems.append(f"{name} with {sorted(places)} decimals: "
                        + ", ".join(label.text for label in labels))
    xs = [label.decimal_x() for label in labels]
    if max(xs) - min(xs) > COLUMN_TOLERANCE:
        problems.append(f"{name} not lined up: decimal separators from x = {min(xs):.2f} to {max(xs):.2f}")
    return problems


TABLES = ("loss",)
"""The first part of the key of value labels that form one column of a table: the update chapter's
losses before and after the update (``("loss", row)``)."""


def table_problems(leaves) -> list[str]:
    """The columns of a table (:data:`TABLES`) with different decimals or not lined up."""
    columns = defaultdict(list)
    for label in leaves:
        key = getattr(label, "key", None)
        if isinstance(label, ValueLabel) and isinstance(key, tuple) and key and key[0] in TABLES:
            columns[key[0]].append(label)
    return [problem for name, labels in columns.items() if len(labels) > 1
            for problem in column_problems(f"table column {name!r}", labels)]


def decimals_of(text: str) -> int | None:
    """How many decimals the number ``text`` ends with is written with (``None``: scientific)."""
    match = re.search(r"-?\d+(?:[.,](\d+))?(e-?\d+)?$", text)
    if match is None or match.group(2):
        return None
    return len(match.group(1) or "")


def side_of(label, neuron) -> str:
    """Which side of ``neuron`` ``label`` is on: left, right, above or below (the larger offset)."""
    dx, dy = (label.get_center() - neuron.get_center())[:2]
    if abs(dx) >= abs(dy):
        return "right" if dx > 0 else "left"
    return "above" if dy > 0 else "below"


# -- each edge's share of the blame, on its edge ------------------------------------------------
def screen_edges(scene) -> dict:
    """The visible edges on screen, ``{(l, j, k): line}`` (a diagram marks each with ``edge_key``)."""
    return _keyed_on_screen(scene, "edge_key")


def share_labels_on_screen(leaves) -> list:
    """The delta labels standing on an edge (keyed ``(l, m, j)``): each edge's share of a hidden error."""
    return [m for m in leaves if isinstance(m, ValueLabel) and m.quantity == "delta"
            and isinstance(m.key, tuple) and len(m.key) == 3]


def middle_of(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The middle of box ``b`` (:data:`SHARE_MIDDLE`)."""
    cx, half = (b[0] + b[1]) / 2, (b[1] - b[0]) * SHARE_MIDDLE / 2
    trim = (b[3] - b[2]) * 0.1
    return cx - half, cx + half, b[2] + trim, b[3] - trim


def segment_meets_box(start, end, b: tuple[float, float, float, float]) -> bool:
    """Whether the segment ``start``-``end`` passes through box ``b`` (Liang-Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    d = (end[0] - start[0], end[1] - start[1])
    for p, q in ((-d[0], start[0] - b[0]), (d[0], b[1] - start[0]),
                 (-d[1], start[1] - b[2]), (d[1], b[3] - start[1])):
        if abs(p) < 1e-12:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def segment_box_distance(start, end, b: tuple[float, float, float, float], samples: int = 200) -> float:
    """Distance from the segment ``start``-``end`` to box ``b`` (0 when it passes through)."""
    if segment_meets_box(start, end, b):
        return 0.0
    t = np.linspace(0.0, 1.0, samples)[:, None]
    points = np.asarray(start)[:2] + t * (np.asarray(end)[:2] - np.asarray(start)[:2])
    dx = np.maximum(np.maximum(b[0] - points[:, 0], points[:, 0] - b[1]), 0.0)
    dy = np.maximum(np.maximum(b[2] - points[:, 1], points[:, 1] - b[3]), 0.0)
    return float(np.min(np.hypot(dx, dy)))


def label_digit_height(label: ValueLabel) -> float:
    """Height of the tallest digit of ``label`` as it is now scaled on screen."""
    glyphs = label.text.replace(" ", "").replace("\t", "").replace("\n", "")
    parts = label.label.submobjects
    if len(glyphs) != len(parts):
        return float(label.label.height)
    return max((float(g.height) for c, g in zip(glyphs, parts) if c.isdigit()),
               default=float(label.label.height))


def share_problems(scene, leaves, min_height: float = MIN_LABEL_DIGIT_HEIGHT) -> list[str]:
    """Share labels too small to read, away from their edge, or whose middle another share's edge
    crosses (misread as its)."""
    shares = share_labels_on_screen(leaves)
    if not shares:
        return []
    edges, problems = screen_edges(scene), []
    for label in shares:
        height = label_digit_height(label)
        if height < min_height:
            problems.append(f"share too small: {describe(label)} on edge {label.key}, digits {height:.3f} "
                            f"units high ({height * 135:.0f} px at 1080p; at least {min_height})")
        own = edges.get(label.key)
        off = 0.0 if own is None else segment_box_distance(own.get_start(), own.get_end(), box(label))
        if off > SHARE_BESIDE:
            problems.append(f"share away from its edge: {describe(label)} of edge {label.key} stands "
                            f"{off:.2f} units off it")
        middle = middle_of(box(label))
        for other in shares:
            edge = edges.get(other.key)
            if other is label or edge is None or other.key == label.key:
                continue
            if segment_meets_box(edge.get_start(), edge.get_end(), middle):
                problems.append(f"share crossed: {describe(label)} of edge {label.key} has edge {other.key} "
                                f"({other.text}) through its middle")
    return problems


@cache
def digit_height_per_point() -> float:
    """Height of a digit of a MathTex per point of font size (LaTeX's Computer Modern)."""
    reference = MathTex("0123456789", font_size=48)
    return max(glyph.height for glyph in reference[0]) / 48


def digit_height(tex: MathTex) -> float:
    """Height of a full-size digit of ``tex`` as it is now scaled on screen."""
    return tex.font_size * digit_height_per_point()


def illegible_equations(scene, min_height: float = MIN_DIGIT_HEIGHT) -> list[str]:
    """Equations in the panel whose digits are shorter than ``min_height`` units."""
    panel = frame_layout().panel
    problems = []
    for tex in scene_leaves(scene, (MathTex,)):
        x, y = tex.get_center()[:2]
        if not (panel.left <= x <= panel.right and panel.bottom <= y <= panel.top):
            continue
        height = digit_height(tex)
        if height < min_height:
            problems.append(f"too small: {describe(tex)} digits {height:.3f} units high "
                            f"({height / 8 * 480:.1f} px at 480p; at least {min_height})")
    return problems
