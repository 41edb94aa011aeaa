"""Chapter jobs: the joined film equals the single-process one; the render cache; fingerprints.

The film is cut down to two short chapters of the tiny ``and`` preset (``film_chapters`` is
patched; worker processes are forked, so they see the patch too) at low quality. The render
cache is a folder under ``tmp_path``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from manim.utils import tex_file_writing

from backprop_core.config import load
from backprop_core.train import train
from bpviz.cache import tex_claims
from bpviz.cli import main
from bpviz.production import concat, jobs, prefetch, render
from bpviz.production.fingerprint import job_fingerprint, trace_view
from bpviz.production.render import render_video, timed_beats
from scenes.chapters import registry
from scenes.chapters.registry import STEP_CHAPTERS
from scenes.loading import load_story, story_from_trace
from scenes.video_config import resolve

from .test_errors import assert_one_line_error

FILM = ("loss", "backward")
OPTIONS = {"quality": "low", "aspect": "16:9", "fmt": "mp4", "transparent": False, "sections": True}


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def codec(path: Path) -> str:
    return subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=codec_name,width,height,r_frame_rate,pix_fmt", "-of", "csv=p=0",
                           str(path)], capture_output=True, text=True, check=True).stdout


def x264_settings(path: Path) -> list[str]:
    """The settings x264 wrote into the stream (``ref=1``, ``threads=3``, ...)."""
    return path.read_bytes().split(b"options: ", 1)[1].split(b"\0", 1)[0].decode().split()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "renders"
    monkeypatch.setattr(jobs, "renders_dir", lambda: folder)
    return folder


@pytest.fixture
def short_film(monkeypatch):
    monkeypatch.setattr(registry, "film_chapters", lambda story: FILM)
    return load_story("and")


def test_joined_film_equals_single_process_film(short_film, cache, tmp_path):
    single = render_video(short_film, "full", tmp_path / "single", "low", sections=True)
    ran: list = []
    joined = concat.render_joined(short_film, "full", tmp_path / "joined", jobs=2, rendered=ran, **OPTIONS)
    assert ran == [(name, True) for name in FILM]
    assert [p.name for p in joined[:2]] == ["full.mp4", "full.srt"]
    assert codec(joined[0]) == codec(single[0])
    a, b = frames_of(single[0]), frames_of(joined[0])
    assert len(a) == len(b) > 0
    worst = max(float(np.abs(x.astype(int) - y.astype(int)).mean()) for x, y in zip(a, b))
    assert worst < 1.0, worst  # the same pictures (only the encoder's rounding may differ)
    assert joined[1].read_text(encoding="utf-8") == single[1].read_text(encoding="utf-8")
    clips = sorted(p.name for p in (tmp_path / "single" / "full_beats").iterdir())
    assert [p.name for p in joined[2:]] == clips
    # jobs running side by side encode on one thread each; one process lets x264 use its threads
    assert "threads=1" in x264_settings(next(cache.glob("*/movie.mp4")))
    assert "threads=1" not in x264_settings(single[0])


def test_second_render_comes_from_the_cache(short_film, cache, tmp_path, monkeypatch):
    first: list = []
    concat.render_joined(short_film, "loss", tmp_path / "a", rendered=first, **OPTIONS)
    assert first == [("loss", True)]

    def no_render(*args, **kwargs):
        raise AssertionError("a cached chapter was rendered again")

    monkeypatch.setattr(jobs, "run_job", no_render)
    again: list = []
    written = concat.render_joined(short_film, "loss", tmp_path / "b", rendered=again, **OPTIONS)
    assert again == [("loss", False)]
    assert written[0].stat().st_size == (tmp_path / "a" / "loss.mp4").stat().st_size
    with pytest.raises(AssertionError, match="rendered again"):  # --no-cache renders
        concat.render_joined(short_film, "loss", tmp_path / "c", use_cache=False, **OPTIONS)
    assert not list(cache.glob(".*"))  # no temporary folder left behind


def test_the_look_ahead_typesets_a_chapter_without_rendering_it(short_film, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # a cold typeset cache
    log = tmp_path / "alone.txt"

    def alone(tex_file, *args):  # the look-ahead typesets in one batch, never one by one
        log.write_text(tex_file.stem)
        raise AssertionError("compiled alone")

    monkeypatch.setattr(tex_file_writing, "compile_tex", alone)  # the forked look-ahead too
    ahead = prefetch.start([jobs.JobSpec.of(short_film, "loss", **OPTIONS)])
    assert ahead is None  # the first chapter is typeset before start returns, in this process
    assert not log.exists()
    assert len(list((tmp_path / "xdg" / "bpviz" / "tex").glob("*.svg"))) >= 3  # the loss chapter's
    assert not list((tmp_path / "xdg" / "bpviz" / "tex").glob("*.lock"))


def test_a_chapter_laid_out_before_is_not_laid_out_again(short_film, tmp_path, monkeypatch):
    """Its stills after its render (another quality and format) find every equation typeset: the
    look-ahead does not play the chapter again, which cost as much CPU as drawing it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    render_spec = jobs.JobSpec.of(short_film, "loss", **OPTIONS)
    assert prefetch.typeset_ahead(render_spec, tmp_path / "xdg" / "bpviz")  # new equations: typeset
    assert len(list((tmp_path / "xdg" / "bpviz" / "ahead").iterdir())) == 1

    played = []  # (typeset_ahead goes on after a failed layout: an exception would not tell)
    monkeypatch.setattr(prefetch, "chapter", lambda *args, **kwargs: played.append(args))
    stills = render.lay_outs(short_film, ["loss"], "high", OPTIONS["aspect"])
    assert prefetch.typeset_ahead(stills[0], tmp_path / "xdg" / "bpviz") == []
    assert played == []
    # another aspect may wrap its equations otherwise: it is laid out on its own
    assert prefetch.laid_out_key("loss", short_film, {"aspect": "4:3"}) != \
        prefetch.laid_out_key("loss", short_film, {"aspect": "16:9"})


