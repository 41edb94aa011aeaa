"""Pure geometry: where the title, the diagram, the equation panel and every neuron go.

No Manim objects here, only numbers, so layout is testable without rendering. Coordinates are
Manim units: the frame is ``frame_width`` x ``frame_height`` (14.22 x 8 at 16:9), origin at
the centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .style import DIAGRAM_WIDTH_SHARE, FRAME_MARGIN, MIN_NEURON_RADIUS, NEURON_RADIUS

MAX_NEURONS_PER_LAYER = 64
"""Above this a layer cannot be drawn as a column of neurons; :class:`DiagramTooLarge` says so."""
MAX_EDGES = 20_000
MIN_IMAGE_INPUTS = 8 * 8
"""The smallest input layer drawn as a square image (scikit-learn's 8 x 8 digits); smaller: columns."""
MAX_IMAGE_INPUTS = 32 * 32
"""An input layer of a square number of neurons from :data:`MIN_IMAGE_INPUTS` draws in dense mode as a
square image, up to this."""
VALUES_UP_TO = 10
"""Layers up to this size show every value; larger networks switch to focus mode."""
WEIGHT_LABELS_UP_TO = 12
"""Networks with at most this many edges label every weight."""


class DiagramTooLarge(ValueError):
    """The network has too many neurons or edges to draw legibly."""


@dataclass(frozen=True)
class Region:
    """An axis-aligned rectangle."""

    left: float
    right: float
    bottom: float
    top: float

    @property
    def width(self) -> float:
        """Width."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Height."""
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        """Centre as a 3-D point."""
        return np.array([(self.left + self.right) / 2, (self.bottom + self.top) / 2, 0.0])

    def contains(self, left: float, right: float, bottom: float, top: float, tol: float = 1e-6) -> bool:
        """Whether a box lies inside this region."""
        return (left >= self.left - tol and right <= self.right + tol
                and bottom >= self.bottom - tol and top <= self.top + tol)


@dataclass(frozen=True)
class FrameLayout:
    """The regions of a frame: title band, diagram, equation panel, status line."""

    frame: Region
    title: Region
    diagram: Region
    panel: Region
    status: Region


def frame_layout(frame_width: float = 128 / 9, frame_height: float = 8.0) -> FrameLayout:
    """Split the frame: title on top, diagram left, equations right, status at the bottom."""
    w, h, m = frame_width / 2, frame_height / 2, FRAME_MARGIN
    frame = Region(-w, w, -h, h)
    title = Region(-w + m, w - m, h - 1.05, h - m)
    status = Region(-w + m, w - m, -h + m, -h + m + 0.4)
    split = -w + frame_width * DIAGRAM_WIDTH_SHARE
    diagram = Region(-w + m, split, status.top + 0.15, title.bottom - 0.1)
    panel = Region(split + m, w - m, status.top + 0.15, title.bottom - 0.1)
    return FrameLayout(frame, title, diagram, panel, status)


@dataclass(frozen=True)
class NetworkLayout:
    """Neuron centres ``centers[(l, j)]``, the neuron radius, and what numbers fit."""

    layers: tuple[int, ...]
    centers: dict
    radius: float
    spacing: float
    show_all_values: bool
    label_weights: bool

    @property
    def focus_mode(self) -> bool:
        """Whether only the numbers around the highlighted neuron are shown."""
        return not self.show_all_values


def is_dense(layers: tuple[int, ...]) -> bool:
    """Whether ``layers`` draws in dense mode: an input layer too large for a column of neurons.

    Dense mode draws the input as a square image (``n_0`` a square number from
    :data:`MIN_IMAGE_INPUTS` to :data:`MAX_IMAGE_INPUTS`, e.g. 8 x 8 = 64 or 28 x 28 = 784) and
    the edges merged by layer and colour. Other input layers up to :data:`MAX_NEURONS_PER_LAYER`
    are columns of neurons.
    """
    n = layers[0]
    side = int(round(n ** 0.5))
    return MIN_IMAGE_INPUTS <= n <= MAX_IMAGE_INPUTS and side * side == n


def check_drawable(layers: tuple[int, ...]) -> None:
    """Raise :class:`DiagramTooLarge` with the reason when ``layers`` cannot be drawn."""
    edges = sum(a * b for a, b in zip(layers, layers[1:]))
    drawn = layers[1:] if is_dense(layers) else layers
    widest = max(drawn)
    if widest > MAX_NEURONS_PER_LAYER:
        layer = list(layers).index(widest, len(layers) - len(drawn))
        note = (f" (an input layer of {MIN_IMAGE_INPUTS} to {MAX_IMAGE_INPUTS} neurons draws as a square "
                "image when it is a square number, e.g. 784 = 28 x 28)" if layer == 0 else "")
        raise DiagramTooLarge(f"layer {layer} has {widest} neurons; the diagram draws at most "
                              f"{MAX_NEURONS_PER_LAYER} per layer{note}")
    if edges > MAX_EDGES:
        raise DiagramTooLarge(f"{edges} weights; the diagram draws at most {MAX_EDGES}")


SIDE_ROOM = 1.6
"""The least room left of the input column and right of the output column, for their labels."""
SMALL_NETWORK = 2
"""Networks of at most this many neurons per layer spread over the diagram's whole height."""


def network_layout(layers: tuple[int, ...], region: Region, side_room: float = SIDE_ROOM,
                   spread: dict | None = None, left_extra: float = 0.0,
                   right_room: float | None = None) -> NetworkLayout:
    """Place the neurons of ``layers`` in ``region``, columns left to right.

    ``side_room`` is kept free left of the input column and right of the output column for
    the input and target labels; the bottom 0.75 units hold the layer captions. ``spread``
    gives a layer the least distance between its neurons it wants (``{layer: distance}``: an
    output column of three classes beside 13 inputs, room for its class names), as far as the
    height allows; the other layers keep :attr:`NetworkLayout.spacing`. ``left_extra`` is kept
    free left of the input column besides ``side_room`` (the inputs' names on their rows);
    ``right_room``, when given, is kept right of the output column instead of ``side_room``.
    """
    check_drawable(layers)
    n_cols = len(layers)
    left = region.left + side_room + left_extra
    right = region.right - (side_room if right_room is None else right_room)
    xs = np.linspace(left, right, n_cols) if n_cols > 1 else np.array([region.center[0]])
    bottom, top = region.bottom + 0.75, region.top - 0.3
    widest = max(layers)
    # a network of one or two neurons per layer fills its half of the frame: its columns take most
    # of the height (the neurons keep their size: wider rings would crowd the labels between columns)
    spacing = (top - bottom) * 0.7 if widest <= SMALL_NETWORK else min((top - bottom) / widest, 2.0)
    # never wider than 0.9 of the spacing: a column of 30 (breast cancer's inputs) keeps its rings apart
    radius = float(min(np.clip(spacing * 0.32, MIN_NEURON_RADIUS, NEURON_RADIUS), spacing * 0.45))
    mid = (bottom + top) / 2
    centers = {}
    for layer, n in enumerate(layers):
        gap = max(spacing, min((spread or {}).get(layer, 0.0), (top - bottom) / n))
        for j in range(n):
            y = mid + (n - 1) / 2 * gap - j * gap
            centers[(layer, j)] = np.array([xs[layer], y, 0.0])
    edges = sum(a * b for a, b in zip(layers, layers[1:]))
    return NetworkLayout(tuple(layers), centers, radius, spacing, widest <= VALUES_UP_TO,
                         edges <= WEIGHT_LABELS_UP_TO)


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float],
                  tol: float = 0.0) -> bool:
    """Whether boxes ``(left, right, bottom, top)`` overlap by more than ``tol``."""
    return (min(a[1], b[1]) - max(a[0], b[0]) > tol) and (min(a[3], b[3]) - max(a[2], b[2]) > tol)
