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


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), [("mazur-delta_rule", "update"), ("mazur", "update")])
def test_sign_convention_beat_in_the_delta_rule_only(chapter_runs, variant, chapter):
    """The delta rule's sign-convention beat: its equations checked against the trace, its narration
    saying the one new weight both forms give (Mazur's w5+ = 0.35891648); none in nielsen."""
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    beats = [beat for beat in report.beats if beat.key == "sign_convention"]
    if variant == "mazur":
        assert not beats
        return
    (beat,) = beats
    assert not beat.numbers and beat.checked_numbers >= 5  # 3 equations, delta and activation labels
    assert beat.say.count("0.3589") == 2 and "-0.1385" in beat.say and "½" in beat.say
