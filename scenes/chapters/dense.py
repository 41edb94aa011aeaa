"""``forward`` and ``backward`` of a network drawn in dense mode (e.g. 784-16-16-10).

The chapter registry plays these parts instead of those of :mod:`.c2_forward` and
:mod:`.c4_backward` when the network draws in dense mode (:func:`scenes.layout.is_dense`). The
beats are theirs; what changes is how the diagram is drawn and animated so that a frame costs
little more than Manim's floor:

- the diagram (:class:`~scenes.mobjects.dense_network.DenseNetworkDiagram`) is added without an
  animation, and its 12,960 merged edges, which never change in these chapters, are drawn once
  into the camera's background (:func:`bake_edges`): no ``play`` draws them again;
- the signal and the error sweep across every edge of a layer as a :class:`DenseWave`, whose
  pulses are the only thing redrawn each frame (with what overlaps them);
- numbers are shown in focus mode: on the highlighted neuron, on the first neurons feeding it,
  and on every neuron of a layer of at most :data:`~scenes.layout.VALUES_UP_TO` (the output).
"""

from __future__ import annotations

from manim import LEFT, RIGHT, LaggedStart, Succession, VGroup
from manim.utils.rate_functions import linear

from .. import style
from ..animations.dense_flow import DenseWave
from ..animations.fade import Appear, Vanish
from ..layout import VALUES_UP_TO
from ..mobjects.dense_network import DenseNetworkDiagram
from .c2_forward import ForwardPart
from .c4_backward import BackwardPart
from .glosses import glossed_panel, sigmoid_of
from .pieces import (
    column_labels,
    highlight_ring,
    layer_captions,
    neuron_names,
    note_text,
    side_labels,
    swap,
)
from .wrapping import panel_of

FEEDERS = 3
"""How many neurons feeding the highlighted one show their numbers (in a large layer)."""


def dense_diagram(part, inputs=None) -> DenseNetworkDiagram:
    """The story's network in dense mode, with the weights before the explained step."""
    story = part.story
    names = {key: name for key, name in neuron_names(story).items() if key[0] == story.n_layers}
    return DenseNetworkDiagram(story.layers, story.step.before.weights, story.theme, story.weight_scale,
                               part.regions.diagram, captions=layer_captions(story), inputs=inputs,
                               names=names)


def bake_edges(scene, diagram: DenseNetworkDiagram) -> None:
    """Draw the merged edges once into the camera's background and take them out of the scene.

    Manim redraws every static mobject once per ``play`` (its static image): for 12,960 edges
    about a second at 1080p, every time. Baked, they cost that once. ``diagram.edge_group``
    keeps them (for counts and tests).
    """
    camera = scene.camera
    camera.reset()
    camera.capture_mobjects([diagram.edge_group])
    camera.set_background(camera.pixel_array.copy())
    diagram.remove(diagram.edge_group)
    scene.baked_mobjects = [diagram.edge_group]  # vector stills draw them (bpviz.outputs.svg_still)


def focus_keys(part, layer: int, j: int) -> list[int]:
    """Neurons of ``layer`` that show numbers: all in a small layer, else ``j`` (and the first feeders)."""
    n = part.story.layers[layer]
    return list(range(n)) if n <= VALUES_UP_TO else [j]


