"""Output formats: picture sizes per quality and aspect, encoders, and finishing Manim's files.

:func:`frame_config` and :func:`encoder_config` are Manim config keys; :func:`deliver` and
:func:`tag_prores_alpha` finish what Manim wrote (a gif converted, a ProRes tag fixed). A 4:3
picture keeps the frame width of 16:9 (14.22 units) and makes the frame taller, so every
chapter lays out as at 16:9 with more room above and below (``ChapterScene`` passes the frame
size to ``scenes.layout.frame_layout``), instead of being cropped or squeezed.
"""

from __future__ import annotations

import os
from pathlib import Path

import av
from manim import constants

from bpviz.choices import ASPECTS, QUALITIES
from bpviz.outputs.gif import LOSSLESS, video_to_gif
from bpviz.outputs.publish import Publication

FRAME_WIDTH = 128 / 9
"""Frame width in Manim units at every aspect (Manim's default: 8 units high at 16:9)."""
FRAME_HEIGHT = 8.0


def picture_size(quality: str, aspect: str = "16:9") -> tuple[int, int]:
    """``(width, height)`` in pixels: Manim's size for 16:9, the same height for 4:3 (640x480 ...)."""
    q = constants.QUALITIES[QUALITIES[quality]]
    if aspect == "16:9":
        return q["pixel_width"], q["pixel_height"]
    w, h = ASPECTS[aspect]
    return round(q["pixel_height"] * w / h), q["pixel_height"]


def frame_config(quality: str, aspect: str = "16:9") -> dict:
    """Manim config keys for the picture: pixel size, frame rate and frame size in units.

    The quality is given as sizes, not as Manim's ``quality`` key: ``tempconfig`` applies that
    key after the sizes and would undo the aspect.
    """
    width, height = picture_size(quality, aspect)
    w, h = ASPECTS[aspect]
    frame_height = FRAME_HEIGHT if aspect == "16:9" else FRAME_WIDTH * h / w
    return {"pixel_width": width, "pixel_height": height,
            "frame_rate": constants.QUALITIES[QUALITIES[quality]]["frame_rate"],
            "frame_width": FRAME_WIDTH, "frame_height": frame_height}


X264_SPEED = {"preset": "veryfast"}
"""x264's speed preset for every libx264 output (Manim leaves x264 at ``medium``).

Measured on the 2-core machine, digits ``backward`` at 1080p60 (crf 23 both ways): ``medium``
took 53 s of wall time and 55 s of CPU for a 4.5 MB file, ``veryfast`` 36 s and 37 s for 3.7 MB;
the frames differ by about one level of 255 on average, not visibly. Flat diagrams with thin
lines give x264's slower searches little to find, and encoding competes with drawing for the
two cores (with ``--jobs 2`` directly)."""


def encoder_config(fmt: str, transparent: bool, single_thread: bool = False) -> dict:
    """Manim config keys of the output of ``fmt``: its ``format`` and video encoder.

    Transparent mov is ProRes 4444 with a 10-bit alpha plane (``prores_ks``, ``yuva444p10le``),
    which video editors (Premiere, Resolve, Final Cut, Kdenlive) read; Manim's own default
    there is QuickTime Animation (``qtrle``). Transparent webm is Manim's default, VP9 with
    ``yuva420p``. An opaque gif is rendered as a lossless mp4 that :func:`deliver` converts
    (:mod:`bpviz.outputs.gif`). Opaque mp4 and mov are Manim's libx264 at crf 23 with x264's
    ``veryfast`` preset (:data:`X264_SPEED`); with ``single_thread`` (set by parallel chapter
    jobs, which already keep every core busy) x264 encodes on the writer's thread alone, without
    the cost of its frame threads. Everything else: Manim's defaults.
    """
    if fmt == "gif" and not transparent:
        return {"format": "mp4", "video_encoder_options": {**LOSSLESS["video_encoder_options"],
                                                            **X264_SPEED}}
    if transparent and fmt == "mov":
        return {"format": fmt, "video_codec": "prores_ks", "pixel_format": "yuva444p10le",
                "video_encoder_options": {"profile": "4444"}}
    if fmt in ("mp4", "mov") and not transparent:  # Manim's libx264 at its crf 23
        return {"format": fmt, "video_encoder_options": {**X264_SPEED,
                                                          **({"threads": "1"} if single_thread else {})}}
    return {"format": fmt}


def deliver(movie: Path, target: Path, fmt: str, transparent: bool, out: Publication) -> Path:
    """Stage Manim's finished ``movie`` in ``out`` as ``target`` plus its suffix; an opaque gif is converted.

    The gif is written beside ``movie`` first: ``out`` only ever publishes whole files.
    """
    if fmt == "gif" and not transparent:
        gif = movie.with_name(f"{movie.stem}.delivered.gif")
        video_to_gif(movie, gif)
        return out.add_file(gif, target.with_suffix(".gif"))
    return out.add_file(movie, target.with_suffix(movie.suffix))


def tag_prores_alpha(videos: list[Path], fmt: str, transparent: bool) -> None:
    """Mark transparent mov files as ProRes 4444 (codec tag ``ap4h``); other videos stay as they are.

    Manim joins its partial movies by copying packets into a new stream that loses the codec
    tag, and the mov muxer then writes ``apch`` (ProRes 422 HQ, no alpha): editors would
    ignore the alpha plane. The packets are copied again, unchanged, under the right tag (a
    voice's audio stream with them).
    """
    if not (transparent and fmt == "mov"):
        return
    for video in videos:
        tagged = video.with_name(f".{video.name}.tagged.mov")
        with av.open(str(video)) as src, av.open(str(tagged), "w") as dst:
            dst.metadata.update(src.metadata)
            stream = src.streams.video[0]
            out = dst.add_stream_from_template(template=stream)
            out.codec_context.codec_tag = "ap4h"
            outs = {stream.index: out}
            for audio in src.streams.audio:
                outs[audio.index] = dst.add_stream_from_template(template=audio)
            for packet in src.demux(stream, *src.streams.audio):
                if packet.dts is None:  # the flushing packet demux ends with
                    continue
                packet.stream = outs[packet.stream.index]
                dst.mux(packet)
        os.replace(tagged, video)
