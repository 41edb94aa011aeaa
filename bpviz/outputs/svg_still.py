"""A vector still: the settled frame of a scene drawn to an SVG file instead of pixels.

Manim's Cairo camera draws every VMobject (text and typeset equations included: they are
paths) with a Cairo context on an image surface. :class:`SVGCamera` is that camera with the
context on a ``cairo.SVGSurface``: same transformation, same paths, fills and strokes (Manim's
own ``set_cairo_context_path``, ``apply_fill`` and ``apply_stroke``), so the SVG shows what the
PNG shows, as editable paths, with the picture size as its ``viewBox``.
"""

from __future__ import annotations

import itertools as it
from pathlib import Path

import cairo
import numpy as np
from manim import Camera, ManimColor
from manim.utils.iterables import list_update


class SVGCamera(Camera):
    """A :class:`manim.Camera` that draws into one Cairo context given to it (an SVG surface).

    Parameters
    ----------
    ctx : cairo.Context
        Where to draw; its matrix is set here to map Manim units to the picture's pixels.
    **kwargs
        Passed to :class:`manim.Camera` (pixel and frame size: the scene camera's).
    """

    def __init__(self, ctx: cairo.Context, **kwargs):
        self.ctx = ctx
        super().__init__(**kwargs)
        pw, ph, fw, fh, fc = (self.pixel_width, self.pixel_height, self.frame_width, self.frame_height,
                              self.frame_center)
        ctx.set_matrix(cairo.Matrix(pw / fw, 0, 0, -(ph / fh), pw / 2 - fc[0] * pw / fw,
                                    ph / 2 + fc[1] * ph / fh))  # as Camera.get_cairo_context

    def get_cairo_context(self, pixel_array) -> cairo.Context:
        """The SVG context, whatever pixel array Manim draws to."""
        return self.ctx

    def set_cairo_context_color(self, ctx: cairo.Context, rgbas, vmobject) -> SVGCamera:
        """Manim's colouring in plain RGB order (its image surface stores BGRA, an SVG does not)."""
        if len(rgbas) == 1:
            ctx.set_source_rgba(*rgbas[0][:3], rgbas[0][3])
            return self
        points = self.transform_points_pre_display(vmobject, vmobject.get_gradient_start_and_end_points())
        pattern = cairo.LinearGradient(*it.chain(*(point[:2] for point in points)))
        for rgba, offset in zip(rgbas, np.linspace(0, 1, len(rgbas)), strict=True):
            pattern.add_color_stop_rgba(offset, *rgba[:3], rgba[3])
        ctx.set_source(pattern)
        return self

    def paint_background(self, color, opacity: float) -> None:
        """Fill the whole picture with ``color`` at ``opacity`` (nothing when transparent)."""
        if opacity <= 0:
            return
        ctx = self.ctx
        ctx.save()
        ctx.identity_matrix()
        ctx.rectangle(0, 0, self.pixel_width, self.pixel_height)
        ctx.set_source_rgba(*ManimColor(color).to_rgb(), opacity)
        ctx.fill()
        ctx.restore()


def write_svg(scene, path: Path) -> None:
    """Draw what ``scene`` shows now (background and every mobject, in order) to the SVG ``path``."""
    camera = scene.renderer.camera
    size = dict(pixel_width=camera.pixel_width, pixel_height=camera.pixel_height,
                frame_width=camera.frame_width, frame_height=camera.frame_height,
                frame_center=camera.frame_center, use_z_index=camera.use_z_index,
                cairo_line_width_multiple=camera.cairo_line_width_multiple)
    surface = cairo.SVGSurface(str(path), camera.pixel_width, camera.pixel_height)
    try:
        surface.set_document_unit(cairo.SVGUnit.PX)  # width="854px", not pt, to match the PNG
        svg = SVGCamera(cairo.Context(surface), **size)
        svg.paint_background(camera.background_color, camera.background_opacity)
        baked = getattr(scene, "baked_mobjects", [])  # drawn into the camera's background (dense mode)
        svg.capture_mobjects([*baked, *list_update(scene.mobjects, scene.foreground_mobjects)])
    finally:
        surface.finish()
