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

SHARE_SPOTS = (0.8, 0.72, 0.88, 0.62, 0.55, 0.45, 0.38, 0.3)
"""Where along its edge (from the focus neuron) a share is tried, in turn: towards the next layer
first, where the edges have fanned out (the next layer's delta labels, which stand there, make way
for the shares while they are shown)."""
SHARE_SIDE_STEPS = (0.0, 0.9, -0.9)
"""Offsets across the edge, in label heights, tried at each spot: on the edge, then just beside it
(further off, a label beside a steep edge would hang away from it)."""
SHARES_UP_TO = 5
"""At most this many edges of a fan carry their share; the equation writes the others as ``+ ⋯``."""
CLEARANCE = 0.05
"""Room kept between a share and any other label or ring."""
BESIDE = 0.08
"""A share's box comes at least this close to its own edge (on it, or just beside it)."""


def _box(mob) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_right()[0], mob.get_bottom()[1], mob.get_top()[1]


def _meets_disc(box, centre, radius: float) -> bool:
    x = min(max(centre[0], box[0]), box[1])
    y = min(max(centre[1], box[2]), box[3])
    return float(np.hypot(x - centre[0], y - centre[1])) < radius


def _points(ends: list, samples: int = 96) -> np.ndarray:
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


def _core(box, share: float = 0.5) -> tuple[float, float, float, float]:
    """The middle ``share`` of ``box``'s width, less a tenth of its height: where an edge is read.

    The ends of a label may cover a neighbour of a tight fan without being misread.
    """
    cx, half = (box[0] + box[1]) / 2, (box[1] - box[0]) * share / 2
    trim = (box[3] - box[2]) * 0.1
    return cx - half, cx + half, box[2] + trim, box[3] - trim


def _box_distance(box, points: np.ndarray) -> float:
    """Distance from ``box`` to the nearest of ``points`` (shape ``(n, 2)``)."""
    dx = np.maximum(np.maximum(box[0] - points[:, 0], points[:, 0] - box[1]), 0.0)
    dy = np.maximum(np.maximum(box[2] - points[:, 1], points[:, 1] - box[3]), 0.0)
    return float(np.min(np.hypot(dx, dy)))


def _distance(point, start, end) -> float:
    """Distance from ``point`` to the segment ``start``-``end``."""
    d = end[:2] - start[:2]
    t = float(np.clip(np.dot(point[:2] - start[:2], d) / max(float(np.dot(d, d)), 1e-12), 0.0, 1.0))
    return float(np.linalg.norm(point[:2] - (start[:2] + t * d)))


def share_labels(part, diagram, layer: int, j: int, avoid=()) -> dict:
    """The shares of hidden neuron ``(layer, j)``'s error, a label per edge ``(layer + 1, m, j)`` with room.

    Each label is the value of the engine's share equation (``Story.share_eqs``), coloured as a
    delta at the small value size (never shrunk), keyed by its edge. The largest shares (by
    ``|w δ|``) are placed first, each where it reads as its edge's alone: on its edge or just
    beside it (:data:`SHARE_SPOTS` along it, :data:`SHARE_SIDE_STEPS` across, its box at most
    :data:`BESIDE` from the edge), no other edge of the
    fan through its middle nor its own edge through the middle of a share placed before, its own
    edge the nearest of the fan, covering no share, no label of ``avoid`` and no neuron with its
    ring; of those spots, the one fewest other errors' edges cross. An edge with no such spot stays
    unlabelled (a tight fan labels a few edges, at most :data:`SHARES_UP_TO`; the ``assemble``
    equation writes the rest as ``+ ⋯``); the largest share is always labelled, at its least
    crowded spot if need be. Returns the labels in the order of the fan's edges.
    """
    story = part.story
    shares = story.share_eqs(layer, j)["shares"]
    ring = diagram.geometry.radius * style.RING_SCALE + 0.04
    rings = [(n.get_center(), ring) for n in diagram.neurons.values()]
    others = [_box(mob) for mob in avoid]
    fan = {eq.at: (diagram.edges[eq.at].get_start(), diagram.edges[eq.at].get_end()) for eq in shares}
    fan_keys = list(fan)
    fan_points = _points([fan[key] for key in fan_keys])
    # the other edges into layer + 1 (their errors flow too): a share rather stands where none crosses
    rest = [key for key in diagram.edges if key[0] == layer + 1 and key[2] != j]
    rest_points = _points([(diagram.edges[k].get_start(), diagram.edges[k].get_end()) for k in rest])
    placed: dict = {}

    def cost(label, key) -> tuple[int, int]:
        """``(misreadings and coverings, crossings of other errors' edges)`` of ``label`` where it stands."""
        box = _box(label)
        grown = (box[0] - CLEARANCE, box[1] + CLEARANCE, box[2] - CLEARANCE, box[3] + CLEARANCE)
        bad = sum(boxes_overlap(grown, other) for other in [*others, *map(_box, placed.values())])
        bad += sum(_meets_disc(box, centre, radius) for centre, radius in rings)
        own = _distance(label.get_center(), *fan[key])
        bad += sum(_distance(label.get_center(), *fan[other]) < own for other in fan_keys if other != key)
        bad += sum(bool(c) and other != key for c, other in zip(_crossing(_core(box), fan_points), fan_keys))
        own_points = _points([fan[key]])
        bad += sum(bool(_crossing(_core(_box(lab)), own_points)[0]) for lab in placed.values())
        bad += _box_distance(box, own_points[0]) > BESIDE
        return bad, int(sum(_crossing(_core(box), rest_points)))

    for eq in sorted(shares, key=lambda eq: -abs(eq.value)):
        key = eq.at
        label = value_label(part, eq.value, "delta", key, small=True)
        edge = diagram.edges[key]
        direction = edge.get_unit_vector()
        normal = np.array([-direction[1], direction[0], 0.0])
        best, best_cost = None, None
        for step in SHARE_SIDE_STEPS:
            for where in SHARE_SPOTS:
                label.move_to(edge.point_from_proportion(where) + normal * step * label.height)
                hits = cost(label, key)
                if best_cost is None or hits < best_cost:
                    best, best_cost = label.get_center().copy(), hits
        if best_cost[0] and placed:
            continue  # no spot reads as this edge's alone: it stays unlabelled
        label.move_to(best)
        placed[key] = label
        if len(placed) == SHARES_UP_TO:
            break
    return {key: placed[key] for key in fan_keys if key in placed}
