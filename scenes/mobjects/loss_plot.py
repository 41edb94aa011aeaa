"""``LossPlot``: the mean loss of every epoch as a curve that grows, with one moving marker."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, UP, Axes, Dot, Text, VGroup, VMobject

from .. import style
from ..layout import Region
from ..themes import Theme
from .value_label import ValueLabel

MAX_POINTS = 600
"""The curve over the whole run has at most about this many corners (long runs are thinned)."""


class LossPlot(VGroup):
    """Axes ``epoch`` x ``loss`` with the recorded losses, drawn piece by piece.

    Nothing is computed here: the points are ``(epoch, loss)`` pairs of the trace; the axes run
    from 0 to the last epoch and from 0 to the largest recorded loss, both written at the ends
    of their axis with ``fmt`` (as :class:`ValueLabel`, so they are checked like every number).

    Parameters
    ----------
    epochs : sequence of int
        Epoch numbers, 0 (before training) first.
    losses : sequence of float
        The mean loss recorded at each of ``epochs``.
    theme : Theme
        The colours (the curve has the loss colour).
    region : Region
        Where the plot goes, tick labels and axis labels included.
    x_label, y_label : str
        The axis names (from the catalogue).
    fmt : callable
        ``value -> str``, how numbers are written (``Story.fmt``).
    rival : tuple, optional
        ``(epochs, losses, color)`` of a second run drawn on the same axes (the loss axis covers
        both); ``get_segment(..., rival=True)`` draws its pieces and ``rival_marker`` follows it.

    Examples
    --------
    >>> from scenes.layout import Region
    >>> from scenes.themes import THEMES
    >>> plot = LossPlot([0, 1, 2], [0.3, 0.2, 0.15], THEMES["dark"], Region(0, 5, -3, 0),
    ...                 "epoch", "loss", str)
    >>> len(plot.points_at), plot.get_segment(0, 2).has_points()
    (3, True)
    """

    def __init__(self, epochs: Sequence[int], losses: Sequence[float], theme: Theme, region: Region,
                 x_label: str, y_label: str, fmt: Callable[[float], str], rival=None, **kwargs):
        self.epochs = [int(e) for e in epochs]
        self.losses = [float(v) for v in losses]
        self.rival = None if rival is None else ([int(e) for e in rival[0]], [float(v) for v in rival[1]],
                                                 rival[2])
        self.theme = theme
        self.region = region
        self.fmt = fmt
        super().__init__(**kwargs)
        self._build_labels(x_label, y_label)
        self._build_axes()
        self._build_ticks()
        self.points_at = {e: self.axes.c2p(e, v) for e, v in zip(self.epochs, self.losses)}
        self.stride = max(1, -(-len(self.epochs) // MAX_POINTS))
        self.curve = VGroup()
        self.marker = Dot(self.points_at[self.epochs[0]], radius=0.07, color=theme.loss)
        self.add(self.curve, self.marker)
        if self.rival is not None:
            self.rival_points_at = {e: self.axes.c2p(e, v) for e, v in zip(*self.rival[:2])}
            self.rival_marker = Dot(self.rival_points_at[self.rival[0][0]], radius=0.07, color=self.rival[2])
            self.add(self.rival_marker)

    # -- construction --------------------------------------------------------------------------
    @property
    def y_top(self) -> float:
        """The top of the loss axis: the largest recorded loss of either run (1 when all are 0)."""
        return max(self.losses + (self.rival[1] if self.rival else [])) or 1.0

    def _build_labels(self, x_label: str, y_label: str) -> None:
        size = style.STATUS_SIZE
        self.x_label = Text(x_label, font=style.FONT, font_size=size, color=self.theme.muted)
        self.y_label = Text(y_label, font=style.FONT, font_size=size, color=self.theme.loss)
        self.y_label.move_to([self.region.left, self.region.top, 0], aligned_edge=UP + LEFT)
        self.add(self.x_label, self.y_label)

    def _build_axes(self) -> None:
        size = style.SMALL_VALUE_SIZE
        y_text = Text(self.fmt(self.y_top), font=style.FONT, font_size=size)
        left = self.region.left + y_text.width + 0.15
        top = self.y_label.get_bottom()[1] - 0.2
        bottom = self.region.bottom + max(self.x_label.height, y_text.height) + 0.27
        last = max(self.epochs[-1], 1)
        end = Text(str(self.epochs[-1]), font=style.FONT, font_size=size)
        self.axes = Axes(x_range=[0, last, last], y_range=[0, self.y_top, self.y_top],
                         x_length=self.region.right - left - end.width / 2 - 0.05, y_length=top - bottom,
                         tips=False, axis_config={"color": self.theme.muted, "stroke_width": 2,
                                                  "include_ticks": False})
        self.axes.move_to([left, bottom, 0], aligned_edge=DOWN + LEFT)
        self.add(self.axes)
        self.x_label.next_to(self.axes.x_axis, DOWN, buff=0.22)

    def _build_ticks(self) -> None:
        """``0`` at the origin; the last epoch and the largest loss, trace values, at the axis ends."""
        size, axes, theme = style.SMALL_VALUE_SIZE, self.axes, self.theme
        last, top = self.epochs[-1], self.y_top
        self.x_end = ValueLabel(last, self.fmt(last), "muted", theme, size, key=("epoch", last))
        self.y_end = ValueLabel(top, self.fmt(top), "muted", theme, size, key=("max_loss",))
        self.ticks = VGroup(
            Text("0", font=style.FONT, font_size=size, color=theme.muted).next_to(axes.c2p(0, 0), DOWN, 0.22),
            self.x_end.next_to(axes.c2p(max(last, 1), 0), DOWN, 0.22 - 0.04),
            self.y_end.next_to(axes.c2p(0, self.y_top), LEFT, 0.1 - 0.04),
        )
        self.add(self.ticks)

    # -- the curve -----------------------------------------------------------------------------
    def get_point(self, epoch: int) -> np.ndarray:
        """Where ``(epoch, loss of epoch)`` is on screen."""
        return self.points_at[epoch]

    def get_segment(self, start: int, end: int, rival: bool = False) -> VMobject:
        """A new piece of the curve (of the rival run's) from epoch ``start`` to ``end``.

        Recorded epochs in between are its corners; on long runs only every ``stride``-th.
        A rival run that stopped early ends at its last recorded epoch.
        """
        epochs, at = (self.rival[0], self.rival_points_at) if rival else (self.epochs, self.points_at)
        end = max((e for e in epochs if e <= end), default=epochs[0])
        start = min(start, end)
        inside = [e for i, e in enumerate(epochs) if start < e < end and i % self.stride == 0]
        points = [at[e] for e in (start, *inside, end)]
        segment = VMobject(color=self.rival[2] if rival else self.theme.loss, stroke_width=3)
        segment.set_points_as_corners(points)
        return segment

    def add_segment(self, segment: VMobject) -> LossPlot:
        """Keep ``segment`` as part of the curve."""
        self.curve.add(segment)
        return self
