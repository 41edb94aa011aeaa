"""The one place for colours, sizes and timings.

A colour per quantity (activation, pre-activation z, delta, weight, gradient, loss, target), the
same in the diagram and in the equations; sign colours that colour-blind viewers can tell apart
(blue for positive, orange for negative); a dark default theme, a light one for projectors and
a print one for handouts.

The print theme's colours are for paper: near-black text and lines, no pale grey, every colour
at least 3:1 against white. Its sign pair is Paul Tol's high-contrast blue ``#004488`` and
Okabe-Ito's vermillion ``#D55E00``: distinct for deuteranopes (simulated, Machado et al. 2009:
CIELAB distance 113) and in grey-scale (lightness L* 29 against 54), where Okabe-Ito's own
blue and vermillion are nearly the same grey (L* 46 against 54).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import ManimColor, interpolate_color


@dataclass(frozen=True)
class Theme:
    """Colours of one look. Every colour is a hex string."""

    name: str
    background: str
    text: str
    muted: str
    panel: str
    neuron_fill: str
    neuron_stroke: str
    positive: str
    negative: str
    activation: str
    z: str
    delta: str
    weight: str
    gradient: str
    loss: str
    target: str
    highlight: str
    edge_floor: float = 0.25
    """Opacity of the faintest edge (the smallest weight); print raises it so no edge vanishes."""

    def color(self, quantity: str) -> ManimColor:
        """The colour of ``quantity`` (``"activation"``, ``"z"``, ``"delta"``, ...)."""
        return ManimColor(getattr(self, quantity))


THEMES = {
    "dark": Theme(
        name="dark", background="#0F1117", text="#ECEFF4", muted="#7B8494", panel="#1A1E27",
        neuron_fill="#0F1117", neuron_stroke="#AAB2C0", positive="#4C9BE8", negative="#F28E2B",
        activation="#F5D76E", z="#C39BD3", delta="#FF6B6B", weight="#8FD3C8", gradient="#FF9FB2",
        loss="#FF6B6B", target="#7EE081", highlight="#FFFFFF",
    ),
    "light": Theme(
        name="light", background="#FFFFFF", text="#1B1F27", muted="#6B7280", panel="#F1F3F6",
        neuron_fill="#FFFFFF", neuron_stroke="#4B5563", positive="#1F6FC5", negative="#C8580A",
        activation="#8A6D00", z="#7D3C98", delta="#C0392B", weight="#0E7C6B", gradient="#B03A66",
        loss="#C0392B", target="#1E8449", highlight="#000000",
    ),
    "print": Theme(
        name="print", background="#FFFFFF", text="#111111", muted="#3A3A3A", panel="#FFFFFF",
        neuron_fill="#FFFFFF", neuron_stroke="#111111", positive="#004488", negative="#D55E00",
        activation="#8A6D00", z="#7D3C98", delta="#CC3311", weight="#007A87", gradient="#AA3377",
        loss="#CC3311", target="#005F4B", highlight="#000000", edge_floor=0.6,
    ),
}
"""Themes by name; ``[video] theme`` (or ``--theme``) picks one."""

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


def value_color(theme: Theme, value: float, scale: float) -> ManimColor:
    """Sign colour of ``value``, from the muted colour at 0 to full colour at ``|value| >= scale``."""
    t = 0.0 if scale <= 0 else float(np.clip(abs(value) / scale, 0.0, 1.0))
    end = theme.positive if value >= 0 else theme.negative
    return interpolate_color(ManimColor(theme.muted), ManimColor(end), 0.35 + 0.65 * t)


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


# -- PDF handout (scenes.slides): the settled frame of a beat above what is said over it
HANDOUT_FONT_FILE = "DejaVuSans.ttf"
"""The file of :data:`FONT` for Pillow, which looks it up in the system's font folders."""
HANDOUT_TEXT = 1 / 50
"""Text size of the handout's notes, as a share of the frame width."""
HANDOUT_MARGIN = 1 / 40
"""Margin around the handout's notes, as a share of the frame width."""
