"""Chapter 4, ``backward``: the error starts at the output and travels back, layer by layer.

BP1 gives the output errors; for every hidden layer the errors of the next layer flow back
along the weights (right to left) and each neuron sums what arrives, times the slope of its
activation (BP2). In the ``delta_rule`` notation every delta on screen is ``-dE/dnet``
(:meth:`Story.shown_delta`), the same number as its equation.
"""

from __future__ import annotations

from manim import (
    LEFT,
    RIGHT,
    AnimationGroup,
    Create,
    Indicate,
    LaggedStart,
    MathTex,
    Text,
    VGroup,
)
from manim.utils.rate_functions import smooth

from .. import style
from ..animations.fade import Appear, Vanish
from ..animations.flow import backward_pass, dim_edges, error_trails, weight_update
from ..mobjects.equation_panel import TEX_TEMPLATE, colorize
from .base import Part
from .blame import share_labels
from .glosses import gloss_text, with_gloss
from .pieces import (
    highlight_ring,
    indexed,
    make_diagram,
    neuron_labels,
    side_labels,
    swap,
    unclutter_edge_labels,
    vector_tex,
    weight_labels,
)
from .wrapping import panel_of, panel_stack, wrapped_block

FPRIME_HEIGHT = 2.1
"""Panel height kept for the slope block under a hidden neuron's delta (heading and two lines)."""


def _early(t: float) -> float:
    """A rate done in the first half of the flow: a delta leaves its neuron as its error sets out."""
    return smooth(min(1.0, 2 * t))


def _late(t: float) -> float:
    """A rate that waits for the second half of the flow: a share appears as its error arrives."""
    return smooth(max(0.0, 2 * t - 1))


