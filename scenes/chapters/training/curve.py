"""Chapter 7, ``training``, first part: the mean loss of every epoch as a curve while the weights evolve."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    Circle,
    Create,
    MathTex,
    MoveAlongPath,
    VGroup,
)

from backprop_core.equations import to_latex

from ... import style
from ...animations.fade import Appear
from ...animations.flow import weight_update
from ...mobjects.equation_panel import TEX_TEMPLATE, colorize
from ..pieces import (
    make_diagram,
    note_text,
    swap,
    unclutter_edge_labels,
    value_label,
    weight_labels,
    wrapped_text,
)
from ..wrapping import HEADING_SHRINK, panel_stack
from .common import EpochPart, keyframe_epochs

MEAN_TERMS_UP_TO = 5
"""The mean loss of an epoch writes every sample's term up to this many samples, else 3 and the last."""

TRAINED_SPOTS = (None, 0.2, 0.8, 0.35, 0.65, 0.5)
"""Where along its edge a weight label is tried (large trained weights are wide)."""


def spread_labels(diagram, labels: dict) -> VGroup:
    """Weight labels moved along their edges until no two overlap."""
    return VGroup(*unclutter_edge_labels(diagram, labels, [], spots=TRAINED_SPOTS, tol=0.0).values())


class TrainingPart(EpochPart):
    """The network at epoch 0, then the loss curve grows while the edges follow the weights."""

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.records = self.story.trace.epochs
        self.shown = keyframe_epochs(len(self.records))
        self.show_start()
        self.grow_curve()
        self.show_end()

    def show_start(self) -> None:
        """Epoch 0: the initial weights, the mean-loss equation and the first point of the curve."""
        scene, first = self.scene, self.records[0]
        self.beat("start", samples=self._samples, say={"loss": self.story.fmt(first.loss)})
        self.diagram = make_diagram(self, weights=first.params.weights)
        self.weights = spread_labels(self.diagram, weight_labels(self, self.diagram, first.params.weights))
        self.equation = self._equation()
        self.loss_label = self._loss_label(0)
        self.plot = self._plot()
        self._set_status(0)
        scene.play(Create(self.diagram.edge_group), Appear(self.diagram.neuron_group),
                   Appear(self.diagram.caption_group), Appear(self.weights), Appear(self.equation),
                   Appear(self.loss_label), Appear(self.plot), run_time=self.t(style.MOVE_TIME))

    def grow_curve(self) -> None:
        """Keyframe by keyframe: the curve grows to the epoch, the edges take its weights."""
        scene, plot = self.scene, self.plot
        self.beat("curve", epochs=self.records[-1].epoch,
                  say={"first": self.story.fmt(self.records[0].loss),
                       "last": self.story.fmt(self.records[-1].loss)})
        for start, end in zip(self.shown, self.shown[1:]):
            record = self.records[end]
            segment = plot.get_segment(self.records[start].epoch, record.epoch)
            plot.add_segment(segment)
            weights = spread_labels(self.diagram, weight_labels(self, self.diagram, record.params.weights))
            loss_label = self._loss_label(end)
            status = self._status(end)
            scene.play(Create(segment), MoveAlongPath(plot.marker, segment),
                       weight_update(self.diagram, record.params.weights, run_time=self.t(style.MOVE_TIME)),
                       swap(self.weights, weights),
                       swap(self.loss_label, loss_label),
                       swap(self.status, status), run_time=self.t(style.MOVE_TIME))
            self.weights, self.loss_label = weights, loss_label
            self.scene.status = self.status = status

    def show_end(self) -> None:
        """The final loss (and accuracy when the targets are class labels), ringed on the curve."""
        story, scene, last = self.story, self.scene, self.records[-1]
        accuracy = "" if last.accuracy is None else self.tr("training.accuracy_clause",
                                                            accuracy=story.fmt(last.accuracy))
        self.beat("end", epochs=last.epoch, loss=story.fmt(last.loss), accuracy=accuracy)
        ring = Circle(radius=0.16, color=self.theme.highlight, stroke_width=3)
        ring.move_to(self.plot.get_point(last.epoch))
        shown = [ring]
        if last.accuracy is not None:
            label = value_label(self, last.accuracy, "target", ("accuracy", last.epoch),
                                prefix=self.tr("training.accuracy"))
            label.next_to(self.loss_label, DOWN, aligned_edge=LEFT, buff=0.15)
            self.accuracy_label = label
            shown.append(label)
        scene.play(*(Appear(m) for m in shown), run_time=self.t(style.WRITE_TIME))

    # -- pieces --------------------------------------------------------------------------------
    def _equation(self) -> VGroup:
        """Heading, the mean-loss equation in general form and what it averages over, in the panel."""
        eq, n = self.story.loss_eqs()["loss_mean"], self._samples
        # on two lines when one would have to shrink far (N = 150: one line was scaled to 0.6)
        heading = wrapped_text(self.tr("training.heading", samples=n), self.regions.panel.width,
                               style.CAPTION_SIZE, self.theme.text, shrink=HEADING_SHRINK)
        formula = MathTex(colorize(eq.latex(), self.theme), tex_template=TEX_TEMPLATE,
                          font_size=style.EQUATION_SIZE, color=self.theme.text)
        written = MathTex(colorize(self._mean_terms(n), self.theme), tex_template=TEX_TEMPLATE,
                          font_size=style.EQUATION_SIZE, color=self.theme.text)
        note = note_text(self, self.tr("training.note", samples=n))
        return panel_stack(self, heading, formula, written, note, buff=0.22)

    def _mean_terms(self, n: int) -> str:
        r"""The mean over ``n`` samples, ``n`` written in: ``C = 1/150 (C_1 + C_2 + C_3 + \cdots + C_150)``.

        Every term for up to :data:`MEAN_TERMS_UP_TO` samples, else the first three and the last.
        """
        symbols = self.story.symbols
        term = [to_latex(symbols.loss(i)) for i in range(n)] if n <= MEAN_TERMS_UP_TO else \
            [*(to_latex(symbols.loss(i)) for i in range(3)), r"\cdots", to_latex(symbols.loss(n - 1))]
        return rf"{to_latex(symbols.loss())} = \frac{{1}}{{{n}}}\left({' + '.join(term)}\right)"

    def _set_status(self, index: int) -> None:
        """Swap the base status line (one step, one sample) for the epoch status line."""
        old = self.scene.status
        self.status = self._status(index)
        self.scene.play(swap(old, self.status), run_time=self.t(0.4))
        self.scene.status = self.status
