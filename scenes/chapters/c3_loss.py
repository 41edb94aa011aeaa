"""Chapter 3, ``loss``: the outputs beside their targets, each output's error, the loss.

The scene computes nothing: the outputs ``a^L`` and targets ``y`` are trace fields, the error
of each output appears only inside the loss equation of :mod:`backprop_core.equations` (its
substituted form), and the loss is the trace's ``SampleRecord.loss`` (``Step.loss`` for the
mean over a batch).
"""

from __future__ import annotations

from dataclasses import replace

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Create,
    FadeIn,
    Indicate,
    MathTex,
    SurroundingRectangle,
    Text,
    VGroup,
)

from .. import style
from ..animations.fade import Appear
from ..mobjects.equation_panel import TEX_TEMPLATE, colorize, paint_value
from ..mobjects.network_diagram import NetworkDiagram
from .base import Part
from .pieces import (
    input_room,
    layer_captions,
    names_room,
    neuron_names,
    place_column,
    side_labels,
    swap,
    vector_tex,
)
from .wrapping import panel_stack, wrapped_block, wrapped_tex

BIG_VALUE_SIZE = 56
"""Font size of the loss value under its equation."""
PAIR_ROOM = 1.2
"""Extra room right of the output column for the output/target pairs (Manim units)."""