class BackwardPart(Part):
    """Output errors (BP1), then per hidden layer: the errors flow back, one neuron assembles its own."""

    name = "backward"

    def run(self) -> None:
        """Table of contents."""
        self.clear()
        self.shares = VGroup()  # the labels of the edges into the neuron in focus (propagate)
        self.sent = VGroup()  # the next layer's delta labels, away while its shares are shown
        self.show_output_delta()
        for layer in range(self.story.n_layers - 1, 0, -1):
            self.propagate(layer)
            self.assemble(layer)
        self.show_done()

    def show_output_delta(self) -> None:
        """The network with its targets; the output neurons get their errors (BP1)."""
        story, scene = self.story, self.scene
        last, j, eq = self._output_delta_beat()
        self.diagram = make_diagram(self)
        self.delta_labels = {}
        scene.play(Create(self.diagram.edge_group), Appear(self.diagram.neuron_group),
                   Appear(self.diagram.caption_group), run_time=self.t(style.MOVE_TIME))
        y_labels = side_labels(self, self.diagram, last, story.record.y, "target", "y", RIGHT)
        deltas = [lab for layer in range(1, last + 1) for lab in self._delta_labels(layer).values()]
        w_labels = weight_labels(self, self.diagram, story.step.before.weights)
        unclutter_edge_labels(self.diagram, w_labels, [*y_labels.values(), *deltas])
        self.fixed = VGroup(*y_labels.values(), *w_labels.values())
        scene.play(Appear(self.fixed), run_time=self.t(style.WRITE_TIME))
        self._show_output_errors(last, j, eq, Create)

    def _show_output_errors(self, last: int, j: int, eq, enter, *before) -> None:
        """Panel of BP1 for output neuron ``j``, its ring (``enter``) and every output delta; end the beat.

        ``before``: animations played first in the same ``play``.
        """
        gloss = gloss_text(self, eq.latex())
        room = gloss.height + 0.4 if gloss else 0.0
        self.panel = panel_of(self, lambda h: self._block(eq, "backward.output_heading", "delta", h - room,
                                                          note=self._note(), neuron=j + 1))
        self.panel = self._with_gloss(self.panel, gloss)
        self.ring = highlight_ring(self, self.diagram, (last, j), "delta")
        labels = self._show_deltas(last)
        self.scene.play(*before, Appear(self.panel), enter(self.ring), self._tint(last),
                        *(Appear(lab) for lab in labels.values()), run_time=self.t(style.WRITE_TIME))
        self.scene.end_beat()
        self.scene.play(Vanish(self.ring), run_time=self.t(0.3))

    def propagate(self, layer: int) -> None:
        """The errors of ``layer + 1`` travel backwards along every edge into ``layer``.

        The edges into the highlighted neuron carry their share of its error (``w δ``) as a label.
        """
        nxt, panel, flash = self._propagate_panel(layer)
        self.scene.play(swap(self.panel, panel), *flash,
                        dim_edges(self.diagram, style.DIM_EDGE_OPACITY, self.t(style.WRITE_TIME)),
                        run_time=self.t(style.WRITE_TIME))
        self.panel = panel
        # the errors of the next layer leave their neurons and arrive on the edges as shares
        self.sent = VGroup(*(lab for key, lab in self.delta_labels.items() if key[0] == nxt))
        avoid = [*self.fixed, *(lab for key, lab in self.delta_labels.items() if key[0] != nxt)]
        shares = share_labels(self, self.diagram, layer, self._highlighted(layer), avoid)
        self.shares = VGroup(*shares.values())
        self._flow_back(nxt, Vanish(self.sent, rate_func=_early),
                        *(Appear(lab, rate_func=_late) for lab in self.shares))

    def _propagate_panel(self, layer: int) -> tuple:
        """Announce ``propagate`` into ``layer``; ``(next layer, its panel, flashes of its deltas)``."""
        story = self.story
        nxt, j = layer + 1, self._highlighted(layer)
        shares = story.share_eqs(layer, j)["shares"]
        self.beat("propagate", next=nxt, layer=layer, neuron=j + 1, equations=shares,
                  say={"deltas": self.nums(story.shown_delta(nxt)),
                       "shares": self.nums([s.value for s in shares])})
        sent = vector_tex(self, self._vector_symbol(nxt), story.shown_delta(nxt), "delta")
        rule_eq = story.neuron_eqs(layer, j)["delta"]
        rule = self._tex(rule_eq.latex())
        gloss = gloss_text(self, rule_eq.latex(), *(s.latex() for s in shares))
        panel = self._with_gloss(self._panel(self._heading("backward.sent_heading", next=nxt), sent,
                                             self._heading("backward.rule_heading", neuron=j + 1,
                                                           layer=layer), rule), gloss)
        flash = [Indicate(lab.label, color=self.theme.highlight)
                 for key, lab in self.delta_labels.items() if key[0] == nxt]
        return nxt, panel, flash

    def assemble(self, layer: int) -> None:
        """The highlighted neuron of ``layer`` sums the errors arriving, times ``f'(z)`` (BP2)."""
        story, scene, diagram = self.story, self.scene, self.diagram
        j = self._highlighted(layer)
        activation = self.tr(f"activation_names.{story.trace.activations[layer - 1]}")
        eqs = story.neuron_eqs(layer, j)
        summed = story.share_eqs(layer, j)["delta"]  # BP2 whose terms are the shares on the edges
        self.beat("assemble", neuron=j + 1, layer=layer, activation=activation,
                  equations=(summed, eqs["fprime"]),
                  say={"slope": story.fmt(eqs["fprime"].value), "delta": story.fmt(eqs["delta"].value)})
        gloss = gloss_text(self, summed.latex(), eqs["fprime"].latex())
        room = gloss.height + 0.4 if gloss else 0.0
        # the shares on the edges: a tight fan labels a few and writes the others as + ⋯; a fan
        # labelled whole, or none (dense mode), writes the sum whole
        labelled = [lab.key[1] for lab in self.shares]
        terms = labelled if 0 < len(labelled) < story.layers[layer + 1] else None
        panel = panel_of(self, lambda h: self._summed_block(summed, h - room, terms, neuron=j + 1,
                                                            layer=layer),
                         lambda h: self._block(eqs["fprime"], "backward.fprime_heading", "z", h - room,
                                               activation=activation),
                         reserve=FPRIME_HEIGHT)
        panel = self._with_gloss(panel, gloss)
        self.ring = highlight_ring(self, diagram, (layer, j), "delta")
        scene.play(swap(self.panel, panel), Create(self.ring), Vanish(self.trails),
                   run_time=self.t(style.WRITE_TIME))
        self.panel = panel
        self._flow_back(layer + 1, only_to=j)
        labels = self._show_deltas(layer)
        scene.play(self._tint(layer), *(Appear(lab) for lab in labels.values()),
                   run_time=self.t(style.WRITE_TIME))
        self.scene.end_beat()
        scene.play(Vanish(self.ring), Vanish(self.trails), Vanish(self.shares), Appear(self.sent),
                   run_time=self.t(0.3))

    def show_done(self) -> None:
        """Every delta is known; the recursion in general and what comes next (BP3, BP4)."""
        story, scene = self.story, self.scene
        panel = self._done_panel()
        waves = self._delta_flashes()
        scene.play(swap(self.panel, panel),
                   weight_update(self.diagram, story.step.before.weights, self.t(style.WRITE_TIME)),
                   run_time=self.t(style.WRITE_TIME))
        scene.play(LaggedStart(*waves, lag_ratio=0.6), run_time=self.t(style.FLOW_TIME))
        self.panel = panel

    # -- helpers -------------------------------------------------------------------------------
    def _done_panel(self) -> VGroup:
        """Start the ``done`` beat; its panel: the recursion (BP2, with more than one layer) and BP3, BP4."""
        story = self.story
        fl, fj = story.focus_neuron
        wl, wj, wk = story.focus_weight
        grad_b, grad_w = story.neuron_eqs(fl, fj)["grad_b"], story.weight_eqs(wl, wj, wk)["grad_w"]
        self.beat("done" if story.n_layers > 1 else "done_single", equations=(grad_b, grad_w),
                  say={"bias": indexed("b", fl, fj), "grad_b": story.fmt(grad_b.value),
                       "weight": indexed("w", wl, wj, wk), "grad_w": story.fmt(grad_w.value)})
        sym = story.symbols
        recursion = (rf"{sym.t_delta('l', 'j')} = \left(\sum_{{m}} {sym.t_weight('l+1', 'm', 'j')}"
                     rf" {sym.t_delta('l+1', 'm')}\right) f'({sym.t_pre('l', 'j')})")
        parts = [self._heading("backward.recursion_heading"), self._tex(recursion)] \
            if story.n_layers > 1 else []
        parts += [self._heading("backward.gradient_heading"), self._tex(grad_b.latex()),
                  self._tex(grad_w.latex())]
        if self._note():
            parts.append(Text(self._note(), font=style.FONT, font_size=style.STATUS_SIZE,
                              color=self.theme.muted))
        gloss = gloss_text(self, recursion, grad_b.latex(), grad_w.latex())
        return self._with_gloss(self._panel(*parts), gloss)

    def _delta_flashes(self) -> list[AnimationGroup]:
        """Per layer with delta labels, output first: its labels flash, one group per layer."""
        return [AnimationGroup(*(Indicate(lab.label, color=self.theme.highlight)
                                 for key, lab in self.delta_labels.items() if key[0] == layer))
                for layer in range(self.story.n_layers, 0, -1)
                if any(key[0] == layer for key in self.delta_labels)]

    def _output_delta_beat(self) -> tuple[int, int, object]:
        """Start the output-error beat: the last layer, its highlighted neuron and its δ equation."""
        story = self.story
        last = story.n_layers
        j = self._highlighted(last)
        eq = story.neuron_eqs(last, j)["delta"]
        self.beat("output_delta", equations=(eq,),
                  say={"neuron": j + 1, "output": story.fmt(story.record.a[last][j]),
                       "target": story.fmt(story.record.y[j]), "delta": story.fmt(eq.value),
                       "deltas": self.nums(story.shown_delta(last))})
        return last, j, eq

    def _highlighted(self, layer: int) -> int:
        focus_layer, focus_j = self.story.focus_neuron
        return focus_j if focus_layer == layer else 0

    def _note(self) -> str | None:
        """The sign convention, on screen whenever deltas are shown as ``-dE/dnet``."""
        return self.tr("backward.sign_note") if self.story.notation == "delta_rule" else None

    def _vector_symbol(self, layer: int) -> str:
        r"""``\delta^{l}`` (or ``\delta^{(l)}``) without a neuron index."""
        return self.story.symbols.t_delta(layer, "").removesuffix("_{}")

    def _flow_back(self, layer: int, *besides, only_to: int | None = None) -> None:
        """The errors of ``layer`` travel back along its edges and leave trails on screen.

        ``besides``: animations played with the flow (the shares appearing on their edges).
        """
        story, scene = self.story, self.scene
        self.trails = error_trails(self.diagram, layer, story.shown_error(layer), story.error_scale,
                                   only_to=only_to)
        scene.add(self.trails)
        shown = [lab for lab in self.delta_labels.values() if lab not in self.sent.submobjects]
        scene.bring_to_front(self.diagram.neuron_group, self.fixed, *shown, self.shares)
        run_time = self.t(style.FLOW_TIME * 1.5)
        scene.play(backward_pass(self.diagram, layer, story.shown_error(layer), story.error_scale,
                                 run_time=run_time, only_to=only_to),
                   Create(self.trails, lag_ratio=0, run_time=run_time), *besides)

    def _delta_labels(self, layer: int) -> dict:
        """Delta labels (in the notation's sign) level with the neurons of ``layer``, left of them.

        Targets and activations are on the right of a column.
        """
        return neuron_labels(self, self.diagram, layer, self.story.shown_delta(layer), "delta", LEFT)

    def _show_deltas(self, layer: int) -> dict:
        """:meth:`_delta_labels` of ``layer``, kept for the later beats; returns them."""
        labels = self._delta_labels(layer)
        self.delta_labels.update(labels)
        return labels

    def _block(self, eq, heading_key: str, quantity: str, max_height: float, note: str | None = None,
               terms=None, **heading_values):
        """:func:`~.wrapping.wrapped_block` of ``eq`` under the catalogue heading ``heading_key``."""
        return wrapped_block(self, eq, self.tr(heading_key, **heading_values), quantity, max_height,
                             note=note, elided_key="backward.elided", terms=terms)

    def _summed_block(self, summed, max_height: float, terms, **heading_values):
        """BP2 summing the shares on the edges, under its heading (with its general form when all are).

        ``terms``: the neurons ``m`` whose shares stand on their edges; the others are written
        ``+ ⋯`` (a tight fan labels a few edges). When the shares are not all written out, the
        general form is left out (``propagate`` showed it): every number on the edges then stands
        in the sum.
        """
        block = self._block(summed, "backward.hidden_heading", "delta", max_height, note=self._note(),
                            terms=terms, **heading_values)
        if not any(r"\cdots" in getattr(part, "latex_source", "") for part in block):
            return block
        return wrapped_block(self, summed, self.tr("backward.hidden_heading", **heading_values), "delta",
                             max_height, note=self._note(), elided_key="backward.elided", symbolic=False,
                             terms=terms)

    def _tint(self, layer: int) -> AnimationGroup:
        """Fill the neurons of ``layer`` by the sign (colour) and size (opacity) of their deltas."""
        story, diagram = self.story, self.diagram
        anims = []
        for j, d in enumerate(story.shown_delta(layer)):
            anims.append(diagram.neurons[(layer, j)].animate.set_fill(
                style.value_color(self.theme, d, story.delta_scale),
                opacity=style.fill_opacity(d, story.delta_scale)))
        return AnimationGroup(*anims)

    def _with_gloss(self, panel: VGroup, gloss) -> VGroup:
        """``panel`` with the glosses of its new symbols under its equations, when they fit unshrunk."""
        return with_gloss(self, panel, gloss)

    def _heading(self, key: str, **values) -> Text:
        return Text(self.tr(key, **values), font=style.FONT, font_size=style.CAPTION_SIZE,
                    color=self.theme.text)

    def _tex(self, latex: str) -> MathTex:
        return MathTex(colorize(latex, self.theme), tex_template=TEX_TEMPLATE,
                       font_size=style.EQUATION_SIZE, color=self.theme.text)

    def _panel(self, *parts) -> VGroup:
        """``parts`` stacked at the top left of the panel, each fitted to its width."""
        return panel_stack(self, *parts, buff=0.3)
