"""The training chapter's decision map (2-input networks) and code table (0/1 targets)."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_core import run_preset
from backprop_core.decision import decision_maps
from scenes.layout import Region
from scenes.mobjects.heat_map import LEVELS, HeatMap, buckets, runs
from scenes.themes import THEMES

from .runner import finished

MAX_MOBJECTS = 1500
"""A training frame holds far fewer mobjects than a map of one square per grid cell would add."""


def keys(report, prefix):
    return [b for b in report.beats if b.key.startswith(prefix)]


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), [("circle", "training"), ("xor", "training")])
def test_two_inputs_get_a_bounded_decision_map(chapter_runs, variant, chapter):
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    beats = keys(report, "boundary")
    assert [b.key for b in beats] == ["boundary", "boundary_train"]
    for beat in beats:
        assert len(beat.heat_maps) == 1, f"{beat}: {len(beat.heat_maps)} maps on screen"  # old ones gone
        assert beat.heat_maps[0] <= LEVELS + 1  # the group and one shape per colour bucket
        assert beat.mobjects < MAX_MOBJECTS
    assert not any(b.heat_maps for b in report.beats if not b.key.startswith("boundary"))


@pytest.mark.chapter_run("stills")
@pytest.mark.parametrize(("variant", "chapter"), [("digits", "training")])
def test_digits_get_the_code_table_and_no_map(chapter_runs, variant, chapter):
    report = finished(chapter_runs.get(variant, chapter, "stills"))
    assert not keys(report, "boundary") and not any(b.heat_maps for b in report.beats)
    before, after = keys(report, "codes")
    assert "1 of 10" in before.caption and "10 of 10" in after.caption
    assert after.checked_numbers >= 2 * 10 * 4  # every raw output, before and after, checked


def test_heat_map_paints_every_cell_in_its_bucket_colour():
    trace = run_preset("circle")
    _, (values,) = decision_maps(trace, [len(trace.epochs) - 1])
    heat = HeatMap(values, Region(0, 4, 0, 4), THEMES["dark"])
    levels = buckets(values)
    assert len(heat.submobjects) == len(np.unique(levels)) <= LEVELS
    assert heat.rectangles == sum(len(runs(row)) for row in levels) < values.size / 2
    cell = 4 / values.shape[0]
    for shape in heat.submobjects:  # each shape covers exactly the cells of its bucket
        area = 0.0
        for start in range(0, len(shape.points), 16):
            box = shape.points[start:start + 16]
            area += np.ptp(box[:, 0]) * np.ptp(box[:, 1])
        assert area == pytest.approx(np.count_nonzero(levels == shape.level) * cell * cell)


def test_buckets_split_at_one_half():
    assert list(buckets(np.array([0.0, 0.4999, 0.5, 1.0, 1.7, -0.2]))) == [0, 4, 5, 9, 9, 0]
    assert runs(np.array([1, 1, 2, 2, 2, 1])) == [(0, 2, 1), (2, 5, 2), (5, 6, 1)]
