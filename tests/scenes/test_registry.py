"""The chapter registry is the one source of every list of chapters.

The ``--scene`` choices and help, the ``[video] scenes`` check, the full film, the chapters whose
fingerprint hashes only the explained step and the chapters a dense network has are all read
from :data:`scenes.chapters.registry.CHAPTERS`; nothing else names a chapter.
"""

from __future__ import annotations

import subprocess
import sys
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from backprop_core.config import from_dict
from backprop_core.errors import BpvizError, ConfigError
from bpviz.cli import main
from bpviz.production.concat import film_of
from bpviz.production.fingerprint import trace_view
from scenes.chapters import registry
from scenes.chapters.registry import (
    CHAPTERS,
    DENSE_CHAPTERS,
    FULL,
    SCENES,
    STEP,
    STEP_CHAPTERS,
    chapter_parts,
    chapter_scene,
    film_chapters,
)
from scenes.loading import load_story
from scenes.video_config import VIDEO_SCHEMA, resolve

DENSE = SimpleNamespace(layers=(784, 16, 10))
"""All that :func:`chapter_parts` reads of a story: its layers (784 inputs draw in dense mode)."""


def story_of(epochs: int) -> SimpleNamespace:
    """All that :func:`film_chapters` reads of a story: its run's epochs."""
    return SimpleNamespace(trace=SimpleNamespace(config={"training": {"epochs": epochs}}), layers=(2, 2, 1))


def test_scene_names_are_the_rows_in_story_order_then_the_film():
    assert SCENES == (*(c.name for c in CHAPTERS), FULL)
    assert len(set(SCENES)) == len(SCENES)
    assert VIDEO_SCHEMA["scenes"] == [FULL]


@pytest.mark.parametrize("command", ["render", "frames", "script", "slides"])
def test_scene_help_lists_the_registry(command):
    out = CliRunner().invoke(main, [command, "--help"], terminal_width=1000).output
    assert ", ".join(SCENES) in " ".join(out.split())


def test_scene_choices_are_the_registry():
    result = CliRunner().invoke(main, ["script", "mazur", "--scene", "nope"])
    assert result.exit_code == 2
    assert f"choose one of: {', '.join(SCENES)}" in result.output
    with pytest.raises(ConfigError, match="choose one of " + ", ".join(SCENES)):
        resolve(from_dict({"network": {"layers": [2, 1]}, "data": {"preset": "and"},
                           "video": {"scenes": ["nope"]}}))


def test_full_film_is_the_rows_in_the_film():
    in_film = [c for c in CHAPTERS if c.in_film]
    assert film_chapters(story_of(1)) == tuple(c.name for c in in_film if c.min_epochs <= 1)
    assert film_chapters(story_of(2)) == tuple(c.name for c in in_film)
    assert "training" in film_chapters(story_of(2)) and "training" not in film_chapters(story_of(1))
    assert film_of(story_of(2), FULL) == film_chapters(story_of(2))
    assert film_of(story_of(2), "loss") == ("loss",)


def test_full_film_plays_the_parts_of_its_chapters():
    story = story_of(2)
    parts = tuple(part for name in film_chapters(story) for part in chapter_parts(name, story))
    assert chapter_scene(FULL).chapter_parts(story) == parts
    for row in CHAPTERS:
        assert chapter_scene(row.name).chapter_parts(story) == chapter_parts(row.name, story)
        # the film cuts where the chapter changes: every part carries its chapter's name
        assert {part.name for part in chapter_parts(row.name, story)} == {row.name}


def test_step_chapters_of_the_fingerprint_are_the_rows_that_read_the_step():
    assert STEP_CHAPTERS == {c.name for c in CHAPTERS if c.reads == STEP}
    story = load_story("mazur")
    for name in SCENES:
        view = trace_view(name, story.trace, story.video)
        assert ("weight_scale" in view) == (name in STEP_CHAPTERS), name


def test_dense_mode_is_chosen_by_the_registry():
    assert DENSE_CHAPTERS == tuple(c.name for c in CHAPTERS if c.dense_parts)
    for row in CHAPTERS:
        if row.dense_parts:
            dense = chapter_parts(row.name, DENSE)
            assert [f"{p.__module__.removeprefix('scenes.chapters.')}:{p.__name__}" for p in dense] \
                == list(row.dense_parts)
            assert dense != chapter_parts(row.name, story_of(1))
        else:
            with pytest.raises(ValueError, match="no dense mode"):
                chapter_parts(row.name, DENSE)


def test_dense_networks_are_refused_the_other_chapters(monkeypatch):
    from bpviz import options

    monkeypatch.setattr("scenes.loading.load_story", lambda *args, **kwargs: SimpleNamespace(
        layers=DENSE.layers, video={"scenes": [FULL]}))
    assert options.story_and_scenes("x", list(DENSE_CHAPTERS))[1] == list(DENSE_CHAPTERS)
    others = [name for name in SCENES if name not in DENSE_CHAPTERS]
    for name in others:
        with pytest.raises(BpvizError, match=f"--scene {name}: .* only the chapters "
                                             f"{', '.join(DENSE_CHAPTERS)}"):
            options.story_and_scenes("x", [name])


def test_scenes_are_made_once_and_named_after_their_chapter():
    assert chapter_scene("chain_rule") is chapter_scene("chain_rule")
    assert chapter_scene("chain_rule").__name__ == "ChainRule"
    assert chapter_scene(FULL).chapter == FULL
    with pytest.raises(KeyError):
        chapter_scene("nope")


def test_listing_chapters_loads_no_manim():
    code = ("import sys; import scenes.chapters.registry, scenes.video_config; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('manim', 'bpviz')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_film_follows_a_patched_registry(monkeypatch):
    """The production line and the film scene both read :func:`film_chapters` when they play."""
    monkeypatch.setattr(registry, "film_chapters", lambda story: ("loss", "backward"))
    story = story_of(2)
    assert film_of(story, FULL) == ("loss", "backward")
    assert chapter_scene(FULL).chapter_parts(story) == (*chapter_parts("loss", story),
                                                         *chapter_parts("backward", story))