def test_the_stills_of_the_full_film_are_laid_out_ahead_chapter_by_chapter(short_film):
    """Not the whole film in one pass before the first still: the first chapter, then the others beside."""
    laid = render.lay_outs(short_film, ["loss", registry.FULL], "low", "16:9")
    assert [spec.chapter for spec in laid] == ["loss", *registry.film_chapters(short_film)]
    assert all(spec.story() is short_film and spec.opts["quality"] == "low" for spec in laid)


def test_one_job_with_its_look_ahead_compiles_each_equation_once(short_film, cache, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # a cold typeset cache
    log = tmp_path / "compiled.txt"
    compile_tex = tex_file_writing.compile_tex

    def counted(tex_file, *args):
        with log.open("a") as fh:
            fh.write(f"{os.getpid()} {tex_file.stem}\n")
        return compile_tex(tex_file, *args)

    batch = tex_claims.typeset_batch

    def batched(documents):
        written = batch(documents)
        with log.open("a") as fh:
            fh.writelines(f"{os.getpid()} {Path(svg).stem}\n" for svg in written)
        return written

    monkeypatch.setattr(tex_file_writing, "compile_tex", counted)  # the forked look-ahead too
    monkeypatch.setattr(tex_claims, "typeset_batch", batched)
    concat.render_joined(short_film, "full", tmp_path / "film", jobs=1, **OPTIONS)
    stems = [line.split()[1] for line in log.read_text().splitlines()]
    assert len(stems) == len(set(stems)) > 3  # by the render or by the look-ahead, never both


def _trace(rate: float, weights=None):
    cfg = resolve(load("mazur"))
    if weights is not None:
        cfg = replace(cfg, weights=tuple(np.array(w) for w in weights))
    return train(replace(cfg, learning_rate=rate))


def differ(chapter, one, other, video) -> bool:
    return (job_fingerprint(chapter, one, video, "en", OPTIONS)
            != job_fingerprint(chapter, other, video, "en", OPTIONS))


def test_learning_rate_changes_only_the_chapters_that_show_it():
    # mazur with w^1_11 = 0.9: the largest |w| (the edge colour scale) is an initial weight the
    # update makes smaller, so the scale does not move with the learning rate
    weights = ([[0.9, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]])
    slow, fast = _trace(0.5, weights), _trace(0.6, weights)
    video = slow.config["video"]
    assert trace_view("loss", slow, video)["weight_scale"] == trace_view("loss", fast, video)["weight_scale"]
    changed = {c for c in ("neuron", "forward", "loss", "backward", "update", "chain_rule", "training")
               if differ(c, slow, fast, video)}
    assert changed == {"update", "training"}
    # on mazur itself w^2_22 grows past every initial weight: 0.5614 at 0.5, 0.5637 at 0.6, both
    # under the scale 0.57 (two significant figures, rounded up), so the scale stays ...
    slow, fast = _trace(0.5), _trace(0.6)
    changed = {c for c in ("neuron", "forward", "loss", "backward", "update", "chain_rule", "training")
               if differ(c, slow, fast, video)}
    assert changed == {"update", "training"}
    # ... while a learning rate that takes it past 0.57 moves every edge of every chapter
    moved = {c for c in STEP_CHAPTERS if differ(c, _trace(0.5), _trace(5.0), video)}
    assert moved == STEP_CHAPTERS


def test_the_same_config_under_another_file_name_has_the_same_fingerprints(tmp_path):
    from backprop_core.presets import preset_text

    copy = tmp_path / "my_and.toml"
    copy.write_text(preset_text("and"), encoding="utf-8")
    one, other = load_story("and"), load_story(str(copy))
    assert one.trace.config["source"] != other.trace.config["source"]
    for chapter in ("loss", "update", "training"):
        assert not differ(chapter, one.trace, other.trace, one.video), chapter


def test_chapters_without_the_learning_rate_say_the_same_for_another_rate():
    """What the fingerprint leaves out is really not shown: same captions and narration."""
    cfg = load("and")
    stories = [story_from_trace(train(replace(cfg, learning_rate=r)))
               for r in (2.0, 0.7)]
    for chapter in ("loss", "update"):
        said = [[(b.caption, b.say) for b in timed_beats(s, chapter)] for s in stories]
        assert (said[0] == said[1]) == (chapter in STEP_CHAPTERS), chapter


def test_joined_subtitles_are_shifted_by_the_chapters_before():
    def beat(say, start, hold, end):
        return {"chapter": "c", "key": say, "caption": "", "say": say,
                "start": start, "hold": hold, "end": end}

    first = [beat("one", 0.0, 1.0, 1.5)]
    second = [beat("two", 0.0, 2.0, 2.5), beat("three", 2.5, 3.0, 4.0)]
    joined = concat.joined_beats([first, second])
    assert [(b["start"], b["hold"], b["end"]) for b in joined] == [(0, 1, 1.5), (1.5, 3.5, 4), (4, 4.5, 5.5)]
    from bpviz.outputs.subtitles import srt_text
    from scenes.chapters.base import Beat

    srt = srt_text([Beat(**b) for b in joined])
    assert "00:00:01,500 --> 00:00:04,000\ntwo" in srt and "00:00:04,000 --> 00:00:05,500\nthree" in srt


@pytest.mark.parametrize("command", ["render", "frames"])
@pytest.mark.parametrize("jobs_value", ["0", "-2"])
def test_jobs_below_one_is_a_one_line_error(command, jobs_value, tmp_path):
    result = CliRunner().invoke(main, [command, "and", "--jobs", jobs_value, "-o", str(tmp_path / "out")])
    assert_one_line_error(result, "--jobs", jobs_value)
    assert not (tmp_path / "out").exists()
