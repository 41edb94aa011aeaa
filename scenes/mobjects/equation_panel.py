"""Equations beside the diagram: general form, form with this beat's numbers, value.

The LaTeX comes from :mod:`backprop_core.equations`; here it is only coloured (each symbol in
the colour of its quantity, the same as in the diagram) and typeset with MathTex.
"""

from __future__ import annotations

import re

from manim import DOWN, LEFT, UL, MathTex, Text, TexTemplate, VGroup

from .. import style
from ..layout import Region
from ..themes import Theme

TEX_TEMPLATE = TexTemplate()
TEX_TEMPLATE.add_to_preamble(r"\usepackage{xcolor}")

# Symbols of each quantity, in both notations (nielsen and delta_rule).
_SUBSUP = r"(?:\^\{[^{}]*\}|_\{[^{}]*\}|\{\}\^\{[^{}]*\})*"
_ROLES = [
    ("delta", r"\\delta" + _SUBSUP),
    ("z", r"(?:z|\\mathrm\{net\})" + _SUBSUP),
    ("weight", r"(?:w|b)" + _SUBSUP),
    ("target", r"y" + _SUBSUP),
    ("activation", r"(?:a|o|x)" + _SUBSUP),
    ("loss", r"(?:C|E)" + _SUBSUP),
]
_TOKEN = re.compile("|".join(f"(?P<{role}>(?<![A-Za-z\\\\]){pattern}(?![A-Za-z]))"
                             for role, pattern in _ROLES))


def colorize(latex: str, theme: Theme) -> str:
    r"""``latex`` with every quantity symbol wrapped in ``{\color[HTML]{...} ...}``."""
    def paint(match: re.Match) -> str:
        role = match.lastgroup
        return r"{\color[HTML]{" + getattr(theme, role).lstrip("#") + "}" + match.group(0) + "}"

    return _TOKEN.sub(paint, latex)


def paint_value(latex: str, quantity: str, theme: Theme) -> str:
    r"""Colour the last ``= value`` of ``latex`` as ``quantity``."""
    head, sep, value = latex.rpartition("=")
    if not sep:
        return latex
    return head + r"= {\color[HTML]{" + getattr(theme, quantity).lstrip("#") + "}" + value + "}"


class EquationBlock(VGroup):
    """A heading, the symbolic equation and the equation with numbers, stacked and fitted.

    Parameters
    ----------
    heading : str
        What the equation says, in words (from the catalogue).
    symbolic, numbers : str
        LaTeX of the general form and of the form with this beat's numbers ``= value``.
    quantity : str
        The quantity of the value (its colour).
    theme : Theme
        The colours.
    region : Region
        The panel area; the block is scaled down to fit its width and placed at its top.
    value : float, optional
        The trace field the numbers end with (kept for tests).
    """

    def __init__(self, heading: str, symbolic: str, numbers: str, quantity: str, theme: Theme,
                 region: Region, value: float | None = None, note: str | None = None, **kwargs):
        self.value = value
        self.quantity = quantity
        self.numbers_tex = numbers
        self.heading = Text(heading, font=style.FONT, font_size=style.CAPTION_SIZE, color=theme.text)
        self.symbolic = MathTex(colorize(symbolic, theme), tex_template=TEX_TEMPLATE,
                                font_size=style.EQUATION_SIZE, color=theme.text)
        self.numbers = MathTex(paint_value(numbers, quantity, theme), tex_template=TEX_TEMPLATE,
                               font_size=style.EQUATION_SIZE, color=theme.text)
        parts = [self.heading, self.symbolic, self.numbers]
        if note:
            self.note = Text(note, font=style.FONT, font_size=style.STATUS_SIZE, color=theme.muted)
            parts.append(self.note)
        super().__init__(*parts, **kwargs)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        self.fit(region)

    def fit(self, region: Region) -> EquationBlock:
        """Scale down until it fits ``region`` and put it at the region's top left."""
        for part in self.submobjects:
            if part.width > region.width:
                part.scale_to_fit_width(region.width)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        if self.height > region.height:
            self.scale_to_fit_height(region.height)
        self.move_to([region.left, region.top, 0], aligned_edge=UL)
        return self
