"""Held frames: :class:`bpviz.renderer.encoder.HeldFrameEncoder` writes what Manim's encoder writes.

Two small segments are encoded from the same frames, one by Manim's ``VideoSegmentEncoder`` and
one by ours, a moving frame followed by a held one; decoded, they are the same pictures at
the same timestamps. Lossless (crf 0) so that any difference in the colour conversion shows.
"""

from __future__ import annotations

import av
import numpy as np
import pytest
from manim._config.output import OutputFormat, OutputSpec
from manim._config.video_encoder import resolve_video_encoder
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from bpviz.renderer.encoder import HeldFrameEncoder, HeldFrameWriter
from scenes.chapters.registry import chapter_scene

SIZE = (96, 160)
"""Height and width of the test frames (even, as yuv420p needs)."""


def frames() -> list[tuple[np.ndarray, int]]:
    """Four RGBA frames with their repeats: two shown once, one held 7 times, one held 2 times."""
    rng = np.random.default_rng(5)
    out = []
    for repeat in (1, 1, 7, 2):
        pixels = rng.integers(0, 256, (*SIZE, 4), dtype=np.uint8)
        pixels[..., 3] = 255
        out.append((pixels, repeat))
    return out


def encode(cls, path, options: dict, pixel_format: str = "auto") -> None:
    output = OutputSpec(OutputFormat.MP4, transparent=False, save_sections=False,
                        fallback_to_still=False)
    spec = resolve_video_encoder(output, width=SIZE[1], height=SIZE[0], frame_rate=15,
                                 pixel_format=pixel_format, options=options)
    encoder = cls(target=path, spec=spec)
    for pixels, repeat in frames():
        encoder.write_frame(pixels, repeat=repeat)
        pixels[...] = 0  # the encoder is done with the array once write_frame returns
    encoder.finish()


def decoded(path) -> list[tuple[int, bytes]]:
    with av.open(str(path)) as video:
        return [(f.pts, f.to_ndarray(format="rgb24").tobytes()) for f in video.decode(video=0)]


@pytest.mark.parametrize("options, pixel_format", [({"crf": "0"}, "yuv420p"),
                                                   ({"crf": "0"}, "yuv444p"),
                                                   ({"preset": "veryfast"}, "auto")])
def test_held_frames_decode_as_manims(tmp_path, options, pixel_format):
    encode(VideoSegmentEncoder, tmp_path / "manim.mp4", options, pixel_format)
    encode(HeldFrameEncoder, tmp_path / "held.mp4", options, pixel_format)
    ours, theirs = decoded(tmp_path / "held.mp4"), decoded(tmp_path / "manim.mp4")
    assert len(ours) == 11
    assert [pts for pts, _ in ours] == [pts for pts, _ in theirs]
    assert [pixels for _, pixels in ours] == [pixels for _, pixels in theirs]
    assert ours[0][1] != ours[1][1]  # two moving frames
    assert ours[2][1] == ours[8][1] and ours[2][1] != ours[9][1]  # the hold, then the next frame
    assert len(set(pixels for _, pixels in ours)) == 4  # no frame was read after it was zeroed


def test_chapter_scenes_write_with_the_held_frame_writer():
    """bpviz renders chapters with its writer; the chapter itself runs on Manim's own."""
    from bpviz.production.session import chapter
    from scenes.loading import load_story
    story = load_story("and")
    assert chapter("loss", story).renderer._file_writer_class is HeldFrameWriter
    assert chapter_scene("loss")(story).renderer._file_writer_class is not HeldFrameWriter
