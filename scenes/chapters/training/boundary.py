"""Chapter 7, ``training``, second part: the decision map of a network with two inputs, epoch after epoch.

As TensorFlow Playground shows it: the colour at every point of the input plane ``(x1, x2)`` is
the network's output there (``backprop_core.decision``), the training samples are dots coloured
by their target on top, and the 0.5 contour is where the colour changes sign. The map follows
the keyframes of the loss curve (:func:`.common.keyframe_epochs`) and ends on the trained one.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UL, Dot, MoveAlongPath, Rectangle, Square, Text, VGroup

from backprop_core.decision import class_maps, decision_maps, has_class_plane, has_plane

from ... import style
from ...animations.fade import Appear
from ...layout import Region
from ...mobjects.heat_map import LEVELS, Blend, ClassMap, HeatMap, level_colors
from ..pieces import swap, value_label, wrapped_text
from .common import EpochPart, keyframe_epochs

AXIS_ROOM = 0.75
"""Room kept below and left of the map for the tick values and the axis names."""


class BoundaryPart(EpochPart):
    """The output over the input plane behind the samples, keyframe by keyframe."""

    def run(self) -> None:
        """Table of contents (nothing unless the network has two inputs and one output or K classes)."""
        trace = self.story.trace
        self.by_class = not has_plane(trace) and has_class_plane(trace)
        if not (has_plane(trace) or self.by_class):
            return
        self.clear()
        self.records = trace.epochs
        self.shown = keyframe_epochs(len(self.records))
        maps = class_maps if self.by_class else decision_maps
        self.plane, self.maps = maps(trace, self.shown)
        self.suffix = "_classes" if self.by_class else ""
        self.show_plane()
        self.evolve()

    def show_plane(self) -> None:
        """Epoch 0: the map of the initial weights, the samples on it, legend, loss and curve."""
        scene, first = self.scene, self.records[0]
        self.beat("boundary" + self.suffix, samples=self._samples, classes=self.story.trace.layers[-1],
                  say={"loss": self.story.fmt(first.loss)})
        self.square = self._square()
        self.holder = VGroup(self._map(0))
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
        self.beat("boundary_train" + self.suffix, epochs=last.epoch,
                  say={"loss": self.story.fmt(last.loss), "first": self.story.fmt(self.records[0].loss)})
        for pos, (start, end) in enumerate(zip(self.shown, self.shown[1:]), start=1):
            old = self.holder.submobjects[-1]
            new = self._map(pos)
            self.holder.add(new)
            loss_label, status = self._loss_label(end), self._status(end)
            path = plot.get_segment(self.records[start].epoch, self.records[end].epoch)
            scene.play(Blend(self.holder, old, new), MoveAlongPath(plot.marker, path),
                       swap(self.loss_label, loss_label), swap(self.status, status),
                       run_time=self.t(style.MOVE_TIME))
            self.loss_label = loss_label
            scene.status = self.status = status

    # -- pieces --------------------------------------------------------------------------------
    def _map(self, pos: int):
        """The map of keyframe ``pos``: the output's heat map, or each point's class shaded by confidence."""
        if self.by_class:
            winner, confidence = self.maps[pos]
            return ClassMap(winner, confidence, self.square, self._class_colors(), self.theme.background)
        return HeatMap(self.maps[pos], self.square, self.theme)

    def _class_colors(self) -> list:
        return style.class_colors(self.theme, self.story.trace.layers[-1])

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
            if self.by_class:  # the colour of its class
                color = self._class_colors()[int(np.argmax(y))]
            else:
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
        words = self.story.input_labels or [self.tr(f"training.plane_x{i}") for i in (1, 2)]
        names = [Text(word, font=style.FONT, font_size=style.LABEL_SIZE, color=self.theme.text)
                 for word in words]
        names[0].next_to([sq.center[0], sq.bottom, 0], DOWN, buff=0.4)
        ticks = max((m.width for m in group if m.get_center()[0] < sq.left), default=0)
        if names[1].width > 0.6:  # a feature's name: written up the axis, as plots do
            names[1].rotate(np.pi / 2)
            ticks = min(ticks, 0.3)
        names[1].next_to([sq.left, sq.center[1], 0], LEFT, buff=0.4 + ticks)
        return group.add(*names)

    def _legend(self) -> VGroup:
        """Heading, the two colour swatches and what they mean, at the panel's top."""
        panel, colors = self.regions.panel, level_colors(self.theme)
        heading = Text(self.tr("training.plane_heading"), font=style.FONT, font_size=style.CAPTION_SIZE,
                       color=self.theme.text)
        rows = [heading]
        if self.by_class:
            heading = wrapped_text(self.tr("training.plane_classes_heading"), panel.width, style.STATUS_SIZE,
                                   self.theme.text)
            rows = [heading]
            keys = [(self.story.output_label(j), color, color)
                    for j, color in enumerate(self._class_colors())]
        else:
            keys = [(self.tr(f"training.{key}"), color, dot) for key, color, dot in
                    (("plane_one", colors[LEVELS - 1], self.theme.positive),
                     ("plane_zero", colors[0], self.theme.negative))]
        for words, color, dot in keys:
            swatch = Square(0.3, fill_color=color, fill_opacity=1, stroke_width=0)
            sample = Dot(radius=0.09, color=dot, stroke_color=self.theme.text, stroke_width=2).move_to(swatch)
            text = Text(words, font=style.FONT, font_size=style.STATUS_SIZE, color=self.theme.text)
            rows.append(VGroup(VGroup(swatch, sample), text).arrange(RIGHT, buff=0.2))
        group = VGroup(*rows).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        if group.width > panel.width:
            group.scale_to_fit_width(panel.width)
        return group.move_to([panel.left, panel.top, 0], aligned_edge=UL)

    def _loss_label(self, index: int):
        """``epoch e:  C = value`` under the legend."""
        return super()._loss_label(index).align_to(self.equation, LEFT)
