"""Frames encoded without a copy, and held frames from one converted picture.

Every frame is handed to PyAV as a view of Manim's RGBA array instead of a copy of it. While
nothing moves (a ``wait`` that holds a beat on screen) Manim hands its segment encoder
one frame with ``repeat = n``, and the encoder builds ``n`` video frames from the RGBA array,
each converted again to the stream's pixel format (``yuv420p``): at 1080p that conversion is
most of what a held frame costs. :class:`HeldFrameEncoder` converts the held picture once and
sends the same converted frame ``n`` times with consecutive timestamps; the encoder keeps its
own reference to each frame it receives, so the bytes written are those of Manim's loop.
:class:`HeldFrameWriter` is Manim's file writer with this encoder; bpviz hands it to every chapter
scene it renders (:func:`bpviz.production.session.chapter`).

The encoder repeats the loop of Manim's ``write_frame`` and drives its private members
(``_validate_frame``, ``_next_pts``, ``_stream``, ``_container``, ``_operation_error``); the
writer overrides the private ``_create_segment_encoder``. They are listed in
:data:`bpviz.renderer.manim_patches.MANIM_MEMBERS`, whose test fails when a Manim upgrade changes one.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder


class HeldFrameEncoder(VideoSegmentEncoder):
    """Manim's segment encoder; a frame is read without a copy and a held one converted once."""

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        """Encode ``pixels`` ``repeat`` times at consecutive timestamps.

        The frame is converted to the stream's pixel format straight from ``pixels``
        (``from_numpy_buffer``: without the copy of the RGBA array that Manim's ``from_ndarray``
        makes for every frame); the encoder receives only the converted frame (every stream
        bpviz writes is YUV, with or without alpha), so the caller may reuse the array once
        this returns.

        Parameters
        ----------
        pixels : numpy.ndarray
            The frame, ``(height, width, 4)`` RGBA ``uint8``, C-contiguous (checked as Manim does).
        repeat : int
            How many consecutive video frames show it.
        """
        self._validate_frame(pixels, repeat)
        rate = self.spec.frame_rate
        time_base = Fraction(rate.denominator, rate.numerator)
        try:
            # converted here, once (encode() would convert it again for every repeat)
            frame = av.VideoFrame.from_numpy_buffer(pixels, format="rgba").reformat(
                format=self.spec.pixel_format)
            frame.time_base = time_base
            for _ in range(repeat):
                frame.pts = self._next_pts
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error


class HeldFrameWriter(SceneFileWriter):
    """Manim's scene file writer, encoding segments with :class:`HeldFrameEncoder`."""

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        if self.video_encoder is None:
            raise RuntimeError("Video segment encoding requires resolved settings.")
        return HeldFrameEncoder(target=target, spec=self.video_encoder)
