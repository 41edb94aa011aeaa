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

SHARE_SPOTS = (0.55, 0.45, 0.65, 0.35, 0.72, 0.28, 0.78)
"""Where along its edge (from the focus neuron) a share is tried, in turn."""
SHARE_SIDE_STEPS = (0.0, 1.2, -1.2, 2.0, -2.0)
"""Offsets across the edge, in label heights, tried at each spot."""
CLEARANCE = 0.06
"""Room kept between a share and any other label or ring."""


def _box(mob) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]


def _meets_disc(box, centre, radius: float) -> bool:
    x = min(max(centre[0], box[0]), box[1])
    y = min(max(centre[1], box[2]), box[3])
    return float(np.hypot(x - centre[0], y - centre[1])) < radius


def share_labels(part, diagram, layer: int, j: int, avoid=()) -> dict:
    """The shares of hidden neuron ``(layer, j)``'s error, one label per edge ``(layer + 1, m, j)``.

    Each label is the value of the engine's share equation (``Story.share_eqs``), coloured as a
    delta, keyed by its edge. It takes the first spot along its edge (:data:`SHARE_SPOTS`, then
    beside the edge, :data:`SHARE_SIDE_STEPS`) that overlaps no share placed before, no label of
    ``avoid`` and no neuron with its ring; if none is clear, the least crowded one.
    """
    story = part.story
    shares = story.share_eqs(layer, j)["shares"]
    ring = diagram.geometry.radius * style.RING_SCALE + 0.04
    rings = [(n.get_center(), ring) for n in diagram.neurons.values()]
    others = [_box(mob) for mob in avoid]
    placed: dict = {}
    for eq in shares:
        key = eq.at
        label = value_label(part, eq.value, "delta", key, small=True)
        edge = diagram.edges[key]
        direction = edge.get_unit_vector()
        normal = np.array([-direction[1], direction[0], 0.0])
        best, best_hits = None, None
        for where in SHARE_SPOTS:
            for step in SHARE_SIDE_STEPS:
                label.move_to(edge.point_from_proportion(where) + normal * step * label.height)
                box = _box(label)
                grown = (box[0] - CLEARANCE, box[1] + CLEARANCE, box[2] - CLEARANCE, box[3] + CLEARANCE)
                hits = sum(boxes_overlap(grown, other) for other in [*others, *map(_box, placed.values())])
                hits += sum(_meets_disc(box, centre, radius) for centre, radius in rings)
                if best_hits is None or hits < best_hits:
                    best, best_hits = label.get_center().copy(), hits
                if hits == 0:
                    break
            if best_hits == 0:
                break
        label.move_to(best)
        placed[key] = label
    return placed
