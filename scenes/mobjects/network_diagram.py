"""``NetworkDiagram``: a dense network drawn from a trace's numbers, with keyed parts."""

from __future__ import annotations

import numpy as np
from manim import UP, Circle, Line, Text, VGroup

from .. import style
from ..layout import SIDE_ROOM, NetworkLayout, Region, network_layout
from ..style import Theme
from .value_label import ValueLabel

CAPTION_GAP = 0.25
"""The least space between two neighbouring layer captions."""


def _label_half(spacing: float) -> float:
    """Half the height of a value label beside a neuron, with the clearance of a box round it (loss)."""
    return (0.11 if spacing < 0.8 else 0.14) + 0.1


def name_spacing(spacing: float, tallest: float) -> float:
    """How far apart neurons must stand for a name of height ``tallest`` between two value labels.

    ``spacing`` is the layout's (:attr:`NetworkLayout.spacing`), which sets the labels' size.
    """
    return 2 * _label_half(spacing) + tallest + style.LABEL_GAP


def _tallest(texts: dict) -> dict[int, float]:
    """The tallest name of each layer that has names."""
    tallest: dict[int, float] = {}
    for (layer, _), text in texts.items():
        tallest[layer] = max(tallest.get(layer, 0.0), text.height)
    return tallest


def names_on_rows(layers, region: Region, names) -> bool:
    """Whether the input column of ``layers`` writes its ``names`` on the neurons' rows (too close above).

    ``names`` are the inputs' names as written; the side room does not change the spacing.
    """
    if not names or layers[0] < 2:
        return False
    spacing = network_layout(tuple(layers), region).spacing
    tallest = max(Text(name, font=style.FONT, font_size=style.SMALL_VALUE_SIZE).height for name in names)
    wanted = name_spacing(spacing, tallest)
    centers = network_layout(tuple(layers), region, spread={0: wanted}).centers  # as the diagram spreads
    return wanted > abs(centers[(0, 0)][1] - centers[(0, 1)][1])


