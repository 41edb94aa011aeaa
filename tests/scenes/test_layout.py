"""The settled frame of every beat, as ``bpviz frames`` draws it: inside the frame, nothing overlapping,
equations large enough to read."""

from __future__ import annotations

import pytest

from .runner import cases, finished

STILLS = cases("stills")


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), STILLS)
def test_texts_inside_frame_and_apart(chapter_runs, variant, chapter):
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    assert report.beats, f"{chapter} played no beat"
    problems = [f"{beat}: {p}" for beat in report.beats for p in beat.layout]
    assert not problems, "\n".join(problems)


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), STILLS)
def test_equations_legible(chapter_runs, variant, chapter):
    """Digits of every equation in the panel at least MIN_DIGIT_HEIGHT units (about 11 px at 480p)."""
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    problems = [f"{beat}: {p}" for beat in report.beats for p in beat.legibility]
    assert not problems, "\n".join(problems)
