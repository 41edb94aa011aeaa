"""Every chapter plays with Manim's ``dry_run`` (every animation interpolated, nothing written)."""

from __future__ import annotations

import pytest

from .runner import cases, finished


@pytest.mark.chapter_run("dry_run")
@pytest.mark.parametrize(("variant", "chapter"), cases("dry_run"))
def test_chapter_plays(chapter_runs, variant, chapter):
    report = finished(chapter_runs.get(variant, chapter, "dry_run"))
    assert report.beats, f"{chapter} played no beat"


@pytest.mark.chapter_run("dry_run")
@pytest.mark.parametrize(("variant", "chapter"), [c for c in cases("dry_run") if c in cases("stills")])
def test_video_beats_are_the_stills_beats(chapter_runs, variant, chapter):
    """The film and ``bpviz frames`` (animations skipped) go through the same beats and say the same.

    In both, each beat's times (what the subtitles and ``bpviz script`` use) are in order: its
    hold ends inside its section and the next section starts where it ends. (The times differ:
    the dry run plays at 5 frames a second; tests/cli/test_narration.py compares the times of a
    skipped run with the frames of an encoded video.)
    """
    video = finished(chapter_runs.get(variant, chapter, "dry_run"))
    stills = finished(chapter_runs.get(variant, chapter, "stills"))
    said = [[(b.key, b.caption, b.say) for b in report.beats] for report in (video, stills)]
    assert said[0] == said[1]
    for report in (video, stills):
        for beat, after in zip(report.beats, [*report.beats[1:], None]):
            start, hold, end = beat.times
            assert beat.say and start < hold <= end, (str(beat), beat.times)
            assert after is None or after.times[0] == end, str(beat)


@pytest.mark.chapter_run("dry_run")
@pytest.mark.parametrize(("variant", "chapter"), cases("dry_run"))
def test_video_frames_are_laid_out(chapter_runs, variant, chapter):
    """The settled frame of every beat of the film passes the layout check too."""
    report = finished(chapter_runs.get(variant, chapter, "dry_run"))
    problems = [f"{beat}: {p}" for beat in report.beats for p in beat.layout]
    assert not problems, "\n".join(problems)
