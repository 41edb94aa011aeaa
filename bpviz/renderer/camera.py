"""``FadeCamera``: a fading mobject is drawn once as a picture, then blended frame by frame.

Most of what a chapter redraws per frame is text fading in or out (an equation panel of a few
hundred glyph paths, value labels): about three quarters of the paths drawn in ``backward`` of
``digits``. A fade changes nothing but the opacity, so each frame of it is the same picture at
another alpha. :class:`~scenes.animations.fade.Appear` and ``Vanish`` register the family they
fade in the film's fade registry (:mod:`scenes.animations.fade`), which this camera reads; when
the camera meets a run of those leaves in its draw list, it draws them once, at their own
opacity, into a picture the size of their bounding box, and from then on paints that picture
with the fade's current share (one blend instead of a path per glyph). The run keeps its place
in the draw order, so what lies above or below it stays so. If a leaf of the run moves or
changes colour during the fade (another animation acting on it), the picture is redrawn; after a
few redraws the camera gives up on that fade and draws its paths as Manim does.

Both classes override methods of Manim's and read some of its camera's internals (the Cairo
contexts it keeps by array ``id``); :data:`bpviz.renderer.manim_patches.MANIM_MEMBERS` lists them
and its test fails when a Manim upgrade changes one.
"""

from __future__ import annotations

import hashlib

import cairo
import numpy as np
from manim import Camera, VMobject
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.iterables import list_update

from scenes.animations.fade import FadeState, any_fading, fade_of, set_alphas

MAX_REDRAWS = 2
"""Pictures redrawn for one fade before its paths are drawn one by one again."""


def _signature(leaves: list[VMobject]) -> tuple:
    """Cheap marks of where the leaves are and what colour (not opacity) they have."""
    marks = []
    for leaf in leaves:
        points, fill, stroke = leaf.points, leaf.fill_rgbas, leaf.stroke_rgbas
        marks.append((len(points), *points[0, :2], *points[-1, :2], *fill[0, :3], *stroke[0, :3],
                      leaf.stroke_width))
    return tuple(marks)


class FadeCamera(Camera):
    """Manim's Cairo camera, drawing each fading run of leaves from a picture (see the module).

    Each frame is also a new pixel array (:meth:`set_pixel_array`), so :class:`FrameRenderer`
    can hand it to the encoder without a copy.
    """

    def set_pixel_array(self, pixel_array, convert_from_floats: bool = False) -> None:
        """Start a frame from ``pixel_array`` (the background) in a new array, never in place.

        Manim copies the background into the array of the last frame, which the renderer must
        then copy again before queueing that frame for the encoder thread: at 1080p two 8 MB
        copies a frame. Here the old array is left to the encoder, and its Cairo context dropped
        (Manim keeps contexts by the array's ``id``, which a later array may reuse).
        """
        converted = (self.convert_pixel_array(pixel_array) if convert_from_floats
                     else np.asarray(pixel_array))
        old = getattr(self, "pixel_array", None)
        if old is None or old.shape != converted.shape:
            super().set_pixel_array(pixel_array, convert_from_floats)
            return
        self.pixel_array_to_cairo_context.pop(id(old), None)
        frame = np.empty_like(old)
        np.copyto(frame, converted, casting="unsafe")
        self.pixel_array = frame

    def display_multiple_non_background_colored_vmobjects(self, vmobjects, pixel_array) -> None:
        """Draw ``vmobjects`` in order; a run of leaves of one fade is blended from its picture."""
        ctx = self.get_cairo_context(pixel_array)
        leaves = list(vmobjects)
        i = 0
        while i < len(leaves):
            state = fade_of(leaves[i]) if any_fading() else None
            if state is None or state.redraws > MAX_REDRAWS:
                self.display_vectorized(leaves[i], ctx)
                i += 1
                continue
            j = i + 1
            while j < len(leaves) and fade_of(leaves[j]) is state:
                j += 1
            self._blend_run(ctx, state, leaves[i:j])
            i = j

    def _blend_run(self, ctx: cairo.Context, state: FadeState, run: list[VMobject]) -> None:
        """Paint the picture of ``run`` at the fade's share (drawn first if new or stale)."""
        key = tuple(id(leaf) for leaf in run)
        signature = _signature(run)
        picture = state.pictures.get(key)
        if picture is None or picture[0] != signature:
            if picture is not None:
                state.redraws += 1
                if state.redraws > MAX_REDRAWS:
                    for leaf in run:
                        self.display_vectorized(leaf, ctx)
                    return
            picture = (signature, *self._picture(ctx, state, run))
            state.pictures[key] = picture
        _sig, surface, x0, y0 = picture
        if surface is None or state.share <= 0:
            return
        ctx.save()
        ctx.identity_matrix()
        ctx.set_source_surface(surface, x0, y0)
        ctx.paint_with_alpha(min(state.share, 1.0))
        ctx.restore()

    def _picture(self, ctx: cairo.Context, state: FadeState, run: list[VMobject]) -> tuple:
        """``run`` drawn at its own opacity into a surface over its bounding box, and its corner."""
        points = np.vstack([leaf.points[:, :2] for leaf in run])
        width = max(max(leaf.get_stroke_width(), leaf.get_stroke_width(background=True))
                    for leaf in run)
        corners = [ctx.user_to_device(float(x), float(y))
                   for x in (points[:, 0].min(), points[:, 0].max())
                   for y in (points[:, 1].min(), points[:, 1].max())]
        pad = width * self.cairo_line_width_multiple * self.pixel_width / self.frame_width + 4
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        x0 = max(int(np.floor(min(xs) - pad)), 0)
        y0 = max(int(np.floor(min(ys) - pad)), 0)
        x1 = min(int(np.ceil(max(xs) + pad)), self.pixel_width)
        y1 = min(int(np.ceil(max(ys) + pad)), self.pixel_height)
        if x1 <= x0 or y1 <= y0:
            return None, 0, 0
        surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, x1 - x0, y1 - y0)
        local = cairo.Context(surface)
        matrix = ctx.get_matrix()
        local.set_matrix(cairo.Matrix(matrix.xx, matrix.yx, matrix.xy, matrix.yy,
                                      matrix.x0 - x0, matrix.y0 - y0))
        for leaf in run:
            own = state.own_alphas(leaf)
            now = (leaf.fill_rgbas[:, 3].copy(), leaf.stroke_rgbas[:, 3].copy())
            set_alphas(leaf, *own)
            try:
                self.display_vectorized(leaf, local)
            finally:
                set_alphas(leaf, *now)
        surface.flush()
        return surface, x0, y0


