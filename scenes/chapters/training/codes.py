"""Chapter 7, ``training``, third part: the code every sample gets before and after training.

For targets that are 0/1 vectors (binary codes such as the ``digits`` preset's, or classes):
a table of the samples with their input, the target code, and for the first and the last epoch
the raw outputs (trace fields, ``EpochRecord.outputs``, in fixed point: ``0.0380``, ``0.0001``
rather than ``5.703e-5``, ``0.00001`` for ``1.447e-5``), the code they give read from 0.5 up and
a mark right or wrong, with the count of right codes. ``backprop_core.codes`` reads the
codes; this part only lays them out.
"""

from __future__ import annotations

from manim import RIGHT, Text, VGroup, VMobject

from backprop_core.codes import code_table, has_codes

from ... import style
from ...animations.fade import Appear
from ...layout import Region
from ..pieces import swap, value_label
from .common import EpochPart

MAX_ROWS = 12
"""Tables of more samples are not shown (they would not be legible)."""
MAX_RAW = 4
"""Raw outputs are shown for networks with at most this many outputs (codes only above)."""
MAX_GROWTH = 1.5
"""A small table (few samples or outputs) grows up to this factor; a large one shrinks to fit."""
READ_TIME = 2 * style.HOLD_TIME
"""Extra time on each settled table (beyond the beat's hold): a table takes longer to read."""
COLUMN_GAP = 0.3
ROW_GAP = 0.12


