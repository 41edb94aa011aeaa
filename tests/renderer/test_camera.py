"""FadeCamera draws a fading family once and blends it; frames look as with Manim's camera."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, RIGHT, Camera, Scene, Square, Text, VGroup, tempconfig

from bpviz.renderer.camera import FadeCamera, FrameRenderer
from scenes.animations.fade import Appear, Vanish

_SMALL = {"pixel_width": 320, "pixel_height": 180, "frame_rate": 10, "verbosity": "ERROR",
          "progress_bar": "none", "disable_caching": True}


def _frames(scene_cls, camera_class, tmp_path, monkeypatch=None, **kwargs) -> tuple[np.ndarray, int]:
    """Every frame ``scene_cls`` writes with ``camera_class``, and the paths the camera drew."""
    got, drawn = [], [0]
    original = camera_class.display_vectorized

    def counting(self, vmobject, ctx):
        drawn[0] += 1
        return original(self, vmobject, ctx)

    with tempconfig({**_SMALL, "media_dir": str(tmp_path / camera_class.__name__)}):
        scene = scene_cls(camera_class=camera_class, **kwargs)
        write = scene.renderer.file_writer.write_frame
        scene.renderer.file_writer.write_frame = lambda f, *a, **k: (got.append(f.copy()), write(f, *a, **k))
        if monkeypatch:
            monkeypatch.setattr(camera_class, "display_vectorized", counting)
        scene.render()
        if monkeypatch:
            monkeypatch.undo()
    return np.stack(got), drawn[0]


def _assert_alike(ours: np.ndarray, manims: np.ndarray) -> None:
    """Same frames but for anti-aliased edges where a glyph's fill and stroke overlap."""
    assert ours.shape == manims.shape
    diff = np.abs(ours.astype(int) - manims.astype(int)).max(axis=3)
    assert diff.max() <= 40, f"a pixel differs by {diff.max()}"
    worst = (diff > 4).mean(axis=(1, 2)).max()
    assert worst < 0.002, f"{worst:.2%} of a frame's pixels differ"


class _Words(Scene):
    """A paragraph fades in and out beside a square that stays."""

    def construct(self):
        self.add(Square().shift(3 * RIGHT))
        words = VGroup(*(Text(f"line {i}: 0.5933 + 0.1385", font_size=24) for i in range(4)))
        words.arrange(DOWN)
        self.play(Appear(words), run_time=1)
        self.play(Vanish(words), run_time=1)


class _Moving(Scene):
    """A fade while another animation moves one of the faded glyphs: the picture must follow."""

    def construct(self):
        words = VGroup(*(Text(w, font_size=30) for w in ("δ =", "0.1385")))
        words.arrange(RIGHT)
        self.play(Appear(words), words[1].animate.shift(DOWN), run_time=1)


def test_a_fade_is_drawn_once_then_blended(tmp_path, monkeypatch):
    ours, drawn_ours = _frames(_Words, FadeCamera, tmp_path, monkeypatch)
    manims, drawn_manims = _frames(_Words, Camera, tmp_path, monkeypatch)
    _assert_alike(ours, manims)
    assert len(ours) >= 18
    # Manim draws every glyph in every frame of both fades; ours draws them once per fade
    assert drawn_ours * 5 < drawn_manims, (drawn_ours, drawn_manims)


def test_a_glyph_that_moves_during_the_fade_is_drawn_where_it_is(tmp_path):
    ours, _ = _frames(_Moving, FadeCamera, tmp_path)
    manims, _ = _frames(_Moving, Camera, tmp_path)
    _assert_alike(ours, manims)


@pytest.mark.parametrize("chapter", ["backward"])
def test_a_chapter_looks_as_with_manims_camera(chapter, tmp_path):
    from scenes.chapters.registry import chapter_scene
    from scenes.loading import load_story

    story = load_story("and")
    ours, _ = _frames(chapter_scene(chapter), FadeCamera, tmp_path, story=story)
    manims, _ = _frames(chapter_scene(chapter), Camera, tmp_path, story=story)
    _assert_alike(ours, manims)


class _Held(_Words):
    """The paragraph, then a hold with nothing moving (Manim writes one frame repeated)."""

    def construct(self):
        super().construct()
        self.add(Text("stays", font_size=24).shift(2 * DOWN))
        self.wait(0.5)


def test_frames_queued_without_a_copy_are_never_drawn_over(tmp_path):
    """FrameRenderer hands the encoder FadeCamera's own arrays: each must keep its frame."""
    kept = []
    with tempconfig({**_SMALL, "media_dir": str(tmp_path / "uncopied")}):
        scene = _Held(renderer=FrameRenderer(camera_class=FadeCamera), camera_class=FadeCamera)
        write = scene.renderer.file_writer.write_frame
        scene.renderer.file_writer.write_frame = lambda f, *a, **k: (kept.append(f), write(f, *a, **k))
        scene.render()
    assert len({id(frame) for frame in kept}) == len(kept) > 18  # a new array every frame
    manims, _ = _frames(_Held, Camera, tmp_path)
    assert len(kept) == len(manims)
    _assert_alike(np.stack(kept), manims)


def test_frame_renderer_copies_frames_of_other_cameras():
    with tempconfig(_SMALL):
        renderer = FrameRenderer(camera_class=Camera)
        assert renderer.get_frame() is not renderer.camera.pixel_array
        renderer = FrameRenderer(camera_class=FadeCamera)
        assert renderer.get_frame() is renderer.camera.pixel_array
