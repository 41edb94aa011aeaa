"""Chapter 7, ``training``, the classes' part for many samples: the confusion matrix before and after.

With more samples than a code table can list (:data:`~.codes.MAX_ROWS`) and one-hot targets,
each class's samples are counted by the answer the network gives them (its largest output),
for the first and the last epoch: a matrix with the classes named, the right answers on the
diagonal, and the share classified right (the epoch's ``accuracy``, a trace field).
:func:`backprop_core.codes.confusion` counts; this part only lays the counts out.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Rectangle, Text, VGroup

from backprop_core.codes import confusion, has_classes

from ... import style
from ...animations.fade import Appear
from ...layout import Region
from ..pieces import swap, value_label
from .codes import MAX_ROWS, READ_TIME
from .common import EpochPart

CELL = 0.62
"""Side of a cell (Manim units) before the matrices are fitted to the frame."""
MAX_GROWTH = 1.4
"""Few classes grow the matrices up to this factor; many shrink them to fit."""


class ConfusionPart(EpochPart):
    """Before training, the matrix of epoch 0; after, the last epoch's beside it."""

    def run(self) -> None:
        """Table of contents (nothing unless the targets are classes and the samples many)."""
        trace = self.story.trace
        if not has_classes(trace) or self._samples <= MAX_ROWS:
            return
        self.clear()
        self.records = trace.epochs
        first, last = confusion(trace, 0), confusion(trace, -1)
        left, right = self._matrix(first, 0), self._matrix(last, -1)
        pair = VGroup(left, right).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        room = Region(self.regions.diagram.left, self.regions.panel.right,
                      self.regions.diagram.bottom, self.regions.diagram.top)
        pair.scale(min(room.width / pair.width, room.height / pair.height, MAX_GROWTH)).move_to(room.center)
        scene = self.scene
        self.beat("confusion", right=first.right, total=first.total,
                  say={"accuracy": self.story.fmt(self.records[0].accuracy)})
        status = self._status(0)
        scene.play(Appear(left), swap(scene.status, status), run_time=self.t(style.MOVE_TIME))
        scene.status = status
        scene.wait(self.t(READ_TIME))
        self.beat("confusion_after", right=last.right, total=last.total, epochs=last.epoch,
                  say={"accuracy": self.story.fmt(self.records[-1].accuracy),
                       "before": self.story.fmt(self.records[0].accuracy)})
        status = self._status(len(self.records) - 1)
        scene.play(Appear(right), swap(scene.status, status), run_time=self.t(style.MOVE_TIME))
        scene.status = status
        scene.wait(self.t(READ_TIME))

    # -- one matrix ----------------------------------------------------------------------------
    def _text(self, text: str, color: str | None = None, size: float = style.SMALL_VALUE_SIZE) -> Text:
        return Text(text, font=style.FONT, font_size=size, color=color or self.theme.text)

    def _matrix(self, matrix, index: int) -> VGroup:
        """Heading, class names (rows: the target; columns: the answer), counts, the share right."""
        theme, names = self.theme, self._class_names(len(matrix.counts))
        record = self.records[index]
        key = "codes_before" if index == 0 else "codes_after_head"
        heading = self._text(self.tr(f"training.{key}", epoch=record.epoch), theme.text, style.STATUS_SIZE)
        width = max(CELL, *(self._text(n).width + 0.15 for n in names))  # each column's name fits
        cells = VGroup()
        for t, row in enumerate(matrix.counts):
            row_total = max(int(row.sum()), 1)
            for p, count in enumerate(row):
                share = int(count) / row_total
                color = theme.positive if t == p else theme.negative
                square = Rectangle(width=width, height=CELL, stroke_color=theme.muted, stroke_width=1)
                square.set_fill(color, opacity=0.12 + 0.6 * share if count else 0.0)
                square.move_to([p * width, -t * CELL, 0])
                number = self._text(str(int(count)), theme.text if count else theme.muted, style.VALUE_SIZE)
                cells.add(VGroup(square, number.move_to(square)))
        columns = VGroup(*(self._text(n, theme.muted).next_to(cells[p], UP, buff=0.1)
                           for p, n in enumerate(names)))
        rows = VGroup(*(self._text(n, theme.target).next_to(cells[t * len(names)], LEFT, buff=0.15)
                        for t, n in enumerate(names)))
        answer = self._text(self.tr("training.confusion_answer"), theme.muted).next_to(columns, UP, buff=0.12)
        target = self._text(self.tr("training.confusion_target"), theme.target)
        target.next_to(rows, UP, buff=0.12).align_to(rows, RIGHT).set_y(answer.get_y())
        right = self._text(self.tr("training.codes_right", right=matrix.right, total=matrix.total),
                           theme.positive if matrix.right == matrix.total else theme.text, style.STATUS_SIZE)
        accuracy = value_label(self, record.accuracy, "target", ("accuracy", record.epoch),
                               prefix=self.tr("training.accuracy"))
        foot = VGroup(right, accuracy).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        foot.next_to(cells, DOWN, buff=0.3).align_to(cells, LEFT)
        body = VGroup(answer, target, columns, rows, cells, foot)
        heading.next_to(body, UP, buff=0.25)
        return VGroup(heading, body)

    def _class_names(self, k: int) -> list[str]:
        """The classes as the diagram names them (``setosa``), or ``y1``, ``y2`` ... for inline data."""
        return [self.story.output_label(j) for j in range(k)]
