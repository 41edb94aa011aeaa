"""Chapter 7, ``training``, last part: online and batch gradient descent side by side.

Students ask whether the update comes after each input or once per epoch. The same data, the
same initial weights, the same learning rate and epochs are trained both ways (the story's run and
:attr:`Story.rival <scenes.story.Story.rival>`, both by the engine): two networks whose edges
follow their own weights, both update rules, how many updates each made, and both loss curves
on one pair of axes.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UL, Create, MathTex, MoveAlongPath, Text, VGroup

from backprop_core.config import steps_per_epoch
from backprop_core.equations.rules import update_rule

from ... import style
from ...animations.fade import Appear
from ...animations.flow import weight_update
from ...layout import Region
from ...mobjects.equation_panel import TEX_TEMPLATE, colorize
from ...mobjects.loss_plot import LossPlot
from ...mobjects.network_diagram import NetworkDiagram
from ..base import Part
from ..pieces import fitted, swap, value_label
from ..wrapping import panel_stack
from .common import keyframe_epochs


class Run:
    """One of the two runs: its trace, mode, batch size, updates per epoch and epoch records."""

    def __init__(self, trace, rival: bool):
        self.trace, self.rival = trace, rival
        training = trace.config["training"]
        self.mode = training["mode"]
        self.batch = training["batch_size"]
        self.per_epoch = steps_per_epoch(len(trace.config["data"]["inputs"]), self.batch)
        self.records = {r.epoch: r for r in trace.epochs}
        self.last_epoch = trace.epochs[-1].epoch


class ComparePart(Part):
    """The run as configured beside the same run in the other mode."""

    name = "training"

    def run(self) -> None:
        """Table of contents (nothing when the story has no rival run)."""
        if self.story.rival is None:
            return
        self.clear()
        self.runs = [Run(self.story.trace, False), Run(self.story.rival, True)]
        self.show_both()

    def show_both(self) -> None:
        """Both networks at epoch 0, both rules; the curves grow together, keyframe by keyframe."""
        story, scene = self.story, self.scene
        epochs = story.trace.config["training"]["epochs"]
        first, second = self.runs
        self.beat("compare", this=self.tr(f"training.short_{first.mode}"),
                  other=self.tr(f"training.short_{second.mode}"),
                  rate=story.fmt(story.trace.config["training"]["learning_rate"]),
                  say={"epochs": epochs, "this_loss": story.fmt(first.trace.epochs[-1].loss),
                       "other_epoch": second.last_epoch,
                       "other_loss": story.fmt(second.trace.epochs[-1].loss)})
        top, bottom = self._halves()
        self.diagrams = [self._diagram(run, region) for run, region in zip(self.runs, (top, bottom))]
        self.labels = [self._loss_label(run, 0, d) for run, d in zip(self.runs, self.diagrams)]
        panel = self._panel()
        self.plot = self._plot(panel.get_bottom()[1] - 0.3)
        status = self._status(0, epochs)
        scene.play(*(Appear(d) for d in self.diagrams), Appear(panel), Appear(self.plot),
                   *(Appear(lab) for lab in self.labels), swap(scene.status, status),
                   run_time=self.t(style.MOVE_TIME))
        scene.status = status
        shown = keyframe_epochs(epochs + 1)
        for start, end in zip(shown, shown[1:]):
            anims = []
            for i, run in enumerate(self.runs):
                segment = self.plot.get_segment(start, end, rival=run.rival)
                self.plot.add_segment(segment)
                marker = self.plot.rival_marker if run.rival else self.plot.marker
                record = run.records[min(end, run.last_epoch)]
                label = self._loss_label(run, record.epoch, self.diagrams[i])
                network = self.diagrams[i].diagram
                anims += [Create(segment), MoveAlongPath(marker, segment), swap(self.labels[i], label),
                          weight_update(network, record.params.weights, self.t(style.MOVE_TIME))]
                self.labels[i] = label
            status = self._status(end, epochs)
            scene.play(*anims, swap(scene.status, status), run_time=self.t(style.MOVE_TIME))
            scene.status = status

    # -- pieces --------------------------------------------------------------------------------
    def _mode_name(self, run: Run) -> str:
        return self.tr(f"training.mode_{run.mode}", batch=run.batch)

    def _color(self, run: Run) -> str:
        return self.theme.text if run.rival else self.theme.loss

    def _halves(self) -> tuple[Region, Region]:
        """The diagram region cut in two, each with a band on top for the run's name."""
        d = self.regions.diagram
        middle = (d.top + d.bottom) / 2
        return Region(d.left, d.right, middle + 0.1, d.top), Region(d.left, d.right, d.bottom, middle - 0.1)

    def _diagram(self, run: Run, region: Region) -> VGroup:
        """The run's network at epoch 0 under its name (no layer captions: two networks share the space)."""
        name = Text(self.tr(f"training.short_{run.mode}"), font=style.FONT, font_size=style.CAPTION_SIZE,
                    color=self._color(run))
        name.move_to([region.left, region.top, 0], aligned_edge=UL)
        room = Region(region.left, region.right, region.bottom, name.get_bottom()[1] - 0.1)
        diagram = NetworkDiagram(self.story.layers, run.trace.epochs[0].params.weights, self.theme,
                                 self.story.weight_scale, room)
        group = VGroup(name, diagram)
        group.name, group.diagram = name, diagram
        return group

    def _panel(self) -> VGroup:
        """For each run: its name, its update rule with the run's numbers, how many updates it made."""
        story, region, rows = self.story, self.regions.panel, []
        training = story.trace.config["training"]
        for run in self.runs:
            name = Text(self._mode_name(run), font=style.FONT, font_size=style.CAPTION_SIZE,
                        color=self._color(run))
            latex = update_rule(story.notation, story.n_layers, run.batch, training["learning_rate"],
                                story.video["decimals"])
            rule = MathTex(colorize(story.tex(latex), self.theme),
                           tex_template=TEX_TEMPLATE, font_size=style.EQUATION_SIZE, color=self.theme.text)
            words = self.tr("training.updates", updates=run.per_epoch * training["epochs"],
                            epochs=training["epochs"], per_epoch=run.per_epoch)
            if run.trace.stopped is not None:
                words = self.tr("training.diverged", epoch=run.trace.stopped.epoch)
            count = Text(words,
                         font=style.FONT, font_size=style.STATUS_SIZE, color=self.theme.muted)
            parts = (fitted(mob, region.width) for mob in (name, rule, count))
            rows.append(VGroup(*parts).arrange(DOWN, aligned_edge=LEFT, buff=0.15))
        return panel_stack(self, *rows, buff=0.3)

    def _loss_label(self, run: Run, epoch: int, beside: VGroup):
        """``epoch e: C = value`` of ``run``, after its name above its network."""
        record = run.records[epoch]
        symbol = self.story.loss_eqs()["loss_mean"].latex().split("=")[0].strip()
        key = ("rival_epoch" if run.rival else "epoch", record.epoch)
        label = value_label(self, record.loss, "loss", key,
                            prefix=self.tr("training.loss_value", epoch=record.epoch, symbol=symbol))
        return label.next_to(beside.name, RIGHT, buff=0.4)

    def _plot(self, top: float) -> LossPlot:
        """Both runs' mean loss per epoch on one pair of axes, below the panel and the labels."""
        panel = self.regions.panel
        region = Region(panel.left, panel.right, panel.bottom, top)
        first, second = self.runs
        rival = ([r.epoch for r in second.trace.epochs], [r.loss for r in second.trace.epochs],
                 self._color(second))
        return LossPlot([r.epoch for r in first.trace.epochs], [r.loss for r in first.trace.epochs],
                        self.theme, region, self.tr("training.x_label"), self.tr("training.y_label"),
                        self.story.fmt, rival=rival)

    def _status(self, epoch: int, epochs: int) -> Text:
        rate = self.story.fmt(self.story.trace.config["training"]["learning_rate"])
        return self.scene.status_text(self.tr("training.compare_status", epoch=epoch, epochs=epochs,
                                              rate=rate))

