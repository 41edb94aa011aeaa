"""Output formats and looks: transparent webm and mov, 4:3, gif, 4k, the print theme, svg stills.

Videos are the ``loss`` chapter of the tiny ``and`` preset at low quality, probed with ffprobe
and decoded with ffmpeg; everything is written under ``tmp_path``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from manim import tempconfig
from PIL import Image

from bpviz.outputs.formats import frame_config, picture_size
from bpviz.production.session import chapter, manim_config
from scenes import themes
from scenes.loading import load_story
from scenes.video_config import THEMES

from ..scenes.layout_check import frame_problems
from .test_errors import assert_one_line_error
from .test_jobs import x264_settings
from .test_render import bpviz

LOSS_BEATS = ["outputs", "errors", "loss"]
"""The beats of ``loss`` for ``and`` (one output)."""


def stream_info(path) -> dict:
    """Codec, profile, tag, pixel format, size and tags of the first video stream, from ffprobe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=codec_name,profile,codec_tag_string,pix_fmt,width,height:stream_tags",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["streams"][0]


def alpha_of_last_frame(path, decoder: tuple = ()) -> np.ndarray:
    """The alpha plane of the last frame (the settled ``loss`` beat), decoded by ffmpeg to RGBA."""
    info = stream_info(path)
    raw = subprocess.run(["ffmpeg", "-v", "error", *decoder, "-sseof", "-0.3", "-i", str(path),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(info["height"], info["width"], 4)[..., 3]


@pytest.fixture(scope="module")
def brisk_and(tmp_path_factory) -> str:
    """The ``and`` preset played four times as fast (``[video] pacing``): a short video to encode."""
    path = tmp_path_factory.mktemp("config") / "and.toml"
    preset = Path(__file__).parents[2] / "backprop_core" / "presets" / "and.toml"
    path.write_text(preset.read_text(encoding="utf-8") + "\n[video]\npacing = 0.25\n", encoding="utf-8")
    return str(path)


def render(tmp_path_factory, *options: str, source: str = "and") -> Path:
    out = tmp_path_factory.mktemp("video")
    result = bpviz("render", source, "--scene", "loss", "--quality", "low", *options, "-o", str(out))
    assert result.exit_code == 0, (result.stderr, result.exception)
    (video,) = [p for p in out.iterdir() if p.suffix != ".srt"]
    assert result.stdout.strip().splitlines() == [f"wrote {video}", f"wrote {out / 'loss.srt'}"]
    return video


def assert_transparent_background(alpha: np.ndarray) -> None:
    """Background pixels fully transparent, the drawing (text, shapes) fully opaque."""
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0
    assert (alpha == 0).mean() > 0.5
    assert (alpha == 255).sum() > 500


# -- transparent videos -------------------------------------------------------------------------
def test_transparent_webm_is_vp9_with_alpha(tmp_path_factory, brisk_and):
    video = render(tmp_path_factory, "--transparent", "--format", "webm", source=brisk_and)
    info = stream_info(video)
    assert video.suffix == ".webm" and info["codec_name"] == "vp9"
    # VP9 keeps alpha in a side channel: the container says so; libvpx decodes it
    assert info["tags"].get("alpha_mode") == "1"
    assert (info["width"], info["height"]) == (854, 480)
    assert_transparent_background(alpha_of_last_frame(video, ("-c:v", "libvpx-vp9")))


def test_transparent_mov_is_prores_4444_with_alpha(tmp_path_factory, brisk_and):
    video = render(tmp_path_factory, "--transparent", "--format", "mov", source=brisk_and)
    info = stream_info(video)
    assert video.suffix == ".mov" and info["codec_name"] == "prores"
    assert info["profile"] == "4444" and info["codec_tag_string"] == "ap4h"
    assert info["pix_fmt"].startswith("yuva444p")
    assert_transparent_background(alpha_of_last_frame(video))


# -- opaque video: x264's speed preset -----------------------------------------------------------
def test_opaque_mp4_is_h264_crf_23_at_x264_veryfast(tmp_path_factory, brisk_and):
    video = render(tmp_path_factory, source=brisk_and)
    info = stream_info(video)
    assert video.suffix == ".mp4" and info["codec_name"] == "h264" and info["pix_fmt"] == "yuv420p"
    # x264 writes its settings into the stream; veryfast searches 1 reference frame at subme 2
    # (medium, Manim's default: 3 references, subme 7)
    assert {"ref=1", "subme=2", "crf=23.0"} <= set(x264_settings(video))


# -- sizes, gif --------------------------------------------------------------------------------
def test_gif_at_4_3_loops_and_stays_small(tmp_path_factory):
    gif = render(tmp_path_factory, "--format", "gif", "--aspect", "4:3")
    info = stream_info(gif)
    assert gif.suffix == ".gif" and info["codec_name"] == "gif"
    assert (info["width"], info["height"]) == (640, 480)
    with Image.open(gif) as image:
        assert image.info["loop"] == 0  # forever
        assert image.n_frames > 100
        image.seek(image.n_frames - 1)
        background = np.asarray(image.convert("RGB"))[:20, -40:].reshape(-1, 3)  # top right: empty
    assert len(np.unique(background, axis=0)) == 1  # flat, not dithered noise
    assert gif.stat().st_size < 1_500_000  # Manim's own gif of this chapter: about 19 MB


@pytest.mark.parametrize(("quality", "aspect", "size"), [
    ("low", "16:9", (854, 480)), ("low", "4:3", (640, 480)), ("high", "4:3", (1440, 1080)),
    ("4k", "16:9", (3840, 2160)), ("4k", "4:3", (2880, 2160))])
def test_picture_sizes(quality, aspect, size):
    assert picture_size(quality, aspect) == size
    cfg = frame_config(quality, aspect)
    assert (cfg["pixel_width"], cfg["pixel_height"]) == size
    assert cfg["frame_width"] / cfg["frame_height"] == pytest.approx(size[0] / size[1], rel=2e-3)
    assert cfg["frame_width"] == pytest.approx(128 / 9)  # 4:3 is taller, never narrower


def test_a_real_4k_still(tmp_path):
    result = bpviz("frames", "and", "--scene", "loss", "--quality", "4k", "-o", str(tmp_path))
    assert result.exit_code == 0, (result.stderr, result.exception)
    with Image.open(next(tmp_path.glob("*.png"))) as image:
        assert image.size == (3840, 2160)


def test_4_3_keeps_every_beat_inside_the_taller_frame():
    """Two ``and`` chapters at 4:3: every text and shape inside the frame, no texts overlapping."""
    story, problems = load_story("and"), []

    def check(scene, beat):
        assert scene.regions.frame.height == pytest.approx(128 / 9 * 3 / 4)
        problems.extend(f"{beat.chapter}.{beat.key}: {p}" for p in frame_problems(scene))

    with tempfile.TemporaryDirectory() as tmp, \
            tempconfig(manim_config("low", Path(tmp), "4:3", format=None, write_to_movie=False)):
        for name in ("neuron", "backward"):
            chapter(name, story, beat_end=check, skip_animations=True).render()
    assert not problems, "\n".join(problems)


# -- themes -------------------------------------------------------------------------------------
def _linear(color: str) -> np.ndarray:
    c = np.array([int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    f = np.cbrt(np.maximum(xyz / [0.9505, 1.0, 1.089], 0.008856))
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])
"""Machado, Oliveira and Fernandes (2009), severity 1: what a deuteranope sees (linear RGB)."""


def contrast(a: str, b: str) -> float:
    ya, yb = (float(_linear(c) @ [0.2126, 0.7152, 0.0722]) for c in (a, b))
    return (max(ya, yb) + 0.05) / (min(ya, yb) + 0.05)


def test_every_theme_is_a_choice_and_print_is_one():
    assert THEMES is themes.THEMES and "print" in THEMES  # one list: the film's themes


@pytest.mark.parametrize("theme", THEMES)
def test_sign_colours_apart_for_deuteranopes(theme):
    t = themes.THEMES[theme]
    seen = [_lab(np.clip(DEUTERANOPIA @ _linear(c), 0, 1)) for c in (t.positive, t.negative)]
    assert np.linalg.norm(seen[0] - seen[1]) > 60


def test_print_theme_survives_grey_scale_and_paper():
    t = themes.THEMES["print"]
    assert t.background == "#FFFFFF"
    lightness = [_lab(_linear(c))[0] for c in (t.positive, t.negative)]
    assert abs(lightness[0] - lightness[1]) > 20  # blue and vermillion are different greys
    inks = {k: v for k, v in vars(t).items() if isinstance(v, str) and v.startswith("#")
            and k not in ("background", "panel", "neuron_fill")}
    faint = {k: round(contrast(v, t.background), 1) for k, v in inks.items() if contrast(v, t.background) < 3}
    assert not faint, f"too pale on paper: {faint}"
    assert contrast(t.text, t.background) > 15 and t.edge_floor >= 0.5


def test_bad_theme_and_aspect_name_the_option(tmp_path):
    assert_one_line_error(bpviz("frames", "--theme", "prnt", "-o", str(tmp_path)), "--theme",
                          "did you mean 'print'")
    assert_one_line_error(bpviz("render", "--aspect", "5:4", "-o", str(tmp_path)), "--aspect", "16:9, 4:3")
    assert_one_line_error(bpviz("frames", "--format", "jpg", "-o", str(tmp_path)), "--format", "png, svg")


# -- svg stills ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def svg_stills(tmp_path_factory):
    out = tmp_path_factory.mktemp("svg")
    result = bpviz("frames", "and", "--scene", "loss", "--quality", "low", "--format", "svg",
                   "--theme", "print", "-o", str(out))
    assert result.exit_code == 0, (result.stderr, result.exception)
    return out, result


def test_svg_stills_one_per_beat_listed_in_frames_json(svg_stills):
    out, result = svg_stills
    index = json.loads((out / "frames.json").read_text(encoding="utf-8"))
    assert [e["beat"] for e in index] == LOSS_BEATS
    assert [e["file"] for e in index] == [f"{n:03d}_loss_{b}.svg" for n, b in enumerate(LOSS_BEATS, 1)]
    assert sorted(p.name for p in out.iterdir()) == sorted([*(e["file"] for e in index), "frames.json"])
    assert all(f"wrote {out / e['file']}" in result.stdout for e in index)


def test_svg_stills_are_vector_pictures_of_the_frame(svg_stills):
    out, _ = svg_stills
    ns = "{http://www.w3.org/2000/svg}"
    for svg in sorted(out.glob("*.svg")):
        root = ET.parse(svg).getroot()
        assert root.tag == f"{ns}svg"
        assert root.get("viewBox") == "0 0 854 480" and root.get("width") == "854px"
        background = root.find(f".//{ns}rect")
        assert "fill:rgb(100%,100%,100%)" in background.get("style")  # the print theme's white
        paths = root.findall(f".//{ns}path")
        assert len(paths) > 100  # every glyph of text and equations is a path
        assert root.find(f".//{ns}text") is None and root.find(f".//{ns}image") is None
        # colours in RGB order (Manim's own pixels are BGRA): text #111111, the loss C #CC3311
        text = svg.read_text(encoding="utf-8")
        assert "fill:rgb(6.666667%,6.666667%,6.666667%)" in text
        if svg.stem.endswith("_loss"):
            assert "rgb(80%,20%,6.666667%)" in text and "rgb(6.666667%,20%,80%)" not in text
