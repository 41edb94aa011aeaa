"""``HeatMap``: a grid of values in [0, 1] painted as a few flat colour shapes, and ``Blend``.

TensorFlow Playground's decision map. One :class:`~manim.VMobject` per colour bucket (at most
:data:`LEVELS`), each made of rectangles that merge the runs of equal colour along a row: a
40 x 40 grid is a few hundred rectangles in ten mobjects, not 1,600 squares. Values below 0.5
take the negative sign colour, above 0.5 the positive one, stronger the farther from 0.5; an even
number of buckets puts a bucket edge at 0.5, so the colour changes sign exactly on the 0.5
contour. Nothing is computed here but colours: the values come from ``backprop_core.decision``.
"""

from __future__ import annotations

import numpy as np
from manim import Animation, ManimColor, Mobject, VGroup, VMobject, interpolate_color

from ..layout import Region
from ..style import Theme

LEVELS = 10
"""Colour buckets over [0, 1] (even, so 0.5 is a bucket edge)."""
STRENGTH = 0.75
"""How far the strongest bucket goes from the background to the sign colour (the data points,
in full colour, stay visible on it)."""


def level_colors(theme: Theme, levels: int = LEVELS) -> list[ManimColor]:
    """The colour of each bucket: negative sign colour below 0.5, positive above, faint near 0.5."""
    colors = []
    for k in range(levels):
        mid = (k + 0.5) / levels
        end = theme.positive if mid > 0.5 else theme.negative
        colors.append(interpolate_color(ManimColor(theme.background), ManimColor(end),
                                        STRENGTH * abs(mid - 0.5) * 2))
    return colors


def buckets(values: np.ndarray, levels: int = LEVELS) -> np.ndarray:
    """The bucket of every value (clipped to [0, 1]): ``0 .. levels - 1``."""
    return np.minimum((np.clip(values, 0.0, 1.0) * levels).astype(int), levels - 1)


def runs(row: np.ndarray) -> list[tuple[int, int, int]]:
    """``(start, stop, bucket)`` of every run of equal buckets along ``row``."""
    edges = np.flatnonzero(np.diff(row)) + 1
    starts = np.concatenate([[0], edges])
    stops = np.concatenate([edges, [len(row)]])
    return [(int(a), int(b), int(row[a])) for a, b in zip(starts, stops)]


def _rectangles(boxes: list[tuple[float, float, float, float]]) -> np.ndarray:
    """Cubic Bézier points of closed rectangles ``(left, right, bottom, top)``, one subpath each."""
    out = np.zeros((len(boxes) * 16, 3))
    thirds = np.array([0.0, 1 / 3, 2 / 3, 1.0])[:, None]
    for i, (x0, x1, y0, y1) in enumerate(boxes):
        corners = np.array([[x0, y0, 0], [x1, y0, 0], [x1, y1, 0], [x0, y1, 0], [x0, y0, 0]])
        for s in range(4):
            out[i * 16 + s * 4: i * 16 + s * 4 + 4] = corners[s] + thirds * (corners[s + 1] - corners[s])
    return out


def grid_boxes(keys: np.ndarray, region: Region) -> dict[int, list]:
    """The cells of ``keys[r, c]`` (row 0 at the bottom) over ``region``, rectangles per key.

    Each rectangle is ``(left, right, bottom, top)``; a run of one key along a row is one rectangle.
    """
    n_rows, n_cols = keys.shape
    dx, dy = region.width / n_cols, region.height / n_rows
    boxes: dict[int, list] = {}
    for r, row in enumerate(keys):
        bottom = region.bottom + r * dy
        for start, stop, key in runs(row):
            boxes.setdefault(key, []).append(
                (region.left + start * dx, region.left + stop * dx, bottom, bottom + dy))
    return boxes


