"""``DenseNetworkDiagram``: a network too large for a column of neurons, drawn in a few mobjects.

The input layer (a square number of inputs, e.g. 784 = 28 x 28) is drawn twice, compactly: as
the input image (one square per pixel, coloured by its activation) and as a thin column where
the edges start. The edges are merged: one VMobject per chunk of at most :data:`CHUNK` edges of
the same layer and colour bucket (the weight's sign and one of :data:`LEVELS` magnitudes), each
edge a subpath. Manim draws 13,000 separate ``Line`` s at about 1.5 s a frame; the merged
chunks are drawn once into the static image of a ``play`` (see ``PERF-NOTES.md``), and cairo
strokes short paths faster than one huge self-crossing one, hence the chunks.
"""

from __future__ import annotations

import numpy as np
from manim import Circle, Rectangle, Text, VGroup, VMobject

from .. import style
from ..layout import NetworkLayout, Region
from ..style import Theme

CHUNK = 128
"""Edges (subpaths) per merged VMobject at most."""
LEVELS = (0.0, 0.125, 0.25, 0.5)
"""Lower bounds of the magnitude buckets, as shares of the trace's largest ``|w|``."""
PIXEL_LEVELS = 8
"""Shades of the input image and column (activation buckets; the lowest is not drawn)."""
IMAGE_SIDE = 2.0
"""Side of the input image in frame units."""


LABEL_ROOM = 1.2
"""Room right of the output column for its value and target labels."""
NAME_WIDTH = 1.2
"""The widest class name on an output's row (a wider one is scaled down to it)."""
EDGE_GAP = 1.6
"""Between the input column and the first hidden column (less by up to :data:`GAP_FOR_NAMES`)."""
GAP_FOR_NAMES = 0.6
"""What the class names' room takes from :data:`EDGE_GAP`; the rest comes off the image's side, so
that the circles' columns stand as far apart as without names."""


def dense_layout(layers: tuple[int, ...], region: Region,
                 names_room: float = 0.0) -> tuple[NetworkLayout, Region]:
    """Neuron centres of a dense network and the square of its input image.

    ``centers[(0, k)]`` are the points of the input column (top to bottom, pixel order); the
    other layers are columns of circles right of it. The right :data:`LABEL_ROOM` units keep
    room for the target labels (and ``names_room`` more for the class names beyond them, taken
    from the edges' gap and the image), the bottom 0.75 for the layer captions.
    """
    bottom, top = region.bottom + 0.75, region.top - 0.3
    mid = (bottom + top) / 2
    gap_cut = min(names_room, GAP_FOR_NAMES)
    side = min(IMAGE_SIDE - (names_room - gap_cut), top - bottom)
    image = Region(region.left + 0.05, region.left + 0.05 + side, mid - side / 2, mid + side / 2)
    column_x = image.right + 0.4
    xs = np.linspace(column_x + EDGE_GAP - gap_cut, region.right - LABEL_ROOM - names_room, len(layers) - 1)
    spacing = min((top - bottom) / max(layers[1:]), 2.0)
    radius = float(np.clip(spacing * 0.32, style.MIN_NEURON_RADIUS, style.NEURON_RADIUS))
    centers = {}
    n0 = layers[0]
    for k, y in enumerate(np.linspace(top, bottom, n0)):
        centers[(0, k)] = np.array([column_x, y, 0.0])
    for layer, n in enumerate(layers[1:], start=1):
        for j in range(n):
            centers[(layer, j)] = np.array([xs[layer - 1], mid + (n - 1) / 2 * spacing - j * spacing, 0.0])
    return NetworkLayout(tuple(layers), centers, radius, spacing, False, False), image


