"""Chapter 6, ``chain_rule``: one weight's gradient as products of local derivatives along every path.

The weight (``[video] focus`` or ``w^1_11``) and its paths to the loss are highlighted in the
diagram; each path (when there are few) gets a beat with its factors, then the products add
up to exactly the gradient BP4 gives.
"""

from __future__ import annotations

from manim import DOWN, LEFT, Create, Text, VGroup

from .. import style
from ..animations.fade import Appear, Vanish
from ..mobjects.equation_panel import colorize
from ..story import ChainPath
from .base import Part
from .pieces import (
    highlight_ring,
    indexed,
    make_diagram,
    note_text,
    swap,
    unclutter_edge_labels,
    value_label,
)
from .wrapping import panel_of, panel_stack, wrapped_block, wrapped_tex

PATH_BEATS_UP_TO = 4
"""Up to this many paths, each gets its own beat; more are shown together."""


class ChainRulePart(Part):
    """The weight, its path(s) to the loss, the product (or sum of products) that is its gradient."""

    name = "chain_rule"

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.key = self.story.hidden_weight
        self.paths = self.story.chain_paths(*self.key)
        self.show_weight()
        if len(self.paths) <= PATH_BEATS_UP_TO:
            for index, path in enumerate(self.paths):
                self.follow_path(index, path)
        else:
            self.all_paths()
        self.total()

    # -- beats ---------------------------------------------------------------------------------
    def show_weight(self) -> None:
        """The network; the weight and its two ends; the chain rule in its general form."""
        story, scene = self.story, self.scene
        layer, j, k = self.key
        self.weight = indexed("w", layer, j, k)
        self.beat("weight", weight=self.weight,
                  say={"value": story.fmt(story.step.before.weights[layer - 1][j, k])})
        diagram = self.diagram = make_diagram(self)
        scene.play(Create(diagram.edge_group), Appear(diagram.neuron_group),
                   Appear(diagram.caption_group), run_time=self.t(style.MOVE_TIME))
        self.base = VGroup(self._overlay((layer, j, k), 3.0), highlight_ring(self, diagram, (layer - 1, k)),
                           highlight_ring(self, diagram, (layer, j)))
        eq = story.weight_eqs(layer, j, k)["chain"]
        heading = self.tr("chain_rule.weight_heading" if len(self.paths) > 1 else
                          "chain_rule.weight_heading_one")
        note = " ".join(filter(None, [self._zero_note(), self.tr("chain_rule.factors_note"), self._note()]))
        self.panel = panel_of(self, lambda h: wrapped_block(self, eq, heading, "gradient", h, note=note,
                                                            numbers=False))
        self.shown = VGroup()
        scene.play(Create(self.base[0]), Appear(self.base[1:]), Appear(self.panel),
                   run_time=self.t(style.WRITE_TIME))

    def follow_path(self, index: int, path: ChainPath) -> None:
        """One path lit from the weight to the output; its local derivatives and their numbers."""
        later = path.neurons[1:]
        if later:
            route = " → ".join(self.tr("chain_rule.route", neuron=n + 1, layer=q) for q, n in later)
            self.beat("path" if len(self.paths) > 1 else "path_one", index=index + 1, count=len(self.paths),
                      route=route)
        else:
            self.beat("path_direct", weight=self.weight)
        heading = self.tr("chain_rule.path_heading", index=index + 1)
        self._show(self._path_marks([path]), self._path_panel(heading, path))

    def all_paths(self) -> None:
        """Every path lit at once; the first one's factors as an example."""
        self.beat("paths", count=len(self.paths), weight=self.weight)
        heading = self.tr("chain_rule.paths_heading", count=len(self.paths))
        marks = self._path_marks(self.paths, labels=False)
        marks.add(self._path_marks(self.paths[:1], color="gradient"))
        self._show(marks, self._path_panel(heading, self.paths[0]))

    def total(self) -> None:
        """The product (one path) or the sum of the path products: exactly the gradient of BP4."""
        story = self.story
        count = len(self.paths)
        eqs = story.weight_eqs(*self.key)
        self.beat("sum" if count > 1 else "product", count=count, weight=self.weight,
                  equations=(eqs["chain"], eqs["grad_w"]),
                  say={"gradient": story.fmt(eqs["chain"].value), "bp4": story.fmt(eqs["grad_w"].value)})
        heading = self.tr("chain_rule.sum_heading" if count > 1 else "chain_rule.product_heading",
                          count=count)
        bp4 = wrapped_block(self, eqs["grad_w"], self.tr("chain_rule.bp4_heading"), "gradient", 2.6)
        room = self.regions.panel.height - bp4.height - 0.4
        chain = wrapped_block(self, eqs["chain"], heading, "gradient", room, elided_key="chain_rule.elided",
                              symbolic=False, note=self._zero_note())
        panel = panel_stack(self, chain, bp4)
        self._show(self._path_marks(self.paths, labels=False), panel)

    # -- helpers -------------------------------------------------------------------------------
    def _show(self, marks: VGroup, panel: VGroup) -> None:
        """Swap the highlighted path(s) and the panel."""
        scene = self.scene
        scene.play(Vanish(self.shown), swap(self.panel, panel),
                   run_time=self.t(style.WRITE_TIME))
        scene.play(*(Create(m) for m in marks[0]), Appear(marks[1:]), run_time=self.t(style.WRITE_TIME))
        self.shown, self.panel = marks, panel

    def _path_marks(self, paths: list[ChainPath], labels: bool = True, color: str = "highlight") -> VGroup:
        """Overlays on the edges of ``paths`` beyond the weight, rings on their neurons, labels.

        The labels (small networks only) are those edges' weights: the factors dz/da of the paths.
        """
        diagram = self.diagram
        edges, neurons = {}, {}
        for path in paths:
            for (q, a), (_, b) in zip(path.neurons, path.neurons[1:]):
                edges[(q + 1, b, a)] = True
            neurons.update(dict.fromkeys(path.neurons[1:], True))
            if path.softmax_output is not None:
                neurons[(self.story.n_layers, path.softmax_output)] = True
        overlays = VGroup(*(self._overlay(key, 1.5, color) for key in edges))
        rings = VGroup(*(highlight_ring(self, diagram, key, "gradient") for key in neurons))
        weights = {}
        if labels and diagram.geometry.label_weights:
            before = self.story.step.before.weights
            weights = {key: diagram.label_edge(key, value_label(self, before[key[0] - 1][key[1], key[2]],
                                                                 "weight", key, small=True))
                       for key in edges}
            unclutter_edge_labels(diagram, weights, [])
        return VGroup(overlays, rings, *weights.values())

    def _path_panel(self, heading: str, path: ChainPath) -> VGroup:
        """The path's product of local derivatives: symbols, then ``=`` its numbers."""
        def block(room: float) -> VGroup:
            head = Text(heading, font=style.FONT, font_size=style.CAPTION_SIZE, color=self.theme.text)
            symbolic = wrapped_tex(self, colorize(path.symbolic, self.theme), (room - 0.8) / 2)
            numbers = wrapped_tex(self, "= " + path.numbers, (room - 0.8) / 2)
            return VGroup(head, symbolic, numbers).arrange(DOWN, aligned_edge=LEFT, buff=0.25)

        parts = [block]
        note = self._note()
        if note:
            parts.append(lambda h: note_text(self, note))
        return panel_of(self, *parts, reserve=0.6)

    def _zero_note(self) -> str | None:
        """Why the weight's gradient is 0 in this step, in words, or ``None``.

        A ReLU neuron that is off, an input of 0: only when ``[video] focus`` chose the weight, as
        the default focus is one that learns.
        """
        reason = self.story.why_zero(*self.key)
        return None if reason is None else self.tr(reason[0], **reason[1])

    def _note(self) -> str | None:
        """The cross-entropy shortcut of the first factor, when the output uses it."""
        story = self.story
        if story.chain_starts_at_delta:
            return self.tr("chain_rule.simplified_note",
                           activation=self.tr(f"activation_names.{story.trace.activations[-1]}"))
        return None

    def _overlay(self, key: tuple[int, int, int], extra: float, color: str = "highlight"):
        """A bright copy of edge ``key``, ``extra`` wider than the edge, in the theme's ``color``."""
        edge = self.diagram.edges[key]
        return edge.copy().set_stroke(color=self.theme.color(color), width=edge.get_stroke_width() + extra,
                                      opacity=0.85)