class LossPart(Part):
    """Outputs against targets, the error of each output, the loss of the sample (and of the batch)."""

    name = "loss"

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.eqs = self.story.loss_eqs()
        self.loss_name = self.tr(f"loss_names.{self.story.trace.loss_name}")
        self.show_outputs()
        self.show_errors()
        self.show_loss()
        if len(self.story.step.per_sample) > 1:
            self.show_mean_loss()

    # -- beats ---------------------------------------------------------------------------------
    def show_outputs(self) -> None:
        """The network lit by this sample's activations; each output beside its target."""
        story, scene = self.story, self.scene
        last, sample = story.n_layers, story.record.sample + 1
        self.beat("outputs", sample=story.sample_text,
                  say={"outputs": self.nums(story.record.a[last], story.output_labels),
                       "targets": self.nums(story.record.y, story.output_labels)})
        region = replace(self.regions.diagram, right=self.regions.diagram.right - PAIR_ROOM)
        room = input_room(self)
        self.diagram = NetworkDiagram(story.layers, story.step.before.weights, self.theme, story.weight_scale,
                                      region, captions=layer_captions(story), side_room=room,
                                      names=neuron_names(story), names_room=names_room(self, region, room))
        for (layer, j), neuron in self.diagram.neurons.items():
            neuron.set_fill(self.theme.activation,
                            opacity=style.fill_opacity(story.record.a[layer][j], story.activation_scale))
        x_labels = side_labels(self, self.diagram, 0, story.record.x, "activation", "x", LEFT)
        symbol = "o" if story.notation == "delta_rule" else "a"
        outputs = side_labels(self, self.diagram, last, story.record.a[last], "activation", symbol, RIGHT)
        targets = side_labels(self, self.diagram, last, story.record.y, "target", "y", RIGHT)
        self.pairs = self._pair_up(outputs, targets)
        outputs = {key: pair[0] for key, pair in self.pairs.items()}
        targets = {key: pair[1] for key, pair in self.pairs.items()}
        heading = Text(self.tr("loss.outputs_heading", sample=sample), font=style.FONT,
                       font_size=style.CAPTION_SIZE, color=self.theme.text)
        rows = VGroup(heading,
                      vector_tex(self, story.symbols.t_act(last, "j"), story.record.a[last], "activation"),
                      vector_tex(self, "y_{j}", story.record.y, "target"))
        self.panel = self._place(rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3))
        scene.play(Create(self.diagram.edge_group), Appear(self.diagram.neuron_group),
                   Appear(self.diagram.caption_group), *(Appear(lab) for lab in x_labels.values()),
                   run_time=self.t(style.MOVE_TIME))
        scene.play(*(Appear(lab) for lab in outputs.values()), Appear(self.panel),
                   run_time=self.t(style.WRITE_TIME))
        scene.play(*(FadeIn(lab, shift=LEFT * 0.2) for lab in targets.values()),
                   run_time=self.t(style.WRITE_TIME))

    def show_errors(self) -> None:
        """Each output is joined to its target; the loss equation shows their differences."""
        story, scene = self.story, self.scene
        self.beat("errors", say={"outputs": self.nums(story.record.a[story.n_layers]),
                                 "targets": self.nums(story.record.y)})
        eq = self.eqs["loss"]
        self.boxes = VGroup(*(SurroundingRectangle(pair, color=self.theme.loss, buff=0.05, corner_radius=0.06)
                              for pair in self.pairs.values()))
        widest = max(box.width for box in self.boxes)
        for box, pair in zip(self.boxes, self.pairs.values()):
            box.stretch_to_fit_width(widest).align_to(pair.get_left() + LEFT * 0.05, LEFT)
        heading = Text(self.tr("loss.errors_heading"), font=style.FONT, font_size=style.CAPTION_SIZE,
                       color=self.theme.text)
        room = self.regions.panel.height - heading.height - 0.5
        symbolic = wrapped_tex(self, colorize(eq.latex(), self.theme), room * 0.4)
        # the substituted form without its result: each pair (y_j, a_j) as numbers, nothing computed
        substituted = story.tex(eq.latex_numbers(decimals=story.video["decimals"])).rpartition(" = ")[0]
        numbers = wrapped_tex(self, colorize(substituted, self.theme), room - symbolic.height - 0.25)
        panel = self._place(VGroup(heading, symbolic, numbers).arrange(DOWN, aligned_edge=LEFT, buff=0.25))
        scene.play(swap(self.panel, panel), *(Create(box) for box in self.boxes),
                   run_time=self.t(style.WRITE_TIME))
        texts = [VGroup(*(label.label for label in pair)) for pair in self.pairs.values()]
        flashes = [Indicate(text, color=self.theme.loss, scale_factor=1.1) for text in texts]
        scene.play(AnimationGroup(*flashes, lag_ratio=0.3),
                   run_time=self.t(style.MOVE_TIME))
        self.panel = panel

    def show_loss(self) -> None:
        """The loss of this sample, with its numbers and the value, big, in the loss colour."""
        story, scene = self.story, self.scene
        sample = story.record.sample + 1
        eq = self.eqs["loss"]
        self.beat("loss", loss_name=self.loss_name, sample=sample, equations=(eq,),
                  say={"loss": story.fmt(eq.value)})
        note = self.tr(f"loss.note_{story.trace.loss_name}", outputs=story.layers[-1])
        big = self._big_value(story.symbols.t_loss(str(sample)), eq.value)
        block = wrapped_block(self, eq, self.tr("loss.loss_heading", sample=sample, loss_name=self.loss_name),
                              "loss", self.regions.panel.height - big.height - 0.5, note=note)
        panel = panel_stack(self, block, big)
        scene.play(swap(self.panel, panel), run_time=self.t(style.WRITE_TIME))
        scene.play(Indicate(big, color=self.theme.loss), run_time=self.t(style.WRITE_TIME))
        self.panel = panel

    def show_mean_loss(self) -> None:
        """Batch mode: the loss of the update is the mean of its samples' losses."""
        story, scene = self.story, self.scene
        samples = len(story.step.per_sample)
        eq = self.eqs["loss_mean"]
        self.beat("mean_loss", samples=samples, equations=(eq,), say={"loss": story.fmt(eq.value)})
        big = self._big_value(story.symbols.t_loss(), eq.value)
        block = wrapped_block(self, eq, self.tr("loss.mean_heading", samples=samples), "loss",
                              self.regions.panel.height - big.height - 0.5,
                              note=self.tr("loss.note_mean", samples=samples), elided_key="loss.elided")
        panel = panel_stack(self, block, big)
        scene.play(swap(self.panel, panel), self.boxes.animate.set_stroke(opacity=0.35),
                   run_time=self.t(style.WRITE_TIME))
        scene.play(Indicate(big, color=self.theme.loss), run_time=self.t(style.WRITE_TIME))
        self.panel = panel

    # -- helpers -------------------------------------------------------------------------------
    def _pair_up(self, outputs: dict, targets: dict) -> dict:
        """Each output label beside its neuron, right of it, its target right of the output.

        One row per output neuron, level with it (a row too close to another was left out by
        both columns). Where the row would reach into the panel and the neurons are far enough
        apart, the target stands under its output instead, the pair centred on the neuron.
        """
        beyond = max(lab.get_right()[0] for lab in outputs.values())
        targets = place_column(self.diagram, targets, RIGHT, beyond=beyond)
        pitch = max(lab.height for lab in [*outputs.values(), *targets.values()]) + style.LABEL_GAP
        too_wide = max(lab.get_right()[0] for lab in targets.values()) > self.regions.diagram.right
        if too_wide and self.diagram.geometry.spacing > 2 * pitch + style.LABEL_GAP:
            targets = place_column(self.diagram, targets, RIGHT)
            for key, out in outputs.items():
                out.shift(UP * pitch / 2)
                targets[key].shift(DOWN * pitch / 2)
        return {key: VGroup(out, targets[key]) for key, out in outputs.items() if key in targets}

    def _big_value(self, symbol: str, value: float) -> MathTex:
        """``symbol = value`` large, the value (a trace field) in the loss colour."""
        latex = paint_value(f"{colorize(symbol, self.theme)} = {self.story.fmt_tex(value)}", "loss",
                            self.theme)
        tex = MathTex(latex, tex_template=TEX_TEMPLATE, font_size=BIG_VALUE_SIZE, color=self.theme.text)
        tex.value = float(value)
        return tex

    def _place(self, group: VGroup) -> VGroup:
        """``group`` at the top left of the panel, scaled down to fit it."""
        panel = self.regions.panel
        if group.width > panel.width:
            group.scale_to_fit_width(panel.width)
        if group.height > panel.height:
            group.scale_to_fit_height(panel.height)
        return group.move_to([panel.left, panel.top, 0], aligned_edge=[-1, 1, 0])
