"""The signal and the error sweeping across every edge of a :class:`DenseNetworkDiagram`.

A wave is one short pulse on every edge of a layer, all at the same share of their length, so
the front sweeps across the layer (left to right forward, right to left backwards). The pulses
are merged like the edges: one VMobject per chunk of edges of the same strength bucket, whose
points are recomputed each frame in one NumPy step. Only the pulses (and what overlaps them) are
redrawn per frame; the edges stay in the static image.
"""

from __future__ import annotations

import numpy as np
from manim import Animation, Mobject, VGroup, VMobject

from ..layout import MAX_NEURONS_PER_LAYER
from ..mobjects.dense_network import CHUNK, DenseNetworkDiagram, chunks, line_points

WAVE_WIDTH = 0.14
"""Length of a pulse, as a share of its edge."""
STRENGTHS = ((0.0, 1.0, 0.35), (0.2, 2.0, 0.65), (0.5, 3.5, 0.95))
"""Buckets of ``|strength| / scale``: lower bound, stroke width, opacity. Every edge gets a pulse."""


class DenseWave(Animation):
    """A pulse along every edge into ``layer`` (or only those from/to neuron ``only_to`` of ``layer - 1``).

    Parameters
    ----------
    diagram : DenseNetworkDiagram
        The diagram; the pulses live in its ``pulse_slot`` while the animation plays.
    layer : int
        The edges into this layer.
    strength : array of shape (n_layer, n_layer-1)
        What each edge carries (a trace product handed in by the chapter): its size picks the
        pulse's width and opacity.
    scale : float
        The strength that gets the widest pulse.
    color : colour
        The pulses' colour (the activation's forward, the error's backwards).
    backwards : bool
        Travel from layer ``layer`` back to ``layer - 1``.
    """

    def __init__(self, diagram: DenseNetworkDiagram, layer: int, strength, scale: float, color,
                 backwards: bool = False, only_to: int | None = None, **kwargs):
        strength = np.asarray(strength, dtype=float)
        j, k = np.indices(strength.shape)
        j, k, values = j.ravel(), k.ravel(), strength.ravel()
        if only_to is not None:
            keep = k == only_to
            j, k, values = j[keep], k[keep], values[keep]
        starts, ends = diagram.edge_ends(layer, j, k)
        if backwards:
            starts, ends = ends, starts
        share = np.abs(values) / scale if scale > 0 else np.zeros_like(values)
        self.parts: list[tuple[VMobject, np.ndarray, np.ndarray]] = []
        self.bands: list[tuple[VMobject, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        pulses = VGroup()
        if diagram.layers[layer - 1] > MAX_NEURONS_PER_LAYER and only_to is None:
            self._bands(diagram, layer, starts, ends, share, color, pulses)
        else:
            self._pulses(diagram, layer, starts, ends, share, color, pulses)
        every = np.concatenate([starts, ends])[:, :2]
        self.box = np.array([every.min(axis=0), every.max(axis=0)])
        self.slot = diagram.pulse_slot
        self.slot.add(pulses)
        super().__init__(pulses, **kwargs)
        self.interpolate_mobject(0.0)

    def _pulses(self, diagram, layer: int, starts, ends, share, color, pulses: VGroup) -> None:
        """One stroked segment per edge, merged into chunks by strength bucket."""
        thin = float(np.clip((16 / diagram.layers[layer - 1]) ** 0.5, 0.25, 1.0))  # crowded: fainter
        level = np.searchsorted([b[0] for b in STRENGTHS], share, side="right") - 1
        for lv, (_, width, opacity) in enumerate(STRENGTHS):
            for part in chunks(np.flatnonzero(level == lv), CHUNK):
                mob = VMobject().set_stroke(color, width=width, opacity=opacity * thin).set_fill(opacity=0)
                self.parts.append((mob, starts[part], ends[part] - starts[part]))
                pulses.add(mob)

    def _bands(self, diagram, layer: int, starts, ends, share, color, pulses: VGroup) -> None:
        """The pulses of an image's edges, a row of pixels at a time, merged into their envelope.

        The edges from one row of the input column into one neuron start on a vertical segment
        and end at one point, so their pulses at one share of their length lie side by side on a
        line: the quad between the first and the last pulse covers exactly the row's pulses.
        Drawing 16 x 28 filled quads instead of 12,544 stroked segments keeps a frame cheap.
        """
        n_in, row = diagram.layers[layer - 1], diagram.side
        level = []
        for j in range(diagram.layers[layer]):
            for first in range(0, n_in, row):
                top, bottom = j * n_in + first, j * n_in + min(first + row, n_in) - 1
                level.append((j, top, bottom, float(share[top:bottom + 1].mean())))
        bounds = [b[0] for b in STRENGTHS]
        for lv, (_, _, opacity) in enumerate(STRENGTHS):
            for j in range(diagram.layers[layer]):
                rows = [(t, b) for jj, t, b, v in level
                        if jj == j and np.searchsorted(bounds, v, side="right") - 1 == lv]
                if not rows:
                    continue
                top, bottom = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
                mob = VMobject().set_fill(color, opacity=0.5 * opacity).set_stroke(width=0, opacity=0)
                self.bands.append((mob, starts[top], ends[top] - starts[top], starts[bottom],
                                   ends[bottom] - starts[bottom]))
                pulses.add(mob)

    def create_starting_mobject(self) -> Mobject:
        """Nothing to copy: every frame is computed from the edge ends."""
        return Mobject()

    def reach_boxes(self) -> list[np.ndarray]:
        """Where the pulses may draw: the box of the layer's edges (for ``moving_leaves``)."""
        return [self.box]

    def interpolate_mobject(self, alpha: float) -> None:
        """Every pulse at the same share of its edge: head ``t (1 + w)``, tail ``w`` behind."""
        head = self.rate_func(alpha) * (1 + WAVE_WIDTH)
        tail, head = max(0.0, head - WAVE_WIDTH), min(1.0, head)
        for mob, start, delta in self.parts:
            if head <= tail:  # not started, or passed: nothing on the edges
                mob.clear_points()
            else:
                mob.set_points(line_points(start + delta * tail, start + delta * head))
        for mob, s_top, d_top, s_bottom, d_bottom in self.bands:
            if head <= tail:
                mob.clear_points()
                continue
            corners = [s_top + d_top * tail, s_top + d_top * head, s_bottom + d_bottom * head,
                       s_bottom + d_bottom * tail]
            sides = [line_points(a, b).reshape(-1, 4, 3) for a, b in zip(corners, corners[1:] + corners[:1])]
            mob.set_points(np.concatenate(sides, axis=1).reshape(-1, 3))

    def clean_up_from_scene(self, scene) -> None:
        """The pulses leave the diagram when the wave has passed."""
        super().clean_up_from_scene(scene)
        self.slot.remove(self.mobject)
