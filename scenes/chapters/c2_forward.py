"""Chapter 2, ``forward``: the signal travels layer by layer, neurons fill with their activations."""

from __future__ import annotations

from manim import DOWN, LEFT, AnimationGroup, Create, VGroup

from .. import style
from ..animations.fade import Appear, Vanish
from ..animations.flow import forward_pass
from .base import Part
from .glosses import gloss_text, glossed_panel, sigmoid_of, with_gloss
from .pieces import (
    bias_labels,
    highlight_ring,
    make_diagram,
    neuron_labels,
    note_text,
    side_labels,
    swap,
    unclutter_edge_labels,
    vector_tex,
    weight_labels,
)
from .wrapping import panel_of, panel_stack, wrapped_block

WHOLE_VECTOR = 8
"""The scaling beat writes the raw and the scaled sample whole up to this many inputs (iris: 4)."""
PART_OF_VECTOR = 4
"""Of a longer sample (wine's 13, breast cancer's 30, the 8 x 8 digits' 64) it writes the first this
many and an ellipsis: every number stays legible, and the formula shows how one of them was scaled."""


class ForwardPart(Part):
    """Inputs, then each layer: pulses along the edges, the neurons light up, z and a of one neuron."""

    name = "forward"

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.show_inputs()
        for layer in range(1, self.story.n_layers + 1):
            self.propagate(layer)
        self.show_output()

    def show_inputs(self) -> None:
        """The network appears; the sample's inputs enter the input layer."""
        story, scene = self.story, self.scene
        self._inputs_beat()
        self.diagram = make_diagram(self)
        self.labels = VGroup()
        scene.play(Create(self.diagram.edge_group), Appear(self.diagram.neuron_group),
                   Appear(self.diagram.caption_group), run_time=self.t(style.MOVE_TIME))
        x_labels = side_labels(self, self.diagram, 0, story.record.x, "activation", "x", LEFT)
        biases = bias_labels(self, self.diagram, story.step.before.biases)
        # The activation labels of every layer, placed now so the weight labels keep clear of them.
        self.a_labels = {layer: neuron_labels(self, self.diagram, layer, story.record.a[layer], "activation")
                         for layer in range(1, story.n_layers + 1)}
        avoid = [*x_labels.values(), *biases.values(),
                 *(lab for labels in self.a_labels.values() for lab in labels.values())]
        weights = unclutter_edge_labels(self.diagram, weight_labels(self, self.diagram,
                                                                    story.step.before.weights), avoid)
        params = [*weights.values(), *biases.values()]
        self.labels.add(*x_labels.values(), *params)
        self.panel = self._input_panel()
        scene.play(*(Appear(lab) for lab in [*x_labels.values(), *params]), self._light(0),
                   Appear(self.panel), run_time=self.t(style.WRITE_TIME))

    def _inputs_beat(self) -> None:
        """Start the first beat: the sample enters (scaled data: and how it was scaled)."""
        story = self.story
        scaled = story.scaling is not None
        self.beat("inputs_scaled" if scaled else "inputs", sample=story.sample_text,
                  formula=self.tr(f"forward.formula_{story.scaling[0]}") if scaled else "",
                  equations=(story.scaling_eq(story.scaled_input),) if scaled else (),
                  say={"inputs": self.nums(story.record.x, story.input_labels),
                       "raw": self.nums(story.raw_sample, story.input_labels) if scaled else ""})

    def _input_panel(self):
        """The input vector; for scaled data first the raw sample and how its first input was scaled."""
        story = self.story
        x = vector_tex(self, r"a^{0} = x", story.record.x, "activation")
        if story.scaling is None:
            gloss = gloss_text(self, r"a^{0} = x")
            x.move_to([self.regions.panel.left, self.regions.panel.top, 0], aligned_edge=[-1, 1, 0])
            return with_gloss(self, x if gloss is None else panel_stack(self, x), gloss)
        return panel_of(self, *self._scaling_blocks())

    def _scaling_blocks(self, with_x: bool = True) -> tuple:
        """Builders of the scaling beat's blocks: the raw sample, how one input was scaled, ``x``.

        A sample of more than :data:`WHOLE_VECTOR` inputs is written in part (:data:`PART_OF_VECTOR`).
        ``with_x=False`` leaves ``x`` out (dense mode: the input image shows it).
        """
        story = self.story
        limit = None if story.layers[0] <= WHOLE_VECTOR else PART_OF_VECTOR
        x = vector_tex(self, r"a^{0} = x", story.record.x, "activation", limit=limit)
        raw = vector_tex(self, r"x^{\mathrm{raw}}", story.raw_sample, "activation", limit=limit)
        heading = note_text(self, self.tr("forward.raw_heading", sample=story.sample_text), story.theme.text)
        return (lambda h: VGroup(heading, raw).arrange(DOWN, aligned_edge=LEFT, buff=0.25),
                lambda h: wrapped_block(self, story.scaling_eq(story.scaled_input),
                                        self.tr(f"forward.scale_{story.scaling[0]}"), "activation", h),
                *([lambda h: x] if with_x else []))

    def propagate(self, layer: int) -> None:
        """The signal flows into ``layer``; its neurons light up; the panel follows one neuron."""
        story, scene, diagram = self.story, self.scene, self.diagram
        j, eqs = self._layer_beat(layer)
        ring = highlight_ring(self, diagram, (layer, j))
        z_heading = self.tr("forward.z_heading", layer=layer, neuron=j + 1)
        panel = glossed_panel(
            self,
            (lambda h: wrapped_block(self, eqs["z"], z_heading, "z", h, elided_key="forward.elided"),
             lambda h: wrapped_block(self, eqs["a"], self.tr("forward.a_heading"), "activation", h)),
            eqs["z"].latex(), eqs["a"].latex(), sigmoid_of(self, layer))
        scene.play(forward_pass(diagram, layer, story.signal(layer), story.signal_scale,
                                run_time=self.t(style.FLOW_TIME)),
                   swap(self.panel, panel, run_time=self.t(style.WRITE_TIME)),
                   Appear(ring))
        labels = self.a_labels[layer]
        self.labels.add(*labels.values())
        scene.play(self._light(layer), *(Appear(lab) for lab in labels.values()),
                   run_time=self.t(style.WRITE_TIME))
        self.panel = panel
        self.ring = ring
        self.scene.end_beat()
        scene.play(Vanish(ring), run_time=self.t(0.3))

    def show_output(self) -> None:
        """The output of the network for this sample."""
        story, scene = self.story, self.scene
        last = story.n_layers
        self.beat("output", sample=story.sample_text,
                  say={"outputs": self.nums(story.record.a[last], story.output_labels)})
        out = vector_tex(self, rf"a^{{{last}}}", story.record.a[last], "activation")
        out.move_to([self.regions.panel.left, self.regions.panel.top, 0], aligned_edge=[-1, 1, 0])
        scene.play(swap(self.panel, out), run_time=self.t(style.WRITE_TIME))
        self.panel = out

    # -- helpers -------------------------------------------------------------------------------
    def _layer_beat(self, layer: int) -> tuple[int, dict]:
        """Start the beat of ``layer``: its highlighted neuron and that neuron's equations."""
        story = self.story
        j = self._highlighted(layer)
        activation = story.trace.activations[layer - 1]
        eqs = story.neuron_eqs(layer, j)
        self.beat("layer", layer=layer, neuron=j + 1, activation=self.tr(f"activation_names.{activation}"),
                  equations=(eqs["z"], eqs["a"]),
                  say={"z_value": story.fmt(eqs["z"].value), "a_value": story.fmt(eqs["a"].value),
                       "outputs": self.nums(story.record.a[layer])})
        return j, eqs

    def _highlighted(self, layer: int) -> int:
        focus_layer, focus_j = self.story.focus_neuron
        return focus_j if focus_layer == layer else 0

    def _light(self, layer: int):
        """Fill the neurons of ``layer`` by their activations."""
        story, diagram = self.story, self.diagram
        anims = []
        for j, a in enumerate(story.record.a[layer]):
            neuron = diagram.neurons[(layer, j)]
            anims.append(neuron.animate.set_fill(story.theme.activation,
                                                 opacity=style.fill_opacity(a, story.activation_scale)))
        return AnimationGroup(*anims)
