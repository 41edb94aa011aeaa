"""Each edge's share of the blame: the labels of the ``propagate`` beat (backward chapter).

When a hidden neuron ``(l, j)`` is about to assemble its error (BP2), every neuron ``m`` of layer
``l + 1`` hands it the share ``w^{l+1}_{mj} delta^{l+1}_m`` of its own error, along their edge.
These labels stand on those edges, clear of each other, of the neurons and their rings and of the
labels already on screen; the ``assemble`` equation then sums exactly these numbers
(:meth:`~scenes.story.Story.share_eqs`: the engine computes them, the scene only places them).
"""

from __future__ import annotations

import numpy as np

from .. import style
from ..layout import boxes_overlap
from .pieces import value_label

SHARE_SPOTS = (0.72, 0.62, 0.8, 0.52, 0.42, 0.34)
"""Where along its edge (from the focus neuron) a share is tried, in turn: towards the next layer
first, where the focus neuron's edges have fanned out (the next layer's delta labels, which stand
there, make way for the shares while they are shown)."""
SHARE_SIDE_STEPS = (0.0, 0.9, -0.9, 1.6, -1.6)
"""Offsets across the edge, in label heights, tried at each spot."""
CLEARANCE = 0.05
"""Room kept between a share and any other label or ring."""


def _box(mob) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]


def _meets_disc(box, centre, radius: float) -> bool:
    x = min(max(centre[0], box[0]), box[1])
    y = min(max(centre[1], box[2]), box[3])
    return float(np.hypot(x - centre[0], y - centre[1])) < radius


def _points(ends: list, samples: int = 48) -> np.ndarray:
    """Points along each segment ``(start, end)`` of ``ends``: shape ``(segments, samples, 2)``."""
    starts = np.array([s[:2] for s, _ in ends]).reshape(-1, 1, 2)
    stops = np.array([e[:2] for _, e in ends]).reshape(-1, 1, 2)
    t = np.linspace(0.0, 1.0, samples).reshape(1, -1, 1)
    return starts + t * (stops - starts)


def _crossing(box, points: np.ndarray) -> np.ndarray:
    """For each segment sampled in ``points``, whether it passes through ``box``."""
    if not len(points):
        return np.zeros(0, dtype=bool)
    inside = ((points[..., 0] >= box[0]) & (points[..., 0] <= box[1])
              & (points[..., 1] >= box[2]) & (points[..., 1] <= box[3]))
    return inside.any(axis=1)


def _distance(point, start, end) -> float:
    """Distance from ``point`` to the segment ``start``-``end``."""
    d = end[:2] - start[:2]
    t = float(np.clip(np.dot(point[:2] - start[:2], d) / max(float(np.dot(d, d)), 1e-12), 0.0, 1.0))
    return float(np.linalg.norm(point[:2] - (start[:2] + t * d)))


def share_labels(part, diagram, layer: int, j: int, avoid=()) -> dict:
    """The shares of hidden neuron ``(layer, j)``'s error, one label per edge ``(layer + 1, m, j)``.

    Each label is the value of the engine's share equation (``Story.share_eqs``), coloured as a
    delta, keyed by its edge. It takes the first spot along its edge (:data:`SHARE_SPOTS`, then
    beside the edge, :data:`SHARE_SIDE_STEPS`) that reads as its edge's: no other edge of the
    focus neuron passes under it and its own edge is the nearest; and that overlaps no share
    placed before, no label of ``avoid`` and no neuron with its ring. If none is clear, the
    least crowded spot.
    """
    story = part.story
    shares = story.share_eqs(layer, j)["shares"]
    ring = diagram.geometry.radius * style.RING_SCALE + 0.04
    rings = [(n.get_center(), ring) for n in diagram.neurons.values()]
    others = [_box(mob) for mob in avoid]
    fan = {eq.at: (diagram.edges[eq.at].get_start(), diagram.edges[eq.at].get_end()) for eq in shares}
    fan_keys = list(fan)
    fan_points = _points(list(fan.values()))
    # the other edges into layer + 1 (their errors flow too): a share never stands where one crosses
    # its edge, unless it runs into the same neuron
    rest = [key for key in diagram.edges if key[0] == layer + 1 and key[2] != j]
    rest_points = _points([(diagram.edges[k].get_start(), diagram.edges[k].get_end()) for k in rest])
    placed: dict = {}
    for eq in shares:
        key = eq.at
        label = value_label(part, eq.value, "delta", key, small=True)
        edge = diagram.edges[key]
        direction = edge.get_unit_vector()
        normal = np.array([-direction[1], direction[0], 0.0])
        best, best_hits = None, None
        for step in SHARE_SIDE_STEPS:
            for where in SHARE_SPOTS:
                label.move_to(edge.point_from_proportion(where) + normal * step * label.height)
                box = _box(label)
                grown = (box[0] - CLEARANCE, box[1] + CLEARANCE, box[2] - CLEARANCE, box[3] + CLEARANCE)
                # what it would cover weighs most, then an edge of the fan nearer than its own,
                # then another error's edge crossing it
                covers = sum(boxes_overlap(grown, other) for other in [*others, *map(_box, placed.values())])
                covers += sum(_meets_disc(box, centre, radius) for centre, radius in rings)
                own = _distance(label.get_center(), *fan[key])
                crossed = _crossing(box, fan_points)
                misread = sum(bool(crossed[i]) or _distance(label.get_center(), *fan[other]) < own
                              for i, other in enumerate(fan_keys) if other != key)
                crossings = sum(bool(c) and other[1] != key[1]
                                for c, other in zip(_crossing(box, rest_points), rest))
                hits = 100 * covers + 10 * misread + crossings
                if best_hits is None or hits < best_hits:
                    best, best_hits = label.get_center().copy(), hits
                if hits == 0:
                    break
            if best_hits == 0:
                break
        label.move_to(best)
        placed[key] = label
    return placed
