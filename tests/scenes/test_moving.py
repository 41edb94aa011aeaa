"""Only what an animation reaches is redrawn per frame, and frames look as with Manim's choice."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from manim import LEFT, RIGHT, UP, Circle, Dot, Line, Scene, Square, VGroup, tempconfig

from scenes.animations.fade import Appear
from scenes.animations.flow import EdgeRestyle
from scenes.chapters.base import ChapterScene
from scenes.chapters.moving import moving_leaves


class _Probe(Scene):
    """Three rows: an edge that is restyled, a square over its end, a dot far away."""

    def setup(self):
        self.edge = Line(3 * LEFT, RIGHT)
        self.over = Square(side_length=0.5).move_to(RIGHT).set_fill("#FFFFFF", opacity=1)
        self.above = Circle(radius=0.2).move_to(RIGHT + 0.3 * RIGHT).set_fill("#FF0000", opacity=1)
        self.far = Dot(4 * RIGHT + 2 * UP)
        self.before = Dot(3 * LEFT)
        self.edges = SimpleNamespace(edges={(1, 0, 0): self.edge}, edge_group=VGroup(self.edge))
        self.add(self.before, self.edges.edge_group, self.over, self.above, self.far)


def _moving(scene, *animations):
    for anim in animations:
        anim._setup_scene(scene)
        anim.begin()
    return moving_leaves(scene, animations)


def test_redraws_the_animated_and_what_lies_over_it_only():
    with tempconfig({"dry_run": True, "verbosity": "ERROR"}):
        scene = _Probe()
        scene.setup()
        moving = _moving(scene, EdgeRestyle(scene.edges, [{"color": "#00FF00", "width": 6,
                                                             "opacity": 1.0}]))
    ids = [id(m) for m in moving]
    assert id(scene.edges.edge_group) in ids
    assert id(scene.over) in ids, "a later mobject over the edge must be redrawn on top of it"
    # the circle overlaps only the square, not the edge: redrawn because the square is
    assert id(scene.above) in ids
    assert id(scene.far) not in ids and id(scene.before) not in ids
    assert ids.index(id(scene.edges.edge_group)) < ids.index(id(scene.over)) < ids.index(id(scene.above))


def test_unknown_animations_and_updaters_fall_back_to_manim():
    with tempconfig({"dry_run": True, "verbosity": "ERROR"}):
        scene = _Probe()
        scene.setup()
        assert _moving(scene, Appear(scene.far)) is not None
        scene.far.add_updater(lambda m: m)
        assert _moving(scene, Appear(scene.far)) is None


def _recorder(write, frames: list):
    """``write`` (a file writer's ``write_frame``) that also keeps a copy of every frame."""
    def record(frame, *args, **kwargs):
        frames.append(frame.copy())
        return write(frame, *args, **kwargs)
    return record


@pytest.mark.parametrize("chapter", ["backward", "training"])
def test_frames_equal_manims_choice(chapter, monkeypatch, tmp_path):
    """Every frame of a chapter is the same whether Manim or moving_leaves picks what to redraw."""
    from scenes.chapters.registry import chapter_scene
    from scenes.loading import load_story

    story = load_story("and")
    frames = {}
    for variant in ("ours", "manim"):
        if variant == "manim":
            monkeypatch.setattr(ChapterScene, "get_moving_mobjects", Scene.get_moving_mobjects)
        got = []
        scene_cls = chapter_scene(chapter)
        with tempconfig({"quality": "low_quality", "pixel_width": 320, "pixel_height": 180,
                         "frame_rate": 5, "media_dir": str(tmp_path / variant), "verbosity": "ERROR",
                         "progress_bar": "none", "disable_caching": True}):
            scene = scene_cls(story)
            scene.renderer.file_writer.write_frame = _recorder(scene.renderer.file_writer.write_frame, got)
            scene.render()
        frames[variant] = np.stack(got)
    assert frames["ours"].shape == frames["manim"].shape and len(frames["ours"]) > 10
    assert np.array_equal(frames["ours"], frames["manim"])