def line_points(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Bezier points (4 per edge, straight) of the segments ``starts[i] -> ends[i]``, stacked."""
    d = ends - starts
    return np.stack([starts, starts + d / 3, starts + 2 * d / 3, ends], axis=1).reshape(-1, 3)


def chunks(index: np.ndarray, size: int = CHUNK) -> list[np.ndarray]:
    """``index`` cut into consecutive pieces of at most ``size``."""
    return [index[i:i + size] for i in range(0, len(index), size)]


class DenseNetworkDiagram(VGroup):
    """A dense network: input image and column, merged edges, circles for the other layers.

    Neurons of layers 1..L are keyed ``(l, j)`` in :attr:`neurons` as in
    :class:`~scenes.mobjects.NetworkDiagram`; edges are not separate mobjects but subpaths:
    :attr:`edge_keys` maps each merged VMobject to the ``(l, j, k)`` of its subpaths.

    Parameters
    ----------
    layers, weights, theme, weight_scale, region, captions
        As for :class:`~scenes.mobjects.NetworkDiagram`.
    inputs : array, optional
        The input activations to show in the image and column (``None``: an empty image).
    names : dict, optional
        The outputs' class names ``{(L, j): name}``, written small and muted on the output
        neurons' rows, beyond the room of their labels (:data:`LABEL_ROOM`).
    """

    def __init__(self, layers, weights, theme: Theme, weight_scale: float, region: Region,
                 captions=None, inputs=None, names=None, **kwargs):
        self.layers = tuple(layers)
        self.theme = theme
        self.weight_scale = float(weight_scale)
        self.region = region
        texts = {key: Text(name, font=style.FONT, font_size=style.SMALL_VALUE_SIZE, color=theme.muted)
                 for key, name in (names or {}).items()}
        for text in texts.values():
            if text.width > NAME_WIDTH:
                text.scale_to_fit_width(NAME_WIDTH)
        names_room = max((text.width for text in texts.values()), default=-style.LABEL_GAP) + style.LABEL_GAP
        self.geometry, self.image_box = dense_layout(self.layers, region, names_room)
        self.side = int(round(self.layers[0] ** 0.5))
        self.neurons: dict[tuple[int, int], Circle] = {}
        self.edge_keys: dict[VMobject, np.ndarray] = {}
        self.captions: dict[int, Text] = {}
        super().__init__(**kwargs)
        self._build_edges(weights)
        self.pulse_slot = VGroup()  # pulses travel here: over the edges, under the neurons
        self.add(self.pulse_slot)
        self._build_neurons()
        self.input_group = VGroup()
        self.add(self.input_group)
        self.set_inputs(inputs)
        self._build_captions(captions)
        self.names: dict[tuple[int, int], Text] = {}
        for key, text in texts.items():
            center = self.geometry.centers[key]
            text.move_to([center[0] + LABEL_ROOM + text.width / 2, center[1], 0])
            text.name_of = key  # which neuron it names (as NetworkDiagram's names)
            self.names[key] = text
            self.caption_group.add(text)
        if texts and self.caption_group not in self.submobjects:
            self.add(self.caption_group)

    # -- geometry ------------------------------------------------------------------------------
    def edge_ends(self, layer: int, j: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Start and end points of the edges ``(layer, j[i], k[i])``, cut at the circles."""
        centers, r = self.geometry.centers, self.geometry.radius
        starts = np.array([centers[(layer - 1, kk)] for kk in k])
        ends = np.array([centers[(layer, jj)] for jj in j])
        unit = (ends - starts) / np.linalg.norm(ends - starts, axis=1)[:, None]
        return starts + (unit * r if layer > 1 else 0.0), ends - unit * r

    # -- construction --------------------------------------------------------------------------
    def _build_edges(self, weights) -> None:
        self.edge_group = VGroup()
        self.layer_edges: dict[int, VGroup] = {}
        for layer in range(1, len(self.layers)):
            w = np.asarray(weights[layer - 1], dtype=float)
            j, k = np.indices(w.shape)
            j, k, values = j.ravel(), k.ravel(), w.ravel()
            starts, ends = self.edge_ends(layer, j, k)
            level = np.searchsorted(LEVELS, np.abs(values) / self.weight_scale, side="right") - 1
            group = VGroup()
            for lv in range(len(LEVELS)):  # weak first, strong on top
                for sign in (1, -1):
                    picked = np.flatnonzero((level == lv) & (np.sign(values + 1e-300) == sign))
                    if not len(picked):
                        continue
                    shown = sign * self.weight_scale * (LEVELS[lv] + (LEVELS + (1.0,))[lv + 1]) / 2
                    look = {"color": style.value_color(self.theme, shown, self.weight_scale),
                            "width": style.edge_width(shown, self.weight_scale) * 0.5,
                            "opacity": style.edge_opacity(shown, self.weight_scale, self.theme.edge_floor)
                            * (0.5 if layer == 1 else 1.0)}
                    for part in chunks(picked):
                        mob = VMobject()
                        mob.set_points(line_points(starts[part], ends[part]))
                        mob.set_stroke(**look).set_fill(opacity=0)
                        self.edge_keys[mob] = np.stack([np.full(len(part), layer), j[part], k[part]], 1)
                        group.add(mob)
            self.layer_edges[layer] = group
            self.edge_group.add(group)
        self.add(self.edge_group)

    def _build_neurons(self) -> None:
        self.neuron_group = VGroup()
        for (layer, j), center in self.geometry.centers.items():
            if layer == 0:
                continue
            c = Circle(radius=self.geometry.radius, color=self.theme.neuron_stroke, stroke_width=1.5)
            c.set_fill(self.theme.neuron_fill, opacity=1).move_to(center)
            c.neuron_key = (layer, j)  # which neuron, for a check that sees only the scene's mobjects
            self.neurons[(layer, j)] = c
            self.neuron_group.add(c)
        self.add(self.neuron_group)

    def pixel_mobjects(self, values) -> VGroup:
        """The input image and column of ``values``: one VMobject per shade (squares as subpaths)."""
        box, n = self.image_box, self.layers[0]
        values = np.zeros(n) if values is None else np.clip(np.asarray(values, dtype=float), 0, 1)
        shade = np.minimum((values * PIXEL_LEVELS).astype(int), PIXEL_LEVELS - 1)
        cell = box.width / self.side
        rows, cols = np.divmod(np.arange(n), self.side)
        image_at = np.stack([box.left + (cols + 0.5) * cell, box.top - (rows + 0.5) * cell, 0 * cols], 1)
        column_at = np.array([self.geometry.centers[(0, k)] for k in range(n)])
        tick = abs(column_at[0, 1] - column_at[1, 1]) if n > 1 else cell
        group = VGroup(Rectangle(width=box.width, height=box.height, color=self.theme.muted,
                                 stroke_width=1).move_to(box.center),
                       Rectangle(width=0.12, height=column_at[0, 1] - column_at[-1, 1] + tick,
                                 color=self.theme.muted, stroke_width=1)
                       .move_to((column_at[0] + column_at[-1]) / 2))
        for level in range(1, PIXEL_LEVELS):
            picked = np.flatnonzero(shade == level)
            if not len(picked):
                continue
            mob = VMobject(stroke_width=0)
            squares = [_squares(image_at[picked], cell), _squares(column_at[picked], tick, width=0.12)]
            mob.set_points(np.concatenate(squares))
            mob.set_fill(self.theme.activation, opacity=(level + 0.5) / PIXEL_LEVELS)
            group.add(mob)
        return group

    def set_inputs(self, values) -> DenseNetworkDiagram:
        """Show ``values`` (``None``: nothing) in the input image and column."""
        self.input_group.remove(*self.input_group.submobjects)
        self.input_group.add(*self.pixel_mobjects(values))
        return self

    def _build_captions(self, captions) -> None:
        self.caption_group = VGroup()
        if captions is None:
            return
        size = style.LABEL_SIZE * 0.8
        for layer, caption in enumerate(captions):
            text = Text(caption, font=style.FONT, font_size=size, color=self.theme.muted)
            x = self.image_box.center[0] if layer == 0 else self.geometry.centers[(layer, 0)][0]
            text.move_to([x, self.region.bottom + 0.45, 0])
            self.captions[layer] = text
            self.caption_group.add(text)
        self.add(self.caption_group)

    # -- counts (tests, benchmarks) ------------------------------------------------------------
    @property
    def edge_count(self) -> int:
        """How many edges the merged VMobjects hold (one subpath each)."""
        return sum(len(keys) for keys in self.edge_keys.values())

    # -- placing labels (as NetworkDiagram) ----------------------------------------------------
    def center(self, key: tuple[int, int]) -> np.ndarray:
        """Centre of neuron ``key``."""
        return self.geometry.centers[key]

    def side_label(self, layer: int, j: int, label, side):
        """Put ``label`` beside neuron ``(layer, j)``."""
        label.next_to(self.neurons[(layer, j)], side, buff=0.12)
        return label


def _squares(centers: np.ndarray, size: float, width: float | None = None) -> np.ndarray:
    """Closed squares (``width`` x ``size`` rectangles) around ``centers`` as Bezier points."""
    hw, hh = (width if width is not None else size) / 2, size / 2
    corners = np.array([[-hw, hh, 0], [hw, hh, 0], [hw, -hh, 0], [-hw, -hh, 0], [-hw, hh, 0]])
    pts = centers[:, None, :] + corners[None]  # n, 5, 3
    return np.concatenate([line_points(pts[:, i], pts[:, i + 1]).reshape(len(pts), 4, 3)
                           for i in range(4)], axis=1).reshape(-1, 3)
