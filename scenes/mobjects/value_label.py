"""A number on screen that remembers which trace value it shows."""

from __future__ import annotations

import re

from manim import BackgroundRectangle, Text, VGroup

from ..style import FONT
from ..themes import Theme


class ValueLabel(VGroup):
    """A formatted trace value on a backdrop, coloured by its quantity.

    Parameters
    ----------
    value : float
        The trace field shown (kept, so tests can compare screen and trace).
    text : str
        The value as formatted for the screen (``Story.fmt``, or ``Story.fmt_fixed`` when
        ``fixed``), optionally with a prefix.
    quantity : str
        ``"activation"``, ``"z"``, ``"delta"``, ``"weight"``, ... (the colour).
    theme : Theme
        The colours.
    font_size : float
        Size of the text.
    key : tuple, optional
        Where it belongs: ``(l, j)`` for a neuron, ``(l, j, k)`` for a weight.
    fixed : bool
        Whether ``text`` is written in fixed point (a table column) rather than as ``Story.fmt``.
    places : int, optional
        The decimals ``text`` is written with when its column shares them (``Story.fmt_column``).

    Examples
    --------
    >>> from scenes.themes import THEMES
    >>> label = ValueLabel(0.5933, "0.5933", "activation", THEMES["dark"], 18, key=(1, 0))
    >>> label.value, label.text
    (0.5933, '0.5933')
    """

    def __init__(self, value: float, text: str, quantity: str, theme: Theme, font_size: float,
                 key: tuple | None = None, fixed: bool = False, places: int | None = None, **kwargs):
        self.value = float(value)
        self.fixed = fixed
        self.places = places
        self.text = text
        self.quantity = quantity
        self.key = key
        self.label = Text(text, font=FONT, font_size=font_size, color=theme.color(quantity))
        self.backdrop = BackgroundRectangle(self.label, color=theme.background, fill_opacity=0.8,
                                            buff=0.04)
        super().__init__(self.backdrop, self.label, **kwargs)

    def decimal_x(self) -> float:
        """The x of the number's decimal separator, or where it would stand (right of its units digit).

        Labels of a column are aligned on it (:func:`scenes.chapters.pieces.place_column`).
        """
        glyphs = self.text.replace(" ", "").replace("\t", "").replace("\n", "")
        match = _NUMBER_END.search(glyphs)
        if match is None or len(glyphs) != len(self.label.submobjects):
            return float(self.label.get_right()[0])
        if match.group(2):  # the separator's glyph
            return float(self.label.submobjects[match.start(2)].get_center()[0])
        return float(self.label.submobjects[match.end(1) - 1].get_right()[0])


_NUMBER_END = re.compile(r"(-?\d+)([.,])?(\d*)(e-?\d+)?$")
"""The number a label ends with: units, separator, decimals, exponent."""
