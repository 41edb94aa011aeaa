"""Animations of the network: the signal flowing forward, the error flowing backwards, weights changing.

Every function returns an Animation (named after the event) built from trace numbers; none of
them computes anything but a style from a value.
"""

from __future__ import annotations

import numpy as np
from manim import Animation, AnimationGroup, Mobject, ShowPassingFlash, Succession, VGroup
from manim.utils.color import ManimColor

from .. import style
from ..mobjects.network_diagram import NetworkDiagram


def _flash(edge, color, width: float, backwards: bool, run_time: float) -> ShowPassingFlash:
    pulse = edge.copy().set_stroke(color=color, width=width, opacity=1.0)
    if backwards:
        pulse.reverse_points()
    return ShowPassingFlash(pulse, time_width=0.6, run_time=run_time)


def forward_pass(diagram: NetworkDiagram, layer: int, contributions: np.ndarray, scale: float,
                 run_time: float) -> AnimationGroup:
    """Pulses along every edge into ``layer``, left to right.

    ``contributions[j, k]`` is ``w^l_jk a^{l-1}_k`` of the explained sample (a trace product
    handed in by the chapter); its sign gives the colour, its size the width.
    """
    flashes = []
    for j in range(diagram.layers[layer]):
        for k in range(diagram.layers[layer - 1]):
            c = float(contributions[j, k])
            color = style.value_color(diagram.theme, c, scale)
            width = style.edge_width(c, scale) + 1.5
            flashes.append(_flash(diagram.edges[(layer, j, k)], color, width, False, run_time))
    return AnimationGroup(*flashes)


def backward_pass(diagram: NetworkDiagram, layer: int, contributions: np.ndarray, scale: float,
                  run_time: float, only_to: int | None = None) -> AnimationGroup:
    """Pulses along every edge into ``layer``, travelling BACKWARDS (right to left).

    ``contributions[j, k]`` is ``w^l_jk delta^l_j``: what neuron j of layer l sends back to
    neuron k of layer l-1. ``only_to`` limits the pulses to those arriving at neuron k.
    """
    flashes = []
    for j in range(diagram.layers[layer]):
        for k in range(diagram.layers[layer - 1]):
            if only_to is not None and k != only_to:
                continue
            c = float(contributions[j, k])
            color = style.value_color(diagram.theme, c, scale)
            width = style.edge_width(c, scale) + 1.5
            flashes.append(_flash(diagram.edges[(layer, j, k)], color, width, True, run_time))
    return AnimationGroup(*flashes)


class EdgeRestyle(Animation):
    """Every edge of a diagram moves from its current stroke to a new one (``looks``, in edge order).

    Colour, width and opacity are interpolated edge by edge in place: unlike a ``Transform`` of
    the edge group, nothing is copied or realigned, so the cost per frame is one ``set_stroke``
    per edge whatever the number of points.
    """

    def __init__(self, diagram: NetworkDiagram, looks: list[dict], **kwargs):
        self.targets = [(edge, ManimColor(look["color"]), look["width"], look["opacity"])
                        for edge, look in zip(diagram.edges.values(), looks)]
        super().__init__(diagram.edge_group, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        """Nothing: the start is read from the edges in :meth:`begin`."""
        return Mobject()  # the start is the stroke each edge has when the animation begins

    def begin(self) -> None:
        """Note each edge's stroke as it is now."""
        self.starts = [(edge.get_stroke_color(), edge.get_stroke_width(), edge.get_stroke_opacity())
                       for edge, *_ in self.targets]
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        """Each edge's stroke a share ``rate_func(alpha)`` of the way to its target."""
        t = self.rate_func(alpha)
        for (edge, color, width, opacity), (c0, w0, o0) in zip(self.targets, self.starts):
            edge.set_stroke(color=c0.interpolate(color, t), width=w0 + (width - w0) * t,
                            opacity=o0 + (opacity - o0) * t)


def weight_update(diagram: NetworkDiagram, weights_after, run_time: float) -> EdgeRestyle:
    """Every edge restyles at once from its old weight to its new one."""
    for (layer, j, k), edge in diagram.edges.items():
        edge.weight_value = float(np.asarray(weights_after[layer - 1])[j, k])
    looks = [diagram.edge_style(edge.weight_value) for edge in diagram.edges.values()]
    return EdgeRestyle(diagram, looks, run_time=run_time)


def dim_edges(diagram: NetworkDiagram, opacity: float, run_time: float) -> EdgeRestyle:
    """Every edge fades to ``opacity``, keeping its colour and width (to make room for a flow)."""
    looks = [{"color": edge.get_stroke_color(), "width": edge.get_stroke_width(), "opacity": opacity}
             for edge in diagram.edges.values()]
    return EdgeRestyle(diagram, looks, run_time=run_time)


def error_trails(diagram: NetworkDiagram, layer: int, contributions: np.ndarray, scale: float,
                 only_to: int | None = None) -> VGroup:
    """Copies of the edges into ``layer`` that point BACKWARDS, styled by the error they carry.

    ``contributions`` as in :func:`backward_pass`. ``Create(trails, lag_ratio=0)`` draws every
    trail from layer ``layer`` back to layer ``layer - 1`` (right to left) and leaves it on
    screen: where the error went, for the settled frame of a beat. ``trails.keys`` lists the
    edge key of each trail.
    """
    trails, keys = VGroup(), []
    for j in range(diagram.layers[layer]):
        for k in range(diagram.layers[layer - 1]):
            if only_to is not None and k != only_to:
                continue
            c = float(contributions[j, k])
            trail = diagram.edges[(layer, j, k)].copy().reverse_points()
            trail.set_stroke(color=style.value_color(diagram.theme, c, scale),
                             width=style.edge_width(c, scale) + 1.5, opacity=style.TRAIL_OPACITY)
            trails.add(trail)
            keys.append((layer, j, k))
    trails.keys = keys
    return trails


def forward_flash(diagram: NetworkDiagram, run_time: float) -> Succession:
    """Pulses through every layer in turn, each edge styled by the weight it now holds.

    A reminder that a new forward pass runs with the changed weights; it carries no numbers
    (the activations of that pass are not shown, only the loss the trace records).
    """
    layers = []
    for layer in range(1, len(diagram.layers)):
        flashes = []
        for j in range(diagram.layers[layer]):
            for k in range(diagram.layers[layer - 1]):
                edge = diagram.edges[(layer, j, k)]
                w = edge.weight_value
                color = style.value_color(diagram.theme, w, diagram.weight_scale)
                width = style.edge_width(w, diagram.weight_scale) + 1.5
                flashes.append(_flash(edge, color, width, False, run_time / (len(diagram.layers) - 1)))
        layers.append(AnimationGroup(*flashes))
    return Succession(*layers)