class HeatMap(VGroup):
    """``values[r, c]`` (row 0 at the bottom) painted over ``region``, one shape per colour bucket.

    Parameters
    ----------
    values : numpy.ndarray
        Shape ``(rows, cols)``, values in [0, 1] (the network's output over the grid).
    region : Region
        Where the grid goes: columns left to right, rows bottom to top.
    theme : Theme
        The sign colours and the background.

    Examples
    --------
    >>> from scenes.style import THEMES
    >>> grid = np.array([[0.1, 0.1, 0.9], [0.1, 0.6, 0.9]])
    >>> heat = HeatMap(grid, Region(0, 3, 0, 2), THEMES["dark"])
    >>> len(heat.submobjects), heat.rectangles
    (3, 5)
    """

    def __init__(self, values: np.ndarray, region: Region, theme: Theme, **kwargs):
        super().__init__(**kwargs)
        colors = level_colors(theme)
        boxes = grid_boxes(buckets(np.asarray(values, dtype=float)), region)
        self.rectangles = sum(len(b) for b in boxes.values())
        for level in sorted(boxes):
            shape = VMobject(fill_color=colors[level], fill_opacity=1.0,
                             stroke_color=colors[level], stroke_width=0.6)  # the stroke hides seams
            shape.set_points(_rectangles(boxes[level]))
            shape.level = level
            self.add(shape)


class Blend(Animation):
    """``new`` fades in over ``old`` inside ``holder`` (a group already on screen); then ``old`` goes.

    The holder keeps its place in the scene's drawing order, so what lies above it (the data
    points) stays above both maps all the way. ``new`` must already be in ``holder``.
    """

    def __init__(self, holder: VGroup, old: Mobject, new: Mobject, **kwargs):
        self.old, self.new = old, new
        super().__init__(holder, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        """Nothing to copy: only the new map's opacities change."""
        return Mobject()

    def begin(self) -> None:
        """Note the new map's own opacities."""
        self.alphas = [(m, m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy())
                       for m in self.new.get_family() if isinstance(m, VMobject)]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        """The new map's opacities times the share of the way."""
        share = self.rate_func(alpha)
        for member, fill, stroke in self.alphas:
            member.fill_rgbas[:, 3] = fill * share
            member.stroke_rgbas[:, 3] = stroke * share

    def clean_up_from_scene(self, scene) -> None:
        """The new map at its own opacity; the old one out of the holder."""
        super().clean_up_from_scene(scene)
        self.interpolate_mobject(1.0)
        self.mobject.remove(self.old)


CONFIDENCE_LEVELS = 5
"""Shades of a class's colour in a :class:`ClassMap`, from a tie (``1/K``) to certainty (1)."""


class ClassMap(VGroup):
    """Each cell of a grid in the colour of its class, shaded by the network's confidence.

    A K-class decision map: ``winner[r, c]`` (row 0 at the bottom) is the class of the largest
    output there, ``confidence[r, c]`` that output, from ``1/K`` (a tie: faint) to 1 (full).
    One shape per class and shade, its rectangles merging runs along a row, as :class:`HeatMap`.

    Parameters
    ----------
    winner, confidence : numpy.ndarray
        Shape ``(rows, cols)`` each (:meth:`backprop_core.decision.DecisionPlane.classes`).
    region : Region
        Where the grid goes.
    colors : sequence of ManimColor
        One colour per class (:func:`scenes.style.class_colors`).
    background : str
        The colour a tie fades towards.
    """

    def __init__(self, winner: np.ndarray, confidence: np.ndarray, region: Region, colors, background: str,
                 **kwargs):
        super().__init__(**kwargs)
        winner, confidence = np.asarray(winner, dtype=int), np.asarray(confidence, dtype=float)
        k = len(colors)
        floor = 1.0 / k
        share = np.clip((confidence - floor) / (1.0 - floor), 0.0, 1.0)
        shade = np.minimum((share * CONFIDENCE_LEVELS).astype(int), CONFIDENCE_LEVELS - 1)
        boxes = grid_boxes(winner * CONFIDENCE_LEVELS + shade, region)
        self.rectangles = sum(len(b) for b in boxes.values())
        for key in sorted(boxes):
            level = key % CONFIDENCE_LEVELS
            color = interpolate_color(ManimColor(background), ManimColor(colors[key // CONFIDENCE_LEVELS]),
                                      STRENGTH * (0.2 + 0.8 * (level + 0.5) / CONFIDENCE_LEVELS))
            shape = VMobject(fill_color=color, fill_opacity=1.0, stroke_color=color, stroke_width=0.6)
            shape.set_points(_rectangles(boxes[key]))
            shape.level = key
            self.add(shape)