class FrameRenderer(CairoRenderer):
    """Manim's Cairo renderer; with a :class:`FadeCamera` it queues each frame without a copy.

    A :class:`FadeCamera` starts every frame in a new array, so the array of a finished frame is
    never drawn over and can go to the encoder as it is. Any other camera draws in place, and
    gets Manim's copy.
    """

    _in_play = False

    def play(self, scene, *args, **kwargs) -> None:
        """Manim's ``play``; while it plays a skipped animation, :meth:`update_frame` draws nothing."""
        self._in_play = True
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self._in_play = False

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True,
                     **kwargs) -> None:
        """Draw the frame, except inside a skipped ``play`` (no frame of it is written).

        With ``skip_animations`` (``bpviz frames``, the look-ahead, timed beats) Manim still draws
        every play twice (its static image and its last frame), which nothing reads: a still is
        drawn afresh after the play by the scene (``ChapterScene.end_beat``). At 1080p those
        draws were about a third of the time of ``frames``.
        """
        if self._in_play and self.skip_animations:
            return
        if self.defer_stills and self.skip_animations:
            self._pending = (scene, mobjects, include_submobjects, ignore_skipping, kwargs)
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)

    defer_stills = False
    """With ``skip_animations``: a frame asked for outside a play (a still) is drawn only when
    :meth:`get_frame` reads it, so a still kept in the stills cache (:meth:`still_key`) is never drawn."""
    _pending = None

    def still_key(self, salt: str) -> str | None:
        """A hash of what the deferred frame would show, or ``None`` when it cannot be told.

        It hashes the camera's picture size, frame and background and every leaf in the order the
        camera draws them (points, fill, stroke and background-stroke colours, widths, sheen,
        joints and caps: all :meth:`manim.camera.camera.Camera.display_vectorized` reads), with
        ``salt`` (the still's format and the code version). ``None`` when no frame is deferred, a
        fade is running (its opacity lives in the fade registry) or a leaf is no VMobject.
        """
        if self._pending is None or any_fading():
            return None
        scene, mobjects, include_submobjects, _ignore, _kwargs = self._pending
        if not mobjects:
            mobjects = list_update(scene.mobjects, scene.foreground_mobjects)
        camera = self.camera
        digest = hashlib.sha256(salt.encode())
        digest.update(repr((camera.pixel_width, camera.pixel_height, camera.frame_width,
                            camera.frame_height, np.asarray(camera.frame_center).tolist(),
                            str(camera.background_color), camera.background_opacity,
                            camera.cairo_line_width_multiple, type(camera).__name__)).encode())
        for leaf in camera.get_mobjects_to_display(mobjects, include_submobjects=include_submobjects):
            if not isinstance(leaf, VMobject):
                return None
            for name in ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
                values = np.ascontiguousarray(getattr(leaf, name), dtype=float)
                digest.update(f"{name}{values.shape}".encode())
                digest.update(values.tobytes())
            # only what the picture shows: a leaf parsed from its SVG has widths 0 where one read
            # from the shape cache (bpviz.cache.svg_shapes) has 0.0, and a sheen direction of its
            # own where it has no sheen; the same picture must have the same key
            sheen = _plain(leaf.sheen_factor)
            digest.update(repr((_plain(leaf.stroke_width), _plain(leaf.background_stroke_width), sheen,
                                np.asarray(leaf.sheen_direction, dtype=float).tolist() if sheen else None,
                                str(leaf.joint_type), str(getattr(leaf, "cap_style", None)))).encode())
        return digest.hexdigest()

    def get_frame(self) -> np.ndarray:
        """The current frame (the camera's own array with a :class:`FadeCamera`, else a copy)."""
        if self._pending is not None:
            scene, mobjects, include_submobjects, ignore_skipping, kwargs = self._pending
            self._pending = None
            super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)
        if isinstance(self.camera, FadeCamera):
            return self.camera.pixel_array
        return super().get_frame()


def _plain(value):
    """``value`` as a float when it is a number (``0`` and ``0.0`` alike), else its ``repr``."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)