class CodesPart(EpochPart):
    """The table of codes before training, then after the last epoch beside it."""

    def run(self) -> None:
        """Table of contents (nothing unless the targets are 0/1 and the samples few enough)."""
        trace = self.story.trace
        if not has_codes(trace) or len(trace.config["data"]["inputs"]) > MAX_ROWS:
            return
        self.clear()
        self.records = trace.epochs
        self.table = code_table(trace)
        self.raw = trace.layers[-1] <= MAX_RAW
        self.layout_table()
        total = len(self.table.rows)
        scene = self.scene
        self.beat("codes", right=self.table.before_right, total=total)
        first = self._status(0)
        scene.play(Appear(self.left), Appear(self.before), swap(scene.status, first),
                   run_time=self.t(style.MOVE_TIME))
        scene.status = first
        scene.wait(self.t(READ_TIME))
        self.beat("codes_after", right=self.table.after_right, total=total, epochs=self.table.last_epoch)
        last = self._status(len(self.records) - 1)
        scene.play(Appear(self.after), swap(scene.status, last), run_time=self.t(style.MOVE_TIME))
        scene.status = last
        scene.wait(self.t(READ_TIME))

    # -- the table -----------------------------------------------------------------------------
    def _text(self, text: str, color: str | None = None, size: float = style.SMALL_VALUE_SIZE) -> Text:
        return Text(text, font=style.FONT, font_size=size, color=color or self.theme.text)

    def _input(self, x) -> str:
        """The input as written in the table: ``0001000000`` for 0/1 inputs, else the values."""
        if all(v in (0.0, 1.0) for v in x):
            return "".join(str(int(v)) for v in x)
        return ", ".join(self.story.fmt(v) for v in x)

    def _answer_cells(self, answer, target, epoch: int) -> list:
        """Cells of one answer: raw outputs (one label each), the code, the mark."""
        cells = []
        if self.raw:
            cells.append(VGroup(*(value_label(self, v, "activation", ("output", epoch), small=True,
                                              fixed=True)
                                  for v in answer.outputs)).arrange(RIGHT, buff=0.12))
        code = VGroup(*(self._text(str(bit), self.theme.text if bit == want else self.theme.negative)
                        for bit, want in zip(answer.code, target))).arrange(RIGHT, buff=0.04)
        cells.append(code)
        mark = "right_mark" if answer.right else "wrong_mark"
        cells.append(self._text(self.tr(f"training.{mark}"),
                                self.theme.positive if answer.right else self.theme.negative,
                                size=style.VALUE_SIZE))
        return cells

    def layout_table(self) -> None:
        """Cells in rows and columns, centred under the title.

        ``left`` holds sample, input and target; ``before`` and ``after`` an answer block each,
        with its heading and its count.
        """
        table, tr = self.table, self.tr
        inputs = self.story.trace.config["data"]["inputs"]
        head = [tr("training.codes_sample"), tr("training.codes_input"), tr("training.codes_target")]
        answer_head = ([tr("training.codes_outputs")] if self.raw else []) + [tr("training.codes_code"), ""]
        rows = [[self._text(h, self.theme.muted) for h in head + answer_head * 2]]
        for row in table.rows:
            target = VGroup(*(self._text(str(b), self.theme.target) for b in row.target)).arrange(
                RIGHT, buff=0.04)
            rows.append([self._text(str(row.sample + 1)), self._text(self._input(inputs[row.sample])), target,
                         *self._answer_cells(row.before, row.target, table.first_epoch),
                         *self._answer_cells(row.after, row.target, table.last_epoch)])
        n = len(answer_head)
        blocks = ((3, 3 + n, "codes_before", table.first_epoch, table.before_right),
                  (3 + n, 3 + 2 * n, "codes_after_head", table.last_epoch, table.after_right))
        headings = [self._text(tr(f"training.{key}", epoch=epoch), self.theme.text, style.STATUS_SIZE)
                    for _, _, key, epoch, _ in blocks]
        widths = [max(r[c].width for r in rows) for c in range(len(rows[0]))]
        gaps = [0.0] + [COLUMN_GAP] * (len(widths) - 1)
        for (first, stop, *_), heading in zip(blocks, headings):
            inner = sum(widths[first:stop]) + COLUMN_GAP * (n - 1)
            pad = max(0.0, heading.width + 0.2 - inner) / 2
            gaps[first] += COLUMN_GAP * 1.5 + pad
            if stop < len(gaps):
                gaps[stop] += pad
        starts, x = [], 0.0
        for gap, width in zip(gaps, widths):
            x += gap
            starts.append(x)
            x += width
        top = 0.0
        y = top
        for r, cells in enumerate(rows):
            height = max(m.height for m in cells)
            for c, cell in enumerate(cells):
                cell.move_to([starts[c] + widths[c] / 2, y - height / 2, 0])
            y -= height + ROW_GAP * (2 if r == 0 else 1)
        self.left = VGroup(*(m for r in rows for m in r[:3]))
        self.before = VGroup(*(m for r in rows for m in r[3:3 + n]))
        self.after = VGroup(*(m for r in rows for m in r[3 + n:]))
        for group, (first, stop, _, _, right), heading in zip((self.before, self.after), blocks, headings):
            left, right_edge = starts[first], starts[stop - 1] + widths[stop - 1]
            heading.move_to([(left + right_edge) / 2, top + 0.35, 0])
            count = self._text(tr("training.codes_right", right=right, total=len(table.rows)),
                               self.theme.positive if right == len(table.rows) else self.theme.text,
                               style.STATUS_SIZE)
            count.move_to([(left + right_edge) / 2, y - 0.25, 0])
            ends = (min(left, heading.get_left()[0]), max(right_edge, heading.get_right()[0]))
            rule = VMobject(stroke_color=self.theme.muted, stroke_width=1.5).set_points_as_corners(
                [[ends[0], top + 0.17, 0], [ends[1], top + 0.17, 0]])
            group.add(heading, rule, count)
        whole = VGroup(self.left, self.before, self.after)
        room = Region(self.regions.diagram.left, self.regions.panel.right,
                      self.regions.diagram.bottom, self.regions.diagram.top)
        whole.scale(min(room.width / whole.width, room.height / whole.height, MAX_GROWTH))
        whole.move_to(room.center)