class DenseForwardPart(ForwardPart):
    """The forward pass of a dense network: the image enters, a wave crosses each layer."""

    def show_inputs(self) -> None:
        """The network is there (static); the sample's image fills the input."""
        story, scene = self.story, self.scene
        self._inputs_beat()
        self.diagram = dense_diagram(self)
        self.labels = VGroup()
        self.shown: set[tuple[int, int]] = set()
        self.columns = {layer: self._column(layer) for layer in range(1, story.n_layers + 1)}
        bake_edges(scene, self.diagram)
        scene.add(self.diagram)
        self.diagram.set_inputs(story.record.x)
        side = self.diagram.side
        note = note_text(self, self.tr("dense.inputs_panel", n=story.layers[0], side=side),
                         color=self.theme.text)
        if story.scaling is None:
            self.panel = note.move_to([self.regions.panel.left, self.regions.panel.top, 0],
                                      aligned_edge=[-1, 1, 0])
        else:  # the image shows the scaled inputs; the panel, a part of the raw sample and its scaling
            self.panel = panel_of(self, lambda h: note, *self._scaling_blocks(with_x=False))
        scene.play(Appear(self.diagram.input_group), Appear(self.panel), run_time=self.t(style.WRITE_TIME))

    def propagate(self, layer: int) -> None:
        """A wave crosses every edge into ``layer``; its neurons light up; the panel follows one neuron."""
        story, scene, diagram = self.story, self.scene, self.diagram
        j, eqs = self._layer_beat(layer)
        ring = highlight_ring(self, diagram, (layer, j))
        panel = self._equations(layer, j, eqs)
        scene.play(swap(self.panel, panel), Appear(ring), run_time=self.t(style.WRITE_TIME))
        # the wave alone: only its pulses (and what lies on them) are redrawn, not the panel
        scene.play(DenseWave(diagram, layer, story.signal(layer), story.signal_scale, self.theme.activation,
                             rate_func=linear), run_time=self.t(style.FLOW_TIME))
        labels = self._new_labels(layer, j)
        self.labels.add(*labels.values())
        scene.play(self._light(layer), *(Appear(lab) for lab in labels.values()),
                   run_time=self.t(style.WRITE_TIME))
        self.panel, self.ring = panel, ring
        self.scene.end_beat()
        scene.play(Vanish(ring), run_time=self.t(0.3))

    def _equations(self, layer: int, j: int, eqs) -> VGroup:
        from .wrapping import wrapped_block

        z_heading = self.tr("forward.z_heading", layer=layer, neuron=j + 1)
        return glossed_panel(
            self,
            (lambda h: wrapped_block(self, eqs["z"], z_heading, "z", h, elided_key="forward.elided"),
             lambda h: wrapped_block(self, eqs["a"], self.tr("forward.a_heading"), "activation", h)),
            eqs["z"].latex(), eqs["a"].latex(), sigmoid_of(self, layer))

    def _column(self, layer: int) -> dict:
        """Every activation label ``layer`` will show, placed once as one column (one x, one decimals).

        The highlighted neuron's (all in a small layer), and the first feeders of the next layer's.
        """
        story = self.story
        keys = set(focus_keys(self, layer, self._highlighted(layer)))
        if layer < story.n_layers and story.layers[layer] > VALUES_UP_TO:
            keys.update(range(FEEDERS))
        return column_labels(self, self.diagram, layer, story.record.a[layer], "activation", sorted(keys),
                             RIGHT, small=True)

    def _new_labels(self, layer: int, j: int) -> dict:
        """Activation labels of ``layer`` in focus mode, plus the first neurons feeding ``j``."""
        story, labels = self.story, {}
        wanted = [(layer, i) for i in focus_keys(self, layer, j)]
        if layer > 1 and story.layers[layer - 1] > VALUES_UP_TO:
            wanted += [(layer - 1, i) for i in range(FEEDERS)]
        for key in wanted:
            if key not in self.shown and key in self.columns[key[0]]:
                self.shown.add(key)
                labels[key] = self.columns[key[0]][key]
        return labels


class DenseBackwardPart(BackwardPart):
    """The backward pass of a dense network: the error sweeps right to left across the edges."""

    def show_output_delta(self) -> None:
        """The network with its input and targets; the output neurons get their errors (BP1)."""
        story, scene = self.story, self.scene
        last, j, eq = self._output_delta_beat()
        self.diagram = dense_diagram(self, inputs=story.record.x)
        self.delta_labels = {}
        bake_edges(scene, self.diagram)
        scene.add(self.diagram)
        y_labels = side_labels(self, self.diagram, last, story.record.y, "target", "y", RIGHT)
        self.fixed = VGroup(*y_labels.values())
        self._show_output_errors(last, j, eq, Appear, Appear(self.fixed))

    def propagate(self, layer: int) -> None:
        """The errors of ``layer + 1`` sweep backwards across every edge into ``layer``."""
        nxt, panel, flash = self._propagate_panel(layer)  # the edges are background: not dimmed
        self.scene.play(swap(self.panel, panel), *flash, run_time=self.t(style.WRITE_TIME))
        self.panel = panel
        self._flow_back(nxt)

    def show_done(self) -> None:
        """Every delta is known; one last wave reaches every weight, input layer included (BP4 next)."""
        story, scene = self.story, self.scene
        panel = self._done_panel()
        waves = [DenseWave(self.diagram, layer, story.shown_error(layer), story.error_scale, self.theme.delta,
                           backwards=True, rate_func=linear) for layer in range(story.n_layers, 0, -1)]
        flashes = self._delta_flashes()
        scene.play(swap(self.panel, panel), run_time=self.t(style.WRITE_TIME))
        scene.play(Succession(*waves), LaggedStart(*flashes, lag_ratio=0.6),
                   run_time=self.t(style.FLOW_TIME * 1.5))
        self.panel = panel

    # -- helpers -------------------------------------------------------------------------------
    def _flow_back(self, layer: int, only_to: int | None = None) -> None:
        """The errors of ``layer`` sweep back along its edges (only into ``only_to``, when given)."""
        story = self.story
        self.trails = VGroup()
        self.scene.play(DenseWave(self.diagram, layer, story.shown_error(layer), story.error_scale,
                                  self.theme.delta, backwards=True, only_to=only_to, rate_func=linear,
                                  run_time=self.t(style.FLOW_TIME * 1.5)))

    def _delta_labels(self, layer: int) -> dict:
        """Delta labels in focus mode, left of their neurons as in every network."""
        story = self.story
        j = self._highlighted(layer)
        return column_labels(self, self.diagram, layer, story.shown_delta(layer), "delta",
                             focus_keys(self, layer, j), LEFT, small=True)
