"""Animated GIFs for web pages: one palette made for the video, looping forever.

Manim 0.22 builds its GIF from the lossy mp4 segments and hands the encoder ``rgb8`` frames
(the fixed 3-3-2 palette), so flat backgrounds come out as dither noise that does not compress:
about 19 MB for 11 s at 640x480. Here the chapter is rendered as a lossless mp4 first; then one
palette is computed for the whole video (``palettegen``) and applied (``paletteuse``) and the
frames go to the encoder as ``pal8``; unchanged areas stay unchanged from frame to frame,
which the GIF encoder stores as small rectangles.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

LOSSLESS = {"video_encoder_options": {"crf": "0"}}
"""Manim config for the intermediate mp4: x264 lossless, so flat colours stay flat."""
PALETTE = "stats_mode=diff"
"""``palettegen``: favour what moves (the static background is counted once)."""
DITHER = "dither=bayer:bayer_scale=5:diff_mode=rectangle"
"""``paletteuse``: a light ordered dither, recomputed only inside the rectangle that changed."""


def video_to_gif(video: Path, gif: Path) -> None:
    """Write ``video`` as a looping GIF ``gif`` (same size and frame rate)."""
    with av.open(str(video)) as src, av.open(str(gif), "w") as dst:
        stream = src.streams.video[0]
        out = dst.add_stream("gif", rate=stream.average_rate)
        out.width, out.height, out.pix_fmt = stream.width, stream.height, "pal8"
        tick = 1 / Fraction(stream.average_rate)  # one frame: the timestamps count frames
        graph = av.filter.Graph()
        source, split = graph.add_buffer(template=stream), graph.add("split")
        palette, use = graph.add("palettegen", PALETTE), graph.add("paletteuse", DITHER)
        sink = graph.add("buffersink")
        source.link_to(split)
        split.link_to(palette, 0, 0)
        split.link_to(use, 1, 0)
        palette.link_to(use, 0, 1)
        use.link_to(sink)
        graph.configure()
        for frame in src.decode(stream):
            graph.push(frame)
        graph.push(None)  # palettegen sees every frame before paletteuse gives the first one
        count = 0
        while True:
            try:
                frame = graph.pull()
            except (av.error.EOFError, av.error.BlockingIOError):
                break
            frame.pts, frame.time_base = count, tick
            count += 1
            dst.mux(out.encode(frame))
        dst.mux(out.encode())
