"""What the parts of chapter 7, ``training``, share: the keyframes and the epoch's furniture.

The parts that follow the run epoch by epoch (the loss curve, the decision map, the output codes)
show the same things beside their picture: the loss of the keyframe's epoch, the loss plot and
the status line with the epoch (:class:`EpochPart`). Every part shows the same keyframes
(:func:`keyframe_epochs`).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, Text

from ...layout import Region
from ...mobjects.loss_plot import LossPlot
from ..base import Part
from ..pieces import value_label

KEYFRAMES = 8
"""At most this many restylings of the network over the run (plus epoch 0)."""


def keyframe_epochs(n_records: int, count: int = KEYFRAMES) -> list[int]:
    """Indices of the epoch records shown: 0, the last, and up to ``count - 1`` evenly between."""
    last = n_records - 1
    if last <= 0:
        return [0]
    return sorted({int(i) for i in np.linspace(0, last, min(count, last) + 1).round()})


class EpochPart(Part):
    """A part of the training chapter that follows the epoch records (``self.records``).

    It shows the loss of a keyframe's epoch under its panel heading (``self.equation``, which
    the part sets), the loss plot below it and the epoch in the status line.
    """

    name = "training"

    @property
    def _samples(self) -> int:
        return len(self.story.trace.config["data"]["inputs"])

    def _loss_label(self, index: int):
        """``epoch e:  C = value``: the loss record of keyframe ``index``, under the equation."""
        record = self.records[index]
        symbol = self.story.loss_eqs()["loss_mean"].latex().split("=")[0].strip()
        label = value_label(self, record.loss, "loss", ("epoch", record.epoch),
                            prefix=self.tr("training.loss_value", epoch=record.epoch, symbol=symbol))
        return label.next_to(self.equation, DOWN, aligned_edge=LEFT, buff=0.25)

    def _plot(self) -> LossPlot:
        """The loss plot in the panel below the labels (room kept for the accuracy line)."""
        panel = self.regions.panel
        top = self.loss_label.get_bottom()[1] - 0.3 - (0.45 if self.records[-1].accuracy is not None else 0)
        region = Region(panel.left, panel.right, panel.bottom, top)
        return LossPlot([r.epoch for r in self.records], [r.loss for r in self.records], self.theme,
                        region, self.tr("training.x_label"), self.tr("training.y_label"), self.story.fmt)

    def _status(self, index: int) -> Text:
        """The status line at keyframe ``index``: which epoch the diagram and the curve show."""
        story = self.story
        cfg = story.trace.config["training"]
        return self.scene.status_text(self.tr("training.status", epoch=self.records[index].epoch,
                                              epochs=cfg["epochs"], rate=story.fmt(cfg["learning_rate"]),
                                              loss=self.tr(f"loss_names.{story.trace.loss_name}")))