class NetworkDiagram(VGroup):
    """Neurons keyed ``(l, j)``, edges keyed ``(l, j, k)`` (into neuron j of layer l from k).

    Edge colour shows the weight's sign, width and opacity its magnitude, mapped with one
    ``weight_scale`` for the whole trace so that steps stay comparable.

    Parameters
    ----------
    layers : tuple of int
        Neurons per layer, input first.
    weights : sequence of arrays
        ``W^1..W^L``, ``W^l`` of shape ``(n_l, n_{l-1})``.
    theme : Theme
        Colours.
    weight_scale : float
        The ``|w|`` that gets the widest, most saturated edge.
    region : Region
        Where to draw (see :func:`scenes.layout.frame_layout`).
    captions : sequence of str, optional
        One caption per layer, written under the columns.
    names : dict, optional
        A name per neuron ``(l, j)`` (an input's feature, an output's class), written small just
        above the slot of its value label: left of the input column, right of the output column
        (see :meth:`_build_names`). They join :attr:`caption_group`.
    names_room : float
        Room kept left of the input labels for the inputs' names on their rows (neurons too
        close for a name above each label); 0: none there.
    right_room : float, optional
        Room right of the output column, when it differs from ``side_room``.

    Examples
    --------
    Use it in your own scene::

        from manim import Scene, Create
        from scenes.layout import frame_layout
        from scenes.mobjects import NetworkDiagram
        from scenes.style import THEMES

        class MyScene(Scene):
            def construct(self):
                diagram = NetworkDiagram((2, 2, 1), [[[0.1, -0.4], [0.3, 0.2]], [[0.5, -0.7]]],
                                         THEMES["dark"], 1.0, frame_layout().diagram)
                self.play(Create(diagram))
                self.play(diagram.neurons[(1, 0)].animate.set_fill(opacity=1))
                self.play(diagram.edges[(2, 0, 1)].animate.set_stroke(width=8))
    """

    def __init__(self, layers, weights, theme: Theme, weight_scale: float, region: Region,
                 captions=None, side_room: float = SIDE_ROOM, names=None, names_room: float = 0.0,
                 right_room: float | None = None, **kwargs):
        self.layers = tuple(layers)
        self.theme = theme
        self.weight_scale = float(weight_scale)
        self.region = region
        self.side_room = side_room
        self.names_room = names_room
        rooms = {"left_extra": names_room, "right_room": right_room}
        self.geometry: NetworkLayout = network_layout(self.layers, region, side_room, **rooms)
        texts = self._name_texts(names or {}, theme)
        spread = {layer: name_spacing(self.geometry.spacing, tallest)
                  for layer, tallest in _tallest(texts).items()}
        if any(want > self.geometry.spacing for want in spread.values()):  # room for the names above
            self.geometry = network_layout(self.layers, region, side_room, spread, **rooms)
        self.neurons: dict[tuple[int, int], Circle] = {}
        self.edges: dict[tuple[int, int, int], Line] = {}
        self.captions: dict[int, Text] = {}
        self.names: dict[tuple[int, int], Text] = {}
        super().__init__(**kwargs)
        self._build_edges(weights)
        self._build_neurons()
        self._build_captions(captions)
        self._build_names(texts)

    # -- construction --------------------------------------------------------------------------
    def _build_edges(self, weights) -> None:
        self.edge_group = VGroup()
        r = self.geometry.radius
        for layer in range(1, len(self.layers)):
            w = np.asarray(weights[layer - 1])
            for j in range(self.layers[layer]):
                for k in range(self.layers[layer - 1]):
                    start = self.geometry.centers[(layer - 1, k)]
                    end = self.geometry.centers[(layer, j)]
                    line = Line(start, end, buff=r)
                    line.edge_key = (layer, j, k)  # which edge, for a check that sees only the scene's parts
                    self.edges[(layer, j, k)] = line
                    self.edge_group.add(line)
                    self.style_edge((layer, j, k), w[j, k])
        self.add(self.edge_group)

    def _build_neurons(self) -> None:
        self.neuron_group = VGroup()
        for key, center in self.geometry.centers.items():
            c = Circle(radius=self.geometry.radius, color=self.theme.neuron_stroke, stroke_width=2)
            c.set_fill(self.theme.neuron_fill, opacity=1).move_to(center)
            c.neuron_key = key  # which neuron, for a check that sees only the scene's mobjects
            self.neurons[key] = c
            self.neuron_group.add(c)
        self.add(self.neuron_group)

    def _build_captions(self, captions) -> None:
        self.caption_group = VGroup()
        if captions is None:
            return
        size = style.LABEL_SIZE * (0.8 if len(self.layers) > 4 else 1.0)
        # one line under the tallest column (a shorter column's caption would sit beside the value
        # labels of its neighbour, level with their neurons), below a bias label under a ring
        bottom = min(center[1] for center in self.geometry.centers.values())
        texts = [Text(caption, font=style.FONT, font_size=size, color=self.theme.muted)
                 for caption in captions]
        xs = [self.geometry.centers[(layer, 0)][0] for layer in range(len(texts))]
        # side by side, never touching: a narrow diagram (the loss chapter's, beside its output and
        # target pairs) shrinks every caption alike until each fits between its neighbours
        fits = [(xs[i + 1] - xs[i] - CAPTION_GAP) / ((texts[i].width + texts[i + 1].width) / 2)
                for i in range(len(texts) - 1)]
        shrink = min([1.0, *fits])
        for layer, text in enumerate(texts):
            text.scale(shrink)
            text.move_to([xs[layer], 0, 0])
            text.set_y(bottom - self.geometry.radius * style.RING_SCALE - 0.4 - text.height / 2)
            self.captions[layer] = text
            self.caption_group.add(text)
        self.add(self.caption_group)

    @staticmethod
    def _name_texts(names: dict, theme: Theme) -> dict:
        """Each name as a small muted text, keyed by its neuron."""
        return {key: Text(name, font=style.FONT, font_size=style.SMALL_VALUE_SIZE, color=theme.muted)
                for key, name in names.items()}

    def _build_names(self, texts: dict) -> None:
        """Each name small and muted, its bottom just above the value label level with its neuron.

        Left of the input column (right-aligned with the labels' slot), right of the output
        column (left-aligned); a name wider than the side room is scaled down to it. Where the
        neurons stand too close for a name between two value labels (:func:`name_spacing`; the
        layout spreads a short column when it can), an input column writes its names on the
        neurons' rows instead, left-aligned at the diagram's edge, in the ``names_room`` kept
        left of the labels' slot (:func:`scenes.chapters.pieces.names_room`; none without it):
        every one when a name fits a row, else every other one, or every third ..., as many as
        fit apart. A column of outputs that has no room gets none.
        """
        geometry, r = self.geometry, self.geometry.radius
        beside = r * style.RING_SCALE + 0.02 + style.LABEL_GAP
        label_half = _label_half(geometry.spacing)
        room = self.side_room + style.FRAME_MARGIN - beside - 0.05
        for layer, tallest in _tallest(texts).items():
            mine = {key: text for key, text in texts.items() if key[0] == layer}
            n = self.layers[layer]
            apart = (abs(geometry.centers[(layer, 0)][1] - geometry.centers[(layer, 1)][1]) if n > 1
                     else np.inf)
            if name_spacing(geometry.spacing, tallest) <= apart:
                for key, text in mine.items():
                    if text.width > room:
                        text.scale_to_fit_width(room)
                    center = geometry.centers[key]
                    text.set_y(center[1] + label_half + text.height / 2)
                    if layer == 0:
                        text.set_x(center[0] - beside - text.width / 2)
                    else:
                        text.set_x(center[0] + beside + text.width / 2)
                    self._keep_name(key, text)
            elif layer == 0 and self.names_room > 0:
                every = int(np.ceil((tallest + style.LABEL_GAP) / apart))
                width = self.names_room - style.LABEL_GAP - style.FRAME_MARGIN / 2
                for key, text in mine.items():
                    if key[1] % every:
                        continue
                    if text.width > width:
                        text.scale_to_fit_width(width)
                    text.move_to([self.region.left - style.FRAME_MARGIN / 2 + text.width / 2,
                                  geometry.centers[key][1], 0])
                    self._keep_name(key, text)
        if self.caption_group not in self.submobjects:
            self.add(self.caption_group)

    def _keep_name(self, key: tuple[int, int], text: Text) -> None:
        text.name_of = key  # which neuron it names (not `neuron_key`: that marks a neuron)
        self.names[key] = text
        self.caption_group.add(text)

    # -- styling (value -> look, one mapping for the whole trace) ------------------------------
    def edge_style(self, value: float) -> dict:
        """Stroke colour, width and opacity of an edge of weight ``value``."""
        return {"color": style.value_color(self.theme, value, self.weight_scale),
                "width": style.edge_width(value, self.weight_scale),
                "opacity": style.edge_opacity(value, self.weight_scale, self.theme.edge_floor)}

    def style_edge(self, key: tuple[int, int, int], value: float) -> Line:
        """Restyle edge ``key`` for weight ``value``; returns the edge."""
        edge = self.edges[key]
        edge.set_stroke(**self.edge_style(value))
        edge.weight_value = float(value)
        return edge

    # -- placing labels ------------------------------------------------------------------------
    def center(self, key: tuple[int, int]) -> np.ndarray:
        """Centre of neuron ``key``."""
        return self.geometry.centers[key]

    def label_beside(self, key: tuple[int, int], label, side=UP) -> ValueLabel:
        """Move ``label`` next to neuron ``key`` (above by default) and return it."""
        label.next_to(self.neurons[key], side, buff=0.06)
        return label

    def label_edge(self, key: tuple[int, int, int], label, where: float | None = None) -> ValueLabel:
        """Put ``label`` on edge ``key``, a share ``where`` along it from the source (staggered)."""
        layer, j, k = key
        if where is None:
            n = self.layers[layer]
            where = 0.3 + 0.4 * (j / max(n - 1, 1))
        edge = self.edges[key]
        label.move_to(edge.point_from_proportion(where))
        return label

    def side_label(self, layer: int, j: int, label, side) -> ValueLabel:
        """Put ``label`` left (inputs) or right (targets) of neuron ``(layer, j)``."""
        label.next_to(self.neurons[(layer, j)], side, buff=0.12)
        return label
