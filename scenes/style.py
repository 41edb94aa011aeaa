"""The one place for sizes, fonts and timings, and the mapping from values to colours.

The colours themselves are the themes' (:mod:`scenes.themes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .themes import Theme

if TYPE_CHECKING:
    from manim import ManimColor

FONT = "DejaVu Sans"
"""Font of every Text on screen (Debian: fonts-dejavu-core, which Pango brings)."""

# Sizes in Manim units (the frame is 14.22 x 8 at 16:9) and font sizes in Manim's points.
FRAME_MARGIN = 0.25
TITLE_SIZE = 30
CAPTION_SIZE = 22
STATUS_SIZE = 18
VALUE_SIZE = 18
SMALL_VALUE_SIZE = 14
LABEL_SIZE = 20
EQUATION_SIZE = 30
NEURON_RADIUS = 0.3
MIN_NEURON_RADIUS = 0.12
RING_SCALE = 1.35
"""Radius of a highlight ring around a neuron, in neuron radii."""
LABEL_GAP = 0.06
"""Room between a value label and its neuron's ring, between two labels of a column, and above a caption."""
EDGE_MIN_WIDTH = 0.6
EDGE_MAX_WIDTH = 6.0
EDGE_MIN_OPACITY = 0.25
"""Opacity of the faintest edge unless the theme says otherwise (``Theme.edge_floor``)."""
DIM_EDGE_OPACITY = 0.2
"""Opacity of the weight edges while something else (an error trail) is drawn over them."""
TRAIL_OPACITY = 0.75
"""Opacity of a trail an error leaves along an edge (``flow.error_trails``)."""
DIAGRAM_WIDTH_SHARE = 0.58
"""Share of the frame width the network diagram gets; the equation panel has the rest."""

# Timings in seconds, before the pacing factor of ``[video] pacing``.
WRITE_TIME = 0.8
MOVE_TIME = 1.2
FLOW_TIME = 1.4
HOLD_TIME = 1.0
VOICE_PAUSE = 0.5
"""Seconds of quiet after a beat's voice before the next beat starts (not scaled by pacing)."""


def value_color(theme: Theme, value: float, scale: float) -> ManimColor:
    """Sign colour of ``value``, from the muted colour at 0 to full colour at ``|value| >= scale``.

    Manim is imported here, not with the module: the sizes and the layout (:mod:`scenes.layout`)
    are read by ``bpviz frames`` before it knows whether it draws at all (kept stills need no Manim).
    """
    from manim import ManimColor, interpolate_color

    t = 0.0 if scale <= 0 else float(np.clip(abs(value) / scale, 0.0, 1.0))
    end = theme.positive if value >= 0 else theme.negative
    return interpolate_color(ManimColor(theme.muted), ManimColor(end), 0.35 + 0.65 * t)


CLASS_EXTRA_COLORS = ("#59A14F", "#B07AA1", "#EDC948", "#E15759", "#76B7B2", "#9C755F", "#FF9DA7", "#BAB0AC")
"""Colours of the classes after the theme's two sign colours (Tableau's palette, colour-blind aware)."""


def class_colors(theme: Theme, k: int) -> list[ManimColor]:
    """One colour for each of ``k`` classes: the theme's sign colours, then :data:`CLASS_EXTRA_COLORS`."""
    palette = [theme.positive, theme.negative, *CLASS_EXTRA_COLORS]
    from manim import ManimColor  # here, as in value_color: the stills cache reads style without Manim

    return [ManimColor(palette[i % len(palette)]) for i in range(k)]


def edge_width(value: float, scale: float) -> float:
    """Stroke width of an edge of weight ``value``; ``scale`` is the largest ``|w|`` of the trace."""
    t = 0.0 if scale <= 0 else float(np.clip(abs(value) / scale, 0.0, 1.0))
    return EDGE_MIN_WIDTH + (EDGE_MAX_WIDTH - EDGE_MIN_WIDTH) * t


def edge_opacity(value: float, scale: float, floor: float = EDGE_MIN_OPACITY) -> float:
    """Stroke opacity of an edge: ``floor`` for small weights, solid for the largest."""
    t = 0.0 if scale <= 0 else float(np.clip(abs(value) / scale, 0.0, 1.0))
    return floor + (1.0 - floor) * t


def fill_opacity(value: float, scale: float) -> float:
    """Fill opacity of a neuron with activation ``value``: how "lit" it is (``scale``: the largest)."""
    t = 0.0 if scale <= 0 else float(np.clip(abs(value) / scale, 0.0, 1.0))
    return 0.12 + 0.78 * t


# -- PDF handout (bpviz.outputs.slides): the settled frame of a beat above what is said over it
HANDOUT_FONT_FILE = "DejaVuSans.ttf"
"""The file of :data:`FONT` for Pillow, which looks it up in the system's font folders."""
HANDOUT_TEXT = 1 / 50
"""Text size of the handout's notes, as a share of the frame width."""
HANDOUT_MARGIN = 1 / 40
"""Margin around the handout's notes, as a share of the frame width."""
