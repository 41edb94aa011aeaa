"""Chapter 7, ``training``, second part: the decision map of a network with two inputs, epoch after epoch.

As TensorFlow Playground shows it: the colour at every point of the input plane ``(x1, x2)`` is
the network's output there (``backprop_core.decision``), the training samples are dots coloured
by their target on top, and the 0.5 contour is where the colour changes sign. The map follows
the keyframes of the loss curve (:func:`.common.keyframe_epochs`) and ends on the trained one.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, Dot, MoveAlongPath, Rectangle, Square, Text, VGroup

from backprop_core.decision import decision_maps, has_plane

from ... import style
from ...animations.fade import Appear
from ...layout import Region
from ...mobjects.heat_map import LEVELS, Blend, HeatMap, level_colors
from ..pieces import swap, value_label
from .common import EpochPart, keyframe_epochs

AXIS_ROOM = 0.75
"""Room kept below and left of the map for the tick values and the axis names."""


class BoundaryPart(EpochPart):
    """The output over the input plane behind the samples, keyframe by keyframe."""

    def run(self) -> None:
        """Table of contents (nothing unless the network has two inputs and one output)."""
        if not has_plane(self.story.trace):
            return
        self.clear()
        self.records = self.story.trace.epochs
        self.shown = keyframe_epochs(len(self.records))
        self.plane, self.maps = decision_maps(self.story.trace, self.shown)
        self.show_plane()
        self.evolve()

    def show_plane(self) -> None:
        """Epoch 0: the map of the initial weights, the samples on it, legend, loss and curve."""
        scene, first = self.scene, self.records[0]
        self.beat("boundary", samples=self._samples, say={"loss": self.story.fmt(first.loss)})
        self.square = self._square()
        self.holder = VGroup(HeatMap(self.maps[0], self.square, self.theme))
        frame = Rectangle(width=self.square.width, height=self.square.height, color=self.theme.muted,
                          stroke_width=2).move_to(self.square.center)
        self.dots = self._dots()
        self.axes = self._axes()
        self.equation = self._legend()
        self.loss_label = self._loss_label(0)
        self.plot = self._plot()
        self.plot.add_segment(self.plot.get_segment(0, self.records[-1].epoch))
        status = self._status(0)
        scene.add(self.holder)
        scene.play(Appear(self.holder), Appear(frame), Appear(self.dots), Appear(self.axes),
                   Appear(self.equation), Appear(self.loss_label), Appear(self.plot),
                   swap(scene.status, status), run_time=self.t(style.MOVE_TIME))
        scene.status = self.status = status

    def evolve(self) -> None:
        """Keyframe by keyframe the map of that epoch's weights blends in; loss and status follow."""
        scene, plot = self.scene, self.plot
        last = self.records[-1]
        self.beat("boundary_train", epochs=last.epoch,
                  say={"loss": self.story.fmt(last.loss), "first": self.story.fmt(self.records[0].loss)})
        for pos, (start, end) in enumerate(zip(self.shown, self.shown[1:]), start=1):
            old = self.holder.submobjects[-1]
            new = HeatMap(self.maps[pos], self.square, self.theme)
            self.holder.add(new)
            loss_label, status = self._loss_label(end), self._status(end)
            path = plot.get_segment(self.records[start].epoch, self.records[end].epoch)
            scene.play(Blend(self.holder, old, new), MoveAlongPath(plot.marker, path),
                       swap(self.loss_label, loss_label), swap(self.status, status),
                       run_time=self.t(style.MOVE_TIME))
            self.loss_label = loss_label
            scene.status = self.status = status

    # -- pieces --------------------------------------------------------------------------------
    def _square(self) -> Region:
        """Where the map goes: the largest square in the diagram region, room left for the axes."""
        region = self.regions.diagram
        side = min(region.width - AXIS_ROOM - 0.3, region.height - AXIS_ROOM - 0.1)
        left = region.left + AXIS_ROOM + (region.width - AXIS_ROOM - side) / 2
        top = region.top - 0.05
        return Region(left, left + side, top - side, top)

    def _at(self, x1: float, x2: float) -> np.ndarray:
        """The screen point of input ``(x1, x2)`` (the plane's extent fills the square)."""
        (a1, b1), (a2, b2) = self.plane.extent
        sq = self.square
        return np.array([sq.left + (x1 - a1) / (b1 - a1) * sq.width,
                         sq.bottom + (x2 - a2) / (b2 - a2) * sq.height, 0.0])

    def _dots(self) -> VGroup:
        """One dot per training sample, in its target's sign colour, ringed in the text colour."""
        data = self.story.trace.config["data"]
        dots = VGroup()
        for x, y in zip(data["inputs"], data["targets"]):
            color = self.theme.positive if y[0] >= 0.5 else self.theme.negative
            dots.add(Dot(self._at(*x), radius=0.09, color=color, stroke_color=self.theme.text,
                         stroke_width=2))
        return dots

    def _axes(self) -> VGroup:
        """The smallest and largest input on each axis (trace values) and the axis names."""
        inputs = np.asarray(self.story.trace.config["data"]["inputs"], dtype=float)
        sq, group = self.square, VGroup()
        for axis in (0, 1):
            for value in sorted({float(inputs[:, axis].min()), float(inputs[:, axis].max())}):
                label = value_label(self, value, "muted", ("input", axis), small=True)
                spot = self._at(value, self.plane.extent[1][0]) if axis == 0 else self._at(
                    self.plane.extent[0][0], value)
                label.next_to(spot, DOWN if axis == 0 else LEFT, buff=0.1)
                group.add(label)
        names = [Text(self.tr(f"training.plane_x{i}"), font=style.FONT, font_size=style.LABEL_SIZE,
                      color=self.theme.text) for i in (1, 2)]
        names[0].next_to([sq.center[0], sq.bottom, 0], DOWN, buff=0.4)
        names[1].next_to([sq.left, sq.center[1], 0], LEFT, buff=0.4 + max(
            (m.width for m in group if m.get_center()[0] < sq.left), default=0))
        return group.add(*names)

    def _legend(self) -> VGroup:
        """Heading, the two colour swatches and what they mean, at the panel's top."""
        panel, colors = self.regions.panel, level_colors(self.theme)
        heading = Text(self.tr("training.plane_heading"), font=style.FONT, font_size=style.CAPTION_SIZE,
                       color=self.theme.text)
        rows = [heading]
        for key, color, dot in (("plane_one", colors[LEVELS - 1], self.theme.positive),
                                ("plane_zero", colors[0], self.theme.negative)):
            swatch = Square(0.3, fill_color=color, fill_opacity=1, stroke_width=0)
            sample = Dot(radius=0.09, color=dot, stroke_color=self.theme.text, stroke_width=2).move_to(swatch)
            text = Text(self.tr(f"training.{key}"), font=style.FONT, font_size=style.STATUS_SIZE,
                        color=self.theme.text)
            rows.append(VGroup(VGroup(swatch, sample), text).arrange(RIGHT, buff=0.2))
        group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        if group.width > panel.width:
            group.scale_to_fit_width(panel.width)
        return group.move_to([panel.left, panel.top, 0], aligned_edge=UL)

    def _loss_label(self, index: int):
        """``epoch e:  C = value`` under the legend."""
        return super()._loss_label(index).align_to(self.equation, LEFT)
