"""Chapter 5's last beat, ``new_loss``: a second forward pass, and the recorded loss before and after.

:class:`NewLossBeat` is a part of :class:`~scenes.chapters.c5_update.UpdatePart`: the beat and
its table of recorded losses. One update per epoch: the loss over the training set before and
after it. Else the explained sample's loss now and at its next recorded step, and the
training-set means at the ends of the epochs.
"""

from __future__ import annotations

from manim import RIGHT, Text, VGroup

from .. import style
from ..animations.fade import Appear, Vanish
from ..animations.flow import forward_flash
from .pieces import highlight_ring, note_text, swap, value_label
from .wrapping import panel_stack, wrapped_block


class NewLossBeat:
    """The ``new_loss`` beat of the update chapter (uses the part's diagram, panel and labels)."""

    def new_loss(self) -> None:
        """A second forward pass with the new weights; the recorded loss before and after."""
        story, scene, diagram = self.story, self.scene, self.diagram
        rows, eq, heading = self._loss_rows()
        outputs = VGroup(*(highlight_ring(self, diagram, (story.n_layers, j), "loss")
                           for j in range(story.layers[-1])))
        room = self.regions.panel.height - rows.height - 0.4
        panel = panel_stack(self, wrapped_block(self, eq, heading, "loss", room, elided_key="update.elided"),
                            rows)
        scene.play(Vanish(self.marks), *(n.animate.set_fill(self.theme.neuron_fill, opacity=1)
                                          for n in diagram.neuron_group), run_time=self.t(0.4))
        scene.play(forward_flash(diagram, run_time=self.t(style.FLOW_TIME)),
                   swap(self.panel, panel))
        scene.play(Appear(outputs), run_time=self.t(0.4))
        scene.bring_to_front(*self.w_labels.values(), *self.b_labels.values())
        self.panel = panel

    def _loss_rows(self) -> tuple:
        """Open the beat that fits the trace; return the value rows, the old loss's equation, its heading.

        One update per epoch: the loss over the training set before it (the step's loss) and
        after it (the end of the epoch). Else the explained sample's loss now and at the next
        recorded step that uses it, and the training-set means at the ends of the epochs.
        """
        story = self.story
        step, epochs, sample = story.step, story.trace.epochs, story.record.sample + 1
        e, per_epoch = step.epoch, story.updates_per_epoch
        eqs = story.loss_eqs()
        rows = []
        if per_epoch == 1 and e < len(epochs):
            self.beat("new_loss_set",
                      say={"before": story.fmt(step.loss), "after": story.fmt(epochs[e].loss)})
            eq = eqs["loss_mean"] if len(step.per_sample) > 1 else eqs["loss"]
            heading = self.tr("update.loss_heading_set")
            rows += [self._row("update.before_set", step.loss), self._row("update.after_set",
                                                                           epochs[e].loss, epoch=e)]
            note = None
        else:
            later = story.later_sample_loss()
            key = "new_loss_epoch" if later is None else "new_loss_next" if later[1] == 1 \
                else "new_loss_sample"
            means = [epochs[q].loss for q in (e - 1, e) if q < len(epochs)]
            self.beat(key, sample=sample, updates=later[1] if later else 0,
                      say={"before": story.fmt(story.record.loss),
                           "after": story.fmt(later[0]) if later else "", "means": self.nums(means)})
            eq, heading = eqs["loss"], self.tr("update.loss_heading_sample", sample=sample)
            rows.append(self._row("update.before_sample", story.record.loss, sample=sample))
            if later:
                row_key = "update.after_next" if later[1] == 1 else "update.after_sample"
                rows.append(self._row(row_key, later[0], sample=sample, updates=later[1],
                                      epoch=later[2]))
            last = story.video["step"] == per_epoch  # then the epoch's end is right after this update
            keys = {e - 1: "update.epoch_mean" if e > 1 else "update.epoch_start",
                    e: "update.epoch_mean_after" if last else "update.epoch_mean"}
            rows += [self._row(keys[q], epochs[q].loss, epoch=q) for q in (e - 1, e) if q < len(epochs)]
            note = self.tr("update.epoch_note", epoch=e, updates=per_epoch, step=story.video["step"])
        table = VGroup(*rows).arrange(direction=[0, -1, 0], aligned_edge=[-1, 0, 0], buff=0.18)
        column = max(row[0].get_right()[0] for row in rows) + 0.15
        for row in rows:
            row[1].align_to([column, 0, 0], [-1, 0, 0])
        if note:
            table.add(note_text(self, note))
            table.arrange(direction=[0, -1, 0], aligned_edge=[-1, 0, 0], buff=0.18)
        if table.width > self.regions.panel.width:
            table.scale_to_fit_width(self.regions.panel.width)
        return table, eq, heading

    def _row(self, key: str, value: float, **values) -> VGroup:
        """``label: value`` with the value a :class:`ValueLabel` of a recorded loss."""
        label = Text(self.tr(key, **values), font=style.FONT, font_size=style.STATUS_SIZE,
                     color=self.theme.text)
        number = value_label(self, value, "loss", ("loss", key))
        return VGroup(label, number).arrange(RIGHT, buff=0.15)
