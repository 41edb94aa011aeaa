"""Which mobjects Manim redraws on every frame of an animation, chosen by where things move.

Manim's Cairo renderer draws the mobjects that do not move once per ``play()`` (the static
image) and redraws the moving ones on every frame. It takes as moving everything from the first
animated mobject to the end of the scene's list, so restyling one edge of a diagram added early
redraws every label, panel and neuron added after it, on every frame.

:func:`moving_leaves` keeps Manim's drawing order but redraws only the animated mobjects and the
later ones that overlap the area the animations reach. What lies under them stays in the static
image and what lies above them is redrawn above them, so every frame looks as before.
"""

from __future__ import annotations

import numpy as np
from manim import Animation, AnimationGroup, Mobject, MoveAlongPath, ShowPassingFlash, Transform

from ..animations.fade import Appear, Vanish
from ..animations.flow import EdgeRestyle
from ..mobjects.heat_map import Blend

MARGIN = 0.08
"""Frame units added around every box: strokes and anti-aliasing reach past the points."""

_IN_PLACE = (Appear, Vanish, EdgeRestyle, ShowPassingFlash, Blend)
"""Animations that change how a mobject looks, never where it is."""


class Unknown(Exception):
    """An animation whose reach cannot be told: fall back to Manim's own choice."""


def _box(mob: Mobject) -> np.ndarray | None:
    """``[[xmin, ymin], [xmax, ymax]]`` of ``mob``'s family, ``None`` without points."""
    points = [m.points for m in mob.get_family() if len(m.points)]
    if not points:
        return None
    stacked = np.concatenate(points)[:, :2]
    return np.array([stacked.min(axis=0) - MARGIN, stacked.max(axis=0) + MARGIN])


def _reach(animation: Animation) -> list[np.ndarray]:
    """Boxes covering everything ``animation`` may draw on, from its start to its end."""
    if isinstance(animation, AnimationGroup):
        return [box for anim in animation.animations for box in _reach(anim)]
    mobs = [animation.mobject]
    if isinstance(animation, MoveAlongPath):
        mobs.append(animation.path)
    elif isinstance(animation, Transform):
        mobs.append(animation.target_mobject)
    elif not isinstance(animation, _IN_PLACE):
        raise Unknown(type(animation).__name__)
    return [box for box in map(_box, mobs) if box is not None]


def _animated(animations) -> set[int]:
    """Ids of every mobject an animation (or a nested one) drives."""
    ids: set[int] = set()
    for anim in animations:
        ids.update(id(m) for m in anim.mobject.get_family())
        if isinstance(anim, AnimationGroup):
            ids |= _animated(anim.animations)
    return ids


class _Boxes:
    """A growing set of boxes, tested for overlap in one vectorised step."""

    def __init__(self, boxes: list[np.ndarray]):
        self._data = np.zeros((max(16, 2 * len(boxes)), 2, 2))
        self._n = 0
        for box in boxes:
            self.add(box)

    def add(self, box: np.ndarray) -> None:
        if self._n == len(self._data):
            self._data = np.concatenate([self._data, np.zeros_like(self._data)])
        self._data[self._n] = box
        self._n += 1

    def overlaps(self, box: np.ndarray) -> bool:
        data = self._data[: self._n]
        return bool(np.any(np.all(box[0] <= data[:, 1], axis=1) & np.all(data[:, 0] <= box[1], axis=1)))


def moving_leaves(scene, animations) -> list[Mobject] | None:
    """The mobjects to redraw each frame of ``animations``, in drawing order.

    ``None`` when the choice must be Manim's own: an animation whose reach is unknown, or
    mobjects with updaters or in the foreground.
    """
    family = scene.get_mobject_family_members()
    if scene.foreground_mobjects or any(m.updaters or m.z_index for m in family):
        return None
    try:
        reach = [box for anim in animations for box in _reach(anim)]
    except Unknown:
        return None
    animated = _animated(animations)
    reach = _Boxes(reach)
    moving: list[Mobject] = []
    started = False

    def visit(mob: Mobject) -> None:
        nonlocal started
        if id(mob) in animated:
            started = True
            moving.append(mob)  # its whole family is redrawn
            return
        if not mob.submobjects:
            if started and len(mob.points):
                box = _box(mob)
                if box is not None and reach.overlaps(box):
                    moving.append(mob)
                    reach.add(box)  # what is redrawn covers what comes after it
            return
        if not started and not any(id(m) in animated for m in mob.get_family()):
            return  # wholly before the first animated mobject: static, under everything that moves
        box = _box(mob)
        if box is None or (started and not reach.overlaps(box)):
            return
        if started and len(mob.points):
            moving.append(mob)  # a mobject with points of its own is redrawn with its family
            reach.add(box)
            return
        for sub in mob.submobjects:
            visit(sub)

    for mob in scene.mobjects:
        visit(mob)
    return moving
