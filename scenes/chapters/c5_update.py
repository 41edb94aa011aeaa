"""Chapter 5, ``update``: the gradients of one weight and one bias, every weight steps, the new loss.

BP4 for the focus weight, BP3 for the bias of its neuron (or why that bias stays), every weight
changing at once, in the delta-rule notation its sign convention beside the descent form (both
give the same new weight), and a second forward pass with the recorded loss before and after.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Create,
    SurroundingRectangle,
    Text,
    VGroup,
)

from .. import style
from ..animations.fade import Appear, Vanish
from ..animations.flow import forward_flash, weight_update
from .base import Part
from .glosses import glossed_panel
from .pieces import (
    bias_labels,
    fitted,
    highlight_ring,
    indexed,
    line_up,
    make_diagram,
    note_text,
    swap,
    symbol_value,
    unclutter_edge_labels,
    value_label,
    weight_labels,
)
from .wrapping import panel_of, panel_stack, wrapped_block


class UpdatePart(Part):
    """Gradients of the focus weight and its neuron's bias, the update of every weight, the new loss."""

    name = "update"

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.weight_gradient()
        self.bias_gradient()
        self.apply()
        if self.story.notation == "delta_rule":
            self.sign_convention()
        self.new_loss()

    # -- beats ---------------------------------------------------------------------------------
    def weight_gradient(self) -> None:
        """BP4: the focus weight's edge and its two ends; delta times the incoming activation."""
        story, scene = self.story, self.scene
        layer, j, k = story.focus_weight
        batch = len(story.step.per_sample)
        self.weight = indexed("w", layer, j, k)
        eqs = story.weight_eqs(layer, j, k)
        self.beat("weight_gradient_batch" if batch > 1 else "weight_gradient", weight=self.weight,
                  count=batch, equations=(eqs["grad_w"], eqs["grad_w_mean"])[:2 if batch > 1 else 1],
                  say={"sample": story.record.sample + 1, "delta": story.fmt(story.shown_delta(layer)[j]),
                       "activation": story.fmt(story.record.a[layer - 1][k]),
                       "gradient": story.fmt(eqs["grad_w"].value),
                       "mean": story.fmt(eqs["grad_w_mean"].value)})
        diagram = self.diagram = make_diagram(self)
        scene.play(Create(diagram.edge_group), Appear(diagram.neuron_group),
                   Appear(diagram.caption_group), run_time=self.t(style.MOVE_TIME))
        self.b_labels = bias_labels(self, diagram, story.step.before.biases)
        self.w_labels = self._weight_labels(story.step.before.weights, self.b_labels)
        self.overlay = self._overlay((layer, j, k))
        self.ends = self._ends()
        heading = self.tr("update.grad_w_heading", weight=self.weight, sample=story.record.sample + 1)
        blocks = [lambda h: wrapped_block(self, eqs["grad_w"], heading, "gradient", h)]
        if batch > 1:
            blocks.append(lambda h: wrapped_block(self, eqs["grad_w_mean"],
                                                  self.tr("update.grad_w_mean_heading", count=batch),
                                                  "gradient", h, elided_key="update.elided"))
        self.panel = glossed_panel(self, blocks, eqs["grad_w"].latex())
        scene.play(Create(self.overlay), *self._light(), run_time=self.t(style.WRITE_TIME))
        scene.play(*(Appear(m) for m in [*self.w_labels.values(), *self.b_labels.values()]),
                   Appear(self.ends), Appear(self.panel), run_time=self.t(style.WRITE_TIME))

    def bias_gradient(self) -> None:
        """BP3 for the bias of the focus weight's neuron, or why the bias does not move."""
        story, scene = self.story, self.scene
        layer, j, _ = story.focus_weight
        cfg, batch = story.trace.config, len(story.step.per_sample)
        bias = indexed("b", layer, j)
        eqs = story.neuron_eqs(layer, j)
        values = {"bias": bias, "neuron": j + 1, "layer": layer, "count": batch}
        say = {"gradient": story.fmt(eqs["grad_b"].value), "mean": story.fmt(eqs["grad_b_mean"].value),
               "value": story.fmt(story.step.before.biases[layer - 1][j])}
        heading = self.tr("update.update_b_heading", bias=bias)
        if not cfg["network"]["use_biases"]:
            self.beat("bias_off", say=say, **values)
            blocks = [lambda h: wrapped_block(self, eqs["update_b"], heading, "weight", h,
                                              note=self.tr("update.off_note"))]
        else:
            frozen = not cfg["training"]["update_biases"]
            shown = (eqs["grad_b"], eqs["grad_b_mean"]) if batch > 1 else (eqs["grad_b"],)
            self.beat("bias_frozen" if frozen else "bias_gradient_batch" if batch > 1 else "bias_gradient",
                      say=say, equations=shown, **values)
            grad_heading = self.tr("update.grad_b_heading", bias=bias, sample=story.record.sample + 1)
            blocks = [lambda h: wrapped_block(self, eqs["grad_b"], grad_heading, "gradient", h)]
            if batch > 1:
                blocks.append(lambda h: wrapped_block(self, eqs["grad_b_mean"],
                                                      self.tr("update.grad_b_mean_heading", count=batch),
                                                      "gradient", h, elided_key="update.elided"))
            if frozen:
                blocks.append(lambda h: wrapped_block(self, eqs["update_b"], heading, "weight", h,
                                                      note=self.tr("update.frozen_note")))
        keep = VGroup(self.ends[0], self.ends[1])
        marks = VGroup()
        if (layer, j) in self.b_labels:
            marks.add(SurroundingRectangle(self.b_labels[(layer, j)], color=self.theme.highlight,
                                           buff=0.04, stroke_width=2))
        panel = panel_of(self, *blocks)
        scene.play(Vanish(self.overlay), Vanish(self.ends[2:]), swap(self.panel, panel),
                   Appear(marks), run_time=self.t(style.WRITE_TIME))
        self.panel, self.marks, self.ends = panel, marks, keep

    def apply(self) -> None:
        """Every edge restyles from its old weight to its new one; the labels cross-fade."""
        story, scene, diagram = self.story, self.scene, self.diagram
        after = story.step.after
        layer, j, k = story.focus_weight
        cfg = story.trace.config
        update = story.weight_eqs(layer, j, k)["update_w"]
        self.beat("apply", rate=story.fmt(cfg["training"]["learning_rate"]), equations=(update,),
                  say={"weight": self.weight, "old": story.fmt(story.step.before.weights[layer - 1][j, k]),
                       "new": story.fmt(update.value)})
        moved_b = cfg["network"]["use_biases"] and cfg["training"]["update_biases"]
        new_b = bias_labels(self, diagram, after.biases) if moved_b else self.b_labels
        new_w = self._weight_labels(after.weights, new_b)
        blocks = [lambda h: wrapped_block(self, story.weight_eqs(layer, j, k)["update_w"],
                                          self.tr("update.update_w_heading", weight=self.weight),
                                          "weight", h)]
        if moved_b:
            blocks.append(lambda h: wrapped_block(self, story.neuron_eqs(layer, j)["update_b"],
                                                  self.tr("update.update_b_heading",
                                                          bias=indexed("b", layer, j)), "weight", h))
        panel = glossed_panel(self, blocks, update.latex())
        swaps = [(self.w_labels[key], new_w[key]) for key in self.w_labels]
        changes = []
        if moved_b:  # a layer's biases may fit under its neurons before the update and not after
            # (a wider or taller number: the decimal comma's descender), or the other way round
            swaps += [(self.b_labels[key], new_b[key]) for key in self.b_labels if key in new_b]
            changes += [Vanish(self.b_labels[key]) for key in self.b_labels if key not in new_b]
            changes += [Appear(new_b[key]) for key in new_b if key not in self.b_labels]
        mark = SurroundingRectangle(new_w[(layer, j, k)], color=self.theme.highlight, buff=0.03,
                                    stroke_width=2)
        scene.play(Vanish(self.marks), Vanish(self.ends), run_time=self.t(0.3))
        scene.play(weight_update(diagram, after.weights, run_time=self.t(style.MOVE_TIME)),
                   *(swap(old, new) for old, new in swaps), *changes,
                   swap(self.panel, panel), run_time=self.t(style.MOVE_TIME))
        for key in diagram.edges:
            diagram.style_edge(key, after.weights[key[0] - 1][key[1], key[2]])
        scene.play(Create(mark), run_time=self.t(0.4))
        self.w_labels, self.b_labels, self.panel, self.marks = new_w, new_b, panel, VGroup(mark)

    def sign_convention(self) -> None:
        """Delta rule only: the descent form and the delta rule for the focus weight, the same new value."""
        story, scene = self.story, self.scene
        layer, j, k = story.focus_weight
        eqs = story.sign_eqs(layer, j, k)
        note = self.tr(f"update.sign_note_{story.trace.loss_name}", outputs=story.layers[-1],
                       activation=self.tr(f"activation_names.{story.trace.activations[-1]}"))
        x = story.record.a[layer - 1][k]
        self.beat("sign_convention", weight=self.weight,
                  equations=(eqs["descent_w"], eqs["grad"], eqs["update_w"]),
                  say={"rate": story.fmt(story.trace.config["training"]["learning_rate"]),
                       "gradient": story.fmt(story.step.grad_weights[layer - 1][j, k]),
                       "old": story.fmt(story.step.before.weights[layer - 1][j, k]),
                       "new": story.fmt(eqs["update_w"].value), "delta": story.fmt(eqs["delta_sign"].value),
                       "activation": story.fmt(x), "note": note})
        panel, remark = self._sign_panel(eqs, note)
        overlay = self._overlay((layer, j, k))
        ends = VGroup(*self._ends(), remark)
        scene.play(Create(overlay), swap(self.panel, panel), run_time=self.t(style.WRITE_TIME))
        scene.bring_to_front(*self.w_labels.values(), self.marks)
        scene.play(Appear(ends), run_time=self.t(0.5))
        self.panel = panel
        self.marks = VGroup(*self.marks, overlay, ends)

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

    # -- helpers -------------------------------------------------------------------------------
    def _sign_panel(self, eqs: dict, note: str) -> tuple[VGroup, VGroup]:
        """The descent form, ``dE/dw = -delta x`` and the delta rule in the panel; the loss's remark.

        The remark goes under the diagram when it fits there, else at the panel's foot. When the
        panel would have to shrink, the delta rule's general form is left to its heading, then
        the gradient's block to the delta rule's heading (a batch's long means need the room).
        """
        remark = Text(note, font=style.FONT, font_size=style.STATUS_SIZE, color=self.theme.muted)
        remark = fitted(remark, self.regions.diagram.width - 0.5).next_to(self.diagram, DOWN, buff=0.45)
        remark.align_to([self.regions.diagram.left, 0, 0], LEFT)
        below = remark.get_bottom()[1] >= self.regions.diagram.bottom
        descent = lambda h: wrapped_block(self, eqs["descent_w"], self.tr("update.sign_descent_heading"),  # noqa: E731
                                          "weight", h)
        grad = lambda h: wrapped_block(self, eqs["grad"], self.tr("update.sign_grad_heading"),  # noqa: E731
                                       "gradient", h, symbolic=False, elided_key="update.elided")
        tail = [] if below else [lambda h: note_text(self, note)]
        for with_grad, symbolic in ((True, True), (True, False), (False, False)):
            key = "update.sign_rule_heading" if with_grad else "update.sign_rule_heading_short"

            def rule(h, key=key, symbolic=symbolic):
                return wrapped_block(self, eqs["update_w"], self.tr(key, weight=self.weight), "weight", h,
                                     elided_key="update.elided", symbolic=symbolic)
            blocks = [descent, *([grad] if with_grad else []), rule, *tail]
            panel = panel_of(self, *blocks, reserve=1.4 if below else 1.0, buff=0.3)
            if panel.height < self.regions.panel.height - 0.01:  # panel_stack did not shrink it
                break
        return panel, remark if below else VGroup()


    def _ends(self) -> VGroup:
        """The focus weight's ends: its neuron's ring and ``δ = value``, its source's ring and ``a = value``.

        Each label stands level with its neuron, beyond its ring on the side away from the edge
        between them (``δ`` right of its neuron, ``a`` left of its source): the edge keeps room
        for its weight's label, and each value stays nearest its own neuron.
        """
        story, diagram = self.story, self.diagram
        layer, j, k = story.focus_weight
        target = highlight_ring(self, diagram, (layer, j), "delta")
        source = highlight_ring(self, diagram, (layer - 1, k), "activation")
        delta = self._end_label(story.symbols.t_delta(layer, str(j + 1)), story.shown_delta(layer)[j],
                                "delta", (layer, j), target, RIGHT)
        act = self._end_label(story.symbols.t_act(layer - 1, str(k + 1)), story.record.a[layer - 1][k],
                              "activation", (layer - 1, k), source, LEFT)
        return VGroup(target, delta, source, act)

    def _end_label(self, latex: str, value: float, quantity: str, key: tuple, ring, side):
        """``latex = value`` level with ``ring``, on ``side``.

        The value alone where the symbol would reach the ring of the next column that way, or
        out of the diagram's region.
        """
        label = symbol_value(self, latex, value, quantity, key, small=True)
        label.next_to(ring, side, buff=style.LABEL_GAP)
        if self._fits_beside(label, key[0], side):
            return label
        return value_label(self, value, quantity, key, small=True).next_to(ring, side, buff=style.LABEL_GAP)

    def _fits_beside(self, label, layer: int, side) -> bool:
        diagram, region = self.diagram, self.regions.diagram
        neighbour = layer + (1 if side[0] > 0 else -1)
        room = diagram.geometry.radius * style.RING_SCALE + style.LABEL_GAP
        if side[0] > 0:
            last = neighbour >= len(diagram.layers)
            limit = region.right if last else diagram.center((neighbour, 0))[0] - room
            return label.get_right()[0] <= limit
        limit = diagram.center((neighbour, 0))[0] + room if neighbour >= 0 else region.left
        return label.get_left()[0] >= limit

    def _weight_labels(self, weights, biases: dict) -> dict:
        """Every weight's label in small networks, else only the focus weight's.

        Each slides along its edge clear of the bias labels and of the labels at the focus
        weight's two ends (their rings and labels, :meth:`_ends`: shown in the gradient and sign
        beats).
        """
        avoid = [*biases.values(), *self._ends()]
        labels = weight_labels(self, self.diagram, weights)
        if not labels:
            key = self.story.focus_weight
            label = value_label(self, weights[key[0] - 1][key[1], key[2]], "weight", key, small=True)
            labels = {key: self.diagram.label_edge(key, label)}
        return unclutter_edge_labels(self.diagram, labels, avoid)

    def _overlay(self, key: tuple[int, int, int]):
        """A bright copy of edge ``key`` drawn over it: where the explained weight sits."""
        edge = self.diagram.edges[key]
        return edge.copy().set_stroke(color=self.theme.highlight, width=edge.get_stroke_width() + 3,
                                      opacity=0.9)

    def _light(self):
        """Fill the neurons by the explained sample's activations (as the forward pass left them)."""
        story = self.story
        return [self.diagram.neurons[(q, j)].animate.set_fill(
                    story.theme.activation, opacity=style.fill_opacity(a, story.activation_scale))
                for q in range(len(story.layers)) for j, a in enumerate(story.record.a[q])]

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
        rows = []  # (words, loss, values of the words): the rows of the table
        if per_epoch == 1 and e < len(epochs):
            self.beat("new_loss_set",
                      say={"before": story.fmt(step.loss), "after": story.fmt(epochs[e].loss)})
            eq = eqs["loss_mean"] if len(step.per_sample) > 1 else eqs["loss"]
            heading = self.tr("update.loss_heading_set")
            rows += [("update.before_set", step.loss, {}), ("update.after_set", epochs[e].loss, {"epoch": e})]
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
            rows.append(("update.before_sample", story.record.loss, {"sample": sample}))
            if later:
                row_key = "update.after_next" if later[1] == 1 else "update.after_sample"
                rows.append((row_key, later[0], {"sample": sample, "updates": later[1], "epoch": later[2]}))
            last = story.video["step"] == per_epoch  # then the epoch's end is right after this update
            keys = {e - 1: "update.epoch_mean" if e > 1 else "update.epoch_start",
                    e: "update.epoch_mean_after" if last else "update.epoch_mean"}
            rows += [(keys[q], epochs[q].loss, {"epoch": q}) for q in (e - 1, e) if q < len(epochs)]
            note = self.tr("update.epoch_note", epoch=e, updates=per_epoch, step=story.video["step"])
        rows = self._rows(rows)
        table = VGroup(*rows).arrange(direction=[0, -1, 0], aligned_edge=[-1, 0, 0], buff=0.18)
        # the numbers a column: left of it the words, their decimal separators on one x
        numbers = [row[1] for row in rows]
        line_up(numbers, numbers, max(row[0].get_right()[0] for row in rows) + 0.15)
        if note:
            table.add(note_text(self, note))
            table.arrange(direction=[0, -1, 0], aligned_edge=[-1, 0, 0], buff=0.18)
        if table.width > self.regions.panel.width:
            table.scale_to_fit_width(self.regions.panel.width)
        return table, eq, heading

    def _rows(self, rows) -> list[VGroup]:
        """``label: value`` for each ``(words' key, loss, values of the words)`` of ``rows``.

        The value is a :class:`ValueLabel` of a recorded loss with the decimals the column shares
        (``0.2910`` under ``0.2984``, not ``0.291``).
        """
        places = self.story.column_places([value for _, value, _ in rows])
        made = []
        for key, value, values in rows:
            label = Text(self.tr(key, **values), font=style.FONT, font_size=style.STATUS_SIZE,
                         color=self.theme.text)
            number = value_label(self, value, "loss", ("loss", key), places=places)
            made.append(VGroup(label, number).arrange(RIGHT, buff=0.15))
        return made
