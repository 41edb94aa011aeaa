"""``Appear`` and ``Vanish``: fades that change opacity in place (the chapters' FadeIn and FadeOut).

Manim's ``FadeIn``/``FadeOut`` are Transforms: each deep-copies its mobject twice and aligns the
copies, which for an equation panel of a few hundred glyph paths costs a large share of a
chapter's render time. These scale the alpha channel of every point's fill and stroke colour
of the mobject's family instead; nothing is copied, and the look at either end is exactly the
mobject's own. Use Manim's fades where the mobject also moves or grows (``shift``, ``scale``).

Each running fade is registered here (:class:`FadeState`, :func:`fade_of`): a camera may read
the registry to draw a fading family once as a picture and blend it at the fade's opacity (bpviz's
renderer does, :class:`bpviz.renderer.camera.FadeCamera`); Manim's own camera ignores it and draws
the paths at their faded alphas, which gives the same film.
"""

from __future__ import annotations

import weakref

import numpy as np
from manim import Animation, Mobject, VMobject


class FadeState:
    """What the camera needs of one running fade.

    Parameters
    ----------
    alphas : list of (VMobject, ndarray, ndarray)
        Each vectorized member of the faded family with its own fill and stroke alphas.
    """

    def __init__(self, alphas: list):
        self.alphas = {id(m): (weakref.ref(m), fill, stroke) for m, fill, stroke in alphas}
        self.share = 0.0
        self.redraws = 0
        self.pictures: dict[tuple, tuple] = {}

    def own_alphas(self, leaf: VMobject) -> tuple:
        """The fill and stroke alphas ``leaf`` (a leaf of this fade) has outside the fade."""
        _ref, fill, stroke = self.alphas[id(leaf)]
        return fill, stroke


_active: dict[int, tuple[weakref.ref, FadeState]] = {}


def register(state: FadeState) -> None:
    """Let the camera draw the leaves of ``state`` as one picture while the fade runs."""
    for key, (ref, _fill, _stroke) in state.alphas.items():
        _active[key] = (ref, state)


def unregister(state: FadeState) -> None:
    """The fade is over: its leaves are drawn as paths again."""
    for key in state.alphas:
        entry = _active.get(key)
        if entry is not None and entry[1] is state:
            del _active[key]


def fade_of(leaf: VMobject) -> FadeState | None:
    """The running fade ``leaf`` belongs to, if any."""
    entry = _active.get(id(leaf))
    if entry is None or entry[0]() is not leaf:
        return None
    return entry[1]


def any_fading() -> bool:
    """Whether any fade is running."""
    return bool(_active)


def set_alphas(leaf: VMobject, fill: np.ndarray, stroke: np.ndarray) -> None:
    """Set the fill and stroke alphas of ``leaf`` (each kept as it is if its length differs)."""
    if len(leaf.fill_rgbas) == len(fill):
        leaf.fill_rgbas[:, 3] = fill
    if len(leaf.stroke_rgbas) == len(stroke):
        leaf.stroke_rgbas[:, 3] = stroke


class _Fade(Animation):
    """Opacity from 0 to the mobject's own (``appear``) or back to 0."""

    appear = True

    def __init__(self, mobject: Mobject, **kwargs):
        super().__init__(mobject, introducer=self.appear, remover=not self.appear, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        """Nothing: the opacities are read from the family in :meth:`begin`."""
        return Mobject()

    def begin(self) -> None:
        """Note the fill and stroke alphas of every vectorized member of the family."""
        self.alphas = [(m, m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy())
                       for m in self.mobject.get_family() if isinstance(m, VMobject)]
        self.state = FadeState(self.alphas)
        register(self.state)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        """Every alpha times the share of the way (``rate_func(alpha)``, reversed for a fade out)."""
        share = self.rate_func(alpha)
        share = share if self.appear else 1.0 - share
        self.state.share = share
        for member, fill, stroke in self.alphas:
            set_alphas(member, fill * share, stroke * share)

    def clean_up_from_scene(self, scene) -> None:
        """Leave the mobject with its own opacities (a faded-out mobject may be shown again)."""
        super().clean_up_from_scene(scene)
        self.interpolate_mobject(1.0 if self.appear else 0.0)
        unregister(self.state)


class Appear(_Fade):
    """The mobject appears where it is: opacity from 0 to its own.

    Examples
    --------
    >>> from manim import Circle
    >>> circle = Circle().set_fill(opacity=0.5)
    >>> fade = Appear(circle)
    >>> fade.begin(); fade.interpolate_mobject(0.5)
    >>> round(float(circle.fill_rgbas[0, 3]), 3)
    0.25
    """

    appear = True


class Vanish(_Fade):
    """The mobject vanishes where it is and leaves the scene (its own look is kept for later)."""

    appear = False

