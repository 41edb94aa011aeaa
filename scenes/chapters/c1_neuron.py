"""Chapter 1, ``neuron``: one neuron up close: inputs and weights, weighted sum, activation, slope.

The story's focus neuron ``(l, j)`` is drawn large: the activations of layer ``l - 1`` in a
column on the left, one arrow per weight into a big circle, the bias from below. A small map of
the whole network in the corner rings the neuron, so the viewer knows where it sits.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    FadeIn,
    GrowArrow,
    Indicate,
    Line,
    ShowPassingFlash,
    Text,
    VGroup,
)

from .. import style
from ..animations.fade import Appear
from ..mobjects.network_diagram import NetworkDiagram
from ..mobjects.value_label import ValueLabel
from .base import Part
from .glosses import gloss_room, gloss_text, sigmoid_of, with_gloss
from .pieces import (
    highlight_ring,
    layer_captions,
    line_up,
    swap,
    symbol_value,
    value_label,
    vector_tex,
)
from .wrapping import panel_stack, wrapped_block

NEURON_RADIUS = 0.95
"""Radius of the close-up neuron (Manim units)."""
MAP_WIDTH = 1.9
"""Width of the small map of the whole network."""


class NeuronPart(Part):
    """The focus neuron: what arrives, the weighted sum z, the activation a, the slope f'(z)."""

    name = "neuron"

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.layer, self.j = self.story.focus_neuron
        self.eqs = self.story.neuron_eqs(self.layer, self.j)
        self.activation_name = self.tr(f"activation_names.{self.story.trace.activations[self.layer - 1]}")
        self.z_name, self.a_name = ("net", "o") if self.story.notation == "delta_rule" else ("z", "a")
        self.show_inputs()
        self.weighted_sum()
        self.activate()
        self.derivative()

    # -- beats ---------------------------------------------------------------------------------
    def show_inputs(self) -> None:
        """The neuron, its incoming activations and weights, its bias; where it sits in the network."""
        story, scene, layer, j = self.story, self.scene, self.layer, self.j
        n_in = story.layers[layer - 1]
        layer_name = layer_captions(story)[layer]
        self.beat("inputs", neuron=j + 1, layer_name=layer_name, n=n_in, prev=layer - 1,
                  say={"inputs": self.nums(story.record.a[layer - 1]),
                       "weights": self.nums(story.step.before.weights[layer - 1][j])})
        self._build_closeup()
        heading = Text(self.tr("neuron.inputs_heading", neuron=j + 1, layer=layer), font=style.FONT,
                       font_size=style.CAPTION_SIZE, color=self.theme.text)
        symbols = story.symbols
        inputs, weights = symbols.t_act(layer - 1, "k"), symbols.t_weight(layer, str(j + 1), "k")
        rows = [heading, vector_tex(self, inputs, story.record.a[layer - 1], "activation"),
                vector_tex(self, weights, story.step.before.weights[layer - 1][j], "weight")]
        gloss = gloss_text(self, inputs, weights)
        self.panel = self._place(VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.3))
        self.panel = with_gloss(self, self.panel, gloss)
        scene.play(Appear(self.map), Appear(self.circle), Appear(self.name_text),
                   run_time=self.t(style.WRITE_TIME))
        grow = [GrowArrow(a) if isinstance(a, Arrow) else Create(a) for a in self.arrows]
        scene.play(*grow, *(Appear(lab) for lab in [*self.inputs, *self.weights]), Appear(self.bias),
                   Appear(self.panel),
                   run_time=self.t(style.MOVE_TIME))

    def weighted_sum(self) -> None:
        """Every input times its weight flows in; with the bias they sum to z."""
        story, scene, layer, j = self.story, self.scene, self.layer, self.j
        key = "weighted_sum" if story.trace.config["network"]["use_biases"] else "weighted_sum_no_bias"
        self.beat(key, z=self.z_name, equations=(self.eqs["z"],),
                  say={"bias": story.fmt(story.step.before.biases[layer - 1][j]),
                       "z_value": story.fmt(self.eqs["z"].value)})
        gloss = gloss_text(self, self.eqs["z"].latex())
        room = self.regions.panel.height - gloss_room(gloss)
        block = with_gloss(self, panel_stack(self, self._block("z", room)), gloss)
        self.z_label = symbol_value(self, story.symbols.t_pre(layer, str(j + 1)), self.eqs["z"].value, "z",
                                    key=(layer, j))
        self.z_label.arrange(DOWN, buff=0.06).scale(1.3).move_to(self.circle)
        signal = story.signal(layer)[j]
        flashes = []
        for k, arrow in enumerate(self.arrows[:len(signal)]):
            color = style.value_color(self.theme, float(signal[k]), story.signal_scale)
            flashes.append(self._flash(arrow, color, style.edge_width(float(signal[k]), story.signal_scale)))
        if len(self.arrows) > len(signal):
            flashes.append(self._flash(self.arrows[-1], self.theme.weight, 3.0))
        scene.play(*flashes, swap(self.panel, block), run_time=self.t(style.FLOW_TIME))
        scene.play(FadeIn(self.z_label, scale=0.6), self.circle.animate.set_stroke(self.theme.z),
                   run_time=self.t(style.WRITE_TIME))
        self.panel = block

    def activate(self) -> None:
        """f(z) gives a: the neuron fills by its activation and passes a on."""
        story, scene, layer, j = self.story, self.scene, self.layer, self.j
        self.beat("activation", activation=self.activation_name, z=self.z_name, a=self.a_name,
                  equations=(self.eqs["a"],),
                  say={"neuron": j + 1, "z_value": story.fmt(self.eqs["z"].value),
                       "a_value": story.fmt(self.eqs["a"].value)})
        gloss = gloss_text(self, self.eqs["a"].latex(), sigmoid_of(self, layer))
        half = (self.regions.panel.height - gloss_room(gloss)) / 2 - 0.2
        panel = with_gloss(self, panel_stack(self, self._block("z", half), self._block("a", half)), gloss)
        start = self.circle.get_right()
        self.out_arrow = Arrow(start, [self.regions.diagram.right - 0.05, start[1], 0], buff=0,
                               color=self.theme.activation, stroke_width=4,
                               max_tip_length_to_length_ratio=0.12)
        self.a_label = symbol_value(self, story.symbols.t_act(layer, str(j + 1)), self.eqs["a"].value,
                                    "activation", key=(layer, j))
        self.a_label.next_to(self.out_arrow, UP, buff=0.1).align_to(self.out_arrow, RIGHT)
        fill = style.fill_opacity(self.eqs["a"].value, story.activation_scale)
        scene.play(self.circle.animate.set_fill(self.theme.activation, opacity=fill),
                   swap(self.panel, panel), run_time=self.t(style.WRITE_TIME))
        scene.play(GrowArrow(self.out_arrow), Appear(self.a_label), run_time=self.t(style.WRITE_TIME))
        self.panel = panel

    def derivative(self) -> None:
        """f'(z): the slope of the activation at z, which the backward pass multiplies by."""
        story, scene, layer, j = self.story, self.scene, self.layer, self.j
        activation = story.trace.activations[layer - 1]
        eq = self.eqs["fprime"]
        self.beat("derivative", activation=self.activation_name, z=self.z_name, equations=(eq,),
                  say={"z_value": story.fmt(self.eqs["z"].value), "slope": story.fmt(eq.value)})
        gloss = gloss_text(self, eq.latex())
        half = (self.regions.panel.height - gloss_room(gloss)) / 2 - 0.2
        panel = with_gloss(self, panel_stack(self, self._block("a", half), self._block(
            "fprime", half, note=self.tr(f"neuron.fprime_note_{activation}"))), gloss)
        self.slope = symbol_value(self, story.symbols.t_fprime(activation, layer, str(j + 1)), eq.value,
                                  "gradient", key=(layer, j))
        self.slope.next_to(self.out_arrow, DOWN, buff=0.15).align_to(self.out_arrow, RIGHT)
        # sigmoid, tanh and softmax slopes are written with a; ReLU's and the identity's with z
        source = self.a_label if activation in ("sigmoid", "tanh", "softmax") else self.z_label
        used = VGroup(source.symbol, source.label.label)
        scene.play(swap(self.panel, panel), Appear(self.slope),
                   Indicate(used, color=self.theme.gradient), run_time=self.t(style.WRITE_TIME))
        self.panel = panel

    # -- the close-up --------------------------------------------------------------------------
    def _build_closeup(self) -> None:
        """Circle, input column, weight arrows, bias arrow, name and the small map (not shown yet)."""
        story, layer, j, region = self.story, self.layer, self.j, self.regions.diagram
        n_in = story.layers[layer - 1]
        small = n_in > 4
        cy = region.center[1] - 0.25
        self.circle = Circle(radius=NEURON_RADIUS, color=self.theme.neuron_stroke, stroke_width=4)
        self.circle.set_fill(self.theme.neuron_fill, opacity=1)
        self.circle.move_to([region.right - 2.5 - NEURON_RADIUS, cy, 0])
        spacing = min(1.1, (region.height - 0.3) / n_in)
        self.inputs, self.weights, self.arrows = VGroup(), VGroup(), VGroup()
        weights, inputs = story.step.before.weights[layer - 1][j], story.record.a[layer - 1]
        # two columns of numbers: each with the decimals its values share, separators lined up
        places = story.column_places(inputs)
        for k in range(n_in):
            label = symbol_value(self, story.symbols.t_act(layer - 1, str(k + 1)), inputs[k], "activation",
                                 key=(layer - 1, k), small=small, places=places)
            label.move_to([region.left, cy + ((n_in - 1) / 2 - k) * spacing, 0], aligned_edge=LEFT)
            self.inputs.add(label)
        line_up(self.inputs, [group.label for group in self.inputs], region.left)
        named = n_in <= 3
        column = max(lab.get_right()[0] for lab in self.inputs) + 0.3
        places = story.column_places(weights)
        for k, label in enumerate(self.inputs):
            self.weights.add(self._weight_label(k, float(weights[k]), named, small, places)
                             .move_to([column, label.get_y(), 0], aligned_edge=LEFT))
        line_up(self.weights, [w if isinstance(w, ValueLabel) else w.label for w in self.weights], column)
        left = max(lab.get_right()[0] for lab in self.weights) + 0.12
        for k, label in enumerate(self.inputs):
            start = np.array([left, label.get_y(), 0])
            self.arrows.add(self._arrow_in(start, float(weights[k]), tip=n_in <= 4))
        self.bias = VGroup()
        below = self.circle
        if story.trace.config["network"]["use_biases"]:
            b = float(story.step.before.biases[layer - 1][j])
            self.bias = symbol_value(self, story.symbols.t_bias(layer, str(j + 1)), b, "weight",
                                     key=(layer, j))
            self.bias.next_to(self.circle, DOWN, buff=0.7)
            arrow = Arrow(self.bias.get_top(), self.circle.get_bottom(), buff=0.05, color=self.theme.weight,
                          stroke_width=3, max_tip_length_to_length_ratio=0.25)
            self.arrows.add(arrow)
            below = self.bias
        self.name_text = Text(self.tr("neuron.name", neuron=j + 1, layer_name=layer_captions(story)[layer]),
                              font=style.FONT, font_size=style.LABEL_SIZE, color=self.theme.muted)
        self.name_text.next_to(below, DOWN, buff=0.2)
        self.map = self._network_map()

    def _arrow_in(self, start: np.ndarray, weight: float, tip: bool):
        """An arrow (a line when many converge) from ``start`` to the circle's rim, styled by ``weight``."""
        center = self.circle.get_center()
        end = center - NEURON_RADIUS * (center - start) / np.linalg.norm(center - start)
        scale = self.story.weight_scale
        look = {"stroke_width": style.edge_width(weight, scale),
                "color": style.value_color(self.theme, weight, scale)}
        arrow = (Arrow(start, end, buff=0.02, max_tip_length_to_length_ratio=0.15, **look) if tip
                 else Line(start, end, buff=0.02, **look))
        arrow.set_stroke(opacity=style.edge_opacity(weight, scale, self.theme.edge_floor))
        arrow.weight_value = weight
        return arrow

    def _weight_label(self, k: int, weight: float, named: bool, small: bool, places: int | None = None):
        """The number of weight ``w_jk``, placed by the caller.

        With its symbol when there is room, and ``places`` decimals (its column's) when given.
        """
        key = (self.layer, self.j, k)
        if named:
            label = symbol_value(self, self.story.symbols.t_weight(self.layer, str(self.j + 1), str(k + 1)),
                                 weight, "weight", key=key, small=small, places=places)
        else:
            label = value_label(self, weight, "weight", key, small=small, places=places)
        return label

    def _network_map(self) -> VGroup:
        """The whole network, small, in the top right corner, with the focus neuron ringed."""
        story, region = self.story, self.regions.diagram
        diagram = NetworkDiagram(story.layers, story.step.before.weights, self.theme, story.weight_scale,
                                 region)
        ring = highlight_ring(self, diagram, (self.layer, self.j))
        group = VGroup(diagram, ring)
        group.scale_to_fit_width(MAP_WIDTH)
        bottom = self.circle.get_top()[1] + 0.35
        if group.height > region.top - bottom:
            group.scale_to_fit_height(region.top - bottom)
        return group.move_to([self.circle.get_x(), region.top, 0], aligned_edge=UP)

    # -- helpers -------------------------------------------------------------------------------
    def _block(self, key: str, max_height: float, note: str | None = None):
        """The wrapped equation block of ``key`` (``z``, ``a``, ``fprime``) of the focus neuron."""
        quantity = {"z": "z", "a": "activation", "fprime": "gradient"}[key]
        heading = self.tr(f"neuron.{key}_heading", layer=self.layer, neuron=self.j + 1,
                          activation=self.activation_name, z=self.z_name)
        return wrapped_block(self, self.eqs[key], heading, quantity, max_height, note=note,
                             elided_key="neuron.elided")

    def _flash(self, arrow: Arrow, color, width: float) -> ShowPassingFlash:
        pulse = arrow.copy().set_stroke(color=color, width=width + 1.5, opacity=1.0)
        return ShowPassingFlash(pulse, time_width=0.6)

    def _place(self, group: VGroup) -> VGroup:
        """``group`` at the top left of the panel, scaled down to fit it."""
        panel = self.regions.panel
        if group.width > panel.width:
            group.scale_to_fit_width(panel.width)
        return group.move_to([panel.left, panel.top, 0], aligned_edge=[-1, 1, 0])
