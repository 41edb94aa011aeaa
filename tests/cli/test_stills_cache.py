"""Stills reuse: a still kept by what it shows is written from the cache; an edit re-draws only what it moves.

Mazur's ``update`` chapter at low quality, in a private stills cache. A learning rate of 0.45
instead of 0.5 keeps the weight scale (the largest |w| of the trace rounds up to 0.57 either way),
so the beats before the weights change (the gradients, BP4 and BP3) show the same picture and are
copied, while the beats that show the new weights are drawn again. The stills written that way
are byte for byte those of a run that draws everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backprop_core.presets import preset_text
from bpviz.cache import stills as store
from bpviz.options import story_and_scenes
from bpviz.production import render
from bpviz.production.frames import write_stills

CHAPTER = ["update"]


def _config(folder: Path, rate: float) -> Path:
    text = preset_text("mazur").replace("learning_rate = 0.5", f"learning_rate = {rate}")
    assert f"learning_rate = {rate}" in text
    path = folder / f"mazur_{rate}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _pngs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.png"))}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The first run, the same again, the edited config, and the edited one drawn whole."""
    tmp = tmp_path_factory.mktemp("stills")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "stills_dir", lambda: tmp / "cache")
        # every other cache private and empty too: the first run parses each SVG, the later ones
        # read its shapes from the shape cache, and a still's key must not tell the two apart
        # (a parsed leaf's widths are 0 where a read one's are 0.0: every beat was drawn again)
        mp.setenv("XDG_CACHE_HOME", str(tmp / "xdg"))
        first_story, _ = story_and_scenes(str(_config(tmp, 0.5)), CHAPTER)
        first = write_stills(first_story, CHAPTER, tmp / "first")
        kept = len(list((tmp / "cache").glob("*.png")))

        def no_render(*args, **kwargs):
            raise AssertionError("an unchanged config must not be played")

        with pytest.MonkeyPatch.context() as inner:
            inner.setattr(render, "render_stills", no_render)
            again = write_stills(first_story, CHAPTER, tmp / "again")
        edited_story, _ = story_and_scenes(str(_config(tmp, 0.45)), CHAPTER)
        edited = write_stills(edited_story, CHAPTER, tmp / "edited")
        whole = write_stills(edited_story, CHAPTER, tmp / "whole", use_cache=False)
    return tmp, first, again, edited, whole, kept


def test_the_first_run_draws_every_still(runs):
    first, kept = runs[1], runs[-1]
    assert len(first.stills) >= 4
    assert len(first.drawn) == len(first.stills) == kept


def test_an_unchanged_config_is_written_from_the_cache_without_playing(runs):
    tmp, first, again, *_ = runs
    assert again.drawn == []
    assert again.stills == first.stills
    assert _pngs(tmp / "again") == _pngs(tmp / "first")
    assert (tmp / "again" / "frames.json").read_text() == (tmp / "first" / "frames.json").read_text()


def test_an_edit_redraws_only_the_beats_whose_picture_changed(runs):
    tmp, first, _again, edited, _whole, _kept = runs
    drawn = {edited.stills[i].file for i in edited.drawn}
    assert 0 < len(drawn) < len(edited.stills)
    before, after = _pngs(tmp / "first"), _pngs(tmp / "edited")
    assert before.keys() == after.keys()
    for still in edited.stills:  # a copied still is the old picture; a drawn one is new
        assert (before[still.file] == after[still.file]) == (still.file not in drawn), still.file


def test_stills_from_the_cache_equal_stills_drawn_anew(runs):
    tmp, *_, edited, whole, _kept = runs
    assert len(whole.drawn) == len(whole.stills) == len(edited.stills)
    assert _pngs(tmp / "edited") == _pngs(tmp / "whole")
