"""``Appear`` and ``Vanish``: fades that change opacity in place (the chapters' FadeIn and FadeOut).

Manim's ``FadeIn``/``FadeOut`` are Transforms: each deep-copies its mobject twice and aligns the
copies, which for an equation panel of a few hundred glyph paths costs a large share of a
chapter's render time. These scale the alpha channel of every point's fill and stroke colour
of the mobject's family instead; nothing is copied, and the look at either end is exactly the
mobject's own. While a fade runs, :class:`scenes.camera.FadeCamera` draws its family once as a
picture and blends it at the fade's opacity. Use Manim's fades where the mobject also moves or
grows (``shift``, ``scale``).
"""

from __future__ import annotations

from manim import Animation, Mobject, VMobject

from scenes import camera


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
        self.state = camera.FadeState(self.alphas)
        camera.register(self.state)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        """Every alpha times the share of the way (``rate_func(alpha)``, reversed for a fade out)."""
        share = self.rate_func(alpha)
        share = share if self.appear else 1.0 - share
        self.state.share = share
        for member, fill, stroke in self.alphas:
            camera.set_alphas(member, fill * share, stroke * share)

    def clean_up_from_scene(self, scene) -> None:
        """Leave the mobject with its own opacities (a faded-out mobject may be shown again)."""
        super().clean_up_from_scene(scene)
        self.interpolate_mobject(1.0 if self.appear else 0.0)
        camera.unregister(self.state)


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

