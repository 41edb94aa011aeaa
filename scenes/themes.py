"""The looks of a film: a dark default theme, a light one for projectors, a print one for handouts.

Every colour is a hex string, so this module needs no Manim (the command line lists the theme
names from here). A colour per quantity (activation, pre-activation z, delta, weight, gradient,
loss, target), the same in the diagram and in the equations; sign colours that colour-blind
viewers can tell apart (blue for positive, orange for negative).

The print theme's colours are for paper: near-black text and lines, no pale grey, every colour
at least 3:1 against white. Its sign pair is Paul Tol's high-contrast blue ``#004488`` and
Okabe-Ito's vermillion ``#D55E00``: distinct for deuteranopes (simulated, Machado et al. 2009:
CIELAB distance 113) and in grey-scale (lightness L* 29 against 54), where Okabe-Ito's own
blue and vermillion are nearly the same grey (L* 46 against 54).
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def color(self, quantity: str):
        """The colour of ``quantity`` (``"activation"``, ``"z"``, ``"delta"``, ...) as a ``ManimColor``."""
        from manim import ManimColor

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
