"""Every number on screen is a trace value, written as the story writes numbers, and every equation
is one of ``backprop_core.equations`` for the explained step, ending with its value."""

from __future__ import annotations

import pytest

from .runner import cases, finished


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), cases("stills"))
def test_numbers_on_screen_are_the_trace(chapter_runs, variant, chapter):
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    problems = [f"{beat}: {p}" for beat in report.beats for p in beat.numbers]
    assert not problems, "\n".join(problems)
    assert sum(beat.checked_numbers for beat in report.beats), f"{chapter} shows no number to check"
